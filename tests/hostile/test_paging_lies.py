"""Issue 11, items 11-14: a server whose pages lie, through the Python API (`session.query`).

The rule under test: `hasNextPage` decides and `totalCount` is only a hint; a repeated cursor or row id, a
missing or null connection, or a wrong JSON type stops the pull as incomplete (an `IncompleteResultError`
carrying the rows received before it and the exact cursor to resume from), never a silent `complete`, a
duplicate row, a raw Python exception, a hang or an allocation without bound. Every test runs with pages
fetched one at a time and four at a time (the parallel path needs offset cursors and a totalCount, which
these pages have unless a test says otherwise).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from typing import Any

import pytest
from graphql import build_schema

from ion_magic import IncompleteResultError, IonError

from .server import (
    CLIENT_ID,
    CLIENT_SECRET,
    GraphQLRequest,
    connect_to,
    edges_of,
    encode_offset,
    honest_script,
    ids_in,
    lying_script,
    make_rows,
    offset_connection,
    offset_page,
    page_info_of,
)

CONNECTION_TYPES = """
type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
  totalCount: Int
}
type RunConnection { edges: [RunEdge]! pageInfo: PageInfo! }
type RunEdge { cursor: String! node: Run }
type Run { id: ID! title: String status: String }
"""
SCHEMA = build_schema(
    """
type Query {
  runs(first: Int, after: String, last: Int, before: String): RunConnection
  run(id: ID!): Run
}
"""
    + CONNECTION_TYPES
)

RUNS = "{ runs { edges { node { id title } } } }"
PAGE = 100
ROWS = make_rows(1000)
ALL_IDS = [row["id"] for row in ROWS]
CONCURRENCY = pytest.mark.parametrize("concurrency", [1, 4])
# Where a pull stops because the server broke its promises; "failed" for an answer that could not be read.
STOPPED_BY_SERVER = {"failed", "broken_paging"}


@pytest.fixture
def serve(start_hostile):
    """`serve(lie=None, rows=ROWS, root=None) -> (server, session)`: a server over `rows` that tells `lie`."""

    def serve(lie=None, rows=ROWS, root: dict[str, Any] | None = None):
        server = start_hostile(SCHEMA)
        root = root or {"runs": offset_connection(rows)}
        server.script = honest_script(server, root) if lie is None else lying_script(server, root, lie)
        return server, connect_to(server, max_tries=1, timeout=10)

    return serve


def pull(session, concurrency: int, cell: str = RUNS, **options: Any):
    """(frame, error): what `query()` returned, or the IonError it raised and the partial frame it carries."""
    try:
        return session.query(cell, page_size=PAGE, concurrency=concurrency, progress=False, **options), None
    except IonError as error:
        return getattr(error, "value", None), error


def on_page_after(offset: int, lie):
    """A lie told only on the page that starts after `offset` (whatever order parallel pages come in)."""

    def told(request: GraphQLRequest, answer: dict[str, Any]) -> Any:
        if request.after_offset("runs") == offset:
            return lie(request, answer)
        return None

    return told


def what_was_said(frame, error) -> str:
    """The error's message and the stop message in the frame's attrs, for key-word checks."""
    said = str(error) if error is not None else ""
    stopped = frame.attrs["ion"].get("stopped") if frame is not None else None
    return said + "\n" + (stopped or {}).get("message", "")


def assert_complete(frame, error, ids: list[str]) -> None:
    assert error is None, f"the pull should be complete, got {type(error).__name__}: {error}"
    assert ids_in(frame) == ids
    ion = frame.attrs["ion"]
    assert ion["complete"] is True
    assert ion["stopped"] is None
    assert ion["resume"] is None


def assert_stopped_keeping_a_prefix(frame, error, *, fewest: int, most: int, reasons: set[str]) -> list[str]:
    """The pull raised IncompleteResultError carrying a gap-free, duplicate-free prefix of the rows (between
    `fewest` and `most` of them) and a resume cursor right after the last row it kept. Returns the ids."""
    assert isinstance(error, IncompleteResultError), f"expected IncompleteResultError, got {error!r}"
    ids = ids_in(frame)
    assert len(ids) == len(set(ids)), "a row came twice"
    assert ids == ALL_IDS[: len(ids)], "the rows kept are not the rows the server sent first, in order"
    assert fewest <= len(ids) <= most
    ion = frame.attrs["ion"]
    assert ion["complete"] is False
    assert ion["stopped"]["reason"] in reasons
    assert ion["resume"] == encode_offset(len(ids) - 1)
    assert error.resume == {"runs": ion["resume"]}
    assert set(error.reasons) == {"runs"}
    assert not re.search(r"--after|cell line", str(error)), "the Python API's messages name arguments, not flags"
    return ids


@pytest.mark.timeout(60)
@CONCURRENCY
def test_an_honest_server_gives_every_row_once_in_ten_requests(serve, concurrency):
    server, session = serve()
    frame, error = pull(session, concurrency)
    assert_complete(frame, error, ALL_IDS)
    assert len(server.requests) == 10
    assert not server.failures


# -- the lies ---------------------------------------------------------------------------------------------------
def total_count(value: Any):
    """Every page announces `value` as the connection's totalCount."""

    def lie(request: GraphQLRequest, answer: dict[str, Any]) -> None:
        page_info_of(request, answer, "runs")["totalCount"] = value

    return lie


def has_next_page_as_text(request: GraphQLRequest, answer: dict[str, Any]) -> None:
    page_info_of(request, answer, "runs")["hasNextPage"] = "false"


def looping_connection(rows, served: list[int]):
    """Opaque cursors A -> B -> A: the page after B is the first page again (ending at A). The server
    gives up after 20 pages (hasNextPage false), so a client that follows the loop ends instead of hanging."""
    pages = {None: (0, "cursor-A"), "cursor-A": (PAGE, "cursor-B"), "cursor-B": (0, "cursor-A")}

    def resolve(info, first=None, after=None, **_):
        served.append(1)
        start, end_cursor = pages[after]
        chunk = rows[start : start + PAGE]
        return {
            "edges": [{"cursor": f"{end_cursor}.{index}", "node": row} for index, row in enumerate(chunk)],
            "pageInfo": {
                "hasNextPage": len(served) < 20,
                "hasPreviousPage": start > 0,
                "startCursor": f"{end_cursor}.0",
                "endCursor": end_cursor,
                "totalCount": len(rows),
            },
        }

    return resolve


def with_a_repeated_row() -> list[dict[str, Any]]:
    """ROWS, except that the second page holds r0007 again (at offset 150)."""
    rows = [dict(row) for row in ROWS]
    rows[150] = dict(ROWS[6])
    return rows


# -- item 11: totalCount is a hint, hasNextPage decides ------------------------------------------------
@pytest.mark.timeout(60)
@CONCURRENCY
def test_a_low_total_count_does_not_cut_the_pull(serve, concurrency):
    _server, session = serve(total_count(250))
    frame, error = pull(session, concurrency)
    assert_complete(frame, error, ALL_IDS)


@pytest.mark.timeout(60)
@CONCURRENCY
def test_a_last_scheduled_page_that_says_more_follow_continues_the_pull(serve, concurrency):
    rows = make_rows(1200)  # the count says 1,000; the pages go on to 1,200
    _server, session = serve(total_count(1000), rows=rows)
    frame, error = pull(session, concurrency)
    assert_complete(frame, error, [row["id"] for row in rows])


@pytest.mark.timeout(60)
@CONCURRENCY
def test_a_string_total_count_is_ignored(serve, concurrency):
    server, session = serve(total_count("1000"))
    frame, error = pull(session, concurrency)
    assert_complete(frame, error, ALL_IDS)
    assert len(server.requests) == 10


@pytest.mark.timeout(60)
@CONCURRENCY
def test_a_high_total_count_asks_at_most_a_few_pages_past_the_end(serve, concurrency):
    """A plausible but wrong total (100,000 for 1,000 rows) keeps the parallel path: its schedule is lazy, so
    the pull ends a few pages after hasNextPage said false, not after asking for the 999 pages announced."""

    server, session = serve(total_count(100_000))
    frame, error = pull(session, concurrency)
    assert_complete(frame, error, ALL_IDS)
    assert len(server.requests) <= 10 + concurrency


HUGE_TOTAL_PULL = """
import json, resource, sys
import ion_magic
url, client_id, secret, concurrency = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
session = ion_magic.connect(api_url=url, auth_url=url, client_id=client_id, client_secret=secret,
                            max_tries=1, timeout=10)
# Address space capped at what the process holds now plus HEADROOM: a runaway allocation is a MemoryError
# here, not a kernel eating the machine's memory.
with open("/proc/self/status") as status:
    held = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
resource.setrlimit(resource.RLIMIT_AS, (held + HEADROOM, held + HEADROOM))
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
try:
    frame, error = session.query(CELL, page_size=100, concurrency=concurrency, progress=False), None
except ion_magic.IonError as caught:
    frame, error = getattr(caught, "value", None), caught
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
ion = frame.attrs["ion"] if frame is not None else {}
print(json.dumps({"ids": [] if frame is None else [str(i) for i in frame["id"]], "grown": grown,
                  "error": None if error is None else type(error).__name__ + ": " + str(error),
                  "complete": ion.get("complete"), "stopped": ion.get("stopped", "absent")}))
""".replace("CELL", repr(RUNS)).replace("HEADROOM", str(1 << 30))


@pytest.mark.timeout(120)
@CONCURRENCY
def test_an_absurd_total_count_allocates_nothing_for_it(serve, concurrency):
    """totalCount 10**12 once made the parallel schedule allocate page slots until the kernel ate 3 GB. The
    pull runs in a child process whose address space may grow by 1 GiB at most, so the old behaviour fails
    there (MemoryError) instead of taking the shared machine down; the child's peak memory growth is bounded."""

    server, _session = serve(total_count(10**12))
    child = subprocess.run(
        [sys.executable, "-c", HUGE_TOTAL_PULL, server.url, CLIENT_ID, CLIENT_SECRET, str(concurrency)],
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    found = json.loads(child.stdout.strip().splitlines()[-1])
    assert found["error"] is None
    assert found["ids"] == ALL_IDS
    assert found["complete"] is True and found["stopped"] is None
    assert found["grown"] < 100 << 20, f"a pull of 1,000 small rows grew the process by {found['grown'] >> 20} MiB"
    assert len(server.requests) <= 10 + 4  # hasNextPage ended it; at most a few pages asked ahead


# -- item 12: cursor loops, repeated rows, a hasNextPage of the wrong type --------------------------------
@pytest.mark.timeout(60)
@CONCURRENCY
def test_a_cursor_loop_stops_as_broken_paging_before_the_repeated_rows(serve, concurrency):
    served: list[int] = []
    server, session = serve(root={"runs": looping_connection(ROWS, served)})
    frame, error = pull(session, concurrency)
    assert isinstance(error, IncompleteResultError), f"expected IncompleteResultError, got {error!r}"
    assert ids_in(frame) == ALL_IDS[:200]  # pages A and B; the page after B repeats A and is not kept
    ion = frame.attrs["ion"]
    assert ion["complete"] is False
    assert ion["stopped"]["reason"] == "broken_paging"
    assert "cursor-A" in what_was_said(frame, error)
    assert ion["resume"] in ("cursor-B", None)
    assert error.resume == {"runs": ion["resume"]}
    assert len(server.requests) == 3


@pytest.mark.timeout(60)
@CONCURRENCY
def test_an_offset_cursor_going_back_stops_as_broken_paging(serve, concurrency):
    """Offset cursors (the parallel path's): the page after offset 199 is the page after offset 99 again,
    ending at a cursor already seen."""
    seen_end = encode_offset(199)

    def going_back(info, first=None, after=None, **_):
        return offset_page(ROWS, first, encode_offset(99) if after == seen_end else after)

    _server, session = serve(root={"runs": going_back})
    frame, error = pull(session, concurrency)
    assert_stopped_keeping_a_prefix(frame, error, fewest=200, most=200, reasons={"broken_paging"})
    assert seen_end in what_was_said(frame, error)


@pytest.mark.timeout(60)
@CONCURRENCY
def test_a_repeated_row_id_stops_the_pull_before_the_duplicate(serve, concurrency):
    _server, session = serve(rows=with_a_repeated_row())
    frame, error = pull(session, concurrency)
    ids = assert_stopped_keeping_a_prefix(frame, error, fewest=100, most=150, reasons={"broken_paging"})
    assert ids.count("r0007") == 1
    assert "r0007" in what_was_said(frame, error)


@pytest.mark.timeout(60)
@CONCURRENCY
def test_has_next_page_as_a_string_is_an_error_naming_it(serve, concurrency):
    _server, session = serve(on_page_after(199, has_next_page_as_text))
    frame, error = pull(session, concurrency)
    assert_stopped_keeping_a_prefix(frame, error, fewest=200, most=300, reasons=STOPPED_BY_SERVER)
    assert "hasNextPage" in what_was_said(frame, error)


# -- item 13: a null or missing connection mid-pull --------------------------------------------------------
NULL_RUNS = {"data": {"runs": None}}
NO_CONNECTION = {
    "runs_null": NULL_RUNS,
    "data_null": {"data": None},
    "data_empty": {"data": {}},
}


@pytest.mark.timeout(60)
@CONCURRENCY
@pytest.mark.parametrize("answer", NO_CONNECTION.values(), ids=NO_CONNECTION.keys())
def test_a_missing_connection_mid_pull_is_incomplete_not_complete(serve, concurrency, answer):
    _server, session = serve(on_page_after(PAGE - 1, lambda request, honest: answer))
    frame, error = pull(session, concurrency)
    assert_stopped_keeping_a_prefix(frame, error, fewest=PAGE, most=PAGE, reasons=STOPPED_BY_SERVER)
    assert "runs" in what_was_said(frame, error)


@pytest.mark.timeout(60)
@CONCURRENCY
def test_strict_false_warns_and_returns_the_rows_received(serve, concurrency):
    _server, session = serve(on_page_after(PAGE - 1, lambda request, honest: NULL_RUNS))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = session.query(RUNS, page_size=PAGE, concurrency=concurrency, progress=False, strict=False)
    incomplete = [warning for warning in caught if warning.category.__name__ == "IncompleteResultWarning"]
    assert len(incomplete) == 1
    assert ids_in(frame) == ALL_IDS[:PAGE]
    assert frame.attrs["ion"]["complete"] is False
    assert frame.attrs["ion"]["resume"] == encode_offset(PAGE - 1)


# -- item 14: wrong JSON types --------------------------------------------------------------------------------
def _set_connection(value):
    def lie(request, answer):
        answer["data"]["runs"] = value

    return lie


def _set_edge(value):
    def lie(request, answer):
        edges_of(request, answer, "runs")[5] = value

    return lie


def _set_node(value):
    def lie(request, answer):
        edges_of(request, answer, "runs")[5]["node"] = value

    return lie


def _page_info_as_list(request, answer):
    alias = request.child_key("runs", "pageInfo")
    answer["data"]["runs"][alias] = [answer["data"]["runs"][alias]]


def _errors_as_dict(request, answer):
    answer["errors"] = {"message": "boom"}


def _data_as_list(request, answer):
    return {"data": [1]}


def _unhashable_id(request, answer):
    edges_of(request, answer, "runs")[5]["node"]["id"] = {"not": ["an", "id"]}


# (lie, a pattern the message must hold: the path in the response)
MALFORMED = {
    "connection_list": (_set_connection([1, 2]), r"runs"),
    "connection_string": (_set_connection("runs"), r"runs"),
    "edge_string": (_set_edge("edge"), r"edges"),
    "node_string": (_set_node("node"), r"node"),
    "page_info_list": (_page_info_as_list, r"(?i)page_?info"),
    "errors_dict": (_errors_as_dict, r"errors"),
    "data_list": (_data_as_list, r"data"),
    "unhashable_id": (_unhashable_id, r"\bid\b"),
}


@pytest.mark.timeout(60)
@CONCURRENCY
@pytest.mark.parametrize("case", MALFORMED, ids=MALFORMED.keys())
def test_a_malformed_page_is_one_ion_error_naming_the_path_keeping_earlier_rows(serve, concurrency, case):
    lie, path = MALFORMED[case]
    _server, session = serve(on_page_after(2 * PAGE - 1, lie))  # the third page
    frame, error = pull(session, concurrency)
    assert_stopped_keeping_a_prefix(
        frame, error, fewest=2 * PAGE, most=3 * PAGE, reasons=STOPPED_BY_SERVER | {"server_errors"}
    )
    assert re.search(path, what_was_said(frame, error)), what_was_said(frame, error)


@pytest.mark.timeout(60)
@CONCURRENCY
@pytest.mark.parametrize("case", ["connection_string", "edge_string", "data_list"])
def test_a_malformed_first_page_is_one_ion_error(serve, concurrency, case):
    lie, path = MALFORMED[case]
    _server, session = serve(on_page_after(-1, lie))
    frame, error = pull(session, concurrency)
    assert isinstance(error, IonError), f"a malformed first page must be an IonError, got {error!r}"
    assert re.search(path, str(error)), str(error)
    kept = [] if frame is None else ids_in(frame)
    assert kept == ALL_IDS[: len(kept)] and len(kept) <= 5  # at most the edges before the malformed one


# -- through the magic, in a real kernel ------------------------------------------------------------------------
# Each paging lie is a root field of its own; the cells alias it `runs`, so the lies above apply unchanged.
KERNEL_SCHEMA = build_schema(
    """
type Query {
  cursorLoop(first: Int, after: String): RunConnection
  lowTotal(first: Int, after: String): RunConnection
  stringHasNext(first: Int, after: String): RunConnection
  nullMidPull(first: Int, after: String): RunConnection
  repeatedRow(first: Int, after: String): RunConnection
}
"""
    + CONNECTION_TYPES
)


def kernel_cases() -> dict[str, tuple[Any, Any]]:
    """Root field -> (its value for graphql-core, the lie told on top of the honest answer or None)."""
    return {
        "cursorLoop": (looping_connection(ROWS, []), None),
        "lowTotal": (offset_connection(ROWS), total_count(250)),
        "stringHasNext": (offset_connection(ROWS), on_page_after(199, has_next_page_as_text)),
        "nullMidPull": (offset_connection(ROWS), on_page_after(PAGE - 1, lambda request, honest: NULL_RUNS)),
        "repeatedRow": (offset_connection(with_a_repeated_row()), None),
    }


@pytest.mark.kernel
@pytest.mark.timeout(300)
def test_paging_lies_through_the_magic_in_a_real_kernel(start_hostile, tmp_path):
    """The kernel is its own process: it logs in to the lying server over loopback as a user would, and runs
    one `%%ion` cell per lie with four pages in flight. What each cell printed and the frames it assigned
    say the same as the Python API does."""
    from ..kernels import execute, json_printed, notebook, text_of

    server, cases = start_hostile(KERNEL_SCHEMA), kernel_cases()

    def script(request: GraphQLRequest) -> Any:
        field = request.root_field("runs").name.value
        value, lie = cases[field]
        answer = server.honest(request, {field: value})
        replaced = lie(request, answer) if lie else None
        return answer if replaced is None else replaced

    server.script = script
    nb = notebook(
        "import os\n"
        f"os.environ['ION_MAGIC_CACHE_DIR'] = {str(tmp_path / 'schema-cache')!r}\n"
        f"os.environ['ION_CLIENT_SECRET'] = {CLIENT_SECRET!r}\n"
        "%load_ext ion_magic\n"
        f"%ion_login --api-url {server.url} --auth-url {server.url} --client-id {CLIENT_ID}",
        *(
            f"%%ion {field} --page-size {PAGE} --concurrency 4\n"
            f"{{ runs: {field} {{ edges {{ node {{ id title }} }} }} }}"
            for field in cases
        ),
        "import json\n"
        "found = {}\n"
        f"for name in {list(cases)!r}:\n"
        "    frame = globals()[name]\n"
        "    found[name] = {'ids': [str(i) for i in frame['id']], 'complete': frame.attrs['ion']['complete'],\n"
        "                   'stopped': frame.attrs['ion'].get('stopped', 'absent')}\n"
        "print(json.dumps(found))",
    )
    execute(nb, cwd=tmp_path, allow_errors=True, timeout=120)
    printed = {field: text_of(cell) for field, cell in zip(cases, nb.cells[1:-1], strict=True)}
    found = json_printed(nb.cells[-1])
    assert not [field for field, text in printed.items() if CLIENT_SECRET in text]

    def stopped_with_a_prefix(field: str, fewest: int, most: int, reasons: set[str]) -> None:
        ids = found[field]["ids"]
        assert ids == ALL_IDS[: len(ids)] and fewest <= len(ids) <= most, f"{field}: {len(ids)} rows"
        assert found[field]["complete"] is False
        assert found[field]["stopped"]["reason"] in reasons, found[field]["stopped"]

    stopped_with_a_prefix("cursorLoop", 200, 200, {"broken_paging"})
    assert "cursor-A" in printed["cursorLoop"], printed["cursorLoop"]  # the message names the repeated cursor
    assert found["lowTotal"]["ids"] == ALL_IDS and found["lowTotal"]["complete"] is True
    assert found["lowTotal"]["stopped"] is None
    stopped_with_a_prefix("stringHasNext", 200, 300, STOPPED_BY_SERVER)
    assert "hasNextPage" in printed["stringHasNext"], printed["stringHasNext"]
    stopped_with_a_prefix("nullMidPull", PAGE, PAGE, STOPPED_BY_SERVER)
    stopped_with_a_prefix("repeatedRow", 100, 150, {"broken_paging"})
    assert "r0007" in printed["repeatedRow"], printed["repeatedRow"]
