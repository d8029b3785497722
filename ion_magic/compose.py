"""A cell (or a saved operation) with the library fragments it spreads: the complete document to plan.

The operation's own text comes first, then the library fragments it uses (only those, with the ones they use
in turn). Each part keeps its own line numbers (`Segment`), so an error points into the cell or into the file
it comes from. Pure: no IPython.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    Node,
    NoUnusedFragmentsRule,
    Visitor,
    parse,
    specified_rules,
    validate,
    visit,
)

from .cell import MAX_TOKENS
from .errors import IonError, IonValidationError, point_at
from .library_files import SUFFIX, LibraryFile, LibraryFragment, SavedOperation, display_path, fragments_of

# A library fragment is validated where it is used; one no cell uses yet is not an error.
LIBRARY_RULES = tuple(rule for rule in specified_rules if rule is not NoUnusedFragmentsRule)


@dataclass(frozen=True)
class Segment:
    """Lines `start` .. `start + lines - 1` of a composed text are lines `first_line` .. of `source`, the text
    of the file at `path` (None: the cell)."""

    start: int
    lines: int
    first_line: int
    source: str
    path: Path | None


@dataclass(frozen=True)
class ComposedDocument:
    """The complete document to plan, where each of its lines comes from, and notes for the user."""

    text: str
    segments: tuple[Segment, ...]
    notes: tuple[str, ...] = ()

    def describe_error(self, message: str, error: GraphQLError, line_offset: int) -> str:
        """`message` with the cell line or the file, line and column of the error's first location."""
        if not error.locations:
            return message
        line, column = error.locations[0].line, error.locations[0].column
        segment = next((s for s in self.segments if s.start <= line < s.start + s.lines), None)
        if segment is None:
            return message
        origin_line = segment.first_line + line - segment.start
        if segment.path is None:
            pointer = point_at(segment.source, origin_line, column, line_offset=line_offset)
        else:
            pointer = point_at(segment.source, origin_line, column, file=display_path(segment.path))
        return f"{message}\n{pointer}" if pointer else message


class Composer:
    """Composes documents from the files of one folder."""

    def __init__(self, folder: Path, files: list[LibraryFile]) -> None:
        self.folder = folder
        self.files = files

    def compose_cell(
        self, source: str, schema: GraphQLSchema | None, *, line_offset: int = 1, check: bool = False
    ) -> ComposedDocument:
        """The cell's text with the library fragments it spreads appended. A cell that does not parse comes
        back as it is (the pipeline reports it). `check`: validate even when no library fragment is used."""
        cell_segment = Segment(1, source.count("\n") + 1, 1, source, None)
        try:
            document = parse(source, max_tokens=MAX_TOKENS)
        except (GraphQLSyntaxError, RecursionError):
            return ComposedDocument(source, (cell_segment,))
        own = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        pending = [(spread, cell_segment) for definition in document.definitions for spread in _spreads(definition)]
        return self._compose(source, cell_segment, own, pending, schema, line_offset, check, origin="the cell")

    def compose_saved(self, saved: SavedOperation, schema: GraphQLSchema | None) -> ComposedDocument:
        """The saved operation with the fragments it uses: its own file's first, then the library's."""
        own = saved.file.fragments
        used = _closure(saved.node, own)
        text, first_line = _keep_only(saved.file.source, [saved.node, *(own[name] for name in used)])
        segment = Segment(1, text.count("\n") + 1, first_line, saved.file.source, saved.file.path)
        kept = {name: own[name] for name in used}
        pending = [(spread, segment) for node in (saved.node, *kept.values()) for spread in _spreads(node)]
        return self._compose(
            text, segment, kept, pending, schema, 0, True, origin=display_path(saved.file.path), exclude=saved.file.path
        )

    def _compose(
        self,
        own_text: str,
        own_segment: Segment,
        own: dict[str, FragmentDefinitionNode],
        pending: list[tuple[FragmentSpreadNode, Segment]],
        schema: GraphQLSchema | None,
        line_offset: int,
        check: bool,
        *,
        origin: str,
        exclude: Path | None = None,
    ) -> ComposedDocument:
        external = [(spread, segment) for spread, segment in pending if spread.name.value not in own]
        notes = self._shadow_notes(own, origin, exclude) if own and self.folder.is_dir() else ()
        if not external:
            composed = ComposedDocument(own_text, (own_segment,), notes)
            return self._checked(composed, schema, line_offset) if check else composed
        library = self._library_fragments(exclude)
        used: dict[str, LibraryFragment] = {}
        while external:
            spread, segment = external.pop()
            name = spread.name.value
            if name in used or name in own:
                continue
            found = library.get(name, [])
            if len(found) != 1:
                raise self._unresolved(spread, segment, found, library, line_offset)
            used[name] = found[0]
            file_segment = Segment(0, 0, 1, found[0].file.source, found[0].file.path)
            external.extend((inner, file_segment) for inner in _spreads(found[0].node))
        parts, segments, start = [own_text], [own_segment], own_segment.lines + 1
        for file in _files_in_order(used.values()):
            text, first_line = _keep_only(file.source, [f.node for f in used.values() if f.file is file])
            lines = text.count("\n") + 1
            parts.append(text)
            segments.append(Segment(start, lines, first_line, file.source, file.path))
            start += lines
        composed = ComposedDocument("\n".join(parts), tuple(segments), notes)
        return self._checked(composed, schema, line_offset)

    def _library_fragments(self, exclude: Path | None) -> dict[str, list[LibraryFragment]]:
        for file in self.files:
            if file.path != exclude:
                file.require_document()
        by_name: dict[str, list[LibraryFragment]] = {}
        for fragment in fragments_of(self.files):
            if fragment.file.path != exclude:
                by_name.setdefault(fragment.name, []).append(fragment)
        return by_name

    def _shadow_notes(
        self, own: dict[str, FragmentDefinitionNode], origin: str, exclude: Path | None
    ) -> tuple[str, ...]:
        notes = []
        for fragment in fragments_of(self.files):
            if fragment.name in own and fragment.file.path != exclude:
                notes.append(
                    f"Note: fragment {fragment.name} is defined in {origin} and in "
                    f"{display_path(fragment.file.path)}; the one in {origin} is used."
                )
        return tuple(notes)

    def _unresolved(
        self,
        spread: FragmentSpreadNode,
        segment: Segment,
        found: Sequence[LibraryFragment],
        library: dict[str, list[LibraryFragment]],
        line_offset: int,
    ) -> IonError:
        name = spread.name.value
        if found:
            files = ", ".join(display_path(fragment.file.path) for fragment in found)
            message = (
                f"Fragment {name} is defined in several files of the operations folder ({files}): keep one, "
                "or define it in the cell (the cell's own definition wins)."
            )
        else:
            close = difflib.get_close_matches(name, list(library), n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            message = (
                f"Unknown fragment {name}: it is not defined in the cell nor in any {SUFFIX} file of "
                f"{display_path(self.folder)}.{hint}"
            )
        location = spread.loc.source.get_location(spread.loc.start) if spread.loc else None
        if location is not None:
            if segment.path is None:
                pointer = point_at(segment.source, location.line, location.column, line_offset=line_offset)
            else:
                pointer = point_at(segment.source, location.line, location.column, file=display_path(segment.path))
            message = f"{message}\n{pointer}" if pointer else message
        return IonValidationError(message)

    @staticmethod
    def _checked(composed: ComposedDocument, schema: GraphQLSchema | None, line_offset: int) -> ComposedDocument:
        """Validate the composed text here, where each error can be traced to the cell or its file."""
        if schema is None:
            return composed
        try:
            errors = validate(schema, parse(composed.text), LIBRARY_RULES)
        except RecursionError:
            raise IonValidationError("The operation is nested too deeply to validate.") from None
        if errors:
            shown = [composed.describe_error(error.message, error, line_offset) for error in errors[:3]]
            more = f"\n(and {len(errors) - 3} more)" if len(errors) > 3 else ""
            raise IonValidationError("\n".join(shown) + more)
        return composed


class _SpreadCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.spreads: list[FragmentSpreadNode] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.spreads.append(node)


def _spreads(node: Node) -> list[FragmentSpreadNode]:
    collector = _SpreadCollector()
    visit(node, collector)
    return collector.spreads


def _closure(node: Node, fragments: dict[str, FragmentDefinitionNode]) -> list[str]:
    """The names of `fragments` that `node` uses, directly or through each other, in the file's order."""
    found: set[str] = set()
    pending = [node]
    while pending:
        for spread in _spreads(pending.pop()):
            name = spread.name.value
            if name in fragments and name not in found:
                found.add(name)
                pending.append(fragments[name])
    return [name for name in fragments if name in found]


def _keep_only(source: str, nodes: Iterable[Node]) -> tuple[str, int]:
    """`source` with everything but `nodes` blanked (newlines kept, so each keeps its line and column),
    without the blank lines around; and the source line the result starts at."""
    kept = ["\n" if char == "\n" else " " for char in source]
    for node in nodes:
        if node.loc is not None:  # parsed with locations: always
            kept[node.loc.start : node.loc.end] = source[node.loc.start : node.loc.end]
    lines = "".join(kept).split("\n")
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return "\n".join(lines[filled[0] : filled[-1] + 1]), filled[0] + 1


def _files_in_order(fragments: Iterable[LibraryFragment]) -> list[LibraryFile]:
    files: dict[Path, LibraryFile] = {}
    for fragment in fragments:
        files.setdefault(fragment.file.path, fragment.file)
    return [files[path] for path in sorted(files)]
