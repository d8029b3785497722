"""Parallel paging: a 20,000-row pull in pages of 100 from the sandbox with 100 ms of added latency per
request, sequential against 2, 4 and 8 pages in flight. Goal: at least 3x faster at concurrency 4.

    .venv/bin/python benchmarks/parallel.py [--rows 20000] [--latency-ms 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

from ion_magic.sandbox import Faults, start_sandbox
from ion_magic.sandbox.seed import INVENTORIES_PER_SCALE
from ion_magic.session import IonSession

PULL = "{ partInventories { edges { node { id status quantity serialNumber part { partNumber } } } } }"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with start_sandbox(scale=max(1, -(-args.rows // INVENTORIES_PER_SCALE))) as sandbox:
        session = IonSession("custom", sandbox.api_url, sandbox.auth_url, sandbox.client_id, sandbox.client_secret)
        session.login()
        reference = session.query(PULL, max_rows=args.rows, concurrency=1, progress=False)
        sandbox.faults = Faults(latency_ms=args.latency_ms, graphql_only=True)
        print(f"rows: {len(reference)}")
        print(f"latency_ms_per_request: {args.latency_ms:g}")
        seconds: dict[int, float] = {}
        for concurrency in (1, 2, 4, 8):
            runs = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                frame = session.query(PULL, max_rows=args.rows, concurrency=concurrency, progress=False)
                runs.append(time.perf_counter() - started)
                pd.testing.assert_frame_equal(frame, reference)
            seconds[concurrency] = statistics.median(runs)
            print(f"pull_seconds_concurrency_{concurrency}: {seconds[concurrency]:.2f}")
        for concurrency in (2, 4, 8):
            print(f"speedup_concurrency_{concurrency}: {seconds[1] / seconds[concurrency]:.2f}")


if __name__ == "__main__":
    main()
