"""Fetching one root field: one request for an object, a list or a scalar, or the pull of a connection
(`paging.py`); then the nested connections the server cut are completed (`nested_fetch.py`). Raises when
nothing came; whatever came before a failure is kept, with the reason it stops.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from .nested import unwrap
from .nested_fetch import complete_nested
from .operation import RootPlan
from .pages import PagingViolation, json_type, root_value
from .paging import ConnectionPull
from .parallel import DataMoved
from .root_result import ProgressFactory, RootResult, Send, Sink, counted


def fetch_root(
    send: Send,
    plan: RootPlan,
    make_sink: Callable[[], Sink],
    *,
    max_rows: int | None = None,
    progress_factory: ProgressFactory | None = None,
    concurrency: int = 1,
    nested_page_size: int = 100,
) -> RootResult:
    """Fetch one root field (every page of a connection the magic pages). Raises when nothing came."""
    started = time.perf_counter()
    result, sink = RootResult(plan), make_sink()
    paging = plan.paging
    if paging is None:
        _fetch_single(send, plan, sink, result, nested_page_size)
    else:
        try:
            pull = ConnectionPull(send, plan, paging, sink, result, max_rows, progress_factory, nested_page_size)
            pull.run(concurrency)
        except DataMoved as moved:
            result, sink = RootResult(plan), make_sink()
            result.notes.append(
                f"{moved} The rows moved under the parallel pull, so it was fetched again one page at a time."
            )
            ConnectionPull(send, plan, paging, sink, result, max_rows, progress_factory, nested_page_size).run(1)
    if result.nested_cut:
        cut = ", ".join(f"{name} in {counted(count, 'parent')}" for name, count in result.nested_cut.items())
        message = (
            f"nested connections hold more items than came: {cut} (their parents cannot be fetched "
            "by id alone, or their id is not selected: select `id`, or ask for more with `first`)"
        )
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
        raise PagingViolation(f"{plan.response_key} is a {json_type(value)}, not a list.")
    if value is None and not result.server_errors:
        result.notes.append(f"nothing found: the server answered {plan.response_key}: null")
    nodes = list(value or ()) if plan.shape == "list" else ([value] if value is not None else [])
    for index, node in enumerate(nodes):
        if node is not None and not isinstance(node, Mapping) and plan.selection is not None:
            raise PagingViolation(f"{plan.response_key}[{index}] is a {json_type(node)}, not an object.")
    if plan.nested:
        complete_nested(send, unwrap(nodes, plan.nested), nested_page_size, result)
    sink.add(nodes, nodes, None)
    if result.server_errors:
        result.stop("server_errors", "the server answered with errors (the data that came is kept)")
