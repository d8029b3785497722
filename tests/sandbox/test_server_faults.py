"""Fault injection seen by a raw httpx client: each kind, its counters, run-time changes, targeting."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from ion_magic.sandbox import Faults, start_sandbox

PAGED = {"query": "{ runs(first: 3) { edges { node { id } } pageInfo { totalCount } } }"}
UNPAGED = {"query": "{ runs { edges { node { id } } } }"}


@pytest.fixture
def client(fresh_sandbox, gql_for):
    token = gql_for(fresh_sandbox).token
    with httpx.Client(timeout=30, headers={"Authorization": token}) as http:
        yield http


def outcome(client: httpx.Client, url: str, payload: dict | None = None) -> str:
    """What a client meets: "ok", the HTTP status of a failure, or "drop" for a closed connection."""
    try:
        response = client.post(url, json=payload or PAGED)
    except httpx.RemoteProtocolError:
        return "drop"
    return "ok" if response.status_code == 200 else str(response.status_code)


def test_faults_are_off_by_default(fresh_sandbox, client):
    assert fresh_sandbox.faults == Faults()
    outcomes = Counter(outcome(client, fresh_sandbox.graphql_url) for _ in range(30))
    assert outcomes == {"ok": 30}
    assert fresh_sandbox.fault_counts == {}


@pytest.mark.parametrize("status", ["502", "503", "504"])
def test_gateway_errors_answer_the_status_with_a_gateway_page(fresh_sandbox, client, status):
    fresh_sandbox.faults = Faults(**{f"rate_{status}": 1.0})
    response = client.post(fresh_sandbox.graphql_url, json=PAGED)
    assert response.status_code == int(status)
    assert response.headers["content-type"].startswith("text/html")
    assert f"<title>{status} " in response.text
    assert fresh_sandbox.fault_counts == {status: 1}


def test_429_carries_retry_after(fresh_sandbox, client):
    fresh_sandbox.faults = Faults(rate_429=1.0, retry_after=7)
    response = client.post(fresh_sandbox.graphql_url, json=PAGED)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert "retry after 7" in response.json()["errors"][0]["message"]


def test_a_dropped_connection_gives_no_response_and_the_server_goes_on(fresh_sandbox, client):
    fresh_sandbox.faults = Faults(rate_drop=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(fresh_sandbox.graphql_url, json=PAGED)
    fresh_sandbox.faults.rate_drop = 0.0
    assert outcome(client, fresh_sandbox.graphql_url) == "ok"
    assert fresh_sandbox.fault_counts == {"drop": 1}


def test_latency_is_added_to_each_request(fresh_sandbox, client):
    fresh_sandbox.faults = Faults(latency_ms=2_000)
    with pytest.raises(httpx.ReadTimeout):
        client.post(fresh_sandbox.graphql_url, json=PAGED, timeout=0.2)
    fresh_sandbox.faults.latency_ms = 0
    assert outcome(client, fresh_sandbox.graphql_url) == "ok"


def test_changes_at_run_time_apply_to_the_next_request(fresh_sandbox, client):
    url = fresh_sandbox.graphql_url
    fresh_sandbox.faults.rate_503 = 1.0
    assert outcome(client, url) == "503"
    fresh_sandbox.faults.rate_503 = 0.0
    assert outcome(client, url) == "ok"
    fresh_sandbox.faults = Faults(rate_429=1.0)
    assert outcome(client, url) == "429"
    assert fresh_sandbox.fault_counts == {"503": 1, "429": 1}


def test_fail_every_nth_request_is_deterministic(fresh_sandbox, client):
    fresh_sandbox.faults = Faults(rate_502=1.0, fail_every=3)
    outcomes = [outcome(client, fresh_sandbox.graphql_url) for _ in range(9)]
    assert outcomes == ["ok", "ok", "502"] * 3


def test_seeded_random_faults_repeat_and_the_counters_match_what_the_client_met(fresh_sandbox, client):
    mix = Faults(rate_429=0.15, rate_502=0.1, rate_503=0.1, rate_504=0.05, rate_drop=0.1, seed=11)
    runs = []
    for _ in range(2):
        fresh_sandbox.faults = mix
        before = Counter(fresh_sandbox.fault_counts)
        runs.append([outcome(client, fresh_sandbox.graphql_url) for _ in range(60)])
        injected = Counter(fresh_sandbox.fault_counts) - before
        met = Counter(kind for kind in runs[-1] if kind != "ok")
        assert met == injected
    assert runs[0] == runs[1]
    assert {"ok", "429", "502", "503", "504", "drop"} == set(runs[0])


def test_two_sandboxes_with_the_same_seed_fail_alike(gql_for):
    sequences = []
    for _ in range(2):
        with start_sandbox(faults=Faults(rate_503=0.5, seed=3, graphql_only=True)) as running:
            token = gql_for(running).token
            with httpx.Client(headers={"Authorization": token}) as http:
                sequences.append([outcome(http, running.graphql_url) for _ in range(20)])
    assert sequences[0] == sequences[1]
    assert set(sequences[0]) == {"ok", "503"}


def test_faults_can_target_mutations_only(fresh_sandbox, client):
    fresh_sandbox.faults = Faults(rate_503=1.0, target="mutations")
    mutation = {"query": "mutation { anything { id } }"}
    named = {"query": "query Q { __typename } mutation M { anything { id } }", "operationName": "M"}
    assert outcome(client, fresh_sandbox.graphql_url, mutation) == "503"
    assert outcome(client, fresh_sandbox.graphql_url, named) == "503"
    assert outcome(client, fresh_sandbox.graphql_url, {**named, "operationName": "Q"}) == "ok"
    assert outcome(client, fresh_sandbox.graphql_url, PAGED) == "ok"
    assert outcome(client, fresh_sandbox.graphql_url, [PAGED, mutation]) == "503"


def test_faults_can_target_queries_only(fresh_sandbox, client):
    fresh_sandbox.faults = Faults(rate_503=1.0, target="queries")
    assert outcome(client, fresh_sandbox.graphql_url, PAGED) == "503"
    response = client.post(fresh_sandbox.graphql_url, json={"query": "mutation { anything { id } }"})
    assert response.status_code == 200
    assert response.json()["errors"]


def test_token_endpoint_faults_unless_graphql_only_and_health_never(fresh_sandbox, client):
    token_form = {
        "grant_type": "client_credentials",
        "client_id": fresh_sandbox.client_id,
        "client_secret": fresh_sandbox.client_secret,
    }
    fresh_sandbox.faults = Faults(rate_503=1.0)
    assert client.post(fresh_sandbox.token_url, data=token_form).status_code == 503
    assert client.get(fresh_sandbox.api_url + "/health").status_code == 200
    fresh_sandbox.faults.graphql_only = True
    assert client.post(fresh_sandbox.token_url, data=token_form).status_code == 200
    assert outcome(client, fresh_sandbox.graphql_url) == "503"


def test_a_large_unpaginated_list_gets_the_gateway_502(fresh_sandbox, client):
    total = client.post(fresh_sandbox.graphql_url, json=PAGED).json()["data"]["runs"]["pageInfo"]["totalCount"]
    fresh_sandbox.faults = Faults(gateway_timeout=0.2, unpaginated_row_limit=total - 1)

    response = client.post(fresh_sandbox.graphql_url, json=UNPAGED)
    assert response.status_code == 502
    assert "502 Bad Gateway" in response.text
    assert outcome(client, fresh_sandbox.graphql_url, PAGED) == "ok"
    fresh_sandbox.faults.unpaginated_row_limit = total
    assert outcome(client, fresh_sandbox.graphql_url, UNPAGED) == "ok"
    assert fresh_sandbox.fault_counts == {"gateway_timeout": 1}


def test_invalid_fault_settings_are_refused():
    with pytest.raises(ValueError, match="rate_503"):
        Faults(rate_503=1.5)
    with pytest.raises(ValueError, match="target"):
        Faults(target="subscriptions")
