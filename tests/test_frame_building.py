"""The frame builder's hot path: the collector pause around pulls that keep JSON containers, and the packed
column kinds against pandas' own conversions on every shape of the pull benchmark."""

from __future__ import annotations

import gc
import sys
import weakref
from pathlib import Path

import pandas as pd
import pytest
from graphql import build_schema, get_named_type, parse

from ion_magic.frame_plan import FramePlan, plan_frame
from ion_magic.frames import FrameBuilder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from shapes import SDL, SHAPES, Shape

SCHEMA = build_schema(SDL)


def shape_plan(shape: Shape) -> FramePlan:
    root = parse(shape.query).definitions[0].selection_set.selections[0]
    node = root.selection_set.selections[0].selection_set.selections[0]
    connection = get_named_type(SCHEMA.query_type.fields[shape.root].type)
    edge = get_named_type(connection.fields["edges"].type)
    return plan_frame(node.selection_set, get_named_type(edge.fields["node"].type), {})


@pytest.fixture
def no_frozen_objects():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_pull_keeping_json_objects_pauses_the_collector_until_the_frame_is_built(no_frozen_objects):
    shape = SHAPES["json"]
    builder = FrameBuilder(shape_plan(shape))
    nodes = shape.nodes(300)
    builder.add_nodes(nodes[:100])
    assert gc.get_freeze_count() > 0  # the first page's objects are out of the collector's passes
    builder.add_nodes(nodes[100:])
    frame = builder.finish()
    assert gc.get_freeze_count() == 0
    assert frame["payload"].tolist() == [node["payload"] for node in nodes]


class Cyclic:
    """Garbage only the cyclic collector frees, as the HTTP client leaves behind for each request."""

    def __init__(self) -> None:
        self.me = self


def test_a_page_cyclic_garbage_is_not_kept_frozen_until_the_end(no_frozen_objects):
    shape = SHAPES["json"]
    builder = FrameBuilder(shape_plan(shape))
    builder.add_nodes(shape.nodes(10))
    garbage = Cyclic()
    gone = weakref.ref(garbage)
    del garbage
    builder.add_nodes(shape.nodes(10))
    assert gone() is None and gc.get_freeze_count() > 0
    builder.finish()


def test_a_builder_dropped_before_finish_gives_the_objects_back_to_the_collector(no_frozen_objects):
    builder = FrameBuilder(shape_plan(SHAPES["observations"]))  # tags: a list per row
    builder.add_nodes(SHAPES["observations"].nodes(10))
    assert gc.get_freeze_count() > 0
    del builder
    gc.collect()
    assert gc.get_freeze_count() == 0


def test_objects_frozen_by_someone_else_stay_frozen_and_scalar_pulls_never_freeze(no_frozen_objects):
    kept = [{"a": [1]}]
    gc.freeze()
    frozen = gc.get_freeze_count()
    builder = FrameBuilder(shape_plan(SHAPES["json"]))
    builder.add_nodes(SHAPES["json"].nodes(10))
    builder.finish()
    assert gc.get_freeze_count() > frozen // 2 and kept  # not thawed (a few frozen objects may have died)
    gc.unfreeze()
    builder = FrameBuilder(shape_plan(SHAPES["inventory"]))
    builder.add_nodes(SHAPES["inventory"].nodes(10))
    assert gc.get_freeze_count() == 0
    builder.finish()


def test_a_paused_collector_is_left_paused(no_frozen_objects):
    gc.disable()
    try:
        builder = FrameBuilder(shape_plan(SHAPES["json"]))
        builder.add_nodes(SHAPES["json"].nodes(10))
        assert gc.get_freeze_count() == 0
        builder.finish()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_benchmark_shape_matches_pandas_own_conversions(name: str):
    """Each packed column equals pandas' conversion of the same values (json_normalize + astype)."""
    shape = SHAPES[name]
    nodes = shape.nodes(20_000, seed=11)  # several packed chunks per column
    builder = FrameBuilder(shape_plan(shape))
    for start in range(0, len(nodes), 100):
        builder.add_nodes(nodes[start : start + 100])
    frame = builder.finish()
    flat = pd.json_normalize(nodes, max_level=0 if name == "json" else None)
    assert len(frame) == len(nodes)
    for column in frame.columns:
        built = frame[column]
        values = flat[column] if column in flat else pd.Series([None] * len(nodes))
        if built.dtype == object:
            expected = [None if isinstance(value, float) and value != value else value for value in values]
            assert built.tolist() == expected, column
        elif str(built.dtype).startswith("datetime64"):
            pd.testing.assert_series_equal(
                built, pd.to_datetime(values, format="ISO8601", utc=True).dt.as_unit("ns"), check_names=False
            )
        else:
            pd.testing.assert_series_equal(built, values.astype(built.dtype), check_names=False)
