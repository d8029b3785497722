"""A login: where the API is, the credentials, the transport and the schema. The Python API's entry point.

`connect()` gives the same pipeline as the `%%ion` magic without IPython:

    session = ion_magic.connect(app="app.firstresonance.io")   # ION_CLIENT_ID / ION_CLIENT_SECRET
    runs = session.query("{ runs { edges { node { id title status } } } }")

Every way of logging in (`connect()`, each form of `%ion_login`, the widget) goes through `login()`.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from graphql import GraphQLSchema

from .credentials import Credentials, require_safe_url
from .environments import CUSTOM, SANDBOX, Environment, resolve_app, resolve_environment
from .errors import IonError, IonValidationError, NotLoggedInError
from .identity import UNKNOWN, Identity, fetch_identity
from .operation import OperationPlan
from .options import CONCURRENCY, MAX_RESPONSE_BYTES, MAX_TRIES, PAGE_SIZE, TIMEOUT
from .paging import ProgressFactory
from .pipeline import QueryOptions, QueryOutcome, prepare, run
from .schema import CachedSchema, SchemaCache, age_in_words, introspect, schema_from_introspection
from .transport import RetryPolicy, Transport

_sandbox_lock = threading.Lock()
_sandbox = None

LOGIN_VARIABLES = ("ION_ENV", "ION_APP_URL", "ION_API_URL", "ION_AUTH_URL", "ION_CLIENT_ID", "ION_CLIENT_SECRET")


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
                 timeout: float = TIMEOUT, max_tries: int = MAX_TRIES,
                 max_response_bytes: int = MAX_RESPONSE_BYTES, schema_cache: SchemaCache | None = None,
                 http_transport: httpx.BaseTransport | None = None) -> None:
        self.environment = environment
        self.api_url = require_safe_url(api_url)
        self.auth_url = require_safe_url(auth_url)
        target = Environment(environment, self.auth_url, self.api_url)
        self.graphql_url = target.graphql_url
        self.credentials = Credentials(client_id, client_secret)
        self.transport = Transport(target.graphql_url, target.token_url, self.api_url, self.credentials,
                                   timeout=timeout, max_response_bytes=max_response_bytes,
                                   policy=RetryPolicy(max_tries=max_tries), http_transport=http_transport)
        self.schema_cache = schema_cache or SchemaCache()
        self.introspection: dict[str, Any] | None = None
        self.schema: GraphQLSchema | None = None
        self.schema_saved_at: float | None = None  # when the schema in use was cached; None: introspected now
        self.identity: Identity = UNKNOWN
        self.active = True

    def __repr__(self) -> str:
        return f"IonSession({self.environment!r}, {self.graphql_url!r}, client_id={self.client_id!r})"

    @property
    def client_id(self) -> str:
        return self.credentials.client_id

    def login(self) -> None:
        """Get a token with the client-credentials grant, then the schema (from the cache while it is fresh),
        then who the token acts as."""
        self.transport.refresh_token()
        self.load_schema()
        self.identity = fetch_identity(self.schema, self.transport.execute)

    def logout(self) -> None:
        self.active = False
        self.credentials.forget()
        self.transport.close()
        self.schema = self.introspection = None

    def load_schema(self, refresh: bool = False) -> GraphQLSchema | None:
        """Introspect unless a fresh enough cached schema is there; None when the server refuses introspection."""
        cached = None if refresh else self.schema_cache.load(self.graphql_url)
        if cached is None or cached.stale:
            introspection = introspect(self.transport.execute)
            if introspection:
                self.schema_cache.save(self.graphql_url, introspection)
            cached = CachedSchema(introspection, None) if introspection or cached is None else cached
        self.introspection = cached.introspection
        self.schema_saved_at = cached.saved_at
        self.schema = schema_from_introspection(cached.introspection)
        return self.schema

    def schema_note(self, refresh_hint: str) -> str:
        """For a validation error: how old the cached schema is, and how to refresh it ("" when fresh)."""
        if self.schema_saved_at is None:
            return ""
        return (f"\n(Checked against the schema cached {age_in_words(self.schema_saved_at)}; if ION changed "
                f"since, refresh it with {refresh_hint} and run again.)")

    def plan(self, text: str, variables: Mapping[str, Any] | None = None,
             options: QueryOptions | None = None, *, line_offset: int = 1) -> OperationPlan:
        """Everything short of sending: parse, validate, bind, plan (what --dry-run prints)."""
        try:
            return prepare(text, self.schema, variables or {}, options or QueryOptions(), line_offset=line_offset)
        except IonValidationError as error:
            raise IonValidationError(str(error) + self.schema_note("session.load_schema(refresh=True)")) \
                from None

    def run(self, plan: OperationPlan, options: QueryOptions,
            progress_factory: ProgressFactory | None = None) -> QueryOutcome:
        if not self.active:
            raise NotLoggedInError("This session was logged out: log in again.")
        is_mutation = plan.cell.is_mutation

        def send(document: str, variables: dict[str, Any]) -> dict[str, Any]:
            return self.transport.execute(document, variables, is_mutation=is_mutation,
                                          operation_name=plan.cell.name)

        outcome = run(plan, send, options, endpoint=self.graphql_url, progress_factory=progress_factory)
        self._stamp(outcome)
        return outcome

    def _stamp(self, outcome: QueryOutcome) -> None:
        """Record where each frame came from (never the token); server text in it is masked."""
        for result in outcome.results:
            frame = getattr(result, "frame", None)
            meta = frame.attrs.get("ion") if frame is not None else None
            if isinstance(meta, dict):
                meta.update(environment=self.environment, organization=self.identity.organization)
                frame.attrs["ion"] = self.credentials.redact_value(meta)

    def query(self, text: str, variables: Mapping[str, Any] | None = None, *, all: bool = False,
              max_rows: int | None = None, page_size: int = PAGE_SIZE, after: str | None = None,
              explode: str | None = None, raw: bool = False, allow_mutation: bool = False,
              concurrency: int = CONCURRENCY, progress: bool = True) -> Any:
        """Run one GraphQL operation; return a DataFrame (a dict of them for several root fields)."""
        from .progress import TqdmProgress

        options = QueryOptions(all=all, max_rows=max_rows, page_size=page_size, after=after, explode=explode,
                               raw=raw, allow_mutation=allow_mutation, concurrency=concurrency)
        outcome = self.run(self.plan(text, variables, options, line_offset=0), options,
                           TqdmProgress if progress else None)
        return outcome.value

    def status(self) -> dict[str, Any]:
        """What %ion_status shows: never a secret."""
        return {
            "environment": self.environment,
            "identity": self.identity.describe(),
            "api_url": self.api_url,
            "graphql_url": self.graphql_url,
            "client_id": self.client_id,
            "token_valid": self.credentials.has_valid_token(),
            "token_expires_in_s": round(self.credentials.seconds_left()),
            "schema": self._schema_state(),
        }

    def _schema_state(self) -> str:
        if self.schema is None:
            return "unknown (introspection refused)"
        if self.schema_saved_at is None:
            return "loaded"
        return f"loaded from the cache (saved {age_in_words(self.schema_saved_at)})"

    def close(self) -> None:
        self.logout()


# -- the one login path ------------------------------------------------------------------------------

MAGIC_SPELLING = {"sandbox": "--sandbox", "env": "--env", "app": "--app", "urls": "--api-url/--auth-url",
                  "client_id": "--client-id", "client_secret": "it at the prompt"}
PYTHON_SPELLING = {"sandbox": "env='sandbox'", "env": "env=", "app": "app=", "urls": "api_url=/auth_url=",
                   "client_id": "client_id=", "client_secret": "client_secret="}
WIDGET_SPELLING = {"sandbox": "the sandbox", "env": "Environment", "app": "ION address",
                   "urls": "API URL/Auth URL", "client_id": "Client id", "client_secret": "Secret"}
VARIABLE_SPELLING = {"sandbox": "ION_ENV=sandbox", "env": "ION_ENV", "app": "ION_APP_URL",
                     "urls": "ION_API_URL/ION_AUTH_URL"}


@dataclass(frozen=True)
class LoginRequest:
    """What the user asked for, from any front door; None means "not given" (then ION_* variables apply)."""

    sandbox: bool = False
    env: str | None = None
    app: str | None = None
    api_url: str | None = None
    auth_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    spelling: Mapping[str, str] = field(default_factory=lambda: MAGIC_SPELLING, repr=False)


@dataclass(frozen=True)
class Target:
    """Where a login goes. The sandbox's URLs are known only once it runs (None before)."""

    environment: str
    api_url: str | None
    auth_url: str | None
    environment_credentials: bool  # may ION_CLIENT_ID/ION_CLIENT_SECRET be used for this target?

    def describe(self) -> str:
        """Where the secret and the queries go, said before anything is sent."""
        if self.environment == SANDBOX:
            return "the embedded ION sandbox on this machine (its demo client: no secret of yours is sent)"
        place = Environment(self.environment, self.auth_url or "", self.api_url or "")
        return f"{self.environment}: the secret goes to {place.token_url}, queries to {place.graphql_url}"


def resolve_target(request: LoginRequest, environ: Mapping[str, str] = os.environ) -> Target:
    """The target a request names, else the one the ION_* variables name; the sandbox only when asked for
    or when no ION_* variable is set at all. Sends nothing and starts nothing."""
    spelling = request.spelling
    given = _named_target(request.sandbox, request.env, request.app, request.api_url, request.auth_url, spelling)
    try:
        from_variables = _named_target(False, environ.get("ION_ENV"), environ.get("ION_APP_URL"),
                                       environ.get("ION_API_URL"), environ.get("ION_AUTH_URL"), VARIABLE_SPELLING)
    except IonError:
        if given is None or (given.environment == CUSTOM and given.api_url is None):
            raise
        # Inconsistent variables are not used (so not an error with an explicit target), nor their credentials.
        return Target(given.environment, given.api_url, given.auth_url, environment_credentials=False)
    if given is not None and given.environment == CUSTOM and given.api_url is None:  # custom, URLs not given
        if from_variables is None or from_variables.environment != CUSTOM:
            raise IonError(f"A custom deployment needs its URLs: give {spelling['urls']} (or set ION_API_URL and "
                           "ION_AUTH_URL).")
        given = from_variables
    if given is not None:
        same = from_variables is None or (from_variables.api_url, from_variables.auth_url, from_variables.environment) \
            == (given.api_url, given.auth_url, given.environment)
        return Target(given.environment, given.api_url, given.auth_url, environment_credentials=same)
    if from_variables is not None:
        return from_variables
    given_credentials = [spelling[name] for name in ("client_id", "client_secret") if getattr(request, name)]
    set_credentials = [name for name in LOGIN_VARIABLES if environ.get(name)]
    if given_credentials or set_credentials:
        raise IonError(
            f"{' and '.join(given_credentials + set_credentials)} given but no ION environment is named, so it is "
            "not known where to send the credentials. Set ION_APP_URL to your ION's address (e.g. "
            f"app.firstresonance.io), or ION_ENV, or give {spelling['app']} or {spelling['env']}; for the "
            f"embedded sandbox, give {spelling['sandbox']}.")
    return Target(SANDBOX, None, None, environment_credentials=False)


def _named_target(sandbox: bool, env: str | None, app: str | None, api_url: str | None, auth_url: str | None,
                  spelling: Mapping[str, str]) -> Target | None:
    """The one target these options name, None when they name none; a usage error when they disagree."""
    if env == SANDBOX:
        sandbox, env = True, None
    named = [spelling[kind] for kind, present in (("sandbox", sandbox), ("env", env and env != CUSTOM),
                                                  ("app", app), ("urls", api_url or auth_url)) if present]
    if env == CUSTOM and (sandbox or app):
        named.append(f"{spelling['env']} custom")
    if len(named) > 1:
        raise IonError(f"{' and '.join(named)} name different places to log in to: give only one. "
                       f"({spelling['urls']} apply only to a custom deployment.)")
    if sandbox:
        return Target(SANDBOX, None, None, environment_credentials=False)
    if app:
        try:
            known = resolve_app(app)
        except ValueError as error:
            raise IonError(str(error)) from None
        return Target(known.name, known.api_url, known.auth_url, environment_credentials=True)
    if env and env != CUSTOM:
        try:
            known = resolve_environment(env)
        except ValueError as error:
            raise IonError(str(error)) from None
        return Target(known.name, known.api_url, known.auth_url, environment_credentials=True)
    if api_url or auth_url:
        if not (api_url and auth_url):
            raise IonError(f"A custom deployment needs both URLs: {spelling['urls']}.")
        return Target(CUSTOM, require_safe_url(api_url), require_safe_url(auth_url), environment_credentials=True)
    if env == CUSTOM:
        return Target(CUSTOM, None, None, environment_credentials=True)
    return None


def resolve_credentials(request: LoginRequest, target: Target, environ: Mapping[str, str] = os.environ,
                        ask_secret: Callable[[str], str] | None = None) -> tuple[str, str]:
    """(client id, secret): given, else from ION_CLIENT_ID/ION_CLIENT_SECRET when they belong to this target,
    else (the secret only) asked for."""
    spelling = request.spelling
    variables_apply = target.environment_credentials
    client_id = request.client_id or (environ.get("ION_CLIENT_ID") if variables_apply else None)
    if not client_id:
        unused = " (ION_CLIENT_ID is set, but for the environment ION_* variables name, not this one)" \
            if environ.get("ION_CLIENT_ID") and not variables_apply else ""
        raise IonError(f"No client id for {target.environment}: give {spelling['client_id']} or set "
                       f"ION_CLIENT_ID{unused}.")
    secret = request.client_secret
    if not secret and variables_apply and environ.get("ION_CLIENT_ID", client_id) == client_id:
        secret = environ.get("ION_CLIENT_SECRET")
    if not secret and ask_secret is not None:
        secret = ask_secret(client_id)
    if not secret:
        raise IonError(f"No client secret for {client_id}: give {spelling['client_secret']}, or set "
                       "ION_CLIENT_SECRET.")
    return client_id, secret


def login(request: LoginRequest, *, environ: Mapping[str, str] = os.environ,
          ask_secret: Callable[[str], str] | None = None, **settings: Any) -> IonSession:
    """Resolve the target and the credentials, log in, and return the session; a failed login leaves nothing
    open. `settings` go to IonSession (timeout, max_tries, max_response_bytes, schema_cache, http_transport)."""
    target = resolve_target(request, environ)
    if target.environment == SANDBOX:
        if request.client_id or request.client_secret:
            raise IonError("The embedded sandbox logs in with its own demo client: give no client id or secret "
                           "with it.")
        sandbox = embedded_sandbox()
        api_url, auth_url = sandbox.api_url, sandbox.auth_url
        client_id, secret = sandbox.client_id, sandbox.client_secret
    else:
        assert target.api_url is not None and target.auth_url is not None
        api_url, auth_url = target.api_url, target.auth_url
        client_id, secret = resolve_credentials(request, target, environ, ask_secret)
    session = IonSession(target.environment, api_url, auth_url, client_id, secret, **settings)
    try:
        session.login()
    except BaseException:
        session.close()
        raise
    return session


def connect(env: str | None = None, *, app: str | None = None, client_id: str | None = None,
            client_secret: str | None = None, api_url: str | None = None, auth_url: str | None = None,
            timeout: float = TIMEOUT, max_tries: int = MAX_TRIES,
            max_response_bytes: int = MAX_RESPONSE_BYTES) -> IonSession:
    """Log in and return a session: to `app` (your ION's address), `env`, or a custom `api_url`+`auth_url`;
    with none of them, to what ION_APP_URL / ION_ENV / ION_API_URL+ION_AUTH_URL name; with no ION_*
    variable at all, to the embedded sandbox. The secret: `client_secret`, else ION_CLIENT_SECRET."""
    request = LoginRequest(env=env, app=app, api_url=api_url, auth_url=auth_url, client_id=client_id,
                           client_secret=client_secret, spelling=PYTHON_SPELLING)
    return login(request, timeout=timeout, max_tries=max_tries, max_response_bytes=max_response_bytes)
