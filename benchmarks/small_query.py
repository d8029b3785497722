"""Small queries: one page of 10 rows through the Python API, the schema cached, against one bare httpx POST of
the same query. Goal: at most 3 ms more, median of 50.

Both send the query over a warm keep-alive connection to the replay server (benchmarks/replay.py, its own
process); the bare POST JSON-decodes the answer and does nothing else. Interleaved call by call. The goal's
figure repeats one query text, as re-running a cell does; the fresh-text figure changes a comment in the text on
every call, so that no cache keyed by the text could help (a cell run for the first time). The plan and frame
lines split our extra time: parse + validate + plan, and building the 10-row frame from decoded nodes.

Run: .venv/bin/python benchmarks/small_query.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
from e2e import login, use_private_schema_cache
from replay import QUERY, ROOT, TOKEN, ReplayServer

from ion_magic.frame_plan import plan_frame
from ion_magic.frames import build_frame

SMALL_QUERY = QUERY.replace("partInventories {", "partInventories(first: 10) {")


def milliseconds(run: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def cpu_milliseconds(run: Callable[[], Any]) -> float:
    """This process's CPU time for one call (steadier than wall time when the machine is busy)."""
    started = time.process_time()
    run()
    return (time.process_time() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 calls of each")
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    runs = args.runs or (20 if args.quick else 50)
    use_private_schema_cache()
    with ReplayServer(1000, [(1000, 10)]) as server:
        login(server.api_url(1000), server.auth_url).close()  # introspects and caches the schema
        session = login(server.api_url(1000), server.auth_url)  # loads it from the cache
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        body = json.dumps({"query": SMALL_QUERY, "variables": {}})
        with httpx.Client(timeout=60) as client:

            def ion() -> Any:
                return session.query(SMALL_QUERY, progress=False)

            fresh_texts = (f"{SMALL_QUERY}# call {number}\n" for number in itertools.count())

            def ion_fresh_text() -> Any:
                return session.query(next(fresh_texts), progress=False)

            def bare() -> Any:
                return client.post(session.graphql_url, content=body, headers=headers).json()

            frame, decoded = ion(), bare()
            assert len(frame) == len(decoded["data"][ROOT]["edges"]) == 10
            for _ in range(10):  # warm-up
                ion(), bare()
            ion_ms: list[float] = []
            fresh_ms: list[float] = []
            bare_ms: list[float] = []
            ion_cpu_ms: list[float] = []
            bare_cpu_ms: list[float] = []
            for _ in range(runs):
                ion_ms += milliseconds(ion, 1)
                fresh_ms += milliseconds(ion_fresh_text, 1)
                bare_ms += milliseconds(bare, 1)
                ion_cpu_ms.append(cpu_milliseconds(ion))
                bare_cpu_ms.append(cpu_milliseconds(bare))
        plan = session.plan(SMALL_QUERY)
        root = plan.roots[0]
        nodes = [edge["node"] for edge in decoded["data"][ROOT]["edges"]]
        frame_plan = plan_frame(root.selection, root.node_type, plan.cell.fragments)
        plan_ms = statistics.median(milliseconds(lambda: session.plan(SMALL_QUERY), runs))
        frame_ms = statistics.median(milliseconds(lambda: build_frame(nodes, frame_plan), runs))
        session.close()
    ion_median, bare_median = statistics.median(ion_ms), statistics.median(bare_ms)
    print(f"small_query_load_average: {os.getloadavg()[0]:.2f}")
    print(f"small_query_runs: {runs}")
    print(f"small_query_ion_ms: {ion_median:.2f}")
    print(f"small_query_httpx_post_ms: {bare_median:.2f}")
    print(f"small_query_extra_ms: {ion_median - bare_median:.2f}  (goal <= 3)")
    print(f"small_query_fresh_text_extra_ms: {statistics.median(fresh_ms) - bare_median:.2f}")
    print(f"small_query_extra_cpu_ms: {statistics.median(ion_cpu_ms) - statistics.median(bare_cpu_ms):.2f}")
    print(f"small_query_plan_ms: {plan_ms:.2f}")
    print(f"small_query_frame_ms: {frame_ms:.2f}")


if __name__ == "__main__":
    main()
