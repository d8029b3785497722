"""The sandbox under hostile or careless clients, over real loopback sockets: bodies too big to read, foreign
Host headers (DNS rebinding), exposure beyond loopback, secrets on the command line, clients that vanish."""

from __future__ import annotations

import logging
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ion_magic.sandbox import DEMO_CLIENT_SECRET, RunningSandbox, start_sandbox
from ion_magic.sandbox.auth import REALM_TOKEN_PATH
from ion_magic.sandbox.guards import SMALL_BODY_LIMIT
from ion_magic.sandbox.server import MAX_BODY_BYTES, SECRET_ENVIRONMENT_VARIABLE, refuse_unsafe_exposure

from ..conftest import fetch_token

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HUGE = 400 * 1024 * 1024
CHUNK = b"a" * 65_536
CONTENT_TYPES = {REALM_TOKEN_PATH: "application/x-www-form-urlencoded", "/graphql": "application/json"}


@pytest.fixture(scope="module")
def guarded() -> Iterator[RunningSandbox]:
    with start_sandbox() as running:
        yield running


def raw_request(port: int, head: str, body: bytes = b"") -> tuple[bytes, bool]:
    """Send a request by hand; return what the server answered and whether it then closed the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        while chunk := connection.recv(65_536):
            answer += chunk
        return answer, True


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.parametrize("path", [REALM_TOKEN_PATH, "/graphql"])
def test_a_400_mb_declared_body_is_refused_before_a_byte_is_read(guarded, path):
    head = (
        f"POST {path} HTTP/1.1\nHost: 127.0.0.1:{guarded.port}\nContent-Type: {CONTENT_TYPES[path]}\n"
        f"Content-Length: {HUGE}\n"
    )
    # Only 10 bytes follow the headers: an answer can only come from refusing the declared size unread.
    answer, closed = raw_request(guarded.port, head, b'{"query":')
    assert status_of(answer) == 413
    limit = SMALL_BODY_LIMIT if path == REALM_TOKEN_PATH else MAX_BODY_BYTES
    assert f"larger than the limit of {limit} bytes".encode() in answer
    assert closed


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the resident size from /proc")
@pytest.mark.parametrize(
    ("path", "authorized", "status"),
    [
        (REALM_TOKEN_PATH, False, 413),
        ("/graphql", False, 401),
        ("/graphql", True, 413),
    ],
    ids=["token-endpoint", "graphql-without-token", "graphql-with-token"],
)
def test_a_400_mb_chunked_body_is_cut_off_without_the_server_growing(guarded, path, authorized, status, caplog):
    """No Content-Length: the body streams in chunks until the server answers and closes the connection. The
    sandbox runs in this process, so its memory is this process's resident size. Closing on a client that is
    still sending may reset the connection before the answer is read; then the server's log says what it
    answered."""
    caplog.set_level(logging.INFO, logger="ion_magic.sandbox")
    caplog.set_level(logging.INFO, logger="uvicorn.access")  # what it answered, when the reset hides it
    token = f"Authorization: {fetch_token(httpx.Client(), guarded)}\n" if authorized else ""
    head = (
        f"POST {path} HTTP/1.1\nHost: localhost:{guarded.port}\nContent-Type: {CONTENT_TYPES[path]}\n"
        f"Transfer-Encoding: chunked\n{token}"
    )
    before = peak = resident_bytes()
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=10) as connection:
        connection.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
        frame = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n"
        while sent < HUGE:
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                break
            try:
                connection.sendall(frame)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(CHUNK)
            if sent % (16 * len(CHUNK)) == 0:
                peak = max(peak, resident_bytes())
        try:
            while chunk := connection.recv(65_536):
                answer += chunk
        except ConnectionResetError:  # the answer was sent, then the socket reset under the client's writes
            said = f"refused POST {path}: body over" if status == 413 else f'"POST {path} HTTP/1.1" {status}'
            assert said in caplog.text
        else:
            assert status_of(answer) == status
            assert b"connection: close" in answer.lower()
    assert sent < HUGE / 10, f"the server let {sent} bytes in before answering"
    assert max(peak, resident_bytes()) - before < 64 * 1024 * 1024


def test_the_graphql_body_limit_is_configurable(gql_for):
    with start_sandbox(max_body_bytes=2_000) as small:
        gql = gql_for(small)
        padded = "{ __typename }" + " " * 1_500
        assert gql(padded)["data"] == {"__typename": "Query"}
        response = httpx.post(
            small.graphql_url, json={"query": padded + " " * 1_000}, headers={"Authorization": gql.token}
        )
        assert response.status_code == 413
        assert "limit of 2000 bytes" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}", "127.0.0.1"])
def test_loopback_host_headers_are_served(guarded, host):
    response = httpx.get(guarded.api_url + "/health", headers={"Host": host.format(port=guarded.port)})
    assert response.status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}", "0.0.0.0"])
def test_a_foreign_host_header_is_refused_as_dns_rebinding(guarded, host):
    for path in ("/health", "/graphql", REALM_TOKEN_PATH):
        response = httpx.request(
            "GET" if path == "/health" else "POST",
            guarded.api_url + path,
            headers={"Host": host.format(port=guarded.port)},
        )
        assert response.status_code == 421
        assert "does not answer to the host name" in response.json()["errors"][0]["message"]


def test_a_request_without_a_host_header_is_refused(guarded):
    answer, _ = raw_request(guarded.port, "GET /health HTTP/1.0\n")
    assert status_of(answer) == 400
    assert b"no Host header" in answer


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_a_non_loopback_host_with_the_demo_secret_is_refused_before_binding(host):
    with pytest.raises(ValueError, match=SECRET_ENVIRONMENT_VARIABLE):
        start_sandbox(host=host)
    with pytest.raises(ValueError, match="loopback only"):
        refuse_unsafe_exposure(host, "a-secret-of-my-own", any_client=True)
    refuse_unsafe_exposure(host, "a-secret-of-my-own", any_client=False)


def run_command_line(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ion_magic.sandbox", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_line_refuses_a_secret_in_argv_without_echoing_it():
    result = run_command_line("--port", "0", "--client-secret", "hunter2-topsecret")
    assert result.returncode == 2
    assert SECRET_ENVIRONMENT_VARIABLE in result.stderr
    assert "hunter2-topsecret" not in result.stdout + result.stderr


def test_the_command_line_refuses_a_public_host_with_the_demo_secret():
    env = {key: value for key, value in os.environ.items() if key != SECRET_ENVIRONMENT_VARIABLE}
    result = run_command_line("--port", "0", "--host", "0.0.0.0", env=env)
    assert result.returncode != 0
    assert SECRET_ENVIRONMENT_VARIABLE in result.stderr
    assert "Traceback" not in result.stderr
    any_client = run_command_line(
        "--port",
        "0",
        "--host",
        "0.0.0.0",
        "--any-client",
        env={**env, SECRET_ENVIRONMENT_VARIABLE: "a-secret-of-my-own"},
    )
    assert any_client.returncode != 0 and "loopback only" in any_client.stderr


def test_the_command_line_takes_the_secret_from_the_environment_and_never_prints_it():
    secret = "env-secret-4f9c2e"
    process = subprocess.Popen(
        [sys.executable, "-m", "ion_magic.sandbox", "--port", "0", "--client-id", "ci"],
        cwd=PROJECT_ROOT,
        env={**os.environ, SECRET_ENVIRONMENT_VARIABLE: secret},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = ""
        for line in process.stdout:
            banner += line
            if line.startswith("Press Ctrl-C"):
                break
        auth_url = banner.split("Auth URL:")[1].split()[0]
        form = {"grant_type": "client_credentials", "client_id": "ci"}
        assert httpx.post(auth_url + REALM_TOKEN_PATH, data={**form, "client_secret": secret}).status_code == 200
        refused = httpx.post(auth_url + REALM_TOKEN_PATH, data={**form, "client_secret": DEMO_CLIENT_SECRET})
        assert refused.status_code == 401
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"(from {SECRET_ENVIRONMENT_VARIABLE})" in banner
    assert secret not in banner + output


def test_a_client_that_disconnects_mid_body_is_one_log_line(guarded, caplog):
    caplog.set_level(logging.INFO)
    head = (
        f"POST {REALM_TOKEN_PATH} HTTP/1.1\nHost: 127.0.0.1:{guarded.port}\n"
        "Content-Type: application/x-www-form-urlencoded\nContent-Length: 1000\n"
    )
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=10) as connection:
        connection.sendall(head.replace("\n", "\r\n").encode() + b"\r\ngrant_type=client")
        time.sleep(0.2)
    deadline = time.monotonic() + 10
    while not any("client disconnected" in record.getMessage() for record in caplog.records):
        assert time.monotonic() < deadline, "the disconnect was never logged"
        time.sleep(0.05)
    time.sleep(0.2)
    lines = [
        record
        for record in caplog.records
        if "disconnect" in record.getMessage().lower() or record.exc_info or "Exception in ASGI" in record.getMessage()
    ]
    assert len(lines) == 1, [record.getMessage() for record in lines]
    assert lines[0].exc_info is None
    assert lines[0].getMessage() == f"client disconnected before its request was read: POST {REALM_TOKEN_PATH}"
    assert guarded.running


def test_answers_to_requests_without_a_body_keep_the_connection(guarded):
    with httpx.Client() as client:
        for _ in range(2):
            response = client.get(guarded.api_url + "/health")
            assert response.status_code == 200
            assert response.headers.get("connection") != "close"
