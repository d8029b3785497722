"""The sandbox's ION-style auth over real HTTP: the Keycloak token endpoint and the /graphql token check."""

from __future__ import annotations

import base64
import logging
import time

import httpx
import pytest

from ion_magic.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, TOKEN_PATHS, RunningSandbox, start_sandbox

QUERY = {"query": "{ __typename }"}


@pytest.fixture
def client():
    with httpx.Client(timeout=30) as http:
        yield http


def form(sandbox: RunningSandbox, **overrides: str) -> dict[str, str]:
    fields = {
        "grant_type": "client_credentials",
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def token_for(client: httpx.Client, sandbox: RunningSandbox) -> str:
    response = client.post(sandbox.token_url, data=form(sandbox))
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_the_handle_carries_the_demo_client_and_hides_its_secret(sandbox):
    assert (sandbox.client_id, sandbox.client_secret) == (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    assert DEMO_CLIENT_SECRET not in repr(sandbox)


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_token_endpoint_answers_like_keycloak_on_both_paths(sandbox, client, path):
    response = client.post(sandbox.auth_url + path, data=form(sandbox, audience=sandbox.api_url))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "refresh_expires_in", "token_type", "not-before-policy", "scope"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == sandbox.token_lifetime
    assert body["refresh_expires_in"] == 0
    assert response.headers["cache-control"] == "no-store"
    ok = client.post(sandbox.graphql_url, json=QUERY, headers={"Authorization": body["access_token"]})
    assert ok.json() == {"data": {"__typename": "Query"}}


def test_every_token_is_new_and_looks_like_a_jwt(sandbox, client):
    first, second = token_for(client, sandbox), token_for(client, sandbox)
    assert first != second
    assert first.count(".") == 2


def test_http_basic_client_authentication_is_accepted(sandbox, client):
    credentials = base64.b64encode(f"{sandbox.client_id}:{sandbox.client_secret}".encode()).decode()
    response = client.post(
        sandbox.token_url, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {credentials}"}
    )
    assert response.status_code == 200
    assert response.json()["access_token"]


@pytest.mark.parametrize(
    "overrides",
    [{"client_secret": "wrong"}, {"client_id": "someone-else"}, {"client_secret": None}],
    ids=["wrong-secret", "unknown-client", "no-secret"],
)
def test_bad_client_credentials_are_refused_as_invalid_client(sandbox, client, overrides):
    response = client.post(sandbox.token_url, data=form(sandbox, **overrides))
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Invalid client or Invalid client credentials",
    }


def test_wrong_basic_credentials_are_refused(sandbox, client):
    response = client.post(
        sandbox.token_url, data={"grant_type": "client_credentials"}, auth=(sandbox.client_id, "wrong")
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [({"grant_type": "password"}, "unsupported_grant_type"), ({"grant_type": None}, "invalid_request")],
    ids=["password-grant", "no-grant"],
)
def test_grant_problems_are_400_with_a_keycloak_error(sandbox, client, overrides, error):
    response = client.post(sandbox.token_url, data=form(sandbox, **overrides))
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]


def test_a_json_token_request_is_refused_as_invalid_request(sandbox, client):
    response = client.post(sandbox.token_url, json=form(sandbox))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("scheme", ["", "Bearer ", "Token ", "bearer "])
def test_graphql_accepts_the_token_raw_or_with_a_scheme(sandbox, client, scheme):
    token = token_for(client, sandbox)
    response = client.post(sandbox.graphql_url, json=QUERY, headers={"Authorization": scheme + token})
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({}, "Authentication required"),
        ({"Authorization": "Bearer not-a-token"}, "did not issue"),
        ({"Authorization": "Bearer"}, "Authentication required"),
    ],
    ids=["missing", "unknown", "empty"],
)
def test_graphql_without_a_valid_token_is_401_saying_why(sandbox, client, headers, says):
    response = client.post(sandbox.graphql_url, json=QUERY, headers=headers)
    assert response.status_code == 401
    errors = response.json()["errors"]
    assert len(errors) == 1
    assert says in errors[0]["message"]


def test_a_token_from_another_sandbox_is_unknown(sandbox, client):
    with start_sandbox() as other:
        foreign = token_for(client, other)
    response = client.post(sandbox.graphql_url, json=QUERY, headers={"Authorization": foreign})
    assert response.status_code == 401
    assert "did not issue" in response.json()["errors"][0]["message"]


def test_a_short_lived_token_expires_and_a_new_one_works(fresh_sandbox, client):
    fresh_sandbox.token_lifetime = 1
    issued = client.post(fresh_sandbox.token_url, data=form(fresh_sandbox)).json()
    assert issued["expires_in"] == 1
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    deadline = time.monotonic() + 30
    response = client.post(fresh_sandbox.graphql_url, json=QUERY, headers=headers)
    while response.status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
        response = client.post(fresh_sandbox.graphql_url, json=QUERY, headers=headers)

    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]["message"]
    fresh_sandbox.token_lifetime = 300
    renewed = token_for(client, fresh_sandbox)
    assert client.post(fresh_sandbox.graphql_url, json=QUERY, headers={"Authorization": renewed}).status_code == 200


def test_expire_tokens_expires_the_tokens_already_issued(fresh_sandbox, client):
    token = token_for(client, fresh_sandbox)
    fresh_sandbox.expire_tokens()
    response = client.post(fresh_sandbox.graphql_url, json=QUERY, headers={"Authorization": token})
    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]["message"]


def test_custom_client_credentials_replace_the_demo_ones(client):
    with start_sandbox(client_id="acme-ci", client_secret="s3cret-value") as custom:
        assert "s3cret-value" not in repr(custom)
        refused = client.post(
            custom.token_url,
            data={"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET},
        )
        accepted = client.post(
            custom.token_url,
            data={"grant_type": "client_credentials", "client_id": "acme-ci", "client_secret": "s3cret-value"},
        )
    assert refused.status_code == 401
    assert accepted.status_code == 200


def test_no_token_or_secret_reaches_the_log(caplog):
    caplog.set_level(logging.DEBUG)
    with start_sandbox(access_log=True) as running, httpx.Client() as http:
        token = token_for(http, running)
        http.post(running.graphql_url, json=QUERY, headers={"Authorization": f"Bearer {token}"})
        http.post(running.token_url, data=form(running, client_secret="a-wrong-secret"))
        running.expire_tokens()
        http.post(running.graphql_url, json=QUERY, headers={"Authorization": token})

    assert any(record.name == "uvicorn.access" and "/graphql" in record.getMessage() for record in caplog.records)
    for secret in (token, DEMO_CLIENT_SECRET, "a-wrong-secret"):
        assert secret not in caplog.text
