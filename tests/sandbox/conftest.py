"""The data-side sandbox tests talk to a sandbox served over loopback HTTP; `store` is that sandbox's own
store, so results can be compared with plain SQL, and `api` an engine over the same store for the tests
of the engine's internals (request statistics, batching)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ion_magic.sandbox import RunningSandbox, start_sandbox
from ion_magic.sandbox.api import SandboxAPI
from ion_magic.sandbox.store import Store

from ..conftest import GraphQLCaller


@pytest.fixture(scope="module")
def served() -> Iterator[RunningSandbox]:
    with start_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def store(served: RunningSandbox) -> Store:
    return served.store


@pytest.fixture(scope="module")
def api(store: Store) -> SandboxAPI:
    return SandboxAPI(store)


@pytest.fixture(scope="module")
def execute(served: RunningSandbox) -> Iterator[GraphQLCaller]:
    """`execute(query, variables=None, operation_name=None) -> response dict`, over HTTP with a real token."""
    with httpx.Client(timeout=60) as client:
        yield GraphQLCaller(served, client)
