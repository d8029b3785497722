"""Completion on the line of one of the magics: option names (read from each magic's argument parser), an
option's choices, and positional names (after `%ion_schema `: the schema's type and root field names)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

from graphql import GraphQLSchema

from ..schema_docs import public_types, root_fields, type_kind
from .suggestions import Completions, Suggestion, rank


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
            options.append(
                MagicOption(
                    name,
                    action.help or "",
                    takes_value=action.nargs != 0,
                    choices=tuple(str(choice) for choice in action.choices or ()),
                )
            )
    return options


def schema_name_suggestions(schema: GraphQLSchema) -> list[Suggestion]:
    """What `%ion_schema NAME` accepts: every type (kind "type") and every query and mutation ("field")."""
    suggestions = [
        Suggestion(named.name, "type", type_kind(named), named.description or "") for named in public_types(schema)
    ]
    suggestions += [
        Suggestion(root.name, "field", f"{root.qualified_name}: {root.field.type}", root.field.description or "")
        for root in root_fields(schema)
    ]
    return suggestions


def complete_magic_arguments(
    arguments: str, cursor: int, options: Sequence[MagicOption], positional: Sequence[Suggestion] = ()
) -> Completions:
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
    return Completions(start, cursor, rank(suggestions, typed))
