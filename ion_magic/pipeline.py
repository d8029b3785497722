"""The whole way from cell text to DataFrames, with no IPython: prepare a plan, run it, describe it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from graphql import GraphQLSchema, get_named_type

from .errors import IonError, ServerError, describe_graphql_errors
from .frames import plan_frame
from .operation import (
    OperationPlan,
    PagingOptions,
    RootPlan,
    check_mutation_allowed,
    parse_cell,
    plan_operation,
    validate_cell,
)
from .options import CONCURRENCY, PAGE_SIZE
from .paging import ProgressFactory, RootResult, Send, fetch_root, root_value


@dataclass(frozen=True)
class QueryOptions:
    all: bool = False
    max_rows: int | None = None
    page_size: int = PAGE_SIZE
    after: str | None = None
    explode: str | None = None
    raw: bool = False
    allow_mutation: bool = False
    concurrency: int = CONCURRENCY

    def paging(self) -> PagingOptions:
        return PagingOptions(page_size=self.page_size, all=self.all, max_rows=self.max_rows, after=self.after)


@dataclass
class QueryOutcome:
    """The value to show or assign (a DataFrame, a dict of them, or raw data) and how each root went."""

    value: Any
    results: list[RootResult]

    @property
    def complete(self) -> bool:
        return all(result.complete for result in self.results)

    def summary(self) -> str:
        """One line per root: rows, columns, pages, seconds."""
        lines = []
        for result in self.results:
            columns = 0 if result.frame is None else result.frame.shape[1]
            of_total = f" of {result.total_count:,}" if result.total_count is not None else ""
            counted = f"{result.rows:,}{of_total} rows"
            if result.rows != result.nodes:  # an exploded list: rows and nodes differ
                counted = f"{result.rows:,} rows from {result.nodes:,}{of_total} nodes"
            pages = f" in {result.pages} page{'s' if result.pages != 1 else ''}"
            state = "" if result.complete else " (incomplete)"
            more = ""
            if result.complete and result.has_next_page and result.end_cursor:
                more = f"; more rows follow: --after {result.end_cursor}"
            lines.append(f"{result.plan.response_key}: {counted} × {columns} columns{pages}, "
                         f"{result.seconds:.2f} s{state}{more}")
        return "\n".join(lines)

    def problems(self) -> str:
        """What the user must know about an incomplete or partly failed result; "" when all went well."""
        notes = []
        for result in self.results:
            key = result.plan.response_key
            if result.interrupted:
                notes.append(f"{key}: interrupted after {result.rows:,} rows; the rows received are kept.")
            if result.error is not None:
                notes.append(f"{key}: stopped after {result.rows:,} rows: {result.error}")
            if result.server_errors:
                notes.append(f"{key}: the server answered with errors (the data that came is kept):\n"
                             + describe_graphql_errors(result.server_errors))
            if not result.complete and result.end_cursor and result.plan.shape == "connection":
                notes.append(f"To fetch the rest, run the cell again with --after {result.end_cursor}")
            notes.extend(f"{key}: {note}" for note in result.notes)
            if result.null_nodes:
                notes.append(f"{key}: {result.null_nodes} null node(s) skipped.")
        return "\n".join(notes)


def prepare(source: str, schema: GraphQLSchema | None, namespace: Mapping[str, Any], options: QueryOptions,
            *, line_offset: int = 1) -> OperationPlan:
    """Parse, validate, refuse unallowed mutations, bind variables and plan: all before sending anything."""
    cell = parse_cell(source, line_offset=line_offset)
    validate_cell(cell, schema, line_offset=line_offset)
    check_mutation_allowed(cell, options.allow_mutation)
    return plan_operation(cell, schema, namespace, options.paging())


def run(plan: OperationPlan, send: Send, options: QueryOptions, *, endpoint: str,
        progress_factory: ProgressFactory | None = None) -> QueryOutcome:
    """Send the plan's requests and build one DataFrame per root field."""
    if options.raw:
        return _run_raw(plan, send)
    results = []
    for root in plan.roots:
        if root.shape == "scalar":
            results.append(_scalar_root(send, root))
            continue
        node_type = get_named_type(root.node_type) if root.node_type is not None else None
        try:
            frame_plan = plan_frame(root.selection, node_type, plan.cell.fragments, explode=options.explode,
                                    variables=plan.variables, schema=plan.schema)
        except ValueError as error:
            raise IonError(str(error)) from None
        result = fetch_root(send, root, frame_plan, max_rows=options.max_rows,
                            progress_factory=progress_factory, concurrency=options.concurrency)
        result.frame.attrs["ion"] = {
            "operation": plan.cell.name,
            "endpoint": endpoint,
            "variables": root.variables,
            "pages": result.pages,
            "rows": result.rows,
            "seconds": round(result.seconds, 3),
            "end_cursor": result.end_cursor,
            "has_next_page": result.has_next_page,
            "total_count": result.total_count,
            "complete": result.complete,
            "concurrency": result.concurrency,
            "errors": result.server_errors,
        }
        results.append(result)
    frames = {result.plan.response_key: result.frame for result in results}
    value = next(iter(frames.values())) if len(frames) == 1 else frames
    return QueryOutcome(value, results)


def _scalar_root(send: Send, root: RootPlan) -> RootResult:
    result = RootResult(root)
    value = root_value(send(root.document, dict(root.variables)), root, result)
    result.frame = pd.DataFrame({root.response_key: [value]})
    result.pages = result.rows = result.nodes = 1
    result.complete = not result.server_errors
    return result


def _run_raw(plan: OperationPlan, send: Send) -> QueryOutcome:
    response = send(plan.cell.source, dict(plan.variables))
    if response.get("errors"):
        raise ServerError("The server answered with errors:\n" + describe_graphql_errors(response["errors"]),
                          response["errors"], response.get("data"))
    return QueryOutcome(response.get("data"), [])
