"""End to end: a 100,000-row pull in pages of 100 through the Python API, against two baselines.

The pages come from the replay server (benchmarks/replay.py) in its own process, so server cost is excluded.
Timed in one process, the three pulls interleaved, median of several runs:

- ion: `IonSession.query(..., page_size=100, progress=False, concurrency=1)`, the typed DataFrame;
- httpx_decode: a bare httpx loop that downloads the same pages and JSON-decodes them, nothing else (the goal's
  baseline); httpx_decode_keep is the same loop keeping the decoded edges in a list (shown for reference: the
  cyclic garbage collector's passes over the kept dicts make it slower as the pull grows);
- requests_json_normalize: the loop of First Resonance's example scripts: `requests.post` per page,
  `pandas.json_normalize` of the page's edges, `pandas.concat` at the end.

Memory: peak RSS growth during the pull, each measured in a fresh subprocess (the peak is reset
through /proc/self/clear_refs after the imports, the login and a 10-row warm-up query), over the final frame's
`memory_usage(deep=True).sum()`.

Run: .venv/bin/python benchmarks/e2e.py [--quick] [--rows N] [--page-size N] [--runs N]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import requests
from replay import QUERY, ROOT, SELECTION, TOKEN, ReplayServer

# What First Resonance's scripts write: their own first/after variables and pageInfo.
EXAMPLE_SCRIPT_QUERY = (
    "query Inventory($first: Int, $after: String) {\n  partInventories(first: $first, after: $after) {\n"
    "    edges {\n      node {" + SELECTION + "      }\n    }\n    pageInfo { endCursor hasNextPage }\n  }\n}\n"
)
METHODS = ("ion", "httpx_decode", "httpx_decode_keep", "requests_json_normalize")


def login(api_url: str, auth_url: str) -> Any:
    """A logged-in IonSession (the schema from the on-disk cache after the first login)."""
    from ion_magic.session import IonSession

    session = IonSession("custom", api_url, auth_url, "benchmark", "benchmark-secret")
    session.login()
    return session


def pull_ion(session: Any, page_size: int) -> pd.DataFrame:
    return session.query(QUERY, page_size=page_size, progress=False, concurrency=1)


def pull_httpx_decode(
    client: httpx.Client, graphql_url: str, document: str, page_size: int, keep: bool = False
) -> list[Any]:
    """Download and JSON-decode every page of the planned document and nothing else: the decoded pages are
    dropped (`keep` keeps their edges, for checking and for the memory comparison)."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    edges: list[Any] = []
    after = None
    while True:
        body = json.dumps({"query": document, "variables": {"ion_first": page_size, "ion_after": after}})
        connection = client.post(graphql_url, content=body, headers=headers).json()["data"][ROOT]
        if keep:
            edges += connection["edges"]
        info = connection["ion_page_info"]
        if not info["hasNextPage"]:
            return edges
        after = info["endCursor"]


def pull_requests_json_normalize(graphql_url: str, page_size: int) -> pd.DataFrame:
    """The paging loop of First Resonance's ion-examples scripts, with json_normalize per page and a concat."""
    headers = {"Authorization": TOKEN, "Content-Type": "application/json"}
    frames = []
    cursor, has_next_page = None, True
    while has_next_page:
        variables: dict[str, Any] = {"first": page_size}
        if cursor:
            variables["after"] = cursor
        response = requests.post(
            graphql_url, headers=headers, json={"query": EXAMPLE_SCRIPT_QUERY, "variables": variables}
        )
        value = response.json()
        if value.get("errors"):
            raise RuntimeError(f"---AN ERROR OCCURRED IN THE API REQUEST---\n{value}")
        connection = value["data"][ROOT]
        frames.append(pd.json_normalize(connection["edges"]))
        page_info = connection.get("pageInfo", {})
        has_next_page = page_info.get("hasNextPage", False)
        cursor = page_info.get("endCursor")
    return pd.concat(frames, ignore_index=True)


def planned_document(session: Any) -> str:
    """The document the session sends for QUERY, so the httpx loop asks for exactly the same pages."""
    return session.plan(QUERY).roots[0].document


def timed(run: Callable[[], Any]) -> tuple[float, float]:
    """Wall-clock and this process's CPU seconds of one call (the CPU time leaves out waiting for the server
    and is less disturbed by other load on the machine)."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    del result
    return wall, cpu


def check_same_rows(frame: pd.DataFrame, edges: list[Any], example: pd.DataFrame, rows: int) -> None:
    """The three pulls hold the same records (a benchmark of a wrong result measures nothing)."""
    assert len(frame) == len(edges) == len(example) == rows, (len(frame), len(edges), len(example), rows)
    assert frame["id"].tolist() == [edge["node"]["id"] for edge in edges] == example["node.id"].tolist()
    assert frame["part.partNumber"].tolist() == example["node.part.partNumber"].tolist()


def time_pulls(server: ReplayServer, rows: int, page_size: int, runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each method, interleaved run by run, after an untimed warm-up of each."""
    api_url = server.api_url(rows)
    session = login(api_url, server.auth_url)
    graphql_url = session.graphql_url
    document = planned_document(session)
    pulls: dict[str, Callable[[], Any]] = {}
    with httpx.Client(timeout=60) as client:
        pulls["ion"] = lambda: pull_ion(session, page_size)
        pulls["httpx_decode"] = lambda: pull_httpx_decode(client, graphql_url, document, page_size)
        pulls["httpx_decode_keep"] = lambda: pull_httpx_decode(client, graphql_url, document, page_size, keep=True)
        pulls["requests_json_normalize"] = lambda: pull_requests_json_normalize(graphql_url, page_size)
        check_same_rows(pulls["ion"](), pulls["httpx_decode_keep"](), pulls["requests_json_normalize"](), rows)
        pulls["httpx_decode"]()
        measured: dict[str, list[tuple[float, float]]] = {name: [] for name in pulls}
        for _ in range(runs):
            for name, pull in pulls.items():
                measured[name].append(timed(pull))
    session.close()
    return {
        name: (statistics.median(wall for wall, _ in values), statistics.median(cpu for _, cpu in values))
        for name, values in measured.items()
    }


# -- memory, one fresh subprocess per measurement -----------------------------------------------------------
def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak() -> bool:
    """Set VmHWM to the current RSS (Linux >= 4.0); False when the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def child_measure(method: str, api_url: str, auth_url: str, page_size: int) -> dict[str, Any]:
    """Run one pull in this (fresh) process; its seconds, peak RSS growth and result size."""
    session = login(api_url, auth_url)
    session.query(QUERY.replace("partInventories {", "partInventories(first: 10) {"), progress=False)
    client = httpx.Client(timeout=60)
    document = planned_document(session)
    pull: Callable[[], Any] = {
        "ion": lambda: pull_ion(session, page_size),
        "httpx_decode": lambda: pull_httpx_decode(client, session.graphql_url, document, page_size),
        "httpx_decode_keep": lambda: pull_httpx_decode(client, session.graphql_url, document, page_size, keep=True),
        "requests_json_normalize": lambda: pull_requests_json_normalize(session.graphql_url, page_size),
    }[method]
    gc.collect()
    reset = _reset_peak()
    before = _status_kib("VmRSS") if reset else _status_kib("VmHWM")
    started, cpu_started = time.perf_counter(), time.process_time()
    result = pull()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak = _status_kib("VmHWM")
    frame_bytes = int(result.memory_usage(deep=True).sum()) if isinstance(result, pd.DataFrame) else None
    return {
        "method": method,
        "rows": len(result),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_growth_bytes": (peak - before) * 1024,
        "frame_bytes": frame_bytes,
        "peak_reset": reset,
    }


def measure_in_subprocess(method: str, api_url: str, auth_url: str, page_size: int) -> dict[str, Any]:
    """`child_measure` in a fresh interpreter (the schema cache directory is inherited)."""
    command = [
        sys.executable,
        __file__,
        "--child",
        method,
        "--api-url",
        api_url,
        "--auth-url",
        auth_url,
        "--page-size",
        str(page_size),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def medians(measured: list[dict[str, Any]]) -> dict[str, Any]:
    """The median seconds, CPU seconds and peak RSS growth of several `child_measure` results."""
    return {
        "rows": measured[0]["rows"],
        "seconds": statistics.median(m["seconds"] for m in measured),
        "cpu_seconds": statistics.median(m["cpu_seconds"] for m in measured),
        "peak_growth_bytes": statistics.median(m["peak_growth_bytes"] for m in measured),
        "frame_bytes": measured[0]["frame_bytes"],
        "peak_reset": all(m["peak_reset"] for m in measured),
    }


def median_measure(method: str, api_url: str, auth_url: str, page_size: int, runs: int) -> dict[str, Any]:
    """Medians over `runs` fresh subprocesses."""
    return medians([measure_in_subprocess(method, api_url, auth_url, page_size) for _ in range(runs)])


def use_private_schema_cache() -> None:
    os.environ.setdefault("ION_MAGIC_CACHE_DIR", tempfile.mkdtemp(prefix="ion-magic-bench-"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 rows, 3 runs")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--auth-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_measure(args.child, args.api_url, args.auth_url, args.page_size)))
        return
    rows = args.rows or (20_000 if args.quick else 100_000)
    runs = args.runs or (3 if args.quick else 7)
    use_private_schema_cache()
    load_at_start = os.getloadavg()[0]
    with ReplayServer(rows, [(rows, args.page_size)]) as server:
        seconds = time_pulls(server, rows, args.page_size, runs)
        memory = median_measure("ion", server.api_url(rows), server.auth_url, args.page_size, 3 if args.quick else 5)
        baseline_memory = {
            name: median_measure(name, server.api_url(rows), server.auth_url, args.page_size, 3)
            for name in ("httpx_decode_keep", "requests_json_normalize")
        }
    print(f"e2e_load_average_at_start: {load_at_start:.2f}")
    print(f"e2e_load_average_at_end: {os.getloadavg()[0]:.2f}")
    print(f"e2e_rows: {rows}")
    print(f"e2e_page_size: {args.page_size}")
    print(f"e2e_runs: {runs}")
    for name in METHODS:
        print(f"e2e_{name}_seconds: {seconds[name][0]:.3f}")
    for name in METHODS:
        print(f"e2e_{name}_cpu_seconds: {seconds[name][1]:.3f}")
    ion, bare, example = seconds["ion"], seconds["httpx_decode"], seconds["requests_json_normalize"]
    print(f"e2e_ion_over_httpx_decode_ratio: {ion[0] / bare[0]:.2f}  (goal <= 1.3)")
    print(f"e2e_ion_over_httpx_decode_cpu_ratio: {ion[1] / bare[1]:.2f}")
    print(f"e2e_speedup_vs_requests_json_normalize: {example[0] / ion[0]:.2f}  (goal >= 2)")
    print(f"e2e_ion_us_per_row: {ion[0] / rows * 1e6:.2f}")
    print(f"e2e_ion_extra_us_per_row_over_httpx_decode: {(ion[0] - bare[0]) / rows * 1e6:.2f}")
    print(f"memory_peak_rss_growth_mb: {memory['peak_growth_bytes'] / 2**20:.1f}")
    print(f"memory_frame_deep_mb: {memory['frame_bytes'] / 2**20:.1f}")
    print(f"memory_growth_over_frame_ratio: {memory['peak_growth_bytes'] / memory['frame_bytes']:.2f}  (goal <= 2.5)")
    for name, measured in baseline_memory.items():
        print(f"memory_{name}_peak_rss_growth_mb: {measured['peak_growth_bytes'] / 2**20:.1f}")
    if not memory["peak_reset"]:
        print("memory_note: /proc/self/clear_refs refused; growth is measured from the peak before the pull")


if __name__ == "__main__":
    main()
