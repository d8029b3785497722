"""Fault injection for the sandbox: the failures a client of the real ION meets, on demand.

`Faults` is the configuration (all off by default). `FaultInjector` makes the decisions (seeded, thread
safe) and counts what it injected. `FaultMiddleware` is the outermost ASGI layer that acts on them:
latency, 429 with Retry-After, gateway 502/503/504 and dropped connections. ION's own gateway 502 for
slow unpaginated lists needs the row count of the executed request, so the GraphQL endpoint asks
`FaultInjector.gateway_timeout_for` after execution.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from graphql import GraphQLError, OperationDefinitionNode, parse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ion_magic.sandbox.graphql_requests import GRAPHQL_PATH, HEALTH_PATH

logger = logging.getLogger("ion_magic.sandbox")

FaultKind = Literal["drop", "429", "502", "503", "504", "gateway_timeout"]
Target = Literal["all", "queries", "mutations"]

# Bytes of request body read to decide whether a request is a query or a mutation (targeted faults).
_MAX_SNIFFED_BODY = 1_000_000

_STATUS_TEXT = {502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


@dataclass
class Faults:
    """What to inject. Probabilities are per request in scope; several kinds share one draw, in the order
    drop, 429, 502, 503, 504. Assigning attributes on the live object takes effect at the next request."""

    latency_ms: float = 0.0
    rate_429: float = 0.0
    rate_502: float = 0.0
    rate_503: float = 0.0
    rate_504: float = 0.0
    rate_drop: float = 0.0
    retry_after: int = 1
    # ION answers 502 after 30 s when an unpaginated list is large; both must be set to enable it.
    gateway_timeout: float | None = None
    unpaginated_row_limit: int | None = None
    # 0: every request in scope may fail; N: only every Nth request in scope may (deterministic tests).
    fail_every: int = 0
    graphql_only: bool = False
    target: Target = "all"
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("rate_429", "rate_502", "rate_503", "rate_504", "rate_drop"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate}")
        if self.latency_ms < 0 or self.retry_after < 0 or self.fail_every < 0:
            raise ValueError("latency_ms, retry_after and fail_every must not be negative")
        if self.target not in ("all", "queries", "mutations"):
            raise ValueError(f"target must be 'all', 'queries' or 'mutations', got {self.target!r}")

    def failure_rates(self) -> list[tuple[FaultKind, float]]:
        return [
            ("drop", self.rate_drop),
            ("429", self.rate_429),
            ("502", self.rate_502),
            ("503", self.rate_503),
            ("504", self.rate_504),
        ]


@dataclass(frozen=True)
class FaultDecision:
    latency_s: float
    kind: FaultKind | None
    retry_after: int


class FaultInjector:
    """Seeded, thread-safe decisions about which request fails how, with counters of what was injected."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = faults if faults is not None else Faults()
        self._random = random.Random(self._faults.seed)
        self._requests_in_scope = 0
        self._counts: Counter[str] = Counter()

    @property
    def faults(self) -> Faults:
        return self._faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        """Replace the configuration at once; re-seeds the random draws and restarts the every-Nth count."""
        with self._lock:
            self._faults = faults
            self._random = random.Random(faults.seed)
            self._requests_in_scope = 0

    @property
    def counts(self) -> dict[str, int]:
        """Faults injected so far, by kind ("drop", "429", "502", "503", "504", "gateway_timeout")."""
        with self._lock:
            return dict(self._counts)

    def applies_to_path(self, path: str) -> bool:
        if path == HEALTH_PATH:
            return False
        return path == GRAPHQL_PATH or not self._faults.graphql_only

    def needs_operation_type(self) -> bool:
        return self._faults.target != "all"

    def decide(self, operation_type: str | None) -> FaultDecision | None:
        """The fault for one request in path scope, or None when the request is out of target scope.
        `operation_type` is "query", "mutation" or None (not a GraphQL request)."""
        with self._lock:
            faults = self._faults
            if faults.target == "queries" and operation_type != "query":
                return None
            if faults.target == "mutations" and operation_type != "mutation":
                return None
            self._requests_in_scope += 1
            kind: FaultKind | None = None
            if faults.fail_every == 0 or self._requests_in_scope % faults.fail_every == 0:
                kind = self._draw(faults)
            if kind is not None:
                self._counts[kind] += 1
            return FaultDecision(latency_s=faults.latency_ms / 1000.0, kind=kind, retry_after=faults.retry_after)

    def _draw(self, faults: Faults) -> FaultKind | None:
        rates = faults.failure_rates()
        if not any(rate for _, rate in rates):
            return None
        draw = self._random.random()
        threshold = 0.0
        for kind, rate in rates:
            threshold += rate
            if draw < threshold:
                return kind
        return None

    def gateway_timeout_for(self, unpaginated_rows: int) -> float | None:
        """Seconds to wait before ION's gateway 502, when a request returned too many unpaginated rows."""
        with self._lock:
            faults = self._faults
            if faults.gateway_timeout is None or faults.unpaginated_row_limit is None:
                return None
            if unpaginated_rows <= faults.unpaginated_row_limit:
                return None
            self._counts["gateway_timeout"] += 1
            return faults.gateway_timeout


def gateway_error_page(status: int) -> bytes:
    """The HTML a load balancer in front of ION answers with for 502/503/504."""
    title = f"{status} {_STATUS_TEXT[status]}"
    lines = [
        "<html>",
        f"<head><title>{title}</title></head>",
        "<body>",
        f"<center><h1>{title}</h1></center>",
        "</body>",
        "</html>",
        "",
    ]
    return "\r\n".join(lines).encode()


def operation_type_of(body: bytes) -> str | None:
    """ "mutation" when the JSON body (single or batch) holds a mutation to be run, "query" otherwise,
    None when the body is not a GraphQL request at all."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    requests = payload if isinstance(payload, list) else [payload]
    found = None
    for request in requests:
        if not isinstance(request, dict) or not isinstance(request.get("query"), str):
            continue
        found = "query"
        if _selected_operation_is_mutation(request["query"], request.get("operationName")):
            return "mutation"
    return found


def _selected_operation_is_mutation(query: str, operation_name: Any) -> bool:
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [op for op in operations if op.name is not None and op.name.value == operation_name]
    return len(operations) >= 1 and operations[0].operation.value == "mutation"


class FaultMiddleware:
    """Outermost ASGI layer: it sees uvicorn's own `send`, which it needs to drop a connection."""

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.injector.applies_to_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        operation_type = None
        if self.injector.needs_operation_type() and scope["path"] == GRAPHQL_PATH:
            body, receive = await _buffer_body(receive)
            operation_type = "query" if scope["method"] == "GET" else operation_type_of(body)
        decision = self.injector.decide(operation_type)
        if decision is None:
            await self.app(scope, receive, send)
            return
        if decision.latency_s:
            await asyncio.sleep(decision.latency_s)
        if decision.kind is None:
            await self.app(scope, receive, send)
            return
        logger.info("injecting fault %s on %s %s", decision.kind, scope["method"], scope["path"])
        await _drain(receive)
        if decision.kind == "drop":
            await _drop_connection(receive, send)
        elif decision.kind == "429":
            await _send_rate_limited(send, decision.retry_after)
        else:
            await send_gateway_error(send, int(decision.kind))


async def _buffer_body(receive: Receive) -> tuple[bytes, Receive]:
    """Read the request body (up to a bound) and return it with a `receive` that replays it."""
    chunks: list[bytes] = []
    size = 0
    more = True
    messages: list[Message] = []
    while more and size <= _MAX_SNIFFED_BODY:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return b"".join(chunks), replay


async def _drain(receive: Receive) -> None:
    more = True
    while more:
        message = await receive()
        more = message["type"] == "http.request" and message.get("more_body", False)


async def _drop_connection(receive: Receive, send: Send) -> None:
    """Close the socket without an HTTP response, so the client sees the server disconnect."""
    # uvicorn's `send` is a method of its request cycle, which holds the connection's transport.
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError("dropping a connection needs the sandbox to be served by uvicorn")
    transport.close()
    # Wait until the server has seen the connection go, so it does not answer on it.
    while (await receive())["type"] != "http.disconnect":
        pass


async def _send_rate_limited(send: Send, retry_after: int) -> None:
    body = json.dumps(
        {"errors": [{"message": f"Too many requests: rate limit exceeded, retry after {retry_after} s"}]}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_gateway_error(send: Send, status: int) -> None:
    body = gateway_error_page(status)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
