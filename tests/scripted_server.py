"""A tiny HTTP server for tests of the client against servers that misbehave on purpose: each request is
answered by a Python function, on loopback, in its own thread. Real sockets, real httpx on the client side.

A handler gets a `Request` and returns a `Reply` (status, headers, body), or a callable that writes the
answer itself to the socket file (to drip bytes, send a bad frame or hang up)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Writer = Callable[[BinaryIO], None]
Handler = Callable[[Request], "Reply | Writer"]


def hang_up(stream: BinaryIO) -> None:
    """Close the connection without an answer (the client sees a dropped connection)."""


def _handler_class(handle: Handler, seen: list[Request]) -> type[BaseHTTPRequestHandler]:
    class ScriptedHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
            )
            seen.append(request)
            answer = handle(request)
            if callable(answer):
                answer(self.wfile)
                self.close_connection = True
                return
            self.send_response(answer.status)
            for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def do_CONNECT(self) -> None:  # a proxy's tunnel request: recorded, then refused
            seen.append(Request("CONNECT", self.path, {k.lower(): v for k, v in self.headers.items()}, b""))
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read `seen`, not logs
            pass

    return ScriptedHandler


@dataclass
class ScriptedServer:
    url: str
    seen: list[Request]


@contextmanager
def scripted_server(handle: Handler) -> Iterator[ScriptedServer]:
    """Serve `handle` on 127.0.0.1 (a free port) until the block ends."""
    seen: list[Request] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(handle, seen))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="scripted-server", daemon=True)
    thread.start()
    try:
        yield ScriptedServer(f"http://127.0.0.1:{server.server_address[1]}", seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
