"""The one login path: every way of logging in (`connect()`, each form of `%ion_login`, the widget) resolves
its target and credentials here, reading the ION_* variables in this one place, and `login()` returns a
logged-in session or closes it.

Rules: options given win; otherwise the ION_* variables name the target; with no ION_* variable at all, the
embedded sandbox. Options that name two targets are a usage error. ION_CLIENT_ID/ION_CLIENT_SECRET go only
to the target the variables name (or anywhere when they name none). Custom URLs apply only to a custom
deployment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .credentials import require_safe_url
from .environments import CUSTOM, SANDBOX, Environment, resolve_app, resolve_environment
from .errors import IonError
from .session import IonSession, embedded_sandbox

LOGIN_VARIABLES = ("ION_ENV", "ION_APP_URL", "ION_API_URL", "ION_AUTH_URL", "ION_CLIENT_ID", "ION_CLIENT_SECRET")

MAGIC_SPELLING = {
    "sandbox": "--sandbox",
    "env": "--env",
    "app": "--app",
    "urls": "--api-url/--auth-url",
    "client_id": "--client-id",
    "client_secret": "it at the prompt",
}
PYTHON_SPELLING = {
    "sandbox": "env='sandbox'",
    "env": "env=",
    "app": "app=",
    "urls": "api_url=/auth_url=",
    "client_id": "client_id=",
    "client_secret": "client_secret=",
}
WIDGET_SPELLING = {
    "sandbox": "the sandbox",
    "env": "Environment",
    "app": "ION address",
    "urls": "API URL/Auth URL",
    "client_id": "Client id",
    "client_secret": "Secret",
}
VARIABLE_SPELLING = {
    "sandbox": "ION_ENV=sandbox",
    "env": "ION_ENV",
    "app": "ION_APP_URL",
    "urls": "ION_API_URL/ION_AUTH_URL",
}


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
        from_variables = _named_target(
            False,
            environ.get("ION_ENV"),
            environ.get("ION_APP_URL"),
            environ.get("ION_API_URL"),
            environ.get("ION_AUTH_URL"),
            VARIABLE_SPELLING,
        )
    except IonError:
        if given is None or (given.environment == CUSTOM and given.api_url is None):
            raise
        # Inconsistent variables are not used (so not an error with an explicit target), nor their credentials.
        return Target(given.environment, given.api_url, given.auth_url, environment_credentials=False)
    if given is not None and given.environment == CUSTOM and given.api_url is None:  # custom, URLs not given
        if from_variables is None or from_variables.environment != CUSTOM:
            raise IonError(
                f"A custom deployment needs its URLs: give {spelling['urls']} (or set ION_API_URL and ION_AUTH_URL)."
            )
        given = from_variables
    if given is not None:
        same = from_variables is None or (
            from_variables.api_url,
            from_variables.auth_url,
            from_variables.environment,
        ) == (given.api_url, given.auth_url, given.environment)
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
            f"embedded sandbox, give {spelling['sandbox']}."
        )
    return Target(SANDBOX, None, None, environment_credentials=False)


def _named_target(
    sandbox: bool,
    env: str | None,
    app: str | None,
    api_url: str | None,
    auth_url: str | None,
    spelling: Mapping[str, str],
) -> Target | None:
    """The one target these options name, None when they name none; a usage error when they disagree."""
    if env == SANDBOX:
        sandbox, env = True, None
    named = [
        spelling[kind]
        for kind, present in (
            ("sandbox", sandbox),
            ("env", env and env != CUSTOM),
            ("app", app),
            ("urls", api_url or auth_url),
        )
        if present
    ]
    if env == CUSTOM and (sandbox or app):
        named.append(f"{spelling['env']} custom")
    if len(named) > 1:
        raise IonError(
            f"{' and '.join(named)} name different places to log in to: give only one. "
            f"({spelling['urls']} apply only to a custom deployment.)"
        )
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


def resolve_credentials(
    request: LoginRequest,
    target: Target,
    environ: Mapping[str, str] = os.environ,
    ask_secret: Callable[[str], str] | None = None,
) -> tuple[str, str]:
    """(client id, secret): given, else from ION_CLIENT_ID/ION_CLIENT_SECRET when they belong to this target,
    else (the secret only) asked for."""
    spelling = request.spelling
    variables_apply = target.environment_credentials
    client_id = request.client_id or (environ.get("ION_CLIENT_ID") if variables_apply else None)
    if not client_id:
        unused = (
            " (ION_CLIENT_ID is set, but for the environment ION_* variables name, not this one)"
            if environ.get("ION_CLIENT_ID") and not variables_apply
            else ""
        )
        raise IonError(
            f"No client id for {target.environment}: give {spelling['client_id']} or set ION_CLIENT_ID{unused}."
        )
    secret = request.client_secret
    if not secret and variables_apply and environ.get("ION_CLIENT_ID", client_id) == client_id:
        secret = environ.get("ION_CLIENT_SECRET")
    if not secret and ask_secret is not None:
        secret = ask_secret(client_id)
    if not secret:
        raise IonError(f"No client secret for {client_id}: give {spelling['client_secret']}, or set ION_CLIENT_SECRET.")
    return client_id, secret


def login(
    request: LoginRequest,
    *,
    environ: Mapping[str, str] = os.environ,
    ask_secret: Callable[[str], str] | None = None,
    **settings: Any,
) -> IonSession:
    """Resolve the target and the credentials, log in, and return the session; a failed login leaves nothing
    open. `settings` go to IonSession (timeout, max_tries, max_response_bytes, schema_cache, http_transport)."""
    target = resolve_target(request, environ)
    if target.environment == SANDBOX:
        if request.client_id or request.client_secret:
            raise IonError(
                "The embedded sandbox logs in with its own demo client: give no client id or secret with it."
            )
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
