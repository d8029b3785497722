"""What `%ion_schema` shows: the roots, one type or root field found by name, a search; no IPython here.

Names are found case-insensitively, a miss suggests the closest names, and descriptions are shown whole,
wrapped to a readable width (a description's own line breaks and lists are kept).
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

WIDTH = 100  # characters per line of a wrapped description
_INDENT = "    "


class SchemaNameError(LookupError):
    """No type or root field has the asked name; the message says which names come closest."""


@dataclass(frozen=True)
class RootField:
    """A field of the Query or Mutation type, which a cell starts from."""

    root: str  # "Query" or "Mutation" (the root type's name)
    name: str
    field: GraphQLField

    @property
    def qualified_name(self) -> str:
        return f"{self.root}.{self.name}"


@dataclass(frozen=True)
class SearchHit:
    """One place a searched word occurs: a type, a field, an argument or an enum value."""

    kind: str  # "type" | "field" | "argument" | "input field" | "enum value"
    name: str  # qualified: "Run", "Run.status", "Query.runs(filters)", "RunStatus.HOLD"
    detail: str  # its GraphQL type, or the type's kind for a type
    description: str  # "" when the word is not in the description


def public_types(schema: GraphQLSchema) -> list[GraphQLNamedType]:
    """The schema's named types without the introspection types (`__Type`, ...), by name."""
    return sorted(
        (named for name, named in schema.type_map.items() if not name.startswith("__")), key=lambda named: named.name
    )


def root_fields(schema: GraphQLSchema) -> list[RootField]:
    """The queries, then the mutations, each by name."""
    found: list[RootField] = []
    for root in (schema.query_type, schema.mutation_type):
        if root is not None:
            found.extend(RootField(root.name, name, field) for name, field in sorted(root.fields.items()))
    return found


def lookup_names(schema: GraphQLSchema) -> list[str]:
    """Every name `%ion_schema NAME` accepts: type names and root field names (what completion offers)."""
    return sorted({named.name for named in public_types(schema)} | {root.name for root in root_fields(schema)})


# -- rendering ---------------------------------------------------------------------------------------------


def wrap_description(description: str | None, indent: str = _INDENT) -> list[str]:
    """The whole description, reflowed and wrapped at WIDTH: lines run on into one paragraph, while a blank
    line or a list item ("- ", "* ", "1. ") starts a new one; list items keep a hanging indent."""
    lines: list[str] = []
    for paragraph in _paragraphs(description or ""):
        if not paragraph:
            lines.append("")
            continue
        marker = _LIST_ITEM.match(paragraph)
        hanging = " " * len(marker.group(0)) if marker else ""
        lines.extend(
            textwrap.wrap(
                paragraph,
                WIDTH,
                initial_indent=indent,
                subsequent_indent=indent + hanging,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return lines


_LIST_ITEM = re.compile(r"(?:[-*]|\d+[.)])\s+")


def _paragraphs(text: str) -> list[str]:
    """Paragraphs and list items of a description whose source lines were wrapped by hand ("" between)."""
    paragraphs: list[str] = []
    continues = False
    for line in text.strip().splitlines():
        stripped = line.strip()
        if not stripped:
            paragraphs.append("")
            continues = False
        elif continues and not _LIST_ITEM.match(stripped):
            paragraphs[-1] += " " + stripped
        else:
            paragraphs.append(stripped)
            continues = True
    return paragraphs


def _entry(signature: str, description: str | None, indent: str = "  ") -> list[str]:
    return [indent + signature, *wrap_description(description, indent + _INDENT)]


def _signature(name: str, field: GraphQLField) -> str:
    arguments = ", ".join(f"{arg_name}: {arg.type}" for arg_name, arg in field.args.items())
    return f"{name}({arguments}): {field.type}" if arguments else f"{name}: {field.type}"


def type_kind(named: GraphQLNamedType) -> str:
    """The SDL keyword that defines a type of this kind: "object", "input", "enum", "union", ..."""
    if isinstance(named, GraphQLObjectType):
        return "object"
    if isinstance(named, GraphQLInterfaceType):
        return "interface"
    if isinstance(named, GraphQLUnionType):
        return "union"
    if isinstance(named, GraphQLEnumType):
        return "enum"
    if isinstance(named, GraphQLInputObjectType):
        return "input"
    return "scalar"


def describe_roots(schema: GraphQLSchema) -> str:
    """The queries and mutations the API offers, each with its whole description."""
    lines: list[str] = []
    for title, root in (("Queries", schema.query_type), ("Mutations", schema.mutation_type)):
        if root is None:
            continue
        lines.append(f"{title} ({len(root.fields)}):")
        for name, field in sorted(root.fields.items()):
            lines.extend(_entry(_signature(name, field), field.description))
    lines.append(
        "\n%ion_schema NAME shows a type or a root field (e.g. %ion_schema Run, %ion_schema runs); "
        "%ion_schema --search WORD searches names and descriptions."
    )
    return "\n".join(lines)


def describe_type(named: GraphQLNamedType) -> str:
    """One type: its fields with types and descriptions, its input fields, enum values or union members."""
    lines = [f"{type_kind(named)} {named.name}", *wrap_description(named.description, "  ")]
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        lines.append("fields:")
        for name, field in named.fields.items():
            lines.extend(_entry(_signature(name, field), field.description))
    elif isinstance(named, GraphQLInputObjectType):
        lines.append("input fields:")
        for name, input_field in named.fields.items():
            lines.extend(_entry(f"{name}: {input_field.type}", input_field.description))
    elif isinstance(named, GraphQLEnumType):
        lines.append("values:")
        for name, value in named.values.items():
            lines.extend(_entry(name, value.description))
    elif isinstance(named, GraphQLUnionType):
        lines.append("one of: " + ", ".join(member.name for member in named.types))
    return "\n".join(lines)


def describe_root_field(root_field: RootField) -> str:
    """One query or mutation: its signature, description, arguments and what it returns."""
    field = root_field.field
    kind = "mutation" if root_field.root != "Query" else "query"
    lines = [
        f"{kind} {root_field.root}.{_signature(root_field.name, field)}",
        *wrap_description(field.description, "  "),
    ]
    if field.args:
        lines.append("arguments:")
        for name, argument in field.args.items():
            lines.extend(_entry(f"{name}: {argument.type}", argument.description))
    lines.append(f"returns {field.type}: %ion_schema {get_named_type(field.type).name} shows it.")
    return "\n".join(lines)


# -- finding by name ---------------------------------------------------------------------------------------


def describe_name(schema: GraphQLSchema, name: str) -> str:
    """A type or a root field named `name` (exact case first, then any case); several when several match.

    Raises SchemaNameError with "Did you mean ..." when nothing has that name.
    """
    types = {named.name: named for named in public_types(schema)}
    roots = root_fields(schema)
    exact: list[GraphQLNamedType | RootField] = [types[name]] if name in types else []
    exact += [root for root in roots if root.name == name]
    matches = exact or [
        *(named for named in types.values() if named.name.lower() == name.lower()),
        *(root for root in roots if root.name.lower() == name.lower()),
    ]
    if not matches:
        raise SchemaNameError(_miss_message(name, [*types, *(root.name for root in roots)]))
    shown = [describe_root_field(match) if isinstance(match, RootField) else describe_type(match) for match in matches]
    return "\n\n".join(shown) + _also_named(schema, name, matches)


def _also_named(schema: GraphQLSchema, name: str, shown: list[GraphQLNamedType | RootField]) -> str:
    """A pointer to what differs only in case from what is shown (`run` the query, `Run` the type)."""
    shown_names = {match.qualified_name if isinstance(match, RootField) else match.name for match in shown}
    others = [
        named.name
        for named in public_types(schema)
        if named.name.lower() == name.lower() and named.name not in shown_names
    ]
    others += [
        root.qualified_name
        for root in root_fields(schema)
        if root.name.lower() == name.lower() and root.qualified_name not in shown_names
    ]
    if not others:
        return ""
    return "\n\nAlso: " + ", ".join(others) + " (%ion_schema NAME with that spelling)."


def _miss_message(name: str, names: list[str]) -> str:
    hint = ""
    close = _closest(name, names)
    if close:
        hint = f" Did you mean {' or '.join(repr(known) for known in close)}?"
    return (
        f"The schema has no type or root field named {name!r}.{hint} %ion_schema --search {name} "
        "looks in names and descriptions."
    )


def _closest(name: str, names: list[str], limit: int = 3) -> list[str]:
    """Up to `limit` names alike regardless of case (`Runn` -> `Run`), those alike in case too first."""

    def likeness(known: str) -> tuple[float, float]:
        return (
            difflib.SequenceMatcher(None, name.lower(), known.lower()).ratio(),
            difflib.SequenceMatcher(None, name, known).ratio(),
        )

    ranked = sorted(set(names), key=lambda known: (likeness(known), known), reverse=True)
    close = [known for known in ranked if likeness(known)[0] >= 0.6]
    return (close or [known for known in ranked if name.lower() in known.lower()])[:limit]


# -- search ------------------------------------------------------------------------------------------------


def search_schema(schema: GraphQLSchema, word: str) -> list[SearchHit]:
    """Every type, field, argument and enum value whose name or description contains `word` (any case)."""
    wanted = word.strip().lower()
    if not wanted:
        raise SchemaNameError("Give a word to search for, e.g. %ion_schema --search serial.")
    hits = []
    for kind, name, detail, description in _documented_things(schema):
        in_description = wanted in (description or "").lower()
        if wanted in name.lower() or in_description:
            hits.append(SearchHit(kind, name, detail, (description or "").strip() if in_description else ""))
    return hits


def _documented_things(schema: GraphQLSchema) -> Iterator[tuple[str, str, str, str | None]]:
    """(kind, qualified name, detail, description) of every documented thing in the schema."""
    for named in public_types(schema):
        yield "type", named.name, type_kind(named), named.description
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                yield "field", f"{named.name}.{field_name}", str(field.type), field.description
                yield from _arguments(f"{named.name}.{field_name}", field.args)
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                yield "input field", f"{named.name}.{field_name}", str(input_field.type), input_field.description
        elif isinstance(named, GraphQLEnumType):
            for value_name, value in named.values.items():
                yield "enum value", f"{named.name}.{value_name}", named.name, value.description


def _arguments(owner: str, arguments: dict[str, GraphQLArgument]) -> Iterator[tuple[str, str, str, str | None]]:
    for name, argument in arguments.items():
        yield "argument", f"{owner}({name})", str(argument.type), argument.description


def describe_search(hits: list[SearchHit], word: str) -> str:
    """The hits grouped by kind; a description is shown whole when it is where the word occurs."""
    if not hits:
        return f"Nothing in the schema's names or descriptions contains {word!r}."
    lines = [f"{len(hits)} place{'s' if len(hits) != 1 else ''} mention {word!r}:"]
    for kind in ("type", "field", "argument", "input field", "enum value"):
        of_kind = [hit for hit in hits if hit.kind == kind]
        if of_kind:
            lines.append(f"{kind}s:" if kind != "input field" else "input fields:")
            for hit in of_kind:
                lines.extend(_entry(f"{hit.name}: {hit.detail}", hit.description))
    return "\n".join(lines)
