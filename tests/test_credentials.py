"""The one object that holds secrets masks them everywhere."""

import pickle
import time

import pytest

from ion_magic.credentials import Credentials, require_safe_url
from ion_magic.errors import IonError


def test_repr_str_and_redaction_never_show_secret_or_token():
    credentials = Credentials("client-a", "s3cr3t-value")
    credentials.set_token("tok-123456", 300)
    for text in (repr(credentials), str(credentials), f"{credentials}"):
        assert "s3cr3t-value" not in text and "tok-123456" not in text and "client-a" in text
    assert credentials.redact("a s3cr3t-value b tok-123456") == "a ******** b ********"
    with pytest.raises(TypeError):
        pickle.dumps(credentials)


def test_token_refreshed_ahead_of_expiry():
    credentials = Credentials("c", "s")
    assert credentials.needs_refresh()
    credentials.set_token("t", 300)
    assert not credentials.needs_refresh()
    credentials.set_token("t", 0.5)
    assert not credentials.needs_refresh()
    time.sleep(0.45)  # into the last fifth of the token's life
    assert credentials.needs_refresh()
    credentials.forget()
    assert not credentials.has_valid_token() and credentials.redact("s") == "s"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost", "https://api.buildwithion.com"])
def test_safe_urls(url):
    assert require_safe_url(url + "/") == url


@pytest.mark.parametrize("url", ["http://api.buildwithion.com", "ftp://x", "nonsense"])
def test_plain_http_to_a_remote_host_is_refused(url):
    with pytest.raises(IonError):
        require_safe_url(url)


@pytest.mark.parametrize(
    "shown",
    [
        "{secret}",
        "client_secret={quoted}",
        '"{json}"',
        "Basic {basic}",
        "{b64}",
        "{b64url}",
        "x{b64_1}y",
    ],
)
def test_the_secret_and_tokens_are_masked_in_every_form_they_travel_in(shown):
    import base64
    import json
    from urllib.parse import quote_plus

    secret = 'se/cr+et "quoted" ü-12345'
    credentials = Credentials("client-a", secret)
    credentials.set_token("old-token-abcdef", 300)
    credentials.set_token("new-token-ghijkl", 300)
    text = shown.format(
        secret=secret,
        quoted=quote_plus(secret),
        json=json.dumps(secret)[1:-1],
        basic=base64.b64encode(f"client-a:{secret}".encode()).decode(),
        b64=base64.b64encode(secret.encode()).decode(),
        b64url=base64.urlsafe_b64encode(b"Bearer old-token-abcdef").decode(),
        b64_1=base64.b64encode(b"x" + secret.encode()).decode(),
    )
    redacted = credentials.redact(f"{text} old-token-abcdef new-token-ghijkl")
    assert "********" in redacted and "token-" not in redacted and text not in redacted
    assert "cr+et" not in redacted and "cr%2Bet" not in redacted and "quoted" not in redacted
