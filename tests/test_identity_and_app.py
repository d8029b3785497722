"""Knowing where you are: an ION address resolves through the manual's table (every row, both forms, with a
path), bad addresses say what is known; after login the session knows who the token acts as (from `me`,
asking only for fields the schema has) and says "identity unknown" when it cannot; summary lines and
df.attrs name the environment and organization."""

from __future__ import annotations

import json

import pytest
from graphql import build_schema, graphql_sync
from IPython.core.error import UsageError

from ion_magic.environments import ENVIRONMENTS, TOKEN_PATH, resolve_app
from ion_magic.errors import IonError
from ion_magic.identity import UNKNOWN, Identity, identity_query
from ion_magic.login import LoginRequest, resolve_target
from ion_magic.session import IonSession

from .scripted_server import Reply, scripted_server

# The manual's Access Tokens table: App URI -> (auth server, API endpoint).
MANUAL_ROWS = {
    "staging.firstresonance.io": ("staging-auth.buildwithion.com", "https://staging-api.buildwithion.com"),
    "sandbox.firstresonance.io": ("staging-auth.buildwithion.com", "https://staging-api.buildwithion.com"),
    "app.firstresonance.io": ("auth.buildwithion.com", "https://api.buildwithion.com"),
    "staging.ion-gov.com": ("auth-staging-gov.buildwithion.com", "https://api-staging-gov.buildwithion.com"),
    "sandbox.ion-gov.com": ("auth-staging-gov.buildwithion.com", "https://api-staging-gov.buildwithion.com"),
    "app.ion-gov.com": ("auth-production-gov.buildwithion.com", "https://api-production-gov.buildwithion.com"),
    "staging.ion-aus.com": ("auth-staging-aus.buildwithion.com", "https://api-staging-aus.buildwithion.com"),
    "app.ion-aus.com": ("auth-production-aus.buildwithion.com", "https://api-production-aus.buildwithion.com"),
}


@pytest.mark.parametrize("app", sorted(MANUAL_ROWS))
@pytest.mark.parametrize("form", ["{}", "https://{}", "https://{}/runs/42?tab=steps", "  {}/  ", "HTTPS://{}"])
def test_every_app_uri_of_the_manual_resolves_in_every_form(app, form):
    environment = resolve_app(form.format(app.upper() if form.startswith("HTTPS") else app))
    auth, api = MANUAL_ROWS[app]
    assert (environment.auth_url, environment.api_url) == (f"https://{auth}", api)


def test_the_table_has_exactly_the_manual_rows():
    assert {app for env in ENVIRONMENTS.values() for app in env.apps} == set(MANUAL_ROWS)


@pytest.mark.parametrize(
    "address",
    [
        "app.firstresonance.com",
        "api.buildwithion.com",
        "",
        "https://",
        "ftp://app.ion-gov.com",
        "https://user:pw@app.firstresonance.io",
        "evil.example/app.firstresonance.io",
    ],
)
def test_an_unknown_address_lists_the_known_ones_and_points_at_the_urls(address):
    with pytest.raises(ValueError) as caught:
        resolve_app(address)
    message = str(caught.value)
    assert "Unknown ION address" in message and "app.firstresonance.io" in message and "app.ion-aus.com" in message
    assert "--api-url and --auth-url" in message and "pw" not in message


def test_ion_app_url_is_read_like_app():
    chosen = resolve_target(LoginRequest(), {"ION_APP_URL": "https://app.ion-gov.com/"})
    assert (chosen.environment, chosen.api_url) == ("gov", "https://api-production-gov.buildwithion.com")
    with pytest.raises(IonError, match="give only one"):
        resolve_target(LoginRequest(), {"ION_APP_URL": "app.ion-gov.com", "ION_ENV": "staging"})


def test_identity_describes_itself():
    assert UNKNOWN.describe() == "identity unknown"
    assert Identity("Ada", "ada@example.com", "Acme").describe() == "Ada <ada@example.com>, organization Acme"
    assert Identity(None, "ada@example.com", None).describe() == "ada@example.com"


def test_the_identity_query_asks_only_for_fields_the_schema_has():
    with_organization = build_schema(
        "type Org { id: ID domain: String } type User { email: String organization: Org } type Query { me: User }"
    )
    assert identity_query(with_organization) == "{ me { email organization { domain id } } }"
    assert identity_query(build_schema("type Query { runs: Int }")) is None
    assert identity_query(None) is None


def test_the_sandbox_login_knows_who_it_is(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path))
    session = IonSession("custom", sandbox.api_url, sandbox.auth_url, sandbox.client_id, sandbox.client_secret)
    session.login()
    assert session.identity == Identity("Sandbox API User", "user@example.com", session.identity.organization)
    assert session.identity.organization is not None
    assert session.status()["identity"] == session.identity.describe()
    frame = session.query("{ runs(first: 2) { edges { node { id } } } }", progress=False)
    assert frame.attrs["ion"]["environment"] == "custom"
    assert frame.attrs["ion"]["organization"] == session.identity.organization


NO_ME = build_schema("type Query { runs: Int }")


def no_me_server(request):
    if request.path == TOKEN_PATH:
        return Reply(200, b'{"access_token": "tok-no-me", "expires_in": 300}')
    body = json.loads(request.body)
    return Reply(200, json.dumps(graphql_sync(NO_ME, body["query"]).formatted).encode())


@pytest.fixture
def ipython(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path))
    shell = InteractiveShell.instance()
    if "ion_magic" not in shell.extension_manager.loaded:
        shell.run_line_magic("load_ext", "ion_magic")
    return shell


def test_a_server_without_me_gives_identity_unknown_in_the_status_line(ipython, capsys, monkeypatch):
    monkeypatch.setenv("ION_CLIENT_SECRET", "no-me-secret")
    with scripted_server(no_me_server) as server:
        ipython.run_line_magic("ion_login", f"--api-url {server.url} --auth-url {server.url} --client-id c")
        login_line = capsys.readouterr().out
        ipython.run_line_magic("ion_status", "")
        status = capsys.readouterr().out
        ipython.run_line_magic("ion_logout", "")
    assert "Logged in to custom" in login_line and "acting as identity unknown" in login_line
    assert "identity: identity unknown" in status
    assert server.seen and not any(b"{ me {" in request.body for request in server.seen)  # never asked


def test_the_identity_line_and_the_summary_lines_against_the_sandbox(ipython, capsys):
    ipython.run_line_magic("ion_login", "--sandbox")
    login_line = capsys.readouterr().out
    assert "Logged in to sandbox" in login_line and "Sandbox API User <user@example.com>, organization" in login_line
    organization = login_line.split("organization ")[1].split(";")[0]
    ipython.run_cell_magic("ion", "runs_df", "{ runs(first: 2) { edges { node { id } } } }")
    summary = capsys.readouterr().out.strip()
    assert summary.endswith("→ runs_df")  # the sandbox is not named on a query's line
    ipython.run_cell_magic(
        "ion", "made --allow-mutation", 'mutation { createLocation(input: {name: "Bay 42"}) { location { id } } }'
    )
    summary = capsys.readouterr().out.strip()
    assert summary.endswith(f"→ made  [sandbox, organization {organization}]")
    assert ipython.user_ns["made"].attrs["ion"]["organization"] == organization
    ipython.run_line_magic("ion_logout", "")


def test_an_unknown_app_in_the_magic_is_one_usage_error(ipython):
    with pytest.raises(UsageError, match=r"Unknown ION address 'app\.example\.com'.*--api-url"):
        ipython.run_line_magic("ion_login", "--app https://app.example.com --client-id c")
