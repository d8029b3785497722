"""One GraphQL POST (and the token request) over one httpx.Client: timeouts, retries, 401 -> refresh.

The retry policy lives here and nowhere else. Queries are retried on connection errors, read timeouts,
dropped connections, 429 (Retry-After honoured), 502, 503 and 504. A mutation is retried only when the
connection was never made, so a write can never happen twice because of a retry.

Every request has a deadline (`timeout` for the whole request, not for each read) and a size limit on its
body counted after decompression, read as a stream: a server that drips bytes or answers with a gzip bomb
costs a bounded time and memory. Whatever goes wrong below this module leaves it as an `IonError` raised
from a frame that holds no header, form or token.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import orjson

from .bodies import ACCEPTED_ENCODINGS, DeadlineExceeded, ResponseTooLarge, UndecodableBody, decode_json, read_body
from .credentials import Credentials
from .errors import AuthError, IonError, TransportError
from .options import MAX_RESPONSE_BYTES, MAX_TRIES, TIMEOUT

log = logging.getLogger("ion_magic.transport")

RETRY_STATUSES = frozenset({429, 502, 503, 504})


# Failures where the request may have reached the server: retried for queries only.
UNCERTAIN_ERRORS = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
    DeadlineExceeded,
)
# Failures before anything was sent: safe to retry even for a mutation.
UNSENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    max_tries: int = MAX_TRIES
    backoff_base: float = 0.5
    backoff_max: float = 20.0
    retry_after_max: float = 120.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Exponential backoff with full jitter; a server's Retry-After is a floor."""
        backoff = random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))
        if retry_after is not None:
            return min(self.retry_after_max, max(retry_after, backoff))
        return backoff


@dataclass(frozen=True)
class Reply:
    """A whole HTTP answer, read within the deadline and the size limit."""

    status_code: int
    headers: httpx.Headers
    content: bytes = field(repr=False)
    authorization: str | None = field(default=None, repr=False)  # the header the request carried


Method = TypeVar("Method", bound=Callable[..., Any])


def at_boundary(method: Method) -> Method:
    """Let only IonErrors out, raised afresh here: no frame below (holding a header, a form, a token) stays
    in the traceback, and no third-party message (which may quote a header) reaches the user."""

    @functools.wraps(method)
    def guarded(self: Transport, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except IonError as error:
            if len(error.args) == 1:
                error.args = (self.credentials.redact(str(error)),)
            raise error.with_traceback(None) from None
        except Exception as error:  # the boundary: anything else becomes one clear error
            message = f"Talking to {self.graphql_url} failed unexpectedly ({type(error).__name__})."
        raise TransportError(message) from None

    return guarded  # type: ignore[return-value]


class Transport:
    """Sends GraphQL requests for one login. `faults_met` counts what the retries absorbed.

    Pass `client` (an httpx.Client) or `http_transport` (e.g. `httpx.MockTransport(handler)`) to choose how
    requests travel; by default a client following `network_client`'s policy."""

    def __init__(
        self,
        graphql_url: str,
        token_url: str,
        audience: str,
        credentials: Credentials,
        *,
        timeout: float = TIMEOUT,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        client: httpx.Client | None = None,
        http_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.graphql_url = graphql_url
        self.token_url = token_url
        self.audience = audience
        self.credentials = credentials
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.policy = policy or RetryPolicy()
        self.faults_met: Counter[str] = Counter()
        self._sleep = sleep
        # Two locks, never nested: renewal sends requests, and sending counts faults under `_counter_lock`.
        self._renewal_lock = threading.Lock()  # one renewal at a time, however many page threads ask
        self._counter_lock = threading.Lock()
        self._renewals = 0  # renewals attempted; a waiter compares it to learn that one ran meanwhile
        self._renewal_error: IonError | None = None  # how the last renewal failed, None when it worked
        if client is None:
            from .network import network_client

            client = network_client((graphql_url, token_url), http_transport)
        self._client = client

    def close(self) -> None:
        self._client.close()

    # -- token -------------------------------------------------------------------------------------
    def _ensure_token(self, rejected: str | None = None) -> None:
        """Refresh once, however many threads find the token stale or `rejected` at the same time; threads
        that waited while a renewal failed get that renewal's error instead of trying again each."""
        seen = self._renewals
        with self._renewal_lock:
            if self._renewals != seen and self._renewal_error is not None:
                raise AuthError(str(self._renewal_error)) from None  # a fresh exception for each thread
            if (
                rejected is not None
                and self.credentials.has_valid_token()
                and self.credentials.authorization() != rejected
            ):
                return  # another thread has refreshed it already
            if rejected is None and not self.credentials.needs_refresh():
                return
            self._renewals += 1
            try:
                self._refresh_token()
            except IonError as error:
                self._renewal_error = error
                raise
            self._renewal_error = None

    def _count(self, failure: str) -> None:
        with self._counter_lock:
            self.faults_met[failure] += 1

    @at_boundary
    def refresh_token(self) -> None:
        """Client-credentials grant against the Keycloak token endpoint; retried like a query."""
        self._refresh_token()

    def _refresh_token(self) -> None:
        reply = self._send_with_retries(
            lambda: self._post(self.token_url, data=self.credentials.form(self.audience)),
            is_mutation=False,
            what="the token request",
        )
        if reply.status_code != 200:
            raise AuthError(self._token_refusal(reply))
        body = decode_json(reply.content)
        token = body.get("access_token") if isinstance(body, dict) else None
        if token is None:
            raise AuthError(f"The auth server at {self.token_url} answered without a token.")
        if not is_header_safe(token):
            raise AuthError(
                f"The auth server at {self.token_url} answered with an access token that is not a "
                "printable header-safe string; it was not used."
            )
        expires_in = body.get("expires_in")
        self.credentials.set_token(token, expires_in if isinstance(expires_in, int | float) else None)

    def _token_refusal(self, reply: Reply) -> str:
        body = decode_json(reply.content)
        reason = ""
        if isinstance(body, dict):
            reason = str(body.get("error_description") or body.get("error") or "")[:300]
        message = f"The auth server refused the login (HTTP {reply.status_code}"
        message += f": {reason})." if reason else ")."
        if reply.status_code in (400, 401):
            message += " Check the client id and secret, and that they belong to this environment."
        return self.credentials.redact(message)

    # -- GraphQL -----------------------------------------------------------------------------------
    @at_boundary
    def execute(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        is_mutation: bool = False,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """POST one GraphQL request; return the decoded JSON body (with `data` and/or `errors`)."""
        payload: dict[str, Any] = {"query": document, "variables": variables or {}}
        if operation_name:
            payload["operationName"] = operation_name
        body = orjson.dumps(payload, default=str)

        def post() -> Reply:
            if self.credentials.needs_refresh():  # renewed ahead of expiry, also between retries
                self._ensure_token()
            headers = {"Authorization": self.credentials.authorization(), "Content-Type": "application/json"}
            return self._post(self.graphql_url, content=body, headers=headers)

        refreshes = 0
        while True:
            reply = self._send_with_retries(
                post, is_mutation=is_mutation, what="the mutation" if is_mutation else "the query"
            )
            if reply.status_code == 401 and refreshes < 2:
                refreshes += 1
                self._count("401")
                self._ensure_token(rejected=reply.authorization)
                continue
            return self._decode(reply)

    def _decode(self, reply: Reply) -> dict[str, Any]:
        decoded = decode_json(reply.content)
        if isinstance(decoded, dict) and ("data" in decoded or "errors" in decoded):
            if reply.status_code == 401:
                raise AuthError(
                    "The API refused the access token (HTTP 401) right after a fresh login. "
                    "Check that this client may use this API."
                )
            if decoded.get("errors"):  # server text may quote what it received: masked before anyone keeps it
                decoded["errors"] = self.credentials.redact_value(decoded["errors"])
            return decoded
        trace = reply.headers.get("x-b3-trace-id")
        raise TransportError(
            f"{self.graphql_url} answered HTTP {reply.status_code} without a GraphQL body"
            + (f" (trace id {trace})." if trace else ".")
        )

    # -- one HTTP request --------------------------------------------------------------------------
    def _post(
        self,
        url: str,
        *,
        content: bytes | None = None,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """POST and read the whole answer within the deadline and the size limit."""
        deadline = time.monotonic() + self.timeout
        headers = {**(headers or {}), "Accept-Encoding": ACCEPTED_ENCODINGS}
        with self._client.stream(
            "POST", url, content=content, data=data, headers=headers, timeout=self.timeout
        ) as response:
            if response.is_stream_consumed:  # an injected transport that read the body already (tests)
                body = read_body(iter((response.content,)), "", self.max_response_bytes, deadline)
            else:
                body = read_body(
                    response.iter_raw(), response.headers.get("Content-Encoding", ""), self.max_response_bytes, deadline
                )
            return Reply(response.status_code, response.headers, body, headers.get("Authorization"))

    def _send_with_retries(self, send: Callable[[], Reply], *, is_mutation: bool, what: str) -> Reply:
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                reply = send()
            except UNSENT_ERRORS as exc:
                failure, retry_after = type(exc).__name__, None
                if attempt >= self.policy.max_tries:
                    raise TransportError(
                        f"Could not connect for {what} after {attempt} tries ({failure}). "
                        "Is the server up and the URL right?"
                    ) from None
            except UNCERTAIN_ERRORS as exc:
                failure, retry_after = type(exc).__name__, None
                cause = (
                    f"the whole request took longer than the {self.timeout:g} s deadline"
                    if isinstance(exc, DeadlineExceeded)
                    else failure
                )
                if is_mutation:
                    raise _uncertain_write(f"the connection failed after it was sent ({cause})") from None
                if attempt >= self.policy.max_tries:
                    raise TransportError(f"{what.capitalize()} failed {attempt} times: {cause}.") from None
            except ResponseTooLarge:
                raise TransportError(
                    f"The answer to {what} was larger than {self.max_response_bytes:,} bytes once decompressed, "
                    "so reading stopped. If such answers are expected, raise the limit "
                    "(%config IonMagic.max_response_bytes, or max_response_bytes= in connect())."
                    + (" The mutation was sent: check whether it was applied." if is_mutation else "")
                ) from None
            except UndecodableBody as exc:
                raise TransportError(f"The answer to {what} could not be decoded: {exc}") from None
            else:
                log.debug("POST %s -> %s in %.3fs", what, reply.status_code, time.perf_counter() - started)
                if reply.status_code not in RETRY_STATUSES:
                    return reply
                failure = str(reply.status_code)
                retry_after = _retry_after_seconds(reply)
                if is_mutation:
                    raise _uncertain_write(f"the server answered HTTP {reply.status_code}")
                if attempt >= self.policy.max_tries:
                    raise TransportError(
                        f"{what.capitalize()} failed after {attempt} tries: the server kept answering HTTP "
                        f"{reply.status_code}."
                    )
            self._count(failure)
            delay = self.policy.delay(attempt - 1, retry_after)
            log.debug("%s met %s; try %d in %.2fs", what, failure, attempt + 1, delay)
            self._sleep(delay)


def is_header_safe(token: Any) -> bool:
    """A non-empty string of visible ASCII: what an Authorization header can carry unchanged."""
    return isinstance(token, str) and 0 < len(token) <= 16_384 and all("!" <= char <= "~" for char in token)


def _uncertain_write(cause: str) -> TransportError:
    return TransportError(
        f"The mutation may or may not have been applied: {cause}. It was not retried, so it did not happen "
        "twice. Query the object (its fields or _etag) to see whether the change is there before running "
        "the mutation again.",
        write_uncertain=True,
    )


def _retry_after_seconds(reply: Reply) -> float | None:
    value = reply.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
