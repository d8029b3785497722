"""Binding an operation's `$variables` from Python values, converted to JSON by type."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import math
import uuid
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from graphql import NonNullTypeNode, OperationDefinitionNode, print_ast

from .errors import MissingVariableError


class UnsupportedValueError(TypeError):
    """A Python value with no JSON form for a GraphQL variable."""


def to_json_value(value: Any) -> Any:
    """`value` as plain JSON data: numpy/pandas scalars, datetimes, enums, collections and dicts."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        items = [to_json_value(item) for item in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(value, list | tuple | np.ndarray | pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        return [to_json_value(item) for item in value]
    raise UnsupportedValueError(f"a {type(value).__name__} has no JSON form")


def bind_variables(operation: OperationDefinitionNode, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Values for every declared `$name` found in `namespace`; a declared default applies otherwise.

    Raises MissingVariableError naming every required variable that has neither, before anything is sent.
    """
    bound: dict[str, Any] = {}
    missing: list[str] = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in namespace:
            try:
                bound[name] = to_json_value(namespace[name])
            except UnsupportedValueError as error:
                raise MissingVariableError(
                    f"Variable ${name} cannot be sent: {error}. Convert it to a str, number, list or dict."
                ) from None
        elif definition.default_value is None and isinstance(definition.type, NonNullTypeNode):
            missing.append(f"${name} ({print_ast(definition.type)})")
    if missing:
        names = ", ".join(missing)
        example = missing[0].split(" ")[0].lstrip("$")
        raise MissingVariableError(
            f"Missing required variable{'s' if len(missing) > 1 else ''} {names}: nothing was sent. "
            f"Set {'them' if len(missing) > 1 else 'it'} in Python first, e.g. `{example} = ...`."
        )
    return bound
