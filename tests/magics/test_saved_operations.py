"""%%ion --save, %ion NAME, %ion_operations, completion of saved names and the Python API by name, in-process
against the sandbox, each test with its own temporary operations folder."""

from __future__ import annotations

import pytest
from IPython.core.completer import provisionalcompleter
from IPython.core.error import UsageError

from ion_magic import connect
from ion_magic.completion.ipython import register_saved_name_completer
from ion_magic.errors import IonError

OPEN_RUNS = """query OpenRuns($status: RunStatus = IN_PROGRESS) {
  runs(filters: {status: {eq: $status}}) { edges { node { ...RunBasics } } }
}"""


@pytest.fixture
def folder(shell, tmp_path):
    magic = shell.magics_manager.registry["IonMagic"]
    magic.operations_dir = str(tmp_path / "graphql")
    yield tmp_path / "graphql"
    magic.operations_dir = ""


def test_the_line_magic_takes_every_option_of_the_cell_magic(shell):
    magic = shell.magics_manager.registry["IonMagic"]
    options = {action.dest: action.option_strings for action in magic.ion.parser._actions}
    line_options = {action.dest: action.option_strings for action in magic.ion_line.parser._actions}
    assert {dest: line_options[dest] for dest in options if dest not in ("save", "overwrite")} == {
        dest: strings for dest, strings in options.items() if dest not in ("save", "overwrite")
    }
    assert set(line_options) - set(options) == {"name", "operation"}


def test_save_then_run_by_name_with_other_python_variables(shell, ion, folder, capsys):
    assert ion("--save RunBasics", "fragment RunBasics on Run { id title status }") is None
    assert ion("--save open_runs --dry-run", OPEN_RUNS) is None
    said = capsys.readouterr().out
    assert f"Saved fragment RunBasics to {folder / 'RunBasics.graphql'}." in said
    assert "Saved query OpenRuns" in said and "nothing sent" in said
    assert (folder / "open_runs.graphql").read_text() == OPEN_RUNS + "\n"
    shell.user_ns["status"] = "COMPLETE"
    complete = shell.run_line_magic("ion", "open_runs")
    shell.user_ns["status"] = "TODO"
    todo = shell.run_line_magic("ion", "open_runs --page-size 2")
    assert set(complete["status"]) == {"COMPLETE"} and set(todo["status"]) == {"TODO"}
    assert list(complete.columns) == ["id", "title", "status"] and todo.attrs["ion"]["pages"] > 1
    shell.run_line_magic("ion", "open_runs held_runs --max-rows 1")
    assert len(shell.user_ns["held_runs"]) == 1
    del shell.user_ns["status"]
    capsys.readouterr()
    shell.run_line_magic("ion", "open_runs --explain")
    script = capsys.readouterr().out
    sent: dict = {}  # the document the script sends: its constant, evaluated without running the script
    exec(compile(script.replace('os.environ["ION_CLIENT_SECRET"]', '""'), "explained", "exec"), sent)
    documents = [value for name, value in sent.items() if name.endswith("_QUERY")]
    assert len(documents) == 1 and "OpenRuns" in documents[0]
    assert "fragment RunBasics on Run {\n  id\n  title\n  status\n}" in documents[0]


def test_the_schema_message_carries_the_library_fragments(shell, ion, folder):
    ion("--save RunBasics", "fragment RunBasics on Run { id title status }")
    sent = []

    class FrontEndComm:
        def send(self, data):
            sent.append(data)

    shell.magics_manager.registry["IonMagic"].channel._on_request(FrontEndComm(), {"request": "schema"})
    assert sent[0]["fragments"] == [
        {"name": "RunBasics", "typeCondition": "Run", "text": "fragment RunBasics on Run { id title status }"}
    ]
    assert sent[0]["schema"]["__schema"]["queryType"]["name"] == "Query"


def test_saving_again_is_a_no_op_but_a_different_text_needs_overwrite(ion, folder, capsys):
    ion("--save titles --dry-run", "{ runs { edges { node { title } } } }")
    ion("--save titles --dry-run", "{ runs { edges { node { title } } } }")
    assert "unchanged" in capsys.readouterr().out
    with pytest.raises(UsageError, match="already holds a different operation: nothing was saved"):
        ion("--save titles --dry-run", "{ runs { edges { node { id } } } }")
    ion("--save titles --overwrite --dry-run", "{ runs { edges { node { id } } } }")
    assert "id" in (folder / "titles.graphql").read_text()
    with pytest.raises(UsageError, match="--overwrite goes with --save"):
        ion("--overwrite", "{ runs { edges { node { id } } } }")


def test_operations_are_listed_with_variables_and_fragments_with_types(shell, ion, folder, capsys):
    ion("--save RunBasics", "fragment RunBasics on Run { id title status }")
    ion("--save open_runs --dry-run", OPEN_RUNS)
    capsys.readouterr()
    shell.run_line_magic("ion_operations", "")
    listed = capsys.readouterr().out
    assert "open_runs                query OpenRuns($status: RunStatus = IN_PROGRESS)" in listed
    assert "RunBasics                on Run" in listed


def test_saved_names_complete_after_percent_ion(shell, ion, folder):
    ion("--save open_runs --dry-run", OPEN_RUNS.replace("...RunBasics", "id"))
    ion("--save other --dry-run", "{ runs { edges { node { id } } } }")
    with provisionalcompleter():
        texts = [c.text for c in shell.Completer.completions("%ion op", 7)]
        everything = [c.text for c in shell.Completer.completions("%ion ", 5)]
    assert texts == ["open_runs"]
    assert {"open_runs", "other"} <= set(everything)
    hooks = list(shell.Completer.custom_matchers)
    try:
        register_saved_name_completer(shell, lambda: ["again"])  # registering again replaces the hook
        with provisionalcompleter():
            assert [c.text for c in shell.Completer.completions("%ion ", 5)] == ["again"]
    finally:
        shell.Completer.custom_matchers[:] = hooks


def test_the_python_api_runs_a_saved_operation_by_name(sandbox, ion, folder):
    ion("--save RunBasics", "fragment RunBasics on Run { id title status }")
    ion("--save open_runs --dry-run", OPEN_RUNS)
    session = connect(
        api_url=sandbox.api_url,
        auth_url=sandbox.auth_url,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
    )
    try:
        session.operations_dir = folder
        held = session.query("open_runs", {"status": "HOLD"}, progress=False)
        assert set(held["status"]) == {"HOLD"} and list(held.columns) == ["id", "title", "status"]
        spread = session.query("{ runs(first: 2) { edges { node { ...RunBasics } } } }", progress=False)
        assert list(spread.columns) == ["id", "title", "status"]
        with pytest.raises(IonError, match=r"No saved operation 'open_run'.*did you mean 'open_runs'"):
            session.query("open_run")
    finally:
        session.close()
