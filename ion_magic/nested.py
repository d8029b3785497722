"""Connections inside a node (ION's `Step.datagridRows`): asked with their pageInfo, unwrapped like roots.

`with_nested_page_info` adds an aliased `pageInfo { hasNextPage endCursor }` to every connection selected
below a root's node, so a nested connection cut by the server's page size is always detected. `unwrap`
replaces each nested connection in a page's nodes by the list of its nodes (a list column, explodable by the
field's own path, e.g. `steps.datagridRows`) and counts the parents whose connection has more items.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    GraphQLNamedType,
    GraphQLObjectType,
    NameNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

NESTED_PAGE_INFO_ALIAS = "ion_page_info"
REFETCH_PARENT_ALIAS = "ion_parent"


@dataclass(frozen=True)
class Refetch:
    """The rest of a nested connection, fetched through its parent's own root field (`step(id: ID!)`)."""

    document: str
    variables: dict[str, Any]
    id_variable: str
    after_variable: str
    first_variable: str
    parent_key: str  # response key of the parent root field in `document`


@dataclass(frozen=True)
class NestedConnection:
    """A connection below a node: where it is (response keys from the node) and how to read it."""

    path: tuple[str, ...]
    edges_key: str
    node_key: str
    field: FieldNode  # as sent: with its pageInfo (and its own nested connections')
    parent_type: GraphQLNamedType | None
    children: tuple[NestedConnection, ...] = ()  # connections below this one's nodes, paths relative to them
    refetch: Refetch | None = None


@dataclass
class Cut:
    """A parent whose nested connection has more items than came with it."""

    parent: dict[str, Any]
    connection: NestedConnection
    end_cursor: Any
    name: str  # the connection's path from the root's node, e.g. "steps.datagridRows"


def is_connection_type(named: GraphQLNamedType | None) -> bool:
    """A Relay connection type: it has `edges` and `pageInfo`."""
    return isinstance(named, GraphQLObjectType) and "edges" in named.fields and "pageInfo" in named.fields


def connection_parts(node: FieldNode) -> tuple[FieldNode, FieldNode] | None:
    """The `edges` and `node` fields written directly in a connection's selection, if both are."""
    edges = _direct_child(node.selection_set, "edges")
    inner = _direct_child(edges.selection_set, "node") if edges is not None else None
    return None if edges is None or inner is None else (edges, inner)


def with_nested_page_info(selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None,
                          prefix: tuple[str, ...] = ()) -> tuple[SelectionSetNode | None,
                                                                 tuple[NestedConnection, ...]]:
    """The selection with pageInfo added to each nested connection written in it, and those connections
    (their paths relative to the selection's object; connections deeper down are their `children`)."""
    if selection_set is None or not isinstance(parent, GraphQLObjectType):
        return selection_set, ()
    found: list[NestedConnection] = []
    selections = []
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.selection_set is None \
                or selection.name.value not in parent.fields:
            selections.append(selection)
            continue
        key = (selection.alias or selection.name).value
        named = get_named_type(parent.fields[selection.name.value].type)
        parts = connection_parts(selection) if is_connection_type(named) else None
        if parts is not None:
            edges, inner = parts
            inner_selection, children = with_nested_page_info(inner.selection_set, node_type_of(named))
            new_edges = with_selection(edges, replace_field(edges.selection_set, inner,
                                                            with_selection(inner, inner_selection)))
            sent = _rebuilt(selection, replace_field(selection.selection_set, edges, new_edges))
            found.append(NestedConnection((*prefix, key), _key(edges), _key(inner), sent, parent, children))
            selections.append(sent)
            continue
        inner_selection, deeper = with_nested_page_info(selection.selection_set, named, (*prefix, key))
        found += deeper
        selections.append(with_selection(selection, inner_selection))
    return SelectionSetNode(selections=tuple(selections)), tuple(found)


def unwrap(nodes: Sequence[Any], nested: Sequence[NestedConnection], prefix: tuple[str, ...] = ()) -> list[Cut]:
    """Replace each nested connection in `nodes` by the list of its nodes, in place; the parents whose
    connection says it has more."""
    cuts: list[Cut] = []
    for connection in nested:
        for parent in _parents(nodes, connection.path[:-1]):
            value = parent.get(connection.path[-1])
            if not isinstance(value, Mapping) or not isinstance(value.get(connection.edges_key), list | None):
                continue
            items = [edge.get(connection.node_key) if isinstance(edge, Mapping) else edge
                     for edge in value.get(connection.edges_key) or ()]
            parent[connection.path[-1]] = items
            cuts += unwrap(items, connection.children, (*prefix, *connection.path))
            page_info = value.get(NESTED_PAGE_INFO_ALIAS)
            if isinstance(page_info, Mapping) and page_info.get("hasNextPage") is not False:
                cuts.append(Cut(parent, connection, page_info.get("endCursor"),
                                ".".join((*prefix, *connection.path))))
    return cuts


def refetch_field(connection: NestedConnection, root_field: str, id_variable: str, after_variable: str,
                  first_variable: str) -> FieldNode:
    """`ion_parent: step(id: $id) { datagridRows(..., first: $first, after: $after) { ... } }`."""
    field = connection.field
    arguments = [a for a in field.arguments or () if a.name.value not in ("first", "after", "last", "before")]
    arguments += [_argument("first", first_variable), _argument("after", after_variable)]
    paged = FieldNode(alias=field.alias, name=field.name, arguments=tuple(arguments), directives=field.directives,
                      selection_set=field.selection_set)
    return FieldNode(alias=NameNode(value=REFETCH_PARENT_ALIAS), name=NameNode(value=root_field),
                     arguments=(_argument("id", id_variable),), directives=(),
                     selection_set=SelectionSetNode(selections=(paged,)))


def _argument(name: str, variable: str) -> ArgumentNode:
    return ArgumentNode(name=NameNode(value=name), value=VariableNode(name=NameNode(value=variable)))


def _parents(values: Sequence[Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The objects at `path` below `values`, lists flattened on the way."""
    current = [value for value in values if isinstance(value, dict)]
    for key in path:
        following: list[dict[str, Any]] = []
        for value in current:
            child = value.get(key)
            if isinstance(child, dict):
                following.append(child)
            elif isinstance(child, list):
                following += [item for item in child if isinstance(item, dict)]
        current = following
    return current


def node_type_of(connection: GraphQLNamedType | None) -> GraphQLNamedType | None:
    if not isinstance(connection, GraphQLObjectType):
        return None
    edge = get_named_type(connection.fields["edges"].type)
    if not isinstance(edge, GraphQLObjectType) or "node" not in edge.fields:
        return None
    return get_named_type(edge.fields["node"].type)


def _direct_child(selection_set: SelectionSetNode | None, name: str) -> FieldNode | None:
    if selection_set is None:
        return None
    return next((s for s in selection_set.selections if isinstance(s, FieldNode) and s.name.value == name), None)


def _key(node: FieldNode) -> str:
    return (node.alias or node.name).value


def replace_field(selection_set: SelectionSetNode | None, old: FieldNode, new: FieldNode) -> SelectionSetNode:
    selections = tuple(new if s is old else s for s in (selection_set.selections if selection_set else ()))
    return SelectionSetNode(selections=selections)


def with_selection(node: FieldNode, selection_set: SelectionSetNode | None) -> FieldNode:
    return FieldNode(alias=node.alias, name=node.name, arguments=node.arguments, directives=node.directives,
                     selection_set=selection_set)


def _rebuilt(connection: FieldNode, selection_set: SelectionSetNode) -> FieldNode:
    page_info = FieldNode(
        alias=NameNode(value=NESTED_PAGE_INFO_ALIAS), name=NameNode(value="pageInfo"), arguments=(), directives=(),
        selection_set=SelectionSetNode(selections=tuple(
            FieldNode(name=NameNode(value=name), arguments=(), directives=()) for name in ("hasNextPage", "endCursor")
        )))
    return with_selection(connection, SelectionSetNode(selections=(*selection_set.selections, page_info)))
