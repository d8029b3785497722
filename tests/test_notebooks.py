"""Every tutorial notebook, executed top to bottom through a real kernel against a fresh embedded sandbox.

Each kernel starts its own sandbox with `%ion_login --sandbox`, in an environment without any ION_*
variable, so the first cell must need none. A cell that teaches an error carries the `raises-exception`
tag and names the error text it teaches in its metadata (`ion_magic.expect_error`); every other cell must
run without an error output. Each tutorial ends with exercises whose answers sit in collapsed cells after
them; those run too, and each checks its own result with an assert.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from .kernels import errors_of, text_of

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
RAISES = "raises-exception"


def tags_of(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def expected_error(cell: nbformat.NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("ion_magic", {}).get("expect_error")


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 7, f"expected the tutorials in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_saved_clean_and_shaped_as_a_tutorial(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "learn" in first.source.lower()
    exercises = max(index for index, cell in enumerate(nb.cells) if cell.cell_type == "markdown")
    assert re.search(r"^#+ Exercises\s*$", nb.cells[exercises].source, re.MULTILINE), "it ends with exercises"
    answers = nb.cells[exercises + 1 :]
    assert answers, "the answers follow the exercises"
    for cell in answers:  # collapsed, so that a learner tries first; executed like every other cell
        assert cell.cell_type == "code" and cell.metadata.get("jupyter", {}).get("source_hidden") is True
    # every Python answer cell checks its result, except one that only sets up the cell magic after it
    for cell, following in zip(answers, [*answers[1:], None], strict=True):
        sets_up_a_magic = following is not None and following.source.startswith("%%")
        if not cell.source.startswith("%%") and not sets_up_a_magic:
            assert "assert " in cell.source, f"this answer checks nothing:\n{cell.source}"
    assert "assert " in answers[-1].source
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code[0].source.splitlines()[:2] == ["%load_ext ion_magic", "%ion_login --sandbox"]
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, "save notebooks without outputs"
        if RAISES in tags_of(cell):
            assert expected_error(cell), "a raises-exception cell names the error it teaches"


@pytest.mark.kernel
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom_against_a_fresh_sandbox(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in [name for name in os.environ if name.startswith("ION_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "schema-cache"))
    nb = nbformat.read(path, as_version=4)
    replies: dict[int, dict] = {}

    def keep_reply(cell: nbformat.NotebookNode, cell_index: int, execute_reply: dict) -> None:
        replies[cell_index] = execute_reply["content"]

    # nbclient raises on the first failing cell that does not carry the raises-exception tag
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=180,
        store_widget_state=True,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
        on_cell_executed=keep_reply,
    )
    client.execute()

    code = [index for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    assert "Logged in to sandbox" in text_of(nb.cells[code[0]])
    for index in code:
        cell, reply = nb.cells[index], replies[index]
        if RAISES not in tags_of(cell):
            assert reply["status"] == "ok" and not errors_of(cell), text_of(cell)
            continue
        # IPython shows a UsageError as one message on stderr, without a traceback, and fails the cell
        assert reply["status"] == "error", f"expected an error from:\n{cell.source}"
        assert reply["ename"] == "UsageError", f"{reply['ename']}: {reply['evalue']}"
        assert expected_error(cell) in reply["evalue"], reply["evalue"]
        shown = text_of(cell)
        assert f"UsageError: {reply['evalue']}" in shown and "Traceback" not in shown, shown
