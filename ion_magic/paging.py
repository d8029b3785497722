"""The page loop: every root field fetched, each page checked before its rows are kept, rows fed in order.

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Literal, Protocol

from .cursors import decode_offset, encode_offset
from .errors import IonError, ServerError, describe_graphql_errors
from .nested import NESTED_PAGE_INFO_ALIAS, Cut, Refetch, unwrap
from .operation import PAGE_INFO_ALIAS, Paging, RootPlan
from .parallel import DataMoved, OffsetSchedule, PageSlot, check_page

Send = Callable[[str, dict[str, Any]], dict[str, Any]]
StopReason = Literal["interrupted", "failed", "server_errors", "max_rows", "nested_incomplete", "broken_paging"]
# Reasons after which the rows that follow can be fetched by starting after the last row kept.
RESUMABLE: frozenset[str] = frozenset({"interrupted", "failed", "server_errors", "max_rows", "broken_paging"})


class Progress(Protocol):
    def update(self, rows: int, total: int | None) -> None:
        """Show `rows` received; `total` None keeps the last total."""

    def close(self) -> None: ...


ProgressFactory = Callable[[str], Progress]


class PagingViolation(IonError):
    """The server's answer breaks GraphQL's or Relay's rules (wrong JSON types, a repeated cursor...)."""


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


@dataclass(frozen=True)
class Page:
    """One checked page of a connection."""

    edges: list[Any]
    nodes: list[Any]
    cursors: list[Any] | None  # each edge's own cursor, when asked for
    has_next_page: bool
    start_cursor: str | None
    end_cursor: str | None
    total_count: int | None
    page_info: dict[str, Any]
    connection: Mapping[str, Any]


# -- reading answers -------------------------------------------------------------------------------------
def root_value(response: Any, key: str, result: RootResult, *, page: int = 1) -> Any:
    """The root field's value in a response. Its errors are kept (raised when no value came with them);
    an answer that breaks the GraphQL response format is a PagingViolation naming what is wrong."""
    if not isinstance(response, Mapping):
        raise PagingViolation(f"The server's answer is a {_json_type(response)}, not an object.")
    errors = response.get("errors")
    data = response.get("data")
    if errors is not None and not isinstance(errors, list):
        raise PagingViolation(f"The server's `errors` is a {_json_type(errors)}, not a list.")
    if data is not None and not isinstance(data, Mapping):
        raise PagingViolation(f"The server's `data` is a {_json_type(data)}, not an object.")
    if errors:
        result.server_errors.extend(errors)
        value = data.get(key) if data else None
        if value is None:
            raise ServerError(f"The server answered {key} with errors:\n{describe_graphql_errors(errors)}",
                              errors, data)
        return value
    if data is None:
        raise PagingViolation(f"The server answered page {page} of {key} with neither data nor errors.")
    if key not in data:
        raise PagingViolation(f"The server's answer has no {key} (page {page}) and no errors.")
    if data[key] is None and page > 1:
        raise PagingViolation(f"The server answered {key}: null on page {page} without an error.")
    return data[key]


def read_page(connection: Any, plan: RootPlan, paging: Paging) -> Page:
    """Check one page's shape and take out its edges, nodes, cursors and pageInfo."""
    key = plan.response_key
    if not isinstance(connection, Mapping):
        raise PagingViolation(f"{key} is a {_json_type(connection)}, not a connection object.")
    if paging.edges_key not in connection:
        raise PagingViolation(f"{key}.{paging.edges_key} is missing from the answer.")
    edges = connection[paging.edges_key]
    if edges is None:
        edges = []
    elif not isinstance(edges, list):
        raise PagingViolation(f"{key}.{paging.edges_key} is a {_json_type(edges)}, not a list.")
    where = f"{key}.{paging.edges_key}"
    _check_objects(edges, where, "an edge object")
    nodes = _values(edges, paging.node_key)
    _check_objects(nodes, where, "an object", paging.node_key)
    cursors = _values(edges, paging.cursor_key) if paging.cursor_key else None
    page_info = connection.get(PAGE_INFO_ALIAS)
    if not isinstance(page_info, Mapping):
        raise PagingViolation(f"{key}.pageInfo is a {_json_type(page_info)}, not an object.")
    has_next = page_info.get("hasNextPage")
    if not isinstance(has_next, bool):
        raise PagingViolation(f"{key}.pageInfo.hasNextPage is {_shown(has_next)}, not true or false.")
    end_cursor = page_info.get("endCursor")
    if end_cursor is not None and not isinstance(end_cursor, str):
        raise PagingViolation(f"{key}.pageInfo.endCursor is {_shown(end_cursor)}, not a string.")
    total = page_info.get("totalCount")
    return Page(edges, nodes, cursors, has_next, page_info.get("startCursor"), end_cursor,
                total if type(total) is int else None, dict(page_info), connection)


_OBJECT_OR_NULL = frozenset({dict, type(None)})


def _check_objects(values: list[Any], where: str, what: str, below: str = "") -> None:
    """Every value a JSON object or null (one C-level pass; the first offender named on failure)."""
    if set(map(type, values)) <= _OBJECT_OR_NULL:
        return
    index, value = next((i, v) for i, v in enumerate(values) if type(v) not in _OBJECT_OR_NULL)
    raise PagingViolation(f"{where}[{index}]{'.' + below if below else ''} is a {_json_type(value)}, not {what}.")


def _values(objects: list[dict[str, Any] | None], key: str) -> list[Any]:
    """`object[key]` of each object (None for a null object or a missing key)."""
    try:
        return list(map(itemgetter(key), objects))
    except (KeyError, TypeError):  # a null edge, or a key the server left out
        return [None if item is None else item.get(key) for item in objects]


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else next((n for t, n in names.items() if isinstance(value, t)), "value")


def _shown(value: Any) -> str:
    text = repr(value)
    return f"the {_json_type(value)} {text if len(text) < 40 else text[:37] + '...'}"


# -- fetching ---------------------------------------------------------------------------------------------
def fetch_root(send: Send, plan: RootPlan, make_sink: Callable[[], Sink], *, max_rows: int | None = None,
               progress_factory: ProgressFactory | None = None, concurrency: int = 1,
               nested_page_size: int = 100) -> RootResult:
    """Fetch one root field (every page of a connection the magic pages). Raises when nothing came."""
    started = time.perf_counter()
    result, sink = RootResult(plan), make_sink()
    if plan.paging is None:
        _fetch_single(send, plan, sink, result, nested_page_size)
    else:
        try:
            _Pull(send, plan, plan.paging, sink, result, max_rows, progress_factory, nested_page_size).run(concurrency)
        except DataMoved as moved:
            result, sink = RootResult(plan), make_sink()
            result.notes.append(f"{moved} The rows moved under the parallel pull, so it was fetched again one "
                                "page at a time.")
            _Pull(send, plan, plan.paging, sink, result, max_rows, progress_factory, nested_page_size).run(1)
    if result.nested_cut:
        cut = ", ".join(f"{name} in {_count(count, 'parent')}" for name, count in result.nested_cut.items())
        message = (f"nested connections hold more items than came: {cut} (their parents cannot be fetched "
                   "by id alone, or their id is not selected: select `id`, or ask for more with `first`)")
        if result.stopped is None:
            result.stop("nested_incomplete", message)
        else:
            result.notes.append(message)
    result.frame = sink.finish()
    result.rows = sink.rows
    result.nodes = getattr(sink, "nodes", result.rows)
    result.null_nodes = getattr(sink, "null_nodes", 0)
    result.seconds = time.perf_counter() - started
    return result


def _fetch_single(send: Send, plan: RootPlan, sink: Sink, result: RootResult, nested_page_size: int) -> None:
    value = root_value(send(plan.document, dict(plan.variables)), plan.response_key, result)
    result.pages = 1
    if plan.shape == "list" and value is not None and not isinstance(value, list):
        raise PagingViolation(f"{plan.response_key} is a {_json_type(value)}, not a list.")
    if value is None and not result.server_errors:
        result.notes.append(f"nothing found: the server answered {plan.response_key}: null")
    nodes = list(value or ()) if plan.shape == "list" else ([value] if value is not None else [])
    for index, node in enumerate(nodes):
        if node is not None and not isinstance(node, Mapping) and plan.selection is not None:
            raise PagingViolation(f"{plan.response_key}[{index}] is a {_json_type(node)}, not an object.")
    if plan.nested:
        complete_nested(send, unwrap(nodes, plan.nested), nested_page_size, result)
    sink.add(nodes, nodes, None)
    if result.server_errors:
        result.stop("server_errors", "the server answered with errors (the data that came is kept)")


def complete_nested(send: Send, cuts: list[Cut], page_size: int, result: RootResult) -> None:
    """Fetch the rest of each nested connection that was cut, through its parent's own root field; count
    the ones that cannot be completed (no such root field, no id selected, or a failure)."""
    pending = list(cuts)
    while pending:
        cut = pending.pop()
        refetch, parent_id = cut.connection.refetch, cut.parent.get("id")
        if refetch is None or not isinstance(parent_id, str | int) or isinstance(parent_id, bool):
            result.nested_cut[cut.name] = result.nested_cut.get(cut.name, 0) + 1
            continue
        try:
            pending += _fetch_rest(send, cut, refetch, parent_id, page_size, result)
        except IonError as error:
            result.nested_cut[cut.name] = result.nested_cut.get(cut.name, 0) + 1
            result.notes.append(f"the rest of {cut.name} of id {parent_id} could not be fetched: {error}")


def _fetch_rest(send: Send, cut: Cut, refetch: Refetch, parent_id: str | int, page_size: int,
                result: RootResult) -> list[Cut]:
    """Append the remaining items of one cut connection to its parent's list; the cuts found inside them."""
    key = cut.connection.path[-1]
    field_key = (cut.connection.field.alias or cut.connection.field.name).value
    items, cursor, seen, deeper = cut.parent[key], cut.end_cursor, set(), []
    while True:
        if not isinstance(cursor, str) or cursor in seen:
            raise PagingViolation(f"{cut.name}: the server gives no new cursor to go on from ({_shown(cursor)}).")
        seen.add(cursor)
        variables = {**refetch.variables, refetch.id_variable: parent_id, refetch.after_variable: cursor,
                     refetch.first_variable: page_size}
        parent = root_value(send(refetch.document, variables), refetch.parent_key, result, page=2)
        connection = parent.get(field_key) if isinstance(parent, Mapping) else None
        edges = connection.get(cut.connection.edges_key) if isinstance(connection, Mapping) else None
        page_info = connection.get(NESTED_PAGE_INFO_ALIAS) if isinstance(connection, Mapping) else None
        if not isinstance(edges, list) or not isinstance(page_info, Mapping) \
                or not isinstance(page_info.get("hasNextPage"), bool):
            raise PagingViolation(f"{cut.name}: the answer for the parent {parent_id!r} is not a connection page.")
        nodes = [edge.get(cut.connection.node_key) if isinstance(edge, Mapping) else edge for edge in edges]
        deeper += unwrap(nodes, cut.connection.children, tuple(cut.name.split(".")))
        items.extend(nodes)
        if not page_info["hasNextPage"]:
            return deeper
        cursor = page_info.get("endCursor")


@dataclass
class _Request:
    after: str | None
    size: int | None
    slot: PageSlot | None  # set when the page was asked for by offset, ahead of the previous page
    future: Future


class _Pull:
    """Follows one connection's cursors with the next page(s) in flight while a page is built."""

    def __init__(self, send: Send, plan: RootPlan, paging: Paging, sink: Sink, result: RootResult,
                 max_rows: int | None, progress_factory: ProgressFactory | None, nested_page_size: int) -> None:
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
            raise PagingViolation(f"{self.plan.response_key}: the server says more pages follow but gives no "
                                  "endCursor to ask for them.")
        if more and not page.edges:
            raise PagingViolation(f"{self.plan.response_key}: the server says more pages follow after an empty "
                                  "page.")
        return more

    def _ask_ahead(self, pool: ThreadPoolExecutor, pending: deque[_Request], page: Page, window: int,
                   concurrency: int) -> None:
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
            self.schedule = OffsetSchedule.after_page(page.end_cursor, page.total_count, self.paging.page_size,
                                                      self._rows_wanted_after(page))
            if self.schedule is not None:
                self.result.concurrency = concurrency

    def _drop(self, pending: deque[_Request]) -> None:
        for request in pending:
            request.future.cancel()
        pending.clear()

    def _receive(self, request: _Request) -> Page | None:
        """The checked page, or None when the pull stops here (its rows so far kept)."""
        try:
            connection = root_value(request.future.result(), self.plan.response_key, self.result,
                                    page=self.result.pages + 1)
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
            index, bad = next((i, node["id"]) for i, node in enumerate(page.nodes) if node is not None
                              and "id" in node and type(node["id"]) not in (int, str))
            raise PagingViolation(f"{self.plan.response_key}.{self.paging.edges_key}[{index}]."
                                  f"{self.paging.node_key}.id is {_shown(bad)}, not an id.")
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
            result.stop("max_rows", f"the cell's `first` limits {self.plan.response_key} to one page; more rows "
                        "follow")
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
