"""The magics in a real kernel (nbclient), as a notebook runs them: logins, a query, errors, and a saved
notebook (with its widget state) searched for the secret and every token the server issued."""

from __future__ import annotations

import base64
import json
import secrets
from contextlib import ExitStack
from urllib.parse import quote, unquote_plus

import pytest

from ion_magic.sandbox import DEMO_CLIENT_SECRET, start_sandbox

from ..kernels import errors_of, execute, json_printed, notebook, text_of
from ..scripted_server import Reply, scripted_server

pytestmark = pytest.mark.kernel


def test_sandbox_login_query_and_validation_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "cache"))
    nb = execute(
        notebook(
            "%load_ext ion_magic",
            "%ion_login --sandbox",
            "%%ion runs --page-size 5\n{ runs { edges { node { id title status } } } }",
            "import json; print(json.dumps({'rows': len(runs), 'pages': runs.attrs['ion']['pages'],"
            " 'dtypes': {k: str(v) for k, v in runs.dtypes.items()}}))",
            "%%ion\n{\n  runs { edges { node { titel } } }\n}",
        ),
        cwd=tmp_path,
        allow_errors=True,
    )
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
    with start_sandbox(
        client_id="notebook-tests", client_secret=secrets.token_urlsafe(24), token_lifetime=3
    ) as running:
        yield running


class HostileServers:
    """Servers in the test process that misbehave with what they receive: an auth server that echoes the
    posted form (percent-encoded and in base64), an API that echoes the Authorization header in its errors,
    answers gzip garbage or JSON nested too deeply, and an auth server issuing a token with CR/LF in it."""

    MODES = ("echo-form", "echo-header", "gzip-garbage", "deep-json", "crlf-token")

    def __init__(self) -> None:
        self.issued: list[str] = []

    def handler(self, mode: str):
        def handle(request):
            if request.path.endswith("/token"):
                if mode == "echo-form":
                    form = request.body.decode()
                    echoed = f"{form} {base64.b64encode(request.body).decode()} {unquote_plus(form)}"
                    return Reply(401, json.dumps({"error": "invalid_client", "error_description": echoed}).encode())
                token = f"hostile-{secrets.token_hex(8)}" + ("\r\nX-Injected: 1" if mode == "crlf-token" else "")
                self.issued.append(token)
                return Reply(200, json.dumps({"access_token": token, "expires_in": 300}).encode())
            if b"__schema" in request.body:
                return Reply(200, b'{"errors": [{"message": "introspection is disabled"}]}')
            header = request.headers.get("authorization", "")
            if mode == "gzip-garbage":
                return Reply(200, b"\x1f\x8b\x08\x00garbage", {"Content-Encoding": "gzip"})
            if mode == "deep-json":
                return Reply(200, b'{"data": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
            echo = {"message": f"rejected {header} {base64.b64encode(header.encode()).decode()}"}
            return Reply(200, json.dumps({"data": {"runs": None}, "errors": [echo]}).encode())

        return handle


def test_no_login_path_leaves_a_secret_or_token_anywhere(tmp_path, monkeypatch, private_sandbox, capsys):
    """Every login path and error path, under `%xmode Verbose` and with DEBUG logs, against the sandbox and
    hostile servers, with every proxy variable pointing at a recording proxy: the secret and every token
    issued are searched for in the saved notebook (outputs, tracebacks, widget state), the widget state
    between the secret's arrival and the click, the schema cache and what reached the proxy."""
    sandbox = private_sandbox
    cache = tmp_path / "cache"
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(cache))
    monkeypatch.setenv("IONTEST_SECRET", sandbox.client_secret)  # read by the cells, never written in them
    monkeypatch.setenv("ION_API_URL", sandbox.api_url)
    monkeypatch.setenv("ION_AUTH_URL", sandbox.auth_url)
    monkeypatch.setenv("ION_CLIENT_ID", sandbox.client_id)
    hostile = HostileServers()
    with ExitStack() as stack:
        proxy = stack.enter_context(scripted_server(lambda request: Reply(502, b"")))
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy.url)
        servers = {mode: stack.enter_context(scripted_server(hostile.handler(mode))).url for mode in hostile.MODES}
        nb, paths = _secret_scan_notebook(servers)
        saved = tmp_path / "saved.ipynb"
        nb = execute(nb, cwd=tmp_path, allow_errors=True, save_to=saved)
    cells = {name: nb.cells[index] for index, name in enumerate(paths)}
    assert "Logged in to custom" in text_of(cells["widget login"])
    for name in ("query after widget login", "query after expiry", "query after env login"):
        assert not errors_of(cells[name]) and "title" in text_of(cells[name])
    assert "client_id: notebook-tests" in text_of(cells["status"])
    assert "UsageError: The auth server refused the login" in text_of(cells["wrong secret"])
    assert "refused the login" in text_of(cells["echoing auth server"])
    assert "not a printable header-safe string" in text_of(cells["CR/LF token"])
    assert "could not be decoded" in text_of(cells["%%ion gzip garbage"])
    assert "nested too deeply" in text_of(cells["Python API deep JSON, Verbose traceback"])
    assert "rejected" in text_of(cells["server errors echoing the header"])
    assert "Not logged in" in text_of(cells["status after logout"])
    assert nb.metadata.get("widgets"), "the widget state was saved with the notebook"

    issued = sandbox.issued_tokens() + hostile.issued
    assert len(sandbox.issued_tokens()) >= 3 and len(hostile.issued) >= 3
    secrets_sought = [
        sandbox.client_secret,
        quote(sandbox.client_secret, safe=""),
        base64.b64encode(sandbox.client_secret.encode()).decode(),
        *issued,
        *(token.split("\r")[0] for token in hostile.issued),
    ]
    saved_text = saved.read_text()
    places = {
        "notebook": saved_text,
        "widget state": json.dumps(nb.metadata["widgets"]),
        "proxy": json.dumps([repr(request) for request in proxy.seen]),
    }
    places.update({str(path): path.read_text() for path in cache.rglob("*") if path.is_file()})
    leaks = [(where, what) for where, text in places.items() for what in secrets_sought if what in text]
    assert leaks == []
    assert proxy.seen == []  # plain http to loopback never went through the proxy
    assert "DEBUG" in saved_text and "Verbose" in saved_text  # the logging and the verbose tracebacks were on
    with capsys.disabled():
        print(
            f"\nsecret scan: {len(paths)} paths tried, {len(places)} places searched for "
            f"{len(secrets_sought)} secret forms, hits: {len(leaks)}"
        )


def _secret_scan_notebook(servers: dict[str, str]):
    """The cells of the secret scan, each named after the path it tries."""

    def login_to(mode: str) -> str:
        return f"%ion_login --api-url {servers[mode]} --auth-url {servers[mode]} --client-id notebook-tests"

    query = "%%ion\n{ runs(first: 3) { edges { node { id title } } } }"
    arrival = (
        "w.client_secret._handle_msg({'content': {'data': {'method': 'update', 'state': "
        "{'value': os.environ['IONTEST_SECRET']}, 'buffer_paths': []}}, 'buffers': []})"
    )
    steps = {
        "setup": "import json, logging, os, time\nimport ipywidgets\n"
        "logging.basicConfig(level=logging.DEBUG, force=True)\n%load_ext ion_magic\n%xmode Verbose",
        # the widget, with the secret arriving as a front end sends it, then the state a save would store
        "widget, secret arrives": f"w = %ion_login\nw.environment.value = 'custom'\n{arrival}\nw",
        "widget state between arrival and click": "print(json.dumps(ipywidgets.Widget.get_manager_state()))",
        "widget click": "w.submit()",
        "widget login": "print(w.status.value)",
        "query after widget login": query,
        "token expiry": "time.sleep(3.5)",  # refreshed ahead of expiry, or after a 401
        "query after expiry": query,
        "status": "%ion_status",
        "env login": "os.environ['ION_CLIENT_SECRET'] = os.environ['IONTEST_SECRET']\n%ion_login --env custom",
        "query after env login": query,
        "wrong secret": "os.environ['ION_CLIENT_SECRET'] = 'wrong-' + os.environ['IONTEST_SECRET']\n"
        "%ion_login --env custom",
        # ION_CLIENT_SECRET goes only where the ION_* variables point: they point at the hostile servers now
        "echoing auth server": "os.environ['ION_CLIENT_SECRET'] = os.environ['IONTEST_SECRET']\n"
        "del os.environ['ION_API_URL'], os.environ['ION_AUTH_URL']\n" + login_to("echo-form"),
        "CR/LF token": login_to("crlf-token"),
        "login to gzip garbage": login_to("gzip-garbage"),
        "%%ion gzip garbage": query,
        "Python API deep JSON, Verbose traceback": "import ion_magic\n"
        f"s = ion_magic.connect(api_url={servers['deep-json']!r}, "
        f"auth_url={servers['deep-json']!r}, client_id='notebook-tests', "
        "client_secret=os.environ['IONTEST_SECRET'])\ns.query('{ runs { edges { node { id } } } }', "
        "progress=False)",
        "login to header echo": login_to("echo-header"),
        "server errors echoing the header": "%%ion df\n{ runs { edges { node { id } } } }",
        "attrs after errors": "print(json.dumps(df.attrs['ion'], default=str))",
        "logout": "%ion_logout",
        "status after logout": "%ion_status",
        "namespace": "print(repr(w), [k for k in globals() if not k.startswith('_')])",
    }
    return notebook(*steps.values()), list(steps)


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
                if (
                    message["parent_header"].get("msg_id") == message_id
                    and message["content"].get("execution_state") == "idle"
                ):
                    return

        run("%load_ext ion_magic")
        run(
            f"%ion_login --api-url {sandbox.api_url} --auth-url {sandbox.auth_url} --client-id {sandbox.client_id}",
            answer=sandbox.client_secret,
        )
        run("%%ion\n{ runs(first: 2) { edges { node { id } } } }")
        run("%ion_status")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    shown = json.dumps(seen, default=str)
    assert "Logged in to custom" in shown and "client_id: notebook-tests" in shown
    issued = sandbox.issued_tokens()
    assert issued and [what for what in (sandbox.client_secret, *issued) if what in shown] == []
