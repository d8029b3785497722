"""Completion inside a GraphQL document: `complete_graphql`, and the scopes of the document's top level and of
its selection sets."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, auto

from graphql import (
    DirectiveLocation,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationType,
    SchemaMetaFieldDef,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    get_named_type,
    is_composite_type,
)

from .suggestions import (
    Completions,
    Suggestion,
    composite_type_suggestions,
    directive_suggestions,
    field_suggestions,
    fragment_suggestions,
    inline_fragment_suggestions,
    keyword_suggestions,
    rank,
)
from .tokens import Token, fragment_conditions, inside_string_or_comment, replaced_token_start, tokenize
from .values import Entries, VariableDefinitions
from .walker import Entry, Scope, Walker

_OPERATION_LOCATIONS = {
    OperationType.QUERY: DirectiveLocation.QUERY,
    OperationType.MUTATION: DirectiveLocation.MUTATION,
    OperationType.SUBSCRIPTION: DirectiveLocation.SUBSCRIPTION,
}
_OPERATIONS = {operation.value: operation for operation in _OPERATION_LOCATIONS}  # keyword -> operation


def complete_graphql(schema: GraphQLSchema, text: str, cursor: int) -> Completions:
    """Suggestions at `cursor` in a possibly incomplete GraphQL document (unbalanced braces, half-typed names).

    A cursor outside the text, inside a string, a comment or a number gets no suggestions.
    """
    if not 0 <= cursor <= len(text):
        clamped = min(max(cursor, 0), len(text))
        return Completions(clamped, clamped, [])
    start = replaced_token_start(text, cursor)
    tokens = tokenize(text)
    if start is None or inside_string_or_comment(tokens, cursor):
        return Completions(cursor, cursor, [])
    code = [token for token in tokens if token.kind != "comment"]
    before = [token for token in code if token.end <= start]
    after = [token for token in code if token.start >= cursor]
    walker = Walker(schema, Document(), fragment_conditions([*before, *after]), after)
    for token in before:
        walker.feed(token)
    suggestions = walker.stack[-1].suggest(walker)
    return Completions(start, cursor, rank(suggestions, text[start:cursor]))


class DocumentState(Enum):
    DEFINITION = auto()  # `query`, `mutation`, `subscription`, `fragment` or a `{` query shorthand
    OPERATION = auto()  # an operation's header: its name, `(` variables, directives, then `{`
    FRAGMENT_NAME = auto()  # the name after `fragment`
    FRAGMENT_ON = auto()  # `on` after the fragment's name
    FRAGMENT_TYPE = auto()  # the type condition after `on`
    FRAGMENT_HEADER = auto()  # a fragment's directives, then `{`
    DIRECTIVE = auto()  # a directive's name after `@`


class Document(Scope):
    """Top level: definitions and their headers (`query Name($v: T) @dir {`, `fragment F on T {`)."""

    def __init__(self) -> None:
        self.expect = DocumentState.DEFINITION
        self.body_type: GraphQLNamedType | None = None
        self.location = DirectiveLocation.QUERY
        self.resume = DocumentState.DEFINITION  # what a directive's name leads back to
        self.arguments: Mapping[str, Entry] | None = None  # what a `(` now gives arguments to

    def feed(self, token: Token, walker: Walker) -> None:
        arguments, self.arguments = self.arguments, None
        if token.value == "{":
            if self.expect is DocumentState.DEFINITION:
                walker.variables = {}
                self.body_type = walker.schema.query_type
            walker.push(SelectionSet(self.body_type))
            self.expect, self.body_type = DocumentState.DEFINITION, None
        elif token.value == "(":
            if arguments is None and self.expect is DocumentState.OPERATION:
                walker.push(VariableDefinitions())
            else:
                walker.push(Entries(")", arguments, "argument"))
        elif token.value == "@" and self.expect is not DocumentState.DEFINITION:
            if self.expect is not DocumentState.DIRECTIVE:
                self.resume = self.expect
            self.expect = DocumentState.DIRECTIVE
        elif token.kind == "name":
            self._name(token.value, walker)

    def _name(self, name: str, walker: Walker) -> None:
        schema = walker.schema
        if self.expect is DocumentState.DEFINITION and name in _OPERATIONS:
            walker.variables = {}
            operation = _OPERATIONS[name]
            self.expect, self.location = DocumentState.OPERATION, _OPERATION_LOCATIONS[operation]
            self.body_type = schema.get_root_type(operation)
        elif self.expect is DocumentState.DEFINITION and name == "fragment":
            walker.variables = {}
            self.expect, self.location = DocumentState.FRAGMENT_NAME, DirectiveLocation.FRAGMENT_DEFINITION
            self.body_type = None
        elif self.expect is DocumentState.FRAGMENT_NAME:
            self.expect = DocumentState.FRAGMENT_ON
        elif self.expect is DocumentState.FRAGMENT_ON and name == "on":
            self.expect = DocumentState.FRAGMENT_TYPE
        elif self.expect is DocumentState.FRAGMENT_TYPE:
            self.expect, self.body_type = DocumentState.FRAGMENT_HEADER, schema.get_type(name)
        elif self.expect is DocumentState.DIRECTIVE:
            directive = schema.get_directive(name)
            self.arguments = directive.args if directive else {}
            self.expect = self.resume

    def suggest(self, walker: Walker) -> list[Suggestion]:
        schema = walker.schema
        if self.expect is DocumentState.DEFINITION:
            return keyword_suggestions(schema)
        if self.expect is DocumentState.FRAGMENT_ON:
            return [Suggestion("on", "keyword", "", "")]
        if self.expect is DocumentState.FRAGMENT_TYPE:
            return composite_type_suggestions(schema, None)
        if self.expect is DocumentState.DIRECTIVE:
            return directive_suggestions(schema, self.location)
        return []


class SelectionState(Enum):
    SELECTION = auto()  # a field, an alias, `...` or a field's `(`, `{`, `@`
    ALIAS_TARGET = auto()  # the field's name after `alias:`
    SPREAD = auto()  # a fragment's name or `on` after `...`
    SPREAD_ON = auto()  # the type condition after `... on`
    DIRECTIVE = auto()  # a directive's name after `@`


class SelectionSet(Scope):
    """`{ ... }` of a field, an operation, a fragment or an inline fragment on `parent`."""

    closer = "}"

    def __init__(self, parent: GraphQLNamedType | None) -> None:
        self.parent = parent
        self.expect = SelectionState.SELECTION
        self.after_field_name = False  # a `:` now makes the previous name an alias
        self.arguments: Mapping[str, Entry] | None = None  # what a `(` now gives arguments to
        self.opens: GraphQLNamedType | None = None  # the type a `{` now opens a selection set on
        self.location = DirectiveLocation.FIELD

    def feed(self, token: Token, walker: Walker) -> None:
        after_field_name, self.after_field_name = self.after_field_name, False
        arguments, self.arguments = self.arguments, None
        if self.expect is not SelectionState.SELECTION:
            expected, self.expect = self.expect, SelectionState.SELECTION
            if token.kind == "name":
                self._complete_construct(expected, token.value, walker.schema)
                return
        if token.kind == "name":
            self._select_field(token.value, walker.schema)
            self.after_field_name = True
        elif token.value == ":" and after_field_name:
            self.expect = SelectionState.ALIAS_TARGET
        elif token.value == "(":
            walker.push(Entries(")", arguments, "argument"))
        elif token.value == "{":
            walker.push(SelectionSet(self.opens))
            self.opens = None
        elif token.value == "...":
            self.expect, self.opens = SelectionState.SPREAD, self.parent
            self.location = DirectiveLocation.INLINE_FRAGMENT
        elif token.value == "@":
            self.expect = SelectionState.DIRECTIVE

    def _complete_construct(self, expected: SelectionState, name: str, schema: GraphQLSchema) -> None:
        """The name after `alias:`, `...`, `... on` or `@`."""
        if expected is SelectionState.ALIAS_TARGET:
            self._select_field(name, schema)
        elif expected is SelectionState.SPREAD and name == "on":
            self.expect = SelectionState.SPREAD_ON
        elif expected is SelectionState.SPREAD:
            self.opens, self.location = None, DirectiveLocation.FRAGMENT_SPREAD
        elif expected is SelectionState.SPREAD_ON:
            self.opens = schema.get_type(name)
        elif expected is SelectionState.DIRECTIVE:
            directive = schema.get_directive(name)
            self.arguments = directive.args if directive else {}

    def _select_field(self, name: str, schema: GraphQLSchema) -> None:
        field = _field_definition(schema, self.parent, name)
        self.arguments = field.args if field else None
        self.opens = get_named_type(field.type) if field else None
        self.location = DirectiveLocation.FIELD

    def suggest(self, walker: Walker) -> list[Suggestion]:
        schema = walker.schema
        if self.expect is SelectionState.SELECTION:
            return field_suggestions(schema, self.parent) + inline_fragment_suggestions(schema, self.parent)
        if self.expect is SelectionState.ALIAS_TARGET:
            return field_suggestions(schema, self.parent)
        if self.expect is SelectionState.SPREAD:
            return [*fragment_suggestions(schema, self.parent, walker.fragments), Suggestion("on", "keyword", "", "")]
        if self.expect is SelectionState.SPREAD_ON:
            return composite_type_suggestions(schema, self.parent)
        return directive_suggestions(schema, self.location)


def _field_definition(schema: GraphQLSchema, parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if name == "__typename" and is_composite_type(parent):
        return TypeNameMetaFieldDef
    if parent is not None and parent is schema.query_type and name in ("__schema", "__type"):
        return SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None
