"""Python values become JSON variables by type; the query text is never templated."""

import datetime as dt
import enum

import numpy as np
import pandas as pd
import pytest

from ion_magic.variables import UnsupportedValueError, to_json_value


class Status(enum.Enum):
    TODO = 1
    COMPLETE = 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.int64(7), 7),
        (np.float32(1.5), 1.5),
        (np.bool_(True), True),
        (float("nan"), None),
        (pd.NA, None),
        (pd.NaT, None),
        (pd.Timestamp("2026-01-02T03:04:05Z"), "2026-01-02T03:04:05+00:00"),
        (dt.date(2026, 1, 2), "2026-01-02"),
        (Status.COMPLETE, "COMPLETE"),
        ({3, 1, 2}, [1, 2, 3]),
        ((1, "a"), [1, "a"]),
        (np.array([1, 2]), [1, 2]),
        (pd.Series([1, 2], dtype="Int64"), [1, 2]),
        (
            {"status": {"in": (Status.TODO, Status.COMPLETE)}, 5: np.int8(1)},
            {"status": {"in": ["TODO", "COMPLETE"]}, "5": 1},
        ),
    ],
)
def test_values_convert_by_type(value, expected):
    converted = to_json_value(value)
    assert converted == expected
    assert type(converted) is type(expected)


def test_unknown_objects_are_refused():
    with pytest.raises(UnsupportedValueError, match="object"):
        to_json_value(object())
