"""Typed pandas columns from GraphQL leaf values: the kind of a schema type, and values -> pandas arrays.

A column's *kind* says how its values become a pandas array:

==========  =================================  ===============================================
kind        GraphQL type                       pandas dtype
==========  =================================  ===============================================
int         Int                                Int64
float       Float                              Float64
bool        Boolean                            boolean
string      String (and ``__typename``)        string (``pd.StringDtype()``)
id          ID                                 Int64 when every value is a JSON integer, else string
enum        any enum                           category, the schema's values in declared order
datetime    DateTime, Datetime, Timestamp,     datetime64[ns, UTC] (ISO 8601; naive means UTC)
            ``*DateTime``
date        Date                               date32[day][pyarrow]: calendar dates (``datetime.date``
                                               values) that no time-zone operation can shift
list        any list type                      object (Python lists as received)
object      other custom scalars (JSON, ...)   object (values as received)
unknown     no schema                          inferred from the values (see ``inferred_arrays``)
==========  =================================  ===============================================

IDs: ION sends integer ids, so an ID column is Int64 when all its non-null values are JSON integers (an
all-null column too). A single string id, even ``"42"``, makes the whole column ``string`` (integers written
in decimal): string ids are opaque (leading zeros, base64 global ids) and are never reinterpreted as numbers.

A value that does not fit its column's kind (a string in an Int column, an unknown enum value, a date that is
not ISO 8601) never raises: the column falls back to object, keeping every value; the values that do fit are
given as the kind's Python scalar (int, float, bool, str, UTC ``pd.Timestamp``), the others as received.
"""

import functools
import re
from collections.abc import Sequence
from itertools import repeat
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from graphql import (
    GraphQLEnumType,
    GraphQLOutputType,
    GraphQLScalarType,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

ArrayLike: TypeAlias = pd.api.extensions.ExtensionArray | np.ndarray

STRING_DTYPE = pd.StringDtype()
DATETIME_DTYPE = pd.DatetimeTZDtype("ns", "UTC")

_BUILTIN_KINDS = {"Int": "int", "Float": "float", "Boolean": "bool", "String": "string", "ID": "id"}
_DATETIME_SCALARS = frozenset({"DateTime", "Datetime", "Timestamp"})
_DATE_SCALAR = "Date"
# Kinds whose values are packed into typed chunks while a pull runs (to keep memory near the final frame's).
_PACKED_KINDS = frozenset({"int", "float", "bool", "id", "enum", "datetime", "date", "string"})
# pandas parses these words as the current time and these strings as NaT; none is an ION date-time.
_DATETIME_WORDS = ("now", "today")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?", re.IGNORECASE
)
_NONE = type(None)
_NOT_DECLARED = -2


def is_datetime_scalar(name: str) -> bool:
    """Whether a custom scalar named `name` carries date-times."""
    return name in _DATETIME_SCALARS or name.endswith("DateTime")


def leaf_kind(type_: GraphQLOutputType | None) -> tuple[str, tuple[str, ...]]:
    """The kind and (for enums) the declared values of a leaf field of type `type_` (None: no schema)."""
    if type_ is None:
        return "unknown", ()
    if is_list_type(get_nullable_type(type_)):
        return "list", ()
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        return "enum", tuple(named.values)
    if isinstance(named, GraphQLScalarType):
        if named.name in _BUILTIN_KINDS:
            return _BUILTIN_KINDS[named.name], ()
        if is_datetime_scalar(named.name):
            return "datetime", ()
        if named.name == _DATE_SCALAR:
            return "date", ()
    return "object", ()


def typed_array(kind: str, values: list, enum_values: Sequence[str] = ()) -> ArrayLike | None:
    """`values` (None = null) as the pandas array of `kind`, or None when some value does not fit it."""
    if kind == "enum":
        return _categories(values, enum_values)
    present = set(map(type, values))
    has_null = _NONE in present
    present.discard(_NONE)
    if kind == "int":
        return _integers(values, has_null) if present <= {int} else None
    if kind == "id":
        if present <= {int}:
            return _integers(values, has_null)
        if present <= {str}:  # opaque string ids: nothing to rewrite
            return _strings(values)
        if present <= {int, str}:
            return _strings([v if v is None or v.__class__ is str else str(v) for v in values])
        return None
    if kind == "float":
        return _floats(values, has_null) if present <= {float, int} else None
    if kind == "bool":
        return _booleans(values, has_null) if present <= {bool} else None
    if kind == "string":
        return _strings(values) if present <= {str} else None
    if kind == "datetime":
        return _datetimes(values) if present <= {str} else None
    if kind == "date":
        return _dates(values) if present <= {str} else None
    if kind in ("list", "object"):
        return object_array(values)
    raise ValueError(f"no typed array for kind {kind!r}")


def object_array(values: Sequence) -> np.ndarray:
    """A 1-d object array holding `values` as they are (lists stay single elements)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _nulls_replaced(values: list, has_null: bool, fill: Any, dtype: type) -> tuple[np.ndarray, np.ndarray]:
    if not has_null:
        return np.array(values, dtype=dtype), np.zeros(len(values), dtype=bool)
    objects = np.array(values, dtype=object)
    mask = np.equal(objects, np.array(None, dtype=object))
    objects[mask] = fill
    return objects.astype(dtype), mask


def _integers(values: list, has_null: bool) -> ArrayLike | None:
    try:
        data, mask = _nulls_replaced(values, has_null, 0, np.int64)
    except OverflowError:
        return None
    return pd.arrays.IntegerArray(data, mask)


def _floats(values: list, has_null: bool) -> ArrayLike | None:
    try:
        data, mask = _nulls_replaced(values, has_null, 0.0, np.float64)
    except OverflowError:
        return None
    return pd.arrays.FloatingArray(data, mask)


def _booleans(values: list, has_null: bool) -> ArrayLike:
    data, mask = _nulls_replaced(values, has_null, False, np.bool_)
    return pd.arrays.BooleanArray(data, mask)


def _strings(values: list) -> ArrayLike:
    return pd.array(values, dtype=STRING_DTYPE)


def _code_table(enum_values: Sequence[str]) -> dict[Any, int]:
    """Category code of each enum value, -1 for null."""
    return {None: -1, **{value: code for code, value in enumerate(enum_values)}}


def _codes(values: Sequence, code_of: dict[Any, int]) -> list[int] | None:
    """The category codes of `values`, or None when one is not a declared enum value."""
    try:
        codes = list(map(code_of.get, values, repeat(_NOT_DECLARED)))
    except TypeError:  # an unhashable value
        return None
    return None if _NOT_DECLARED in codes else codes


@functools.lru_cache(maxsize=256)
def _categorical_dtype(enum_values: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(enum_values), ordered=False)


def _categorical(codes: list[int], enum_values: Sequence[str]) -> ArrayLike:
    code_type = np.int8 if len(enum_values) < 128 else np.int32
    dtype = _categorical_dtype(tuple(enum_values))
    return pd.Categorical.from_codes(np.array(codes, dtype=code_type), dtype=dtype)


def _categories(values: list, enum_values: Sequence[str]) -> ArrayLike | None:
    codes = _codes(values, _code_table(enum_values))
    return None if codes is None else _categorical(codes, enum_values)


def _datetimes(values: list) -> ArrayLike | None:
    if any(word in values for word in _DATETIME_WORDS):
        return None
    try:
        parsed = pd.to_datetime(values, format="ISO8601", utc=True).as_unit("ns")
    except (ValueError, TypeError, OverflowError):
        return None
    if int(parsed.isna().sum()) != values.count(None):  # "" and "NaT" parse to NaT: not dates
        return None
    return parsed.array


def _dates(values: list) -> ArrayLike | None:
    """ISO calendar dates (YYYY-MM-DD) as Arrow date32: a day, with no time and no time zone to shift."""
    import pyarrow as pa

    try:
        dates = pa.array(values, type=pa.string()).cast(pa.date32())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return pd.arrays.ArrowExtensionArray(dates)


def _python_values(array: ArrayLike) -> list:
    """The values of a typed chunk as Python scalars, None for nulls."""
    objects = np.asarray(array, dtype=object).copy()
    objects[np.asarray(pd.isna(array))] = None
    return objects.tolist()


def _fitted(kind: str, value: Any) -> Any:
    """`value` as `kind`'s Python scalar when it fits (see the module docstring), else as received."""
    if kind == "float" and value.__class__ is int:
        return float(value)
    if kind in ("datetime", "date") and value.__class__ is str:
        parsed = _datetimes([value]) if kind == "datetime" else _dates([value])
        return value if parsed is None else parsed[0]
    return value


def _joined(kind: str, chunks: list[ArrayLike]) -> ArrayLike:
    if kind == "id" and any(chunk.dtype == STRING_DTYPE for chunk in chunks):
        chunks = [chunk.astype(STRING_DTYPE) for chunk in chunks]
    if len(chunks) == 1:
        return chunks[0]
    return pd.concat([pd.Series(chunk, copy=False) for chunk in chunks], ignore_index=True).array


class ColumnValues:
    """One column's values, collected page by page and built into one pandas array at the end.

    Values of every kind but list, object and unknown are packed into typed chunks every `chunk_size` values
    (while they are still in the CPU cache), so that a long pull holds about what the final column needs
    rather than Python objects; enum values become category codes as each page arrives.
    """

    def __init__(self, kind: str, enum_values: Sequence[str] = (), chunk_size: int = 8192) -> None:
        self.kind = kind
        self.enum_values = tuple(enum_values)
        self._chunk_size = chunk_size
        self._packs = kind in _PACKED_KINDS
        self._code_of = _code_table(self.enum_values) if kind == "enum" else None
        self._pending: list = []  # values not yet packed (category codes for an enum)
        self._chunks: list[ArrayLike] = []
        self._fallback: list | None = None  # the values before `_pending`, once a value did not fit the kind

    def extend(self, values: Sequence) -> None:
        if self._fallback is not None:
            self._pending += values
            return
        if self._code_of is not None:
            codes = _codes(values, self._code_of)
            if codes is None:
                self._fall_back()
                self._pending += values
                return
            values = codes
        self._pending += values
        if self._packs and len(self._pending) >= self._chunk_size:
            chunk = self._packed()
            if chunk is None:
                self._fall_back()
            else:
                self._chunks.append(chunk)
                self._pending = []

    def _packed(self) -> ArrayLike | None:
        if self._code_of is not None:
            return _categorical(self._pending, self.enum_values)
        return typed_array(self.kind, self._pending, self.enum_values)

    def _fall_back(self) -> None:
        fallback = [value for chunk in self._chunks for value in _python_values(chunk)]
        if self._code_of is not None:
            names = (None, *self.enum_values)
            fallback += [names[code + 1] for code in self._pending]
        else:
            fallback += self._pending
        self._fallback, self._chunks, self._pending = fallback, [], []

    def finish(self) -> list[tuple[tuple[str, ...], ArrayLike]]:
        """The column's arrays, each with its key path below the column: ``[((), array)]`` unless the kind is
        ``unknown`` and the values were objects, which are flattened into one array per key path."""
        if self.kind == "unknown":
            values, self._pending = self._pending, []
            return inferred_arrays(values)
        if self._fallback is None:
            tail = self._packed()
            if tail is not None:
                chunks = [*self._chunks, tail]
                self._chunks, self._pending = [], []
                return [((), _joined(self.kind, chunks))]
            self._fall_back()
        values = (self._fallback or []) + self._pending
        self._fallback, self._pending = None, []
        return [((), object_array([_fitted(self.kind, value) for value in values]))]


def inferred_arrays(values: list) -> list[tuple[tuple[str, ...], ArrayLike]]:
    """Arrays for values of unknown type: objects are flattened by key (first-seen key order, recursively,
    as ``pandas.json_normalize`` does), anything else becomes one array of the inferred kind."""
    present = set(map(type, values))
    present.discard(_NONE)
    if present and present <= {dict}:
        keys = dict.fromkeys(key for value in values if value is not None for key in value)
        if keys:
            return [
                ((key, *suffix), array)
                for key in keys
                for suffix, array in inferred_arrays([None if v is None else v.get(key) for v in values])
            ]
    return [((), _inferred_array(values, present))]


def _inferred_array(values: list, present: set[type]) -> ArrayLike:
    if present == {bool}:
        kind = "bool"
    elif present == {int}:
        kind = "int"
    elif present and present <= {int, float}:
        kind = "float"
    elif present == {str}:
        strings = [value for value in values if value is not None]
        kind = "datetime" if all(map(_ISO_DATETIME.fullmatch, strings)) else "string"
    else:
        return object_array(values)
    array = typed_array(kind, values)
    if array is None and kind == "datetime":
        array = typed_array("string", values)
    return object_array(values) if array is None else array
