"""A progress bar for paged pulls: a widget in a notebook, text in a terminal (tqdm.auto picks)."""

from __future__ import annotations


class TqdmProgress:
    """Rows received of the total the server announced (when it did)."""

    def __init__(self, label: str) -> None:
        from tqdm.auto import tqdm

        self._bar = tqdm(desc=label, unit=" rows", leave=False, dynamic_ncols=True)

    def update(self, rows: int, total: int | None) -> None:
        if total is not None and self._bar.total != total:
            self._bar.total = total
        self._bar.n = rows
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()
