"""Reading one answer of the server, which is not trusted: the root field's value in a response, and one
connection page with its shape checked (edges, nodes, cursors, pageInfo) before its rows are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from .errors import IonError, ServerError, describe_graphql_errors
from .operation import Paging, RootPlan
from .rewrite import PAGE_INFO_ALIAS
from .root_result import RootResult


class PagingViolation(IonError):
    """The server's answer breaks GraphQL's or Relay's rules (wrong JSON types, a repeated cursor...)."""


@dataclass(frozen=True)
class Page:
    """One checked page of a connection."""

    edges: list[Any]
    nodes: list[Any]
    cursors: list[Any] | None  # each edge's own cursor, when asked for
    has_next_page: bool
    start_cursor: str | None
    end_cursor: str | None
    total_count: int | None
    page_info: dict[str, Any]
    connection: Mapping[str, Any]


def root_value(response: Any, key: str, result: RootResult, *, page: int = 1) -> Any:
    """The root field's value in a response. Its errors are kept (raised when no value came with them);
    an answer that breaks the GraphQL response format is a PagingViolation naming what is wrong."""
    if not isinstance(response, Mapping):
        raise PagingViolation(f"The server's answer is a {json_type(response)}, not an object.")
    errors = response.get("errors")
    data = response.get("data")
    if errors is not None and not isinstance(errors, list):
        raise PagingViolation(f"The server's `errors` is a {json_type(errors)}, not a list.")
    if data is not None and not isinstance(data, Mapping):
        raise PagingViolation(f"The server's `data` is a {json_type(data)}, not an object.")
    if errors:
        result.server_errors.extend(errors)
        value = data.get(key) if data else None
        if value is None:
            raise ServerError(
                f"The server answered {key} with errors:\n{describe_graphql_errors(errors)}", errors, data
            )
        return value
    if data is None:
        raise PagingViolation(f"The server answered page {page} of {key} with neither data nor errors.")
    if key not in data:
        raise PagingViolation(f"The server's answer has no {key} (page {page}) and no errors.")
    if data[key] is None and page > 1:
        raise PagingViolation(f"The server answered {key}: null on page {page} without an error.")
    return data[key]


def read_page(connection: Any, plan: RootPlan, paging: Paging) -> Page:
    """Check one page's shape and take out its edges, nodes, cursors and pageInfo."""
    key = plan.response_key
    if not isinstance(connection, Mapping):
        raise PagingViolation(f"{key} is a {json_type(connection)}, not a connection object.")
    if paging.edges_key not in connection:
        raise PagingViolation(f"{key}.{paging.edges_key} is missing from the answer.")
    edges = connection[paging.edges_key]
    if edges is None:
        edges = []
    elif not isinstance(edges, list):
        raise PagingViolation(f"{key}.{paging.edges_key} is a {json_type(edges)}, not a list.")
    where = f"{key}.{paging.edges_key}"
    _check_objects(edges, where, "an edge object")
    nodes = _values(edges, paging.node_key)
    _check_objects(nodes, where, "an object", paging.node_key)
    cursors = _values(edges, paging.cursor_key) if paging.cursor_key else None
    page_info = connection.get(PAGE_INFO_ALIAS)
    if not isinstance(page_info, Mapping):
        raise PagingViolation(f"{key}.pageInfo is a {json_type(page_info)}, not an object.")
    has_next = page_info.get("hasNextPage")
    if not isinstance(has_next, bool):
        raise PagingViolation(f"{key}.pageInfo.hasNextPage is {shown(has_next)}, not true or false.")
    end_cursor = page_info.get("endCursor")
    if end_cursor is not None and not isinstance(end_cursor, str):
        raise PagingViolation(f"{key}.pageInfo.endCursor is {shown(end_cursor)}, not a string.")
    total = page_info.get("totalCount")
    return Page(
        edges,
        nodes,
        cursors,
        has_next,
        page_info.get("startCursor"),
        end_cursor,
        total if type(total) is int else None,
        dict(page_info),
        connection,
    )


_OBJECT_OR_NULL = frozenset({dict, type(None)})


def _check_objects(values: list[Any], where: str, what: str, below: str = "") -> None:
    """Every value a JSON object or null (one C-level pass; the first offender named on failure)."""
    if set(map(type, values)) <= _OBJECT_OR_NULL:
        return
    index, value = next((i, v) for i, v in enumerate(values) if type(v) not in _OBJECT_OR_NULL)
    raise PagingViolation(f"{where}[{index}]{'.' + below if below else ''} is a {json_type(value)}, not {what}.")


def _values(objects: list[Any], key: str) -> list[Any]:
    """`object[key]` of each object (None for a null object or a missing key)."""
    try:
        return list(map(itemgetter(key), objects))
    except (KeyError, TypeError):  # a null edge, or a key the server left out
        return [None if item is None else item.get(key) for item in objects]


def json_type(value: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else next((n for t, n in names.items() if isinstance(value, t)), "value")


def shown(value: Any) -> str:
    text = repr(value)
    return f"the {json_type(value)} {text if len(text) < 40 else text[:37] + '...'}"
