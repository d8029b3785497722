"""Progress of a paged pull: rows received of the total the server announced (when it did).

It costs nothing next to the pull: it is redrawn at most once every `REDRAW_INTERVAL` seconds whatever the
page rate (a redraw is one widget message), and nothing is drawn in the first `FIRST_DRAW_AFTER` seconds,
so a short pull shows nothing. In a notebook it is a widget shown through a display handle whose output is
emptied at the end: a saved notebook keeps no stale progress line. Elsewhere it is a tqdm text bar on
stderr, cleared at the end.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

REDRAW_INTERVAL = 0.1  # seconds: at most ~10 redraws a second
FIRST_DRAW_AFTER = 0.5  # seconds after the first page: a pull that ends sooner needs no bar


def in_notebook() -> bool:
    """Whether this code runs in a Jupyter kernel (where a widget can show progress)."""
    ipython = sys.modules.get("IPython")  # never imported by a plain script
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


class PullProgress:
    """The progress of one root field's pull, drawn as a widget in a notebook and as text elsewhere."""

    def __init__(self, label: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._label = label
        self._clock = clock
        self._next_draw = clock() + FIRST_DRAW_AFTER
        self._total: int | None = None
        self._view: _WidgetView | _TextView | None = None

    def update(self, rows: int, total: int | None) -> None:
        """Show `rows` received; `total` None keeps the last total. Redrawn at most every REDRAW_INTERVAL."""
        if total is not None:
            self._total = total
        now = self._clock()
        if now < self._next_draw:
            return
        self._next_draw = now + REDRAW_INTERVAL
        if self._view is None:
            self._view = _WidgetView(self._label) if in_notebook() else _TextView(self._label, rows, self._total)
        self._view.draw(rows, self._total)

    def close(self) -> None:
        """Remove what was drawn."""
        if self._view is not None:
            self._view.close()
            self._view = None


class _WidgetView:
    """One progress widget in a display of its own, emptied when the pull ends; a redraw is one message."""

    def __init__(self, label: str) -> None:
        import ipywidgets
        from IPython.display import display

        self._label = label
        self._bar = ipywidgets.IntProgress(min=0, max=1, description=label, style={"description_width": "initial"})
        self._handle: Any = display(self._bar, display_id=True)

    def draw(self, rows: int, total: int | None) -> None:
        with self._bar.hold_sync():
            self._bar.max = max(total or rows, rows, 1)  # no total known: a full bar
            self._bar.value = rows
            self._bar.description = f"{self._label}: " + (f"{rows:,} of {total:,} rows" if total else f"{rows:,} rows")

    def close(self) -> None:
        for widget in (self._bar.layout, self._bar.style, self._bar):
            widget.close()
        if self._handle is not None:
            self._handle.update({"text/plain": ""}, raw=True)


class _TextView:
    """A tqdm bar on stderr, cleared when the pull ends."""

    def __init__(self, label: str, rows: int, total: int | None) -> None:
        from tqdm import tqdm

        self._bar = tqdm(
            desc=label,
            unit=" rows",
            leave=False,
            dynamic_ncols=True,
            file=sys.stderr,
            mininterval=0,
            initial=rows,
            total=total,
        )

    def draw(self, rows: int, total: int | None) -> None:
        if total is not None and self._bar.total != total:
            self._bar.total = total
        self._bar.n = rows
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()
