"""The ION environments a user can log in to: auth server base and API base for each name."""

from __future__ import annotations

from dataclasses import dataclass

TOKEN_PATH = "/realms/api-keys/protocol/openid-connect/token"


@dataclass(frozen=True)
class Environment:
    name: str
    auth_url: str  # the Keycloak server's base; the token path is appended
    api_url: str  # the API base; "/graphql" is appended

    @property
    def token_url(self) -> str:
        return self.auth_url.rstrip("/") + TOKEN_PATH

    @property
    def graphql_url(self) -> str:
        return self.api_url.rstrip("/") + "/graphql"


# From the ION manual's access-tokens page (current revision).
ENVIRONMENTS: dict[str, Environment] = {
    env.name: env
    for env in (
        Environment("production", "https://auth.buildwithion.com", "https://api.buildwithion.com"),
        Environment("staging", "https://staging-auth.buildwithion.com", "https://staging-api.buildwithion.com"),
        Environment(
            "gov", "https://auth-production-gov.buildwithion.com", "https://api-production-gov.buildwithion.com"
        ),
        Environment(
            "gov-staging", "https://auth-staging-gov.buildwithion.com", "https://api-staging-gov.buildwithion.com"
        ),
        Environment(
            "aus", "https://auth-production-aus.buildwithion.com", "https://api-production-aus.buildwithion.com"
        ),
        Environment(
            "aus-staging", "https://auth-staging-aus.buildwithion.com", "https://api-staging-aus.buildwithion.com"
        ),
    )
}
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
