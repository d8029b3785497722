"""Run notebooks through a real kernel (nbclient), the way JupyterLab would, and read what they show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient


def notebook(*cells: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])


def execute(
    nb: nbformat.NotebookNode, *, cwd: Path, allow_errors: bool = False, timeout: int = 180, save_to: Path | None = None
) -> nbformat.NotebookNode:
    """Execute in a fresh python3 kernel with widget state stored, as a saved notebook would hold it."""
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        allow_errors=allow_errors,
        store_widget_state=True,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    if save_to is not None:
        nbformat.write(nb, save_to)
    return nb


def text_of(cell: nbformat.NotebookNode) -> str:
    """Everything a cell shows: streams, results, displays and errors, as text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def errors_of(cell: nbformat.NotebookNode) -> list[dict[str, Any]]:
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


def json_printed(cell: nbformat.NotebookNode) -> Any:
    """The JSON a cell printed as its last stdout line (tests print their findings as JSON)."""
    lines = [line for line in text_of(cell).splitlines() if line.strip()]
    return json.loads(lines[-1])
