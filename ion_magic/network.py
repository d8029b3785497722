"""The network policy of a login's HTTP client, in one place.

- Plain http is allowed only to loopback (`credentials.require_safe_url`), and it never goes through a
  proxy: an `HTTP_PROXY` set for other tools must not receive a token form or an Authorization header in
  clear (an SSH tunnel to a tenant on `http://localhost:...` stays on this machine).
- https may go through the proxy the environment names (`HTTPS_PROXY`, `ALL_PROXY`, minus `NO_PROXY`):
  the proxy then sees only an encrypted tunnel.
- Nothing else is taken from the environment (no `.netrc` credentials); the CA settings `SSL_CERT_FILE`
  and `SSL_CERT_DIR` still apply. Redirects are not followed; TLS is always verified.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import httpx


def https_proxies(urls: Iterable[str], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """`https://host[:port]` -> proxy URL, for the https URLs the environment's proxy settings cover."""
    proxies = urllib.request.getproxies_environment() if environ is None else _proxies_from(environ)
    proxy = proxies.get("https") or proxies.get("all")
    routes = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme != "https" or not proxy or _bypassed(parts.hostname or "", proxies):
            continue
        routes[f"https://{parts.netloc}"] = proxy
    return routes


def network_client(urls: Iterable[str], http_transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The client for one login's URLs: `trust_env=False`, with a proxy mounted only for https hosts."""
    headers = {"User-Agent": "ion-magic"}
    if http_transport is not None:
        return httpx.Client(transport=http_transport, trust_env=False, headers=headers)
    verify = _verified_context()
    mounts = {
        pattern: httpx.HTTPTransport(proxy=proxy, verify=verify) for pattern, proxy in https_proxies(urls).items()
    }
    return httpx.Client(trust_env=False, verify=verify, mounts=mounts, headers=headers)


def _verified_context() -> ssl.SSLContext:
    return httpx.create_ssl_context(verify=True, trust_env=True)  # certifi, or SSL_CERT_FILE/SSL_CERT_DIR


def _proxies_from(environ: Mapping[str, str]) -> dict[str, str]:
    proxies = {}
    for name, value in environ.items():
        lowered = name.lower()
        if value and lowered.endswith("_proxy"):
            proxies[lowered.removesuffix("_proxy")] = value
    return proxies


def _bypassed(host: str, proxies: Mapping[str, str]) -> bool:
    no_proxy = proxies.get("no", "")
    if not no_proxy:
        return False
    # The standard library's own NO_PROXY matcher; typeshed leaves it out (it is not in urllib's documentation).
    return bool(urllib.request.proxy_bypass_environment(host, {"no": no_proxy}))  # type: ignore[attr-defined]
