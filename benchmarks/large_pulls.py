"""Pulls larger than memory and pulls not repeated, measured against the replay server (its own process).

Prints, from one run:
- a pull of ROWS rows into memory and the same pull streamed to a Parquet dataset (`out=`): seconds and the
  peak RSS growth of the pulling process (each pull in a fresh interpreter), and their ratios;
- a cached re-run of a CACHED-row cell: its seconds against the pull that filled the cache, and the HTTP
  requests it sent;
- the frame memory of `dtype_backend="pyarrow"` against the default, on the inventory shape (string-heavy).

    .venv/bin/python benchmarks/large_pulls.py                  # 1,000,000 rows (a few minutes)
    .venv/bin/python benchmarks/large_pulls.py --rows 200000    # quicker
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from replay import ReplayServer

QUERY = """{ partInventories { edges { node {
  id quantity status serialNumber lotNumber cost installed createdAt
  part { partNumber revision trackingType } location { name }
} } } }"""
PAGE_SIZE = 500


def login(api_url: str, auth_url: str) -> Any:
    import ion_magic

    return ion_magic.connect(api_url=api_url, auth_url=auth_url, client_id="bench", client_secret="bench")


def _kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def child(mode: str, api_url: str, auth_url: str, out: str) -> dict[str, Any]:
    """One pull in this fresh process: seconds and peak RSS growth."""
    session = login(api_url, auth_url)
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _kib("VmRSS")
    started = time.perf_counter()
    result = session.query(
        QUERY, page_size=PAGE_SIZE, progress=False, **({} if mode == "memory" else {"out": out, "overwrite": True})
    )
    seconds = time.perf_counter() - started
    peak_growth_mb = (_kib("VmHWM") - before) / 1024
    if mode == "memory":
        rows = len(result)
    else:
        import pyarrow.parquet as pq

        rows = pq.ParquetDataset(out).read(columns=["id"]).num_rows
    return {"rows": rows, "seconds": seconds, "peak_growth_mb": peak_growth_mb}


def in_child(mode: str, server: ReplayServer, rows: int, out: str) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--api-url",
        server.api_url(rows),
        "--auth-url",
        server.auth_url,
        "--out",
        out,
    ]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()[-1])


def cached_rerun(server: ReplayServer, rows: int) -> tuple[float, list[float], int]:
    """Seconds of the pull that fills the cache, seconds of three re-runs (the first also loads the Parquet
    reader), and the requests the re-runs sent."""
    session = login(server.api_url(rows), server.auth_url)
    sent: list[str] = []
    session.transport._client.event_hooks["request"].append(lambda request: sent.append(str(request.url)))
    started = time.perf_counter()
    session.query(QUERY, page_size=PAGE_SIZE, progress=False, cache="1h", refresh=True)
    pulled = time.perf_counter() - started
    before = len(sent)
    reruns = []
    for _ in range(3):
        started = time.perf_counter()
        session.query(QUERY, page_size=PAGE_SIZE, progress=False, cache="1h")
        reruns.append(time.perf_counter() - started)
    return pulled, reruns, len(sent) - before


def backend_memory(server: ReplayServer, rows: int) -> tuple[int, int]:
    session = login(server.api_url(rows), server.auth_url)
    default = session.query(QUERY, page_size=PAGE_SIZE, progress=False)
    arrow = session.query(QUERY, page_size=PAGE_SIZE, progress=False, dtype_backend="pyarrow")
    return int(default.memory_usage(deep=True).sum()), int(arrow.memory_usage(deep=True).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cached-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--api-url")
    parser.add_argument("--auth-url")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.api_url, args.auth_url, args.out)))
        return
    with tempfile.TemporaryDirectory(prefix="ion-large-") as scratch:
        import os

        os.environ["ION_MAGIC_CACHE_DIR"] = str(Path(scratch) / "cache")
        largest = max(args.rows, args.cached_rows)
        with ReplayServer(max_rows=largest, pages=[(largest, PAGE_SIZE)], default_first=PAGE_SIZE) as server:
            out = str(Path(scratch) / "dataset") + "/"
            memory, streamed = [], []
            for _ in range(args.runs):  # interleaved, so drift hits both alike
                memory.append(in_child("memory", server, args.rows, out))
                streamed.append(in_child("out", server, args.rows, out))
            assert {m["rows"] for m in memory + streamed} == {args.rows}
            pulled, rerun, requests = cached_rerun(server, args.cached_rows)
            default_bytes, arrow_bytes = backend_memory(server, args.cached_rows)

    def median(runs: list[dict[str, Any]], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    print(f"rows: {args.rows}")
    print(f"memory_pull_seconds: {median(memory, 'seconds'):.2f}")
    print(f"out_dataset_seconds: {median(streamed, 'seconds'):.2f}")
    print(f"out_to_memory_time_ratio: {median(streamed, 'seconds') / median(memory, 'seconds'):.2f}  (goal <= 1.10)")
    print(f"memory_pull_peak_rss_growth_mb: {median(memory, 'peak_growth_mb'):.0f}")
    print(f"out_dataset_peak_rss_growth_mb: {median(streamed, 'peak_growth_mb'):.0f}  (goal <= 150)")
    print(f"cached_rows: {args.cached_rows}")
    print(f"cache_fill_pull_seconds: {pulled:.2f}")
    print(f"cached_first_rerun_seconds: {rerun[0]:.3f}  (loads the Parquet reader too)")
    print(f"cached_first_rerun_to_pull_ratio: {rerun[0] / pulled:.3f}  (goal <= 0.05)")
    print(f"cached_rerun_median_seconds: {statistics.median(rerun):.3f}")
    print(f"cached_rerun_median_to_pull_ratio: {statistics.median(rerun) / pulled:.3f}  (goal <= 0.05)")
    print(f"cached_rerun_requests: {requests}  (goal 0)")
    print(
        f"pyarrow_to_default_frame_memory_ratio: {arrow_bytes / default_bytes:.2f}  (goal <= 0.60; "
        f"{default_bytes / 1e6:.0f} MB -> {arrow_bytes / 1e6:.0f} MB)"
    )


if __name__ == "__main__":
    main()
