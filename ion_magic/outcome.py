"""What a run gave (`QueryOutcome`): the value to show or assign, how each root went, and the words for it:
one summary line per root, the problems the user must know about, where to resume.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .errors import IonError, describe_graphql_errors
from .output import Written
from .result_cache import describe_age
from .root_result import RootResult, counted


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
        asked = {
            result.plan.response_key
            for result in self.results
            if result.stopped is not None and result.stopped.reason == "max_rows"
        }
        return {key: reason for key, reason in self.reasons().items() if key not in asked}

    @property
    def complete(self) -> bool:
        return not self.failures and all(result.complete for result in self.results)

    def summary(self) -> str:
        """One line per root: rows, columns, pages, seconds, and what is missing."""
        if self.cached is not None:
            frames, age = self.cached
            return "\n".join(
                f"{key}: {counted(len(frame), 'row')} × {counted(frame.shape[1], 'column')} from the "
                f"cache, pulled {describe_age(age)} ago; no request sent (--refresh pulls again)"
                for key, frame in frames.items()
            )
        lines = []
        for result in self.results:
            if isinstance(result.frame, Written):
                lines.append(
                    f"{result.plan.response_key}: {result.rows:,} row{'' if result.rows == 1 else 's'} in "
                    f"{counted(result.pages, 'page')}, {result.seconds:.2f} s → "
                    f"{result.frame.describe()}{_state(result)}"
                )
                continue
            columns = result.frame.shape[1] if isinstance(result.frame, pd.DataFrame) else 0
            of_total = f" of {result.total_count:,}" if result.total_count is not None else ""
            rows = f"{result.rows:,}{of_total} row{'' if (result.total_count or result.rows) == 1 else 's'}"
            if result.rows != result.nodes:  # an exploded list: rows and nodes differ
                rows = f"{counted(result.rows, 'row')} from {counted(result.nodes, 'node')}{of_total}"
            state = _state(result)
            applied = "applied, " if self.mutation else ""
            lines.append(
                f"{result.plan.response_key}: {applied}{rows} × {counted(columns, 'column')} in "
                f"{counted(result.pages, 'page')}, {result.seconds:.2f} s{state}"
            )
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
                notes.append(f"{key}: interrupted after {counted(result.rows, 'row')}; the rows received are kept.")
            elif stopped is not None and stopped.reason != "max_rows":
                notes.append(f"{key}: incomplete after {counted(result.rows, 'row')}: {stopped.message}")
            if stopped is not None and stopped.reason != "max_rows":
                if result.resume is not None:
                    notes.append(f"To fetch exactly the rest, run it again with {_resume_hint(result)}")
                elif result.plan.paging is not None and stopped.reason != "nested_incomplete":
                    notes.append(
                        f"{key}: no exact resume point (the server gives no cursor for the last row "
                        "kept): run it again whole."
                    )
            if result.server_errors:
                notes.append(
                    f"{key}: the server answered with errors (the data that came is kept):\n"
                    + describe_graphql_errors(result.server_errors)
                )
            notes.extend(f"{key}: {note}" for note in result.notes)
            if result.null_nodes:
                notes.append(f"{key}: {counted(result.null_nodes, 'null node')} skipped.")
        return "\n".join(notes)

    def resume(self) -> dict[str, str | None]:
        return {result.plan.response_key: result.resume for result in self.results if not result.complete}

    def reasons(self) -> dict[str, str]:
        reasons = {failure.response_key: str(failure.error) for failure in self.failures}
        reasons.update(
            {result.plan.response_key: result.stopped.message for result in self.results if result.stopped is not None}
        )
        return reasons


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


class RootFrames(dict[str, pd.DataFrame]):
    """The frames of several root fields by response key; a notebook shows each under its root's name."""

    def _repr_html_(self) -> str:
        return "".join(f"<h4>{html.escape(key)}</h4>{frame._repr_html_()}" for key, frame in self.items())
