"""Sends the front end what it shows beside the notebook: the schema, where the login goes, and the runs.

Protocol (target `ion_magic.schema`), never a token, a secret or a variable's value:
- at login, logout and schema refresh the kernel opens a comm with
  `{"schema", "endpoint", "environment", "identity"}` (`schema`: introspection data or None);
- after every `%%ion` run it opens one with `{"run": record}` (see `SchemaChannel.record_run`);
- the front end may open one with `{"request": "schema"}` and gets the login message back, plus
  `"history"`: every run recorded in this kernel session, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

TARGET = "ion_magic.schema"
HISTORY_LIMIT = 200  # records kept for a front end that (re)connects; older ones are dropped


def identity_of(session: Any) -> str | None:
    """Who the session acts as, in words, when the session knows it; None otherwise."""
    identity = getattr(session, "identity", None)
    describe = getattr(identity, "describe", None)
    return describe() if callable(describe) else None


def run_roots(outcome: Any) -> list[dict[str, Any]]:
    """One plain dict per root field of a `QueryOutcome`: field, rows, seconds, complete, and why not.

    The only place that reads a run's result objects for the history, so a change of their shape is
    adapted here."""
    roots = []
    for result in getattr(outcome, "results", None) or []:
        complete = bool(getattr(result, "complete", True))
        roots.append({
            "field": result.plan.response_key,
            "rows": int(getattr(result, "rows", 0) or 0),
            "seconds": round(float(getattr(result, "seconds", 0.0) or 0.0), 3),
            "complete": complete,
            "stopped": None if complete else _stopped_reason(result),
        })
    return roots


def _stopped_reason(result: Any) -> str:
    """Why a root is incomplete, in a few words: the `stopped` reason when results carry one."""
    stopped = getattr(result, "stopped", None)
    if isinstance(stopped, dict):
        stopped = stopped.get("message") or stopped.get("reason")
    elif stopped is not None and not isinstance(stopped, str):
        stopped = getattr(stopped, "message", None) or getattr(stopped, "reason", None)
    if stopped:
        return str(stopped)
    if getattr(result, "interrupted", False):
        return "interrupted"
    if getattr(result, "error", None) is not None:
        return f"failed: {result.error}"
    if getattr(result, "server_errors", None):
        return "the server answered with errors"
    return "incomplete"


class SchemaChannel:
    """Publishes the current login and the runs to front ends; a no-op outside a kernel."""

    def __init__(self, in_kernel: bool) -> None:
        self.in_kernel = in_kernel
        self._message: dict[str, Any] = self._login_message(None)
        self._history: list[dict[str, Any]] = []
        if in_kernel:
            from comm import get_comm_manager

            get_comm_manager().register_target(TARGET, self._on_request)

    @property
    def history(self) -> list[dict[str, Any]]:
        """The runs recorded so far, oldest first (a copy)."""
        return list(self._history)

    def publish(self, session: Any) -> None:
        """Send the session's schema, endpoint, environment and identity; None: logged out."""
        self._message = self._login_message(session)
        self._send(self._message)

    def record_run(self, document: str, roots: list[dict[str, Any]], *, environment: str,
                   variables: list[str], redact: Callable[[str], str]) -> None:
        """Keep and send the record of one `%%ion` run: the cell as run (through `redact`), its roots
        (`run_roots`), the environment and the names (never the values) of its variables."""
        record = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "document": redact(document),
            "roots": [{**root, "stopped": root["stopped"] and redact(root["stopped"])} for root in roots],
            "environment": environment,
            "variables": list(variables),
        }
        self._history = [*self._history, record][-HISTORY_LIMIT:]
        self._send({"run": record})

    @staticmethod
    def _login_message(session: Any) -> dict[str, Any]:
        if session is None:
            return {"schema": None, "endpoint": None, "environment": None, "identity": None}
        return {"schema": session.introspection, "endpoint": session.graphql_url,
                "environment": session.environment, "identity": identity_of(session)}

    def _send(self, data: dict[str, Any]) -> None:
        if self.in_kernel:
            from comm import create_comm

            create_comm(target_name=TARGET, data=data).close()

    def _on_request(self, comm: Any, open_message: dict[str, Any]) -> None:
        comm.send({**self._message, "history": self._history})
