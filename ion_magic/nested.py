"""Connections inside a node (ION's `Step.datagridRows`): asked with their pageInfo, unwrapped like roots.

`with_nested_page_info` adds an aliased `pageInfo { hasNextPage endCursor }` to every connection selected
below a root's node, so a nested connection cut by the server's page size is always detected. `unwrap`
replaces each nested connection in a page's nodes by the list of its nodes (a list column, explodable by the
field's own path, e.g. `steps.datagridRows`) and counts the parents whose connection has more items.
`with_refetch` plans how to fetch the rest of each through its parent's own root field (`step(id: ID!)`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    is_non_null_type,
)

from .cell import ParsedCell
from .rewrite import (
    NESTED_PAGE_INFO_FIELDS,
    PAGE_INFO_ALIAS,
    free_variable_names,
    operation_for,
    page_info_field,
    replace_field,
    variable_argument,
    with_selection,
)
from .selection import SelectionScope, response_key

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


def connection_parts(node: FieldNode, scope: SelectionScope) -> tuple[FieldNode, FieldNode] | None:
    """The `edges` and `node` fields written directly in a connection's selection (and not left out by
    `@skip`/`@include`), if both are."""
    edges = _direct_child(node.selection_set, "edges", scope)
    inner = _direct_child(edges.selection_set, "node", scope) if edges is not None else None
    return None if edges is None or inner is None else (edges, inner)


def with_nested_page_info(
    selection_set: SelectionSetNode | None,
    parent: GraphQLNamedType | None,
    scope: SelectionScope,
    prefix: tuple[str, ...] = (),
) -> tuple[SelectionSetNode | None, tuple[NestedConnection, ...]]:
    """The selection with pageInfo added to each nested connection written in it, and those connections
    (their paths relative to the selection's object; connections deeper down are their `children`)."""
    if selection_set is None or not isinstance(parent, GraphQLObjectType):
        return selection_set, ()
    found: list[NestedConnection] = []
    selections = []
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode | FragmentSpreadNode) and scope.included(selection):
            fragment, deeper = _fragment_with_page_info(selection, parent, scope, prefix)
            found += deeper
            selections.append(fragment)
            continue
        if (
            not isinstance(selection, FieldNode)
            or selection.selection_set is None
            or selection.name.value not in parent.fields
            or not scope.included(selection)
        ):
            selections.append(selection)
            continue
        key = response_key(selection)
        named = get_named_type(parent.fields[selection.name.value].type)
        parts = connection_parts(selection, scope) if is_connection_type(named) else None
        if parts is not None:
            edges, inner = parts
            inner_selection, children = with_nested_page_info(inner.selection_set, node_type_of(named), scope)
            new_edges = with_selection(
                edges, replace_field(edges.selection_set, inner, with_selection(inner, inner_selection))
            )
            rewritten = replace_field(selection.selection_set, edges, new_edges)
            sent = with_selection(
                selection,
                SelectionSetNode(selections=(*rewritten.selections, page_info_field(NESTED_PAGE_INFO_FIELDS))),
            )
            found.append(
                NestedConnection((*prefix, key), response_key(edges), response_key(inner), sent, parent, children)
            )
            selections.append(sent)
            continue
        inner_selection, deeper = with_nested_page_info(selection.selection_set, named, scope, (*prefix, key))
        found += deeper
        selections.append(with_selection(selection, inner_selection))
    return SelectionSetNode(selections=tuple(selections)), tuple(found)


def _fragment_with_page_info(
    selection: InlineFragmentNode | FragmentSpreadNode,
    parent: GraphQLNamedType,
    scope: SelectionScope,
    prefix: tuple[str, ...],
) -> tuple[SelectionNode, tuple[NestedConnection, ...]]:
    """A fragment that holds nested connections, as an inline fragment with their pageInfo added (a named
    fragment is written out in place, so that its other uses stay as they are); else the fragment as it is."""
    if isinstance(selection, InlineFragmentNode):
        condition, selection_set = selection.type_condition, selection.selection_set
    else:
        definition = scope.fragments.get(selection.name.value)
        if definition is None:
            return selection, ()
        condition, selection_set = definition.type_condition, definition.selection_set
    on = parent if condition is None else scope.condition_type(condition.name.value, parent)
    rewritten, found = with_nested_page_info(selection_set, on, scope, prefix)
    if not found or rewritten is None:
        return selection, ()
    return InlineFragmentNode(type_condition=condition, directives=selection.directives, selection_set=rewritten), found


def unwrap(nodes: Sequence[Any], nested: Sequence[NestedConnection], prefix: tuple[str, ...] = ()) -> list[Cut]:
    """Replace each nested connection in `nodes` by the list of its nodes, in place; the parents whose
    connection says it has more."""
    cuts: list[Cut] = []
    for connection in nested:
        for parent in _parents(nodes, connection.path[:-1]):
            value = parent.get(connection.path[-1])
            if not isinstance(value, Mapping) or not isinstance(value.get(connection.edges_key), list | None):
                continue
            items = [
                edge.get(connection.node_key) if isinstance(edge, Mapping) else edge
                for edge in value.get(connection.edges_key) or ()
            ]
            parent[connection.path[-1]] = items
            cuts += unwrap(items, connection.children, (*prefix, *connection.path))
            page_info = value.get(PAGE_INFO_ALIAS)
            if isinstance(page_info, Mapping) and page_info.get("hasNextPage") is not False:
                cuts.append(Cut(parent, connection, page_info.get("endCursor"), ".".join((*prefix, *connection.path))))
    return cuts


def refetch_field(
    connection: NestedConnection, root_field: str, id_variable: str, after_variable: str, first_variable: str
) -> FieldNode:
    """`ion_parent: step(id: $id) { datagridRows(..., first: $first, after: $after) { ... } }`."""
    field = connection.field
    arguments = [a for a in field.arguments or () if a.name.value not in ("first", "after", "last", "before")]
    arguments += [variable_argument("first", first_variable), variable_argument("after", after_variable)]
    paged = FieldNode(
        alias=field.alias,
        name=field.name,
        arguments=tuple(arguments),
        directives=field.directives,
        selection_set=field.selection_set,
    )
    return FieldNode(
        alias=NameNode(value=REFETCH_PARENT_ALIAS),
        name=NameNode(value=root_field),
        arguments=(variable_argument("id", id_variable),),
        directives=(),
        selection_set=SelectionSetNode(selections=(paged,)),
    )


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


def _direct_child(selection_set: SelectionSetNode | None, name: str, scope: SelectionScope) -> FieldNode | None:
    if selection_set is None:
        return None
    return next(
        (
            s
            for s in selection_set.selections
            if isinstance(s, FieldNode) and s.name.value == name and scope.included(s)
        ),
        None,
    )


def with_refetch(
    cell: ParsedCell,
    schema: GraphQLSchema | None,
    variables: Mapping[str, Any],
    connections: tuple[NestedConnection, ...],
) -> tuple[NestedConnection, ...]:
    """The nested connections with the way to fetch the rest of each, where its parent has a root field."""
    return tuple(
        replace(
            connection,
            refetch=_refetch(cell, schema, variables, connection),
            children=with_refetch(cell, schema, variables, connection.children),
        )
        for connection in connections
    )


def _refetch(
    cell: ParsedCell, schema: GraphQLSchema | None, variables: Mapping[str, Any], connection: NestedConnection
) -> Refetch | None:
    root = _parent_root(schema, connection.parent_type)
    if schema is None or schema.query_type is None or root is None:
        return None
    id_name, after_name, first_name = free_variable_names(cell.operation, ("ion_id", "ion_after", "ion_first"))
    field = refetch_field(connection, root, id_name, after_name, first_name)
    id_type = str(schema.query_type.fields[root].args["id"].type)
    document, used = operation_for(
        cell, (field,), variables, [(id_name, id_type), (after_name, "String"), (first_name, "Int")]
    )
    return Refetch(document, used, id_name, after_name, first_name, parent_key=REFETCH_PARENT_ALIAS)


def _parent_root(schema: GraphQLSchema | None, parent: GraphQLNamedType | None) -> str | None:
    """A query root field that fetches one object of type `parent` by its id alone (`step(id: ID!)`)."""
    if schema is None or parent is None or schema.query_type is None:
        return None
    for name, root in schema.query_type.fields.items():
        if (
            get_named_type(root.type) is parent
            and "id" in root.args
            and all(arg_name == "id" or not is_non_null_type(arg.type) for arg_name, arg in root.args.items())
        ):
            return name
    return None
