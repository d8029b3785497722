"""AST rewrites: the fields the magic adds to a cell's selection, and the document sent for some of it.

Paging is a rewrite: a connection gets `first`/`after` arguments on variables, an aliased `pageInfo`
selection and (when its edges are selected) each edge's cursor, so every page is the same document with
other variables. `operation_for` prints a document holding some root selections with exactly the fragments
and variable definitions they use.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    NameNode,
    Node,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    parse_type,
    print_ast,
)
from graphql.language.ast import QUERY_DOCUMENT_KEYS

from .cell import ParsedCell
from .selection import declared_type

PAGE_INFO_ALIAS = "ion_page_info"  # a connection's pageInfo as the magic asks for it, root or nested
CURSOR_ALIAS = "ion_cursor"  # each edge's own cursor, asked for to resume after any row
PAGE_INFO_FIELDS = ("hasNextPage", "startCursor", "endCursor", "totalCount")
NESTED_PAGE_INFO_FIELDS = ("hasNextPage", "endCursor")  # also all that is asked without a schema


def leaf(name: str, alias: str | None = None) -> FieldNode:
    """A field without arguments or sub-selection, e.g. `ion_cursor: cursor`."""
    return FieldNode(
        alias=NameNode(value=alias) if alias else None, name=NameNode(value=name), arguments=(), directives=()
    )


def variable_argument(name: str, variable: str) -> ArgumentNode:
    """`name: $variable`."""
    return ArgumentNode(name=NameNode(value=name), value=VariableNode(name=NameNode(value=variable)))


def with_selection(node: FieldNode, selection_set: SelectionSetNode | None) -> FieldNode:
    """The field with another sub-selection."""
    return FieldNode(
        alias=node.alias,
        name=node.name,
        arguments=node.arguments,
        directives=node.directives,
        selection_set=selection_set,
    )


def replace_field(selection_set: SelectionSetNode | None, old: FieldNode, new: FieldNode) -> SelectionSetNode:
    """The selection set with the field `old` (itself, not an equal one) replaced by `new`."""
    selections = tuple(new if s is old else s for s in (selection_set.selections if selection_set else ()))
    return SelectionSetNode(selections=selections)


def page_info_field(fields: Sequence[str]) -> FieldNode:
    """`ion_page_info: pageInfo { ... }` with these fields."""
    return FieldNode(
        alias=NameNode(value=PAGE_INFO_ALIAS),
        name=NameNode(value="pageInfo"),
        arguments=(),
        directives=(),
        selection_set=SelectionSetNode(selections=tuple(leaf(name) for name in fields)),
    )


def page_info_selection(connection_type: GraphQLNamedType | None) -> FieldNode:
    """A root connection's pageInfo: the fields of PAGE_INFO_FIELDS its type has."""
    available: Sequence[str] = PAGE_INFO_FIELDS
    page_info_type = get_named_type(declared_type(connection_type, "pageInfo")) if connection_type else None
    if isinstance(page_info_type, GraphQLObjectType):
        available = tuple(name for name in PAGE_INFO_FIELDS if name in page_info_type.fields)
    elif connection_type is None:
        available = NESTED_PAGE_INFO_FIELDS  # without a schema, ask only what every Relay server has
    return page_info_field(available)


def with_paging(
    node: FieldNode, injected: Sequence[tuple[str, str, str]], page_info: FieldNode, edges: FieldNode | None
) -> FieldNode:
    """The connection field with the paging arguments, pageInfo and (when `edges` is given) each edge's
    cursor added."""
    replaced = {argument for argument, _, _ in injected}
    arguments = [argument for argument in node.arguments or () if argument.name.value not in replaced]
    arguments += [variable_argument(argument, variable) for argument, variable, _ in injected]
    selections = list(node.selection_set.selections if node.selection_set else ())
    if edges is not None:
        edges_selection = (
            *(edges.selection_set.selections if edges.selection_set else ()),
            leaf("cursor", CURSOR_ALIAS),
        )
        selections[selections.index(edges)] = with_selection(edges, SelectionSetNode(selections=edges_selection))
    return FieldNode(
        alias=node.alias,
        name=node.name,
        arguments=tuple(arguments),
        directives=node.directives,
        selection_set=SelectionSetNode(selections=(*selections, page_info)),
    )


def operation_for(
    cell: ParsedCell,
    selections: Sequence[SelectionNode],
    variables: Mapping[str, Any],
    extra_variables: Sequence[tuple[str, str]] = (),
) -> tuple[str, dict[str, Any]]:
    """A document with these root selections, the fragments they use and the variables they need (the
    cell's own, and `extra_variables` as (name, type) pairs); and the values of the cell's variables it
    uses, taken from `variables`."""
    fragment_names: set[str] = set().union(*(_fragments_used(node, cell.fragments) for node in selections))
    fragments = [cell.fragments[name] for name in cell.fragments if name in fragment_names]
    used = _variables_used([*selections, *fragments])
    definitions = [d for d in cell.operation.variable_definitions or () if d.variable.name.value in used]
    definitions += [
        VariableDefinitionNode(variable=VariableNode(name=NameNode(value=name)), type=parse_type(type_), directives=())
        for name, type_ in extra_variables
    ]
    operation = OperationDefinitionNode(
        operation=cell.operation.operation,
        name=cell.operation.name,
        variable_definitions=tuple(definitions),
        directives=cell.operation.directives,
        selection_set=SelectionSetNode(selections=tuple(selections)),
    )
    document = print_ast(DocumentNode(definitions=(operation, *fragments)))
    return document, {name: value for name, value in variables.items() if name in used}


def free_variable_names(operation: OperationDefinitionNode, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The `wanted` variable names, each with a number appended when the operation declares it already."""
    taken = {definition.variable.name.value for definition in operation.variable_definitions or ()}
    names = []
    for name in wanted:
        candidate, suffix = name, 1
        while candidate in taken:
            suffix += 1
            candidate = f"{name}{suffix}"
        names.append(candidate)
    return tuple(names)


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


def _variables_used(nodes: Sequence[Node]) -> set[str]:
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
