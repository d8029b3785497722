"""What the kernel tells the JupyterLab panel: the login (environment, identity) and one record per `%%ion`
run, with variable names but never their values, a token or the client secret."""

from __future__ import annotations

import json
from dataclasses import dataclass

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
    frame = ion("--page-size 2", "query($wanted_title: String) {\n"
        "  runs(filters: {title: {neq: $wanted_title}}) { edges { node { id title } } }\n}")
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


def test_logged_out_message_and_bounded_history():
    channel = SchemaChannel(in_kernel=False)
    comm = RecordingComm()
    for index in range(HISTORY_LIMIT + 5):
        channel.record_run(f"%%ion\n{{ n{index} }}", [], environment="sandbox", variables=[], redact=str)
    channel._on_request(comm, {})
    [answer] = comm.sent
    assert {key: answer[key] for key in ("schema", "endpoint", "environment", "identity")} == dict.fromkeys(
        ("schema", "endpoint", "environment", "identity"))
    assert len(answer["history"]) == HISTORY_LIMIT and answer["history"][-1]["document"].endswith("n204 }")


@dataclass
class Identity:
    name: str

    def describe(self) -> str:
        return f"{self.name} (Demo Factory)"


def test_identity_is_described_when_the_session_knows_it(shell):
    session = shell.magics_manager.registry["IonMagic"].session
    assert identity_of(session) == (session.identity.describe() if getattr(session, "identity", None) else None)
    assert identity_of(type("Known", (), {"identity": Identity("demo")})()) == "demo (Demo Factory)"
    assert identity_of(type("Unknown", (), {"identity": None})()) is None


class Stopped:
    def __init__(self, message: str) -> None:
        self.reason, self.message = "interrupted", message


def test_run_roots_reads_why_a_root_is_incomplete(shell, ion):
    session = shell.magics_manager.registry["IonMagic"].session
    from ion_magic.pipeline import QueryOptions

    outcome = session.run(session.plan("{ runs(first: 2) { edges { node { id } } } }"), QueryOptions(max_rows=2),
                          None)
    [root] = run_roots(outcome)
    assert root == {"field": "runs", "rows": 2, "seconds": root["seconds"], "complete": True, "stopped": None}
    result = outcome.results[0]
    result.complete, result.interrupted = False, True
    assert run_roots(outcome)[0]["stopped"] == "interrupted"
    result.stopped = Stopped("interrupted after 2 rows")
    assert run_roots(outcome)[0]["stopped"] == "interrupted after 2 rows"
    result.stopped = {"reason": "max_rows", "message": "stopped at --max-rows 2"}
    assert run_roots(outcome)[0]["stopped"] == "stopped at --max-rows 2"
