"""`make lab`'s command serves JupyterLab with the tutorials; the getting-started notebook runs in Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .lab_server import LabDidNotStart, running_lab

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
pytestmark = pytest.mark.browser


def test_getting_started_runs_top_to_bottom(page: Page, tmp_path: Path, artifacts: Path) -> None:
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")  # a copy: autosave must not write into the repo
    try:
        with running_lab(tmp_path, artifacts / "main-command.log", main_command=True) as lab:
            page.goto(f"{lab.url}/lab/tree/01-getting-started.ipynb?reset")
            expect(page.locator(".jp-StatusBar-TextItem", has_text="Idle")).to_be_visible(timeout=60_000)
            # The exercises' answers are collapsed, and a collapsed cell shows no execution count: expand them.
            page.get_by_role("menuitem", name="View").click()
            page.get_by_role("menuitem", name="Expand All Code", exact=True).click()
            page.get_by_role("menuitem", name="Run").click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")
            executed = re.compile(r"\[\d+\]:")
            expect(cells.last.locator(".jp-InputArea-prompt")).to_have_text(executed, timeout=120_000)
            for index in range(cells.count()):  # every cell ran: "Run All" did not stop on the way
                expect(cells.nth(index).locator(".jp-InputArea-prompt")).to_have_text(executed)
            expect(page.locator(".jp-OutputArea-output table.dataframe").first).to_be_visible()
            expect(page.locator(".jp-OutputArea-output", has_text="Traceback")).to_have_count(0)
            login = cells.filter(has_text="%ion_login --sandbox").first
            expect(login.locator(".jp-OutputArea-output")).to_contain_text("Logged in to sandbox")
            page.screenshot(path=str(artifacts / "getting-started.png"), full_page=True)
    except LabDidNotStart as error:
        pytest.fail(str(error))
