"""The ION environments a user can log in to: auth server base and API base for each name, and the
addresses (App URIs) people see in their browser for each."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

TOKEN_PATH = "/realms/api-keys/protocol/openid-connect/token"


@dataclass(frozen=True)
class Environment:
    name: str
    auth_url: str  # the Keycloak server's base; the token path is appended
    api_url: str  # the API base; "/graphql" is appended
    apps: tuple[str, ...] = ()  # the App URIs (hosts of the web app) that belong to this environment

    @property
    def token_url(self) -> str:
        return self.auth_url.rstrip("/") + TOKEN_PATH

    @property
    def graphql_url(self) -> str:
        return self.api_url.rstrip("/") + "/graphql"


# From the ION manual's access-tokens page (current revision): App URI, auth server, API endpoint.
ENVIRONMENTS: dict[str, Environment] = {
    env.name: env
    for env in (
        Environment(
            "production", "https://auth.buildwithion.com", "https://api.buildwithion.com", ("app.firstresonance.io",)
        ),
        Environment(
            "staging",
            "https://staging-auth.buildwithion.com",
            "https://staging-api.buildwithion.com",
            ("staging.firstresonance.io", "sandbox.firstresonance.io"),
        ),
        Environment(
            "gov",
            "https://auth-production-gov.buildwithion.com",
            "https://api-production-gov.buildwithion.com",
            ("app.ion-gov.com",),
        ),
        Environment(
            "gov-staging",
            "https://auth-staging-gov.buildwithion.com",
            "https://api-staging-gov.buildwithion.com",
            ("staging.ion-gov.com", "sandbox.ion-gov.com"),
        ),
        Environment(
            "aus",
            "https://auth-production-aus.buildwithion.com",
            "https://api-production-aus.buildwithion.com",
            ("app.ion-aus.com",),
        ),
        Environment(
            "aus-staging",
            "https://auth-staging-aus.buildwithion.com",
            "https://api-staging-aus.buildwithion.com",
            ("staging.ion-aus.com",),
        ),
    )
}
APP_ENVIRONMENTS: dict[str, str] = {app: env.name for env in ENVIRONMENTS.values() for app in env.apps}
SANDBOX = "sandbox"
CUSTOM = "custom"
ENVIRONMENT_NAMES = (*ENVIRONMENTS, SANDBOX, CUSTOM)


def resolve_environment(name: str) -> Environment:
    """The environment called `name`; the sandbox and custom URLs are resolved by the session."""
    try:
        return ENVIRONMENTS[name]
    except KeyError:
        known = ", ".join(ENVIRONMENT_NAMES)
        raise ValueError(f"Unknown ION environment {name!r}. Known environments: {known}.") from None


def resolve_app(address: str) -> Environment:
    """The environment of an ION address as a browser shows it (`app.firstresonance.io`, with or without
    `https://`, with or without a path)."""
    text = address.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme in ("http", "https") and not parts.username and not parts.password and host in APP_ENVIRONMENTS:
        return ENVIRONMENTS[APP_ENVIRONMENTS[host]]
    known = ", ".join(APP_ENVIRONMENTS)
    shown = host or "(no host)"
    raise ValueError(
        f"Unknown ION address {shown!r}. Known addresses: {known}. For another deployment, give "
        "its API and auth server with --api-url and --auth-url (api_url=, auth_url=)."
    )
