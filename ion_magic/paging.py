"""The pull of one connection: every page checked before its rows are kept, rows fed in order.

The server is not trusted. A page enters the result only after its shape is checked (`read_page`), its
cursor and row ids are new, and it fits `max_rows`; `hasNextPage` decides whether the pull goes on, the
totalCount is only a hint for how many pages may be asked for ahead. Whatever stops a pull early (an
interrupt, a failure that outlasted the retries, server errors, `max_rows`, a server breaking the paging
rules) is one `Stop`, and the result keeps a gap-free prefix and the cursor to resume from.

While page k is checked and built, page k+1 is already on the wire (its cursor is known once page k is
decoded); with offset cursors and a plausible totalCount, more pages are in flight, as many as help.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .cursors import decode_offset, encode_offset
from .errors import IonError
from .nested import unwrap
from .nested_fetch import complete_nested
from .operation import Paging, RootPlan
from .pages import Page, PagingViolation, read_page, root_value, shown
from .parallel import DataMoved, OffsetSchedule, PageSlot, check_page
from .root_result import Progress, ProgressFactory, RootResult, Send, Sink


@dataclass
class _Request:
    after: str | None
    size: int | None
    slot: PageSlot | None  # set when the page was asked for by offset, ahead of the previous page
    future: Future


class ConnectionPull:
    """Follows one connection's cursors with the next page(s) in flight while a page is built."""

    def __init__(
        self,
        send: Send,
        plan: RootPlan,
        paging: Paging,
        sink: Sink,
        result: RootResult,
        max_rows: int | None,
        progress_factory: ProgressFactory | None,
        nested_page_size: int,
    ) -> None:
        self.send, self.plan, self.paging, self.sink, self.result = send, plan, paging, sink, result
        self.nested_page_size = nested_page_size
        self.max_rows = max_rows
        self.progress_factory = progress_factory
        self.progress: Progress | None = None
        self.seen_cursors: set[str] = set()
        self.seen_ids: set[Any] = set()
        self.schedule: OffsetSchedule | None = None
        self.first_total: int | None = None

    def run(self, concurrency: int) -> None:
        pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="ion-page")
        try:
            self._run(pool, concurrency)
        except KeyboardInterrupt:
            self.result.stop("interrupted", "interrupted")
        finally:
            # An interrupt or a failure must not wait for requests still in flight: their answers are dropped.
            pool.shutdown(wait=False, cancel_futures=True)
            if self.progress is not None:
                self.progress.update(self.sink.rows, None)
                self.progress.close()

    def _run(self, pool: ThreadPoolExecutor, concurrency: int) -> None:
        result = self.result
        pending: deque[_Request] = deque([self._submit(pool, self.paging.start_cursor, None)])
        window = 2  # requests in flight by offset; grows up to `concurrency` while the network is the wait
        while pending:
            request = pending.popleft()
            started = time.perf_counter()
            page = self._receive(request)
            waited = time.perf_counter() - started
            if page is None:
                return
            try:
                more = self._check(page, request)
            except PagingViolation as error:
                if result.pages == 0:
                    raise
                result.stop("broken_paging", str(error))
                return
            if more:
                self._ask_ahead(pool, pending, page, window, concurrency)
            else:
                self._drop(pending)
            started = time.perf_counter()
            kept_all = self._keep(page)
            worked = time.perf_counter() - started
            if not kept_all or result.stopped is not None:
                self._drop(pending)
                return
            if not more:
                self._finish_without_more(page)
                return
            if self.schedule is not None:
                window = _adapt(window, waited, worked, concurrency)
                self._ask_ahead(pool, pending, page, window, concurrency)
            self._show_progress()

    def _check(self, page: Page, request: _Request) -> bool:
        """Check the page against the rules of paging; True when the pull goes on after it."""
        if request.slot is not None:
            check_page(request.slot, len(page.edges), page.page_info, page.has_next_page, self.first_total)
        self._check_new(page, request.after)
        if self.result.pages == 0:
            self.result.total_count = self.first_total = page.total_count
        wanted = self._rows_wanted()
        more = self.paging.follow and page.has_next_page
        if more and wanted is not None:
            more = wanted > sum(self.sink.row_counts(page.nodes))
        if more and page.end_cursor is None:
            raise PagingViolation(
                f"{self.plan.response_key}: the server says more pages follow but gives no endCursor to ask for them."
            )
        if more and not page.edges:
            raise PagingViolation(f"{self.plan.response_key}: the server says more pages follow after an empty page.")
        return more

    def _ask_ahead(
        self, pool: ThreadPoolExecutor, pending: deque[_Request], page: Page, window: int, concurrency: int
    ) -> None:
        """Put the next page(s) on the wire before this page is built."""
        if self.schedule is None and self.result.pages == 0:
            self._plan_ahead(page, concurrency)
        if self.schedule is not None:
            self._fill(pool, pending, window)
            if not pending:  # past the announced total: on from the last page's own cursor
                self.schedule = None
        if self.schedule is None and not pending:
            pending.append(self._submit(pool, page.end_cursor, None))

    # -- requests ---------------------------------------------------------------------------------------
    def _submit(self, pool: ThreadPoolExecutor, after: str | None, slot: PageSlot | None) -> _Request:
        variables = dict(self.plan.variables)
        variables[self.paging.after_variable] = after
        size = slot.size if slot is not None else self._page_size()
        if self.paging.first_variable:
            variables[self.paging.first_variable] = size
        return _Request(after, size, slot, pool.submit(self.send, self.plan.document, variables))

    def _fill(self, pool: ThreadPoolExecutor, pending: deque[_Request], window: int) -> None:
        while self.schedule is not None and len(pending) < window:
            slot = self.schedule.take()
            if slot is None:
                return
            pending.append(self._submit(pool, slot.after, slot))

    def _plan_ahead(self, page: Page, concurrency: int) -> None:
        """Ask for pages by offset ahead of the cursors when the cursors are offsets and the total is plausible."""
        if concurrency > 1 and self.result.pages == 0 and self.paging.first_variable and self.schedule is None:
            self.schedule = OffsetSchedule.after_page(
                page.end_cursor, page.total_count, self.paging.page_size, self._rows_wanted_after(page)
            )
            if self.schedule is not None:
                self.result.concurrency = concurrency

    def _drop(self, pending: deque[_Request]) -> None:
        for request in pending:
            request.future.cancel()
        pending.clear()

    def _receive(self, request: _Request) -> Page | None:
        """The checked page, or None when the pull stops here (its rows so far kept)."""
        try:
            connection = root_value(
                request.future.result(), self.plan.response_key, self.result, page=self.result.pages + 1
            )
            if connection is None:  # a null connection on the first page: nothing there
                self.result.notes.append(f"the server answered {self.plan.response_key}: null")
                self.result.has_next_page = False
                return None
            return read_page(connection, self.plan, self.paging)
        except DataMoved:
            raise
        except PagingViolation as error:
            if self.result.pages == 0:
                raise
            self.result.stop("broken_paging", str(error))
        except IonError as error:
            if self.result.pages == 0:
                raise
            self.result.stop("failed", str(error))
        return None

    # -- rows ---------------------------------------------------------------------------------------------
    def _check_new(self, page: Page, after: str | None) -> None:
        """Stop before a page whose cursor or row ids were seen before enters the frame."""
        if after is not None:
            self.seen_cursors.add(after)
        if page.end_cursor is not None and page.end_cursor in self.seen_cursors and page.has_next_page:
            raise PagingViolation(f"{self.plan.response_key}: the server repeated cursor {page.end_cursor!r}.")
        ids = [node["id"] for node in page.nodes if node is not None and "id" in node]
        if not set(map(type, ids)) <= {int, str}:
            index, bad = next(
                (i, node["id"])
                for i, node in enumerate(page.nodes)
                if node is not None and "id" in node and type(node["id"]) not in (int, str)
            )
            raise PagingViolation(
                f"{self.plan.response_key}.{self.paging.edges_key}[{index}]."
                f"{self.paging.node_key}.id is {shown(bad)}, not an id."
            )
        fresh = set(ids)
        if len(fresh) != len(ids) or not self.seen_ids.isdisjoint(fresh):  # find the first repeat to name it
            seen = set(self.seen_ids)
            for row_id in ids:
                if row_id in seen:
                    raise PagingViolation(f"{self.plan.response_key}: the server repeated row id {row_id!r}.")
                seen.add(row_id)
        self.seen_ids |= fresh

    def _keep(self, page: Page) -> bool:
        """Add the page (all of it, or the whole nodes that fit `max_rows`); False when it was cut."""
        result = self.result
        count = len(page.nodes)
        wanted = self._rows_wanted()
        if wanted is not None:
            count = _nodes_fitting(self.sink.row_counts(page.nodes), wanted, first=self.sink.rows == 0)
        if self.plan.nested:
            complete_nested(self.send, unwrap(page.nodes[:count], self.plan.nested), self.nested_page_size, result)
        with deferred_interrupt():  # the rows and the cursor to resume from must stay in step
            self.sink.add(page.edges[:count], page.nodes[:count], page.connection)
            result.pages += 1
            result.has_next_page = page.has_next_page
            if count == len(page.nodes):
                result.end_cursor = page.end_cursor or result.end_cursor
            else:
                result.end_cursor, result.exact_resume = self._cursor_of(page, count - 1)
        if result.server_errors:
            result.stop("server_errors", "the server answered with errors (the data that came is kept)")
        if count < len(page.nodes):
            result.stop("max_rows", self._cut_message())
            return False
        return True

    def _cursor_of(self, page: Page, index: int) -> tuple[str | None, bool]:
        """The cursor of the edge at `index` (None, False when the server gives none to rely on)."""
        if index < 0:
            return self.result.end_cursor, True
        if page.cursors is not None and isinstance(page.cursors[index], str):
            return page.cursors[index], True
        start = decode_offset(page.start_cursor)
        if start is not None:
            return encode_offset(start + index), True
        return None, False

    def _finish_without_more(self, page: Page) -> None:
        result = self.result
        if page.has_next_page and not self.paging.follow:
            result.stop("max_rows", f"the cell's `first` limits {self.plan.response_key} to one page; more rows follow")
        elif page.has_next_page:
            result.stop("max_rows", self._cut_message())

    def _cut_message(self) -> str:
        return f"cut at {self.max_rows:,} rows, as asked (max rows)"

    def _rows_wanted(self) -> int | None:
        return None if self.max_rows is None else self.max_rows - self.sink.rows

    def _rows_wanted_after(self, page: Page) -> int | None:
        wanted = self._rows_wanted()
        return None if wanted is None else max(0, wanted - len(page.nodes))

    def _page_size(self) -> int | None:
        wanted = self._rows_wanted()
        size = self.paging.page_size
        return size if wanted is None or size is None else max(1, min(size, wanted))

    def _show_progress(self) -> None:
        if self.progress is None and self.progress_factory is not None:
            self.progress = self.progress_factory(self.plan.response_key)
        if self.progress is not None:
            total = self.result.total_count
            if self.max_rows is not None:
                total = min(total or self.max_rows, self.max_rows)
            self.progress.update(self.sink.rows, total)


def _nodes_fitting(row_counts: list[int], wanted: int, *, first: bool) -> int:
    """How many whole nodes fit in `wanted` rows (an exploded node is never split; the very first node of a
    pull is kept whole even when it alone has more rows, so that a resume always moves on)."""
    total = 0
    for index, rows in enumerate(row_counts):
        if total + rows > wanted and not (first and total == 0 and index == 0 and rows > 0):
            return index
        total += rows
        if total >= wanted:
            return index + 1
    return len(row_counts)


def _adapt(window: int, waited: float, worked: float, concurrency: int) -> int:
    """One more page in flight while the loop waits on the network longer than it works; one fewer when
    it hardly waits at all (then extra requests only compete for the CPU)."""
    if waited > worked and window < concurrency:
        return window + 1
    if waited < worked / 4 and window > 2:
        return window - 1
    return window


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
