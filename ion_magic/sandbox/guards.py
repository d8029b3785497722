"""What a request must satisfy before any endpoint reads it: a Host header that names this sandbox, and a body
within its path's limit.

The Host check stops DNS rebinding (a web page whose name resolves to 127.0.0.1 reaching the sandbox from a
browser). The body limit is checked on the declared Content-Length before a byte is read, and counted as a
chunked body streams in; past it the request gets a 413 and the connection is closed, so the rest is never read.
Any other answer given before its body was read (a 401, a 404) closes the connection too, instead of the server
reading and dropping whatever the client goes on sending.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Callable, Iterable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("ion_magic.sandbox")

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# A token request is a form of a few hundred bytes; anything much bigger is not one.
SMALL_BODY_LIMIT = 16_384


class BodyTooLarge(Exception):
    """A request body went past its limit while it was being read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than the limit of {limit} bytes.")
        self.limit = limit


def error_response(message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    """The sandbox's answer to a request it cannot serve: GraphQL's `{"errors": [{"message": ...}]}` shape."""
    return JSONResponse({"errors": [{"message": message}]}, status_code=status, headers=headers)


def too_large_response(limit: int) -> JSONResponse:
    """413, closing the connection: the unread rest of the body is dropped with it instead of being read."""
    return error_response(str(BodyTooLarge(limit)), 413, {"connection": "close"})


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address, IPv6 with or without brackets) names this machine only."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header, without the port and the brackets of an IPv6 address; lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def allowed_host_names(configured_host: str) -> frozenset[str]:
    """The Host header names the sandbox answers to: the loopback names and the host it was told to listen on."""
    return LOOPBACK_NAMES | {configured_host.strip("[]").lower()}


async def client_went_away(request: Request, exc: Exception) -> None:
    """Starlette handler of `ClientDisconnect`: one log line, and nothing sent (there is no one to send to)."""
    logger.info("client disconnected before its request was read: %s %s", request.method, request.url.path)


async def body_too_large(request: Request, exc: Exception) -> Response:
    """Starlette handler of `BodyTooLarge` raised while an endpoint read a body."""
    assert isinstance(exc, BodyTooLarge)
    logger.info("refused %s %s: body over %d bytes", request.method, request.url.path, exc.limit)
    return too_large_response(exc.limit)


class RequestGuard:
    """Outermost ASGI layer: refuses a foreign Host header (421) and a body over its path's limit (413)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str], body_limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.allowed_hosts = frozenset(allowed_hosts)
        self.body_limit_for = body_limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(headers, scope["path"])
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        limit = self.body_limit_for(scope["path"])
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, bounded_receive, send)
        except BodyTooLarge:
            # Raised by a layer outside starlette (fault injection reads bodies before anything is sent).
            await too_large_response(limit)(scope, receive, send)

    def _refusal(self, headers: Headers, path: str) -> Response | None:
        host = headers.get("host")
        if not host:
            return error_response("The request has no Host header.", 400, {"connection": "close"})
        name = host_name(host)
        if name not in self.allowed_hosts and not is_loopback(name):
            shown = json.dumps(name[:100])
            return error_response(
                f"This ION sandbox does not answer to the host name {shown}: use "
                f"{' or '.join(sorted(self.allowed_hosts))}. (A guard against DNS rebinding.)",
                421,
                {"connection": "close"},
            )
        declared = headers.get("content-length")
        limit = self.body_limit_for(path)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            logger.info("refused a request to %s declaring a %s-byte body (limit %d)", path, declared, limit)
            return too_large_response(limit)
        return None


class CloseWhenBodyUnread:
    """Adds `connection: close` to a response that starts before its request's body was read to the end.

    It wraps `send`, so it sits inside the fault layer (which needs uvicorn's own `send` to drop connections).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        body_read = "transfer-encoding" not in headers and headers.get("content-length", "0") == "0"

        async def watched_receive() -> Message:
            nonlocal body_read
            message = await receive()
            body_read = body_read or message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def closing_send(message: Message) -> None:
            if message["type"] == "http.response.start" and not body_read:
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, watched_receive, closing_send)
