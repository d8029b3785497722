"""The one object that holds secrets: the client secret and the access token, masked everywhere."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

from .errors import IonError

MASK = "********"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


class Credentials:
    """Client credentials plus the current access token. repr/str never show the secret or the token."""

    __slots__ = ("_expires_at", "_lifetime", "_lock", "_secret", "_token", "client_id")

    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self._token: str | None = None
        self._expires_at = 0.0
        self._lifetime = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        state = "token valid" if self.has_valid_token() else "no valid token"
        return f"Credentials(client_id={self.client_id!r}, client_secret={MASK}, {state})"

    __str__ = __repr__

    def __reduce__(self):  # never pickled, so never written anywhere by accident
        raise TypeError("Credentials cannot be pickled")

    def form(self, audience: str) -> dict[str, str]:
        """The client-credentials grant's form fields, as ION's own scripts send them."""
        return {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._secret,
            "audience": audience,
        }

    def set_token(self, token: str, expires_in: float | None) -> None:
        with self._lock:
            self._token = token
            self._lifetime = float(expires_in) if expires_in else 300.0
            self._expires_at = time.monotonic() + self._lifetime

    def authorization(self) -> str:
        """The Authorization header value for the current token."""
        if self._token is None:
            raise RuntimeError("no access token")
        return f"Bearer {self._token}"

    def seconds_left(self) -> float:
        return self._expires_at - time.monotonic() if self._token else 0.0

    def has_valid_token(self) -> bool:
        return self._token is not None and self.seconds_left() > 0

    def needs_refresh(self) -> bool:
        """True when the token is missing or in the last fifth of its life (at most 30 s before expiry)."""
        return self._token is None or self.seconds_left() <= min(30.0, 0.2 * self._lifetime)

    def forget(self) -> None:
        """Drop the secret and the token (logout)."""
        with self._lock:
            self._token = None
            self._expires_at = 0.0
            self._secret = ""

    def redact(self, text: str) -> str:
        """`text` with the secret and the token replaced by a mask."""
        for secret in (self._secret, self._token):
            if secret:
                text = text.replace(secret, MASK)
        return text


def require_safe_url(url: str) -> str:
    """Refuse plain http for anything but loopback: credentials must not cross a network in clear."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise IonError(f"{url!r} is not an http(s) URL.")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise IonError(
            f"Refusing plain http for {parts.hostname}: credentials would travel unencrypted. Use https "
            "(plain http is allowed only for loopback, e.g. the embedded sandbox)."
        )
    return url.rstrip("/")
