"""A login: where the API is, the credentials, the transport and the schema. The Python API's entry point.

`connect()` gives the same pipeline as the `%%ion` magic without IPython:

    session = ion_magic.connect()                # the embedded sandbox
    runs = session.query("{ runs { edges { node { id title status } } } }")
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLSchema

from .credentials import Credentials, require_safe_url
from .environments import CUSTOM, SANDBOX, Environment, resolve_environment
from .errors import IonError, NotLoggedInError
from .operation import OperationPlan
from .paging import ProgressFactory
from .pipeline import QueryOptions, QueryOutcome, prepare, run
from .schema import INTROSPECTION_QUERY, SchemaCache, schema_from_introspection
from .transport import RetryPolicy, Transport

_sandbox_lock = threading.Lock()
_sandbox = None


def embedded_sandbox():
    """The process's embedded ION sandbox, started on first use on a free loopback port."""
    global _sandbox
    with _sandbox_lock:
        if _sandbox is None or not _sandbox.running:
            from .sandbox import start_sandbox

            _sandbox = start_sandbox()
            atexit.register(_sandbox.stop)
        return _sandbox


class IonSession:
    """One login to one ION API. Holds the only copy of the credentials (masked in every repr)."""

    def __init__(self, environment: str, api_url: str, auth_url: str, client_id: str, client_secret: str, *,
                 timeout: float = 60.0, max_tries: int = 5, schema_cache: SchemaCache | None = None) -> None:
        self.environment = environment
        self.api_url = require_safe_url(api_url)
        self.auth_url = require_safe_url(auth_url)
        target = Environment(environment, self.auth_url, self.api_url)
        self.graphql_url = target.graphql_url
        self.credentials = Credentials(client_id, client_secret)
        self.transport = Transport(target.graphql_url, target.token_url, self.api_url, self.credentials,
                                   timeout=timeout, policy=RetryPolicy(max_tries=max_tries))
        self.schema_cache = schema_cache or SchemaCache()
        self.introspection: dict[str, Any] | None = None
        self.schema: GraphQLSchema | None = None
        self.active = True

    def __repr__(self) -> str:
        return f"IonSession({self.environment!r}, {self.graphql_url!r}, client_id={self.client_id!r})"

    @property
    def client_id(self) -> str:
        return self.credentials.client_id

    def login(self) -> None:
        """Get a token with the client-credentials grant, then the schema (from the cache when there)."""
        self.transport.refresh_token()
        self.load_schema()

    def logout(self) -> None:
        self.active = False
        self.credentials.forget()
        self.transport.close()
        self.schema = self.introspection = None

    def load_schema(self, refresh: bool = False) -> GraphQLSchema | None:
        """Introspect once per endpoint (cached on disk); None when the server refuses introspection."""
        introspection = None if refresh else self.schema_cache.load(self.graphql_url)
        if introspection is None:
            response = self.transport.execute(INTROSPECTION_QUERY)
            introspection = response.get("data") if not response.get("errors") else None
            if introspection:
                self.schema_cache.save(self.graphql_url, introspection)
        self.introspection = introspection
        self.schema = schema_from_introspection(introspection)
        return self.schema

    def plan(self, text: str, variables: Mapping[str, Any] | None = None,
             options: QueryOptions | None = None, *, line_offset: int = 1) -> OperationPlan:
        """Everything short of sending: parse, validate, bind, plan (what --dry-run prints)."""
        return prepare(text, self.schema, variables or {}, options or QueryOptions(), line_offset=line_offset)

    def run(self, plan: OperationPlan, options: QueryOptions,
            progress_factory: ProgressFactory | None = None) -> QueryOutcome:
        if not self.active:
            raise NotLoggedInError("This session was logged out: log in again.")
        is_mutation = plan.cell.is_mutation

        def send(document: str, variables: dict[str, Any]) -> dict[str, Any]:
            return self.transport.execute(document, variables, is_mutation=is_mutation,
                                          operation_name=plan.cell.name)

        return run(plan, send, options, endpoint=self.graphql_url, progress_factory=progress_factory)

    def query(self, text: str, variables: Mapping[str, Any] | None = None, *, all: bool = False,
              max_rows: int | None = None, page_size: int = 100, after: str | None = None,
              explode: str | None = None, raw: bool = False, allow_mutation: bool = False,
              concurrency: int = 4, progress: bool | None = None) -> Any:
        """Run one GraphQL operation; return a DataFrame (a dict of them for several root fields). `progress`
        None shows a progress bar only in a notebook (a script's output gets none)."""
        from .progress import PullProgress, in_notebook

        options = QueryOptions(all=all, max_rows=max_rows, page_size=page_size, after=after, explode=explode,
                               raw=raw, allow_mutation=allow_mutation, concurrency=concurrency)
        outcome = self.run(self.plan(text, variables, options, line_offset=0), options,
                           PullProgress if (in_notebook() if progress is None else progress) else None)
        return outcome.value

    def status(self) -> dict[str, Any]:
        """What %ion_status shows: never a secret."""
        return {
            "environment": self.environment,
            "api_url": self.api_url,
            "graphql_url": self.graphql_url,
            "client_id": self.client_id,
            "token_valid": self.credentials.has_valid_token(),
            "token_expires_in_s": round(self.credentials.seconds_left()),
            "schema": "loaded" if self.schema is not None else "unknown (introspection refused)",
        }

    def close(self) -> None:
        self.logout()


def resolve_target(env: str | None = None, *, api_url: str | None = None, auth_url: str | None = None,
                   environ: Mapping[str, str] = os.environ) -> tuple[str, str, str]:
    """(environment name, API URL, auth URL) from the arguments, else ION_* variables; sandbox by default."""
    api_url = api_url or environ.get("ION_API_URL")
    auth_url = auth_url or environ.get("ION_AUTH_URL")
    name = env or (CUSTOM if api_url or auth_url else environ.get("ION_ENV") or SANDBOX)
    if name == SANDBOX:
        sandbox = embedded_sandbox()
        return SANDBOX, sandbox.api_url, sandbox.auth_url
    if name == CUSTOM:
        if not (api_url and auth_url):
            raise IonError("A custom deployment needs both --api-url and --auth-url (or ION_API_URL and "
                           "ION_AUTH_URL).")
        return CUSTOM, api_url, auth_url
    try:
        known = resolve_environment(name)
    except ValueError as error:
        raise IonError(str(error)) from None
    return name, api_url or known.api_url, auth_url or known.auth_url


def connect(env: str | None = None, *, client_id: str | None = None, client_secret: str | None = None,
            api_url: str | None = None, auth_url: str | None = None, timeout: float = 60.0,
            max_tries: int = 5) -> IonSession:
    """Log in and return a session. With no arguments: ION_* environment variables, else the sandbox."""
    name, api, auth = resolve_target(env, api_url=api_url, auth_url=auth_url)
    if name == SANDBOX:
        sandbox = embedded_sandbox()
        client_id, client_secret = sandbox.client_id, sandbox.client_secret
    client_id = client_id or os.environ.get("ION_CLIENT_ID")
    client_secret = client_secret or os.environ.get("ION_CLIENT_SECRET")
    if not client_id or not client_secret:
        raise IonError("Missing credentials: pass client_id and client_secret, or set ION_CLIENT_ID and "
                       "ION_CLIENT_SECRET.")
    session = IonSession(name, api, auth, client_id, client_secret, timeout=timeout, max_tries=max_tries)
    session.login()
    return session
