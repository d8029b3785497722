"""The frame builder on every shape of benchmarks/shapes.py, in process: where the client's time goes.

For each shape, the pages of 100 edges are serialised as the server sends them; each run decodes them one at a
time with the transport's decoder and feeds the nodes to a `FrameBuilder`, then builds the frame. Printed
per shape (medians of interleaved runs): decode seconds, builder seconds (add_nodes + finish), the builder's
microseconds per row and its share of decode + build. `--profile SHAPE` prints the cProfile of the builder
on that shape instead (the top functions by internal time).

Run: .venv/bin/python benchmarks/frames_shapes.py [--rows N] [--runs N] [--profile SHAPE]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

from graphql import build_schema, get_named_type, parse
from shapes import SDL, SHAPES, Shape

from ion_magic.bodies import decode_json
from ion_magic.frame_plan import FramePlan, plan_frame
from ion_magic.frames import FrameBuilder

SCHEMA = build_schema(SDL)


def frame_plan(shape: Shape) -> FramePlan:
    """The plan of the shape's selection under `edges.node`, typed by the schema."""
    root = parse(shape.query).definitions[0].selection_set.selections[0]
    edges = root.selection_set.selections[0]
    node = edges.selection_set.selections[0]
    connection = get_named_type(SCHEMA.query_type.fields[shape.root].type)
    edge = get_named_type(connection.fields["edges"].type)
    return plan_frame(node.selection_set, get_named_type(edge.fields["node"].type), {})


def page_bodies(shape: Shape, rows: int, page_size: int) -> list[bytes]:
    nodes = shape.nodes(rows)
    return [
        json.dumps(
            {"data": {shape.root: {"edges": [{"node": node} for node in nodes[start : start + page_size]]}}},
            separators=(",", ":"),
        ).encode()
        for start in range(0, rows, page_size)
    ]


def decode_only(shape: Shape, bodies: list[bytes]) -> None:
    for body in bodies:
        decode_json(body)["data"][shape.root]["edges"]


def decode_and_build(shape: Shape, plan: FramePlan, bodies: list[bytes]) -> Any:
    builder = FrameBuilder(plan)
    for body in bodies:
        edges = decode_json(body)["data"][shape.root]["edges"]
        builder.add_nodes([edge.get("node") if edge else None for edge in edges])
    return builder.finish()


def seconds(run: Callable[[], Any]) -> float:
    gc.collect()
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    del result
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=list(SHAPES))
    parser.add_argument("--profile", choices=sorted(SHAPES))
    args = parser.parse_args()
    if args.profile:
        shape = SHAPES[args.profile]
        plan, bodies = frame_plan(shape), page_bodies(shape, args.rows, args.page_size)
        profile = cProfile.Profile()
        profile.runcall(decode_and_build, shape, plan, bodies)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return
    for name in args.shapes:
        shape = SHAPES[name]
        plan, bodies = frame_plan(shape), page_bodies(shape, args.rows, args.page_size)
        frame = decode_and_build(shape, plan, bodies)
        assert len(frame) == args.rows, (name, len(frame))
        decode, total = [], []
        for _ in range(args.runs):
            decode.append(seconds(lambda: decode_only(shape, bodies)))  # noqa: B023
            total.append(seconds(lambda: decode_and_build(shape, plan, bodies)))  # noqa: B023
        decode_s, total_s = statistics.median(decode), statistics.median(total)
        build_s = total_s - decode_s
        print(f"{name}_columns: {len(frame.columns)}")
        print(f"{name}_decode_seconds: {decode_s:.4f}")
        print(f"{name}_builder_seconds: {build_s:.4f}")
        print(f"{name}_builder_us_per_row: {build_s / args.rows * 1e6:.2f}")
        print(f"{name}_builder_share_of_decode_and_build: {build_s / total_s:.2f}")


if __name__ == "__main__":
    main()
