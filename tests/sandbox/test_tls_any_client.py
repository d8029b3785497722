"""`ion-sandbox --tls --any-client`: HTTPS on loopback with a certificate made in the user's cache, and tokens for
any client id, so scripts written for ION (https URLs from environment variables, their own client ids, the raw
token in the Authorization header) run against the sandbox unchanged.

The client code below is our own, written in the style of First Resonance's public examples."""

from __future__ import annotations

import json
import os
import re
import signal
import ssl
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import ion_magic
from ion_magic.sandbox import RunningSandbox, start_sandbox
from ion_magic.sandbox.tls import certificate_dir, sandbox_certificate

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PASTE_VARIABLES = ("ION_AUTH_SERVER", "ION_API_URI", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")

# A script in the examples' style: host and API from the environment, https built by hand, its own client id,
# the raw token as the Authorization header; `requests` trusts REQUESTS_CA_BUNDLE, httpx SSL_CERT_FILE.
EXAMPLE_STYLE_CLIENT = textwrap.dedent('''
    import json, os, sys
    from urllib.parse import urljoin

    AUTH_SERVER = os.environ["ION_AUTH_SERVER"]
    API_URI = os.environ["ION_API_URI"]
    LIBRARY = sys.argv[1]
    if LIBRARY == "requests":
        import requests as http
    else:
        import httpx as http

    form = {"grant_type": "client_credentials", "client_id": "9d5aeee2-our-own-client-id",
            "client_secret": "anything at all", "audience": API_URI}
    token_url = urljoin(f"https://{AUTH_SERVER}", "/realms/api-keys/protocol/openid-connect/token")
    access_token = http.post(token_url, data=form,
                             headers={"content-type": "application/x-www-form-urlencoded"}).json()["access_token"]
    query = """query getPartInventories($filters: PartInventoriesInputFilters) {
      partInventories(filters: $filters) { edges { node { id locationId part { partNumber } } } } }"""
    response = http.post(urljoin(API_URI, "graphql"),
                         headers={"Authorization": f"{access_token}", "Content-Type": "application/json"},
                         json={"query": query, "variables": {"filters": {"locationId": {"eq": 301}}}})
    print(json.dumps(response.json()))
''')


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def tls_sandbox(cache_dir: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(tls=True, any_client=True) as running:
        yield running


def run_example_style_client(tmp_path: Path, library: str, variables: dict[str, str]) -> subprocess.CompletedProcess:
    script = tmp_path / "example_style_client.py"
    script.write_text(EXAMPLE_STYLE_CLIENT)
    environment = {
        key: value for key, value in os.environ.items() if key not in PASTE_VARIABLES and not key.startswith("ION_")
    }
    return subprocess.run(
        [sys.executable, str(script), library],
        cwd=tmp_path,
        env={**environment, **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


def paste_lines(banner: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*export (\w+)=(\S+)$", banner, re.MULTILINE))


def test_the_command_line_prints_the_variables_that_make_an_example_style_script_run(tmp_path, cache_dir):
    command = [sys.executable, "-m", "ion_magic.sandbox", "--port", "0", "--tls", "--any-client"]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "ION_MAGIC_CACHE_DIR": str(cache_dir)},
    )
    try:
        banner = ""
        for line in process.stdout:
            banner += line
            if line.startswith("Press Ctrl-C"):
                break
        variables = paste_lines(banner)
        assert set(variables) == set(PASTE_VARIABLES), banner
        assert variables["ION_API_URI"].startswith("https://127.0.0.1:")
        assert variables["ION_AUTH_SERVER"] == variables["ION_API_URI"].removeprefix("https://")
        ca_bundle = str(cache_dir / "sandbox-tls" / "ca.pem")
        assert variables["REQUESTS_CA_BUNDLE"] == variables["SSL_CERT_FILE"] == ca_bundle
        assert "ANY client id and secret get a token" in banner
        for library in ("requests", "httpx"):
            result = run_example_style_client(tmp_path, library, variables)
            assert result.returncode == 0, result.stderr
            edges = json.loads(result.stdout)["data"]["partInventories"]["edges"]
            assert edges and {edge["node"]["locationId"] for edge in edges} == {301}
        untrusted = {key: value for key, value in variables.items() if key.startswith("ION_")}
        refused = run_example_style_client(tmp_path, "requests", untrusted)
        assert refused.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in refused.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_start_sandbox_serves_https_that_only_its_ca_bundle_verifies(tls_sandbox, cache_dir):
    assert tls_sandbox.api_url.startswith("https://") and tls_sandbox.token_url.startswith("https://")
    assert tls_sandbox.ca_file == cache_dir / "sandbox-tls" / "ca.pem"
    with httpx.Client(verify=ssl.create_default_context(cafile=tls_sandbox.ca_file)) as client:
        assert client.get(tls_sandbox.api_url + "/health").json() == {"status": "ok"}
        localhost = tls_sandbox.api_url.replace("127.0.0.1", "localhost")
        assert client.get(localhost + "/health").status_code == 200
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(tls_sandbox.api_url + "/health")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(tls_sandbox.api_url.replace("https://", "http://") + "/health")


def test_the_certificate_lives_in_the_cache_is_reused_and_keeps_its_key_private(tls_sandbox, cache_dir):
    certificate = sandbox_certificate()
    assert certificate.directory == certificate_dir() == cache_dir / "sandbox-tls"
    assert PROJECT_ROOT not in certificate.directory.parents
    first = certificate.cert_file.read_bytes()
    assert stat.S_IMODE(certificate.key_file.stat().st_mode) == 0o600
    assert "PRIVATE KEY" not in certificate.ca_file.read_text()
    with start_sandbox(tls=True) as second:
        assert second.ca_file == tls_sandbox.ca_file
    assert certificate.cert_file.read_bytes() == first
    certificate.cert_file.write_text("not a certificate")
    remade = sandbox_certificate()
    assert remade.cert_file.read_bytes() not in (first, b"not a certificate")
    assert sorted(path.name for path in cache_dir.iterdir()) == ["sandbox-tls"]


def test_any_client_issues_tokens_to_any_id_and_secret_but_not_to_no_id(tls_sandbox):
    with httpx.Client(verify=ssl.create_default_context(cafile=tls_sandbox.ca_file)) as client:
        for client_id, secret in (("9d5aeee2-da60-45ad", "x"), ("someone", ""), (tls_sandbox.client_id, "wrong")):
            response = client.post(
                tls_sandbox.token_url,
                data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
            )
            assert response.status_code == 200, response.text
            token = response.json()["access_token"]
            answer = client.post(
                tls_sandbox.graphql_url, json={"query": "{ __typename }"}, headers={"Authorization": token}
            )
            assert answer.json() == {"data": {"__typename": "Query"}}
        nobody = client.post(tls_sandbox.token_url, data={"grant_type": "client_credentials", "client_secret": "x"})
        assert nobody.status_code == 401


def test_without_any_client_an_unknown_client_is_still_refused(gql_for):
    with start_sandbox() as strict:
        response = httpx.post(
            strict.token_url, data={"grant_type": "client_credentials", "client_id": "someone", "client_secret": "x"}
        )
        assert response.status_code == 401
        assert not strict.any_client and strict.ca_file is None


def test_connect_reaches_a_tls_sandbox_through_ssl_cert_file(tls_sandbox, monkeypatch):
    """The Python API needs no option of its own for --tls: httpx takes the CA bundle from SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_sandbox.ca_file))
    session = ion_magic.connect(
        api_url=tls_sandbox.api_url,
        auth_url=tls_sandbox.auth_url,
        client_id="a-client-id-of-our-own",
        client_secret="any secret",
    )
    try:
        frame = session.query("{ partInventories(filters: {locationId: {eq: 301}}) { edges { node { id } } } }")
    finally:
        session.close()
    assert len(frame) > 0
