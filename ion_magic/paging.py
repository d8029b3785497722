"""The page loop: one request per page, rows fed to the frame builder as they arrive, in order.

An interrupt or a failure that outlasted the retries ends the loop with the rows already received and
the cursor to resume from; nothing already fetched is lost. With offset cursors and a totalCount the
pages after the first are fetched several at a time (see parallel.py).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from .errors import IonError, ServerError, describe_graphql_errors
from .frames import FrameBuilder, FramePlan
from .operation import PAGE_INFO_ALIAS, RootPlan
from .parallel import DataMoved, PageSlot, check_page, fetch_in_order, schedule

Send = Callable[[str, dict[str, Any]], dict[str, Any]]


class Progress(Protocol):
    def update(self, rows: int, total: int | None) -> None:
        """Show `rows` received; `total` None keeps the last total."""

    def close(self) -> None: ...


ProgressFactory = Callable[[str], Progress]


@dataclass
class RootResult:
    """What one root field gave: its frame (or raw value), and how the fetch went."""

    plan: RootPlan
    frame: pd.DataFrame | None = None
    pages: int = 0
    rows: int = 0
    nodes: int = 0
    null_nodes: int = 0
    seconds: float = 0.0
    end_cursor: str | None = None
    has_next_page: bool | None = None
    total_count: int | None = None
    complete: bool = True
    interrupted: bool = False
    error: IonError | None = None
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    concurrency: int = 1


def fetch_root(send: Send, plan: RootPlan, frame_plan: FramePlan, *, max_rows: int | None = None,
               progress_factory: ProgressFactory | None = None, concurrency: int = 1) -> RootResult:
    """Fetch one root field (every page of a connection the magic pages) into a DataFrame."""
    started = time.perf_counter()
    result, builder = RootResult(plan), FrameBuilder(frame_plan)
    if plan.shape != "connection":
        _fetch_single(send, plan, builder, result)
    else:
        try:
            _Pager(send, plan, builder, result, max_rows, progress_factory).run(concurrency)
        except DataMoved as moved:
            result, builder = RootResult(plan), FrameBuilder(frame_plan)
            result.notes.append(f"{moved} The rows moved under the parallel pull, so it was fetched again one "
                                "page at a time.")
            _Pager(send, plan, builder, result, max_rows, progress_factory).run(1)
    result.frame = builder.finish()
    if max_rows is not None and len(result.frame) > max_rows:
        result.frame = result.frame.iloc[:max_rows].reset_index(drop=True)
    result.rows = len(result.frame)
    result.nodes = builder.nodes
    result.null_nodes = builder.null_nodes
    result.seconds = time.perf_counter() - started
    return result


def root_value(response: dict[str, Any], plan: RootPlan, result: RootResult) -> Any:
    """The root field's value in a response; its errors are kept, and raised when no value came with them."""
    errors = response.get("errors") or []
    data = response.get("data") or {}
    value = data.get(plan.response_key) if isinstance(data, dict) else None
    if errors:
        result.server_errors.extend(errors)
        if value is None:
            raise ServerError(
                f"The server answered {plan.response_key} with errors:\n{describe_graphql_errors(errors)}",
                errors,
                response.get("data"),
            )
    return value


def _fetch_single(send: Send, plan: RootPlan, builder: FrameBuilder, result: RootResult) -> None:
    value = root_value(send(plan.document, dict(plan.variables)), plan, result)
    result.pages = 1
    if plan.shape == "list":
        builder.add_nodes(list(value or ()))
    else:
        builder.add_nodes([value] if value is not None else [])
    result.complete = not result.server_errors


class _Pager:
    """Follows one connection's cursors, sequentially or with several pages in flight."""

    def __init__(self, send: Send, plan: RootPlan, builder: FrameBuilder, result: RootResult,
                 max_rows: int | None, progress_factory: ProgressFactory | None) -> None:
        self.send, self.plan, self.builder, self.result = send, plan, builder, result
        self.max_rows = max_rows
        self.progress_factory = progress_factory
        self.progress: Progress | None = None

    def run(self, concurrency: int) -> None:
        try:
            self._run(concurrency)
        except KeyboardInterrupt:
            self.result.interrupted, self.result.complete = True, False
        finally:
            if self.progress is not None:
                self.progress.update(self.builder.rows, None)
                self.progress.close()

    def _run(self, concurrency: int) -> None:
        result, plan = self.result, self.plan
        after = plan.first_cursor
        while True:
            connection = self._request(after, self._page_size())
            if connection is None:
                return
            edges = self._add(connection)
            if result.server_errors:
                result.complete = False
                return
            if not plan.paged or not result.has_next_page or not edges or self._enough():
                return
            if result.end_cursor == after:
                result.error, result.complete = IonError(f"The server repeated the cursor {after!r}."), False
                return
            self._show_progress()
            if concurrency > 1 and result.pages == 1 and plan.first_variable:
                slots = schedule(result.end_cursor, result.total_count, plan.page_size, self._rows_wanted())
                if slots is not None:
                    self._run_parallel(slots, concurrency, connection)
                    return
            after = result.end_cursor

    def _run_parallel(self, slots: list[PageSlot], concurrency: int, first_page: dict[str, Any]) -> None:
        result, plan = self.result, self.plan
        result.concurrency = concurrency
        total = result.total_count
        seen_ids = _ids(first_page, plan, set())

        def fetch(slot: PageSlot) -> dict[str, Any] | None:
            return self._request(slot.after, slot.size)

        for slot, connection in fetch_in_order(fetch, slots, concurrency):
            if connection is None:
                return
            edges = connection.get(plan.edges_key) or []
            check_page(slot, connection, edges, connection.get(PAGE_INFO_ALIAS) or {}, total)
            seen_ids = _ids(connection, plan, seen_ids)
            self._add(connection)
            if result.server_errors:
                result.complete = False
                return
            self._show_progress()

    def _request(self, after: str | None, size: int | None) -> dict[str, Any] | None:
        variables = dict(self.plan.variables)
        variables[self.plan.after_variable] = after
        if self.plan.first_variable:
            variables[self.plan.first_variable] = size
        try:
            return root_value(self.send(self.plan.document, variables), self.plan, self.result)
        except IonError as error:
            if self.result.pages == 0:
                raise
            self.result.error, self.result.complete = error, False
            return None

    def _add(self, connection: dict[str, Any]) -> list[Any]:
        result, plan = self.result, self.plan
        edges = connection.get(plan.edges_key) or []
        with deferred_interrupt():  # the rows and the cursor to resume from must stay in step
            self.builder.add_nodes([edge.get(plan.node_key) if edge else None for edge in edges])
            page_info = connection.get(PAGE_INFO_ALIAS) or {}
            result.pages += 1
            result.has_next_page = page_info.get("hasNextPage")
            result.total_count = page_info.get("totalCount", result.total_count)
            if page_info.get("endCursor"):
                result.end_cursor = page_info["endCursor"]
        return edges

    def _rows_wanted(self) -> int | None:
        return None if self.max_rows is None else self.max_rows - self.builder.rows

    def _page_size(self) -> int | None:
        wanted = self._rows_wanted()
        return self.plan.page_size if wanted is None else min(self.plan.page_size or wanted, wanted)

    def _enough(self) -> bool:
        return self.max_rows is not None and self.builder.rows >= self.max_rows

    def _show_progress(self) -> None:
        if self.progress is None and self.progress_factory is not None:
            self.progress = self.progress_factory(self.plan.response_key)
        if self.progress is not None:
            total = self.result.total_count
            if self.max_rows is not None:
                total = min(total or self.max_rows, self.max_rows)
            self.progress.update(self.builder.rows, total)


def _ids(connection: dict[str, Any], plan: RootPlan, seen: set[Any]) -> set[Any]:
    """`seen` plus the page's node ids; DataMoved when one repeats (only when `id` is selected)."""
    for edge in connection.get(plan.edges_key) or ():
        node = edge.get(plan.node_key) if edge else None
        if isinstance(node, dict) and "id" in node:
            if node["id"] in seen:
                raise DataMoved(f"The row with id {node['id']} came twice.")
            seen.add(node["id"])
    return seen


@contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold a Ctrl-C / kernel interrupt until the block is done, then raise it (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda *args: received.append(args))
    if previous is None:  # a handler installed outside Python
        previous = signal.default_int_handler
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt
