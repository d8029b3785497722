"""The one login path: which target a request and the ION_* variables name, whose credentials go there, and
what is refused. Pure resolution first (nothing sent), then real logins to sandboxes over loopback."""

from __future__ import annotations

import pytest

import ion_magic
from ion_magic.environments import ENVIRONMENTS
from ion_magic.errors import IonError
from ion_magic.login import (
    PYTHON_SPELLING,
    LoginRequest,
    login,
    resolve_credentials,
    resolve_target,
)
from ion_magic.sandbox import start_sandbox

PRODUCTION = ENVIRONMENTS["production"]
STAGING = ENVIRONMENTS["staging"]


@pytest.fixture(autouse=True)
def private_schema_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "schemas"))
    for name in ("ION_ENV", "ION_APP_URL", "ION_API_URL", "ION_AUTH_URL", "ION_CLIENT_ID", "ION_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)


def target(environ=None, **given):
    return resolve_target(LoginRequest(**given), environ or {})


def test_no_ion_variable_at_all_means_the_sandbox():
    assert target().environment == "sandbox"
    assert target({"ION_MAGIC_CACHE_DIR": "/tmp/x"}).environment == "sandbox"  # not a login variable


@pytest.mark.parametrize("variables", [{"ION_CLIENT_ID": "c", "ION_CLIENT_SECRET": "s"}, {"ION_CLIENT_SECRET": "s"}])
def test_credentials_without_an_environment_are_an_error_saying_what_to_set(variables):
    with pytest.raises(IonError) as caught:
        target(variables)
    message = str(caught.value)
    assert "ION_APP_URL" in message and "ION_ENV" in message and "--sandbox" in message


@pytest.mark.parametrize(
    ("given", "clash"),
    [
        ({"sandbox": True, "env": "production"}, "--sandbox and --env"),
        ({"env": "production", "api_url": "https://x.example", "auth_url": "https://y.example"}, "--env and --api-url"),
        ({"app": "app.firstresonance.io", "env": "staging"}, "--env and --app"),
        (
            {"app": "app.firstresonance.io", "api_url": "https://x.example", "auth_url": "https://y.example"},
            "--app and",
        ),
        ({"sandbox": True, "env": "custom"}, "--sandbox and --env custom"),
    ],
)
def test_conflicting_options_are_usage_errors(given, clash):
    with pytest.raises(IonError, match="give only one") as caught:
        target(**given)
    assert clash in str(caught.value)


def test_custom_urls_apply_only_to_a_custom_deployment():
    """Item 1: ION_API_URL/ION_AUTH_URL must never redirect a named environment's login."""
    custom = {"ION_API_URL": "https://evil.example", "ION_AUTH_URL": "https://evil.example"}
    chosen = target(custom, env="production")
    assert (chosen.api_url, chosen.auth_url) == (PRODUCTION.api_url, PRODUCTION.auth_url)
    assert not chosen.environment_credentials  # the variables name another target: their credentials stay
    with pytest.raises(IonError, match="apply only to a custom deployment"):
        target({**custom, "ION_ENV": "production"})
    assert target(custom, env="custom").api_url == "https://evil.example"  # asked for: used
    assert target(custom).environment == "custom"


def test_the_target_the_variables_name_brings_their_credentials_and_another_does_not():
    variables = {"ION_ENV": "staging", "ION_CLIENT_ID": "staging-client", "ION_CLIENT_SECRET": "staging-secret"}
    same = target(variables, env="staging")
    assert same.environment_credentials
    assert resolve_credentials(LoginRequest(), same, variables) == ("staging-client", "staging-secret")
    other = target(variables, env="production")
    assert (other.api_url, other.environment_credentials) == (PRODUCTION.api_url, False)
    with pytest.raises(IonError, match="No client id for production") as caught:
        resolve_credentials(LoginRequest(), other, variables)
    assert "staging-secret" not in str(caught.value)
    asked = []
    found = resolve_credentials(
        LoginRequest(client_id="prod-client"),
        other,
        variables,
        ask_secret=lambda client: asked.append(client) or "typed",
    )
    assert found == ("prod-client", "typed") and asked == ["prod-client"]  # never the staging secret


def test_the_secret_variable_goes_only_with_its_own_client_id():
    variables = {"ION_ENV": "staging", "ION_CLIENT_ID": "a", "ION_CLIENT_SECRET": "secret-of-a"}
    chosen = target(variables)
    with pytest.raises(IonError, match="No client secret for b"):
        resolve_credentials(LoginRequest(client_id="b"), chosen, variables)
    assert resolve_credentials(
        LoginRequest(client_id="b"), chosen, {"ION_ENV": "staging", "ION_CLIENT_SECRET": "s"}
    ) == ("b", "s")


def test_the_python_api_speaks_its_own_language():
    with pytest.raises(IonError) as caught:
        resolve_target(LoginRequest(sandbox=True, app="app.firstresonance.io", spelling=PYTHON_SPELLING), {})
    assert "env='sandbox' and app=" in str(caught.value) and "--" not in str(caught.value)
    with pytest.raises(IonError, match="give client_secret="):
        resolve_credentials(LoginRequest(client_id="c", spelling=PYTHON_SPELLING), target(env="production"), {})


@pytest.mark.parametrize("url", ["https://user:pw@api.example.com", "http://token@127.0.0.1:8000"])
def test_urls_with_user_info_are_refused_without_showing_it(url):
    with pytest.raises(IonError) as caught:
        target(api_url=url, auth_url="https://auth.example.com")
    assert "pw" not in str(caught.value) and "token@" not in str(caught.value)
    assert "user name or password" in str(caught.value)


def test_connect_with_credentials_and_no_environment_refuses_instead_of_using_the_sandbox(monkeypatch):
    """Item 2: real credentials must never log in to the sandbox with the demo client."""
    monkeypatch.setenv("ION_CLIENT_ID", "real-client")
    monkeypatch.setenv("ION_CLIENT_SECRET", "real-secret")
    with pytest.raises(IonError, match="no ION environment is named"):
        ion_magic.connect()
    with pytest.raises(IonError, match="give only one"):
        ion_magic.connect("sandbox", app="app.firstresonance.io")


def test_connect_with_no_variable_logs_in_to_the_sandbox_and_the_sandbox_refuses_other_credentials():
    session = ion_magic.connect()
    try:
        assert session.environment == "sandbox" and session.query(
            "{ runs(first: 2) { edges { node { id } } } }", progress=False
        ).shape == (2, 1)
    finally:
        session.close()
    with pytest.raises(IonError, match="its own demo client"):
        ion_magic.connect("sandbox", client_id="mine", client_secret="mine")


def test_a_failed_login_closes_its_session(monkeypatch):
    closed = []
    from ion_magic import session as session_module  # IonSession lives there

    original = session_module.IonSession.close
    monkeypatch.setattr(session_module.IonSession, "close", lambda self: closed.append(self) or original(self))
    with start_sandbox() as sandbox:
        request = LoginRequest(
            api_url=sandbox.api_url, auth_url=sandbox.auth_url, client_id=sandbox.client_id, client_secret="wrong"
        )
        with pytest.raises(IonError, match="refused the login"):
            login(request, environ={})
    assert len(closed) == 1 and not closed[0].active


def test_a_client_id_given_without_any_environment_is_an_error_not_a_sandbox_login():
    with pytest.raises(IonError, match="--client-id given but no ION environment is named"):
        target(client_id="mine")
