"""Frames and Arrow: the frame's columns as an Arrow table (for Parquet), and Arrow-backed frames.

`dtype_backend="pyarrow"` gives pandas' own Arrow dtypes (as `read_parquet(dtype_backend="pyarrow")` does):
strings, timestamps, lists and dictionaries (enums) held in Arrow memory instead of Python objects.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from .errors import IonError

DTYPE_BACKENDS: tuple[str, ...] = ("numpy_nullable", "pyarrow")


def frame_table(frame: pd.DataFrame, schema: pa.Schema | None = None) -> pa.Table:
    """The frame as an Arrow table (with `schema`: the same columns and types as an earlier chunk)."""
    try:
        return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, ValueError, TypeError) as error:
        column = _failing_column(frame, schema)
        where = f"column {column!r}" if column else "a column"
        raise IonError(
            f"{where} cannot be stored in Arrow/Parquet ({error}). Its values change type from row to "
            "row (or from one chunk of rows to the next): write a CSV file instead, or leave the "
            "field out."
        ) from None


def _failing_column(frame: pd.DataFrame, schema: pa.Schema | None) -> str | None:
    for name in frame.columns:
        try:
            field_type = schema.field(name).type if schema is not None and name in schema.names else None
            pa.Array.from_pandas(frame[name], type=field_type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, ValueError, TypeError):
            return str(name)
    return None


def with_backend(frame: pd.DataFrame, backend: str) -> pd.DataFrame:
    """The frame with `backend`'s dtypes ("numpy_nullable": as built; "pyarrow": every column Arrow-backed,
    a column Arrow cannot hold, such as mixed JSON values, kept as it is). `attrs` are kept."""
    if backend == "numpy_nullable":
        return frame
    if backend != "pyarrow":
        raise IonError(f"dtype_backend must be one of {', '.join(DTYPE_BACKENDS)}, not {backend!r}.")
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.ArrowDtype):
            columns[name] = column
            continue
        try:
            array = pa.Array.from_pandas(column)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, ValueError, TypeError):
            columns[name] = column
            continue
        columns[name] = pd.Series(pd.arrays.ArrowExtensionArray(array), index=frame.index, name=name)
    converted = pd.DataFrame(columns, index=frame.index)
    converted.attrs = frame.attrs
    return converted
