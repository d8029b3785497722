"""A kernel interrupt during a paged pull keeps the rows received; --after resumes with no gap or repeat."""

from __future__ import annotations

import signal
import threading
import time

import nbformat
import pytest
from nbclient import NotebookClient

from ..kernels import json_printed, notebook, text_of

pytestmark = pytest.mark.kernel

CELLS = (
    "%load_ext ion_magic",
    "%ion_login --sandbox",
    "from ion_magic.session import embedded_sandbox\nfrom ion_magic.sandbox import Faults\n"
    "embedded_sandbox().faults = Faults(latency_ms=300, graphql_only=True)",
    "%%ion inv --page-size 4\n{ partInventories { edges { node { id serialNumber } } } }",
    "embedded_sandbox().faults = Faults()",
    "%%ion rest --after {inv.attrs['ion']['end_cursor']}\n{ partInventories { edges { node { id serialNumber } } } }",
    "%%ion whole\n{ partInventories { edges { node { id serialNumber } } } }",
    "import json\nprint(json.dumps({'partial': len(inv), 'complete': inv.attrs['ion']['complete'],"
    " 'joined': inv['id'].tolist() + rest['id'].tolist() == whole['id'].tolist(), 'whole': len(whole)}))",
)


def test_interrupt_then_resume(tmp_path, monkeypatch):
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "cache"))
    nb = notebook(*CELLS)
    client = NotebookClient(nb, kernel_name="python3", timeout=180, allow_errors=False)
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if index == 3:
                # what JupyterLab's interrupt button does to a Python kernel: SIGINT to its process
                kernel_process = client.km.provisioner.process
                timer = threading.Timer(3.0, kernel_process.send_signal, args=(signal.SIGINT,))
                timer.start()
                started = time.monotonic()
                client.execute_cell(cell, index)
                timer.cancel()
                assert time.monotonic() - started >= 3.0
            else:
                client.execute_cell(cell, index)
    nbformat.validate(nb)
    interrupted = text_of(nb.cells[3])
    assert "interrupted after" in interrupted and "--after" in interrupted
    found = json_printed(nb.cells[7])
    assert 0 < found["partial"] < found["whole"]
    assert found["complete"] is False and found["joined"] is True
