"""The sandbox's GraphQL engine: schema.graphql with resolvers bound, over a Store.

The HTTP layer calls `SandboxAPI.execute` from worker threads; it never raises for bad client input.
Parsing and validation are cached per query text (a paging client resends the same text with new
variables); execution holds the store's lock, so each request sees one consistent state.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLFormattedError,
    GraphQLSchema,
    build_schema,
    execute_sync,
    parse,
    specified_rules,
    validate,
)

from ion_magic.sandbox.context import OffsetHints, RequestContext, RequestStats
from ion_magic.sandbox.limits import MAX_DEPTH, MAX_FIELDS, MAX_TOKENS, size_limit_rule
from ion_magic.sandbox.mutations import bind_mutation_resolvers
from ion_magic.sandbox.resolvers import bind_read_resolvers
from ion_magic.sandbox.scalars import IntegerIdExecutor, bind_scalars
from ion_magic.sandbox.store import Store

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")
"""The one source of truth of the sandbox's API."""


def build_sandbox_schema(store: Store) -> GraphQLSchema:
    """schema.graphql with its scalars and every resolver bound (checked against the store's tables)."""
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    bind_scalars(schema)
    bind_read_resolvers(schema, store)
    bind_mutation_resolvers(schema)
    return schema


def _error(message: str) -> dict[str, Any]:
    return {"errors": [{"message": message}]}


class SandboxAPI:
    """Executes GraphQL requests against a store."""

    def __init__(self, store: Store, *, max_depth: int = MAX_DEPTH, max_fields: int = MAX_FIELDS) -> None:
        self.store = store
        self.schema = build_sandbox_schema(store)
        self._rules = (*specified_rules, size_limit_rule(max_depth, max_fields))
        self._prepare = lru_cache(maxsize=256)(self._prepare_uncached)
        self._offset_hints = OffsetHints()

    def _prepare_uncached(self, query: str) -> DocumentNode | list[GraphQLFormattedError]:
        """The parsed document, or the formatted errors that stop it from running."""
        try:
            document = parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError as error:
            return [error.formatted]
        errors = validate(self.schema, document, self._rules)
        return [error.formatted for error in errors] if errors else document

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
    ) -> tuple[dict[str, Any], RequestStats]:
        """Parse, validate (depth and size limits included) and execute one request.

        Returns the GraphQL response (`{"data": ...}` and/or `{"errors": [...]}`) and the request's stats.
        """
        stats = RequestStats()
        if not isinstance(query, str) or not query.strip():
            return _error('The request has no GraphQL query: send {"query": "{ ... }"}.'), stats
        if variables is not None and not isinstance(variables, dict):
            return _error("'variables' must be a JSON object mapping variable names to values."), stats
        if operation_name is not None and not isinstance(operation_name, str):
            return _error("'operationName' must be a string naming an operation of the query."), stats
        prepared = self._prepare(query)
        if isinstance(prepared, list):
            return {"errors": prepared}, stats
        context = RequestContext(self.store, stats, self._offset_hints)
        try:
            with self.store.lock:
                result = execute_sync(
                    self.schema,
                    prepared,
                    variable_values=variables,
                    operation_name=operation_name,
                    context_value=context,
                    executor_class=IntegerIdExecutor,
                )
        except Exception as error:  # a sandbox bug must not take the server down
            return _error(f"Internal sandbox error ({type(error).__name__}): {error}"), stats
        return {**result.formatted}, stats
