"""From cell text to a plan: parse, validate, bind variables, find the connections, plan the pages.

Paging is an AST rewrite: a connection whose `first`/`last` the cell does not set gets `first: $ion_first`,
`after: $ion_after` and an aliased `pageInfo` selection, so every page is the same document with other
variables. Each root field becomes its own operation, so each can be paged on its own.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    Lexer,
    NameNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    Source,
    TokenKind,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_non_null_type,
    parse,
    parse_type,
    print_ast,
    validate,
)
from graphql.language.ast import QUERY_DOCUMENT_KEYS

from .errors import IonSyntaxError, IonValidationError, MutationNotAllowedError, point_at
from .nested import (
    REFETCH_PARENT_ALIAS,
    NestedConnection,
    Refetch,
    connection_parts,
    is_connection_type,
    refetch_field,
    replace_field,
    with_nested_page_info,
    with_selection,
)
from .variables import bind_variables

PAGE_INFO_ALIAS = "ion_page_info"
CURSOR_ALIAS = "ion_cursor"
PAGE_INFO_FIELDS = ("hasNextPage", "startCursor", "endCursor", "totalCount")
MAX_TOKENS = 200_000

Shape = Literal["connection", "object", "list", "scalar"]


@dataclass(frozen=True)
class ParsedCell:
    source: str
    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]

    @property
    def is_mutation(self) -> bool:
        return self.operation.operation == OperationType.MUTATION

    @property
    def name(self) -> str | None:
        return self.operation.name.value if self.operation.name else None


@dataclass(frozen=True)
class PagingOptions:
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


# -- parsing and validation -------------------------------------------------------------------------
def parse_cell(source: str, *, line_offset: int = 1) -> ParsedCell:
    """Parse one GraphQL document holding exactly one operation (fragments allowed)."""
    if not source.strip() or _only_comments(source):
        what = "only comments" if source.strip() else "nothing"
        raise IonSyntaxError(f"The text holds no GraphQL operation ({what}): write a query such as "
                             "{ runs { edges { node { id } } } }.")
    try:
        document = parse(source, no_location=False, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError as error:
        raise IonSyntaxError(_syntax_message(error, source, line_offset)) from None
    except RecursionError:
        raise IonSyntaxError("GraphQL syntax error: the document is nested too deeply to parse.") from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if len(operations) != 1:
        found = "no operation" if not operations else f"{len(operations)} operations"
        raise IonSyntaxError(f"Give exactly one operation; this text has {found}.")
    if operations[0].operation == OperationType.SUBSCRIPTION:
        raise IonSyntaxError("Subscriptions are not supported: use a query or a mutation.")
    return ParsedCell(source, document, operations[0], fragments)


def _only_comments(source: str) -> bool:
    try:
        return Lexer(Source(source)).advance().kind == TokenKind.EOF
    except GraphQLSyntaxError:
        return False


def _syntax_message(error: GraphQLSyntaxError, source: str, line_offset: int) -> str:
    """The parser's message with a caret; at the end of the text, the last line and the unclosed brace."""
    lines = source.rstrip().splitlines()
    location = error.locations[0] if error.locations else None
    if location is None or (location.line <= len(lines) and "<EOF>" not in error.message):
        return _with_location(error.message, source, error, line_offset)
    message = error.message
    opened = _unclosed_brace(source)
    if opened is not None:
        message = (f"The text ends before the {{ at line {opened[0] + line_offset}, column {opened[1]} is "
                   f"closed: a }} is missing. ({error.message})")
    pointer = point_at(source, len(lines), len(lines[-1]) + 1, line_offset=line_offset)
    return f"{message}\n{pointer}" if pointer else message


def _unclosed_brace(source: str) -> tuple[int, int] | None:
    """(line, column) of the innermost `{` never closed, reading tokens until the first lexing error."""
    opened: list[tuple[int, int]] = []
    lexer = Lexer(Source(source))
    try:
        token = lexer.advance()
        while token.kind != TokenKind.EOF:
            if token.kind == TokenKind.BRACE_L:
                opened.append((token.line, token.column))
            elif token.kind == TokenKind.BRACE_R and opened:
                opened.pop()
            token = lexer.advance()
    except GraphQLSyntaxError:
        pass
    return opened[-1] if opened else None


# Cell texts that validated against a schema: re-running a cell skips validation (about 1 ms).
_VALID_SOURCES: weakref.WeakKeyDictionary[GraphQLSchema, set[str]] = weakref.WeakKeyDictionary()


def validate_cell(cell: ParsedCell, schema: GraphQLSchema | None, *, line_offset: int = 1) -> None:
    """Check the operation against the schema before anything is sent (no-op without a schema)."""
    if schema is None or cell.source in _VALID_SOURCES.get(schema, ()):
        return
    try:
        errors = validate(schema, cell.document)
    except RecursionError:
        raise IonValidationError("The operation is nested too deeply to validate.") from None
    if not errors:
        _VALID_SOURCES.setdefault(schema, set()).add(cell.source)
    else:
        shown = [_with_location(error.message, cell.source, error, line_offset) for error in errors[:3]]
        more = f"\n(and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise IonValidationError("\n".join(shown) + more)


def _with_location(message: str, source: str, error: GraphQLError, line_offset: int) -> str:
    if error.locations:
        location = error.locations[0]
        pointer = point_at(source, location.line, location.column, line_offset=line_offset)
        if pointer:
            return f"{message}\n{pointer}"
    return message


def check_mutation_allowed(cell: ParsedCell, allow_mutation: bool) -> None:
    if cell.is_mutation and not allow_mutation:
        raise MutationNotAllowedError(
            "This cell is a mutation: it would change data in ION. Nothing was sent. "
            "Run it again with --allow-mutation if that is what you want."
        )


# -- planning -----------------------------------------------------------------------------------------
def plan_operation(cell: ParsedCell, schema: GraphQLSchema | None, namespace: Mapping[str, Any],
                   options: PagingOptions, *, strict_variables: bool = False) -> OperationPlan:
    """Bind the variables and plan one request sequence per root field (one request for a mutation)."""
    variables = bind_variables(cell.operation, namespace, schema, strict=strict_variables)
    root_type = _root_type(schema, cell)
    fields = _merged_roots(collect_fields(cell.operation.selection_set, cell.fragments))
    if cell.is_mutation:
        document, _ = _operation_for(cell, cell.operation.selection_set.selections, ())
        roots = tuple(_plan_single(cell, node, _field_type(root_type, node.name.value), variables, schema)
                      for node in fields)
        if options.after is not None:
            raise IonValidationError("A mutation is sent once and never paged, so it has nothing to resume "
                                     "after: drop the `after` option.")
        return OperationPlan(cell, variables, roots, schema, mutation_document=document)
    connections = [node for node in fields
                   if _paged_connection(_field_type(root_type, node.name.value), node, cell.fragments)]
    starts = _start_cursors(options.after, [_response_key(node) for node in connections],
                            [_response_key(node) for node in fields])
    roots = tuple(
        _plan_root(cell, node, schema, variables, options, starts.get(_response_key(node)))
        if node in connections else _plan_single(cell, node, _field_type(root_type, node.name.value), variables,
                                                 schema)
        for node in fields
    )
    return OperationPlan(cell, variables, roots, schema)


def _merged_roots(fields: Iterator[FieldNode]) -> list[FieldNode]:
    """Root fields by response key: fields that share one are merged as GraphQL merges them."""
    merged: dict[str, FieldNode] = {}
    for node in fields:
        key = _response_key(node)
        if key not in merged:
            merged[key] = node
            continue
        first = merged[key]
        selections = (*(first.selection_set.selections if first.selection_set else ()),
                      *(node.selection_set.selections if node.selection_set else ()))
        merged[key] = FieldNode(alias=first.alias, name=first.name, arguments=first.arguments,
                                directives=first.directives,
                                selection_set=SelectionSetNode(selections=selections) if selections else None)
    return list(merged.values())


def _start_cursors(after: str | Sequence[str] | Mapping[str, str] | None, connections: list[str],
                   roots: list[str]) -> dict[str, str]:
    """Which connection root starts after which cursor; a cursor that cannot apply is an error."""
    if after is None:
        return {}
    pairs: list[tuple[str | None, str]] = []
    if isinstance(after, Mapping):
        pairs = [(str(key), str(cursor)) for key, cursor in after.items()]
    else:
        for text in [after] if isinstance(after, str) else list(after):
            root, _, cursor = text.partition("=")
            pairs.append((root, cursor) if cursor and root in roots else (None, text))
    starts: dict[str, str] = {}
    for root, cursor in pairs:
        if root is None:
            if len(connections) != 1:
                where = ("it has no paged connection root" if not connections else
                         f"it has {len(connections)} connection roots ({', '.join(connections)})")
                raise IonValidationError(
                    f"A resume cursor must name its root here: {where}. Write ROOT=CURSOR "
                    f"(--after {connections[0] if connections else 'runs'}=CURSOR in a cell, "
                    f"after={{'{connections[0] if connections else 'runs'}': CURSOR}} in Python).")
            root = connections[0]
        if root not in connections:
            raise IonValidationError(
                f"Cannot resume {root!r} after a cursor: it is not a paged connection root of this operation "
                f"(connection roots: {', '.join(connections) or 'none'}).")
        starts[root] = cursor
    return starts


def _root_type(schema: GraphQLSchema | None, cell: ParsedCell) -> GraphQLObjectType | None:
    if schema is None:
        return None
    return schema.mutation_type if cell.is_mutation else schema.query_type


def collect_fields(selection_set: SelectionSetNode | None,
                   fragments: Mapping[str, FragmentDefinitionNode]) -> Iterator[FieldNode]:
    """The fields of a selection set with named and inline fragments flattened, in order."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from collect_fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from collect_fields(fragments[selection.name.value].selection_set, fragments)


def _response_key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _child(selection_set: SelectionSetNode | None, name: str,
           fragments: Mapping[str, FragmentDefinitionNode]) -> FieldNode | None:
    return next((f for f in collect_fields(selection_set, fragments) if f.name.value == name), None)


def _field_type(parent: GraphQLNamedType | None, name: str) -> GraphQLOutputType | None:
    if isinstance(parent, GraphQLObjectType) and name in parent.fields:
        return parent.fields[name].type
    return None


def _paged_connection(field_type: GraphQLOutputType | None, node: FieldNode,
                      fragments: Mapping[str, FragmentDefinitionNode]) -> bool:
    """A connection whose `edges { node }` the cell selects (without a schema: judged by the selection)."""
    if field_type is not None and not is_connection_type(get_named_type(field_type)):
        return False
    edges = _child(node.selection_set, "edges", fragments)
    return edges is not None and _child(edges.selection_set, "node", fragments) is not None


def _shape(field_type: GraphQLOutputType | None, node: FieldNode) -> Shape:
    if field_type is None:
        return "object" if node.selection_set else "scalar"
    nullable = get_nullable_type(field_type)
    if isinstance(nullable, GraphQLList):
        return "list"
    return "object" if node.selection_set else "scalar"


def _plan_single(cell: ParsedCell, node: FieldNode, field_type: GraphQLOutputType | None,
                 variables: dict[str, Any], schema: GraphQLSchema | None) -> RootPlan:
    named = get_named_type(field_type) if field_type is not None else None
    selection, nested = with_nested_page_info(node.selection_set, named)
    nested = _with_refetch(cell, schema, variables, nested)
    document, used = _operation_for(cell, (with_selection(node, selection),), ())
    return RootPlan(_response_key(node), node.name.value, _shape(field_type, node), document,
                    _subset(variables, used), selection=node.selection_set, node_type=field_type, nested=nested)


def _plan_root(cell: ParsedCell, node: FieldNode, schema: GraphQLSchema | None,
               variables: dict[str, Any], options: PagingOptions, start_cursor: str | None) -> RootPlan:
    root_type = _root_type(schema, cell)
    field_type = _field_type(root_type, node.name.value)
    edges = _child(node.selection_set, "edges", cell.fragments)
    node_field = _child(edges.selection_set, "node", cell.fragments) if edges else None
    assert edges is not None and node_field is not None  # checked by _paged_connection
    connection_type = get_named_type(field_type) if field_type is not None else None
    edges_type = get_named_type(_field_type(connection_type, "edges")) if connection_type else None
    node_type = _field_type(edges_type, "node")

    arguments = {argument.name.value: argument for argument in node.arguments or ()}
    written_size = "first" in arguments or "last" in arguments
    if written_size and options.all and "last" in arguments:
        raise IonValidationError("Following cursors goes forward: use `first`, not `last`, to fetch all pages.")
    if start_cursor is None:
        start_cursor = _argument_value(arguments.get("after"), variables)
    arg_types = _argument_types(root_type, node.name.value)
    names = _free_variable_names(cell.operation, ("ion_first", "ion_after"))
    page_size = options.page_size
    if options.max_rows is not None:
        page_size = max(1, min(page_size, options.max_rows))
    injected: list[tuple[str, str, str]] = [("after", names[1], arg_types.get("after", "String"))]
    if not written_size:
        injected.append(("first", names[0], arg_types.get("first", "Int")))
    edge_has_cursor = isinstance(edges_type, GraphQLObjectType) and "cursor" in edges_type.fields
    cursor_key = CURSOR_ALIAS if edge_has_cursor and edges in (node.selection_set.selections or ()) else None
    nested: tuple[NestedConnection, ...] = ()
    parts = connection_parts(node)
    if parts is not None:
        inner_selection, nested = with_nested_page_info(node_field.selection_set, get_named_type(node_type)
                                                        if node_type is not None else None)
        nested = _with_refetch(cell, schema, variables, nested)
        if nested:
            edges = with_selection(edges, replace_field(edges.selection_set, node_field,
                                                        with_selection(node_field, inner_selection)))
            node = with_selection(node, replace_field(node.selection_set, parts[0], edges))
    rewritten = _with_paging(node, injected, _page_info_selection(connection_type),
                             edges if cursor_key else None)
    document, used = _operation_for(cell, (rewritten,), [(name, type_) for _, name, type_ in injected])
    paging = Paging(
        edges_key=_response_key(edges),
        node_key=_response_key(node_field),
        after_variable=names[1],
        first_variable=None if written_size else names[0],
        start_cursor=start_cursor,
        page_size=None if written_size else page_size,
        follow=not written_size or options.all,
        cursor_key=cursor_key,
    )
    return RootPlan(_response_key(node), node.name.value, "connection", document, _subset(variables, used),
                    selection=_node_selection(node, cell.fragments), node_type=node_type, paging=paging,
                    nested=nested)


def _node_selection(connection: FieldNode, fragments: Mapping[str, FragmentDefinitionNode]) -> SelectionSetNode:
    """Everything selected under `edges { node }`, however many times the two are written (GraphQL merges
    them)."""
    nodes = [inner for edges in collect_fields(connection.selection_set, fragments) if edges.name.value == "edges"
             for inner in collect_fields(edges.selection_set, fragments) if inner.name.value == "node"]
    return SelectionSetNode(selections=tuple(selection for inner in nodes
                                             for selection in (inner.selection_set.selections
                                                               if inner.selection_set else ())))


def _with_refetch(cell: ParsedCell, schema: GraphQLSchema | None, variables: dict[str, Any],
                  connections: tuple[NestedConnection, ...]) -> tuple[NestedConnection, ...]:
    """The nested connections with the way to fetch the rest of each, where its parent has a root field."""
    return tuple(replace(connection, refetch=_refetch(cell, schema, variables, connection),
                         children=_with_refetch(cell, schema, variables, connection.children))
                 for connection in connections)


def _refetch(cell: ParsedCell, schema: GraphQLSchema | None, variables: dict[str, Any],
             connection: NestedConnection) -> Refetch | None:
    root = _parent_root(schema, connection.parent_type)
    if schema is None or root is None:
        return None
    names = _free_variable_names(cell.operation, ("ion_id", "ion_after", "ion_first"))
    field = refetch_field(connection, root, *names)
    id_type = str(schema.query_type.fields[root].args["id"].type)
    document, used = _operation_for(cell, (field,), [(names[0], id_type), (names[1], "String"),
                                                      (names[2], "Int")])
    return Refetch(document, _subset(variables, used), *names, parent_key=REFETCH_PARENT_ALIAS)


def _parent_root(schema: GraphQLSchema | None, parent: GraphQLNamedType | None) -> str | None:
    """A query root field that fetches one object of type `parent` by its id alone (`step(id: ID!)`)."""
    if schema is None or parent is None or schema.query_type is None:
        return None
    for name, root in schema.query_type.fields.items():
        if get_named_type(root.type) is parent and "id" in root.args and all(
                arg_name == "id" or not is_non_null_type(arg.type) for arg_name, arg in root.args.items()):
            return name
    return None


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


def _free_variable_names(operation: OperationDefinitionNode, wanted: tuple[str, ...]) -> tuple[str, ...]:
    taken = {definition.variable.name.value for definition in operation.variable_definitions or ()}
    names = []
    for name in wanted:
        candidate, suffix = name, 1
        while candidate in taken:
            suffix += 1
            candidate = f"{name}{suffix}"
        names.append(candidate)
    return tuple(names)


def _page_info_selection(connection_type: GraphQLNamedType | None) -> FieldNode:
    available = PAGE_INFO_FIELDS
    page_info_type = get_named_type(_field_type(connection_type, "pageInfo")) if connection_type else None
    if isinstance(page_info_type, GraphQLObjectType):
        available = tuple(name for name in PAGE_INFO_FIELDS if name in page_info_type.fields)
    elif connection_type is None:
        available = ("hasNextPage", "endCursor")  # without a schema, ask only what every Relay server has
    return FieldNode(
        alias=NameNode(value=PAGE_INFO_ALIAS),
        name=NameNode(value="pageInfo"),
        arguments=(),
        directives=(),
        selection_set=SelectionSetNode(
            selections=tuple(FieldNode(name=NameNode(value=name), arguments=(), directives=())
                             for name in available)
        ),
    )


def _with_paging(node: FieldNode, injected: list[tuple[str, str, str]], page_info: FieldNode,
                 edges: FieldNode | None) -> FieldNode:
    """The connection field with the paging arguments, pageInfo and (when `edges` is given) each edge's
    cursor added."""
    replaced = {argument for argument, _, _ in injected}
    arguments = [argument for argument in node.arguments or () if argument.name.value not in replaced]
    arguments += [
        ArgumentNode(name=NameNode(value=argument), value=VariableNode(name=NameNode(value=variable)))
        for argument, variable, _ in injected
    ]
    selections = list(node.selection_set.selections if node.selection_set else ())
    if edges is not None:
        cursor = FieldNode(alias=NameNode(value=CURSOR_ALIAS), name=NameNode(value="cursor"), arguments=(),
                           directives=())
        edges_selection = (*(edges.selection_set.selections if edges.selection_set else ()), cursor)
        selections[selections.index(edges)] = FieldNode(
            alias=edges.alias, name=edges.name, arguments=edges.arguments, directives=edges.directives,
            selection_set=SelectionSetNode(selections=edges_selection))
    return FieldNode(alias=node.alias, name=node.name, arguments=tuple(arguments), directives=node.directives,
                     selection_set=SelectionSetNode(selections=(*selections, page_info)))


def _operation_for(cell: ParsedCell, selections: Sequence[SelectionNode],
                   extra_variables: list[tuple[str, str]] | tuple) -> tuple[str, set[str]]:
    """A document with these root selections, the fragments they use and the variables they need."""
    fragment_names = set().union(*(_fragments_used(node, cell.fragments) for node in selections))
    fragments = [cell.fragments[name] for name in cell.fragments if name in fragment_names]
    used = _variables_used([*selections, *fragments])
    definitions = [d for d in cell.operation.variable_definitions or () if d.variable.name.value in used]
    definitions += [
        VariableDefinitionNode(variable=VariableNode(name=NameNode(value=name)), type=parse_type(type_),
                               directives=())
        for name, type_ in extra_variables
    ]
    operation = OperationDefinitionNode(
        operation=cell.operation.operation,
        name=cell.operation.name,
        variable_definitions=tuple(definitions),
        directives=cell.operation.directives,
        selection_set=SelectionSetNode(selections=tuple(selections)),
    )
    return print_ast(DocumentNode(definitions=(operation, *fragments))), used


def _fragments_used(node: Node, fragments: Mapping[str, FragmentDefinitionNode]) -> set[str]:
    found: set[str] = set()
    pending = [node]
    while pending:
        for child in _walk(pending.pop()):
            if isinstance(child, FragmentSpreadNode) and child.name.value not in found:
                found.add(child.name.value)
                if child.name.value in fragments:
                    pending.append(fragments[child.name.value])
    return found


def _variables_used(nodes: list[Node]) -> set[str]:
    return {child.name.value for node in nodes for child in _walk(node) if isinstance(child, VariableNode)}


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for key in QUERY_DOCUMENT_KEYS.get(current.kind, ()):  # Node.keys is recomputed on every access
            value = getattr(current, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple | list):
                stack.extend(item for item in value if isinstance(item, Node))


def _subset(variables: Mapping[str, Any], names: set[str]) -> dict[str, Any]:
    return {name: value for name, value in variables.items() if name in names}
