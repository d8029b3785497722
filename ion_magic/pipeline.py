"""The whole way from cell text to DataFrames, with no IPython: prepare a plan, run it, describe it.

`run` only orchestrates: every shape is fetched in `fetch.py`, its rows go to a sink (`sinks.py`, or
`output.py` for files) and the outcome is told in `outcome.py`. A query's roots are fetched one after the
other and a root that fails is reported without losing the others; a mutation is one request, never split,
never paged, and its answer is reported per root field (applied with its result, or failed with its error).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import pandas as pd
from graphql import GraphQLSchema

from .arrow import with_backend
from .cell import check_mutation_allowed, parse_cell, validate_cell
from .errors import IonError, ServerError, TransportError, describe_graphql_errors
from .fetch import fetch_root
from .frame_plan import FramePlan, plan_frame
from .frames import FrameBuilder
from .operation import OperationPlan, PagingOptions, RootPlan, plan_operation
from .options import CONCURRENCY, PAGE_SIZE
from .outcome import QueryOutcome, RootFailure, RootFrames
from .output import OutputSink, OutputTarget, OutputWriter, ResumeRecord, fingerprint
from .root_result import ProgressFactory, RootResult, Send, Sink
from .sinks import FrameSink, RawSink, ScalarSink


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


def prepare(
    source: str,
    schema: GraphQLSchema | None,
    namespace: Mapping[str, Any],
    options: QueryOptions,
    *,
    line_offset: int = 1,
    strict_variables: bool = False,
) -> OperationPlan:
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
    scalars = [root.response_key for root in plan.roots if root.shape == "scalar"]
    if scalars:
        raise IonError(f"{', '.join(scalars)} holds one value, not rows: nothing was sent. Run it without --out.")
    starts = {}
    targets = _targets(plan, options)
    for root in plan.roots:
        target = targets[root.response_key]
        exists = target.exists()
        if options.resume:
            record = ResumeRecord.read(target)
            if record is None:
                raise IonError(f"Nothing to resume in {target.path}: it has no resume record. Run it without resume.")
            if record.fingerprint != _fingerprint(root, options):
                raise IonError(
                    f"{target.path} holds another query's rows (or other variables): resume continues "
                    "only the same pull. Write elsewhere, or overwrite it."
                )
            if not record.complete and record.resume is None:
                raise IonError(f"{target.path} stopped where no exact resume point exists: overwrite it.")
            if record.resume is not None:
                starts[root.response_key] = record.resume
        elif exists and not options.overwrite:
            raise IonError(
                f"{target.path} exists: nothing was sent. Overwrite it (--overwrite, overwrite=True), "
                "resume an incomplete pull into it (--resume, resume=True), or write elsewhere."
            )
    return starts


def _fingerprint(root: RootPlan, options: QueryOptions) -> str:
    paging = root.paging
    variables = {k: v for k, v in root.variables.items() if paging is None or k != paging.after_variable}
    return fingerprint(root.document, variables, options.explode)


def run(
    plan: OperationPlan,
    send: Send,
    options: QueryOptions,
    *,
    endpoint: str,
    progress_factory: ProgressFactory | None = None,
) -> QueryOutcome:
    """Send the plan's requests and build one DataFrame (or raw value) per root field."""
    if plan.mutation_document is not None:
        return _run_mutation(plan, send, options, endpoint)
    results: list[RootResult] = []
    failures: list[RootFailure] = []
    for root in plan.roots:
        try:
            result = fetch_root(
                send,
                root,
                partial(_sink, plan, root, options),
                max_rows=options.max_rows,
                progress_factory=progress_factory,
                concurrency=options.concurrency,
                nested_page_size=options.page_size,
            )
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
    ResumeRecord(
        _fingerprint(result.plan, options),
        rows,
        stopped is None,
        result.resume,
        None if stopped is None else stopped.message,
    ).write(target)


def _value(results: list[RootResult], options: QueryOptions, roots: int) -> Any:
    if options.out is not None:
        paths = {result.plan.response_key: str(result.frame) for result in results}
        return next(iter(paths.values())) if roots == 1 and paths else paths
    if options.raw:
        return {result.plan.response_key: result.frame for result in results}
    if roots == 1:
        return results[0].frame
    return RootFrames((result.plan.response_key, result.frame) for result in results)


def _frame_plan(plan: OperationPlan, root: RootPlan, options: QueryOptions) -> FramePlan | None:
    """The columns of the root's frame (None for a scalar root: one row holding the value)."""
    if root.shape == "scalar":
        return None
    try:
        return plan_frame(
            root.selection,
            root.node_type,
            plan.cell.fragments,
            explode=options.explode or None,
            variables=plan.variables,
            schema=plan.schema,
        )
    except ValueError as error:
        raise IonError(str(error)) from None


def _sink(plan: OperationPlan, root: RootPlan, options: QueryOptions) -> Sink:
    if options.raw:
        return RawSink(root)
    frame_plan = _frame_plan(plan, root, options)
    if frame_plan is None:
        return ScalarSink(root.response_key)
    if options.out is not None:
        target = _targets(plan, options)[root.response_key]
        writer = OutputWriter(target, append=options.resume and target.exists(), dtype_backend=options.dtype_backend)
        return OutputSink(frame_plan, writer)
    return FrameSink(FrameBuilder(frame_plan))


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
            raise TransportError(
                f"{error} This request held every field of the mutation ({fields}): each "
                "may or may not have been applied.",
                write_uncertain=True,
            ) from None
        raise
    errors: Any = response.get("errors") if isinstance(response, Mapping) else None
    data = response.get("data") if isinstance(response, Mapping) else None
    results: list[RootResult] = []
    failures: list[RootFailure] = []
    for root in plan.roots:
        own: list[Any] = [
            e for e in errors or () if isinstance(e, Mapping) and (e.get("path") or [None])[0] == root.response_key
        ]
        value = data.get(root.response_key) if isinstance(data, Mapping) else None
        if value is None and (own or errors):
            shown = own or errors or []
            failures.append(
                RootFailure(
                    root.response_key,
                    ServerError(f"the server answered with errors:\n{describe_graphql_errors(shown)}", shown, data),
                    "not applied",
                )
            )
            continue
        answer = {"data": {root.response_key: value}, "errors": own}
        result = fetch_root(
            _answered(answer), root, partial(_sink, plan, root, options), nested_page_size=options.page_size
        )
        _describe(result, plan, endpoint, options)
        results.append(result)
    if not results and failures:
        messages = "\n".join(f"{failure.response_key}: {failure.error}" for failure in failures)
        raise ServerError(f"The mutation was not applied:\n{messages}", list(errors or ()), data)
    return QueryOutcome(_value(results, options, len(plan.roots)), results, failures, mutation=True)


def _answered(answer: dict[str, Any]) -> Send:
    """A `Send` that gives the answer that already came (a mutation's field, read like a query's root)."""
    return lambda _document, _variables: answer
