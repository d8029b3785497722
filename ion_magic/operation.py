"""From a checked cell to a plan: bind the variables, find the connections, plan the pages of each root.

Each root field of a query becomes its own operation, so each can be paged on its own; a connection whose
`first`/`last` the cell does not set is paged through the rewrite in `rewrite.py`. A mutation is one
request, sent whole and never paged. Nothing here sends anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from graphql import (
    ArgumentNode,
    FieldNode,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

from .cell import ParsedCell
from .errors import IonValidationError
from .nested import NestedConnection, connection_parts, is_connection_type, with_nested_page_info, with_refetch
from .rewrite import (
    CURSOR_ALIAS,
    free_variable_names,
    operation_for,
    page_info_selection,
    replace_field,
    with_paging,
    with_selection,
)
from .selection import SelectionScope, declared_type, response_key
from .variables import bind_variables

Shape = Literal["connection", "object", "list", "scalar"]


@dataclass(frozen=True)
class PagingOptions:
    """What the caller asks of the paging: page size, all pages or one, a row limit, where to start."""

    page_size: int = 100
    all: bool = False
    max_rows: int | None = None
    # Where to start: a cursor for the cell's one connection root, "ROOT=CURSOR" strings, or {root: cursor}.
    after: str | Sequence[str] | Mapping[str, str] | None = None


@dataclass(frozen=True)
class Paging:
    """How the magic pages one connection root, and where its rows are in each page."""

    edges_key: str
    node_key: str
    after_variable: str
    first_variable: str | None  # None when the cell writes `first` (or `last`) itself
    start_cursor: str | None
    page_size: int | None
    follow: bool  # follow endCursor while hasNextPage (more than one request may be sent)
    cursor_key: str | None = None  # alias of each edge's own cursor, asked for to resume after any row


@dataclass(frozen=True)
class RootPlan:
    """How one root field is fetched and where its rows are in the answer."""

    response_key: str
    field_name: str
    shape: Shape
    document: str
    variables: dict[str, Any]
    selection: SelectionSetNode | None = None  # under edges.node, or under the field itself
    node_type: GraphQLOutputType | None = None
    paging: Paging | None = None  # only for a connection whose edges.node is selected
    nested: tuple[NestedConnection, ...] = ()  # connections below the node, unwrapped like the root's


@dataclass(frozen=True)
class OperationPlan:
    cell: ParsedCell
    variables: dict[str, Any]
    roots: tuple[RootPlan, ...] = field(default_factory=tuple)
    schema: GraphQLSchema | None = None
    # A mutation is sent whole, once: this is its document (None for a query, sent root by root).
    mutation_document: str | None = None

    def describe(self) -> str:
        """The plan as --dry-run prints it."""
        kind = "mutation" if self.cell.is_mutation else "query"
        lines = [f"{kind} {self.cell.name or '(anonymous)'}: {len(self.roots)} root field(s); nothing sent."]
        lines.append(f"variables: {self.variables or '{}'}")
        if self.mutation_document is not None:
            lines.append("one request for the whole mutation (never retried once sent, never paged):")
            lines.append("  " + self.mutation_document.replace("\n", "\n  "))
        for root in self.roots:
            paging = root.paging
            if paging is not None and paging.follow:
                size = paging.page_size if paging.first_variable else "as written"
                how = f"paged connection: first={size} per request, following endCursor"
                if paging.start_cursor:
                    how += f", starting after {paging.start_cursor!r}"
            elif paging is not None:
                how = "connection fetched as written (one page)"
            else:
                how = f"one request ({root.shape})" if self.mutation_document is None else f"a {root.shape}"
            lines.append(f"- {root.response_key}: {how}")
            if self.mutation_document is None:
                lines.append("  " + root.document.replace("\n", "\n  "))
        return "\n".join(lines)


def plan_operation(
    cell: ParsedCell,
    schema: GraphQLSchema | None,
    namespace: Mapping[str, Any],
    options: PagingOptions,
    *,
    strict_variables: bool = False,
) -> OperationPlan:
    """Bind the variables and plan one request sequence per root field (one request for a mutation)."""
    variables = bind_variables(cell.operation, namespace, schema, strict=strict_variables)
    scope = SelectionScope(cell.fragments, variables, schema)
    root_type = schema.get_root_type(cell.operation.operation) if schema is not None else None
    fields = _merged_roots(scope.fields(cell.operation.selection_set))
    if cell.is_mutation:
        document, _ = operation_for(cell, cell.operation.selection_set.selections, variables)
        roots = tuple(_plan_single(cell, scope, node, declared_type(root_type, node.name.value)) for node in fields)
        if options.after is not None:
            raise IonValidationError(
                "A mutation is sent once and never paged, so it has nothing to resume after: drop the `after` option."
            )
        return OperationPlan(cell, variables, roots, schema, mutation_document=document)
    connections = [node for node in fields if _paged_connection(declared_type(root_type, node.name.value), node, scope)]
    starts = _start_cursors(
        options.after, [response_key(node) for node in connections], [response_key(node) for node in fields]
    )
    roots = tuple(
        _plan_root(cell, scope, node, root_type, options, starts.get(response_key(node)))
        if node in connections
        else _plan_single(cell, scope, node, declared_type(root_type, node.name.value))
        for node in fields
    )
    return OperationPlan(cell, variables, roots, schema)


def _merged_roots(fields: Iterable[FieldNode]) -> list[FieldNode]:
    """Root fields by response key: fields that share one are merged as GraphQL merges them."""
    merged: dict[str, FieldNode] = {}
    for node in fields:
        key = response_key(node)
        if key not in merged:
            merged[key] = node
            continue
        first = merged[key]
        selections = (
            *(first.selection_set.selections if first.selection_set else ()),
            *(node.selection_set.selections if node.selection_set else ()),
        )
        merged[key] = FieldNode(
            alias=first.alias,
            name=first.name,
            arguments=first.arguments,
            directives=first.directives,
            selection_set=SelectionSetNode(selections=selections) if selections else None,
        )
    return list(merged.values())


def _start_cursors(
    after: str | Sequence[str] | Mapping[str, str] | None, connections: list[str], roots: list[str]
) -> dict[str, str]:
    """Which connection root starts after which cursor; a cursor that cannot apply is an error."""
    if after is None:
        return {}
    pairs: list[tuple[str | None, str]] = []
    if isinstance(after, Mapping):
        pairs = [(str(key), str(cursor)) for key, cursor in after.items()]
    else:
        for text in [after] if isinstance(after, str) else list(after):
            named, _, cursor = text.partition("=")
            pairs.append((named, cursor) if cursor and named in roots else (None, text))
    starts: dict[str, str] = {}
    for given, cursor in pairs:
        root = given
        if root is None:
            if len(connections) != 1:
                where = (
                    "it has no paged connection root"
                    if not connections
                    else f"it has {len(connections)} connection roots ({', '.join(connections)})"
                )
                raise IonValidationError(
                    f"A resume cursor must name its root here: {where}. Write ROOT=CURSOR "
                    f"(--after {connections[0] if connections else 'runs'}=CURSOR in a cell, "
                    f"after={{'{connections[0] if connections else 'runs'}': CURSOR}} in Python)."
                )
            root = connections[0]
        if root not in connections:
            raise IonValidationError(
                f"Cannot resume {root!r} after a cursor: it is not a paged connection root of this operation "
                f"(connection roots: {', '.join(connections) or 'none'})."
            )
        starts[root] = cursor
    return starts


def _paged_connection(field_type: GraphQLOutputType | None, node: FieldNode, scope: SelectionScope) -> bool:
    """A connection whose `edges { node }` the cell selects (without a schema: judged by the selection)."""
    if field_type is not None and not is_connection_type(get_named_type(field_type)):
        return False
    edges = scope.child(node.selection_set, "edges")
    return edges is not None and scope.child(edges.selection_set, "node") is not None


def _shape(field_type: GraphQLOutputType | None, node: FieldNode) -> Shape:
    if field_type is None:
        return "object" if node.selection_set else "scalar"
    nullable = get_nullable_type(field_type)
    if isinstance(nullable, GraphQLList):
        return "list"
    return "object" if node.selection_set else "scalar"


def _plan_single(
    cell: ParsedCell, scope: SelectionScope, node: FieldNode, field_type: GraphQLOutputType | None
) -> RootPlan:
    """A root fetched in one request: an object, a list or a scalar (or a connection read as written)."""
    named = get_named_type(field_type) if field_type is not None else None
    selection, nested = with_nested_page_info(node.selection_set, named, scope)
    nested = with_refetch(cell, scope.schema, scope.variables, nested)
    document, used = operation_for(cell, (with_selection(node, selection),), scope.variables)
    return RootPlan(
        response_key(node),
        node.name.value,
        _shape(field_type, node),
        document,
        used,
        selection=node.selection_set,
        node_type=field_type,
        nested=nested,
    )


def _plan_root(
    cell: ParsedCell,
    scope: SelectionScope,
    node: FieldNode,
    root_type: GraphQLObjectType | None,
    options: PagingOptions,
    start_cursor: str | None,
) -> RootPlan:
    """A connection root: its document rewritten for paging, and where its rows are in each page."""
    variables = scope.variables
    field_type = declared_type(root_type, node.name.value)
    edges = scope.child(node.selection_set, "edges")
    node_field = scope.child(edges.selection_set, "node") if edges else None
    assert edges is not None and node_field is not None  # checked by _paged_connection
    connection_type = get_named_type(field_type) if field_type is not None else None
    edges_type = get_named_type(declared_type(connection_type, "edges")) if connection_type else None
    node_type = declared_type(edges_type, "node")

    arguments = {argument.name.value: argument for argument in node.arguments or ()}
    written_size = "first" in arguments or "last" in arguments
    if written_size and options.all and "last" in arguments:
        raise IonValidationError("Following cursors goes forward: use `first`, not `last`, to fetch all pages.")
    if start_cursor is None:
        start_cursor = _argument_value(arguments.get("after"), variables)
    arg_types = _argument_types(root_type, node.name.value)
    names = free_variable_names(cell.operation, ("ion_first", "ion_after"))
    page_size = options.page_size
    if options.max_rows is not None:
        page_size = max(1, min(page_size, options.max_rows))
    injected: list[tuple[str, str, str]] = [("after", names[1], arg_types.get("after", "String"))]
    if not written_size:
        injected.append(("first", names[0], arg_types.get("first", "Int")))
    edge_has_cursor = isinstance(edges_type, GraphQLObjectType) and "cursor" in edges_type.fields
    written = node.selection_set.selections if node.selection_set else ()
    cursor_key = CURSOR_ALIAS if edge_has_cursor and edges in written else None
    nested: tuple[NestedConnection, ...] = ()
    parts = connection_parts(node, scope)
    if parts is not None:
        inner_selection, nested = with_nested_page_info(
            node_field.selection_set, get_named_type(node_type) if node_type is not None else None, scope
        )
        nested = with_refetch(cell, scope.schema, variables, nested)
        if nested:
            edges = with_selection(
                edges, replace_field(edges.selection_set, node_field, with_selection(node_field, inner_selection))
            )
            node = with_selection(node, replace_field(node.selection_set, parts[0], edges))
    rewritten = with_paging(node, injected, page_info_selection(connection_type), edges if cursor_key else None)
    document, used = operation_for(cell, (rewritten,), variables, [(name, type_) for _, name, type_ in injected])
    paging = Paging(
        edges_key=response_key(edges),
        node_key=response_key(node_field),
        after_variable=names[1],
        first_variable=None if written_size else names[0],
        start_cursor=start_cursor,
        page_size=None if written_size else page_size,
        follow=not written_size or options.all,
        cursor_key=cursor_key,
    )
    return RootPlan(
        response_key(node),
        node.name.value,
        "connection",
        document,
        used,
        selection=_node_selection(node, scope),
        node_type=node_type,
        paging=paging,
        nested=nested,
    )


def _node_selection(connection: FieldNode, scope: SelectionScope) -> SelectionSetNode:
    """Everything selected under `edges { node }`, however many times the two are written (GraphQL merges
    them)."""
    nodes = [
        inner
        for edges in scope.fields(connection.selection_set)
        if edges.name.value == "edges"
        for inner in scope.fields(edges.selection_set)
        if inner.name.value == "node"
    ]
    return SelectionSetNode(
        selections=tuple(
            selection
            for inner in nodes
            for selection in (inner.selection_set.selections if inner.selection_set else ())
        )
    )


def _argument_types(root_type: GraphQLObjectType | None, field_name: str) -> dict[str, str]:
    if root_type is None or field_name not in root_type.fields:
        return {}
    return {name: str(arg.type) for name, arg in root_type.fields[field_name].args.items()}


def _argument_value(argument: ArgumentNode | None, variables: Mapping[str, Any]) -> Any:
    if argument is None:
        return None
    value = argument.value
    if isinstance(value, VariableNode):
        return variables.get(value.name.value)
    return getattr(value, "value", None)
