"""Browser tests: a real JupyterLab (this venv's, with the ion-magic extension) on loopback, driven by
Debian's chromium through pytest-playwright. Select them with `-m browser`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .lab_server import LabDidNotStart, RunningLab, running_lab

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
# Flags that keep chromium from trying the network (refused here) and from needing a GPU or a sandbox.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (the Makefile's browser target does it)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[RunningLab]:
    try:
        with running_lab(tmp_path_factory.mktemp("lab"), artifacts / "jupyterlab.log") as lab:
            yield lab
    except LabDidNotStart as error:
        pytest.fail(str(error))


@pytest.fixture(autouse=True)
def console_log(request: pytest.FixtureRequest, page: Any, artifacts: Path) -> Iterator[None]:
    """Keep the browser console of each test in test-artifacts/browser/<test>.console.log."""
    lines: list[str] = []
    page.on("console", lambda message: lines.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: lines.append(f"pageerror: {error}"))
    yield
    (artifacts / f"{request.node.originalname}.console.log").write_text("\n".join(lines) + "\n")
