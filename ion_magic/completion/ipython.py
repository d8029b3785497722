"""IPython glue for completion: inside %%ion cells (`ion_cell` says which) it answers from
`document.complete_graphql`; on the line of one of our magics, from `magic_line.complete_magic_arguments`
(options from the magic's own parser, schema names after %ion_schema); after `%ion ` it offers the saved
operations' names. Elsewhere it stays silent. The completion engine loads at the first completion, so that
`%load_ext` stays fast."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..ion_cell import graphql_body_start

if TYPE_CHECKING:
    from graphql import GraphQLSchema
    from IPython.core.completer import MatcherAPIv2
    from IPython.core.interactiveshell import InteractiveShell

    from .suggestions import Completions

_MATCHER_ID = "ion_magic.completion.ipython.ion_cell_matcher"
_SAVED_NAME_MATCHER_ID = "ion_magic.completion.ipython.saved_name_matcher"
_SAVED_NAME_AT_CURSOR = re.compile(r"^\s*%ion\s+([\w-]*)$")  # the line up to the cursor: `%ion open_r`


def register_ipython_completer(
    shell: InteractiveShell,
    schema_provider: Callable[[], GraphQLSchema | None],
    magic_parsers: Mapping[str, argparse.ArgumentParser] | None = None,
    schema_name_magic: str | None = None,
) -> None:
    """Hook into IPython's completer: inside a cell starting with %%ion, completions come from
    complete_graphql (with the first line's offset taken into account); on a line starting with a magic of
    `magic_parsers` (keys as typed: "%ion_login", "%%ion"), its options, and after `schema_name_magic` the
    schema's names; elsewhere nothing changes.

    Registering again replaces the earlier hook, so reloading the extension does not stack matchers.
    """
    matchers = shell.Completer.custom_matchers
    matchers[:] = [matcher for matcher in matchers if getattr(matcher, "matcher_identifier", None) != _MATCHER_ID]
    matchers.append(_ion_cell_matcher(schema_provider, dict(magic_parsers or {}), schema_name_magic))


def _ion_cell_matcher(
    schema_provider: Callable[[], GraphQLSchema | None],
    magic_parsers: dict[str, argparse.ArgumentParser],
    schema_name_magic: str | None,
) -> MatcherAPIv2:
    from IPython.core.completer import CompletionContext, SimpleCompletion, SimpleMatcherResult, context_matcher

    def answer(completions: Completions, text: str, *, suppress: bool) -> SimpleMatcherResult:
        return SimpleMatcherResult(
            completions=[SimpleCompletion(s.text, type=s.kind) for s in completions.suggestions],
            matched_fragment=text[completions.start : completions.end],
            suppress=suppress,
            ordered=True,
        )

    def magic_line_matcher(context: CompletionContext) -> SimpleMatcherResult | None:
        found = _magic_arguments_at(context.full_text, context.cursor_line, context.cursor_position, magic_parsers)
        if found is None:
            return None
        magic, arguments, cursor = found
        from .magic_line import complete_magic_arguments, magic_options, schema_name_suggestions

        schema = schema_provider() if magic == schema_name_magic else None
        positional = schema_name_suggestions(schema) if schema is not None else []
        completions = complete_magic_arguments(arguments, cursor, magic_options(magic_parsers[magic]), positional)
        return answer(completions, arguments, suppress=bool(completions.suggestions))

    @context_matcher(priority=50, identifier=_MATCHER_ID)
    def ion_cell_matcher(context: CompletionContext) -> SimpleMatcherResult:
        nothing = SimpleMatcherResult(completions=[], suppress=False)
        on_magic_line = magic_line_matcher(context)
        if on_magic_line is not None:
            return on_magic_line
        body_start = graphql_body_start(context.full_text)
        if body_start is None:
            return nothing
        offset = _cursor_offset(context.full_text, context.cursor_line, context.cursor_position)
        if offset is None or offset < body_start:
            return nothing
        schema = schema_provider()
        if schema is None:
            return nothing
        from .document import complete_graphql

        body = context.full_text[body_start:]
        return answer(complete_graphql(schema, body, offset - body_start), body, suppress=True)

    return ion_cell_matcher


def _magic_arguments_at(
    full_text: str, cursor_line: int, cursor_position: int, magic_parsers: Mapping[str, argparse.ArgumentParser]
) -> tuple[str, str, int] | None:
    """(magic, the text after its name, the cursor in that text) when the cursor is past the name of one of
    `magic_parsers` on its line; a cell magic counts only on the cell's first line that is not blank."""
    lines = full_text.split("\n")
    if not 0 <= cursor_line < len(lines) or not 0 <= cursor_position <= len(lines[cursor_line]):
        return None
    line = lines[cursor_line]
    stripped = line.lstrip()
    magic = stripped.split(maxsplit=1)[0] if stripped else ""
    if magic not in magic_parsers:
        return None
    if magic.startswith("%%") and any(earlier.strip() for earlier in lines[:cursor_line]):
        return None
    name_end = len(line) - len(stripped) + len(magic)
    if cursor_position <= name_end:
        return None
    return magic, line[name_end:], cursor_position - name_end


def _cursor_offset(full_text: str, cursor_line: int, cursor_position: int) -> int | None:
    lines = full_text.split("\n")
    if not 0 <= cursor_line < len(lines) or not 0 <= cursor_position <= len(lines[cursor_line]):
        return None
    return sum(len(line) + 1 for line in lines[:cursor_line]) + cursor_position


def register_saved_name_completer(shell: InteractiveShell, names_provider: Callable[[], list[str]]) -> None:
    """Offer the saved operations' names (from `names_provider`) for the word after `%ion `.

    Registering again replaces the earlier hook.
    """
    from IPython.core.completer import CompletionContext, SimpleCompletion, SimpleMatcherResult, context_matcher

    @context_matcher(priority=50, identifier=_SAVED_NAME_MATCHER_ID)
    def saved_name_matcher(context: CompletionContext) -> SimpleMatcherResult:
        typed = _SAVED_NAME_AT_CURSOR.match(context.line_with_cursor[: context.cursor_position])
        if typed is None:
            return SimpleMatcherResult(completions=[], suppress=False)
        prefix = typed.group(1)
        names = [name for name in names_provider() if name.startswith(prefix)]
        return SimpleMatcherResult(
            completions=[SimpleCompletion(name, type="saved operation") for name in names],
            matched_fragment=prefix,
            suppress=bool(names),
        )

    matchers = shell.Completer.custom_matchers
    matchers[:] = [m for m in matchers if getattr(m, "matcher_identifier", None) != _SAVED_NAME_MATCHER_ID]
    matchers.append(saved_name_matcher)
