"""FrameBuilder against pandas.json_normalize + astype on 100,000 decoded ION-like edges.

Prints medians of 5 runs as `name: value` lines, the speed-up (goal >= 3) and the peak memory of a pull
(pages decoded one at a time, as the paging layer does) relative to the final frame's deep memory usage.
Run: .venv/bin/python benchmarks/frames.py
"""

import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable

import pandas as pd
from graphql import build_schema, parse

from ion_magic.frame_plan import FramePlan, plan_frame
from ion_magic.frames import FrameBuilder

NODES = 100_000
PAGE = 100
RUNS = 5

SCHEMA = build_schema(
    """
    scalar DateTime
    enum PartInventoryStatus { AVAILABLE UNAVAILABLE INSTALLED KITTED WIP ON_ORDER SCRAPPED }
    enum PartTrackingType { SERIAL LOT }
    type Location { id: ID! name: String }
    type Part { id: ID! partNumber: String revision: String trackingType: PartTrackingType }
    type PartInventory {
      id: ID! quantity: Float status: PartInventoryStatus createdAt: DateTime serialNumber: String
      installed: Boolean part: Part location: Location
    }
    type Query { partInventory(id: ID!): PartInventory }
    """
)
SELECTION = """
{ partInventory(id: 1) {
    id quantity status createdAt serialNumber installed
    part { id partNumber revision trackingType }
    location { id name }
} }
"""
STATUSES = ["AVAILABLE", "UNAVAILABLE", "INSTALLED", "KITTED", "WIP", "ON_ORDER", "SCRAPPED"]


def synthetic_pages(rng: random.Random) -> list[str]:
    """JSON text of NODES connection edges in pages of PAGE, as the server would send them."""
    edges = []
    for index in range(NODES):
        offset = rng.choice(["Z", "+00:00", "-07:00", "+05:30"])
        edges.append(
            {
                "node": {
                    "id": 100_000 + index,
                    "quantity": None if rng.random() < 0.05 else round(rng.uniform(0, 500), 3),
                    "status": rng.choice(STATUSES),
                    "createdAt": (
                        None
                        if rng.random() < 0.02
                        else f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}."
                        f"{rng.randint(0, 999_999):06d}{offset}"
                    ),
                    "serialNumber": None if rng.random() < 0.3 else f"SN-{rng.randint(0, 10**8):08d}",
                    "installed": None if rng.random() < 0.1 else rng.random() < 0.5,
                    "part": {
                        "id": rng.randint(1, 5000),
                        "partNumber": f"PN-{rng.randint(1, 5000):05d}",
                        "revision": rng.choice(["A", "B", "C", "D"]),
                        "trackingType": rng.choice(["SERIAL", "LOT", None]),
                    },
                    "location": (
                        None
                        if rng.random() < 0.2
                        else {"id": rng.randint(1, 300), "name": f"Bay {rng.randint(1, 300)}"}
                    ),
                }
            }
        )
    return [json.dumps(edges[start : start + PAGE]) for start in range(0, NODES, PAGE)]


def frame_plan() -> FramePlan:
    root = parse(SELECTION).definitions[0].selection_set.selections[0]
    return plan_frame(root.selection_set, SCHEMA.get_type("PartInventory"), {})


def with_builder(plan: FramePlan, pages: list[list[dict]]) -> pd.DataFrame:
    builder = FrameBuilder(plan)
    for page in pages:
        builder.add_nodes([edge["node"] for edge in page])
    return builder.finish()


def with_json_normalize(pages: list[list[dict]]) -> pd.DataFrame:
    frame = pd.json_normalize([edge["node"] for page in pages for edge in page])
    frame = frame.drop(columns=["location"], errors="ignore")  # json_normalize's column for null objects
    frame["createdAt"] = pd.to_datetime(frame["createdAt"], format="ISO8601", utc=True).dt.as_unit("ns")
    return frame.astype(
        {
            "id": "Int64",
            "quantity": "Float64",
            "status": pd.CategoricalDtype(STATUSES),
            "serialNumber": "string",
            "installed": "boolean",
            "part.id": "Int64",
            "part.partNumber": "string",
            "part.revision": "string",
            "part.trackingType": pd.CategoricalDtype(["SERIAL", "LOT"]),
            "location.id": "Int64",
            "location.name": "string",
        }
    )


def median_seconds(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pull_memory_ratio(plan: FramePlan, texts: list[str]) -> float:
    """Peak traced memory of decoding pages one by one into a builder, over the frame's deep memory."""
    tracemalloc.start()
    builder = FrameBuilder(plan)
    for text in texts:
        builder.add_nodes([edge["node"] for edge in json.loads(text)])
    frame = builder.finish()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / frame.memory_usage(deep=True).sum()


def main() -> None:
    texts = synthetic_pages(random.Random(20240601))
    pages = [json.loads(text) for text in texts]
    plan = frame_plan()
    built = with_builder(plan, pages)
    baseline = with_json_normalize(pages)
    pd.testing.assert_frame_equal(built, baseline[list(built.columns)])
    builder_seconds = median_seconds(lambda: with_builder(plan, pages))
    normalize_seconds = median_seconds(lambda: with_json_normalize(pages))
    print(f"frames_rows: {len(built)}")
    print(f"frames_columns: {len(built.columns)}")
    print(f"frames_builder_seconds: {builder_seconds:.4f}")
    print(f"frames_json_normalize_astype_seconds: {normalize_seconds:.4f}")
    print(f"frames_speedup_vs_json_normalize: {normalize_seconds / builder_seconds:.2f}")
    print(f"frames_peak_memory_ratio: {pull_memory_ratio(plan, texts):.2f}")


if __name__ == "__main__":
    main()
