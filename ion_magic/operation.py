"""From cell text to a plan: parse, validate, bind variables, find the connections, plan the pages.

Paging is an AST rewrite: a connection whose `first`/`last` the cell does not set gets `first: $ion_first`,
`after: $ion_after` and an aliased `pageInfo` selection, so every page is the same document with other
variables. Each root field becomes its own operation, so each can be paged on its own.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
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
    NameNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    parse,
    parse_type,
    print_ast,
    validate,
)
from graphql.language.ast import QUERY_DOCUMENT_KEYS

from .errors import IonSyntaxError, IonValidationError, MutationNotAllowedError, point_at
from .variables import bind_variables

PAGE_INFO_ALIAS = "ion_page_info"
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
    after: str | None = None


@dataclass(frozen=True)
class RootPlan:
    """How one root field is fetched and where its rows are in the answer."""

    response_key: str
    field_name: str
    shape: Shape
    document: str
    variables: dict[str, Any]
    paged: bool = False  # the magic follows cursors (more than one request may be sent)
    first_variable: str | None = None  # set by the magic to the page size
    after_variable: str | None = None
    first_cursor: str | None = None
    edges_key: str | None = None
    node_key: str | None = None
    selection: SelectionSetNode | None = None  # under edges.node, or under the field itself
    node_type: GraphQLOutputType | None = None
    page_size: int | None = None


@dataclass(frozen=True)
class OperationPlan:
    cell: ParsedCell
    variables: dict[str, Any]
    roots: tuple[RootPlan, ...] = field(default_factory=tuple)
    schema: GraphQLSchema | None = None

    def describe(self) -> str:
        """The plan as --dry-run prints it."""
        kind = "mutation" if self.cell.is_mutation else "query"
        lines = [f"{kind} {self.cell.name or '(anonymous)'}: {len(self.roots)} root field(s); nothing sent."]
        lines.append(f"variables: {self.variables or '{}'}")
        for root in self.roots:
            if root.shape == "connection" and root.paged:
                how = f"paged connection: first={root.page_size} per request, following endCursor"
                if root.first_cursor:
                    how += f", starting after {root.first_cursor!r}"
            elif root.shape == "connection":
                how = "connection fetched as written (one page)"
            else:
                how = f"one request ({root.shape})"
            lines.append(f"- {root.response_key}: {how}")
            lines.append("  " + root.document.replace("\n", "\n  "))
        return "\n".join(lines)


# -- parsing and validation -------------------------------------------------------------------------
def parse_cell(source: str, *, line_offset: int = 1) -> ParsedCell:
    """Parse one GraphQL document holding exactly one operation (fragments allowed)."""
    if not source.strip():
        raise IonSyntaxError("The cell holds no GraphQL: write a query under the %%ion line.")
    try:
        document = parse(source, no_location=False, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError as error:
        raise IonSyntaxError(_with_location(error.message, source, error,
                                            line_offset)) from None
    except RecursionError:
        raise IonSyntaxError("GraphQL syntax error: the document is nested too deeply to parse.") from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if len(operations) != 1:
        found = "no operation" if not operations else f"{len(operations)} operations"
        raise IonSyntaxError(f"A %%ion cell holds exactly one operation; this one has {found}.")
    if operations[0].operation == OperationType.SUBSCRIPTION:
        raise IonSyntaxError("Subscriptions are not supported: use a query or a mutation.")
    return ParsedCell(source, document, operations[0], fragments)


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
                   options: PagingOptions) -> OperationPlan:
    """Bind the variables and plan one request sequence per root field."""
    variables = bind_variables(cell.operation, namespace)
    root_type = _root_type(schema, cell)
    roots = tuple(
        _plan_root(cell, root_field, root_type, variables, options)
        for root_field in collect_fields(cell.operation.selection_set, cell.fragments)
    )
    return OperationPlan(cell, variables, roots, schema)


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


def _is_connection(field_type: GraphQLOutputType | None, node: FieldNode,
                   fragments: Mapping[str, FragmentDefinitionNode]) -> bool:
    named = get_named_type(field_type) if field_type is not None else None
    if isinstance(named, GraphQLObjectType):
        return "edges" in named.fields and "pageInfo" in named.fields
    edges = _child(node.selection_set, "edges", fragments)
    return edges is not None and _child(edges.selection_set, "node", fragments) is not None


def _shape(field_type: GraphQLOutputType | None, node: FieldNode) -> Shape:
    if field_type is None:
        return "object" if node.selection_set else "scalar"
    nullable = get_nullable_type(field_type)
    if isinstance(nullable, GraphQLList):
        return "list"
    return "object" if node.selection_set else "scalar"


def _plan_root(cell: ParsedCell, node: FieldNode, root_type: GraphQLObjectType | None,
               variables: dict[str, Any], options: PagingOptions) -> RootPlan:
    field_type = _field_type(root_type, node.name.value)
    common = {"response_key": _response_key(node), "field_name": node.name.value}
    if not _is_connection(field_type, node, cell.fragments):
        document, used = _operation_for(cell, node, ())
        return RootPlan(**common, shape=_shape(field_type, node), document=document,
                        variables=_subset(variables, used), selection=node.selection_set,
                        node_type=field_type)

    edges = _child(node.selection_set, "edges", cell.fragments)
    node_field = _child(edges.selection_set, "node", cell.fragments) if edges else None
    connection_type = get_named_type(field_type) if field_type is not None else None
    edges_type = _field_type(connection_type, "edges")
    node_type = _field_type(get_named_type(edges_type) if edges_type else None, "node")

    arguments = {argument.name.value: argument for argument in node.arguments or ()}
    written_size = "first" in arguments or "last" in arguments
    if written_size and options.all and "last" in arguments:
        raise IonValidationError("--all follows cursors forward: use `first`, not `last`, in this cell.")
    paged = not written_size or options.all
    first_cursor = options.after if options.after is not None else _argument_value(arguments.get("after"),
                                                                                    variables)
    arg_types = _argument_types(root_type, node.name.value)
    names = _free_variable_names(cell.operation, ("ion_first", "ion_after"))
    page_size = options.page_size
    if options.max_rows is not None:
        page_size = max(1, min(page_size, options.max_rows))
    injected: list[tuple[str, str, str]] = [("after", names[1], arg_types.get("after", "String"))]
    if not written_size:
        injected.append(("first", names[0], arg_types.get("first", "Int")))
    rewritten = _with_paging(node, injected, page_info=_page_info_selection(connection_type))
    document, used = _operation_for(cell, rewritten, [(name, type_) for _, name, type_ in injected])
    plan_variables = _subset(variables, used)
    return RootPlan(
        **common,
        shape="connection",
        document=document,
        variables=plan_variables,
        paged=paged,
        first_variable=None if written_size else names[0],
        after_variable=names[1],
        first_cursor=first_cursor,
        edges_key=_response_key(edges) if edges else None,
        node_key=_response_key(node_field) if node_field else None,
        selection=node_field.selection_set if node_field else None,
        node_type=node_type,
        page_size=None if written_size else page_size,
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


def _with_paging(node: FieldNode, injected: list[tuple[str, str, str]], page_info: FieldNode) -> FieldNode:
    replaced = {argument for argument, _, _ in injected}
    arguments = [argument for argument in node.arguments or () if argument.name.value not in replaced]
    arguments += [
        ArgumentNode(name=NameNode(value=argument), value=VariableNode(name=NameNode(value=variable)))
        for argument, variable, _ in injected
    ]
    selections = (*node.selection_set.selections, page_info) if node.selection_set else (page_info,)
    return FieldNode(alias=node.alias, name=node.name, arguments=tuple(arguments), directives=node.directives,
                     selection_set=SelectionSetNode(selections=selections))


def _operation_for(cell: ParsedCell, node: FieldNode,
                   extra_variables: list[tuple[str, str]] | tuple) -> tuple[str, set[str]]:
    """A document with one root field, the fragments it uses and the variables it needs."""
    fragment_names = _fragments_used(node, cell.fragments)
    fragments = [cell.fragments[name] for name in cell.fragments if name in fragment_names]
    used = _variables_used([node, *fragments])
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
        selection_set=SelectionSetNode(selections=(node,)),
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
