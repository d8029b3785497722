"""Per-request batching of nested reads, so a page of N rows costs a few queries, not N per field.

graphql-core executes synchronously and depth-first, so a classic dataloader cannot queue keys. Instead
every list of rows the sandbox hands to GraphQL is remembered as a batch of siblings; the first time a
nested field misses the cache for one row, it loads that field for all the row's siblings in one query
(`... WHERE key IN (SELECT value FROM json_each(?))`) and serves the rest from the per-request cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from ion_magic.sandbox.context import RequestContext, Resolver, Row


def _in_json(keys: set[Any]) -> str:
    return json.dumps(sorted(keys))


def object_by_key(table: str, key: str) -> Resolver:
    """Resolve a to-one field through the foreign key column `key` of the parent row (e.g. `partId`)."""

    def resolve(row: Row, info: GraphQLResolveInfo) -> Row | None:
        wanted = row.get(key)
        if wanted is None:
            return None
        context: RequestContext = info.context
        cache = context.objects.setdefault(table, {})
        if wanted in cache:
            return cache[wanted]
        keys = {
            found for sibling in context.siblings(row) if (found := sibling.get(key)) is not None and found not in cache
        }
        keys.add(wanted)
        loaded = context.remember(context.store.by_ids(table, keys))
        for found in loaded:
            cache[found["id"]] = found
        for missing in keys:
            cache.setdefault(missing, None)
        return cache[wanted]

    return resolve


def related_rows(
    name: str,
    sql: str,
    *,
    parent_key: str = "id",
    table: str | None = None,
    shape: Callable[[Row, list[Row]], Any] | None = None,
) -> Resolver:
    """Resolve a to-many (or aggregate) field with one query per batch of sibling parents.

    `sql` takes one parameter, a JSON array of parent keys (`IN (SELECT value FROM json_each(?))`), and
    returns rows with a `__parent` column. Rows are grouped by it; `shape(parent, rows)` turns a group into
    the field's value (the list of rows when not given). `table` names the table whose JSON columns to decode.
    """

    def resolve(row: Row, info: GraphQLResolveInfo) -> Any:
        parent = row.get(parent_key)
        if parent is None:
            return shape(row, []) if shape else []
        context: RequestContext = info.context
        cache = context.related.setdefault(name, {})
        if parent not in cache:
            keys = {sibling.get(parent_key) for sibling in context.siblings(row)}
            keys = {k for k in keys if k is not None and k not in cache}
            keys.add(parent)
            store = context.store
            rows = store.rows(table, sql, (_in_json(keys),)) if table else store.sql(sql, (_in_json(keys),))
            context.remember(rows)
            groups: dict[Any, list[Row]] = {k: [] for k in keys}
            for found in rows:
                groups[found["__parent"]].append(found)
            cache.update(groups)
        group = cache[parent]
        return shape(row, group) if shape else group

    return resolve


def children(table: str, key: str, *, order: str = '"id"', parent_key: str = "id", where: str = "") -> Resolver:
    """Rows of `table` whose column `key` holds the parent's `parent_key` (e.g. run steps by runId)."""
    condition = f" AND {where}" if where else ""
    sql = (
        f'SELECT *, "{key}" AS __parent FROM {table} '
        f'WHERE "{key}" IN (SELECT value FROM json_each(?)){condition} ORDER BY {order}'
    )
    return related_rows(f"{table}.{key}.{where}", sql, parent_key=parent_key, table=table)


def values_of(rows_sql: str, name: str, *, parent_key: str = "id") -> Resolver:
    """A list of scalars (column `value` of `rows_sql`) per parent, e.g. upstream step ids."""
    return related_rows(
        name, rows_sql, parent_key=parent_key, shape=lambda _parent, rows: [found["value"] for found in rows]
    )
