"""The one object that holds secrets: the client secret and the access token, masked everywhere."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from .errors import IonError

MASK = "********"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


class Credentials:
    """Client credentials plus the current access token. repr/str never show the secret or the token."""

    __slots__ = ("_expires_at", "_lifetime", "_lock", "_masks", "_secret", "_token", "_tokens_seen", "client_id")

    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self._token: str | None = None
        self._expires_at = 0.0
        self._lifetime = 0.0
        self._lock = threading.Lock()
        self._tokens_seen: list[str] = []  # every token of this login: an old one may still be echoed
        self._masks = masked_forms(client_secret)

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
            if token not in self._tokens_seen:
                self._tokens_seen.append(token)
                self._masks = sorted({*self._masks, *masked_forms(token)}, key=len, reverse=True)

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
            self._tokens_seen = []
            self._masks = []

    def redact(self, text: str) -> str:
        """`text` with the secret and every token of this login masked, in any of the forms they travel in."""
        for form in self._masks:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def redact_value(self, value: Any) -> Any:
        """A JSON-like value (e.g. a server's `errors`) with every string in it redacted."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {self.redact_value(key): self.redact_value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_value(item) for item in value]
        return value


def masked_forms(secret: str) -> list[str]:
    """The ways `secret` can appear in text a server sends back: as is, percent-encoded (a form or a URL),
    JSON-escaped, and base64 (alone or inside e.g. `client:secret`, at each of the three alignments);
    longest first, so a longer form is masked before a part of it."""
    if not secret:
        return []
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    raw = secret.encode()
    for shift in range(3):  # the secret's bytes may start at any of the three positions of a base64 group
        encoded = base64.b64encode(b"\0" * shift + raw).decode()
        core = encoded[-(-8 * shift // 6) : (8 * (shift + len(raw))) // 6]  # characters made of its bits only
        if len(core) >= 8:
            forms.update({core, core.replace("+", "-").replace("/", "_")})
    return sorted(forms, key=len, reverse=True)


def without_user_info(url: str) -> str:
    """`url` as it may be shown: any `user:password@` part dropped."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def require_safe_url(url: str) -> str:
    """Refuse plain http for anything but loopback (credentials must not cross a network in clear) and
    URLs holding a user name or password (they would be shown and stored with the URL)."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise IonError("The URL given is not a valid http(s) URL.") from None
    if parts.username is not None or parts.password is not None:
        raise IonError(
            f"Refusing {without_user_info(url)!r} given with a user name or password in it: the URL "
            "is shown and stored, so it must not hold credentials. Give the bare URL; the client id "
            "and secret are asked for separately."
        )
    if parts.scheme not in ("http", "https") or not hostname:
        raise IonError(f"{url!r} is not an http(s) URL.")
    if parts.scheme == "http" and hostname not in LOOPBACK_HOSTS:
        raise IonError(
            f"Refusing plain http for {hostname}: credentials would travel unencrypted. Use https "
            "(plain http is allowed only for loopback, e.g. the embedded sandbox)."
        )
    return url.rstrip("/")
