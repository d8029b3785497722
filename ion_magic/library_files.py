"""The operations folder's files: where the folder is, what a saved operation's name looks like, and each
`.graphql` file read once, with its operations and fragments. Pure: no IPython.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    Node,
    OperationDefinitionNode,
    parse,
    print_ast,
)

from .cell import MAX_TOKENS
from .errors import IonSyntaxError, point_at

FOLDER_VARIABLE = "ION_OPERATIONS_DIR"
DEFAULT_FOLDER = "graphql"
SUFFIX = ".graphql"
SAVED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


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
            return cls(path, source, None, with_pointer(error.message, error, source, file=display_path(path)))
        except RecursionError:
            return cls(path, source, None, f"{display_path(path)} is nested too deeply to parse.")

    def require_document(self) -> DocumentNode:
        if self.document is None:
            raise IonSyntaxError(
                f"{self.syntax_error}\nFix {display_path(self.path)} (or move it out of the operations folder)."
            )
        return self.document

    @property
    def operations(self) -> list[OperationDefinitionNode]:
        return [d for d in self.document.definitions if isinstance(d, OperationDefinitionNode)] if self.document else []

    @property
    def fragments(self) -> dict[str, FragmentDefinitionNode]:
        return (
            {d.name.value: d for d in self.document.definitions if isinstance(d, FragmentDefinitionNode)}
            if self.document
            else {}
        )

    def text_of(self, node: Node) -> str:
        return self.source[node.loc.start : node.loc.end] if node.loc else ""


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
    """A fragment of the folder, and the file that defines it."""

    name: str
    type_condition: str
    file: LibraryFile
    node: FragmentDefinitionNode

    @property
    def text(self) -> str:
        return self.file.text_of(self.node)


def fragments_of(files: Iterable[LibraryFile]) -> list[LibraryFragment]:
    """The fragments the files define, file after file."""
    return [
        LibraryFragment(name, node.type_condition.name.value, file, node)
        for file in files
        for name, node in file.fragments.items()
    ]


def with_pointer(
    message: str, error: GraphQLError, source: str, *, line_offset: int = 0, file: str | None = None
) -> str:
    if not error.locations:
        return message
    location = error.locations[0]
    pointer = point_at(source, location.line, location.column, line_offset=line_offset, file=file)
    if not pointer and file:  # at the end of the file, past its last line
        pointer = f"{file} line {location.line}, column {location.column} (the end of the file)"
    return f"{message}\n{pointer}" if pointer else message
