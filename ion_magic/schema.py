"""The API's schema: introspected once per endpoint, cached on disk, and described for people.

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
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_client_schema,
    get_introspection_query,
)

INTROSPECTION_QUERY = get_introspection_query(descriptions=True)


def cache_root() -> Path:
    """ion-magic's cache directory: ION_MAGIC_CACHE_DIR, else ~/.cache/ion-magic (XDG_CACHE_HOME honoured)."""
    configured = os.environ.get("ION_MAGIC_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ion-magic"


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


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _field_line(name: str, field: GraphQLField) -> str:
    args = ", ".join(f"{arg_name}: {arg.type}" for arg_name, arg in field.args.items())
    signature = f"{name}({args})" if args else name
    description = _first_line(field.description)
    return f"  {signature}: {field.type}" + (f"  — {description}" if description else "")


def describe_roots(schema: GraphQLSchema) -> str:
    """The queries and mutations the API offers, one line each."""
    parts = []
    for title, root in (("Queries", schema.query_type), ("Mutations", schema.mutation_type)):
        if root is None:
            continue
        parts.append(f"{title} ({len(root.fields)}):")
        parts.extend(_field_line(name, field) for name, field in sorted(root.fields.items()))
    parts.append("\n%ion_schema TYPE shows one type, e.g. %ion_schema Run")
    return "\n".join(parts)


def describe_type(schema: GraphQLSchema, name: str) -> str:
    """One type: its fields with types and descriptions, its enum values, or its input fields."""
    named = schema.get_type(name)
    if named is None:
        lowered = {type_name.lower(): type_name for type_name in schema.type_map}
        hint = lowered.get(name.lower())
        suggestion = f" Did you mean {hint!r}?" if hint else ""
        raise KeyError(f"The schema has no type {name!r}.{suggestion}")
    lines = []
    kind = type(named).__name__.removeprefix("GraphQL").removesuffix("Type").lower() or "scalar"
    lines.append(f"{kind} {named.name}")
    if named.description:
        lines.append(f"  {named.description.strip()}")
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        lines.append("fields:")
        lines.extend(_field_line(field_name, field) for field_name, field in named.fields.items())
    elif isinstance(named, GraphQLInputObjectType):
        lines.append("input fields:")
        for field_name, field in named.fields.items():
            description = _first_line(field.description)
            lines.append(f"  {field_name}: {field.type}" + (f"  — {description}" if description else ""))
    elif isinstance(named, GraphQLEnumType):
        lines.append("values:")
        for value_name, value in named.values.items():
            description = _first_line(value.description)
            lines.append(f"  {value_name}" + (f"  — {description}" if description else ""))
    elif isinstance(named, GraphQLUnionType):
        lines.append("one of: " + ", ".join(member.name for member in named.types))
    return "\n".join(lines)
