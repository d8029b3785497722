"""The sandbox's HTTP face: a starlette app served by uvicorn on loopback, started in a background thread.

Routes: POST /graphql (single JSON request or a JSON array batch), the Keycloak token endpoint at
/realms/api-keys/... and /auth/realms/api-keys/..., and GET /health. Every request first passes the guards
(`guards.py`: Host allow-list, body limits). The CLI (`ion-sandbox`) and `start_sandbox` share this code: the
CLI starts a sandbox and waits for a signal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ion_magic.sandbox.api import SandboxAPI
from ion_magic.sandbox.auth import (
    DEFAULT_TOKEN_LIFETIME,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    REALM_TOKEN_PATH,
    TOKEN_PATHS,
    TOKEN_STATUS_MESSAGES,
    TokenAuthority,
    TokenStatus,
    token_endpoint,
    token_from_header,
)
from ion_magic.sandbox.faults import FaultInjector, FaultMiddleware, Faults, gateway_error_page
from ion_magic.sandbox.graphql_requests import (
    GRAPHQL_PATH,
    HEALTH_PATH,
    BadRequest,
    GraphQLRequest,
    parse_graphql_body,
)
from ion_magic.sandbox.guards import (
    SMALL_BODY_LIMIT,
    BodyTooLarge,
    CloseWhenBodyUnread,
    RequestGuard,
    allowed_host_names,
    body_too_large,
    client_went_away,
    error_response,
    is_loopback,
)
from ion_magic.sandbox.seed import seed
from ion_magic.sandbox.store import Store
from ion_magic.sandbox.tls import SandboxCertificate, sandbox_certificate

logger = logging.getLogger("ion_magic.sandbox")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_BODY_BYTES = 1_000_000
"""Default limit of a /graphql request body; every other path takes `SMALL_BODY_LIMIT`."""
SECRET_ENVIRONMENT_VARIABLE = "ION_SANDBOX_CLIENT_SECRET"
_STARTUP_TIMEOUT_S = 30.0
_GRACEFUL_SHUTDOWN_S = 3


def _execute_all(api: SandboxAPI, requests: list[GraphQLRequest]) -> tuple[list[dict[str, Any]], int]:
    results = []
    unpaginated_rows = 0
    for request in requests:
        result, stats = api.execute(request.query, request.variables, request.operation_name)
        results.append(result)
        unpaginated_rows += stats.unpaginated_rows
    return results, unpaginated_rows


def graphql_endpoint(
    api: SandboxAPI, authority: TokenAuthority, injector: FaultInjector
) -> Callable[[Request], Awaitable[Response]]:
    """The /graphql endpoint: authenticate, parse, execute in a worker thread, answer."""

    async def graphql(request: Request) -> Response:
        status = authority.check(token_from_header(request.headers.get("authorization")))
        if status is not TokenStatus.VALID:
            return error_response(TOKEN_STATUS_MESSAGES[status], 401, {"www-authenticate": 'Bearer realm="api-keys"'})
        try:
            requests, batch = parse_graphql_body(request.headers.get("content-type", ""), await request.body())
        except BadRequest as bad:
            return error_response(bad.message, bad.status)
        try:
            results, unpaginated_rows = await run_in_threadpool(_execute_all, api, requests)
        except Exception:
            logger.exception("the sandbox failed to execute a GraphQL request")
            return error_response("Internal error in the ION sandbox while executing the request.", 500)
        delay = injector.gateway_timeout_for(unpaginated_rows)
        if delay is not None:
            logger.info("gateway timeout: %d unpaginated rows, answering 502 after %g s", unpaginated_rows, delay)
            await asyncio.sleep(delay)
            return Response(gateway_error_page(502), status_code=502, media_type="text/html")
        return JSONResponse(results if batch else results[0])

    return graphql


async def _health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    hint = f"GraphQL is served at POST {GRAPHQL_PATH}, tokens at POST {REALM_TOKEN_PATH}."
    message = f"{exc.detail}: {request.method} {request.url.path}. {hint}"
    return error_response(message, exc.status_code, dict(exc.headers or {}))


class TraceIdMiddleware:
    """Adds an `x-b3-trace-id` header to every response, as ION's gateway does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_trace_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"x-b3-trace-id", secrets.token_hex(16).encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_trace_id)


def build_app(
    api: SandboxAPI,
    authority: TokenAuthority,
    injector: FaultInjector,
    max_body_bytes: int = MAX_BODY_BYTES,
    host: str = DEFAULT_HOST,
) -> ASGIApp:
    routes = [
        Route(GRAPHQL_PATH, graphql_endpoint(api, authority, injector), methods=["POST"]),
        Route(HEALTH_PATH, _health, methods=["GET"]),
        *(Route(path, token_endpoint(authority), methods=["POST"]) for path in TOKEN_PATHS),
    ]
    handlers: dict[Any, Callable[..., Any]] = {
        HTTPException: _http_error,
        BodyTooLarge: body_too_large,
        ClientDisconnect: client_went_away,
    }
    app = Starlette(routes=routes, exception_handlers=handlers)

    def body_limit_for(path: str) -> int:
        return max_body_bytes if path == GRAPHQL_PATH else SMALL_BODY_LIMIT

    inner = TraceIdMiddleware(CloseWhenBodyUnread(app))
    return RequestGuard(FaultMiddleware(inner, injector), allowed_host_names(host), body_limit_for)


def refuse_unsafe_exposure(host: str, client_secret: str, any_client: bool) -> None:
    """ValueError when a sandbox would be reachable from other machines with a secret anyone knows."""
    if is_loopback(host):
        return
    if any_client:
        raise ValueError(f"the any-client mode issues tokens to anyone, so it serves loopback only, not {host!r}")
    if client_secret == DEMO_CLIENT_SECRET:
        raise ValueError(
            f"listening on {host!r} makes the sandbox reachable from other machines: choose a client secret of "
            f"your own (ion-sandbox reads it from {SECRET_ENVIRONMENT_VARIABLE}); the demo secret is public"
        )


def open_seeded_store(db: str | Path, scale: int) -> Store:
    """Open the store; seed it when it is in memory or the file is new (a failed seed leaves no file)."""
    in_memory = str(db) == ":memory:"
    is_new = in_memory or not Path(db).exists()
    store = Store.open(str(db))
    if is_new:
        started = time.perf_counter()
        try:
            seed(store, scale=scale)
        except BaseException:
            store.close()
            if not in_memory:
                Path(db).unlink(missing_ok=True)
            raise
        logger.info("seeded the sandbox at scale %d in %.1f s", scale, time.perf_counter() - started)
    return store


def _listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket. Its proto must say TCP: asyncio sets TCP_NODELAY on accepted
    connections only then, and without it every response waits ~40 ms for a delayed ACK."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(2048)
    except BaseException:
        listener.close()
        raise
    return listener


class RunningSandbox:
    """A sandbox serving in a background thread. Faults and token lifetime can change while it runs."""

    def __init__(
        self,
        server: uvicorn.Server,
        thread: threading.Thread,
        listener: socket.socket,
        store: Store,
        authority: TokenAuthority,
        injector: FaultInjector,
        client_id: str,
        client_secret: str,
        certificate: SandboxCertificate | None = None,
    ) -> None:
        self._server = server
        self._thread = thread
        self._listener = listener
        self._authority = authority
        self._injector = injector
        self._stopped = False
        self.store = store
        self.client_id = client_id
        self.client_secret = client_secret
        host, self.port = listener.getsockname()[:2]
        self.host = f"[{host}]" if ":" in host else host
        self.any_client = authority.any_client
        self.ca_file = certificate.ca_file if certificate is not None else None
        """The CA bundle that verifies this sandbox's HTTPS certificate (None when it serves plain http)."""
        scheme = "https" if certificate is not None else "http"
        self.api_url = f"{scheme}://{self.host}:{self.port}"
        self.auth_url = self.api_url
        self.graphql_url = self.api_url + GRAPHQL_PATH
        self.token_url = self.auth_url + REALM_TOKEN_PATH

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return (
            f"RunningSandbox(api_url={self.api_url!r}, client_id={self.client_id!r}, client_secret='********', {state})"
        )

    @property
    def faults(self) -> Faults:
        """The live fault settings: set attributes on it, or assign a new `Faults` to replace them."""
        return self._injector.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._injector.faults = faults

    @property
    def fault_counts(self) -> dict[str, int]:
        """Faults injected so far, by kind: drop, 429, 502, 503, 504, gateway_timeout."""
        return self._injector.counts

    @property
    def token_lifetime(self) -> float:
        return self._authority.lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds: float) -> None:
        self._authority.lifetime = seconds

    def issued_tokens(self) -> list[str]:
        """The access tokens this sandbox issued (for leak checks in tests)."""
        return self._authority.issued_tokens()

    def expire_tokens(self) -> None:
        """Expire every token issued so far (clients must log in again)."""
        self._authority.expire_all()

    @property
    def running(self) -> bool:
        return not self._stopped and self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving, wait for the server thread, close the port and the store. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._server.should_exit = True
        self._thread.join()
        self._listener.close()
        self.store.close()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_sandbox(
    port: int = 0,
    db: str | Path = ":memory:",
    scale: int = 1,
    token_lifetime: float = DEFAULT_TOKEN_LIFETIME,
    faults: Faults | None = None,
    host: str = DEFAULT_HOST,
    *,
    client_id: str = DEMO_CLIENT_ID,
    client_secret: str = DEMO_CLIENT_SECRET,
    access_log: bool = False,
    max_body_bytes: int = MAX_BODY_BYTES,
    tls: bool = False,
    any_client: bool = False,
) -> RunningSandbox:
    """Start a sandbox on `host:port` (0: a free port) in a daemon thread; return once it serves.

    `tls`: serve HTTPS with a loopback certificate kept in the user's cache (`RunningSandbox.ca_file` verifies
    it). `any_client`: issue a token to any client id and secret (loopback only), so scripts with their own
    client ids run unchanged. A non-loopback `host` needs a client secret other than the public demo one.
    """
    refuse_unsafe_exposure(host, client_secret, any_client)
    certificate = sandbox_certificate() if tls else None
    listener = _listening_socket(host, port)
    try:
        store = open_seeded_store(db, scale)
    except BaseException:
        listener.close()
        raise
    authority = TokenAuthority({client_id: client_secret}, lifetime=token_lifetime, any_client=any_client)
    injector = FaultInjector(faults)
    app = build_app(SandboxAPI(store), authority, injector, max_body_bytes, host)
    if access_log:
        # uvicorn silences its access logger process-wide when a server runs without one; undo that here.
        logging.getLogger("uvicorn.access").propagate = True
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=access_log,
        lifespan="off",
        ws="none",
        proxy_headers=False,
        timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_S,
        ssl_certfile=certificate.cert_file if certificate else None,
        ssl_keyfile=certificate.key_file if certificate else None,
    )
    server = uvicorn.Server(config)
    thread_name = f"ion-sandbox-{listener.getsockname()[1]}"
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name=thread_name, daemon=True)
    thread.start()
    sandbox = RunningSandbox(
        server, thread, listener, store, authority, injector, client_id, client_secret, certificate
    )
    deadline = time.monotonic() + _STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            with contextlib.suppress(Exception):
                sandbox.stop()
            raise RuntimeError("the ION sandbox server did not start; see the log of 'uvicorn.error'")
        time.sleep(0.01)
    logger.info("ION sandbox serving at %s", sandbox.api_url)
    return sandbox
