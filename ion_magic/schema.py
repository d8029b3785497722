"""The API's schema: introspected once per endpoint and cached on disk (schema_docs.py describes it).

The cache holds the introspection result only (never a token): one JSON file per endpoint URL.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLSchema,
    build_client_schema,
    get_introspection_query,
)

from .paths import cache_root

INTROSPECTION_QUERY = get_introspection_query(descriptions=True)


def default_cache_dir() -> Path:
    return cache_root() / "schemas"


class SchemaCache:
    """Introspection results on disk, keyed by the GraphQL endpoint's URL."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory else default_cache_dir()

    def path_for(self, endpoint: str) -> Path:
        digest = hashlib.sha256(endpoint.encode()).hexdigest()[:24]
        return self.directory / f"{digest}.json"

    def load(self, endpoint: str) -> dict[str, Any] | None:
        try:
            stored = json.loads(self.path_for(endpoint).read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or stored.get("endpoint") != endpoint:
            return None
        return stored.get("introspection")

    def save(self, endpoint: str, introspection: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"endpoint": endpoint, "introspection": introspection})
        with tempfile.NamedTemporaryFile("w", dir=self.directory, delete=False, suffix=".tmp") as handle:
            handle.write(text)
        os.replace(handle.name, self.path_for(endpoint))


def schema_from_introspection(introspection: dict[str, Any] | None) -> GraphQLSchema | None:
    """A client-side schema, or None when there is no usable introspection result."""
    if not introspection or "__schema" not in introspection:
        return None
    try:
        return build_client_schema(introspection)  # type: ignore[arg-type]
    except (TypeError, ValueError, KeyError):
        return None

