"""Start-up: `%load_ext ion_magic` beyond importing IPython and pandas. Goal: at most 150 ms.

Each measurement is a fresh interpreter that imports IPython and pandas, makes `InteractiveShell.instance()`,
then times `%load_ext ion_magic`. To locate the cost, one more interpreter runs with `-X importtime` and lists
the packages that `%load_ext` imports (slowest first; importtime inflates them), and for the slowest few the
load is timed again with that package imported before the clock starts: the difference is what importing it
lazily (on first use) would save.

Run: .venv/bin/python benchmarks/startup.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = """
import json, sys, time
started = time.perf_counter()
import IPython, pandas
{preimport}
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
ready = time.perf_counter()
print("--- load_ext ---", file=sys.stderr, flush=True)
shell.run_line_magic("load_ext", "ion_magic")
loaded = time.perf_counter()
assert "ion" in shell.magics_manager.magics["cell"], "%%ion was not registered"
print(json.dumps({"base_s": ready - started, "load_ext_s": loaded - ready}))
"""


def measure(importtime: bool = False, preimport: str = "") -> tuple[dict[str, float], str]:
    """One fresh interpreter; `preimport` is imported before the clock starts (what a lazy import would save)."""
    child = CHILD.replace("{preimport}", f"import {preimport}" if preimport else "")
    command = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", child]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def packages_imported(stderr: str) -> list[tuple[str, float]]:
    """The packages other than ion_magic that %load_ext imports, each with its cumulative import time (ms),
    none counted inside another, slowest first (from -X importtime's post-order tree)."""
    pending: list[tuple[int, str, float, list]] = []
    for line in stderr.split("--- load_ext ---", 1)[1].splitlines():
        if not line.startswith("import time:") or "|" not in line or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        children = []
        while pending and pending[-1][0] > depth:
            children.insert(0, pending.pop())
        pending.append((depth, name.strip(), int(cumulative) / 1000, children))
    found: list[tuple[str, float]] = []

    def walk(nodes: list) -> None:
        for _, name, milliseconds, children in nodes:
            if "." not in name and name != "ion_magic":
                found.append((name, milliseconds))
            else:
                walk(children)

    walk(pending)
    return sorted(found, key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 interpreters")
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    runs = args.runs or (5 if args.quick else 15)
    measured = [measure()[0] for _ in range(runs)]
    load_ext = statistics.median(m["load_ext_s"] for m in measured) * 1000
    print(f"startup_load_average: {os.getloadavg()[0]:.2f}")
    print(f"startup_runs: {runs}")
    print(f"startup_import_ipython_pandas_shell_ms: {statistics.median(m['base_s'] for m in measured) * 1000:.1f}")
    print(f"startup_load_ext_ms: {load_ext:.1f}  (goal <= 150)")
    packages = [(name, ms) for name, ms in packages_imported(measure(importtime=True)[1]) if ms >= 1][:6]
    for name, milliseconds in packages:
        print(f"startup_importtime_{name}_ms: {milliseconds:.1f}")
    for name, _ in packages[:4]:
        saved = [measure(preimport=name)[0]["load_ext_s"] for _ in range(max(3, runs // 3))]
        print(f"startup_load_ext_ms_with_{name}_already_imported: {statistics.median(saved) * 1000:.1f}")


if __name__ == "__main__":
    main()
