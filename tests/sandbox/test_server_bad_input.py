"""Bad input to /graphql: each gets one clear error, and the server goes on serving."""

from __future__ import annotations

import json

import httpx
import pytest

RUNS = "query Runs { runs(first: 2) { edges { node { id title } } } }"


@pytest.fixture
def client(gql):
    """An httpx client that sends the session sandbox's token; afterwards, checks the server still serves."""
    with httpx.Client(timeout=60, headers={"Authorization": gql.token}) as http:
        yield http
        assert gql.sandbox.running
        response = http.post(gql.sandbox.graphql_url, json={"query": RUNS})
        assert response.status_code == 200
        assert len(response.json()["data"]["runs"]["edges"]) == 2


def only_error(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"errors"}
    assert len(body["errors"]) == 1
    return body["errors"][0]["message"]


def test_a_body_that_is_not_json_is_400(sandbox, client):
    response = client.post(sandbox.graphql_url, content=b"{ runs { id }", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in only_error(response)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_declared_json_is_415(sandbox, client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(sandbox.graphql_url, content=json.dumps({"query": RUNS}).encode(), headers=headers)
    assert response.status_code == 415
    assert "application/json" in only_error(response)


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"variables": {}}, "Must provide query string"),
        ({"query": "   "}, "Must provide query string"),
        ({"query": 42}, "Must provide query string"),
        ("just a string", "must be a JSON object"),
        ({"query": RUNS, "variables": [1, 2]}, "Variables must be a JSON object"),
        ({"query": RUNS, "variables": "{not json"}, "Variables are invalid JSON"),
        ({"query": RUNS, "operationName": 7}, "operationName must be a string"),
        ([], "batch is empty"),
        ([{"query": RUNS}, {"nothing": 1}], "batch item 1"),
    ],
    ids=[
        "no-query",
        "blank-query",
        "query-not-string",
        "not-an-object",
        "variables-list",
        "variables-bad-string",
        "operation-name-number",
        "empty-batch",
        "bad-batch-item",
    ],
)
def test_malformed_graphql_requests_are_400(sandbox, client, payload, says):
    response = client.post(sandbox.graphql_url, json=payload)
    assert response.status_code == 400
    assert says in only_error(response)


def test_variables_may_come_as_a_json_string(sandbox, client):
    query = "query One($n: Int) { runs(first: $n) { edges { node { id } } } }"
    response = client.post(sandbox.graphql_url, json={"query": query, "variables": json.dumps({"n": 1})})
    assert response.status_code == 200
    assert len(response.json()["data"]["runs"]["edges"]) == 1


def test_a_batch_answers_each_request_in_order(sandbox, client):
    batch = [{"query": RUNS}, {"query": "{ __typename }"}, {"query": "{ notAField }"}]
    response = client.post(sandbox.graphql_url, json=batch)
    assert response.status_code == 200
    first, second, third = response.json()
    assert len(first["data"]["runs"]["edges"]) == 2
    assert second == {"data": {"__typename": "Query"}}
    assert third["errors"]


def test_an_unknown_operation_name_is_the_apis_graphql_error(sandbox, client):
    response = client.post(sandbox.graphql_url, json={"query": RUNS, "operationName": "NoSuchOperation"})
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert "NoSuchOperation" in errors[0]["message"]


def test_a_syntax_error_is_a_graphql_error_with_its_location(sandbox, client):
    response = client.post(sandbox.graphql_url, json={"query": "{ runs(first: 2) { edges { node { id } }"})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert "Syntax Error" in error["message"]
    assert error["locations"]


@pytest.mark.parametrize("depth", [50, 2_000])
def test_a_very_deep_query_is_a_clear_error(sandbox, client, depth):
    query = "{ " + "runs { edges { node { " * depth + "id" + " } } }" * depth + " }"
    response = client.post(sandbox.graphql_url, json={"query": query})
    assert response.status_code == 200
    assert "nested" in response.json()["errors"][0]["message"]


def test_a_body_over_the_limit_is_413(sandbox, client):
    padding = " " * 1_100_000
    response = client.post(sandbox.graphql_url, json={"query": RUNS + padding})
    assert response.status_code == 413
    assert "larger than the limit" in only_error(response)


def test_a_streamed_body_over_the_limit_is_413(sandbox, client):
    def chunks():
        yield b'{"query": "'
        for _ in range(200):
            yield b" " * 10_000
        yield b'"}'

    response = client.post(sandbox.graphql_url, content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_a_cursor_that_is_not_one_is_a_graphql_error(sandbox, client):
    query = 'query { runs(first: 2, after: "not-a-cursor") { edges { node { id } } } }'
    response = client.post(sandbox.graphql_url, json={"query": query})
    assert response.status_code == 200
    assert "cursor" in response.json()["errors"][0]["message"].lower()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/graphql", 405),
        ("GET", "/nowhere", 404),
        ("GET", "/realms/api-keys/protocol/openid-connect/token", 405),
    ],
)
def test_wrong_routes_answer_json_pointing_at_the_right_ones(sandbox, client, method, path, status):
    response = client.request(method, sandbox.api_url + path)
    assert response.status_code == status
    assert "POST /graphql" in only_error(response)


def test_health_needs_no_token(sandbox):
    response = httpx.get(sandbox.api_url + "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-b3-trace-id"]
