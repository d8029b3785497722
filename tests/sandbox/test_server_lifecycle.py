"""Starting and stopping sandboxes in-process, and the `ion-sandbox` command line."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import httpx
import pytest

from ion_magic.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, start_sandbox
from ion_magic.sandbox.__main__ import main

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RUNS = {"query": "{ runs(first: 2) { edges { node { id title } } pageInfo { totalCount } } }"}


def total_runs(gql) -> int:
    return gql(RUNS["query"])["data"]["runs"]["pageInfo"]["totalCount"]


def test_two_sandboxes_serve_side_by_side(gql_for):
    with start_sandbox() as first, start_sandbox() as second:
        assert first.port != second.port
        assert total_runs(gql_for(first)) == total_runs(gql_for(second)) > 0


def test_stop_frees_the_port_for_a_new_sandbox(gql_for):
    running = start_sandbox()
    port = running.port
    gql_for(running)
    running.stop()
    assert not running.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health")
    running.stop()
    with start_sandbox(port=port) as again:
        assert again.port == port
        assert httpx.get(again.api_url + "/health").status_code == 200


def test_a_file_database_is_seeded_once_and_kept(tmp_path, gql_for):
    db = tmp_path / "factory.sqlite"
    with start_sandbox(db=db) as first:
        seeded = total_runs(gql_for(first))
    assert db.is_file()
    with start_sandbox(db=db, scale=3) as second:
        assert total_runs(gql_for(second)) == seeded


def test_the_ion_sandbox_console_script_runs_the_command_line():
    (script,) = entry_points(group="console_scripts", name="ion-sandbox")
    assert script.load() is main


def test_the_command_line_serves_until_terminated():
    command = [sys.executable, "-m", "ion_magic.sandbox", "--port", "0", "--token-lifetime", "120"]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        printed = []
        for line in process.stdout:
            printed.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        banner = "".join(printed)
        api_url = re.search(r"API URL:\s+(\S+)", banner).group(1)
        auth_url = re.search(r"Auth URL:\s+(\S+)", banner).group(1)
        assert DEMO_CLIENT_ID in banner
        assert DEMO_CLIENT_SECRET in banner

        issued = httpx.post(
            auth_url + "/realms/api-keys/protocol/openid-connect/token",
            data={"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET},
        ).json()
        assert issued["expires_in"] == 120
        token = issued["access_token"]
        response = httpx.post(api_url + "/graphql", json=RUNS, headers={"Authorization": token})
        assert response.status_code == 200
        assert len(response.json()["data"]["runs"]["edges"]) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "POST /graphql" in output
    assert "stopped" in output
    assert token not in banner + output


def test_the_command_line_refuses_a_half_gateway_setting():
    result = subprocess.run(
        [sys.executable, "-m", "ion_magic.sandbox", "--gateway-timeout", "30"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--unpaginated-row-limit" in result.stderr
