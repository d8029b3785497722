"""Token renewal while the token endpoint misbehaves (429, 502-504, a dropped connection, garbage), with one
page at a time and with four page threads: every query ends with all its rows or a clear error, never a
hang, and the session stays usable afterwards. A small GraphQL server (graphql-core) on loopback serves an
offset-cursor connection and a token endpoint that faults on command."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from graphql import build_schema, graphql_sync

from ion_magic.environments import TOKEN_PATH
from ion_magic.errors import IonError
from ion_magic.session import IonSession
from ion_magic.transport import RetryPolicy

from ..scripted_server import Reply, Request, hang_up, scripted_server

ROWS = 40
SDL = """
type PageInfo { hasNextPage: Boolean! endCursor: String totalCount: Int }
type Item { id: Int! }
type ItemEdge { cursor: String! node: Item }
type ItemConnection { edges: [ItemEdge] pageInfo: PageInfo! }
type Query { items(first: Int, after: String): ItemConnection }
"""
PULL = "{ items { edges { node { id } } } }"


def _cursor(offset: int) -> str:
    return base64.b64encode(f"arrayconnection:{offset}".encode()).decode()


def _resolve_items(_root, _info, first=None, after=None):
    start = 0 if after is None else int(base64.b64decode(after).decode().split(":")[1]) + 1
    ids = list(range(start + 1, min(ROWS, start + (first or ROWS)) + 1))
    edges = [{"cursor": _cursor(start + i), "node": {"id": n}} for i, n in enumerate(ids)]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": start + len(ids) < ROWS,
            "totalCount": ROWS,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


SCHEMA = build_schema(SDL)
SCHEMA.query_type.fields["items"].resolve = _resolve_items

FAULTS = {
    "429": lambda: Reply(429, b'{"error": "slow down"}', {"Retry-After": "0"}),
    "502": lambda: Reply(502, b"<html>bad gateway</html>", {"Content-Type": "text/html"}),
    "503": lambda: Reply(503, b""),
    "504": lambda: Reply(504, b"gateway timeout", {"Content-Type": "text/plain"}),
    "drop": lambda: hang_up,
    "garbage": lambda: Reply(200, b"\x00\xffnot json at all"),
}


@dataclass
class AuthAndApi:
    """Revokes every token issued so far when its GraphQL request count reaches a mark in `revoke_at` (the
    next requests get 401, as when tokens expire), and applies a queue of faults to renewals (every token
    request after the first)."""

    revoke_at: set[int] = field(default_factory=lambda: {3, 9})
    expires_in: float = 300
    faults: list[str | None] = field(default_factory=list)  # None: that renewal try works
    fault_forever: str | None = None
    token_requests: int = 0
    graphql_requests: int = 0
    valid: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Request):
        if request.path == TOKEN_PATH:
            return self._token()
        with self.lock:
            self.graphql_requests += 1
            if self.graphql_requests in self.revoke_at:
                self.valid.clear()
            if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid:
                return Reply(401, b'{"message": "token expired"}')
        body = json.loads(request.body)
        result = graphql_sync(SCHEMA, body["query"], variable_values=body.get("variables"))
        return Reply(200, json.dumps(result.formatted).encode())

    def _token(self):
        with self.lock:
            self.token_requests += 1
            renewal = self.token_requests > 1
            fault = (
                self.fault_forever
                if renewal and self.fault_forever
                else (self.faults.pop(0) if renewal and self.faults else None)
            )
            if fault:
                return FAULTS[fault]()
            token = f"tok-{self.token_requests}"
            self.valid.add(token)
        return Reply(200, json.dumps({"access_token": token, "expires_in": self.expires_in}).encode())


@pytest.fixture(autouse=True)
def private_schema_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "schemas"))


@pytest.fixture
def server() -> Iterator[tuple[AuthAndApi, str]]:
    script = AuthAndApi()
    with scripted_server(script) as running:
        yield script, running.url


def login(url: str) -> IonSession:
    session = IonSession("custom", url, url, "renewal-test", "renewal-secret")
    session.transport.policy = RetryPolicy(max_tries=4, backoff_base=0.01, backoff_max=0.05)
    session.login()
    return session


def pull(session: IonSession, concurrency: int):
    return session.query(PULL, page_size=3, concurrency=concurrency, progress=False)


def outcome_of(session: IonSession, concurrency: int) -> tuple[list[int] | None, str]:
    """(ids, "") for a complete pull; (None or the partial ids, the message) for one that failed."""
    try:
        frame = pull(session, concurrency)
    except IonError as error:
        return None, str(error)
    meta = frame.attrs["ion"]
    return frame["id"].tolist(), "" if meta["complete"] else str(meta.get("stopped") or "incomplete")


@pytest.mark.timeout(30)
@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("fault", sorted(set(FAULTS) - {"garbage"}))
def test_renewal_that_meets_a_passing_fault_is_retried_and_every_row_comes_back(server, fault, concurrency):
    script, url = server
    session = login(url)
    script.faults = [fault, fault]  # the first renewal's first two tries fail, the third works
    ids, problem = outcome_of(session, concurrency)
    assert problem == "" and ids == list(range(1, ROWS + 1))
    met = session.transport.faults_met
    assert met["401"] >= 1  # renewals really happened during the pull
    assert sum(met[name] for name in (fault, "RemoteProtocolError", "ReadError")) >= 2


@pytest.mark.timeout(30)
@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("fault", ["503", "429", "drop", "garbage"])
def test_renewal_that_keeps_failing_gives_a_clear_error_and_the_session_recovers(server, fault, concurrency):
    script, url = server
    session = login(url)
    script.fault_forever = fault
    ids, problem = outcome_of(session, concurrency)
    assert problem, "the pull cannot be complete without a new token"
    assert ids is None or ids == list(range(1, len(ids) + 1))  # rows kept, if any, are a gap-free prefix
    assert "renewal-secret" not in problem and "tok-" not in problem
    script.fault_forever = None  # the token endpoint is back: the same session works again (no lock held)
    ids, problem = outcome_of(session, concurrency)
    assert problem == "" and ids == list(range(1, ROWS + 1))


@pytest.mark.timeout(30)
@pytest.mark.parametrize("concurrency", [1, 4])
def test_renewal_ahead_of_expiry_under_faults(server, concurrency):
    """Tokens that expire at once: every request renews first (the `needs_refresh` path, not the 401 one)."""
    script, url = server
    script.expires_in = 0.001
    script.revoke_at = set()
    session = login(url)
    script.faults = ["503", None, "429", "drop", None, "502", None, "504", "503"]
    ids, problem = outcome_of(session, concurrency)
    assert problem == "" and ids == list(range(1, ROWS + 1)), problem
    assert script.faults == [] and script.token_requests > 5  # renewals met every fault queued
    script.fault_forever = "garbage"
    ids, problem = outcome_of(session, concurrency)  # a garbage answer fails the renewal: a clear error
    assert "without a token" in problem and (ids is None or ids == list(range(1, len(ids) + 1)))
