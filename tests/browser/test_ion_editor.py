"""%%ion cells in a real JupyterLab: highlighting that follows the magic line, schema-aware completion,
lint and hover after `%ion_login --sandbox` (the schema pushed by the kernel, asked for again after a
reload, dropped on logout), `.graphql` files, and a cell executed to a DataFrame. Each test saves a
screenshot under test-artifacts/browser/."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from .lab_server import RunningLab

pytestmark = pytest.mark.browser

KERNEL_START = 60_000
LOGIN = 90_000
LOGIN_CELLS = ["%load_ext ion_magic", "%ion_login --sandbox"]


def write_notebook(lab: RunningLab, name: str, sources: list[str]) -> str:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, lab.root / name)
    return name


def open_notebook(page: Page, lab: RunningLab, name: str) -> Locator:
    """Open a notebook and wait for its kernel to be connected and idle; returns the notebook's cells.

    The status bar says so only once the session has its kernel (the toolbar's execution indicator
    already shows "idle" while the kernel is still being started)."""
    page.goto(lab.notebook_url(name))
    kernel_status = page.locator("#jp-main-statusbar").get_by_text(re.compile(r"^Python 3.* \| Idle$"))
    expect(kernel_status).to_be_visible(timeout=KERNEL_START)
    return page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell")


def editor(cell: Locator) -> Locator:
    return cell.locator(".cm-editor")


def run_cell(page: Page, cell: Locator, timeout: float = LOGIN) -> None:
    """Run a cell from its editor and wait until it has finished (an execution count in its prompt)."""
    cell.locator(".cm-content").click()
    expect(editor(cell)).to_have_class(has_class("cm-focused"))
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputArea-prompt")).to_have_text(re.compile(r"^\[\d+\]:$"), timeout=timeout)


def log_in_to_sandbox(page: Page, cells: Locator) -> None:
    """Run `%load_ext ion_magic` and `%ion_login --sandbox` (the first two cells); both must succeed."""
    for index in (0, 1):
        run_cell(page, cells.nth(index))
        for mime_type in ("application/vnd.jupyter.stderr", "application/vnd.jupyter.error"):
            expect(cells.nth(index).locator(f".jp-OutputArea-output[data-mime-type='{mime_type}']")).to_have_count(0)


def wait_for_schema(cell: Locator) -> None:
    """The kernel has sent its schema: the %%ion editor says so (data-ion-schema)."""
    expect(editor(cell)).to_have_attribute("data-ion-schema", "loaded", timeout=LOGIN)


def has_class(name: str) -> re.Pattern[str]:
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def screenshot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"))


def test_highlighting_follows_the_magic_line(page: Page, jupyter_lab: RunningLab, artifacts: Path) -> None:
    name = write_notebook(jupyter_lab, "highlighting.ipynb", ["", "total = sum([1, 2, 3])"])
    cells = open_notebook(page, jupyter_lab, name)
    ion_cell, python_cell = cells.nth(0), cells.nth(1)

    ion_cell.locator(".cm-content").click()
    page.keyboard.type("{ runs(first: 5) { edges { node { title status } } } }")
    expect(ion_cell.locator(".tok-propertyName")).to_have_count(0)

    page.keyboard.press("Control+Home")
    page.keyboard.type("%%ion --page-size 50")
    page.keyboard.press("Enter")
    expect(editor(ion_cell)).to_have_class(has_class("ion-cell"))
    expect(ion_cell.locator(".ion-magic-keyword")).to_have_text("%%ion")
    expect(ion_cell.locator(".ion-magic-option")).to_have_text("--page-size")
    expect(ion_cell.locator(".cm-line.ion-magic-line")).to_have_count(1)
    expect(ion_cell.locator(".tok-propertyName", has_text="title")).to_have_count(1)
    expect(ion_cell.locator(".tok-propertyName", has_text="status")).to_have_count(1)
    expect(python_cell.locator("[class*='tok-']")).to_have_count(0)
    screenshot(page, artifacts, "highlighting-on")

    page.keyboard.press("Control+Home")
    page.keyboard.press("Shift+End")
    page.keyboard.press("Delete")
    page.keyboard.press("Delete")
    expect(ion_cell.locator(".ion-magic-keyword")).to_have_count(0)
    expect(ion_cell.locator(".tok-propertyName")).to_have_count(0)
    expect(editor(ion_cell)).not_to_have_class(has_class("ion-cell"))
    screenshot(page, artifacts, "highlighting-off")


def test_completion_offers_fields_of_a_real_ion_type(page: Page, jupyter_lab: RunningLab, artifacts: Path) -> None:
    name = write_notebook(jupyter_lab, "completion.ipynb", [*LOGIN_CELLS, "%%ion\n{ runs { edges { node {  } } } }"])
    cells = open_notebook(page, jupyter_lab, name)
    ion_cell = cells.nth(2)
    expect(editor(ion_cell)).to_have_attribute("data-ion-schema", "none")
    log_in_to_sandbox(page, cells)
    wait_for_schema(ion_cell)

    ion_cell.locator(".cm-line").nth(1).click()
    page.keyboard.press("End")
    for _ in " } } } }":
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Control+Space")
    popup = page.locator(".cm-tooltip-autocomplete")
    expect(popup).to_be_visible()
    labels = popup.locator(".cm-completionLabel")
    expect(labels.filter(has_text=re.compile(r"^title$"))).to_have_count(1)
    expect(labels.filter(has_text=re.compile(r"^status$"))).to_have_count(1)
    expect(labels.filter(has_text=re.compile(r"^procedure$"))).to_have_count(1)
    screenshot(page, artifacts, "completion")

    page.keyboard.press("Escape")
    page.keyboard.type("statu")
    expect(labels.first).to_have_text("status")
    labels.first.click()
    expect(ion_cell.locator(".cm-line").nth(1)).to_have_text("{ runs { edges { node { status } } } }")


def test_unknown_field_is_underlined_and_known_ones_explained(
    page: Page, jupyter_lab: RunningLab, artifacts: Path
) -> None:
    query = "%%ion --page-size 5\n{ runs { edges { node { id titel } } } }"
    name = write_notebook(jupyter_lab, "lint.ipynb", [*LOGIN_CELLS, query])
    cells = open_notebook(page, jupyter_lab, name)
    ion_cell = cells.nth(2)
    log_in_to_sandbox(page, cells)
    wait_for_schema(ion_cell)

    underlined = ion_cell.locator(".cm-lintRange-error")
    expect(underlined).to_have_count(1)
    expect(underlined).to_have_text("titel")
    underlined.hover()
    expect(page.locator(".cm-tooltip-lint")).to_contain_text('Cannot query field "titel" on type "Run"')
    screenshot(page, artifacts, "lint")

    ion_cell.locator(".tok-propertyName", has_text="runs").hover()
    hover = page.locator(".ion-hover")
    expect(hover).to_contain_text("Query.runs: RunConnection")
    screenshot(page, artifacts, "hover")


def test_schema_is_asked_for_after_a_reload_and_dropped_on_logout(
    page: Page, jupyter_lab: RunningLab, artifacts: Path
) -> None:
    query = "%%ion\n{ runs { edges { node { id titel } } } }"
    name = write_notebook(jupyter_lab, "reload.ipynb", [*LOGIN_CELLS, query, "%ion_logout"])
    cells = open_notebook(page, jupyter_lab, name)
    log_in_to_sandbox(page, cells)
    wait_for_schema(cells.nth(2))

    page.reload()
    cells = open_notebook(page, jupyter_lab, name)
    wait_for_schema(cells.nth(2))
    expect(cells.nth(2).locator(".cm-lintRange-error")).to_have_text("titel")

    run_cell(page, cells.nth(3))
    expect(editor(cells.nth(2))).to_have_attribute("data-ion-schema", "none")
    expect(cells.nth(2).locator(".cm-lintRange-error")).to_have_count(0)
    expect(cells.nth(2).locator(".tok-propertyName", has_text="titel")).to_have_count(1)
    screenshot(page, artifacts, "logged-out")


def test_graphql_files_are_highlighted(page: Page, jupyter_lab: RunningLab, artifacts: Path) -> None:
    source = "query Runs($n: Int) {\n  runs(first: $n) { edges { node { title } } }\n}\n"
    (jupyter_lab.root / "runs.graphql").write_text(source)
    page.goto(jupyter_lab.notebook_url("runs.graphql"))
    file_editor = page.locator(".jp-FileEditor:visible")
    expect(file_editor.locator(".tok-keyword", has_text="query")).to_have_count(1, timeout=30_000)
    expect(file_editor.locator(".tok-propertyName", has_text="title")).to_have_count(1)
    expect(file_editor.locator(".tok-variableName", has_text="$n")).to_have_count(2)
    screenshot(page, artifacts, "graphql-file")


def test_ion_cell_runs_to_a_dataframe(page: Page, jupyter_lab: RunningLab, artifacts: Path) -> None:
    query = "%%ion\n{ runs(first: 5) { edges { node { id title status } } } }"
    name = write_notebook(jupyter_lab, "dataframe.ipynb", [*LOGIN_CELLS, query])
    cells = open_notebook(page, jupyter_lab, name)
    log_in_to_sandbox(page, cells)
    run_cell(page, cells.nth(2))

    table = cells.nth(2).locator(".jp-OutputArea-output table.dataframe")
    expect(table).to_be_visible(timeout=LOGIN)
    headers = table.locator("thead th")
    for column in ("id", "title", "status"):
        expect(headers.filter(has_text=re.compile(rf"^{column}$"))).to_have_count(1)
    expect(table.locator("tbody tr")).to_have_count(5)
    screenshot(page, artifacts, "dataframe")
