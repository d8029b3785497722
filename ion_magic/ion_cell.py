"""Which cells are `%%ion` cells: the rule IPython applies when it runs a cell, kept in one place for the
kernel side (the front end's `labextension/src/magicLine.ts` applies the same rule to the same cases,
`tests/ion_cell_cases.json`).

IPython drops the lines that are empty or only whitespace at the top of a cell; the first line left calls
the cell magic named by the text after `%%` up to the first space. So a cell is an `%%ion` cell when its
first line that is not blank, less its trailing whitespace, is `%%ion` alone or followed by a space. An
indented magic line is not one: IPython 9 removes only the indentation common to every line of the cell.
"""

from __future__ import annotations

import re

ION_MAGIC = "%%ion"
_LINE_BREAK = re.compile(r"\r\n?|\n")


def is_ion_magic_line(line: str) -> bool:
    """True when `line` (one line, the first of the cell that is not blank) calls the `%%ion` magic."""
    text = line.rstrip()
    return text == ION_MAGIC or text.startswith(ION_MAGIC + " ")


def magic_line_span(cell: str) -> tuple[int, int, int] | None:
    """(start, end, body start) of the `%%ion` line in `cell`: its first character, the end of its text and
    the first character after its line break (\\n, \\r\\n or \\r); None when the cell is no `%%ion` cell."""
    start = 0
    while True:
        found = _LINE_BREAK.search(cell, start)
        end, after = (found.start(), found.end()) if found else (len(cell), len(cell))
        line = cell[start:end]
        if line.strip():
            return (start, end, after) if is_ion_magic_line(line) else None
        if found is None:
            return None
        start = after


def is_ion_cell(cell: str) -> bool:
    """True when IPython runs `cell` through the `%%ion` magic."""
    return magic_line_span(cell) is not None


def graphql_body_start(cell: str) -> int | None:
    """Offset of the first character after the `%%ion` line (the GraphQL text starts there), or None when the
    cell is no `%%ion` cell or has no line break after the magic line."""
    span = magic_line_span(cell)
    if span is None or span[1] == span[2]:
        return None
    return span[2]
