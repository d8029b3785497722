"""Fixtures of the hostile-server tests: a lying server per test, and a schema cache of the test's own (each
server is a new URL on a port that may have served another schema before)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from graphql import GraphQLSchema

import ion_magic

from ..magics.conftest import ion, shell  # noqa: F401  (the in-process %%ion, logged in to the sandbox)
from .server import HostileServer


@pytest.fixture(autouse=True)
def own_schema_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "schema-cache"))


@pytest.fixture
def start_hostile() -> Iterator[Callable[[GraphQLSchema], HostileServer]]:
    """`start_hostile(schema)` starts a lying server on 127.0.0.1; every one started is stopped after the test."""
    started: list[HostileServer] = []

    def start(schema: GraphQLSchema) -> HostileServer:
        server = HostileServer(schema).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
    failed = [repr(error) for server in started for error in server.failures]
    if failed:  # the server did not do what the test said: its verdict would mean nothing
        pytest.fail(f"a hostile server's script raised: {failed}")


@pytest.fixture(scope="module")
def api(sandbox, tmp_path_factory):
    """A Python API session on the session's sandbox, opened as a script would (`ion_magic.connect`)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path_factory.mktemp("api-schema-cache")))
        session = ion_magic.connect(
            api_url=sandbox.api_url,
            auth_url=sandbox.auth_url,
            client_id=sandbox.client_id,
            client_secret=sandbox.client_secret,
        )
    yield session
    session.close()
