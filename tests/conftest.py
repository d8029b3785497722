"""Shared fixtures: a running sandbox over real loopback HTTP, a GraphQL caller, and the ION corpus."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ion_magic.sandbox import RunningSandbox, start_sandbox

CORPUS_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "ion-api" / "corpus.json"


@pytest.fixture(scope="session")
def sandbox() -> Iterator[RunningSandbox]:
    """One sandbox for the session (scale 1, in memory). Tests that mutate or inject faults use fresh_sandbox."""
    with start_sandbox() as running:
        yield running


@pytest.fixture
def fresh_sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox() as running:
        yield running


def fetch_token(client: httpx.Client, sandbox: RunningSandbox) -> str:
    response = client.post(
        sandbox.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
        },
    )
    response.raise_for_status()
    return response.json()["access_token"]


class GraphQLCaller:
    """POSTs GraphQL to a sandbox with a token fetched over HTTP; returns the decoded JSON body."""

    def __init__(self, sandbox: RunningSandbox, client: httpx.Client) -> None:
        self.sandbox = sandbox
        self.client = client
        self.token = fetch_token(client, sandbox)

    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
    ) -> dict[str, Any]:
        response = self.client.post(
            self.sandbox.graphql_url,
            json={"query": query, "variables": variables, "operationName": operation_name},
            headers={"Authorization": self.token},
        )
        assert response.status_code == 200, f"HTTP {response.status_code}: {response.text[:500]}"
        return response.json()


@pytest.fixture
def gql_for() -> Iterator[Callable[[RunningSandbox], GraphQLCaller]]:
    """A factory of GraphQL callers, for tests that talk to a sandbox of their own."""
    with httpx.Client(timeout=60) as client:
        yield lambda running: GraphQLCaller(running, client)


@pytest.fixture
def gql(sandbox: RunningSandbox, gql_for: Callable[[RunningSandbox], GraphQLCaller]) -> GraphQLCaller:
    """`gql(query, variables=None, operation_name=None) -> dict` against the session sandbox."""
    return gql_for(sandbox)


@pytest.fixture(scope="session")
def corpus() -> list[dict[str, Any]]:
    """The real ION operations (kept outside the project); skips the test when absent."""
    if not CORPUS_PATH.is_file():
        pytest.skip(f"ION corpus not found at {CORPUS_PATH}")
    return json.loads(CORPUS_PATH.read_text())
