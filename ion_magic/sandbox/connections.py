"""Relay connections over SQL, as ION serves them.

Cursors are graphql-relay's offset cursors (base64 of `arrayconnection:<offset>`) with its slicing rules for
first/after/last/before. ION's `filters` (`{field: {eq|neq|in|...: value}}`) and `sort` enums
(`<FIELD>_ASC|_DESC`) compile to parametrised SQL whose column names come only from the schema's own
filter inputs and sort enums, checked against the table at startup. A forward page costs one SELECT;
COUNT(*) runs only when `totalCount` is selected or backward paging needs it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLEnumType, GraphQLError, GraphQLField, GraphQLInputObjectType, get_named_type

from ion_magic.cursors import decode_offset, encode_offset
from ion_magic.sandbox.context import RequestContext, Row, RowStore
from ion_magic.sandbox.scalars import to_id
from ion_magic.sandbox.store import json_list

_COMPARISONS = {"eq": "=", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_BY_ID = '"id" ASC'


def cursor_to_offset(cursor: str, argument: str) -> int:
    """The offset a cursor stands for; a clear error for anything that is not one of ours."""
    offset = decode_offset(cursor)
    if offset is None:
        raise GraphQLError(
            f"Invalid cursor {cursor!r} for '{argument}': pass the endCursor (or an edge's cursor) of a previous "
            "page of this connection, unchanged."
        )
    return offset


def upper_snake(name: str) -> str:
    """`partNumber` -> `PART_NUMBER`, the form of sort enum values."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).upper()


@dataclass(frozen=True)
class ConnectionSpec:
    """What a connection field may filter and sort on, derived from its schema arguments."""

    table: str
    id_columns: frozenset[str]
    filter_columns: frozenset[str]
    sort_orders: dict[str, tuple[str, str]]

    @classmethod
    def from_field(cls, field: GraphQLField, table: str, columns: tuple[str, ...]) -> ConnectionSpec:
        """Read the filter input and sort enum of a root connection field, checking them against `columns`."""
        filter_columns: set[str] = set()
        id_columns: set[str] = set()
        sort_orders: dict[str, tuple[str, str]] = {}
        if "filters" in field.args:
            filters_type = get_named_type(field.args["filters"].type)
            assert isinstance(filters_type, GraphQLInputObjectType)
            for name, input_field in filters_type.fields.items():
                if name not in columns:
                    raise ValueError(f"filter {filters_type.name}.{name} names no column of {table}")
                filter_columns.add(name)
                if get_named_type(input_field.type).name == "IDFilter":
                    id_columns.add(name)
        if "sort" in field.args:
            sort_type = get_named_type(field.args["sort"].type)
            assert isinstance(sort_type, GraphQLEnumType)
            by_upper = {upper_snake(column): column for column in columns}
            for value_name in sort_type.values:
                stem, _, direction = value_name.rpartition("_")
                if direction not in ("ASC", "DESC") or stem not in by_upper:
                    raise ValueError(f"sort value {sort_type.name}.{value_name} names no column of {table}")
                sort_orders[value_name] = (by_upper[stem], direction)
        return cls(table, frozenset(id_columns), frozenset(filter_columns), sort_orders)

    def where(self, filters: dict[str, Any] | None) -> tuple[list[str], list[Any]]:
        """SQL conditions (ANDed) and their parameters for ION's `filters` argument."""
        clauses: list[str] = []
        params: list[Any] = []
        for field, operators in (filters or {}).items():
            if operators is None:
                continue
            if field not in self.filter_columns:  # the SQL names only whitelisted columns, whatever the caller
                raise GraphQLError(f"Cannot filter on '{field}'.")
            column = f'"{field}"'
            convert = to_id if field in self.id_columns else _unchanged
            for operator, value in operators.items():
                _compile_operator(column, operator, value, convert, clauses, params)
        return clauses, params

    def order_by(self, sort: list[str] | None) -> str:
        """ORDER BY text for a list of sort enum values (default id ascending; id breaks ties)."""
        terms: list[str] = []
        for value in sort or ():
            if value is None:
                continue
            column, direction = self.sort_orders[value]
            terms.append(f'"{column}" {direction}')
        if not terms or terms[-1] not in (_BY_ID, '"id" DESC'):
            terms.append(_BY_ID)
        return ", ".join(terms)


def _unchanged(value: Any, what: str = "") -> Any:
    return value


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _compile_operator(
    column: str, operator: str, value: Any, convert: Callable[..., Any], clauses: list[str], params: list[Any]
) -> None:
    if operator in _COMPARISONS:
        if value is None:
            if operator in ("eq", "neq"):
                clauses.append(f"{column} IS {'' if operator == 'eq' else 'NOT '}NULL")
            return
        clauses.append(f"{column} {_COMPARISONS[operator]} ?")
        params.append(convert(value))
    elif operator in ("in", "notIn"):
        if value is None:
            return
        clauses.append(f"{column} {'NOT ' if operator == 'notIn' else ''}IN (SELECT value FROM json_each(?))")
        params.append(json_list(convert(item) for item in value))
    elif operator == "contains":
        if value is None:
            return
        clauses.append(f"{column} LIKE ? ESCAPE '\\'")
        params.append(_like_pattern(str(value)))
    elif operator == "isNull":
        if value is None:
            return
        clauses.append(f"{column} IS {'' if value else 'NOT '}NULL")
    else:
        raise GraphQLError(f"Unknown filter operator '{operator}'.")


@dataclass(frozen=True)
class RowSource:
    """The rows a connection pages over: a table, conditions and an order."""

    table: str
    clauses: tuple[str, ...] = ()
    params: tuple[Any, ...] = ()
    order_by: str = _BY_ID
    columns: tuple[str, ...] | None = None
    """The columns to read (None: all); a page reads only what the query selects."""

    def _select(self) -> str:
        return "*" if self.columns is None else ", ".join(f'"{column}"' for column in self.columns)

    def _where(self) -> str:
        return f" WHERE {' AND '.join(self.clauses)}" if self.clauses else ""

    def count(self, store: RowStore) -> int:
        return int(store.scalar(f"SELECT COUNT(*) FROM {self.table}{self._where()}", self.params))

    def fetch(self, store: RowStore, offset: int, limit: int, after_id: int | None = None) -> list[Row]:
        """Rows [offset, offset + limit) in order; limit -1 means to the end.

        `after_id`, the id of the row at offset - 1 of an id-ordered source, lets SQLite seek instead of
        stepping over `offset` rows.
        """
        if after_id is not None:
            clauses = (*self.clauses, '"id" > ?')
            return store.rows(
                self.table,
                f"SELECT {self._select()} FROM {self.table} WHERE {' AND '.join(clauses)} "
                f"ORDER BY {self.order_by} LIMIT ?",
                (*self.params, after_id, limit),
            )
        return store.rows(
            self.table,
            f"SELECT {self._select()} FROM {self.table}{self._where()} ORDER BY {self.order_by} LIMIT ? OFFSET ?",
            (*self.params, limit, offset),
        )


def _non_negative(value: int | None, argument: str) -> int | None:
    if value is not None and value < 0:
        raise GraphQLError(f"Argument '{argument}' must be a non-negative integer, got {value}.")
    return value


def resolve_connection(
    source: RowSource,
    context: RequestContext,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> dict[str, Any]:
    """One page of a connection, with graphql-relay's slicing semantics and ION's pageInfo."""
    store = context.store
    first = _non_negative(first, "first")
    last = _non_negative(last, "last")
    after_offset = cursor_to_offset(after, "after") if after is not None else -1
    before_offset = cursor_to_offset(before, "before") if before is not None else None
    start = after_offset + 1
    total: int | None = None
    if last is None and before_offset is None:
        # Forward paging (and "everything"): one SELECT, one extra row to learn about the next page.
        limit = -1 if first is None else first + 1
        seekable = start > 0 and source.order_by == _BY_ID
        after_id = context.offset_hints.lookup(store.changes, source, start - 1) if seekable else None
        rows = source.fetch(store, start, limit, after_id)
        has_next = first is not None and len(rows) > first
        if has_next:
            del rows[first:]
        has_previous = False
        if first is None:
            context.stats.unpaginated_rows += len(rows)
    else:
        total = source.count(store)
        end = total if before_offset is None else min(total, before_offset)
        if first is not None:
            end = min(end, start + first)
        if last is not None:
            start = max(start, end - last)
        rows = source.fetch(store, start, end - start) if end > start else []
        upper_bound = before_offset if before_offset is not None else total
        has_next = first is not None and end < upper_bound
        has_previous = last is not None and start > (after_offset + 1)
        if first is None and last is None:
            context.stats.unpaginated_rows += len(rows)
    if rows and source.order_by == _BY_ID:
        context.offset_hints.remember(store.changes, source, start + len(rows) - 1, rows[-1]["id"])
    context.remember(rows)
    edges = [{"cursor": encode_offset(offset), "node": row} for offset, row in enumerate(rows, start)]
    page_info: dict[str, Any] = {
        "startCursor": edges[0]["cursor"] if edges else None,
        "endCursor": edges[-1]["cursor"] if edges else None,
        "hasNextPage": has_next,
        "hasPreviousPage": has_previous,
        "count": len(edges),
        "totalCount": total if total is not None else (lambda _info: source.count(store)),
    }
    return {"edges": edges, "pageInfo": page_info}
