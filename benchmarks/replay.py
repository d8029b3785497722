"""A local ION-like GraphQL server that replays pre-serialised pages, so that a benchmark measures the client.

The server runs in its own process (its CPU does not share the client's GIL) on 127.0.0.1, speaks just enough
HTTP/1.1 (keep-alive, Content-Length bodies) over a bare asyncio protocol, and answers:

- the Keycloak token endpoint (`.../protocol/openid-connect/token`) with a fixed token;
- the introspection query with the introspection of `shapes.SDL`;
- any other POST to `/<shape>/<N>/graphql` with one page of the first N records of that shape (see
  shapes.py; `/rows/<N>/graphql` is the inventory shape): the page starts after the `ion_after` (or `after`)
  variable's graphene offset cursor and holds `ion_first` (or `first`, or a literal `first: K` in the query)
  edges. The selection is not read: every page holds all the leaves of the shape's selection, and the page
  info under `ion_page_info` (or `pageInfo` when the query does not ask for the alias).

The edges of every page announced in `ReplayServer(pages=...)` are serialised before the server says it is
ready; a page of any other size is serialised on first request and kept.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import re
from dataclasses import dataclass
from typing import Any

from graphql import build_schema, get_introspection_query, graphql_sync
from shapes import SDL, SHAPES, Shape

from ion_magic.cursors import decode_offset
from ion_magic.cursors import encode_offset as offset_cursor

INVENTORY = SHAPES["inventory"]
# The inventory query e2e.py, scaling.py and small_query.py pull (the other shapes are in shapes.py).
SELECTION = "\n        " + INVENTORY.selection + "\n"
QUERY = INVENTORY.query
ROOT = INVENTORY.root
TOKEN = "replay-access-token"


def cursor_offset(cursor: str | None) -> int:
    """The offset inside a graphene cursor; -1 (before the first row) for None."""
    if not cursor:
        return -1
    offset = decode_offset(cursor)
    if offset is None:
        raise ValueError(f"not an offset cursor: {cursor!r}")
    return offset


def introspection_body() -> bytes:
    """The HTTP body answering the introspection query, from `SDL`."""
    result = graphql_sync(build_schema(SDL), get_introspection_query(descriptions=True))
    return json.dumps({"data": result.data}).encode()


def page_info(rows: int, offset: int, count: int) -> dict[str, Any]:
    return {
        "hasNextPage": offset + count < rows,
        "startCursor": offset_cursor(offset) if count else None,
        "endCursor": offset_cursor(offset + count - 1) if count else None,
        "totalCount": rows,
    }


class _Pages:
    """One shape's serialised edge runs keyed by (offset, count) and page infos keyed by (rows, offset, count)."""

    def __init__(self, shape: Shape, max_rows: int, pages: list[tuple[int, int]], seed: int) -> None:
        self.root = shape.root.encode()
        self.max_rows = max_rows
        self.edges = [
            json.dumps({"node": node}, separators=(",", ":")).encode() for node in shape.nodes(max_rows, seed)
        ]
        self.blobs: dict[tuple[int, int], bytes] = {}
        self.infos: dict[tuple[int, int, int], bytes] = {}
        for rows, size in pages:
            for offset in range(0, rows, size):
                self.page(rows, offset, size)

    def page(self, rows: int, offset: int, first: int) -> tuple[bytes, bytes]:
        count = max(0, min(first, rows - offset))
        blob = self.blobs.get((offset, count))
        if blob is None:
            blob = self.blobs[(offset, count)] = b",".join(self.edges[offset : offset + count])
        info = self.infos.get((rows, offset, count))
        if info is None:
            info = self.infos[(rows, offset, count)] = json.dumps(
                page_info(rows, offset, count), separators=(",", ":")
            ).encode()
        return blob, info


_FIRST_LITERAL = re.compile(r"\bfirst\s*:\s*(\d+)")
_ROWS_PATH = re.compile(r"^/(\w+)/(\d+)/graphql$")
_INVENTORY_PATH = "rows"  # /rows/<N>/graphql: the inventory shape


class _App:
    def __init__(self, pages: dict[str, _Pages], default_first: int) -> None:
        self.pages = pages
        self.default_first = default_first
        self.introspection = introspection_body()
        self.token = json.dumps({"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"}).encode()

    def respond(self, method: str, target: str, body: bytes) -> tuple[bytes, list[bytes]]:
        if method != "POST":
            return b"405 Method Not Allowed", [b'{"error":"POST only"}']
        if target.endswith("/protocol/openid-connect/token"):
            return b"200 OK", [self.token]
        match = _ROWS_PATH.match(target)
        if match is None:
            return b"404 Not Found", [b'{"errors":[{"message":"no such path"}]}']
        name = INVENTORY.name if match.group(1) == _INVENTORY_PATH else match.group(1)
        pages = self.pages.get(name)
        if pages is None:
            return b"404 Not Found", [b'{"errors":[{"message":"no such shape"}]}']
        rows = min(int(match.group(2)), pages.max_rows)
        request = json.loads(body)
        query = request.get("query") or ""
        if "__schema" in query:
            return b"200 OK", [self.introspection]
        variables = request.get("variables") or {}
        after = variables.get("ion_after", variables.get("after"))
        first = variables.get("ion_first", variables.get("first"))
        if first is None:
            literal = _FIRST_LITERAL.search(query)
            first = int(literal.group(1)) if literal else self.default_first
        blob, info = pages.page(rows, cursor_offset(after) + 1, first)
        info_key = b"ion_page_info" if "ion_page_info" in query else b"pageInfo"
        return b"200 OK", [b'{"data":{"', pages.root, b'":{"edges":[', blob, b'],"', info_key, b'":', info, b"}}}"]


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: requests with Content-Length bodies, answered in order."""

    def __init__(self, app: _App) -> None:
        self.app = app
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            status, parts = self.app.respond(method, target, body)
            close = headers.get("connection", "").lower() == "close"
            size = sum(map(len, parts))
            head = (
                b"HTTP/1.1 "
                + status
                + b"\r\nContent-Type: application/json\r\nContent-Length: "
                + str(size).encode()
                + (b"\r\nConnection: close" if close else b"")
                + b"\r\n\r\n"
            )
            self.transport.write(b"".join([head, *parts]))
            if close:
                self.transport.close()
                self.transport = None


def _serve(
    max_rows: int, pages: list[tuple[int, int]], shapes: tuple[str, ...], default_first: int, seed: int, ready: Any
) -> None:
    app = _App({name: _Pages(SHAPES[name], max_rows, pages, seed) for name in shapes}, default_first)

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(lambda: _Connection(app), "127.0.0.1", 0)
        ready.send(server.sockets[0].getsockname()[1])
        ready.close()
        await server.serve_forever()

    asyncio.run(main())


@dataclass
class ReplayServer:
    """The replay server in a child process, for a `with` block. `pages` lists the (rows, page size) pulls
    whose pages are serialised before it is ready; `max_rows` is the largest dataset it serves; `shapes` the
    datasets it serves (names in shapes.SHAPES)."""

    max_rows: int
    pages: list[tuple[int, int]]
    shapes: tuple[str, ...] = (INVENTORY.name,)
    default_first: int = 100
    seed: int = 7
    port: int = 0

    def __enter__(self) -> ReplayServer:
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_serve,
            args=(self.max_rows, self.pages, self.shapes, self.default_first, self.seed, sender),
            daemon=True,
        )
        self._process.start()
        sender.close()
        if not receiver.poll(600):
            self._process.kill()
            raise RuntimeError("the replay server did not start")
        self.port = receiver.recv()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._process.terminate()
        self._process.join(10)

    @property
    def auth_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api_url(self, rows: int, shape: str = _INVENTORY_PATH) -> str:
        """The API base serving the first `rows` records of `shape` (its GraphQL endpoint is this + /graphql)."""
        return f"http://127.0.0.1:{self.port}/{shape}/{rows}"
