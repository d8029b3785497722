"""The API's schema: introspected once per endpoint and cached on disk (schema_docs.py describes it).

The cache holds the introspection result only (never a token): one JSON file per endpoint URL, with the
time it was saved. A cached schema older than `SCHEMA_MAX_AGE_S` is introspected again at login: GraphQL
offers no version or ETag for a schema, so a fingerprint able to notice one new field on one type would
have to list every type's fields (most of an introspection's size and time), while an age limit costs
nothing on most logins and bounds how stale the cache can be; a validation error says how old the schema
is and how to refresh it. Endpoints on loopback ephemeral ports (sandboxes started on a free port) are
never cached (another server may take the port next; a local introspection costs milliseconds), and files
unused for `KEEP_DAYS` are pruned.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from graphql import (
    GraphQLSchema,
    build_client_schema,
    get_introspection_query,
)

from .credentials import LOOPBACK_HOSTS
from .options import SCHEMA_MAX_AGE_S
from .paths import cache_root

INTROSPECTION_QUERY = get_introspection_query(descriptions=True)
EPHEMERAL_PORTS = 32768  # Linux's ephemeral range starts here (Windows' and macOS' at 49152)
KEEP_DAYS = 30
_ENDPOINT_IN_HEAD = re.compile(r'"endpoint": "([^"]*)"')


def default_cache_dir() -> Path:
    return cache_root() / "schemas"


@dataclass(frozen=True)
class CachedSchema:
    introspection: dict[str, Any] | None
    saved_at: float | None  # seconds since the epoch; None for a schema introspected just now

    @property
    def stale(self) -> bool:
        return self.saved_at is not None and time.time() - self.saved_at > SCHEMA_MAX_AGE_S


def kept_on_disk(endpoint: str) -> bool:
    """False for a loopback endpoint on an ephemeral port: a sandbox that will not be there next time."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    return not (parts.hostname in LOOPBACK_HOSTS and port is not None and port >= EPHEMERAL_PORTS)


class SchemaCache:
    """Introspection results on disk, keyed by the GraphQL endpoint's URL."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory else default_cache_dir()

    def path_for(self, endpoint: str) -> Path:
        digest = hashlib.sha256(endpoint.encode()).hexdigest()[:24]
        return self.directory / f"{digest}.json"

    def load(self, endpoint: str) -> CachedSchema | None:
        if not kept_on_disk(endpoint):  # another server may take the port next: always introspect it
            return None
        path = self.path_for(endpoint)
        try:
            stored = json.loads(path.read_text())
            saved_at = stored.get("saved_at") or path.stat().st_mtime
        except (OSError, ValueError, AttributeError):
            return None
        if stored.get("endpoint") != endpoint or not isinstance(saved_at, int | float):
            return None
        return CachedSchema(stored.get("introspection"), float(saved_at))

    def save(self, endpoint: str, introspection: dict[str, Any]) -> None:
        now = time.time()
        if not kept_on_disk(endpoint):
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"endpoint": endpoint, "saved_at": now, "introspection": introspection})
        with tempfile.NamedTemporaryFile("w", dir=self.directory, delete=False, suffix=".tmp") as handle:
            handle.write(text)
        os.replace(handle.name, self.path_for(endpoint))
        self.prune()

    def prune(self) -> None:
        """Remove files unused for KEEP_DAYS and files of endpoints no longer kept on disk."""
        too_old = time.time() - KEEP_DAYS * 86400
        for path in self.directory.glob("*.json"):
            try:
                if path.stat().st_mtime < too_old:
                    path.unlink()
                    continue
                with path.open("rb") as handle:
                    head = handle.read(400).decode("utf-8", "replace")
                found = _ENDPOINT_IN_HEAD.search(head)
                if found and not kept_on_disk(found.group(1)):
                    path.unlink()
            except OSError:
                continue  # another process pruned or replaced it: nothing to do


def introspect(execute: Callable[[str], dict[str, Any]]) -> dict[str, Any] | None:
    """The introspection result, or None when the server refuses introspection."""
    response = execute(INTROSPECTION_QUERY)
    return response.get("data") if not response.get("errors") else None


def age_in_words(saved_at: float) -> str:
    """`3 days ago`, `5 hours ago`, `12 minutes ago`, `just now`."""
    seconds = max(0.0, time.time() - saved_at)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def schema_from_introspection(introspection: dict[str, Any] | None) -> GraphQLSchema | None:
    """A client-side schema, or None when there is no usable introspection result."""
    if not introspection or "__schema" not in introspection:
        return None
    try:
        return build_client_schema(introspection)  # type: ignore[arg-type]
    except (TypeError, ValueError, KeyError):
        return None
