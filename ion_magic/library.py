"""The operations folder: saved GraphQL operations and a library of fragments, in plain `.graphql` files.

`OperationLibrary` finds a saved operation by name, saves a cell's operation, lists the folder and composes
the document to plan (see `compose.py`): a cell (or a saved operation) may spread any fragment defined in
the folder. Pure: no IPython.
"""

from __future__ import annotations

import difflib
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from graphql import (
    DefinitionNode,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
)

from .cell import MAX_TOKENS
from .compose import ComposedDocument, Composer
from .errors import IonError, IonSyntaxError
from .library_files import (
    SAVED_NAME,
    SUFFIX,
    LibraryFile,
    LibraryFragment,
    SavedOperation,
    default_operations_dir,
    display_path,
    fragments_of,
    is_saved_reference,
    with_pointer,
)


class SaveOutcome(NamedTuple):
    """What `save` did, in a sentence."""

    message: str
    has_operation: bool  # False: the cell held only fragments, so there is nothing to run


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
        return fragments_of(self.files)

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
        return self._pick(
            file, operation or (reference if SAVED_NAME.fullmatch(reference) else None), explicit=operation is not None
        )

    def _file_named(self, name: str) -> LibraryFile | None:
        return next((file for file in self.files if file.path.stem == name), None)

    def _file_at(self, reference: str) -> LibraryFile:
        path = Path(reference).expanduser()
        for candidate in (path, self.folder / path):
            if candidate.is_file():
                return LibraryFile.read(candidate)
        raise IonError(f"No file {reference} (looked in the working directory and in {display_path(self.folder)}).")

    def _operation_named(self, name: str, operation: str | None) -> SavedOperation:
        matches = [
            saved for saved in self.operations() if saved.node.name is not None and saved.node.name.value == name
        ]
        if len(matches) == 1:
            return self._pick(matches[0].file, operation or name, explicit=operation is not None)
        if len(matches) > 1:
            files = ", ".join(display_path(saved.file.path) for saved in matches)
            raise IonError(f"Several files define an operation {name}: {files}. Run one by its file name.")
        problems = self.problems()
        if problems:
            raise IonSyntaxError(
                f"No saved operation {name!r}, and a file of the folder cannot be read:\n{problems[0]}"
            )
        known = sorted({saved.name for saved in self.operations()})
        if not self.folder.is_dir():
            where = f"there is no operations folder {display_path(self.folder)} yet"
        else:
            close = difflib.get_close_matches(name, known, n=1)
            where = (
                f"none in {display_path(self.folder)}"
                + (f"; did you mean {close[0]!r}?" if close else "")
                + (f" (saved: {', '.join(known)})" if known else "")
            )
        raise IonError(
            f"No saved operation {name!r}: {where}. Save one with %%ion --save {name}, or point "
            "IonMagic.operations_dir (ION_OPERATIONS_DIR; session.operations_dir in a script) at the "
            "folder that holds it. Anything else to run must be GraphQL text."
        )

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
        raise IonError(
            f"{shown} holds {len(operations)} operations ({', '.join(named) or 'anonymous'}): "
            "pick one with --operation NAME."
        )

    # -- composing ----------------------------------------------------------------------------------
    def compose_cell(
        self, source: str, schema: GraphQLSchema | None, *, line_offset: int = 1, check: bool = False
    ) -> ComposedDocument:
        """The cell's text with the library fragments it spreads appended. A cell that does not parse comes
        back as it is (the pipeline reports it). `check`: validate even when no library fragment is used."""
        return Composer(self.folder, self.files).compose_cell(source, schema, line_offset=line_offset, check=check)

    def compose_saved(self, saved: SavedOperation, schema: GraphQLSchema | None) -> ComposedDocument:
        """The saved operation with the fragments it uses: its own file's first, then the library's."""
        return Composer(self.folder, self.files).compose_saved(saved, schema)

    # -- saving -------------------------------------------------------------------------------------
    def save(
        self, name: str, source: str, schema: GraphQLSchema | None, *, overwrite: bool = False, line_offset: int = 1
    ) -> SaveOutcome:
        """Write the cell's text to NAME.graphql after checking it; says what was done, in a sentence."""
        if not SAVED_NAME.fullmatch(name):
            raise IonError(
                f"--save takes a name of letters, digits, _ and - (it becomes NAME{SUFFIX}); {name!r} is not one."
            )
        try:
            document = parse(source, max_tokens=MAX_TOKENS)
        except GraphQLSyntaxError as error:
            raise IonSyntaxError(with_pointer(error.message, error, source, line_offset=line_offset)) from None
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
                raise IonError(
                    f"{shown} already holds a different operation: nothing was saved. Add --overwrite "
                    "to replace it, or choose another name."
                )
        self._refuse_clashes(document, target)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
        defined = ", ".join(_definition_title(d) for d in document.definitions)
        return SaveOutcome(f"Saved {defined} to {shown}.", bool(operations))

    def _refuse_clashes(self, document: DocumentNode, target: Path) -> None:
        """Names stay unique across the folder: a second definition would make every use ambiguous."""
        names = {name.value for d in document.definitions if (name := getattr(d, "name", None)) is not None}
        for file in self.files:
            if file.path == target:
                continue
            taken = names & ({node.name.value for node in file.operations if node.name} | set(file.fragments))
            if taken:
                raise IonError(
                    f"{', '.join(sorted(taken))} is already defined in {display_path(file.path)}: "
                    "nothing was saved. Spread that fragment (or rename yours) instead of defining it "
                    "twice."
                )

    # -- listing ------------------------------------------------------------------------------------
    def describe(self) -> str:
        """What %ion_operations prints: operations with their variables, fragments with their type."""
        folder = display_path(self.folder)
        if not self.files:
            return (
                f"No saved operations: the operations folder {folder} has no {SUFFIX} file yet. "
                "Save a cell's operation with %%ion --save NAME."
            )
        lines = [f"Operations in {folder}/ (run one with %ion NAME [VAR]):"]
        lines += [f"  {saved.name:<24} {saved.signature}  [{saved.file.path.name}]" for saved in self.operations()] or [
            "  (none)"
        ]
        lines.append("Fragments (spread one with ...NAME in any cell):")
        lines += [
            f"  {fragment.name:<24} on {fragment.type_condition}  [{fragment.file.path.name}]"
            for fragment in self.fragments()
        ] or ["  (none)"]
        problems = self.problems()
        if problems:
            lines.append("Files that cannot be read:")
            lines += ["  " + problem.replace("\n", "\n  ") for problem in problems]
        return "\n".join(lines)

    def table(self) -> Any:
        """The operations and fragments as a DataFrame: kind, name, signature, file."""
        import pandas as pd

        rows = [
            {"kind": s.kind, "name": s.name, "signature": s.signature, "file": display_path(s.file.path)}
            for s in self.operations()
        ]
        rows += [
            {
                "kind": "fragment",
                "name": f.name,
                "signature": f"on {f.type_condition}",
                "file": display_path(f.file.path),
            }
            for f in self.fragments()
        ]
        return pd.DataFrame(rows, columns=["kind", "name", "signature", "file"])


def operations(path: str | Path | None = None) -> Any:
    """The saved operations and fragments of a folder (default: ION_OPERATIONS_DIR, else ./graphql)."""
    return OperationLibrary(path).table()


def compose_text(
    text: str, schema: GraphQLSchema | None, folder: str | Path | None = None, *, line_offset: int = 0
) -> ComposedDocument:
    """What the Python API plans: a saved operation when `text` is a bare name, else `text` with the library
    fragments it spreads."""
    library = OperationLibrary(folder)
    if is_saved_reference(text):
        return library.compose_saved(library.find(text), schema)
    return library.compose_cell(text, schema, line_offset=line_offset)


def _trimmed(source: str) -> str:
    """The text to save: the cell without blank lines around it, ending with a newline."""
    lines = source.split("\n")
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return "\n".join(lines[filled[0] : filled[-1] + 1]) + "\n"


def _definition_title(definition: DefinitionNode) -> str:
    if isinstance(definition, FragmentDefinitionNode):
        return f"fragment {definition.name.value}"
    if isinstance(definition, OperationDefinitionNode):
        return f"{definition.operation.value} {definition.name.value if definition.name else '(anonymous)'}"
    return definition.kind
