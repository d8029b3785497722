"""How cost grows: the end-to-end pull at 10,000, 100,000 and 1,000,000 rows.

The first series is 10,000 and 100,000 rows in pages of 100 and 1,000,000 in pages of 1,000; a second series
uses pages of 1,000 at every size, so that the page size does not blur the comparison. Each figure is the
median of fresh subprocesses (benchmarks/e2e.py's child), taken in rounds over all the pulls: wall and CPU
seconds of `IonSession.query`, peak RSS growth during it, and the frame's deep memory; the bare httpx
download-and-decode loop is measured the same way. Linear growth shows as a flat `us_per_row` and
`peak_bytes_per_row` down each series. The CPU figures are the client process's own and are much less
disturbed by other load on the machine than the wall-clock ones. Peak growth includes one decoded page in
flight (a constant), which shows at the smallest sizes.

Run: .venv/bin/python benchmarks/scaling.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import os

from e2e import measure_in_subprocess, medians, use_private_schema_cache
from replay import ReplayServer


def interleaved(server: ReplayServer, pulls: list[tuple[int, int]], runs: int) -> dict[tuple[int, int], tuple]:
    """For each (rows, page size): the medians of our pull and of the bare loop, measured in rounds that take
    every pull once, so that a change in the machine's load spreads over all sizes alike."""
    found: dict[tuple[int, int], tuple[list, list]] = {pull: ([], []) for pull in pulls}
    for _ in range(runs):
        for rows, page_size in pulls:
            api_url = server.api_url(rows)
            found[(rows, page_size)][0].append(measure_in_subprocess("ion", api_url, server.auth_url, page_size))
            found[(rows, page_size)][1].append(
                measure_in_subprocess("httpx_decode", api_url, server.auth_url, page_size)
            )
    return {pull: (medians(ion), medians(bare)) for pull, (ion, bare) in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 / 50,000 / 200,000 rows, 2 runs")
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    sizes = (5_000, 50_000, 200_000) if args.quick else (10_000, 100_000, 1_000_000)
    runs = args.runs or (2 if args.quick else 3)
    series = [(sizes[0], 100), (sizes[1], 100), (sizes[2], 1000)] + [(rows, 1000) for rows in sizes]
    use_private_schema_cache()
    print(f"scaling_runs: {runs}")
    print(f"scaling_load_average_at_start: {os.getloadavg()[0]:.2f}")
    with ReplayServer(max(sizes), sorted(set(series))) as server:
        measured = interleaved(server, list(dict.fromkeys(series)), runs)
    for (rows, page_size), (ion, bare) in measured.items():
        assert ion["rows"] == rows, ion
        label = f"scaling_{rows}_rows_pages_of_{page_size}"
        print(f"{label}_seconds: {ion['seconds']:.3f}")
        print(f"{label}_us_per_row: {ion['seconds'] / rows * 1e6:.2f}")
        print(f"{label}_cpu_us_per_row: {ion['cpu_seconds'] / rows * 1e6:.2f}")
        print(f"{label}_httpx_decode_us_per_row: {bare['seconds'] / rows * 1e6:.2f}")
        print(f"{label}_httpx_decode_cpu_us_per_row: {bare['cpu_seconds'] / rows * 1e6:.2f}")
        print(f"{label}_ratio_to_httpx_decode: {ion['seconds'] / bare['seconds']:.2f}")
        print(f"{label}_cpu_ratio_to_httpx_decode: {ion['cpu_seconds'] / bare['cpu_seconds']:.2f}")
        print(f"{label}_peak_rss_growth_mb: {ion['peak_growth_bytes'] / 2**20:.1f}")
        print(f"{label}_peak_bytes_per_row: {ion['peak_growth_bytes'] / rows:.0f}")
        print(f"{label}_frame_bytes_per_row: {ion['frame_bytes'] / rows:.0f}")
        print(f"{label}_growth_over_frame_ratio: {ion['peak_growth_bytes'] / ion['frame_bytes']:.2f}")
    print(f"scaling_load_average_at_end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
