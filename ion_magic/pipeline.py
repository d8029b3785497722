"""The whole way from cell text to DataFrames, with no IPython: prepare a plan, run it, describe it.

`run` only orchestrates: every shape is fetched in `paging.py`. A query's roots are fetched one after the
other and a root that fails is reported without losing the others; a mutation is one request, never split,
never paged, and its answer is reported per root field (applied with its result, or failed with its error).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from graphql import GraphQLSchema, get_named_type

from .arrow import with_backend
from .errors import IonError, ServerError, TransportError, describe_graphql_errors
from .frames import FrameBuilder, plan_frame, rows_per_node
from .operation import (
    CURSOR_ALIAS,
    PAGE_INFO_ALIAS,
    OperationPlan,
    PagingOptions,
    RootPlan,
    check_mutation_allowed,
    parse_cell,
    plan_operation,
    validate_cell,
)
from .options import CONCURRENCY, PAGE_SIZE
from .output import OutputSink, OutputTarget, OutputWriter, ResumeRecord, Written, fingerprint
from .paging import ProgressFactory, RootResult, Send, Sink, fetch_root
from .result_cache import describe_age


@dataclass(frozen=True)
class QueryOptions:
    all: bool = False
    max_rows: int | None = None
    page_size: int = PAGE_SIZE
    after: str | Sequence[str] | Mapping[str, str] | None = None
    explode: tuple[str, ...] = ()  # a chain of list paths, e.g. ("steps", "steps.fields")
    raw: bool = False
    allow_mutation: bool = False
    concurrency: int = CONCURRENCY
    out: str | None = None  # write the rows to files as they arrive (see output.py)
    overwrite: bool = False  # replace an existing output
    resume: bool = False  # continue an incomplete output from its resume record
    dtype_backend: str = "numpy_nullable"  # or "pyarrow": Arrow-backed columns
    cache_ttl: float | None = None  # seconds a cached result may be reused (None: not cached)
    refresh: bool = False  # pull again even when the cache has a fresh result

    def paging(self) -> PagingOptions:
        return PagingOptions(page_size=self.page_size, all=self.all, max_rows=self.max_rows, after=self.after)


@dataclass
class RootFailure:
    """A root field that gave nothing: its error (the other roots are kept)."""

    response_key: str
    error: IonError
    outcome: str = "failed, nothing kept"  # for a mutation's field: "not applied"


@dataclass
class QueryOutcome:
    """The value to show or assign (a DataFrame, a dict of them, or raw data) and how each root went."""

    value: Any
    results: list[RootResult]
    failures: list[RootFailure]
    mutation: bool = False  # then each result is a field that was applied
    cached: tuple[dict[str, pd.DataFrame], float] | None = None  # the frames and their age, from the cache

    @classmethod
    def from_cache(cls, frames: dict[str, pd.DataFrame], age: float, *, several: bool) -> QueryOutcome:
        value = RootFrames(frames) if several else next(iter(frames.values()))
        return cls(value, [], [], cached=(frames, age))

    def unasked_reasons(self) -> dict[str, str]:
        """Why each root is incomplete, leaving out the cuts the caller asked for (max_rows, `first`)."""
        asked = {result.plan.response_key for result in self.results
                 if result.stopped is not None and result.stopped.reason == "max_rows"}
        return {key: reason for key, reason in self.reasons().items() if key not in asked}

    @property
    def complete(self) -> bool:
        return not self.failures and all(result.complete for result in self.results)

    def summary(self) -> str:
        """One line per root: rows, columns, pages, seconds, and what is missing."""
        if self.cached is not None:
            frames, age = self.cached
            return "\n".join(f"{key}: {_count(len(frame), 'row')} × {_count(frame.shape[1], 'column')} from the "
                             f"cache, pulled {describe_age(age)} ago; no request sent (--refresh pulls again)"
                             for key, frame in frames.items())
        lines = []
        for result in self.results:
            if isinstance(result.frame, Written):
                lines.append(f"{result.plan.response_key}: {result.rows:,} row{'' if result.rows == 1 else 's'} in "
                             f"{_count(result.pages, 'page')}, {result.seconds:.2f} s → "
                             f"{result.frame.describe()}{_state(result)}")
                continue
            columns = result.frame.shape[1] if isinstance(result.frame, pd.DataFrame) else 0
            of_total = f" of {result.total_count:,}" if result.total_count is not None else ""
            counted = f"{result.rows:,}{of_total} row{'' if (result.total_count or result.rows) == 1 else 's'}"
            if result.rows != result.nodes:  # an exploded list: rows and nodes differ
                counted = f"{_count(result.rows, 'row')} from {_count(result.nodes, 'node')}{of_total}"
            state = _state(result)
            applied = "applied, " if self.mutation else ""
            lines.append(f"{result.plan.response_key}: {applied}{counted} × {_count(columns, 'column')} in "
                         f"{_count(result.pages, 'page')}, {result.seconds:.2f} s{state}")
        lines += [f"{failure.response_key}: {failure.outcome} (see above)" for failure in self.failures]
        return "\n".join(lines)

    def problems(self) -> str:
        """What the user must know about an incomplete or partly failed result; "" when all went well."""
        notes = []
        for failure in self.failures:
            notes.append(f"{failure.response_key}: {failure.outcome}: {failure.error}")
        for result in self.results:
            key = result.plan.response_key
            stopped = result.stopped
            if stopped is not None and stopped.reason == "interrupted":
                notes.append(f"{key}: interrupted after {_count(result.rows, 'row')}; the rows received are kept.")
            elif stopped is not None and stopped.reason != "max_rows":
                notes.append(f"{key}: incomplete after {_count(result.rows, 'row')}: {stopped.message}")
            if stopped is not None and stopped.reason != "max_rows":
                if result.resume is not None:
                    notes.append(f"To fetch exactly the rest, run it again with {_resume_hint(result)}")
                elif result.plan.paging is not None and stopped.reason != "nested_incomplete":
                    notes.append(f"{key}: no exact resume point (the server gives no cursor for the last row "
                                 "kept): run it again whole.")
            if result.server_errors:
                notes.append(f"{key}: the server answered with errors (the data that came is kept):\n"
                             + describe_graphql_errors(result.server_errors))
            notes.extend(f"{key}: {note}" for note in result.notes)
            if result.null_nodes:
                notes.append(f"{key}: {_count(result.null_nodes, 'null node')} skipped.")
        return "\n".join(notes)

    def resume(self) -> dict[str, str | None]:
        return {result.plan.response_key: result.resume for result in self.results if not result.complete}

    def reasons(self) -> dict[str, str]:
        reasons = {failure.response_key: str(failure.error) for failure in self.failures}
        reasons.update({result.plan.response_key: result.stopped.message
                        for result in self.results if result.stopped is not None})
        return reasons


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _state(result: RootResult) -> str:
    if result.stopped is None:
        return ""
    state = f" (incomplete: {result.stopped.message})"
    if result.resume is not None:
        state += f"; more rows follow: {_resume_hint(result)}"
    return state


def _resume_hint(result: RootResult) -> str:
    if isinstance(result.frame, Written):
        return "--resume (resume=True in Python), which continues the same output"
    return f"--after {result.plan.response_key}={result.resume}"


def prepare(source: str, schema: GraphQLSchema | None, namespace: Mapping[str, Any], options: QueryOptions,
            *, line_offset: int = 1, strict_variables: bool = False) -> OperationPlan:
    """Parse, validate, refuse unallowed mutations, bind variables and plan: all before sending anything."""
    cell = parse_cell(source, line_offset=line_offset)
    validate_cell(cell, schema, line_offset=line_offset)
    check_mutation_allowed(cell, options.allow_mutation)
    if options.raw and options.explode:
        raise IonError("Raw data has no rows to explode: drop either the raw or the explode option.")
    plan = plan_operation(cell, schema, namespace, options.paging(), strict_variables=strict_variables)
    for root in plan.roots:  # a bad explode path is refused before anything is sent
        _frame_plan(plan, root, options)
    if options.out is not None:
        starts = _resume_points(plan, options)
        if starts:
            paging = replace(options.paging(), after=starts)
            plan = plan_operation(cell, schema, namespace, paging, strict_variables=strict_variables)
    return plan


def _targets(plan: OperationPlan, options: QueryOptions) -> dict[str, OutputTarget]:
    assert options.out is not None
    target = OutputTarget.parse(options.out)
    several = len(plan.roots) > 1
    return {root.response_key: target.for_root(root.response_key, several) for root in plan.roots}


def _resume_points(plan: OperationPlan, options: QueryOptions) -> dict[str, str]:
    """Check the outputs before anything is sent; with `resume`, where each root's output goes on from."""
    if plan.mutation_document is not None or options.raw:
        raise IonError("Only a query's rows can be written to files (not a mutation's, nor raw data).")
    starts = {}
    for root in plan.roots:
        target = _targets(plan, options)[root.response_key]
        exists = target.exists()
        if options.resume:
            record = ResumeRecord.read(target)
            if record is None:
                raise IonError(f"Nothing to resume in {target.path}: it has no resume record. Run it without resume.")
            if record.fingerprint != _fingerprint(root, options):
                raise IonError(f"{target.path} holds another query's rows (or other variables): resume continues "
                               "only the same pull. Write elsewhere, or overwrite it.")
            if not record.complete and record.resume is None:
                raise IonError(f"{target.path} stopped where no exact resume point exists: overwrite it.")
            if record.resume is not None:
                starts[root.response_key] = record.resume
        elif exists and not options.overwrite:
            raise IonError(f"{target.path} exists: nothing was sent. Overwrite it (--overwrite, overwrite=True), "
                           "resume an incomplete pull into it (--resume, resume=True), or write elsewhere.")
    return starts


def _fingerprint(root: RootPlan, options: QueryOptions) -> str:
    paging = root.paging
    variables = {k: v for k, v in root.variables.items() if paging is None or k != paging.after_variable}
    return fingerprint(root.document, variables, options.explode)


def run(plan: OperationPlan, send: Send, options: QueryOptions, *, endpoint: str,
        progress_factory: ProgressFactory | None = None) -> QueryOutcome:
    """Send the plan's requests and build one DataFrame (or raw value) per root field."""
    if plan.mutation_document is not None:
        return _run_mutation(plan, send, options, endpoint)
    results, failures = [], []
    for root in plan.roots:
        try:
            result = fetch_root(send, root, lambda root=root: _sink(plan, root, options),
                                max_rows=options.max_rows, progress_factory=progress_factory,
                                concurrency=options.concurrency, nested_page_size=options.page_size)
        except IonError as error:
            if len(plan.roots) == 1:
                raise
            failures.append(RootFailure(root.response_key, error))
            continue
        if options.out is not None:
            _record(result, _targets(plan, options)[root.response_key], options)
        else:
            _describe(result, plan, endpoint, options)
        results.append(result)
    return QueryOutcome(_value(results, options, len(plan.roots)), results, failures)


def _record(result: RootResult, target: OutputTarget, options: QueryOptions) -> None:
    """The resume record beside an output: the rows it holds, complete or not, where to go on from."""
    previous = ResumeRecord.read(target) if options.resume else None
    rows = result.rows + (previous.rows if previous is not None else 0)
    stopped = result.stopped
    ResumeRecord(_fingerprint(result.plan, options), rows, stopped is None, result.resume,
                 None if stopped is None else stopped.message).write(target)


class RootFrames(dict[str, pd.DataFrame]):
    """The frames of several root fields by response key; a notebook shows each under its root's name."""

    def _repr_html_(self) -> str:
        return "".join(f"<h4>{html.escape(key)}</h4>{frame._repr_html_()}" for key, frame in self.items())


def _value(results: list[RootResult], options: QueryOptions, roots: int) -> Any:
    if options.out is not None:
        paths = {result.plan.response_key: str(result.frame) for result in results}
        return next(iter(paths.values())) if roots == 1 and paths else paths
    if options.raw:
        return {result.plan.response_key: result.frame for result in results}
    if roots == 1:
        return results[0].frame
    return RootFrames((result.plan.response_key, result.frame) for result in results)


def _frame_plan(plan: OperationPlan, root: RootPlan, options: QueryOptions) -> Any:
    if root.shape == "scalar":
        return None
    node_type = get_named_type(root.node_type) if root.node_type is not None else None
    try:
        return plan_frame(root.selection, node_type, plan.cell.fragments, explode=options.explode or None,
                          variables=plan.variables, schema=plan.schema)
    except ValueError as error:
        raise IonError(str(error)) from None


def _sink(plan: OperationPlan, root: RootPlan, options: QueryOptions) -> Sink:
    if options.out is not None:
        target = _targets(plan, options)[root.response_key]
        writer = OutputWriter(target, append=options.resume and target.exists(), dtype_backend=options.dtype_backend)
        return OutputSink(_frame_plan(plan, root, options), writer)
    if options.raw:
        return RawSink(root)
    if root.shape == "scalar":
        return ScalarSink(root.response_key)
    return FrameSink(FrameBuilder(_frame_plan(plan, root, options)))


def _describe(result: RootResult, plan: OperationPlan, endpoint: str, options: QueryOptions) -> None:
    """The frame in the asked dtype backend, with df.attrs["ion"]: where it came from and whether it is
    complete (never a secret)."""
    if not isinstance(result.frame, pd.DataFrame):
        return
    result.frame = with_backend(result.frame, options.dtype_backend)
    stopped = result.stopped
    result.frame.attrs["ion"] = {
        "operation": plan.cell.name,
        "endpoint": endpoint,
        "variables": result.plan.variables,
        "pages": result.pages,
        "rows": result.rows,
        "seconds": round(result.seconds, 3),
        "end_cursor": result.end_cursor,
        "has_next_page": result.has_next_page,
        "total_count": result.total_count,
        "complete": result.complete,
        "stopped": None if stopped is None else {"reason": stopped.reason, "message": stopped.message},
        "resume": result.resume,
        "concurrency": result.concurrency,
        "errors": result.server_errors,
    }


def _run_mutation(plan: OperationPlan, send: Send, options: QueryOptions, endpoint: str) -> QueryOutcome:
    """One request for every root field of the mutation; each root applied (its result) or failed (its error)."""
    assert plan.mutation_document is not None
    try:
        response = send(plan.mutation_document, dict(plan.variables))
    except TransportError as error:
        if error.write_uncertain and len(plan.roots) > 1:
            fields = ", ".join(root.response_key for root in plan.roots)
            raise TransportError(f"{error} This request held every field of the mutation ({fields}): each "
                                 "may or may not have been applied.", write_uncertain=True) from None
        raise
    errors = response.get("errors") if isinstance(response, Mapping) else None
    data = response.get("data") if isinstance(response, Mapping) else None
    results, failures = [], []
    for root in plan.roots:
        own = [e for e in errors or () if isinstance(e, Mapping) and (e.get("path") or [None])[0] == root.response_key]
        value = data.get(root.response_key) if isinstance(data, Mapping) else None
        if value is None and (own or errors):
            shown = own or errors or []
            failures.append(RootFailure(root.response_key, ServerError(
                f"the server answered with errors:\n{describe_graphql_errors(shown)}", shown, data), "not applied"))
            continue
        answer = {"data": {root.response_key: value}, "errors": own}
        result = fetch_root(lambda _document, _variables, answer=answer: answer,  # the answer already came
                            root, lambda root=root: _sink(plan, root, options), nested_page_size=options.page_size)
        _describe(result, plan, endpoint, options)
        results.append(result)
    if not results and failures:
        messages = "\n".join(f"{failure.response_key}: {failure.error}" for failure in failures)
        raise ServerError(f"The mutation was not applied:\n{messages}", list(errors or ()), data)
    return QueryOutcome(_value(results, options, len(plan.roots)), results, failures, mutation=True)


class FrameSink:
    """Rows into a DataFrame, page by page."""

    def __init__(self, builder: FrameBuilder) -> None:
        self.builder = builder

    @property
    def rows(self) -> int:
        return self.builder.rows

    @property
    def nodes(self) -> int:
        return self.builder.nodes

    @property
    def null_nodes(self) -> int:
        return self.builder.null_nodes

    def row_counts(self, nodes: Sequence[Any]) -> list[int]:
        return rows_per_node(self.builder.plan, nodes)

    def add(self, edges: list[Any], nodes: list[Any], connection: Mapping[str, Any] | None) -> None:
        self.builder.add_nodes(nodes)

    def finish(self) -> pd.DataFrame:
        return self.builder.finish()


class ScalarSink:
    """A scalar root: one row holding the value."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.values: list[Any] = []

    @property
    def rows(self) -> int:
        return len(self.values)

    def row_counts(self, nodes: Sequence[Any]) -> list[int]:
        return [1] * len(nodes)

    def add(self, edges: list[Any], nodes: list[Any], connection: Mapping[str, Any] | None) -> None:
        self.values += nodes

    def finish(self) -> pd.DataFrame:
        return pd.DataFrame({self.key: self.values or [None]})


class RawSink:
    """The data as the server shaped it: a connection's edges of every page merged into one list (its other
    fields as the last page gave them), without the fields the magic added for paging."""

    def __init__(self, root: RootPlan) -> None:
        self.root = root
        self.edges: list[Any] = []
        self.value: Any = None
        self.last_page: Mapping[str, Any] = {}

    @property
    def rows(self) -> int:
        return len(self.edges)

    def row_counts(self, nodes: Sequence[Any]) -> list[int]:
        return [1] * len(nodes)

    def add(self, edges: list[Any], nodes: list[Any], connection: Mapping[str, Any] | None) -> None:
        if self.root.paging is None:
            self.value = nodes[0] if self.root.shape != "list" and nodes else nodes
            self.edges = list(nodes)
            return
        self.edges += [{k: v for k, v in edge.items() if k != CURSOR_ALIAS} if isinstance(edge, dict) else edge
                       for edge in edges]
        self.last_page = connection or {}

    def finish(self) -> Any:
        if self.root.paging is None:
            return self.value
        edges_key = self.root.paging.edges_key
        merged = {key: self.edges if key == edges_key else value
                  for key, value in self.last_page.items() if key != PAGE_INFO_ALIAS}
        merged.setdefault(edges_key, self.edges)
        return merged
