"""The schema cache: an old schema is introspected again at login, a sandbox on an ephemeral port is never
written to disk, stale files are pruned, and a validation error against a cached schema says its age and
how to refresh."""

from __future__ import annotations

import json
import os
import time

import pytest

from ion_magic.errors import IonValidationError
from ion_magic.options import SCHEMA_MAX_AGE_S
from ion_magic.sandbox import start_sandbox
from ion_magic.schema import KEEP_DAYS, SchemaCache, kept_on_disk
from ion_magic.session import IonSession

FIXED_PORT_ENDPOINT = "http://127.0.0.1:8711/graphql"


@pytest.mark.parametrize(
    ("endpoint", "kept"),
    [
        ("https://api.buildwithion.com/graphql", True),
        ("http://127.0.0.1:8711/graphql", True),
        ("http://127.0.0.1:43117/graphql", False),
        ("http://localhost:60001/graphql", False),
        ("https://api.example.com:44300/graphql", True),
    ],
)
def test_which_endpoints_are_kept_on_disk(endpoint, kept):
    assert kept_on_disk(endpoint) is kept


def test_an_ephemeral_sandbox_is_never_cached(tmp_path):
    """Another server may take the port next (tests start many): its cells must not be checked against this
    one's schema, so a loopback endpoint on an ephemeral port is introspected at every login."""
    cache = SchemaCache(tmp_path)
    with start_sandbox() as sandbox:
        first = IonSession(
            "custom", sandbox.api_url, sandbox.auth_url, sandbox.client_id, sandbox.client_secret, schema_cache=cache
        )
        first.login()
        again = IonSession(
            "custom", sandbox.api_url, sandbox.auth_url, sandbox.client_id, sandbox.client_secret, schema_cache=cache
        )
        again.login()
    assert list(tmp_path.iterdir()) == []
    assert first.schema_saved_at is None and again.schema_saved_at is None  # both introspected


def test_files_of_ephemeral_endpoints_and_old_files_are_pruned(tmp_path):
    cache = SchemaCache(tmp_path)
    old_style = tmp_path / "aaaa.json"  # written by an earlier version for a sandbox port
    old_style.write_text(json.dumps({"endpoint": "http://127.0.0.1:41234/graphql", "introspection": {}}))
    unused = tmp_path / "bbbb.json"
    unused.write_text(json.dumps({"endpoint": "https://old.example/graphql", "introspection": {}}))
    long_ago = time.time() - (KEEP_DAYS + 1) * 86400
    os.utime(unused, (long_ago, long_ago))
    cache.save("https://api.example.com/graphql", {"__schema": {}})
    assert sorted(path.name for path in tmp_path.iterdir()) == [cache.path_for("https://api.example.com/graphql").name]


def _sandbox_session(sandbox, cache: SchemaCache) -> IonSession:
    """A session whose endpoint is kept on disk: the sandbox seen through a fixed-port name."""
    session = IonSession(
        "custom", sandbox.api_url, sandbox.auth_url, sandbox.client_id, sandbox.client_secret, schema_cache=cache
    )
    session.graphql_url = FIXED_PORT_ENDPOINT  # the cache key only; requests go to the transport's URL
    return session


def test_a_stale_schema_is_introspected_again_at_login_and_a_fresh_one_is_reused(tmp_path):
    cache = SchemaCache(tmp_path)
    stale = {"__schema": {"stale": True}}
    cache.save(FIXED_PORT_ENDPOINT, stale)
    path = cache.path_for(FIXED_PORT_ENDPOINT)
    stored = json.loads(path.read_text())
    stored["saved_at"] = time.time() - SCHEMA_MAX_AGE_S - 60
    path.write_text(json.dumps(stored))
    with start_sandbox() as sandbox:
        session = _sandbox_session(sandbox, cache)
        session.login()
        assert session.schema is not None and session.schema_saved_at is None  # introspected again
        assert "stale" not in json.loads(path.read_text())["introspection"]["__schema"]
        later = _sandbox_session(sandbox, cache)
        later.login()
        assert later.schema_saved_at is not None and "loaded from the cache" in later.status()["schema"]


def test_a_validation_error_against_a_cached_schema_says_its_age_and_how_to_refresh(tmp_path):
    cache = SchemaCache(tmp_path)
    with start_sandbox() as sandbox:
        _sandbox_session(sandbox, cache).login()
        stored = json.loads(cache.path_for(FIXED_PORT_ENDPOINT).read_text())
        stored["saved_at"] = time.time() - 3 * 3600
        cache.path_for(FIXED_PORT_ENDPOINT).write_text(json.dumps(stored))
        session = _sandbox_session(sandbox, cache)
        session.login()
        with pytest.raises(IonValidationError) as caught:
            session.query("{ runs { edges { node { completedOn } } } }", progress=False)
    message = str(caught.value)
    assert "Cannot query field 'completedOn'" in message
    assert "cached 3 hours ago" in message and "session.load_schema(refresh=True)" in message
