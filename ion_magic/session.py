"""A login: where the API is, the credentials, the transport and the schema. The Python API's entry point.

`connect()` gives the same pipeline as the `%%ion` magic without IPython:

    session = ion_magic.connect(app="app.firstresonance.io")   # ION_CLIENT_ID / ION_CLIENT_SECRET
    runs = session.query("{ runs { edges { node { id title status } } } }")

Every way of logging in (`connect()`, each form of `%ion_login`, the widget) goes through `login.login()`.
"""

from __future__ import annotations

import atexit
import threading
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from graphql import GraphQLSchema

from .credentials import Credentials, require_safe_url
from .environments import Environment
from .errors import IncompleteResultError, IncompleteResultWarning, IonValidationError, NotLoggedInError
from .identity import UNKNOWN, Identity, fetch_identity
from .operation import OperationPlan
from .options import CONCURRENCY, MAX_RESPONSE_BYTES, MAX_TRIES, PAGE_SIZE, TIMEOUT
from .outcome import QueryOutcome
from .pipeline import QueryOptions, prepare, run
from .result_cache import ResultCache, default_results_dir, parse_ttl
from .root_result import ProgressFactory
from .schema import CachedSchema, SchemaCache, age_in_words, introspect, schema_from_introspection
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

    operations_dir: str | Path | None = None  # saved operations and fragments; None: ION_OPERATIONS_DIR, ./graphql

    def __init__(
        self,
        environment: str,
        api_url: str,
        auth_url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout: float = TIMEOUT,
        max_tries: int = MAX_TRIES,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        schema_cache: SchemaCache | None = None,
        http_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.environment = environment
        self.api_url = require_safe_url(api_url)
        self.auth_url = require_safe_url(auth_url)
        target = Environment(environment, self.auth_url, self.api_url)
        self.graphql_url = target.graphql_url
        self.credentials = Credentials(client_id, client_secret)
        self.transport = Transport(
            target.graphql_url,
            target.token_url,
            self.api_url,
            self.credentials,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            policy=RetryPolicy(max_tries=max_tries),
            http_transport=http_transport,
        )
        self.schema_cache = schema_cache or SchemaCache()
        self.result_cache = ResultCache(default_results_dir())
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
        return (
            f"\n(Checked against the schema cached {age_in_words(self.schema_saved_at)}; if ION changed "
            f"since, refresh it with {refresh_hint} and run again.)"
        )

    def plan(
        self,
        text: str,
        variables: Mapping[str, Any] | None = None,
        options: QueryOptions | None = None,
        *,
        line_offset: int = 1,
        strict_variables: bool = False,
    ) -> OperationPlan:
        """Everything short of sending: parse, validate, bind, plan (what --dry-run prints). `text` is GraphQL
        (it may spread the operations folder's fragments) or the name of a saved operation."""
        from .library import compose_text

        composed = compose_text(text, self.schema, self.operations_dir, line_offset=line_offset)
        for note in composed.notes:
            warnings.warn(note, stacklevel=3)
        try:
            return prepare(
                composed.text,
                self.schema,
                variables or {},
                options or QueryOptions(),
                line_offset=line_offset,
                strict_variables=strict_variables,
            )
        except IonValidationError as error:
            raise IonValidationError(str(error) + self.schema_note("session.load_schema(refresh=True)")) from None

    def run(
        self, plan: OperationPlan, options: QueryOptions, progress_factory: ProgressFactory | None = None
    ) -> QueryOutcome:
        """Send the plan (or, with `options.cache_ttl`, take a fresh enough result from the cache)."""
        if not self.active:
            raise NotLoggedInError("This session was logged out: log in again.")
        is_mutation = plan.cell.is_mutation
        key = self._cache_key(plan, options)
        if key is not None and not options.refresh:
            hit = self.result_cache.load(key, options.cache_ttl or 0)
            if hit is not None:
                return QueryOutcome.from_cache(*hit, several=len(plan.roots) > 1)

        def send(document: str, variables: dict[str, Any]) -> dict[str, Any]:
            return self.transport.execute(document, variables, is_mutation=is_mutation, operation_name=plan.cell.name)

        outcome = run(plan, send, options, endpoint=self.graphql_url, progress_factory=progress_factory)
        self._stamp(outcome)
        if key is not None and outcome.complete:
            frames = {result.plan.response_key: result.frame for result in outcome.results}
            self.result_cache.save(key, plan.cell.name or ", ".join(frames), frames)
        return outcome

    def _stamp(self, outcome: QueryOutcome) -> None:
        """Record where each frame came from (never the token); server text in it is masked."""
        for result in outcome.results:
            frame = getattr(result, "frame", None)
            if not isinstance(frame, pd.DataFrame):
                continue
            meta = frame.attrs.get("ion")
            if isinstance(meta, dict):
                meta.update(environment=self.environment, organization=self.identity.organization)
                frame.attrs["ion"] = self.credentials.redact_value(meta)

    def _cache_key(self, plan: OperationPlan, options: QueryOptions) -> str | None:
        """The result cache's key, or None when this result is not to be cached (mutations, files, raw)."""
        if not options.cache_ttl or plan.mutation_document is not None or options.out or options.raw:
            return None
        shaping = {
            "all": options.all,
            "max_rows": options.max_rows,
            "explode": options.explode,
            "dtype_backend": options.dtype_backend,
        }
        return ResultCache.key(
            self.graphql_url, self.client_id, [root.document for root in plan.roots], plan.variables, shaping
        )

    def query(
        self,
        text: str,
        variables: Mapping[str, Any] | None = None,
        *,
        all: bool = False,
        max_rows: int | None = None,
        page_size: int = PAGE_SIZE,
        after: str | Mapping[str, str] | None = None,
        explode: str | Sequence[str] | None = None,
        raw: bool = False,
        allow_mutation: bool = False,
        concurrency: int = CONCURRENCY,
        progress: bool | None = None,
        strict: bool = True,
        out: str | None = None,
        overwrite: bool = False,
        resume: bool = False,
        cache: str | float | None = None,
        refresh: bool = False,
        dtype_backend: str = "numpy_nullable",
    ) -> Any:
        """Run one GraphQL operation; return a DataFrame (a dict of them for several root fields).

        `variables` are exactly the operation's: a name it does not declare is an error. An incomplete
        result (interrupted, failed part-way, server errors, a server breaking the paging rules) raises
        IncompleteResultError carrying the partial value and where to resume; with `strict=False` it is
        returned with an IncompleteResultWarning. A cut asked for with `max_rows` is not an error.
        `out` writes the rows to a .parquet or .csv file or a Parquet dataset directory as they arrive and
        returns its path; `cache` ("10m", "2h", "1d" or seconds) reuses a result pulled that recently.
        `progress` None shows a progress bar only in a notebook (a script's output gets none).
        """
        from .progress import PullProgress, in_notebook

        explode_paths = (explode,) if isinstance(explode, str) else tuple(explode or ())
        ttl = parse_ttl(cache) if isinstance(cache, str) else cache
        options = QueryOptions(
            all=all,
            max_rows=max_rows,
            page_size=page_size,
            after=after,
            explode=explode_paths,
            raw=raw,
            allow_mutation=allow_mutation,
            concurrency=concurrency,
            out=out,
            overwrite=overwrite,
            resume=resume,
            dtype_backend=dtype_backend,
            cache_ttl=ttl,
            refresh=refresh,
        )
        plan = self.plan(text, variables, options, line_offset=0, strict_variables=True)
        outcome = self.run(plan, options, PullProgress if (in_notebook() if progress is None else progress) else None)
        unasked = outcome.unasked_reasons()
        if unasked:
            message = self.credentials.redact(_incomplete_message(unasked, outcome.resume()))
            if strict:
                raise IncompleteResultError(message, outcome.value, outcome.resume(), unasked)
            warnings.warn(message, IncompleteResultWarning, stacklevel=2)
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


def _incomplete_message(reasons: dict[str, str], resume: dict[str, str | None]) -> str:
    lines = ["The result is incomplete:"]
    for key, reason in reasons.items():
        cursor = resume.get(key)
        again = f" Resume with after={{{key!r}: {cursor!r}}}." if cursor else ""
        lines.append(f"- {key}: {reason.rstrip('.')}.{again}")
    lines.append("The rows that came are in the error's .value; pass strict=False to get them with a warning.")
    return "\n".join(lines)


def connect(
    env: str | None = None,
    *,
    app: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    api_url: str | None = None,
    auth_url: str | None = None,
    timeout: float = TIMEOUT,
    max_tries: int = MAX_TRIES,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
) -> IonSession:
    """Log in and return a session: to `app` (your ION's address), `env`, or a custom `api_url`+`auth_url`;
    with none of them, to what ION_APP_URL / ION_ENV / ION_API_URL+ION_AUTH_URL name; with no ION_*
    variable at all, to the embedded sandbox. The secret: `client_secret`, else ION_CLIENT_SECRET."""
    from .login import PYTHON_SPELLING, LoginRequest, login

    request = LoginRequest(
        env=env,
        app=app,
        api_url=api_url,
        auth_url=auth_url,
        client_id=client_id,
        client_secret=client_secret,
        spelling=PYTHON_SPELLING,
    )
    return login(request, timeout=timeout, max_tries=max_tries, max_response_bytes=max_response_bytes)
