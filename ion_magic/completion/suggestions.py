"""What completion offers: the `Suggestion` and `Completions` records, their ranking, and the lists of
names the schema allows in each place of a GraphQL document (fields, types, directives, values)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from graphql import (
    DirectiveLocation,
    GraphQLDirective,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    OperationType,
    SchemaMetaFieldDef,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    do_types_overlap,
    get_named_type,
    is_abstract_type,
    is_composite_type,
    is_non_null_type,
    is_type_sub_type_of,
)

from ..schema_docs import type_kind

SuggestionKind = Literal["field", "argument", "enum", "variable", "type", "keyword", "directive", "option"]


@dataclass(frozen=True)
class Suggestion:
    text: str  # what to insert, e.g. "partNumber", "first", "AVAILABLE", "$filters"
    kind: SuggestionKind
    detail: str  # the GraphQL type, e.g. "String!", "[RunStep]", "PartInventoriesInputFilters"
    description: str  # the schema description ("" if none)


@dataclass(frozen=True)
class Completions:
    start: int  # offset in `text` where the replaced token starts
    end: int  # offset where it ends (the cursor)
    suggestions: list[Suggestion]  # filtered by the typed prefix, prefix matches first, then alphabetical


@dataclass(frozen=True)
class Variable:
    """A variable declared in the operation header: its input type (None if unknown) and whether it has a
    default value (which lets a nullable variable fill a non-null argument)."""

    type: GraphQLInputType | None
    has_default: bool


def rank(suggestions: list[Suggestion], prefix: str) -> list[Suggestion]:
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


def keyword_suggestions(schema: GraphQLSchema) -> list[Suggestion]:
    keywords = [
        Suggestion(operation.value, "keyword", root.name, root.description or "")
        for operation in OperationType
        if (root := schema.get_root_type(operation)) is not None
    ]
    return [*keywords, Suggestion("fragment", "keyword", "", "")]


def field_suggestions(schema: GraphQLSchema, parent: GraphQLNamedType | None) -> list[Suggestion]:
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


def inline_fragment_suggestions(schema: GraphQLSchema, parent: GraphQLNamedType | None) -> list[Suggestion]:
    if not is_abstract_type(parent):
        return []
    return [
        Suggestion(f"... on {possible.name}", "type", possible.name, possible.description or "")
        for possible in schema.get_possible_types(parent)
    ]


def fragment_suggestions(
    schema: GraphQLSchema, parent: GraphQLNamedType | None, fragments: Mapping[str, str]
) -> list[Suggestion]:
    suggestions = []
    for name, condition_name in fragments.items():
        condition = schema.get_type(condition_name)
        if (
            is_composite_type(condition)
            and is_composite_type(parent)
            and not do_types_overlap(schema, condition, parent)
        ):
            continue
        description = condition.description if condition is not None else None
        suggestions.append(Suggestion(name, "type", condition_name, description or ""))
    return suggestions


def composite_type_suggestions(schema: GraphQLSchema, within: GraphQLNamedType | None) -> list[Suggestion]:
    """Object, interface and union types; only those that can overlap `within` when it is a composite type."""
    return [
        Suggestion(name, "type", type_kind(named), named.description or "")
        for name, named in schema.type_map.items()
        if not name.startswith("__")
        and is_composite_type(named)
        and (not is_composite_type(within) or do_types_overlap(schema, named, within))
    ]


def input_type_suggestions(schema: GraphQLSchema) -> list[Suggestion]:
    """The named input types: scalars, enums and input objects."""
    return [
        Suggestion(name, "type", type_kind(named), named.description or "")
        for name, named in schema.type_map.items()
        if not name.startswith("__") and isinstance(named, GraphQLScalarType | GraphQLEnumType | GraphQLInputObjectType)
    ]


def directive_suggestions(schema: GraphQLSchema, location: DirectiveLocation) -> list[Suggestion]:
    return [
        Suggestion(directive.name, "directive", _directive_signature(directive), directive.description or "")
        for directive in schema.directives
        if location in directive.locations
    ]


def _directive_signature(directive: GraphQLDirective) -> str:
    arguments = ", ".join(f"{name}: {argument.type}" for name, argument in directive.args.items())
    return f"@{directive.name}({arguments})" if arguments else f"@{directive.name}"


def value_suggestions(
    schema: GraphQLSchema, location: GraphQLType | None, variables: Mapping[str, Variable]
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


def _variable_fits(schema: GraphQLSchema, variable: Variable, location: GraphQLType) -> bool:
    """The spec's "variable usage is allowed": a subtype, or nullable with a default in a non-null spot."""
    if variable.type is None:
        return False
    if is_non_null_type(location) and not is_non_null_type(variable.type):
        return variable.has_default and is_type_sub_type_of(schema, variable.type, location.of_type)
    return is_type_sub_type_of(schema, variable.type, location)
