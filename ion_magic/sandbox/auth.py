"""ION-style authentication for the sandbox: a Keycloak client-credentials token endpoint and the check of
the `Authorization` header on /graphql.

Tokens look like Keycloak's (a signed JWT with `exp`), but the server only trusts its own table of issued
tokens. Neither a token nor a secret is ever logged or put in a message.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse

logger = logging.getLogger("ion_magic.sandbox")

# The demo client every sandbox accepts unless told otherwise. Public by design: the sandbox holds demo data
# only and listens on loopback. `%ion_login --sandbox` uses these.
DEMO_CLIENT_ID = "ion-sandbox-demo"
DEMO_CLIENT_SECRET = "ion-sandbox-demo-secret"
DEFAULT_TOKEN_LIFETIME = 300
REALM_TOKEN_PATH = "/realms/api-keys/protocol/openid-connect/token"
TOKEN_PATHS = (REALM_TOKEN_PATH, "/auth" + REALM_TOKEN_PATH)
# Issued tokens are forgotten this long after they expired (until then a use is reported as "expired").
_EXPIRED_TOKEN_MEMORY_S = 3600.0


class TokenStatus(enum.Enum):
    VALID = "valid"
    MISSING = "missing"
    UNKNOWN = "unknown"
    EXPIRED = "expired"


TOKEN_STATUS_MESSAGES = {
    TokenStatus.MISSING: "Authentication required: send the access token in the Authorization header "
    "(`Authorization: <token>` or `Authorization: Bearer <token>`).",
    TokenStatus.UNKNOWN: "Invalid access token: this server did not issue it. Get a new one from the token endpoint.",
    TokenStatus.EXPIRED: "Token is expired. Get a new one from the token endpoint.",
}


@dataclass(frozen=True)
class IssuedToken:
    access_token: str = field(repr=False)
    expires_in: int


class TokenAuthority:
    """Registered clients, the tokens issued to them and their expiry. Thread safe."""

    def __init__(
        self,
        clients: Mapping[str, str],
        lifetime: float = DEFAULT_TOKEN_LIFETIME,
        clock: Callable[[], float] = time.monotonic,
        any_client: bool = False,
    ) -> None:
        self._clients = dict(clients)
        self.any_client = any_client
        self._lifetime = float(lifetime)
        self._clock = clock
        self._signing_key = secrets.token_bytes(32)
        self._expiry_by_token: dict[str, float] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        clients = "any" if self.any_client else sorted(self._clients)
        return f"TokenAuthority(clients={clients}, lifetime={self._lifetime:g})"

    @property
    def lifetime(self) -> float:
        """Seconds a newly issued token lives; changing it affects tokens issued afterwards."""
        return self._lifetime

    @lifetime.setter
    def lifetime(self, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError("token lifetime must be positive")
        self._lifetime = float(seconds)

    def client_is_valid(self, client_id: str, client_secret: str) -> bool:
        """A registered client with its secret; in the any-client (teaching) mode, any id with any secret."""
        if self.any_client:
            return bool(client_id)
        expected = self._clients.get(client_id)
        return expected is not None and hmac.compare_digest(expected.encode(), client_secret.encode())

    def issue(self, client_id: str, issuer: str) -> IssuedToken:
        lifetime = self._lifetime
        token = self._signed_token(client_id, issuer, lifetime)
        now = self._clock()
        with self._lock:
            self._forget_long_expired(now)
            self._expiry_by_token[token] = now + lifetime
        logger.info("issued an access token to client %s (expires in %g s)", client_id, lifetime)
        return IssuedToken(access_token=token, expires_in=max(1, round(lifetime)))

    def check(self, token: str | None) -> TokenStatus:
        if not token:
            return TokenStatus.MISSING
        with self._lock:
            expiry = self._expiry_by_token.get(token)
        if expiry is None:
            return TokenStatus.UNKNOWN
        return TokenStatus.VALID if self._clock() < expiry else TokenStatus.EXPIRED

    def issued_tokens(self) -> list[str]:
        """Every token issued in the last hour: tests search outputs and files for them."""
        with self._lock:
            return list(self._expiry_by_token)

    def expire_all(self) -> None:
        """Make every token issued so far expired (to test a client's re-login)."""
        now = self._clock()
        with self._lock:
            for token in self._expiry_by_token:
                self._expiry_by_token[token] = min(self._expiry_by_token[token], now)

    def _forget_long_expired(self, now: float) -> None:
        horizon = now - _EXPIRED_TOKEN_MEMORY_S
        for token in [t for t, expiry in self._expiry_by_token.items() if expiry < horizon]:
            del self._expiry_by_token[token]

    def _signed_token(self, client_id: str, issuer: str, lifetime: float) -> str:
        now = int(time.time())
        header = {"alg": "HS256", "typ": "JWT"}
        claims = {
            "exp": now + max(1, round(lifetime)),
            "iat": now,
            "jti": secrets.token_urlsafe(16),
            "iss": issuer,
            "azp": client_id,
            "typ": "Bearer",
            "scope": "profile email",
        }
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = hmac.new(self._signing_key, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64url(signature)}"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_from_header(authorization: str | None) -> str | None:
    """The token in `Authorization: <token>`, `Bearer <token>` or `Token <token>` (ION accepts all three)."""
    if authorization is None:
        return None
    scheme, _, rest = authorization.strip().partition(" ")
    if scheme.lower() in ("bearer", "token"):
        return rest.strip() or None
    return authorization.strip() or None


def _keycloak_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """Client id and secret from HTTP Basic client authentication (RFC 6749 2.3.1: form-url-encoded)."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    client_id, _, client_secret = decoded.partition(":")
    return unquote(client_id), unquote(client_secret)


def token_endpoint(authority: TokenAuthority) -> Callable[[Request], Awaitable[JSONResponse]]:
    """The starlette endpoint of Keycloak's client-credentials grant, answering as Keycloak does."""

    async def issue_token(request: Request) -> JSONResponse:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return _keycloak_error(
                400, "invalid_request", "Send the parameters form-encoded (application/x-www-form-urlencoded)"
            )
        try:
            form = {
                key: values[0]
                for key, values in parse_qs((await request.body()).decode(), keep_blank_values=True).items()
            }
        except UnicodeDecodeError:
            return _keycloak_error(400, "invalid_request", "The form body is not valid UTF-8")
        grant_type = form.get("grant_type")
        if not grant_type:
            return _keycloak_error(400, "invalid_request", "Missing form parameter: grant_type")
        basic = _basic_credentials(request.headers.get("authorization"))
        posted = (form.get("client_id"), form.get("client_secret"))
        if basic is not None and posted[1] is not None:
            return _keycloak_error(400, "invalid_request", "Multiple client authentication methods used")
        client_id, client_secret = basic if basic is not None else posted
        if not client_id or client_secret is None or not authority.client_is_valid(client_id, client_secret):
            return _keycloak_error(401, "invalid_client", "Invalid client or Invalid client credentials")
        if grant_type != "client_credentials":
            return _keycloak_error(400, "unsupported_grant_type", "Unsupported grant_type")
        issuer = f"{request.base_url}".rstrip("/") + request.url.path.removesuffix("/protocol/openid-connect/token")
        issued = authority.issue(client_id, issuer)
        return JSONResponse(
            {
                "access_token": issued.access_token,
                "expires_in": issued.expires_in,
                "refresh_expires_in": 0,
                "token_type": "Bearer",
                "not-before-policy": 0,
                "scope": "profile email",
            },
            headers={"cache-control": "no-store", "pragma": "no-cache"},
        )

    return issue_token
