"""A real JupyterLab for the browser tests: this venv's, so it loads the installed ion-magic extension, on
127.0.0.1 with a free port, no token, no news toast, and config/settings/workspaces of its own."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

NO_NEWS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"}}


@dataclass(frozen=True)
class RunningLab:
    url: str
    root: Path

    def notebook_url(self, name: str) -> str:
        """A file alone in a fresh workspace (`reset`), not with the tabs of earlier tests."""
        return f"{self.url}/lab/tree/{name}?reset"


class LabDidNotStart(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise LabDidNotStart(f"JupyterLab exited with {server.returncode}; see {log}")
        try:
            if httpx.get(f"{url}/api/status", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise LabDidNotStart(f"JupyterLab did not answer on {url} within {timeout} s; see {log}")


@contextmanager
def running_lab(home: Path, log: Path, timeout: float = 90, main_command: bool = False) -> Iterator[RunningLab]:
    """Start JupyterLab under `home` (notebooks in home/notebooks), logging to `log`; stop it by its PID.

    With `main_command`, start it the way `make lab` does (`python -m ion_magic.lab`, run from `home`)."""
    root, settings = home / "notebooks", home / "settings"
    root.mkdir(parents=True, exist_ok=True)
    for name, value in NO_NEWS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    options = [
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
    ]
    if main_command:
        command, cwd = [sys.executable, "-m", "ion_magic.lab", *options], home
    else:
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            *options,
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.root_dir={root}",
        ]
        cwd = root
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        wait_until_up(url, server, log, timeout)
        yield RunningLab(url=url, root=root)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
