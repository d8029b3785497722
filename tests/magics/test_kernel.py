"""The magics in a real kernel (nbclient), as a notebook runs them: logins, a query, errors, and a saved
notebook (with its widget state) searched for the secret and every token the server issued."""

from __future__ import annotations

import json
import secrets

import pytest

from ion_magic.sandbox import DEMO_CLIENT_SECRET, start_sandbox

from ..kernels import errors_of, execute, json_printed, notebook, text_of


def test_sandbox_login_query_and_validation_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "cache"))
    nb = execute(notebook(
        "%load_ext ion_magic",
        "%ion_login --sandbox",
        "%%ion runs --page-size 5\n{ runs { edges { node { id title status } } } }",
        "import json; print(json.dumps({'rows': len(runs), 'pages': runs.attrs['ion']['pages'],"
        " 'dtypes': {k: str(v) for k, v in runs.dtypes.items()}}))",
        "%%ion\n{\n  runs { edges { node { titel } } }\n}",
    ), cwd=tmp_path, allow_errors=True)
    login, query, check, invalid = nb.cells[1:]
    assert DEMO_CLIENT_SECRET not in json.dumps(nb)  # the --sandbox login path shows no secret either
    assert "Logged in to sandbox" in text_of(login) and "queries" in text_of(login)
    found = json_printed(check)
    assert found["rows"] > 5 and found["pages"] == -(-found["rows"] // 5)
    assert found["dtypes"] == {"id": "Int64", "title": "string", "status": "category"}
    assert text_of(query).strip().endswith("→ runs")
    shown = text_of(invalid)  # IPython prints a UsageError as one message on stderr, with no traceback
    assert shown.startswith("UsageError: Cannot query field 'titel' on type 'Run'. Did you mean 'title'?")
    assert "cell line 3:" in shown and "^" in shown and "Traceback" not in shown


@pytest.fixture
def private_sandbox():
    """A sandbox in the test process with a random client secret and short-lived tokens (to force refreshes)."""
    with start_sandbox(client_id="notebook-tests", client_secret=secrets.token_urlsafe(24),
                       token_lifetime=3) as running:
        yield running


def test_no_login_path_leaves_a_secret_or_token_anywhere(tmp_path, monkeypatch, private_sandbox):
    sandbox = private_sandbox
    cache = tmp_path / "cache"
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(cache))
    monkeypatch.setenv("IONTEST_SECRET", sandbox.client_secret)  # read by the widget cell, never written in it
    monkeypatch.setenv("ION_API_URL", sandbox.api_url)
    monkeypatch.setenv("ION_AUTH_URL", sandbox.auth_url)
    monkeypatch.setenv("ION_CLIENT_ID", sandbox.client_id)
    query = "%%ion\n{ runs(first: 3) { edges { node { id title } } } }"
    nb = notebook(
        "import logging, os, time\nlogging.basicConfig(level=logging.DEBUG, force=True)\n%load_ext ion_magic",
        # the widget, driven from the kernel side as a user's clicks would
        "w = %ion_login\nw.environment.value = 'custom'\nw.client_secret.value = os.environ['IONTEST_SECRET']\n"
        "w.submit()\nw",
        "print(w.status.value)",
        query,
        # an expired token: refreshed ahead of expiry, or after a 401
        "time.sleep(3.5)",
        query,
        "%ion_status",
        # environment variable login
        "os.environ['ION_CLIENT_SECRET'] = os.environ['IONTEST_SECRET']\n%ion_login --env custom",
        query,
        # a wrong secret: the error must not echo it
        "os.environ['ION_CLIENT_SECRET'] = 'wrong-' + os.environ['IONTEST_SECRET']\n%ion_login --env custom",
        "%ion_logout",
        "%ion_status",
        "print(repr(w), [k for k in globals() if not k.startswith('_')])",
    )
    saved = tmp_path / "saved.ipynb"
    nb = execute(nb, cwd=tmp_path, allow_errors=True, save_to=saved)
    assert "Logged in to custom" in text_of(nb.cells[2])
    for index in (3, 5, 8):
        assert not errors_of(nb.cells[index]) and "title" in text_of(nb.cells[index])
    assert "client_id: notebook-tests" in text_of(nb.cells[6])
    assert "UsageError: The auth server refused the login" in text_of(nb.cells[9])
    assert "Not logged in" in text_of(nb.cells[11])
    assert nb.metadata.get("widgets"), "the widget state was saved with the notebook"

    issued = sandbox.issued_tokens()
    assert len(issued) >= 3  # widget login, a refresh, env-var login
    saved_text = saved.read_text()
    places = {"notebook": saved_text, "widget state": json.dumps(nb.metadata["widgets"])}
    places.update({str(path): path.read_text() for path in cache.rglob("*") if path.is_file()})
    leaks = [(where, what) for where, text in places.items()
             for what in (sandbox.client_secret, *issued) if what in text]
    assert leaks == []
    assert "DEBUG" in saved_text  # the logging was really on


def test_hidden_prompt_login_keeps_the_secret_out_of_every_message(tmp_path, monkeypatch, private_sandbox):
    """`%ion_login --client-id ...` with no ION_CLIENT_SECRET asks with getpass; the kernel's messages
    (everything a front end would show or save) never carry the secret or a token."""
    from jupyter_client.manager import start_new_kernel

    sandbox = private_sandbox
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ION_CLIENT_SECRET", raising=False)
    manager, client = start_new_kernel(kernel_name="python3")
    seen: list[dict] = []
    try:
        def run(code: str, answer: str | None = None) -> None:
            message_id = client.execute(code, allow_stdin=answer is not None)
            if answer is not None:
                request = client.get_stdin_msg(timeout=60)
                assert request["header"]["msg_type"] == "input_request"
                assert request["content"]["password"] is True  # typed without echo
                seen.append(request)
                client.input(answer)
            seen.append(client.get_shell_msg(timeout=120))
            while True:
                message = client.get_iopub_msg(timeout=120)
                seen.append(message)
                if message["parent_header"].get("msg_id") == message_id and \
                        message["content"].get("execution_state") == "idle":
                    return

        run("%load_ext ion_magic")
        run(f"%ion_login --api-url {sandbox.api_url} --auth-url {sandbox.auth_url} --client-id {sandbox.client_id}",
            answer=sandbox.client_secret)
        run("%%ion\n{ runs(first: 2) { edges { node { id } } } }")
        run("%ion_status")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    shown = json.dumps(seen, default=str)
    assert "Logged in to custom" in shown and "client_id: notebook-tests" in shown
    issued = sandbox.issued_tokens()
    assert issued and [what for what in (sandbox.client_secret, *issued) if what in shown] == []
