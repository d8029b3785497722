"""A response's size is limited after decompression and a request's time as a whole: a gzip bomb is cut
when its output passes the limit, with memory bounded by the limit, and a server dripping one byte at a
time is cut at the deadline although every read is quick. Against a real server on loopback."""

from __future__ import annotations

import json
import time
import tracemalloc
import zlib
from typing import BinaryIO

import pytest

from ion_magic.credentials import Credentials
from ion_magic.environments import TOKEN_PATH
from ion_magic.errors import TransportError
from ion_magic.transport import RetryPolicy, Transport

from ..scripted_server import Reply, scripted_server

TOKEN = Reply(200, b'{"access_token": "tok-limits", "expires_in": 300}')
BOMB_BYTES = 500 * 2**20  # what the bomb inflates to


def gzip_bomb() -> bytes:
    """About 500 KB of gzip that inflates to 500 MB of JSON-looking zeros; built without holding the 500 MB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b'{"data": {"x": "')]
    block = b"0" * 2**20
    parts.extend(packer.compress(block) for _ in range(BOMB_BYTES // len(block)))
    parts.append(packer.compress(b'"}}') + packer.flush())
    return b"".join(parts)


def transport_for(url: str, **options) -> Transport:
    transport = Transport(
        f"{url}/graphql",
        url + TOKEN_PATH,
        url,
        Credentials("limits", "limits-secret"),
        policy=RetryPolicy(max_tries=1),
        **options,
    )
    transport.refresh_token()
    return transport


def serve(graphql: Reply):
    return scripted_server(lambda request: TOKEN if request.path == TOKEN_PATH else graphql)


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_a_gzip_bomb_is_cut_at_the_limit_with_memory_bounded_by_it():
    bomb = gzip_bomb()
    assert len(bomb) < 600_000
    limit = 8 * 2**20
    with serve(Reply(200, bomb, {"Content-Encoding": "gzip"})) as server:
        transport = transport_for(server.url, max_response_bytes=limit)
        tracemalloc.start()
        try:
            with pytest.raises(TransportError) as caught:
                transport.execute("{ x }")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert "larger than 8,388,608 bytes once decompressed" in str(caught.value)
    assert "max_response_bytes" in str(caught.value)
    assert peak < 4 * limit  # the body kept never outgrows the limit, whatever it would inflate to


@pytest.mark.timeout(30)
def test_the_limit_counts_plain_bodies_too_and_an_answer_under_it_is_read_whole():
    body = json.dumps({"data": {"x": "y" * 5000}}).encode()
    with serve(Reply(200, body)) as server:
        assert transport_for(server.url, max_response_bytes=len(body)).execute("{ x }")["data"]["x"] == "y" * 5000
        with pytest.raises(TransportError, match="larger than 5,000 bytes"):
            transport_for(server.url, max_response_bytes=5000).execute("{ x }")


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("encoding", "body", "expected"),
    [
        ("br", b"\x0b\x02\x80{}\x03", "Content-Encoding 'br', which was not asked for"),
        ("gzip", b"\x1f\x8b\x08\x00broken", "gzip stream is broken or cut short"),
    ],
)
def test_a_body_that_cannot_be_decoded_is_one_clear_error(encoding, body, expected):
    with (
        serve(Reply(200, body, {"Content-Encoding": encoding})) as server,
        pytest.raises(TransportError, match="could not be decoded") as caught,
    ):
        transport_for(server.url).execute("{ x }")
    assert expected in str(caught.value) and caught.value.__cause__ is None and caught.value.__suppress_context__


def drip(stream: BinaryIO) -> None:
    """Headers promising 100 bytes, then one byte every 0.1 s: each read is quick, the whole is slow."""
    stream.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
    stream.flush()
    try:
        for _ in range(100):
            stream.write(b" ")
            stream.flush()
            time.sleep(0.1)
    except OSError:
        return  # the client hung up: what the test expects


@pytest.mark.timeout(30)
@pytest.mark.parametrize("is_mutation", [False, True])
def test_a_dripping_server_is_cut_at_the_deadline_of_the_whole_request(is_mutation):
    with scripted_server(lambda request: TOKEN if request.path == TOKEN_PATH else drip) as server:
        transport = transport_for(server.url, timeout=1.0)  # each read waits at most 0.1 s: never a read timeout
        with pytest.raises(TransportError) as caught:
            transport.execute("mutation { x }" if is_mutation else "{ x }", is_mutation=is_mutation)
    message = str(caught.value)
    assert "longer than the 1 s deadline" in message
    assert caught.value.write_uncertain is is_mutation
    assert len([request for request in server.seen if request.path == "/graphql"]) == 1
