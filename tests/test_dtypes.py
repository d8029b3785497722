"""Leaf values -> typed pandas arrays: the kind of a schema type, what fits a kind, packing and fallback."""

from __future__ import annotations

import pandas as pd
import pytest
from graphql import build_schema

from ion_magic.dtypes import DATETIME_DTYPE, STRING_DTYPE, ColumnValues, inferred_arrays, leaf_kind, typed_array

SCHEMA = build_schema(
    """
    scalar DateTime scalar Date scalar Datetime scalar Timestamp scalar CreatedDateTime scalar Time scalar JSONString
    enum Color { RED GREEN BLUE }
    type Thing {
      i: Int! f: Float b: Boolean s: String id: ID! color: Color! colors: [Color!]! ids: [[ID]]
      dt: DateTime d: Date dt2: Datetime ts: Timestamp cdt: CreatedDateTime t: Time json: JSONString other: Thing
    }
    type Query { thing: Thing }
    """
)
THING = SCHEMA.get_type("Thing")


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("i", "int"),
        ("f", "float"),
        ("b", "bool"),
        ("s", "string"),
        ("id", "id"),
        ("color", "enum"),
        ("colors", "list"),
        ("ids", "list"),
        ("dt", "datetime"),
        ("d", "date"),
        ("dt2", "datetime"),
        ("ts", "datetime"),
        ("cdt", "datetime"),
        ("t", "object"),
        ("json", "object"),
        ("other", "object"),
    ],
)
def test_leaf_kind_unwraps_non_null_and_names_lists(field: str, kind: str) -> None:
    assert leaf_kind(THING.fields[field].type)[0] == kind


def test_enum_kind_carries_the_declared_values_in_order() -> None:
    assert leaf_kind(THING.fields["color"].type) == ("enum", ("RED", "GREEN", "BLUE"))
    assert leaf_kind(None) == ("unknown", ())


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("int", [1, True]),
        ("int", [1, 2.0]),
        ("int", [1, "2"]),
        ("int", [2**70]),
        ("float", [1.5, False]),
        ("float", [1.5, "2"]),
        ("float", [10**400]),
        ("bool", [True, 1]),
        ("string", ["a", 1]),
        ("string", ["a", ["b"]]),
        ("id", [1, 2.0]),
        ("id", [1, True]),
        ("enum", ["RED", "PINK"]),
        ("enum", ["RED", ["RED"]]),
        ("enum", ["RED", "red"]),
        ("datetime", ["2024-01-01T00:00:00Z", "now"]),
        ("datetime", ["2024-01-01T00:00:00Z", "today"]),
        ("datetime", ["2024-01-01T00:00:00Z", ""]),
        ("datetime", ["2024-01-01T00:00:00Z", "NaT"]),
        ("datetime", ["2024-01-01T00:00:00Z", "01/02/2024"]),
        ("datetime", ["2024-01-01T00:00:00Z", 1704067200]),
        ("datetime", ["0001-01-01T00:00:00Z"]),  # outside datetime64[ns]
    ],
)
def test_values_that_do_not_fit_their_kind_are_refused(kind: str, values: list) -> None:
    assert typed_array(kind, values, ("RED", "GREEN", "BLUE")) is None


def test_fitting_values_become_their_kinds_arrays() -> None:
    assert typed_array("int", [1, None, 3]).tolist() == [1, pd.NA, 3]
    assert typed_array("float", [1, None, 2.5]).dtype == "Float64"
    assert typed_array("id", [5, None, "x"]).tolist() == ["5", pd.NA, "x"]
    assert typed_array("id", [5, None]).dtype == "Int64"
    colors = typed_array("enum", ["BLUE", None], ("RED", "GREEN", "BLUE"))
    assert colors.categories.tolist() == ["RED", "GREEN", "BLUE"] and colors.codes.tolist() == [2, -1]
    dates = typed_array("datetime", ["2024-01-01T01:00:00+01:00", "2024-06-01", None])
    assert dates.dtype == DATETIME_DTYPE
    assert dates.tolist()[:2] == [pd.Timestamp("2024-01-01T00:00Z"), pd.Timestamp("2024-06-01T00:00Z")]


def fed(values: ColumnValues, items: list, page: int) -> pd.api.extensions.ExtensionArray:
    for start in range(0, len(items), page):
        values.extend(items[start : start + page])
    [(suffix, array)] = values.finish()
    assert suffix == ()
    return array


def test_packed_chunks_join_into_one_array() -> None:
    items = [None if index % 5 == 0 else index for index in range(23)]
    array = fed(ColumnValues("int", chunk_size=4), items, page=3)
    assert array.dtype == "Int64"
    assert [None if value is pd.NA else value for value in array.tolist()] == items


def test_a_string_id_after_packed_integer_ids_makes_every_id_a_string() -> None:
    items = [1, 2, None, 4, 5, "b-6", 7]
    array = fed(ColumnValues("id", chunk_size=2), items, page=1)
    assert array.dtype == STRING_DTYPE
    assert array.tolist() == ["1", "2", pd.NA, "4", "5", "b-6", "7"]


def test_an_enum_misfit_after_packed_codes_keeps_the_names() -> None:
    items = ["RED", None, "BLUE", "GREEN", "MAUVE", "RED"]
    array = fed(ColumnValues("enum", ("RED", "GREEN", "BLUE"), chunk_size=2), items, page=2)
    assert array.dtype == object
    assert array.tolist() == items


def test_a_float_misfit_after_packed_chunks_keeps_every_value_as_a_number() -> None:
    items = [1, 2.5, None, 4, "?", 6]
    array = fed(ColumnValues("float", chunk_size=2), items, page=1)
    assert array.dtype == object
    assert array.tolist() == [1.0, 2.5, None, 4.0, "?", 6.0]
    assert [type(value) for value in array.tolist()] == [float, float, type(None), float, str, float]


def test_inferred_arrays_flatten_objects_in_first_seen_key_order() -> None:
    values = [{"b": 1, "a": {"x": "2024-01-01T00:00:00Z"}}, None, {"c": [1], "b": 2.5}]
    arrays = dict(inferred_arrays(values))
    assert list(arrays) == [("b",), ("a", "x"), ("c",)]
    assert arrays[("b",)].dtype == "Float64"
    assert arrays[("a", "x")].dtype == DATETIME_DTYPE
    assert arrays[("c",)].tolist() == [None, None, [1]]


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([True, 1], object),
        ([1, "1"], object),
        ([{}, None], object),
        ([{"a": 1}, 5], object),
        ([[1], None], object),
        ([None, None], object),
        ([1, None], "Int64"),
        ([2**70], object),
        (["2024-01-01T00:00:00Z", "2024-13-45T00:00:00Z"], STRING_DTYPE),
    ],
)
def test_inferred_kinds(values: list, dtype: object) -> None:
    [(_, array)] = inferred_arrays(values)
    assert array.dtype == dtype
