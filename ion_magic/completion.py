"""Schema-aware completion inside ``%%ion`` cells, served by the kernel.

Front ends without the JupyterLab extension (classic notebook, VS Code, terminal IPython) ask the kernel for
completions. A half-typed document does not parse, so the analysis walks tokens (tolerating unfinished
strings and unbalanced brackets) and keeps a stack of frames: selection sets, argument lists, input object
values, list values and variable definitions. The frame on top at the cursor decides what is offered.

The magics' own lines complete too: option names (read from each magic's argument parser), an option's
choices, and after `%ion_schema ` the schema's type and root field names.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    DirectiveLocation,
    GraphQLArgument,
    GraphQLDirective,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    SchemaMetaFieldDef,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    do_types_overlap,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_composite_type,
    is_input_type,
    is_list_type,
    is_non_null_type,
    is_type_sub_type_of,
    parse_type,
    type_from_ast,
)

from .schema_docs import public_types, root_fields, type_kind


@dataclass(frozen=True)
class Suggestion:
    text: str  # what to insert, e.g. "partNumber", "first", "AVAILABLE", "$filters"
    kind: str  # "field" | "argument" | "enum" | "variable" | "type" | "keyword" | "directive" | "option"
    detail: str  # the GraphQL type, e.g. "String!", "[RunStep]", "PartInventoriesInputFilters"
    description: str  # the schema description ("" if none)


@dataclass(frozen=True)
class Completions:
    start: int  # offset in `text` where the replaced token starts
    end: int  # offset where it ends (the cursor)
    suggestions: list[Suggestion]  # filtered by the typed prefix, prefix matches first, then alphabetical


def complete_graphql(schema: GraphQLSchema, text: str, cursor: int) -> Completions:
    """Suggestions at `cursor` in a possibly incomplete GraphQL document (unbalanced braces, half-typed names).

    A cursor outside the text, inside a string, a comment or a number gets no suggestions.
    """
    if not 0 <= cursor <= len(text):
        clamped = min(max(cursor, 0), len(text))
        return Completions(clamped, clamped, [])
    start = _replaced_token_start(text, cursor)
    tokens = _tokenize(text)
    if start is None or _inside_string_or_comment(tokens, cursor):
        return Completions(cursor, cursor, [])
    code = [token for token in tokens if token.kind != "comment"]
    before = [token for token in code if token.end <= start]
    after = [token for token in code if token.start >= cursor]
    walker = _Walker(schema, _fragment_conditions([*before, *after]), after)
    for token in before:
        walker.feed(token)
    suggestions = walker.stack[-1].suggest(walker)
    return Completions(start, cursor, _rank(suggestions, text[start:cursor]))


# --- the magics' own lines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MagicOption:
    """One option of a magic, as its argument parser defines it."""

    name: str  # "--max-rows"
    help: str
    takes_value: bool
    choices: tuple[str, ...] = ()  # the values it accepts, when the parser names them


def magic_options(parser: argparse.ArgumentParser) -> list[MagicOption]:
    """The options a magic's parser accepts (its `--help` aside): the one source of what completes."""
    options = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        for name in action.option_strings:
            options.append(MagicOption(name, action.help or "", takes_value=action.nargs != 0,
                                       choices=tuple(str(choice) for choice in action.choices or ())))
    return options


def schema_name_suggestions(schema: GraphQLSchema) -> list[Suggestion]:
    """What `%ion_schema NAME` accepts: every type (kind "type") and every query and mutation ("field")."""
    suggestions = [Suggestion(named.name, "type", type_kind(named), named.description or "")
                   for named in public_types(schema)]
    suggestions += [Suggestion(root.name, "field", f"{root.qualified_name}: {root.field.type}",
                               root.field.description or "") for root in root_fields(schema)]
    return suggestions


def complete_magic_arguments(arguments: str, cursor: int, options: Sequence[MagicOption],
                             positional: Sequence[Suggestion] = ()) -> Completions:
    """Suggestions for the word at `cursor` in the text after a magic's name: option names for a word that
    starts with "-", an option's choices right after it, else `positional` (offsets are in `arguments`)."""
    cursor = min(max(cursor, 0), len(arguments))
    start = cursor
    while start > 0 and not arguments[start - 1].isspace():
        start -= 1
    typed = arguments[start:cursor]
    words_before = arguments[:start].split()
    previous = next((option for option in options if words_before and option.name == words_before[-1]), None)
    if previous is not None and previous.takes_value:
        suggestions = [Suggestion(choice, "enum", previous.name, "") for choice in previous.choices]
    elif typed.startswith("-"):
        suggestions = [Suggestion(option.name, "option", "", option.help) for option in options]
    else:
        suggestions = list(positional)
    return Completions(start, cursor, _rank(suggestions, typed))


# --- tokens -----------------------------------------------------------------------------------------------

_NAME_START = frozenset("_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_NAME_CONTINUE = _NAME_START | _DIGITS
_NUMBER_CONTINUE = _NAME_CONTINUE | frozenset(".+-")
_PUNCTUATORS = frozenset("!$&()[]{}:=@|")
_IGNORED = frozenset(" \t\r\n,\ufeff")
_OPENERS = frozenset("([{")
_CLOSERS = frozenset(")]}")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "name" | "punct" | "number" | "string" | "comment" | "other"
    value: str  # the text for names, punctuators and stray characters; "" for strings and comments
    start: int
    end: int
    closed: bool = True  # False for a string whose closing quote is missing


def _tokenize(text: str) -> list[_Token]:
    """GraphQL lexical tokens that never fail: an unfinished string ends at its line (block string: at the end)."""
    tokens: list[_Token] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        start = index
        if char in _IGNORED:
            index += 1
            continue
        if char == "#":
            index = _line_end(text, index)
            tokens.append(_Token("comment", "", start, index))
        elif char in _NAME_START:
            index += 1
            while index < length and text[index] in _NAME_CONTINUE:
                index += 1
            tokens.append(_Token("name", text[start:index], start, index))
        elif char in _DIGITS or char == "-":
            index += 1
            while index < length and text[index] in _NUMBER_CONTINUE:
                index += 1
            tokens.append(_Token("number", text[start:index], start, index))
        elif text.startswith('"""', index):
            close = text.find('"""', index + 3)
            while close != -1 and text[close - 1] == "\\":
                close = text.find('"""', close + 1)
            index = length if close == -1 else close + 3
            tokens.append(_Token("string", "", start, index, closed=close != -1))
        elif char == '"':
            index, closed = _string_end(text, index + 1)
            tokens.append(_Token("string", "", start, index, closed=closed))
        elif text.startswith("...", index):
            index += 3
            tokens.append(_Token("punct", "...", start, index))
        else:
            index += 1
            tokens.append(_Token("punct" if char in _PUNCTUATORS else "other", char, start, index))
    return tokens


def _line_end(text: str, index: int) -> int:
    length = len(text)
    while index < length and text[index] not in "\r\n":
        index += 1
    return index


def _string_end(text: str, index: int) -> tuple[int, bool]:
    """End of a one-line string whose content starts at `index`, and whether its closing quote is there."""
    length = len(text)
    while index < length:
        char = text[index]
        if char == '"':
            return index + 1, True
        if char in "\r\n":
            return index, False
        index += 2 if char == "\\" else 1
    return length, False


def _replaced_token_start(text: str, cursor: int) -> int | None:
    """Start of the name (or `$name`) that ends at the cursor; None when the cursor is inside a number."""
    start = cursor
    while start > 0 and text[start - 1] in _NAME_CONTINUE:
        start -= 1
    if start < cursor and text[start] in _DIGITS:
        return None
    if start > 0 and text[start - 1] == "$":
        start -= 1
    return start


def _inside_string_or_comment(tokens: Sequence[_Token], cursor: int) -> bool:
    last = None
    for token in tokens:
        if token.start >= cursor:
            break
        last = token
    if last is None:
        return False
    if last.kind == "comment":
        return cursor <= last.end
    if last.kind == "string":
        return cursor < last.end or (not last.closed and cursor == last.end)
    return False


def _fragment_conditions(tokens: Sequence[_Token]) -> dict[str, str]:
    """Fragment name -> type-condition name for each `fragment X on T` at the top level of the document."""
    conditions: dict[str, str] = {}
    depth = 0
    for index, token in enumerate(tokens):
        if token.value == "{":
            depth += 1
        elif token.value == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and token.kind == "name" and token.value == "fragment":
            header = tokens[index + 1 : index + 4]
            if len(header) == 3 and all(part.kind == "name" for part in header) and header[1].value == "on":
                conditions[header[0].value] = header[2].value
    return conditions


def _keys_ahead(tokens: Sequence[_Token]) -> set[str]:
    """Names followed by `:` at the current nesting level, up to the bracket that closes it."""
    keys: set[str] = set()
    depth = 0
    for index, token in enumerate(tokens):
        if token.kind == "punct" and token.value in _OPENERS:
            depth += 1
        elif token.kind == "punct" and token.value in _CLOSERS:
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and token.kind == "name" and index + 1 < len(tokens) and tokens[index + 1].value == ":":
            keys.add(token.value)
    return keys


# --- the walk ---------------------------------------------------------------------------------------------

_Entry = GraphQLArgument | GraphQLInputField
_OPERATIONS = {
    "query": DirectiveLocation.QUERY,
    "mutation": DirectiveLocation.MUTATION,
    "subscription": DirectiveLocation.SUBSCRIPTION,
}


@dataclass(frozen=True)
class _Variable:
    """A variable declared in the operation header: its input type (None if unknown) and whether it has a
    default value (which lets a nullable variable fill a non-null argument)."""

    type: Any
    has_default: bool


class _Walker:
    """Feeds tokens to the frame on top of the stack; closing brackets pop back to the frame they close."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, str], following: list[_Token]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.following = following  # the tokens after the cursor
        self.variables: dict[str, _Variable] = {}  # the current operation's declared variables
        self.stack: list[_Frame] = [_Document()]
        self.open_frames = {closer: 0 for closer in _CLOSERS}  # keeps popping linear in the text length

    def push(self, frame: _Frame) -> None:
        self.stack.append(frame)
        self.open_frames[frame.closer] += 1

    def pop(self) -> None:
        frame = self.stack.pop()
        self.open_frames[frame.closer] -= 1
        frame.close(self)

    def feed(self, token: _Token) -> None:
        top = self.stack[-1]
        if token.kind == "punct" and token.value in _CLOSERS and not top.claims(token):
            if self.open_frames[token.value]:
                while self.stack[-1].closer != token.value:
                    self.pop()
                self.pop()
            return
        top.feed(token, self)


class _Frame:
    closer = ""

    def claims(self, token: _Token) -> bool:
        """Whether a closing bracket belongs to this frame's own syntax rather than closing a frame."""
        return False

    def close(self, walker: _Walker) -> None:
        """Called when the frame is popped."""

    def feed(self, token: _Token, walker: _Walker) -> None:
        raise NotImplementedError

    def suggest(self, walker: _Walker) -> list[Suggestion]:
        raise NotImplementedError


class _Document(_Frame):
    """Top level: definitions and their headers (`query Name($v: T) @dir {`, `fragment F on T {`)."""

    def __init__(self) -> None:
        self.expect = "definition"
        self.body_type: GraphQLNamedType | None = None
        self.location = DirectiveLocation.QUERY
        self.resume = "definition"
        self.arguments: Mapping[str, _Entry] | None = None

    def feed(self, token: _Token, walker: _Walker) -> None:
        arguments, self.arguments = self.arguments, None
        if token.value == "{":
            if self.expect == "definition":
                walker.variables = {}
                self.body_type = walker.schema.query_type
            walker.push(_SelectionSet(self.body_type))
            self.expect, self.body_type = "definition", None
        elif token.value == "(":
            if arguments is None and self.expect == "operation":
                walker.push(_VariableDefinitions())
            else:
                walker.push(_Entries(")", arguments, "argument"))
        elif token.value == "@" and self.expect != "definition":
            if self.expect != "directive":
                self.resume = self.expect
            self.expect = "directive"
        elif token.kind == "name":
            self._name(token.value, walker)

    def _name(self, name: str, walker: _Walker) -> None:
        schema = walker.schema
        if self.expect == "definition" and name in _OPERATIONS:
            walker.variables = {}
            self.expect, self.location = "operation", _OPERATIONS[name]
            self.body_type = _root_type(schema, name)
        elif self.expect == "definition" and name == "fragment":
            walker.variables = {}
            self.expect, self.location = "fragment_name", DirectiveLocation.FRAGMENT_DEFINITION
            self.body_type = None
        elif self.expect == "fragment_name":
            self.expect = "fragment_on"
        elif self.expect == "fragment_on" and name == "on":
            self.expect = "fragment_type"
        elif self.expect == "fragment_type":
            self.expect, self.body_type = "fragment_header", schema.get_type(name)
        elif self.expect == "directive":
            directive = schema.get_directive(name)
            self.arguments = directive.args if directive else {}
            self.expect = self.resume

    def suggest(self, walker: _Walker) -> list[Suggestion]:
        schema = walker.schema
        if self.expect == "definition":
            return _keyword_suggestions(schema)
        if self.expect == "fragment_on":
            return [Suggestion("on", "keyword", "", "")]
        if self.expect == "fragment_type":
            return _composite_type_suggestions(schema, None)
        if self.expect == "directive":
            return _directive_suggestions(schema, self.location)
        return []


class _SelectionSet(_Frame):
    """`{ ... }` of a field, an operation, a fragment or an inline fragment on `parent`."""

    closer = "}"

    def __init__(self, parent: GraphQLNamedType | None) -> None:
        self.parent = parent
        self.expect = "selection"  # or "alias_target", "spread", "spread_on", "directive"
        self.after_field_name = False  # a `:` now makes the previous name an alias
        self.arguments: Mapping[str, _Entry] | None = None  # what a `(` now gives arguments to
        self.opens: GraphQLNamedType | None = None  # the type a `{` now opens a selection set on
        self.location = DirectiveLocation.FIELD

    def feed(self, token: _Token, walker: _Walker) -> None:
        after_field_name, self.after_field_name = self.after_field_name, False
        arguments, self.arguments = self.arguments, None
        if self.expect != "selection":
            expected, self.expect = self.expect, "selection"
            if token.kind == "name":
                self._complete_construct(expected, token.value, walker.schema)
                return
        if token.kind == "name":
            self._select_field(token.value, walker.schema)
            self.after_field_name = True
        elif token.value == ":" and after_field_name:
            self.expect = "alias_target"
        elif token.value == "(":
            walker.push(_Entries(")", arguments, "argument"))
        elif token.value == "{":
            walker.push(_SelectionSet(self.opens))
            self.opens = None
        elif token.value == "...":
            self.expect, self.opens, self.location = "spread", self.parent, DirectiveLocation.INLINE_FRAGMENT
        elif token.value == "@":
            self.expect = "directive"

    def _complete_construct(self, expected: str, name: str, schema: GraphQLSchema) -> None:
        """The name after `alias:`, `...`, `... on` or `@`."""
        if expected == "alias_target":
            self._select_field(name, schema)
        elif expected == "spread" and name == "on":
            self.expect = "spread_on"
        elif expected == "spread":
            self.opens, self.location = None, DirectiveLocation.FRAGMENT_SPREAD
        elif expected == "spread_on":
            self.opens = schema.get_type(name)
        elif expected == "directive":
            directive = schema.get_directive(name)
            self.arguments = directive.args if directive else {}

    def _select_field(self, name: str, schema: GraphQLSchema) -> None:
        field = _field_definition(schema, self.parent, name)
        self.arguments = field.args if field else None
        self.opens = get_named_type(field.type) if field else None
        self.location = DirectiveLocation.FIELD

    def suggest(self, walker: _Walker) -> list[Suggestion]:
        schema = walker.schema
        if self.expect == "selection":
            return _field_suggestions(schema, self.parent) + _inline_fragment_suggestions(schema, self.parent)
        if self.expect == "alias_target":
            return _field_suggestions(schema, self.parent)
        if self.expect == "spread":
            return [*_fragment_suggestions(schema, self.parent, walker.fragments), Suggestion("on", "keyword", "", "")]
        if self.expect == "spread_on":
            return _composite_type_suggestions(schema, self.parent)
        return _directive_suggestions(schema, self.location)


class _Entries(_Frame):
    """`name: value` pairs: a field's or directive's arguments `( )`, or an input object value `{ }`."""

    def __init__(self, closer: str, entries: Mapping[str, _Entry] | None, kind: str) -> None:
        self.closer = closer
        self.entries = entries
        self.kind = kind  # the Suggestion kind of an entry name
        self.given: set[str] = set()
        self.expect = "key"  # or "colon", "value", "variable"
        self.location: GraphQLType | None = None  # the type the current value must have

    def feed(self, token: _Token, walker: _Walker) -> None:
        if self.expect == "value":
            self.expect = "key"
            if token.value == "$":
                self.expect = "variable"
            elif token.value == "{":
                walker.push(_input_object(self.location))
            elif token.value == "[":
                walker.push(_ListValue(_list_item_type(self.location)))
        elif self.expect == "variable":
            self.expect = "key"
        elif token.kind == "name":
            self.given.add(token.value)
            entry = self.entries.get(token.value) if self.entries else None
            self.location = entry.type if entry else None
            self.expect = "colon"
        elif token.value == ":" and self.expect == "colon":
            self.expect = "value"
        elif token.value == "{":
            walker.push(_Entries("}", None, "field"))
        elif token.value == "[":
            walker.push(_ListValue(None))

    def suggest(self, walker: _Walker) -> list[Suggestion]:
        if self.expect == "value":
            return _value_suggestions(walker.schema, self.location, walker.variables)
        if self.expect != "key" or not self.entries:
            return []
        taken = self.given | _keys_ahead(walker.following)
        return [
            Suggestion(name, self.kind, str(entry.type), entry.description or "")
            for name, entry in self.entries.items()
            if name not in taken
        ]


class _ListValue(_Frame):
    """`[ ... ]` whose items have type `item`."""

    closer = "]"

    def __init__(self, item: GraphQLType | None) -> None:
        self.item = item

    def feed(self, token: _Token, walker: _Walker) -> None:
        if token.value == "{":
            walker.push(_input_object(self.item))
        elif token.value == "[":
            walker.push(_ListValue(_list_item_type(self.item)))

    def suggest(self, walker: _Walker) -> list[Suggestion]:
        return _value_suggestions(walker.schema, self.item, walker.variables)


class _VariableDefinitions(_Frame):
    """`($name: Type = default @directive, ...)` of an operation; records the variables on the walker."""

    closer = ")"

    def __init__(self) -> None:
        self.expect = "variable"  # or "name", "colon", "type", "type_rest", "default", "directive", "done"
        self.name: str | None = None
        self.type_parts: list[str] = []
        self.type: Any = None  # the resolved type, known once `=` is reached
        self.has_default = False
        self.arguments: Mapping[str, _Entry] | None = None

    def claims(self, token: _Token) -> bool:
        return token.value == "]" and self.expect in ("type", "type_rest")

    def close(self, walker: _Walker) -> None:
        if self.name is not None:
            declared = _resolve_input_type(walker.schema, self.type_parts)
            walker.variables[self.name] = _Variable(declared, self.has_default)
        self.name, self.type_parts, self.has_default = None, [], False

    def feed(self, token: _Token, walker: _Walker) -> None:
        arguments, self.arguments = self.arguments, None
        value, is_name = token.value, token.kind == "name"
        if value == "$":
            self.close(walker)
            self.expect = "name"
        elif value == "(" and arguments is not None:
            walker.push(_Entries(")", arguments, "argument"))
        elif value == "{" and self.expect != "default":
            walker.pop()  # a missing `)`: the operation's selection set begins
            walker.feed(token)
        elif self.expect == "name" and is_name:
            self.name, self.expect = value, "colon"
            walker.variables[value] = _Variable(None, False)
        elif self.expect == "colon" and value == ":":
            self.expect = "type"
        elif self.expect in ("type", "type_rest"):
            self._type_token(token, walker)
        elif self.expect == "default":
            self.expect = "done"
            if value == "{":
                walker.push(_input_object(self.type))
            elif value == "[":
                walker.push(_ListValue(_list_item_type(self.type)))
        elif self.expect == "directive" and is_name:
            directive = walker.schema.get_directive(value)
            self.arguments = directive.args if directive else {}
            self.expect = "done"
        elif value == "@":
            self.expect = "directive"

    def _type_token(self, token: _Token, walker: _Walker) -> None:
        if token.value == "=":
            self.type = _resolve_input_type(walker.schema, self.type_parts)
            self.expect, self.has_default = "default", True
        elif token.value == "@":
            self.expect = "directive"
        elif token.value == "[" or (token.kind == "name" and self.expect == "type"):
            self.type_parts.append(token.value)
            self.expect = "type" if token.value == "[" else "type_rest"
        elif token.value in ("]", "!"):
            self.type_parts.append(token.value)
            self.expect = "type_rest"

    def suggest(self, walker: _Walker) -> list[Suggestion]:
        if self.expect == "type":
            return _input_type_suggestions(walker.schema)
        if self.expect == "default":
            return _value_suggestions(walker.schema, self.type, {})
        if self.expect == "directive":
            return _directive_suggestions(walker.schema, DirectiveLocation.VARIABLE_DEFINITION)
        return []


# --- schema lookups ---------------------------------------------------------------------------------------


def _root_type(schema: GraphQLSchema, operation: str) -> GraphQLObjectType | None:
    if operation == "mutation":
        return schema.mutation_type
    if operation == "subscription":
        return schema.subscription_type
    return schema.query_type


def _field_definition(schema: GraphQLSchema, parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if name == "__typename" and is_composite_type(parent):
        return TypeNameMetaFieldDef
    if parent is not None and parent is schema.query_type and name in ("__schema", "__type"):
        return SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None


def _input_object(location: GraphQLType | None) -> _Entries:
    named = get_named_type(location)
    return _Entries("}", named.fields if isinstance(named, GraphQLInputObjectType) else None, "field")


def _list_item_type(location: GraphQLType | None) -> GraphQLType | None:
    nullable = get_nullable_type(location)
    return nullable.of_type if is_list_type(nullable) else None


def _resolve_input_type(schema: GraphQLSchema, parts: list[str]) -> Any:
    """The input type spelled by `parts` (e.g. `[`, `RunSortEnum`, `!`, `]`), or None if it is not one."""
    if not parts or len(parts) > 64:  # deeper nesting is no real type and would only recurse
        return None
    try:
        resolved = type_from_ast(schema, parse_type(" ".join(parts)))
    except GraphQLError:
        return None
    return resolved if resolved is not None and is_input_type(resolved) else None


# --- suggestions ------------------------------------------------------------------------------------------


def _keyword_suggestions(schema: GraphQLSchema) -> list[Suggestion]:
    keywords = [
        Suggestion(keyword, "keyword", root.name, root.description or "")
        for keyword in _OPERATIONS
        if (root := _root_type(schema, keyword)) is not None
    ]
    return [*keywords, Suggestion("fragment", "keyword", "", "")]


def _field_suggestions(schema: GraphQLSchema, parent: GraphQLNamedType | None) -> list[Suggestion]:
    if not is_composite_type(parent):
        return []
    suggestions = []
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        suggestions = [
            Suggestion(name, "field", str(field.type), field.description or "") for name, field in parent.fields.items()
        ]
    meta_fields = {"__typename": TypeNameMetaFieldDef}
    if parent is schema.query_type:
        meta_fields |= {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}
    suggestions += [
        Suggestion(name, "field", str(field.type), field.description or "") for name, field in meta_fields.items()
    ]
    return suggestions


def _inline_fragment_suggestions(schema: GraphQLSchema, parent: GraphQLNamedType | None) -> list[Suggestion]:
    if not is_abstract_type(parent):
        return []
    return [
        Suggestion(f"... on {possible.name}", "type", possible.name, possible.description or "")
        for possible in schema.get_possible_types(parent)
    ]


def _fragment_suggestions(
    schema: GraphQLSchema, parent: GraphQLNamedType | None, fragments: dict[str, str]
) -> list[Suggestion]:
    suggestions = []
    for name, condition_name in fragments.items():
        condition = schema.get_type(condition_name)
        overlap_known = is_composite_type(condition) and is_composite_type(parent)
        if overlap_known and not do_types_overlap(schema, condition, parent):
            continue
        description = condition.description if condition is not None else None
        suggestions.append(Suggestion(name, "type", condition_name, description or ""))
    return suggestions


def _composite_type_suggestions(schema: GraphQLSchema, within: GraphQLNamedType | None) -> list[Suggestion]:
    """Object, interface and union types; only those that can overlap `within` when it is a composite type."""
    return [
        Suggestion(name, "type", type_kind(named), named.description or "")
        for name, named in schema.type_map.items()
        if not name.startswith("__")
        and is_composite_type(named)
        and (not is_composite_type(within) or do_types_overlap(schema, named, within))
    ]


def _input_type_suggestions(schema: GraphQLSchema) -> list[Suggestion]:
    return [
        Suggestion(name, "type", type_kind(named), named.description or "")
        for name, named in schema.type_map.items()
        if not name.startswith("__") and is_input_type(named)
    ]


def _directive_suggestions(schema: GraphQLSchema, location: DirectiveLocation) -> list[Suggestion]:
    return [
        Suggestion(directive.name, "directive", _directive_signature(directive), directive.description or "")
        for directive in schema.directives
        if location in directive.locations
    ]


def _directive_signature(directive: GraphQLDirective) -> str:
    arguments = ", ".join(f"{name}: {argument.type}" for name, argument in directive.args.items())
    return f"@{directive.name}({arguments})" if arguments else f"@{directive.name}"


def _value_suggestions(
    schema: GraphQLSchema, location: GraphQLType | None, variables: Mapping[str, _Variable]
) -> list[Suggestion]:
    """Literal values that fit `location` (enum values, true/false) and the declared variables that do."""
    if location is None:
        return []
    named = get_named_type(location)
    suggestions = []
    if isinstance(named, GraphQLEnumType):
        suggestions = [
            Suggestion(name, "enum", named.name, value.description or "") for name, value in named.values.items()
        ]
    elif named.name == "Boolean":
        suggestions = [Suggestion(word, "keyword", "Boolean", "") for word in ("true", "false")]
    suggestions += [
        Suggestion(f"${name}", "variable", str(variable.type), "")
        for name, variable in variables.items()
        if _variable_fits(schema, variable, location)
    ]
    return suggestions


def _variable_fits(schema: GraphQLSchema, variable: _Variable, location: GraphQLType) -> bool:
    """The spec's "variable usage is allowed": a subtype, or nullable with a default in a non-null spot."""
    if variable.type is None:
        return False
    if is_non_null_type(location) and not is_non_null_type(variable.type):
        return variable.has_default and is_type_sub_type_of(schema, variable.type, location.of_type)
    return is_type_sub_type_of(schema, variable.type, location)


def _rank(suggestions: list[Suggestion], prefix: str) -> list[Suggestion]:
    """Keep those starting with `prefix` (any case): same-case matches first, meta entries last, then A-Z."""
    lowered = prefix.lower()
    unique: dict[str, Suggestion] = {}
    for suggestion in suggestions:
        if suggestion.text.lower().startswith(lowered):
            unique.setdefault(suggestion.text, suggestion)
    return sorted(
        unique.values(),
        key=lambda s: (not s.text.startswith(prefix), s.text.startswith(("__", "...")), s.text.lower(), s.text),
    )
