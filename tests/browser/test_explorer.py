"""The ION Schema Explorer in a real JupyterLab against the sandbox: opened by its command, logged-out
message, ticks that write the active %%ion cell and follow edits made by hand, the filters and sort inputs,
the History tab, and the status bar item. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .lab_server import RunningLab
from .test_ion_editor import LOGIN, editor, open_notebook, run_cell, screenshot, write_notebook

pytestmark = pytest.mark.browser

LOGIN_CELL = "%load_ext ion_magic\n%ion_login --sandbox"


def open_explorer(page: Page) -> Locator:
    """Open the panel the way a user finds it: the command palette, by the command's label."""
    page.keyboard.press("Control+Shift+c")
    palette = page.locator(".lm-CommandPalette-input")
    expect(palette).to_be_visible()
    palette.fill("ION Schema Explorer")
    page.keyboard.press("Enter")
    panel = page.locator("#ion-magic-explorer")
    expect(panel).to_be_visible()
    widen_sidebar(page)
    return panel


def widen_sidebar(page: Page, by: float = 170) -> None:
    """Drag the left sidebar's edge to the right, as a user would to read the tree."""
    handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle:visible").first
    box = handle.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + by, y, steps=5)
    page.mouse.up()


def checkbox(panel: Locator, label: str) -> Locator:
    """The first row's checkbox named `label` (the first is the one under the first matching root)."""
    return panel.get_by_role("checkbox", name=label, exact=True).first


def cell_text(cell: Locator) -> str:
    return "\n".join(cell.locator(".cm-line").all_inner_texts())


def log_in(page: Page, cells: Locator) -> None:
    """Run the login cell; JupyterLab then adds an empty cell below it and makes it active."""
    run_cell(page, cells.nth(0))
    expect(cells.nth(0).locator(".jp-OutputArea-output")).to_contain_text("Logged in to sandbox", timeout=LOGIN)
    expect(cells).to_have_count(2)


def test_explorer_opens_by_its_command_and_asks_for_a_login(
    page: Page, jupyter_lab: RunningLab, artifacts: Path
) -> None:
    name = write_notebook(jupyter_lab, "explorer-logged-out.ipynb", [""])
    open_notebook(page, jupyter_lab, name)
    panel = open_explorer(page)
    expect(panel.get_by_role("heading", name="ION Schema Explorer")).to_be_visible()
    expect(panel.get_by_text("Log in with %ion_login to browse the schema.", exact=True)).to_be_visible()
    expect(panel.get_by_placeholder("Search the ION schema")).to_be_hidden()
    expect(page.locator("#jp-main-statusbar .ion-status-item")).to_be_hidden()
    screenshot(page, artifacts, "explorer-logged-out")


def test_ticks_build_the_cell_and_follow_it(page: Page, jupyter_lab: RunningLab, artifacts: Path) -> None:
    name = write_notebook(jupyter_lab, "explorer-build.ipynb", [LOGIN_CELL])
    cells = open_notebook(page, jupyter_lab, name)
    panel = open_explorer(page)
    log_in(page, cells)
    expect(page.locator("#jp-main-statusbar .ion-status-item")).to_have_text(re.compile(r"^ION: sandbox\b"))

    search = panel.get_by_placeholder("Search the ION schema")
    expect(search).to_be_visible(timeout=LOGIN)
    search.fill("runs")
    checkbox(panel, "Query.runs").check()
    expect(cells).to_have_count(3)
    query_cell = cells.nth(2)
    expect(editor(query_cell)).to_contain_text("%%ion")
    assert re.search(r"runs\s*\{\s*edges\s*\{\s*node\s*\{\s*id\s*\}", cell_text(query_cell))
    assert "--allow-mutation" not in cell_text(query_cell)

    checkbox(panel, "Run.title").check()
    expect(query_cell.locator(".cm-line", has_text=re.compile(r"^\s*title$"))).to_have_count(1)
    expect(query_cell.locator(".cm-line").first).to_have_text("%%ion")
    screenshot(page, artifacts, "explorer-ticked")
    page.locator("#ion-magic-explorer").screenshot(path=str(artifacts / "explorer-panel.png"))

    run_cell(page, query_cell, timeout=LOGIN)
    table = query_cell.locator(".jp-OutputArea-output table.dataframe")
    expect(table).to_be_visible(timeout=LOGIN)
    expect(table.locator("thead th").filter(has_text=re.compile(r"^title$"))).to_have_count(1)

    query_cell.locator(".cm-content").click()  # running moved the focus on: come back to the %%ion cell
    expect(checkbox(panel, "Run.title")).to_be_checked()
    checkbox(panel, "Run.title").uncheck()
    expect(query_cell.locator(".cm-line", has_text=re.compile(r"^\s*title$"))).to_have_count(0)
    expect(query_cell.locator(".cm-line", has_text=re.compile(r"^\s*id$"))).to_have_count(1)

    query_cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text("%%ion --max-rows 3\n# by hand\n{ runs { edges { node { status } } } }")
    expect(checkbox(panel, "Run.status")).to_be_checked()
    expect(checkbox(panel, "Run.id")).not_to_be_checked()
    expect(checkbox(panel, "Query.runs")).to_be_checked()
    page.keyboard.insert_text("\n{")  # a cell that does not parse: the panel says so and keeps the ticks
    expect(panel.get_by_role("status").first).to_contain_text("does not parse")
    expect(checkbox(panel, "Run.status")).to_be_checked()


def test_history_lists_the_runs_and_inserts_one(page: Page, jupyter_lab: RunningLab, artifacts: Path) -> None:
    query = "%%ion --page-size 7\n{ runs { edges { node { id title } } } }"
    name = write_notebook(jupyter_lab, "explorer-history.ipynb", [LOGIN_CELL, query, "print(len(_))"])
    cells = open_notebook(page, jupyter_lab, name)
    panel = open_explorer(page)
    run_cell(page, cells.nth(0))
    run_cell(page, cells.nth(1))
    run_cell(page, cells.nth(2))
    rows = cells.nth(2).locator(".jp-OutputArea-output").inner_text().strip()
    assert rows.isdigit() and int(rows) > 7

    panel.get_by_role("tab", name="History").click()
    entry = panel.locator(".ion-history-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(f"runs: {int(rows):,} rows")
    expect(entry).to_contain_text("sandbox")
    entry.click()
    expect(panel.locator(".ion-history-document")).to_have_text(query)
    screenshot(page, artifacts, "explorer-history")
    page.locator("#ion-magic-explorer").screenshot(path=str(artifacts / "explorer-history-panel.png"))
    status = page.locator("#jp-main-statusbar .ion-status-item")
    expect(status).to_have_text(re.compile(r"^ION: sandbox\b"))
    page.locator("#jp-main-statusbar").screenshot(path=str(artifacts / "status-bar.png"))

    count = cells.count()
    panel.get_by_role("button", name="Insert as a new cell").click()
    expect(cells).to_have_count(count + 1)
    inserted = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell.jp-mod-active")
    expect(inserted.locator(".cm-line").first).to_have_text("%%ion --page-size 7")
    expect(editor(inserted)).to_contain_text("title")

    page.reload()  # a fresh page asks the kernel again: the history comes back with the login
    open_notebook(page, jupyter_lab, name)
    panel = open_explorer(page)
    panel.get_by_role("tab", name="History").click()
    expect(panel.locator(".ion-history-entry")).to_contain_text(f"runs: {int(rows):,} rows", timeout=LOGIN)
    expect(page.locator("#jp-main-statusbar .ion-status-item")).to_have_text(re.compile(r"^ION: sandbox\b"))


def test_sort_and_filters_write_graphql_literals(page: Page, jupyter_lab: RunningLab, artifacts: Path) -> None:
    name = write_notebook(jupyter_lab, "explorer-arguments.ipynb", [LOGIN_CELL])
    cells = open_notebook(page, jupyter_lab, name)
    panel = open_explorer(page)
    log_in(page, cells)
    panel.get_by_placeholder("Search the ION schema").fill("runs")
    checkbox(panel, "Query.runs").check()
    checkbox(panel, "Run.status").check()
    query_cell = cells.nth(2)

    panel.get_by_role("combobox", name="Query.runs sort").select_option("TITLE_DESC")
    expect(editor(query_cell)).to_contain_text("runs(sort: [TITLE_DESC])")
    panel.get_by_role("button", name="Add a filter").first.click()
    condition = panel.locator(".ion-explorer-condition").first
    condition.get_by_role("combobox", name="filter field").select_option("status")
    condition.get_by_role("combobox", name="filter value").select_option("COMPLETE")
    expect(editor(query_cell)).to_contain_text("runs(sort: [TITLE_DESC], filters: {status: {eq: COMPLETE}})")
    screenshot(page, artifacts, "explorer-arguments")

    run_cell(page, query_cell, timeout=LOGIN)
    table = query_cell.locator(".jp-OutputArea-output table.dataframe")
    expect(table).to_be_visible(timeout=LOGIN)
    statuses = set(table.locator("tbody tr td:nth-child(3)").all_inner_texts())
    assert statuses == {"COMPLETE"}

    query_cell.locator(".cm-content").click()
    panel.get_by_placeholder("Search the ION schema").fill("createRun")
    checkbox(panel, "Mutation.createRun").check()
    mutation_cell = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell.jp-mod-active")
    expect(editor(mutation_cell)).to_contain_text("mutation {")
    expect(mutation_cell.locator(".cm-line").first).to_have_text("%%ion")
    expect(editor(mutation_cell)).to_contain_text("add --allow-mutation to the first line")


def test_panel_and_status_bar_follow_the_active_notebook(page: Page, jupyter_lab: RunningLab, artifacts: Path) -> None:
    logged_in = write_notebook(jupyter_lab, "explorer-a.ipynb", [LOGIN_CELL])
    other = write_notebook(jupyter_lab, "explorer-b.ipynb", ["%load_ext ion_magic"])
    cells = open_notebook(page, jupyter_lab, logged_in)
    panel = open_explorer(page)
    log_in(page, cells)
    status = page.locator("#jp-main-statusbar .ion-status-item")
    expect(status).to_have_text(re.compile(r"^ION: sandbox\b"))
    expect(panel.get_by_placeholder("Search the ION schema")).to_be_visible()

    page.goto(f"{jupyter_lab.url}/lab/tree/{other}")  # opened beside the first, which stays open
    kernel_status = page.locator("#jp-main-statusbar").get_by_text(re.compile(r"^Python 3.* \| Idle$"))
    expect(kernel_status).to_be_visible(timeout=60_000)
    expect(page.locator(".jp-NotebookPanel:visible")).to_contain_text("%load_ext ion_magic")
    panel = page.locator("#ion-magic-explorer")
    if not panel.is_visible():
        open_explorer(page)
    expect(status).to_be_hidden()
    expect(panel.get_by_text("Log in with %ion_login to browse the schema.", exact=True)).to_be_visible()

    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=logged_in).click()
    expect(status).to_have_text(re.compile(r"^ION: sandbox\b"))
    expect(panel.get_by_placeholder("Search the ION schema")).to_be_visible()
