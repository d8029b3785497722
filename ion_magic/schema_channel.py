"""Sends the front end what it shows beside the notebook: the schema, where the login goes, the library's
fragments and the runs.

Protocol (target `ion_magic.schema`), never a token, a secret or a variable's value:
- at login, logout, schema refresh and whenever the fragment library may have changed, the kernel opens a
  comm with `{"schema", "endpoint", "fragments", "environment", "identity"}` (`schema`: introspection data
  or None; `fragments`: the operations folder's fragments, each `{"name", "typeCondition", "text"}`);
- after every run of `%%ion` or `%ion NAME` it opens one with `{"run": record}` (see
  `SchemaChannel.record_run`);
- the front end may open one with `{"request": "schema"}` and gets the login message back, plus
  `"history"`: every run recorded in this kernel session, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .outcome import QueryOutcome
    from .session import IonSession

TARGET = "ion_magic.schema"
HISTORY_LIMIT = 200  # records kept for a front end that (re)connects; older ones are dropped


def identity_of(session: IonSession) -> str | None:
    """Who the session acts as, in words, when the API said; None otherwise (no "identity unknown" shown)."""
    return session.identity.describe() if session.identity.known else None


def run_roots(outcome: QueryOutcome) -> list[dict[str, Any]]:
    """One plain dict per root field of a run: field, rows, seconds, complete, and why not (None when complete).

    A root that failed has 0 rows and its outcome ("failed, nothing kept"); a result taken from the cache
    has its rows and 0 seconds, as no request was sent."""
    if outcome.cached is not None:
        frames, _age = outcome.cached
        return [_root(key, len(frame), 0.0, None) for key, frame in frames.items()]
    roots = [
        _root(
            result.plan.response_key,
            result.rows,
            result.seconds,
            None if result.stopped is None else result.stopped.message or result.stopped.reason,
        )
        for result in outcome.results
    ]
    return roots + [_root(failure.response_key, 0, 0.0, failure.outcome) for failure in outcome.failures]


def _root(field: str, rows: int, seconds: float, stopped: str | None) -> dict[str, Any]:
    return {"field": field, "rows": rows, "seconds": round(seconds, 3), "complete": stopped is None, "stopped": stopped}


class SchemaChannel:
    """Publishes the current login, the fragment library and the runs to front ends; a no-op outside a kernel."""

    def __init__(self, in_kernel: bool, fragments: Callable[[], list[dict[str, str]]] = list) -> None:
        self.in_kernel = in_kernel
        self._fragments = fragments
        self._login: dict[str, Any] = self._login_message(None)
        self._history: list[dict[str, Any]] = []
        if in_kernel:
            from comm import get_comm_manager

            get_comm_manager().register_target(TARGET, self._on_request)

    @property
    def history(self) -> list[dict[str, Any]]:
        """The runs recorded so far, oldest first (a copy)."""
        return list(self._history)

    def publish(self, session: Any) -> None:
        """Send the session's schema, endpoint, environment and identity, and the fragments; None: logged out."""
        self._login = self._login_message(session)
        self.publish_fragments()

    def publish_fragments(self) -> None:
        """Send the current login again with the fragment library as it is on disk now."""
        self._send(self._message())

    def record_run(
        self,
        document: str,
        roots: list[dict[str, Any]],
        *,
        environment: str,
        variables: list[str],
        redact: Callable[[str], str],
    ) -> None:
        """Keep and send the record of one run: the magic and its document as run (through `redact`), its
        roots (`run_roots`), the environment and the names (never the values) of its variables."""
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
        return {
            "schema": session.introspection,
            "endpoint": session.graphql_url,
            "environment": session.environment,
            "identity": identity_of(session),
        }

    def _message(self) -> dict[str, Any]:
        return {**self._login, "fragments": self._fragments()}

    def _send(self, data: dict[str, Any]) -> None:
        if self.in_kernel:
            from comm import create_comm

            create_comm(target_name=TARGET, data=data).close()

    def _on_request(self, comm: Any, open_message: dict[str, Any]) -> None:
        comm.send({**self._message(), "history": self._history})
