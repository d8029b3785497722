"""`make lab`: JupyterLab on loopback with the tutorials open; `%ion_login --sandbox` in a notebook starts
the embedded ION sandbox inside its kernel."""

from __future__ import annotations

import os
import sys
from pathlib import Path

FIRST_NOTEBOOK = "01-getting-started.ipynb"


def lab_arguments(notebooks: Path, as_root: bool) -> list[str]:
    arguments = [str(notebooks / FIRST_NOTEBOOK), f"--ServerApp.root_dir={notebooks}", "--ServerApp.ip=127.0.0.1"]
    if as_root:
        arguments.append("--allow-root")
    return arguments


def main() -> None:
    """Extra arguments go to JupyterLab (e.g. --ServerApp.port=8899 --no-browser)."""
    from jupyterlab.labapp import LabApp

    notebooks = Path.cwd() / "notebooks"
    if not (notebooks / FIRST_NOTEBOOK).exists():
        sys.exit(f"Run this from the ion-magic checkout: {notebooks / FIRST_NOTEBOOK} is missing.")
    print("Starting JupyterLab with the ion-magic tutorials; the URL to open follows.", flush=True)
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    LabApp.launch_instance(argv=[*lab_arguments(notebooks, as_root), *sys.argv[1:]])


if __name__ == "__main__":
    main()
