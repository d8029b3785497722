"""Pull speed as the user meets it (issue 13): `%%ion` in a real kernel through nbclient, default settings.

For each data shape of benchmarks/shapes.py, a fresh python3 kernel (started by nbclient, widget state stored as
JupyterLab would) pulls every row in pages of 100 from the replay server (benchmarks/replay.py, its own
process). Each method is one cell, timed from the execute request to the cell's end as the client sees it:

- magic_defaults: `%%ion df` with the defaults (progress bar, `IonMagic.max_concurrency`);
- magic_concurrency_1: `%%ion df --concurrency 1` (progress bar on);
- magic_no_progress: `%%ion df` with `%config IonMagic.show_progress = False` (the progress bar's cost is the
  difference with magic_defaults);
- bare_httpx: an httpx loop over the same planned document: download + `json` decode, keep nothing;
- example_loop: the loop of First Resonance's example scripts: `requests.post` per page,
  `pandas.json_normalize` of the page's edges, `pandas.concat` at the end.

The methods are interleaved run by run after one untimed warm-up each; medians are printed, then the ratios.
Before each timed cell an untimed one drops the previous result, so no run pays for freeing the last one.
The progress probe times, in the same kernel, the kernel CPU of one progress update per page for 1,000 pages
over 2 seconds with the bar and without (the bar's own cost, free of the pull's noise). Each timed line also
gives the kernel's CPU seconds for the cell (all its threads; steadier than wall-clock
time on a loaded machine). Memory: in the fresh kernel, after a 10-row warm-up query, the peak RSS is reset
(/proc/self/clear_refs) and the first full pull with defaults is measured: peak RSS growth over the frame's
`memory_usage(deep=True)`.

Run (quick, fits a shared 2-core machine): .venv/bin/python benchmarks/kernel_pull.py --rows 10000 --runs 3
Final figures: .venv/bin/python benchmarks/kernel_pull.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from replay import TOKEN, ReplayServer
from shapes import SHAPES, Shape

METHODS = ("magic_defaults", "magic_concurrency_1", "magic_no_progress", "bare_httpx", "example_loop")
PROBE_PAGES, PROBE_SECONDS = 1000, 2.0  # the progress probe: a page every 2 ms, as a fast pull
GOALS = {
    "defaults_over_bare": "goal <= 1.1",
    "speedup_vs_example": "goal >= 2.5",
    "defaults_over_concurrency_1": "goal <= 1.03",
    "progress_cost_percent": "goal <= 2",
    "peak_rss_growth_over_frame": "goal <= 2",
}

# Defined in the kernel once per shape: the two baseline loops and the memory probes.
KERNEL_HELPERS = '''
import gc, json, time
from pathlib import Path
import httpx, pandas as pd, requests

_ion = get_ipython().magics_manager.registry["IonMagic"].session
_document = _ion.plan({query!r}).roots[0].document
_headers = {{"Authorization": "Bearer {token}", "Content-Type": "application/json"}}
_client = httpx.Client(timeout=60)


def bare_pull(page_size):
    """Download and json-decode every page of the document the magic sends; keep nothing."""
    after = None
    while True:
        body = json.dumps({{"query": _document, "variables": {{"ion_first": page_size, "ion_after": after}}}})
        info = _client.post(_ion.graphql_url, content=body, headers=_headers).json()["data"][{root!r}]["ion_page_info"]
        if not info["hasNextPage"]:
            return
        after = info["endCursor"]


def example_pull(page_size):
    """First Resonance's example loop: requests per page, json_normalize per page, concat."""
    frames, cursor, has_next_page = [], None, True
    while has_next_page:
        variables = {{"first": page_size}}
        if cursor:
            variables["after"] = cursor
        response = requests.post(_ion.graphql_url, headers=_headers,
                                 json={{"query": {paged_query!r}, "variables": variables}})
        result = response.json()
        if result.get("errors"):
            raise RuntimeError(result["errors"])
        connection = result["data"][{root!r}]
        frames.append(pd.json_normalize(connection["edges"]))
        has_next_page = connection["pageInfo"]["hasNextPage"]
        cursor = connection["pageInfo"]["endCursor"]
    return pd.concat(frames, ignore_index=True)


def progress_probe(pages, seconds):
    """Kernel CPU seconds of a pull's progress updates, one per page over `seconds`, with a bar and without."""
    from ion_magic.progress import PullProgress

    def run(bar):
        started = time.process_time()
        for page in range(1, pages + 1):
            time.sleep(seconds / pages)
            if bar is not None:
                bar.update(page * 100, pages * 100)
        if bar is not None:
            bar.close()
        return time.process_time() - started

    print(json.dumps({{"with_bar": run(PullProgress("probe")), "without": run(None)}}))


def status_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])


def reset_peak():
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True
'''


def method_cells(method: str, shape: Shape, page_size: int) -> tuple[str, str]:
    """The untimed setup cell and the timed cell of one method."""
    progress = "False" if method == "magic_no_progress" else "True"
    setup = f"df = None\ngc.collect()\n%config IonMagic.show_progress = {progress}\n_cpu = time.process_time()"
    if method == "magic_defaults" or method == "magic_no_progress":
        return setup, f"%%ion df\n{shape.query}"
    if method == "magic_concurrency_1":
        return setup, f"%%ion df --concurrency 1\n{shape.query}"
    if method == "bare_httpx":
        return setup, f"bare_pull({page_size})"
    return setup, f"df = example_pull({page_size})"


class Kernel:
    """A fresh python3 kernel driven by nbclient; cells are appended to one notebook as they run."""

    def __init__(self, cwd: Path) -> None:
        self.nb = nbformat.v4.new_notebook()
        self.client = NotebookClient(
            self.nb,
            kernel_name="python3",
            timeout=900,
            store_widget_state=True,
            resources={"metadata": {"path": str(cwd)}},
        )

    def __enter__(self) -> Kernel:
        self._context = self.client.setup_kernel()
        self._context.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._context.__exit__(*exc_info)

    def run(self, source: str) -> tuple[float, str]:
        """Seconds from the execute request to the cell's end, and the text the cell printed."""
        cell = nbformat.v4.new_code_cell(source)
        self.nb.cells.append(cell)
        started = time.perf_counter()
        self.client.execute_cell(cell, len(self.nb.cells) - 1)
        seconds = time.perf_counter() - started
        text = "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")
        errors = [f"{output.ename}: {output.evalue}" for output in cell.outputs if output.output_type == "error"]
        if errors:
            raise RuntimeError(f"cell failed: {source[:80]!r}: {errors}")
        return seconds, text


def measure_shape(server: ReplayServer, shape: Shape, rows: int, page_size: int, runs: int) -> dict[str, Any]:
    """Median seconds per method and the memory of the first full pull, in one fresh kernel."""
    api_url = server.api_url(rows, shape.name)
    with Kernel(Path.cwd()) as kernel:
        _, path = kernel.run("%load_ext ion_magic\nimport os, ion_magic\nprint(os.path.dirname(ion_magic.__file__))")
        kernel.run(
            f"%ion_login --api-url {api_url} --auth-url {server.auth_url} --client-id benchmark\n"
            f"%config IonMagic.page_size = {page_size}"
        )
        kernel.run(
            KERNEL_HELPERS.format(query=shape.query, paged_query=shape.paged_query, root=shape.root, token=TOKEN)
        )
        small = shape.query.replace(f"{shape.root} {{", f"{shape.root}(first: 10) {{")
        kernel.run(f"%%ion small\n{small}")
        _, text = kernel.run("gc.collect()\n_reset = reset_peak()\n_before = status_kib('VmRSS')")
        kernel.run(f"%%ion df\n{shape.query}")
        _, text = kernel.run(
            "print(json.dumps({'rows': len(df), 'reset': _reset,"
            " 'growth': (status_kib('VmHWM') - _before) * 1024, 'frame': int(df.memory_usage(deep=True).sum())}))"
        )
        memory = json.loads(text.strip().splitlines()[-1])
        probe = json.loads(kernel.run(f"progress_probe({PROBE_PAGES}, {PROBE_SECONDS})")[1].strip().splitlines()[-1])
        if memory["rows"] != rows:
            raise RuntimeError(f"{shape.name}: the magic pulled {memory['rows']} rows, not {rows}")
        for method in METHODS:  # warm-up, untimed
            for source in method_cells(method, shape, page_size):
                kernel.run(source)
        _, text = kernel.run("print(len(df))")
        if int(text) != rows:
            raise RuntimeError(f"{shape.name}: the example loop pulled {text.strip()} rows, not {rows}")
        measured: dict[str, list[float]] = {method: [] for method in METHODS}
        cpu: dict[str, list[float]] = {method: [] for method in METHODS}
        for _ in range(runs):
            for method in METHODS:
                setup, timed = method_cells(method, shape, page_size)
                kernel.run(setup)
                measured[method].append(kernel.run(timed)[0])
                cpu[method].append(float(kernel.run("print(time.process_time() - _cpu)")[1]))
    return {
        "seconds": {method: statistics.median(values) for method, values in measured.items()},
        "cpu": {method: statistics.median(values) for method, values in cpu.items()},
        "memory": memory,
        "ion_magic": path.strip(),
        "probe": probe,
    }


def ratios(seconds: dict[str, float], memory: dict[str, Any]) -> dict[str, float]:
    defaults, bare = seconds["magic_defaults"], seconds["bare_httpx"]
    return {
        "defaults_over_bare": defaults / bare,
        "concurrency_1_over_bare": seconds["magic_concurrency_1"] / bare,
        "no_progress_over_bare": seconds["magic_no_progress"] / bare,
        "speedup_vs_example": seconds["example_loop"] / defaults,
        "defaults_over_concurrency_1": defaults / seconds["magic_concurrency_1"],
        "progress_cost_percent": 100 * (defaults - seconds["magic_no_progress"]) / defaults,
        "peak_rss_growth_over_frame": memory["growth"] / memory["frame"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows per pull (default 100,000)")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per method (default 5)")
    parser.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=list(SHAPES))
    args = parser.parse_args()
    os.environ.setdefault("ION_MAGIC_CACHE_DIR", tempfile.mkdtemp(prefix="ion-magic-bench-"))
    os.environ["ION_CLIENT_SECRET"] = "benchmark-secret"
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"load_average_at_start: {os.getloadavg()[0]:.2f}")
    print(f"rows: {args.rows}  page_size: {args.page_size}  runs: {args.runs}")
    table = []
    with ReplayServer(args.rows, [(args.rows, args.page_size)], shapes=tuple(args.shapes)) as server:
        for name in args.shapes:
            found = measure_shape(server, SHAPES[name], args.rows, args.page_size, args.runs)
            seconds, memory = found["seconds"], found["memory"]
            print(f"{name}_ion_magic_from: {found['ion_magic']}")
            for method in METHODS:
                print(f"{name}_{method}_seconds: {seconds[method]:.3f}  kernel_cpu: {found['cpu'][method]:.3f}")
            for ratio, value in ratios(seconds, memory).items():
                goal = f"  ({GOALS[ratio]})" if ratio in GOALS else ""
                print(f"{name}_{ratio}: {value:.2f}{goal}")
            probe = found["probe"]
            print(
                f"{name}_progress_probe_cpu_percent_of_pull: "
                f"{100 * (probe['with_bar'] - probe['without']) / PROBE_SECONDS:.2f}  (goal <= 2)"
            )
            cpu = found["cpu"]
            print(f"{name}_defaults_over_bare_kernel_cpu: {cpu['magic_defaults'] / cpu['bare_httpx']:.2f}")
            print(
                f"{name}_progress_cost_percent_kernel_cpu: "
                f"{100 * (cpu['magic_defaults'] - cpu['magic_no_progress']) / cpu['magic_defaults']:.1f}"
            )
            print(
                f"{name}_peak_rss_growth_mb: {memory['growth'] / 2**20:.1f}  frame_mb: {memory['frame'] / 2**20:.1f}"
                + ("" if memory["reset"] else "  (clear_refs refused: growth from the earlier peak)")
            )
            table.append(
                (name, seconds, {**ratios(seconds, memory), "cpu_ratio": cpu["magic_defaults"] / cpu["bare_httpx"]})
            )
    print(f"load_average_at_end: {os.getloadavg()[0]:.2f}")
    print(
        "\n| shape | defaults s | concurrency 1 s | no progress s | bare httpx s | example loop s | defaults / bare"
        " | same, kernel CPU | example / defaults | progress % | peak RSS / frame |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, seconds, found in table:
        print(
            f"| {name} | "
            + " | ".join(f"{seconds[method]:.3f}" for method in METHODS)
            + f" | {found['defaults_over_bare']:.2f} | {found['cpu_ratio']:.2f} | {found['speedup_vs_example']:.2f}"
            f" | {found['progress_cost_percent']:.1f} | {found['peak_rss_growth_over_frame']:.2f} |"
        )


if __name__ == "__main__":
    main()
