"""Exact HTTP cases through the transport's injected httpx transport (`httpx.MockTransport`): a 401 then
success, Retry-After, a 503 on a mutation, and every way decoding or talking HTTP can fail ending as one
IonError raised from a frame that holds no secret."""

from __future__ import annotations

import gzip
import json
import traceback

import httpx
import pytest

from ion_magic.credentials import Credentials
from ion_magic.errors import AuthError, IonError, TransportError
from ion_magic.transport import RetryPolicy, Transport

SECRET = "client-secret-Zq8/+x"
TOKEN_URL = "https://auth.example.com/token"
GRAPHQL_URL = "https://api.example.com/graphql"


def token_reply(token: str = "tok-1", expires_in: float = 300) -> httpx.Response:
    return httpx.Response(200, json={"access_token": token, "expires_in": expires_in})


class Script:
    """Answers requests in order from a list of `(url suffix, response)`; records every request."""

    def __init__(self, *answers: tuple[str, httpx.Response | Exception]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        suffix, answer = self.answers.pop(0)
        assert str(request.url).endswith(suffix), (request.url, suffix)
        if isinstance(answer, Exception):
            raise answer
        return answer


def transport_for(script: Script, sleeps: list[float] | None = None, tries: int = 3) -> Transport:
    return Transport(
        GRAPHQL_URL,
        TOKEN_URL,
        "https://api.example.com",
        Credentials("client", SECRET),
        policy=RetryPolicy(max_tries=tries),
        http_transport=httpx.MockTransport(script),
        sleep=(sleeps.append if sleeps is not None else lambda _: None),
    )


def test_a_401_renews_the_token_once_and_the_query_succeeds():
    script = Script(
        ("/token", token_reply("tok-1")),
        ("/graphql", httpx.Response(401, json={"message": "expired"})),
        ("/token", token_reply("tok-2")),
        ("/graphql", httpx.Response(200, json={"data": {"x": 1}})),
    )
    transport = transport_for(script)
    transport.refresh_token()
    assert transport.execute("{ x }") == {"data": {"x": 1}}
    assert [r.headers.get("Authorization") for r in script.requests] == [None, "Bearer tok-1", None, "Bearer tok-2"]
    assert transport.faults_met["401"] == 1


def test_retry_after_is_a_floor_for_the_wait():
    sleeps: list[float] = []
    script = Script(
        ("/token", token_reply()),
        ("/graphql", httpx.Response(429, headers={"Retry-After": "7"})),
        ("/graphql", httpx.Response(200, json={"data": {"x": 1}})),
    )
    transport = transport_for(script, sleeps)
    transport.refresh_token()
    assert transport.execute("{ x }")["data"] == {"x": 1}
    assert len(sleeps) == 1 and 7 <= sleeps[0] <= 120


def test_a_503_on_a_mutation_is_not_retried_and_says_the_write_is_uncertain():
    script = Script(("/token", token_reply()), ("/graphql", httpx.Response(503)))
    transport = transport_for(script)
    transport.refresh_token()
    with pytest.raises(TransportError, match="may or may not have been applied") as caught:
        transport.execute("mutation { x }", is_mutation=True)
    assert caught.value.write_uncertain and len(script.requests) == 2 and not script.answers


def secrets_in_traceback(error: BaseException, *secrets: str) -> list[str]:
    """The message and every frame's local variables below the caller, as `%xmode Verbose` would print
    them, searched for the secrets."""
    shown = "".join(traceback.format_exception_only(error))
    for frame, _ in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename != __file__:
            shown += "".join(f"{name}={value!r}" for name, value in frame.f_locals.items())
    return [secret for secret in secrets if secret in shown]


DEEP_JSON = b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


class Unread(httpx.SyncByteStream):
    def __init__(self, body: bytes) -> None:
        self.body = body

    def __iter__(self):
        yield self.body


def raw(body: bytes, **headers: str) -> httpx.Response:
    """A response whose body is read (and decoded) only by the transport, as off the network."""
    return httpx.Response(200, stream=Unread(body), headers=headers)


FAILURES = {
    "gzip garbage": lambda: raw(b"\x1f\x8bnot gzip", **{"Content-Encoding": "gzip"}),
    "deep JSON": lambda: raw(DEEP_JSON),
    "not JSON": lambda: raw(b"<html>hi</html>"),
    "cut gzip": lambda: raw(gzip.compress(b'{"data": {}}')[:15], **{"Content-Encoding": "gzip"}),
    "protocol error": lambda: httpx.LocalProtocolError("Illegal header value b'Bearer tok-1\\r\\n'"),
    "decoding error": lambda: httpx.DecodingError("bad"),
    "unexpected": lambda: RuntimeError("tok-1 " + SECRET),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_every_failure_is_one_ion_error_from_none_with_no_secret_in_any_frame(failure):
    script = Script(("/token", token_reply("tok-1")), ("/graphql", FAILURES[failure]()))
    transport = transport_for(script, tries=1)
    transport.refresh_token()
    with pytest.raises(IonError) as caught:
        transport.execute("{ x }")
    error = caught.value
    assert error.__cause__ is None and error.__suppress_context__
    assert secrets_in_traceback(error, SECRET, "tok-1") == []


@pytest.mark.parametrize("token", ["tok\r\nX-Evil: 1", "tok with spaces", "", "tøk", 12345, None])
def test_a_token_that_is_not_header_safe_is_refused_at_login_without_echoing_it(token):
    script = Script(("/token", httpx.Response(200, json={"access_token": token})))
    transport = transport_for(script)
    with pytest.raises(AuthError) as caught:
        transport.refresh_token()
    message = str(caught.value)
    assert ("not a printable header-safe string" in message) or ("without a token" in message)
    assert (not isinstance(token, str) or not token or token not in message) and "X-Evil" not in message
    assert secrets_in_traceback(caught.value, SECRET) == []
    assert not transport.credentials.has_valid_token()


def test_an_auth_server_echoing_the_form_is_masked_in_every_encoding():
    """Item 5: an echo of the posted form shows the secret percent-encoded; it must be masked all the same."""

    def echo(request: httpx.Request) -> httpx.Response:
        form = request.content.decode()
        return httpx.Response(
            401, json={"error": "invalid_client", "error_description": f"bad form {form} {json.dumps(SECRET)} {SECRET}"}
        )

    transport = Transport(
        GRAPHQL_URL, TOKEN_URL, "aud", Credentials("client", SECRET), http_transport=httpx.MockTransport(echo)
    )
    with pytest.raises(AuthError) as caught:
        transport.refresh_token()
    message = str(caught.value)
    assert "invalid_client" in message or "bad form" in message
    assert SECRET not in message and "Zq8%2F%2Bx" not in message and "Zq8/+x" not in message


def test_server_errors_that_quote_the_token_are_masked_before_anyone_keeps_them():
    import base64

    echoed = [
        {
            "message": "token tok-abcdefgh123 rejected",
            "extensions": {
                "seen": base64.b64encode(b"Bearer tok-abcdefgh123").decode(),
                "form": "client_secret=client-secret-Zq8%2F%2Bx",
            },
        }
    ]
    script = Script(
        ("/token", token_reply("tok-abcdefgh123")),
        ("/graphql", httpx.Response(200, json={"data": None, "errors": echoed})),
    )
    transport = transport_for(script)
    transport.refresh_token()
    shown = json.dumps(transport.execute("{ x }"))
    assert "tok-abcdefgh123" not in shown and "Zq8" not in shown
    assert "dG9rLWFiY2RlZmdoMTIz"[:12] not in shown and "********" in shown


def test_a_session_takes_the_same_seam(tmp_path, monkeypatch):
    """IonSession(http_transport=...) for exact cases above the transport: introspection refused, so the
    schema and the identity are unknown, and a query still comes back."""
    from ion_magic.session import IonSession

    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path))
    script = Script(
        ("/token", token_reply()),
        ("/graphql", httpx.Response(200, json={"errors": [{"message": "no"}]})),
        ("/graphql", httpx.Response(200, json={"data": {"ping": "pong"}})),
    )
    session = IonSession(
        "custom",
        "https://api.example.com",
        "https://auth.example.com",
        "client",
        SECRET,
        http_transport=httpx.MockTransport(script),
    )
    session.login()
    assert session.schema is None and session.identity.describe() == "identity unknown"
    assert session.query("{ ping }", progress=False)["ping"].tolist() == ["pong"]
    assert str(script.requests[0].url) == "https://auth.example.com/realms/api-keys/protocol/openid-connect/token"
