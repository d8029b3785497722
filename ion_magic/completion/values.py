"""The scopes of values: `name: value` pairs (arguments and input objects), list values, and an operation's
variable definitions."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, auto
from typing import Literal

from graphql import (
    DirectiveLocation,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLType,
    get_named_type,
    is_input_type,
    parse_type,
    type_from_ast,
)

from .suggestions import (
    Suggestion,
    Variable,
    directive_suggestions,
    input_type_suggestions,
    value_suggestions,
)
from .tokens import Token, keys_ahead
from .walker import Entry, Scope, Walker


class EntryState(Enum):
    KEY = auto()  # an entry's name
    COLON = auto()  # the `:` after it
    VALUE = auto()  # its value
    VARIABLE = auto()  # the name of a `$variable` value


class Entries(Scope):
    """`name: value` pairs: a field's or directive's arguments `( )`, or an input object value `{ }`."""

    def __init__(self, closer: str, entries: Mapping[str, Entry] | None, kind: Literal["argument", "field"]) -> None:
        self.closer = closer
        self.entries = entries
        self.kind = kind  # the Suggestion kind of an entry name
        self.given: set[str] = set()
        self.expect = EntryState.KEY
        self.location: GraphQLType | None = None  # the type the current value must have

    def feed(self, token: Token, walker: Walker) -> None:
        if self.expect is EntryState.VALUE:
            self.expect = EntryState.KEY
            if token.value == "$":
                self.expect = EntryState.VARIABLE
            elif token.value == "{":
                walker.push(input_object(self.location))
            elif token.value == "[":
                walker.push(ListValue(list_item_type(self.location)))
        elif self.expect is EntryState.VARIABLE:
            self.expect = EntryState.KEY
        elif token.kind == "name":
            self.given.add(token.value)
            entry = self.entries.get(token.value) if self.entries else None
            self.location = entry.type if entry else None
            self.expect = EntryState.COLON
        elif token.value == ":" and self.expect is EntryState.COLON:
            self.expect = EntryState.VALUE
        elif token.value == "{":
            walker.push(Entries("}", None, "field"))
        elif token.value == "[":
            walker.push(ListValue(None))

    def suggest(self, walker: Walker) -> list[Suggestion]:
        if self.expect is EntryState.VALUE:
            return value_suggestions(walker.schema, self.location, walker.variables)
        if self.expect is not EntryState.KEY or not self.entries:
            return []
        taken = self.given | keys_ahead(walker.following)
        return [
            Suggestion(name, self.kind, str(entry.type), entry.description or "")
            for name, entry in self.entries.items()
            if name not in taken
        ]


class ListValue(Scope):
    """`[ ... ]` whose items have type `item`."""

    closer = "]"

    def __init__(self, item: GraphQLType | None) -> None:
        self.item = item

    def feed(self, token: Token, walker: Walker) -> None:
        if token.value == "{":
            walker.push(input_object(self.item))
        elif token.value == "[":
            walker.push(ListValue(list_item_type(self.item)))

    def suggest(self, walker: Walker) -> list[Suggestion]:
        return value_suggestions(walker.schema, self.item, walker.variables)


class VariableState(Enum):
    NEXT = auto()  # the `$` of the next variable, or a directive's `@`
    NAME = auto()  # the variable's name
    COLON = auto()  # the `:` after it
    TYPE = auto()  # its type's name or `[`
    TYPE_REST = auto()  # `]`, `!`, `=` or `@` after a type's name
    DEFAULT = auto()  # the default value after `=`
    DIRECTIVE = auto()  # a directive's name after `@`


class VariableDefinitions(Scope):
    """`($name: Type = default @directive, ...)` of an operation; records the variables on the walker."""

    closer = ")"

    def __init__(self) -> None:
        self.expect = VariableState.NEXT
        self.name: str | None = None
        self.type_parts: list[str] = []
        self.type: GraphQLInputType | None = None  # the resolved type, known once `=` is reached
        self.has_default = False
        self.arguments: Mapping[str, Entry] | None = None  # what a `(` now gives arguments to

    def claims(self, token: Token) -> bool:
        return token.value == "]" and self.expect in (VariableState.TYPE, VariableState.TYPE_REST)

    def close(self, walker: Walker) -> None:
        if self.name is not None:
            declared = resolve_input_type(walker.schema, self.type_parts)
            walker.variables[self.name] = Variable(declared, self.has_default)
        self.name, self.type_parts, self.has_default = None, [], False

    def feed(self, token: Token, walker: Walker) -> None:
        arguments, self.arguments = self.arguments, None
        value, is_name = token.value, token.kind == "name"
        if value == "$":
            self.close(walker)
            self.expect = VariableState.NAME
        elif value == "(" and arguments is not None:
            walker.push(Entries(")", arguments, "argument"))
        elif value == "{" and self.expect is not VariableState.DEFAULT:
            walker.pop()  # a missing `)`: the operation's selection set begins
            walker.feed(token)
        elif self.expect is VariableState.NAME and is_name:
            self.name, self.expect = value, VariableState.COLON
            walker.variables[value] = Variable(None, False)
        elif self.expect is VariableState.COLON and value == ":":
            self.expect = VariableState.TYPE
        elif self.expect in (VariableState.TYPE, VariableState.TYPE_REST):
            self._type_token(token, walker)
        elif self.expect is VariableState.DEFAULT:
            self.expect = VariableState.NEXT
            if value == "{":
                walker.push(input_object(self.type))
            elif value == "[":
                walker.push(ListValue(list_item_type(self.type)))
        elif self.expect is VariableState.DIRECTIVE and is_name:
            directive = walker.schema.get_directive(value)
            self.arguments = directive.args if directive else {}
            self.expect = VariableState.NEXT
        elif value == "@":
            self.expect = VariableState.DIRECTIVE

    def _type_token(self, token: Token, walker: Walker) -> None:
        if token.value == "=":
            self.type = resolve_input_type(walker.schema, self.type_parts)
            self.expect, self.has_default = VariableState.DEFAULT, True
        elif token.value == "@":
            self.expect = VariableState.DIRECTIVE
        elif token.value == "[" or (token.kind == "name" and self.expect is VariableState.TYPE):
            self.type_parts.append(token.value)
            self.expect = VariableState.TYPE if token.value == "[" else VariableState.TYPE_REST
        elif token.value in ("]", "!"):
            self.type_parts.append(token.value)
            self.expect = VariableState.TYPE_REST

    def suggest(self, walker: Walker) -> list[Suggestion]:
        if self.expect is VariableState.TYPE:
            return input_type_suggestions(walker.schema)
        if self.expect is VariableState.DEFAULT:
            return value_suggestions(walker.schema, self.type, {})
        if self.expect is VariableState.DIRECTIVE:
            return directive_suggestions(walker.schema, DirectiveLocation.VARIABLE_DEFINITION)
        return []


def input_object(location: GraphQLType | None) -> Entries:
    """The scope of an input object value `{ }` of type `location` (its fields unknown when it is none)."""
    named = get_named_type(location)
    return Entries("}", named.fields if isinstance(named, GraphQLInputObjectType) else None, "field")


def list_item_type(location: GraphQLType | None) -> GraphQLType | None:
    """The item type when `location` is a list (possibly non-null), else None."""
    nullable = location.of_type if isinstance(location, GraphQLNonNull) else location
    return nullable.of_type if isinstance(nullable, GraphQLList) else None


def resolve_input_type(schema: GraphQLSchema, parts: list[str]) -> GraphQLInputType | None:
    """The input type spelled by `parts` (e.g. `[`, `RunSortEnum`, `!`, `]`), or None if it is not one."""
    if not parts or len(parts) > 64:  # deeper nesting is no real type and would only recurse
        return None
    try:
        resolved = type_from_ast(schema, parse_type(" ".join(parts)))
    except GraphQLError:
        return None
    return resolved if resolved is not None and is_input_type(resolved) else None
