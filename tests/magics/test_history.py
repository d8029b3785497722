"""What the kernel tells the JupyterLab panel: the login (environment, identity) and one record per `%%ion`
run, with variable names but never their values, a token or the client secret."""

from __future__ import annotations

import json
from types import SimpleNamespace

from ion_magic.identity import UNKNOWN, Identity
from ion_magic.schema_channel import HISTORY_LIMIT, SchemaChannel, identity_of, run_roots


class RecordingComm:
    """Stands in for the comm a front end opens: keeps what the kernel sends back."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    def send(self, data: dict) -> None:
        self.sent.append(data)


def channel_of(shell) -> SchemaChannel:
    return shell.magics_manager.registry["IonMagic"].channel


def test_a_run_is_recorded_with_variable_names_only(shell, ion, sandbox):
    channel = channel_of(shell)
    before = len(channel.history)
    shell.user_ns["wanted_title"] = "zz-unlikely-title-value"
    frame = ion(
        "--page-size 2",
        "query($wanted_title: String) {\n"
        "  runs(filters: {title: {neq: $wanted_title}}) { edges { node { id title } } }\n}",
    )
    ion("--max-rows 3", "{ runs { edges { node { id } } } }")
    first, second = channel.history[before:]
    assert first["document"].startswith("%%ion --page-size 2\nquery($wanted_title: String) {")
    assert first["variables"] == ["wanted_title"]
    assert first["environment"] == shell.magics_manager.registry["IonMagic"].session.environment
    [root] = first["roots"]
    assert root["field"] == "runs" and root["complete"] is True and root["stopped"] is None
    assert root["rows"] == len(frame) > 2
    assert second["roots"][0]["rows"] == 3
    sent = json.dumps(channel.history)
    assert "zz-unlikely-title-value" not in sent
    assert sandbox.client_secret not in sent
    token = shell.magics_manager.registry["IonMagic"].session.credentials.authorization()
    assert token.split()[-1] not in sent


def test_the_request_answer_holds_login_and_history(shell, ion):
    channel = channel_of(shell)
    ion("", "{ runs(first: 1) { edges { node { id } } } }")
    comm = RecordingComm()
    channel._on_request(comm, {"content": {"data": {"request": "schema"}}})
    [answer] = comm.sent
    session = shell.magics_manager.registry["IonMagic"].session
    assert answer["schema"] == session.introspection and answer["endpoint"] == session.graphql_url
    assert answer["environment"] == session.environment
    assert answer["identity"] is None or isinstance(answer["identity"], str)
    assert answer["history"] == channel.history and answer["history"][-1]["roots"][0]["field"] == "runs"


HELD_RUNS = "{ runs(filters: {status: {eq: HOLD}}) { edges { node { id title } } } }"


def test_a_saved_operation_and_a_cached_result_are_recorded_too(shell, ion, tmp_path, monkeypatch):
    monkeypatch.setattr(shell.magics_manager.registry["IonMagic"], "operations_dir", str(tmp_path))
    ion("--save first_run_ids --dry-run", "{ runs(first: 2) { edges { node { id } } } }")
    shell.run_line_magic("ion", "first_run_ids --max-rows 1")
    pulled = ion("--cache 1h", HELD_RUNS)
    cached = ion("--cache 1h", HELD_RUNS)
    saved, first, again = channel_of(shell).history[-3:]
    assert saved["document"] == "%ion first_run_ids --max-rows 1"
    [cut] = saved["roots"]
    assert (cut["field"], cut["rows"], cut["complete"]) == ("runs", 1, False) and cut["stopped"].startswith("cut at 1 ")
    assert first["document"] == again["document"] == f"%%ion --cache 1h\n{HELD_RUNS}"
    assert first["roots"][0]["complete"] and 0 < len(cached) == len(pulled) == first["roots"][0]["rows"]
    assert again["roots"] == [{"field": "runs", "rows": len(cached), "seconds": 0.0, "complete": True, "stopped": None}]


def test_the_fragment_library_is_sent_with_the_whole_login(shell, ion, tmp_path, monkeypatch):
    magic = shell.magics_manager.registry["IonMagic"]
    sent: list[dict] = []
    monkeypatch.setattr(magic.channel, "_send", sent.append)
    monkeypatch.setattr(magic, "operations_dir", str(tmp_path))
    ion("--save RunTitle", "fragment RunTitle on Run { title }")
    shell.run_line_magic("ion_operations", "")
    session = magic.session
    login = {
        "schema": session.introspection,
        "endpoint": session.graphql_url,
        "environment": session.environment,
        "identity": identity_of(session),
        "fragments": [{"name": "RunTitle", "typeCondition": "Run", "text": "fragment RunTitle on Run { title }"}],
    }
    assert sent == [login, login]
    magic.channel.publish(session)
    assert sent[-1] == login


def test_logged_out_message_and_bounded_history():
    channel = SchemaChannel(in_kernel=False)
    comm = RecordingComm()
    for index in range(HISTORY_LIMIT + 5):
        channel.record_run(f"%%ion\n{{ n{index} }}", [], environment="sandbox", variables=[], redact=str)
    channel._on_request(comm, {})
    [answer] = comm.sent
    assert {key: answer[key] for key in ("schema", "endpoint", "environment", "identity")} == dict.fromkeys(
        ("schema", "endpoint", "environment", "identity")
    )
    assert len(answer["history"]) == HISTORY_LIMIT and answer["history"][-1]["document"].endswith("n204 }")


def test_identity_is_described_when_the_api_says_who(shell):
    session = shell.magics_manager.registry["IonMagic"].session
    assert identity_of(session) == (session.identity.describe() if session.identity.known else None)
    known = Identity(name="Ada Lovelace", email="ada@example.com", organization="Demo Factory")
    assert identity_of(SimpleNamespace(identity=known)) == "Ada Lovelace <ada@example.com>, organization Demo Factory"
    assert identity_of(SimpleNamespace(identity=UNKNOWN)) is None
    assert identity_of(SimpleNamespace(identity=Identity(organization="Demo Factory"))) is None


def test_run_roots_says_why_a_root_is_incomplete_or_failed(shell, ion):
    session = shell.magics_manager.registry["IonMagic"].session
    from ion_magic.errors import IonError
    from ion_magic.outcome import RootFailure
    from ion_magic.pipeline import QueryOptions
    from ion_magic.root_result import Stop

    outcome = session.run(session.plan(HELD_RUNS), QueryOptions(), None)
    [root] = run_roots(outcome)
    rows = len(outcome.value)
    assert root == {"field": "runs", "rows": rows, "seconds": root["seconds"], "complete": True, "stopped": None}
    outcome.results[0].stopped = Stop("interrupted", f"interrupted after {rows} rows")
    outcome.failures.append(RootFailure("parts", IonError("boom")))
    assert run_roots(outcome) == [
        {
            "field": "runs",
            "rows": rows,
            "seconds": root["seconds"],
            "complete": False,
            "stopped": f"interrupted after {rows} rows",
        },
        {"field": "parts", "rows": 0, "seconds": 0.0, "complete": False, "stopped": "failed, nothing kept"},
    ]
