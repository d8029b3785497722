"""--explain writes every piece of the cell as a Python literal: for any document (block strings, quotes,
backslashes, comments holding code), the script compiles, importing it runs nothing, and it sends the
byte-identical document the magic sends."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest
from graphql import build_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ion_magic
from ion_magic.pipeline import QueryOptions, prepare
from ion_magic.rewrite import PAGE_INFO_ALIAS
from ion_magic.script import explain

SCHEMA = build_schema((Path(ion_magic.__file__).parent / "sandbox" / "schema.graphql").read_text())
DANGEROUS = {
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "subprocess.Popen",
    "socket.connect",
    "os.remove",
    "shutil.rmtree",
    "os.fork",
}
_events: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _events is not None and event in DANGEROUS:
        _events.append(event)


sys.addaudithook(_audit)  # audit hooks cannot be removed: it records only while a test listens

PIECES = [*"\"\\'`$#{}()\n\r\t ab;=_", '"""', '\\"""', "\\n", "é", "⚙", "import os; os.system('x')"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)


def block_string(text: str) -> str:
    escaped = text.replace('"""', '\\"""')
    closing = " " if escaped.endswith(('"', "\\")) else ""  # a final quote or backslash would touch the end
    return '"""' + escaped + closing + '"""'


def cell_for(value: str, comment: str, block: bool) -> str:
    literal = block_string(value) if block else json.dumps(value)
    comment = comment.replace("\n", " ").replace("\r", " ")
    return (
        f"query Explained {{\n  # {comment}\n"
        f"  runs(filters: {{title: {{eq: {literal}}}}}) {{ edges {{ node {{ id title }} }} }}\n}}"
    )


def explained(cell: str) -> tuple[str, str, dict]:
    """(the script, the document the magic sends, its variables) for a planned cell."""
    options = QueryOptions(page_size=5)
    plan = prepare(cell, SCHEMA, {}, options)
    script = explain(
        plan,
        api_url="https://api.example.com",
        token_url="https://auth.example.com/t",
        graphql_url="https://api.example.com/graphql",
        client_id="explain-test",
    )
    return script, plan.roots[0].document, plan.roots[0].variables


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=TEXT, comment=TEXT, block=st.booleans())
def test_the_script_compiles_runs_nothing_on_import_and_sends_the_same_document(value, comment, block):
    global _events
    script, document, variables = explained(cell_for(value, comment, block))
    code = compile(script, "explained.py", "exec")
    namespace: dict = {"__name__": "explained"}
    _events = []
    try:
        exec(code, namespace)
    finally:
        seen, _events = _events, None
    assert seen == []
    sent: list[dict] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(
            200, json={"data": {"runs": {"edges": [], PAGE_INFO_ALIAS: {"hasNextPage": False, "endCursor": None}}}}
        )

    with httpx.Client(transport=httpx.MockTransport(server)) as client:
        namespace["fetch_runs"](client, "token")
    assert sent[0]["query"] == document  # byte for byte what the magic sends
    assert {k: v for k, v in sent[0]["variables"].items() if k in variables} == json.loads(json.dumps(variables))


def test_a_crafted_cell_cannot_run_code_when_the_script_is_loaded():
    """Item 6: the cell that used to close the Python string and call os.system."""
    cell = cell_for('"""\nimport os; os.system("echo pwned")\n"""', '""" ; __import__("os").system("x")', True)
    script, document, _ = explained(cell)
    namespace: dict = {"__name__": "explained"}
    global _events
    _events = []
    try:
        exec(compile(script, "explained.py", "exec"), namespace)
    finally:
        seen, _events = _events, None
    assert seen == [] and namespace["RUNS_QUERY"] == document
    assert "pwned" in document  # the text is there, as data


@pytest.mark.parametrize("text", ["", "one line", "a\nb", "a\r\nb\rc\n", 'x"""y\\z\n'])
def test_python_string_round_trips(text):
    from ion_magic.script import python_string

    assert eval(python_string(text)) == text  # the point: it evaluates to the text
