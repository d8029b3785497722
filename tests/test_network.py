"""The network policy: plain http (loopback only) never goes through a proxy, whatever the environment
says; https may, and then the proxy sees only a tunnel request. A recording server plays the proxy."""

from __future__ import annotations

import pytest

from ion_magic.errors import IonError
from ion_magic.login import LoginRequest, login
from ion_magic.network import https_proxies
from ion_magic.sandbox import start_sandbox

from .scripted_server import Reply, scripted_server

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture
def recording_proxy(monkeypatch, tmp_path):
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "schemas"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with scripted_server(lambda request: Reply(502, b"")) as proxy:
        for name in PROXY_VARIABLES:
            monkeypatch.setenv(name, proxy.url)
        yield proxy


@pytest.mark.timeout(60)
def test_plain_http_to_loopback_never_reaches_a_proxy(recording_proxy):
    """Item 3: with HTTP_PROXY & co. set, a login and a query over http://127.0.0.1 send nothing to the
    proxy (it would receive the client secret and the token in clear)."""
    with start_sandbox() as sandbox:
        session = login(
            LoginRequest(
                api_url=sandbox.api_url,
                auth_url=sandbox.auth_url,
                client_id=sandbox.client_id,
                client_secret=sandbox.client_secret,
            ),
            environ={},
        )
        try:
            assert len(session.query("{ runs(first: 3) { edges { node { id } } } }", progress=False)) == 3
        finally:
            session.close()
    assert recording_proxy.seen == []


@pytest.mark.timeout(60)
def test_https_goes_through_the_environment_proxy_as_a_tunnel_only(recording_proxy):
    secret = "tunnel-only-secret"
    request = LoginRequest(
        api_url="https://api.ion.invalid", auth_url="https://auth.ion.invalid", client_id="c", client_secret=secret
    )
    with pytest.raises(IonError):
        login(request, environ={}, max_tries=1)  # the recording proxy refuses the tunnel
    assert [seen.method for seen in recording_proxy.seen] == ["CONNECT"]
    assert recording_proxy.seen[0].path == "auth.ion.invalid:443"
    assert secret not in repr(recording_proxy.seen)


def test_proxy_routes_cover_https_hosts_only_and_honour_no_proxy():
    urls = ["http://127.0.0.1:8000/graphql", "https://api.example.com/graphql", "https://auth.example.com:8443/t"]
    environ = {"HTTP_PROXY": "http://proxy:3128", "HTTPS_PROXY": "http://proxy:3129", "NO_PROXY": "auth.example.com"}
    assert https_proxies(urls, environ) == {"https://api.example.com": "http://proxy:3129"}
    assert https_proxies(urls, {"ALL_PROXY": "http://p:1"}) == {
        "https://api.example.com": "http://p:1",
        "https://auth.example.com:8443": "http://p:1",
    }
    assert https_proxies(urls, {"HTTP_PROXY": "http://proxy:3128"}) == {}
