"""Progress that costs nothing: few redraws whatever the page rate, nothing left behind, none in scripts."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from ion_magic.progress import FIRST_DRAW_AFTER, REDRAW_INTERVAL, PullProgress, in_notebook

from .kernels import execute, notebook, text_of


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def redraws(stderr: str) -> int:
    """tqdm starts every redraw of a text bar with a carriage return."""
    return stderr.count("\r")


def test_a_pull_of_any_page_rate_redraws_at_most_ten_times_a_second(capsys):
    clock = FakeClock()
    progress = PullProgress("partInventories", clock=clock)
    for page in range(1, 2001):  # 2,000 pages in 2 seconds
        clock.now += 0.001
        progress.update(page * 100, 200_000)
    shown = capsys.readouterr().err
    assert "partInventories" in shown and "/200000" in shown
    assert 10 <= redraws(shown) <= (2 - FIRST_DRAW_AFTER) / REDRAW_INTERVAL + 2, shown


def test_a_short_pull_draws_nothing_and_a_closed_bar_leaves_no_line(capsys):
    clock = FakeClock()
    short = PullProgress("runs", clock=clock)
    for page in range(1, 50):
        clock.now += FIRST_DRAW_AFTER / 100
        short.update(page * 10, None)
    short.close()
    assert capsys.readouterr().err == ""
    long = PullProgress("runs", clock=clock)
    clock.now += FIRST_DRAW_AFTER
    long.update(10, None)
    long.close()
    shown = capsys.readouterr().err
    assert "10 rows" in shown and shown.endswith("\r")  # tqdm clears the line it drew (leave=False)


def test_outside_a_kernel_is_not_a_notebook():
    assert in_notebook() is False


def test_a_script_gets_no_progress_by_default_and_one_when_asked(sandbox, tmp_path):
    script = textwrap.dedent(f"""
        import sys, ion_magic.progress as progress
        from ion_magic.session import IonSession
        progress.REDRAW_INTERVAL = progress.FIRST_DRAW_AFTER = 0  # draw on every page: any bar would show
        session = IonSession("custom", {sandbox.api_url!r}, {sandbox.auth_url!r}, {sandbox.client_id!r},
                             {sandbox.client_secret!r})
        session.login()
        query = "{{ partInventories {{ edges {{ node {{ id }} }} }} }}"
        frame = session.query(query, page_size=5, progress=sys.argv[1] == "on" or None)
        print(len(frame))
    """)
    env = {"ION_MAGIC_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    default, asked = (
        subprocess.run([sys.executable, "-c", script, mode], capture_output=True, env=env, timeout=120, check=True)
        for mode in ("default", "on")
    )
    assert int(default.stdout) == int(asked.stdout) > 10
    assert default.stderr == b""
    assert b"partInventories" in asked.stderr and redraws(asked.stderr.decode()) > 1
    assert b" 0 rows" not in asked.stderr  # the first line drawn already counts the first page


@pytest.mark.kernel
def test_a_saved_notebook_keeps_no_progress_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "cache"))
    pull = "{ partInventories { edges { node { id serialNumber } } } }"
    nb = execute(
        notebook(
            "%load_ext ion_magic\n%ion_login --sandbox",
            "import ion_magic.progress as progress\nprogress.REDRAW_INTERVAL = progress.FIRST_DRAW_AFTER = 0",
            f"%%ion shown --page-size 2\n{pull}",
            f"%%ion hidden --page-size 2 --no-progress\n{pull}",
            "print(len(shown), len(hidden))",
        ),
        cwd=tmp_path,
    )
    shown, hidden, check = nb.cells[2:]
    rows = [int(count) for count in text_of(check).split()]
    assert rows[0] == rows[1] > 10
    displays = [output for output in shown.outputs if output.output_type == "display_data"]
    # the bar was displayed, then its output emptied: nothing left to read, no widget to restore
    assert [display.data for display in displays] == [{"text/plain": ""}], shown.outputs
    assert not [output for output in hidden.outputs if output.output_type == "display_data"], hidden.outputs
