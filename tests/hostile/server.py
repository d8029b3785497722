"""A small GraphQL server that lies on purpose: each test gives it a script saying exactly what it answers.

The server is the standard library's ThreadingHTTPServer on 127.0.0.1, in its own thread. It serves a
client-credentials token endpoint (any `.../protocol/openid-connect/token` path) and `/graphql`. The
introspection query is answered honestly from the test's schema, so the client validates and types
columns; every other GraphQL request is logged and handed to the test's script, a callable from the
parsed request to the answer (a JSON-able value, or a `Reply` for a status code or raw bytes).

`server.honest(request, root_value)` executes a request with graphql-core over Python data (a value may be
a callable `(info, **arguments)`, e.g. `offset_connection(rows)`), so a script can take the honest answer and
change just the part it lies about; `page_info_of` and `edges_of` find those parts whatever aliases the
client chose, and `GraphQLRequest.argument` reads an argument whatever variable the client put in it.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableNode,
    graphql_sync,
    parse,
    value_from_ast_untyped,
)

TOKEN_PATH_SUFFIX = "/protocol/openid-connect/token"
GRAPHQL_PATH = "/graphql"
CLIENT_ID = "hostile-client"
CLIENT_SECRET = "hostile-secret-do-not-show"
OFFSET_PREFIX = "arrayconnection:"


@dataclass
class Reply:
    """An answer other than a 200 JSON body: any status, headers, and a JSON value or raw bytes."""

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class GraphQLRequest:
    """One POST to /graphql as the server received it."""

    query: str
    variables: dict[str, Any]
    operation_name: str | None = None

    @cached_property
    def document(self) -> DocumentNode:
        return parse(self.query)

    @property
    def is_introspection(self) -> bool:
        return "__schema" in self.query

    @property
    def operation(self) -> OperationDefinitionNode:
        return next(d for d in self.document.definitions if isinstance(d, OperationDefinitionNode))

    @property
    def root_keys(self) -> list[str]:
        """Response keys of the operation's root fields, in order (no fragments at the root here)."""
        return [_key(node) for node in self.operation.selection_set.selections if isinstance(node, FieldNode)]

    def root_field(self, key: str) -> FieldNode:
        return next(
            node
            for node in self.operation.selection_set.selections
            if isinstance(node, FieldNode) and _key(node) == key
        )

    def argument(self, key: str, name: str) -> Any:
        """The value the root field `key` gets for argument `name` (a variable resolved), None when absent."""
        for argument in self.root_field(key).arguments or ():
            if argument.name.value == name:
                if isinstance(argument.value, VariableNode):
                    return self.variables.get(argument.value.name.value)
                return value_from_ast_untyped(argument.value, self.variables)
        return None

    def after_offset(self, key: str) -> int:
        """The offset the root connection `key` was asked to start after (-1: from the start)."""
        after = self.argument(key, "after")
        return -1 if after is None else decode_offset(after)

    def child_key(self, key: str, field_name: str) -> str | None:
        """The response key of the field `field_name` selected directly under the root field `key`."""
        selection = self.root_field(key).selection_set
        for node in selection.selections if selection else ():
            if isinstance(node, FieldNode) and node.name.value == field_name:
                return _key(node)
        return None


Script = Callable[[GraphQLRequest], Any]


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


class HostileServer:
    """The lying server. `script` answers /graphql; `requests` logs what came (introspection left out)."""

    def __init__(self, schema: GraphQLSchema, script: Script | None = None) -> None:
        self.schema = schema
        self.script: Script = script or (lambda request: {"data": None, "errors": [{"message": "no script"}]})
        self.requests: list[GraphQLRequest] = []
        self.token_requests = 0
        self.failures: list[BaseException] = []  # a script that raised (the client got a 500)
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, name="hostile-server", daemon=True)

    @property
    def url(self) -> str:
        """The base URL for both api_url and auth_url."""
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def honest(self, request: GraphQLRequest, root_value: Any) -> dict[str, Any]:
        """What a correct server would answer: graphql-core executing the request over `root_value`."""
        result = graphql_sync(
            self.schema,
            request.query,
            root_value=root_value,
            variable_values=request.variables,
            operation_name=request.operation_name,
        )
        return result.formatted

    # -- called from the HTTP threads ------------------------------------------------------------
    def _answer_graphql(self, body: bytes) -> Reply:
        payload = json.loads(body)
        request = GraphQLRequest(
            payload.get("query") or "", payload.get("variables") or {}, payload.get("operationName")
        )
        if request.is_introspection:
            return Reply(body=self.honest(request, None))
        with self._lock:
            self.requests.append(request)
        try:
            answer = self.script(request)
        except BaseException as error:  # the test sees it in `failures`; the client sees a 500
            self.failures.append(error)
            return Reply(status=500, body=b"script failed")
        return answer if isinstance(answer, Reply) else Reply(body=answer)

    def _answer_token(self, body: bytes) -> Reply:
        with self._lock:
            self.token_requests += 1
        form = {name: values[0] for name, values in parse_qs(body.decode()).items()}
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
        ):
            return Reply(status=401, body={"error": "invalid_client"})
        return Reply(body={"access_token": f"token-{self.token_requests}", "expires_in": 300, "token_type": "Bearer"})


def _handler_for(server: HostileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.endswith(TOKEN_PATH_SUFFIX):
                reply = server._answer_token(body)
            elif self.path == GRAPHQL_PATH:
                reply = server._answer_graphql(body)
            else:
                reply = Reply(status=404, body={"error": "not found"})
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            content = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json", **reply.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures, not traffic
            pass

    return Handler


# -- honest pages --------------------------------------------------------------------------------------
def encode_offset(offset: int) -> str:
    """graphene's offset cursor: base64 of `arrayconnection:<offset>`."""
    return base64.b64encode(f"{OFFSET_PREFIX}{offset}".encode()).decode()


def decode_offset(cursor: str) -> int:
    return int(base64.b64decode(cursor).decode()[len(OFFSET_PREFIX) :])


def make_rows(count: int, start: int = 1) -> list[dict[str, Any]]:
    """`count` run-like rows with ids "r0001", "r0002", ... (strings, as GraphQL sends IDs; distinct enough
    to look for in a message)."""
    return [
        {"id": f"r{number:04d}", "title": f"run {number}", "status": "TODO"} for number in range(start, start + count)
    ]


def offset_page(
    rows: Sequence[Any], first: int | None = None, after: str | None = None, *, default_first: int | None = None
) -> dict[str, Any]:
    """One page of a Relay connection over `rows` with graphql-relay's offset cursors and a totalCount."""
    start = 0 if after is None else decode_offset(after) + 1
    size = first if first is not None else (default_first if default_first is not None else len(rows))
    chunk = rows[start : start + size]
    edges = [{"cursor": encode_offset(start + index), "node": row} for index, row in enumerate(chunk)]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": start + len(chunk) < len(rows),
            "hasPreviousPage": start > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
            "totalCount": len(rows),
        },
    }


def offset_connection(rows: Sequence[Any], *, default_first: int | None = None) -> Callable[..., dict[str, Any]]:
    """A field value for graphql-core: the connection page its `first`/`after` arguments ask for."""

    def resolve(info: Any, first: int | None = None, after: str | None = None, **_filters: Any) -> dict[str, Any]:
        return offset_page(rows, first, after, default_first=default_first)

    return resolve


def honest_script(server: HostileServer, root_value: Any) -> Script:
    """A script that never lies: every request executed over `root_value`."""
    return lambda request: server.honest(request, root_value)


def lying_script(
    server: HostileServer, root_value: Any, lie: Callable[[GraphQLRequest, dict[str, Any]], Any]
) -> Script:
    """The honest answer, then `lie(request, answer)`: it changes the answer in place, or returns another."""

    def script(request: GraphQLRequest) -> Any:
        answer = server.honest(request, root_value)
        replaced = lie(request, answer)
        return answer if replaced is None else replaced

    return script


# -- where to lie in an answer ------------------------------------------------------------------------
def page_info_of(request: GraphQLRequest, answer: dict[str, Any], key: str) -> dict[str, Any]:
    """The pageInfo of the root connection `key`, under whatever alias the client gave it."""
    alias = request.child_key(key, "pageInfo")
    assert alias is not None, f"the client asked no pageInfo under {key}: {request.query}"
    return answer["data"][key][alias]


def edges_of(request: GraphQLRequest, answer: dict[str, Any], key: str) -> list[dict[str, Any]]:
    alias = request.child_key(key, "edges")
    assert alias is not None, f"the client asked no edges under {key}: {request.query}"
    return answer["data"][key][alias]


def query(session: Any, text: str, **options: Any) -> Any:
    """`session.query` without a progress bar (the tests' output stays readable)."""
    return session.query(text, progress=False, **options)


def pairs(frame: Any, *columns: str) -> list[tuple[str | None, ...]]:
    """Rows as tuples of strings (None for a null), for row-for-row comparison across frames."""
    import pandas as pd

    return [
        tuple(None if pd.isna(value) else str(value) for value in row)
        for row in frame[list(columns)].itertuples(index=False, name=None)
    ]


def ids_in(frame: Any) -> list[str]:
    """The `id` column of a frame as plain strings, in order."""
    return [str(value) for value in frame["id"].tolist()] if "id" in frame else []


def connect_to(server: HostileServer, **options: Any) -> Any:
    """`ion_magic.connect()` to the server, as a user of a custom deployment would (plain http: loopback)."""
    import ion_magic

    return ion_magic.connect(
        api_url=server.url, auth_url=server.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **options
    )
