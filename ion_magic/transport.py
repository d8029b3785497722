"""One GraphQL POST (and the token request) over one httpx.Client: timeouts, retries, 401 -> refresh.

The retry policy lives here and nowhere else. Queries are retried on connection errors, read timeouts,
dropped connections, 429 (Retry-After honoured), 502, 503 and 504. A mutation is retried only when the
connection was never made, so a write can never happen twice because of a retry.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from .credentials import Credentials
from .errors import AuthError, IonError, TransportError

log = logging.getLogger("ion_magic.transport")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Failures where the request may have reached the server: retried for queries only.
UNCERTAIN_ERRORS = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError,
                    httpx.WriteError)
# Failures before anything was sent: safe to retry even for a mutation.
UNSENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    max_tries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 20.0
    retry_after_max: float = 120.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Exponential backoff with full jitter; a server's Retry-After is a floor."""
        backoff = random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))
        if retry_after is not None:
            return min(self.retry_after_max, max(retry_after, backoff))
        return backoff


class Transport:
    """Sends GraphQL requests for one login. `faults_met` counts what the retries absorbed."""

    def __init__(
        self,
        graphql_url: str,
        token_url: str,
        audience: str,
        credentials: Credentials,
        *,
        timeout: float = 60.0,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.graphql_url = graphql_url
        self.token_url = token_url
        self.audience = audience
        self.credentials = credentials
        self.policy = policy or RetryPolicy()
        self.faults_met: Counter[str] = Counter()
        self._sleep = sleep
        # Two locks, never nested: renewal sends requests, and sending counts faults under `_counter_lock`.
        self._renewal_lock = threading.Lock()  # one renewal at a time, however many page threads ask
        self._counter_lock = threading.Lock()
        self._renewals = 0  # renewals attempted; a waiter compares it to learn that one ran meanwhile
        self._renewal_error: IonError | None = None  # how the last renewal failed, None when it worked
        self._client = httpx.Client(timeout=timeout, headers={"User-Agent": "ion-magic"})

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
            if rejected is not None and self.credentials.has_valid_token() \
                    and self.credentials.authorization() != rejected:
                return  # another thread has refreshed it already
            if rejected is None and not self.credentials.needs_refresh():
                return
            self._renewals += 1
            try:
                self.refresh_token()
            except IonError as error:
                self._renewal_error = error
                raise
            self._renewal_error = None

    def _count(self, failure: str) -> None:
        with self._counter_lock:
            self.faults_met[failure] += 1

    def refresh_token(self) -> None:
        """Client-credentials grant against the Keycloak token endpoint; retried like a query."""
        response = self._send_with_retries(
            lambda: self._client.post(self.token_url, data=self.credentials.form(self.audience)),
            is_mutation=False,
            what="the token request",
        )
        if response.status_code != 200:
            raise AuthError(self._token_refusal(response))
        try:
            body = response.json()
            token = body["access_token"]
        except (ValueError, KeyError, TypeError):
            raise AuthError(f"The auth server at {self.token_url} answered without a token.") from None
        self.credentials.set_token(token, body.get("expires_in"))

    def _token_refusal(self, response: httpx.Response) -> str:
        try:
            body = response.json()
            reason = body.get("error_description") or body.get("error") or ""
        except ValueError:
            reason = ""
        message = f"The auth server refused the login (HTTP {response.status_code}"
        message += f": {reason})." if reason else ")."
        if response.status_code in (400, 401):
            message += " Check the client id and secret, and that they belong to this environment."
        return self.credentials.redact(message)

    # -- GraphQL -----------------------------------------------------------------------------------
    def execute(self, document: str, variables: dict[str, Any] | None = None, *, is_mutation: bool = False,
                operation_name: str | None = None) -> dict[str, Any]:
        """POST one GraphQL request; return the decoded JSON body (with `data` and/or `errors`)."""
        payload: dict[str, Any] = {"query": document, "variables": variables or {}}
        if operation_name:
            payload["operationName"] = operation_name
        body = orjson.dumps(payload, default=str)

        def post() -> httpx.Response:
            if self.credentials.needs_refresh():  # renewed ahead of expiry, also between retries
                self._ensure_token()
            headers = {"Authorization": self.credentials.authorization(), "Content-Type": "application/json"}
            return self._client.post(self.graphql_url, content=body, headers=headers)

        refreshes = 0
        while True:
            response = self._send_with_retries(post, is_mutation=is_mutation,
                                               what="the mutation" if is_mutation else "the query")
            if response.status_code == 401 and refreshes < 2:
                refreshes += 1
                self._count("401")
                self._ensure_token(rejected=response.request.headers.get("Authorization"))
                continue
            return self._decode(response)

    def _decode(self, response: httpx.Response) -> dict[str, Any]:
        decoded = decode_json(response.content)
        if isinstance(decoded, dict) and ("data" in decoded or "errors" in decoded):
            if response.status_code == 401:
                raise AuthError("The API refused the access token (HTTP 401) right after a fresh login. "
                                "Check that this client may use this API.")
            return decoded
        trace = response.headers.get("x-b3-trace-id")
        raise TransportError(
            f"{self.graphql_url} answered HTTP {response.status_code} without a GraphQL body"
            + (f" (trace id {trace})." if trace else ".")
        )

    def _send_with_retries(self, send: Callable[[], httpx.Response], *, is_mutation: bool,
                           what: str) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                response = send()
            except UNSENT_ERRORS as exc:
                failure, retry_after = type(exc).__name__, None
                if attempt >= self.policy.max_tries:
                    raise TransportError(
                        f"Could not connect for {what} after {attempt} tries ({failure}). "
                        "Is the server up and the URL right?"
                    ) from None
            except UNCERTAIN_ERRORS as exc:
                failure, retry_after = type(exc).__name__, None
                if is_mutation:
                    raise _uncertain_write(f"the connection failed after it was sent ({failure})") from None
                if attempt >= self.policy.max_tries:
                    raise TransportError(f"{what.capitalize()} failed {attempt} times: {failure}.") from None
            else:
                log.debug("POST %s -> %s in %.3fs", response.request.url, response.status_code,
                          time.perf_counter() - started)
                if response.status_code not in RETRY_STATUSES:
                    return response
                failure = str(response.status_code)
                retry_after = _retry_after_seconds(response)
                if is_mutation:
                    raise _uncertain_write(f"the server answered HTTP {response.status_code}")
                if attempt >= self.policy.max_tries:
                    raise TransportError(
                        f"{what.capitalize()} failed after {attempt} tries: the server kept answering HTTP "
                        f"{response.status_code}."
                    )
            self._count(failure)
            delay = self.policy.delay(attempt - 1, retry_after)
            log.debug("%s met %s; try %d in %.2fs", what, failure, attempt + 1, delay)
            self._sleep(delay)


def decode_json(content: bytes) -> Any:
    """orjson for speed (JSON decoding is half a large pull's client time); the standard library for what
    orjson refuses (integers beyond 64 bits); None for a body that is not JSON."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        try:
            return json.loads(content)
        except ValueError:
            return None


def _uncertain_write(cause: str) -> TransportError:
    return TransportError(
        f"The mutation may or may not have been applied: {cause}. It was not retried, so it did not happen "
        "twice. Query the object (its fields or _etag) to see whether the change is there before running "
        "the mutation again.",
        write_uncertain=True,
    )


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
