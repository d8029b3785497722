"""The operations folder: saved GraphQL operations and a library of fragments, in plain `.graphql` files.

A cell (or a saved operation) may spread any fragment defined in the folder. `compose_cell` and
`compose_saved` return the complete document to plan: the operation's own text first, then the library
fragments it uses (only those, with the ones they use in turn). Each part keeps its own line numbers, so an
error points into the cell or into the file it comes from. Pure: no IPython.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    Node,
    NoUnusedFragmentsRule,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    specified_rules,
    validate,
    visit,
)

from .cell import MAX_TOKENS
from .errors import IonError, IonSyntaxError, IonValidationError, point_at

FOLDER_VARIABLE = "ION_OPERATIONS_DIR"
DEFAULT_FOLDER = "graphql"
SUFFIX = ".graphql"
SAVED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# A library fragment is validated where it is used; one no cell uses yet is not an error.
LIBRARY_RULES = tuple(rule for rule in specified_rules if rule is not NoUnusedFragmentsRule)


def default_operations_dir() -> str:
    """ION_OPERATIONS_DIR, else `graphql` (a relative folder is read under the working directory)."""
    return os.environ.get(FOLDER_VARIABLE) or DEFAULT_FOLDER


def is_saved_reference(text: str) -> bool:
    """True when `text` names a saved operation (or a .graphql file) rather than holding GraphQL."""
    text = text.strip()
    return bool(SAVED_NAME.fullmatch(text)) or (text.endswith(SUFFIX) and "{" not in text)


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it is under it (shorter in messages), else absolute."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


@dataclass(frozen=True)
class LibraryFile:
    """One `.graphql` file of the folder: its text and its parsed definitions (None: a syntax error)."""

    path: Path
    source: str
    document: DocumentNode | None
    syntax_error: str | None

    @classmethod
    def read(cls, path: Path) -> LibraryFile:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            return cls(path, "", None, f"{display_path(path)} cannot be read: {error}")
        try:
            return cls(path, source, parse(source, max_tokens=MAX_TOKENS), None)
        except GraphQLSyntaxError as error:
            return cls(path, source, None, _with_pointer(error.message, error, source, file=display_path(path)))
        except RecursionError:
            return cls(path, source, None, f"{display_path(path)} is nested too deeply to parse.")

    def require_document(self) -> DocumentNode:
        if self.document is None:
            raise IonSyntaxError(f"{self.syntax_error}\nFix {display_path(self.path)} (or move it out of the "
                                 "operations folder).")
        return self.document

    @property
    def operations(self) -> list[OperationDefinitionNode]:
        return [d for d in self.document.definitions if isinstance(d, OperationDefinitionNode)] \
            if self.document else []

    @property
    def fragments(self) -> dict[str, FragmentDefinitionNode]:
        return {d.name.value: d for d in self.document.definitions if isinstance(d, FragmentDefinitionNode)} \
            if self.document else {}

    def text_of(self, node: Node) -> str:
        return self.source[node.loc.start:node.loc.end]


@dataclass(frozen=True)
class SavedOperation:
    """An operation of the folder, and the name `%ion NAME` runs it by."""

    name: str
    file: LibraryFile
    node: OperationDefinitionNode

    @property
    def kind(self) -> str:
        return self.node.operation.value

    @property
    def signature(self) -> str:
        """`query OpenRuns($status: RunStatus)`: the kind, the operation's name and its variables."""
        variables = ", ".join(print_ast(v) for v in self.node.variable_definitions or ())
        title = self.node.name.value if self.node.name else "(anonymous)"
        return f"{self.kind} {title}" + (f"({variables})" if variables else "")


@dataclass(frozen=True)
class LibraryFragment:
    name: str
    type_condition: str
    file: LibraryFile
    node: FragmentDefinitionNode

    @property
    def text(self) -> str:
        return self.file.text_of(self.node)


class SaveOutcome(NamedTuple):
    message: str
    has_operation: bool  # False: the cell held only fragments, so there is nothing to run


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


class OperationLibrary:
    """The `.graphql` files of one folder, read once per instance (make one per use to see new files)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder if folder is not None else default_operations_dir()).expanduser()

    @cached_property
    def files(self) -> list[LibraryFile]:
        if not self.folder.is_dir():
            return []
        return [LibraryFile.read(path) for path in sorted(self.folder.glob(f"*{SUFFIX}")) if path.is_file()]

    def operations(self) -> list[SavedOperation]:
        found = []
        for file in self.files:
            operations = file.operations
            for node in operations:
                name = file.path.stem if len(operations) == 1 or node.name is None else node.name.value
                found.append(SavedOperation(name, file, node))
        return found

    def fragments(self) -> list[LibraryFragment]:
        return [LibraryFragment(name, node.type_condition.name.value, file, node)
                for file in self.files for name, node in file.fragments.items()]

    def saved_names(self) -> list[str]:
        """The names `%ion NAME` takes, one per saved operation."""
        return sorted({saved.name for saved in self.operations()})

    def problems(self) -> list[str]:
        return [file.syntax_error for file in self.files if file.syntax_error]

    def fragment_messages(self) -> list[dict[str, str]]:
        """The library's fragments as the front end gets them (name, type condition, text)."""
        return [{"name": f.name, "typeCondition": f.type_condition, "text": f.text} for f in self.fragments()]

    # -- finding ------------------------------------------------------------------------------------
    def find(self, reference: str, operation: str | None = None) -> SavedOperation:
        """The operation a name (a file's stem or an operation's name) or a path to a .graphql file stands for;
        `operation` picks one of several in a file."""
        reference = reference.strip()
        if not reference:
            raise IonError("Give the name of a saved operation (see %ion_operations), or a path to a .graphql file.")
        if SAVED_NAME.fullmatch(reference):
            file = self._file_named(reference)
            if file is None:
                return self._operation_named(reference, operation)
        else:
            file = self._file_at(reference)
        file.require_document()
        return self._pick(file, operation or (reference if SAVED_NAME.fullmatch(reference) else None),
                          explicit=operation is not None)

    def _file_named(self, name: str) -> LibraryFile | None:
        return next((file for file in self.files if file.path.stem == name), None)

    def _file_at(self, reference: str) -> LibraryFile:
        path = Path(reference).expanduser()
        for candidate in (path, self.folder / path):
            if candidate.is_file():
                return LibraryFile.read(candidate)
        raise IonError(f"No file {reference} (looked in the working directory and in {display_path(self.folder)}).")

    def _operation_named(self, name: str, operation: str | None) -> SavedOperation:
        matches = [saved for saved in self.operations()
                   if saved.node.name is not None and saved.node.name.value == name]
        if len(matches) == 1:
            return self._pick(matches[0].file, operation or name, explicit=operation is not None)
        if len(matches) > 1:
            files = ", ".join(display_path(saved.file.path) for saved in matches)
            raise IonError(f"Several files define an operation {name}: {files}. Run one by its file name.")
        problems = self.problems()
        if problems:
            raise IonSyntaxError(f"No saved operation {name!r}, and a file of the folder cannot be read:\n"
                                 f"{problems[0]}")
        known = sorted({saved.name for saved in self.operations()})
        if not self.folder.is_dir():
            where = f"there is no operations folder {display_path(self.folder)} yet"
        else:
            close = difflib.get_close_matches(name, known, n=1)
            where = (f"none in {display_path(self.folder)}" + (f"; did you mean {close[0]!r}?" if close else "")
                     + (f" (saved: {', '.join(known)})" if known else ""))
        raise IonError(f"No saved operation {name!r}: {where}. Save one with %%ion --save {name}, or point "
                       "IonMagic.operations_dir (ION_OPERATIONS_DIR; session.operations_dir in a script) at the "
                       "folder that holds it. Anything else to run must be GraphQL text.")

    @staticmethod
    def _pick(file: LibraryFile, wanted: str | None, *, explicit: bool) -> SavedOperation:
        operations = file.operations
        named = {node.name.value: node for node in operations if node.name is not None}
        shown = display_path(file.path)
        if explicit and wanted not in named:
            raise IonError(f"{shown} has no operation {wanted!r}; it holds: {', '.join(named) or '(anonymous)'}.")
        if not operations:
            raise IonError(f"{shown} holds no operation (only fragments): spread them in a cell instead.")
        if len(operations) == 1:
            return SavedOperation(file.path.stem, file, operations[0])
        if wanted in named:
            return SavedOperation(wanted, file, named[wanted])
        raise IonError(f"{shown} holds {len(operations)} operations ({', '.join(named) or 'anonymous'}): "
                       "pick one with --operation NAME.")

    # -- composing ----------------------------------------------------------------------------------
    def compose_cell(self, source: str, schema: GraphQLSchema | None, *, line_offset: int = 1,
                     check: bool = False) -> ComposedDocument:
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
        return self._compose(text, segment, kept, pending, schema, 0, True, origin=display_path(saved.file.path),
                             exclude=saved.file.path)

    def _compose(self, own_text: str, own_segment: Segment, own: dict[str, FragmentDefinitionNode],
                 pending: list[tuple[FragmentSpreadNode, Segment]], schema: GraphQLSchema | None,
                 line_offset: int, check: bool, *, origin: str, exclude: Path | None = None) -> ComposedDocument:
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
        for fragment in self.fragments():
            if fragment.file.path != exclude:
                by_name.setdefault(fragment.name, []).append(fragment)
        return by_name

    def _shadow_notes(self, own: dict[str, FragmentDefinitionNode], origin: str,
                      exclude: Path | None) -> tuple[str, ...]:
        notes = []
        for fragment in self.fragments():
            if fragment.name in own and fragment.file.path != exclude:
                notes.append(f"Note: fragment {fragment.name} is defined in {origin} and in "
                             f"{display_path(fragment.file.path)}; the one in {origin} is used.")
        return tuple(notes)

    def _unresolved(self, spread: FragmentSpreadNode, segment: Segment, found: Sequence[LibraryFragment],
                    library: dict[str, list[LibraryFragment]], line_offset: int) -> IonError:
        name = spread.name.value
        if found:
            files = ", ".join(display_path(fragment.file.path) for fragment in found)
            message = (f"Fragment {name} is defined in several files of the operations folder ({files}): keep one, "
                       "or define it in the cell (the cell's own definition wins).")
        else:
            close = difflib.get_close_matches(name, list(library), n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            message = (f"Unknown fragment {name}: it is not defined in the cell nor in any {SUFFIX} file of "
                       f"{display_path(self.folder)}.{hint}")
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

    # -- saving -------------------------------------------------------------------------------------
    def save(self, name: str, source: str, schema: GraphQLSchema | None, *, overwrite: bool = False,
             line_offset: int = 1) -> SaveOutcome:
        """Write the cell's text to NAME.graphql after checking it; says what was done, in a sentence."""
        if not SAVED_NAME.fullmatch(name):
            raise IonError(f"--save takes a name of letters, digits, _ and - (it becomes NAME{SUFFIX}); "
                           f"{name!r} is not one.")
        try:
            document = parse(source, max_tokens=MAX_TOKENS)
        except GraphQLSyntaxError as error:
            raise IonSyntaxError(_with_pointer(error.message, error, source, line_offset=line_offset)) from None
        except RecursionError:
            raise IonSyntaxError("GraphQL syntax error: the cell is nested too deeply to parse.") from None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) > 1:
            raise IonError(f"--save keeps one operation per file; this cell has {len(operations)}.")
        self.compose_cell(source, schema, line_offset=line_offset, check=True)
        target = self.folder / f"{name}{SUFFIX}"
        text = _trimmed(source)
        shown = display_path(target)
        if target.is_file():
            if target.read_text(encoding="utf-8") == text:
                return SaveOutcome(f"{shown} already holds this text (unchanged).", bool(operations))
            if not overwrite:
                raise IonError(f"{shown} already holds a different operation: nothing was saved. Add --overwrite "
                               "to replace it, or choose another name.")
        self._refuse_clashes(document, target)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
        defined = ", ".join(_definition_title(d) for d in document.definitions)
        return SaveOutcome(f"Saved {defined} to {shown}.", bool(operations))

    def _refuse_clashes(self, document: DocumentNode, target: Path) -> None:
        """Names stay unique across the folder: a second definition would make every use ambiguous."""
        names = {d.name.value for d in document.definitions if getattr(d, "name", None) is not None}
        for file in self.files:
            if file.path == target:
                continue
            taken = names & ({node.name.value for node in file.operations if node.name} | set(file.fragments))
            if taken:
                raise IonError(f"{', '.join(sorted(taken))} is already defined in {display_path(file.path)}: "
                               "nothing was saved. Spread that fragment (or rename yours) instead of defining it "
                               "twice.")

    # -- listing ------------------------------------------------------------------------------------
    def describe(self) -> str:
        """What %ion_operations prints: operations with their variables, fragments with their type."""
        folder = display_path(self.folder)
        if not self.files:
            return (f"No saved operations: the operations folder {folder} has no {SUFFIX} file yet. "
                    "Save a cell's operation with %%ion --save NAME.")
        lines = [f"Operations in {folder}/ (run one with %ion NAME [VAR]):"]
        lines += [f"  {saved.name:<24} {saved.signature}  [{saved.file.path.name}]"
                  for saved in self.operations()] or ["  (none)"]
        lines.append("Fragments (spread one with ...NAME in any cell):")
        lines += [f"  {fragment.name:<24} on {fragment.type_condition}  [{fragment.file.path.name}]"
                  for fragment in self.fragments()] or ["  (none)"]
        problems = self.problems()
        if problems:
            lines.append("Files that cannot be read:")
            lines += ["  " + problem.replace("\n", "\n  ") for problem in problems]
        return "\n".join(lines)

    def table(self) -> Any:
        """The operations and fragments as a DataFrame: kind, name, signature, file."""
        import pandas as pd

        rows = [{"kind": s.kind, "name": s.name, "signature": s.signature, "file": display_path(s.file.path)}
                for s in self.operations()]
        rows += [{"kind": "fragment", "name": f.name, "signature": f"on {f.type_condition}",
                  "file": display_path(f.file.path)} for f in self.fragments()]
        return pd.DataFrame(rows, columns=["kind", "name", "signature", "file"])


def operations(path: str | Path | None = None) -> Any:
    """The saved operations and fragments of a folder (default: ION_OPERATIONS_DIR, else ./graphql)."""
    return OperationLibrary(path).table()


def compose_text(text: str, schema: GraphQLSchema | None, folder: str | Path | None = None,
                 *, line_offset: int = 0) -> ComposedDocument:
    """What the Python API plans: a saved operation when `text` is a bare name, else `text` with the library
    fragments it spreads."""
    library = OperationLibrary(folder)
    if is_saved_reference(text):
        return library.compose_saved(library.find(text), schema)
    return library.compose_cell(text, schema, line_offset=line_offset)


# -- helpers -----------------------------------------------------------------------------------------
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
        kept[node.loc.start:node.loc.end] = source[node.loc.start:node.loc.end]
    lines = "".join(kept).split("\n")
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return "\n".join(lines[filled[0]:filled[-1] + 1]), filled[0] + 1


def _files_in_order(fragments: Iterable[LibraryFragment]) -> list[LibraryFile]:
    files: dict[Path, LibraryFile] = {}
    for fragment in fragments:
        files.setdefault(fragment.file.path, fragment.file)
    return [files[path] for path in sorted(files)]


def _trimmed(source: str) -> str:
    """The text to save: the cell without blank lines around it, ending with a newline."""
    lines = source.split("\n")
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return "\n".join(lines[filled[0]:filled[-1] + 1]) + "\n"


def _definition_title(definition: Any) -> str:
    if isinstance(definition, FragmentDefinitionNode):
        return f"fragment {definition.name.value}"
    name = definition.name.value if definition.name else "(anonymous)"
    return f"{definition.operation.value} {name}"


def _with_pointer(message: str, error: GraphQLError, source: str, *, line_offset: int = 0,
                  file: str | None = None) -> str:
    if not error.locations:
        return message
    location = error.locations[0]
    pointer = point_at(source, location.line, location.column, line_offset=line_offset, file=file)
    if not pointer and file:  # at the end of the file, past its last line
        pointer = f"{file} line {location.line}, column {location.column} (the end of the file)"
    return f"{message}\n{pointer}" if pointer else message
