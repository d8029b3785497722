"""One root field's fetch: what it sends through (`Send`), where its rows go (`Sink`), what shows its
progress, and what it gives back (`RootResult`): complete, or stopped for one reason (`Stop`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from .operation import RootPlan

Send = Callable[[str, dict[str, Any]], dict[str, Any]]
StopReason = Literal["interrupted", "failed", "server_errors", "max_rows", "nested_incomplete", "broken_paging"]
# Reasons after which the rows that follow can be fetched by starting after the last row kept.
RESUMABLE: frozenset[str] = frozenset({"interrupted", "failed", "server_errors", "max_rows", "broken_paging"})


class Progress(Protocol):
    """What shows a pull's progress (a bar in a notebook)."""

    def update(self, rows: int, total: int | None) -> None:
        """Show `rows` received; `total` None keeps the last total."""

    def close(self) -> None: ...


ProgressFactory = Callable[[str], Progress]


@dataclass(frozen=True)
class Stop:
    """Why a root's rows end before the server's last row."""

    reason: StopReason
    message: str


class Sink(Protocol):
    """Where a root's rows go: a frame builder, or the raw edges."""

    @property
    def rows(self) -> int: ...

    def row_counts(self, nodes: Sequence[Any]) -> list[int]:
        """The rows each node will make (0 for a null node)."""

    def add(self, edges: list[Any], nodes: list[Any], connection: Mapping[str, Any] | None) -> None:
        """Take a page's edges and their nodes (`connection`: the page itself, None for other shapes)."""

    def finish(self) -> Any: ...


@dataclass
class RootResult:
    """What one root field gave, and how the fetch went: complete, or stopped for one reason."""

    plan: RootPlan
    frame: Any = None  # a DataFrame, or the raw data
    pages: int = 0
    rows: int = 0
    nodes: int = 0
    null_nodes: int = 0
    seconds: float = 0.0
    end_cursor: str | None = None  # the cursor of the last row kept
    has_next_page: bool | None = None
    total_count: int | None = None
    stopped: Stop | None = None
    exact_resume: bool = True  # False when the last row kept has no cursor of its own
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    concurrency: int = 1
    nested_cut: dict[str, int] = field(default_factory=dict)  # nested connection -> parents it was cut in

    @property
    def complete(self) -> bool:
        return self.stopped is None

    @property
    def resume(self) -> str | None:
        """The cursor to pass back as `after` for exactly the rows not fetched (None: nothing to resume)."""
        if self.stopped is None or self.stopped.reason not in RESUMABLE or self.plan.paging is None:
            return None
        if not self.exact_resume:
            return None
        return self.end_cursor if self.end_cursor is not None else self.plan.paging.start_cursor

    def stop(self, reason: StopReason, message: str) -> None:
        if self.stopped is None:
            self.stopped = Stop(reason, message)


def counted(number: int, noun: str) -> str:
    """`1 row`, `2,000 rows`."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
