"""The rest of nested connections that the server cut: fetched through each parent's own root field
(`step(id: ID!)`), page after page, until the connection says it has no more.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import IonError
from .nested import Cut, Refetch, unwrap
from .pages import PagingViolation, root_value, shown
from .rewrite import PAGE_INFO_ALIAS
from .root_result import RootResult, Send


def complete_nested(send: Send, cuts: list[Cut], page_size: int, result: RootResult) -> None:
    """Fetch the rest of each nested connection that was cut, through its parent's own root field; count
    the ones that cannot be completed (no such root field, no id selected, or a failure)."""
    pending = list(cuts)
    while pending:
        cut = pending.pop()
        refetch, parent_id = cut.connection.refetch, cut.parent.get("id")
        if refetch is None or not isinstance(parent_id, str | int) or isinstance(parent_id, bool):
            result.nested_cut[cut.name] = result.nested_cut.get(cut.name, 0) + 1
            continue
        try:
            pending += _fetch_rest(send, cut, refetch, parent_id, page_size, result)
        except IonError as error:
            result.nested_cut[cut.name] = result.nested_cut.get(cut.name, 0) + 1
            result.notes.append(f"the rest of {cut.name} of id {parent_id} could not be fetched: {error}")


def _fetch_rest(
    send: Send, cut: Cut, refetch: Refetch, parent_id: str | int, page_size: int, result: RootResult
) -> list[Cut]:
    """Append the remaining items of one cut connection to its parent's list; the cuts found inside them."""
    key = cut.connection.path[-1]
    field_key = (cut.connection.field.alias or cut.connection.field.name).value
    items, cursor, seen, deeper = cut.parent[key], cut.end_cursor, set(), []
    while True:
        if not isinstance(cursor, str) or cursor in seen:
            raise PagingViolation(f"{cut.name}: the server gives no new cursor to go on from ({shown(cursor)}).")
        seen.add(cursor)
        variables = {
            **refetch.variables,
            refetch.id_variable: parent_id,
            refetch.after_variable: cursor,
            refetch.first_variable: page_size,
        }
        parent = root_value(send(refetch.document, variables), refetch.parent_key, result, page=2)
        connection = parent.get(field_key) if isinstance(parent, Mapping) else None
        edges = connection.get(cut.connection.edges_key) if isinstance(connection, Mapping) else None
        page_info = connection.get(PAGE_INFO_ALIAS) if isinstance(connection, Mapping) else None
        if (
            not isinstance(edges, list)
            or not isinstance(page_info, Mapping)
            or not isinstance(page_info.get("hasNextPage"), bool)
        ):
            raise PagingViolation(f"{cut.name}: the answer for the parent {parent_id!r} is not a connection page.")
        nodes = [edge.get(cut.connection.node_key) if isinstance(edge, Mapping) else edge for edge in edges]
        deeper += unwrap(nodes, cut.connection.children, tuple(cut.name.split(".")))
        items.extend(nodes)
        if not page_info["hasNextPage"]:
            return deeper
        cursor = page_info.get("endCursor")
