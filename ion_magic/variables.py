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
from graphql import GraphQLSchema, OperationDefinitionNode, VariableDefinitionNode, print_ast
from graphql.execution.values import get_variable_values

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


def bind_variables(
    operation: OperationDefinitionNode,
    namespace: Mapping[str, Any],
    schema: GraphQLSchema | None = None,
    *,
    strict: bool = False,
) -> dict[str, Any]:
    """Values for every declared `$name` found in `namespace`, checked against their declared types.

    A variable with no value is left to the default declared in the operation; one with neither is an
    error, so that a filter never disappears silently. `strict` (the caller passed exactly the variables
    meant for this operation): a name the operation does not declare is an error too. Raises before
    anything is sent.
    """
    definitions = {d.variable.name.value: d for d in operation.variable_definitions or ()}
    if strict:
        unknown = sorted(set(namespace) - set(definitions))
        if unknown:
            declared = ", ".join(f"${name}" for name in definitions) or "none"
            raise MissingVariableError(
                f"The operation declares no variable {', '.join(unknown)}: nothing was sent. Its variables: {declared}."
            )
    bound: dict[str, Any] = {}
    missing: list[tuple[str, str]] = []
    for name, definition in definitions.items():
        if name in namespace:
            try:
                bound[name] = to_json_value(namespace[name])
            except UnsupportedValueError as error:
                raise MissingVariableError(
                    f"Variable ${name} cannot be sent: {error}. Convert it to a str, number, list or dict."
                ) from None
        elif definition.default_value is None:
            missing.append((name, print_ast(definition.type)))
    _check_types(bound, definitions, schema)
    if missing:
        names = ", ".join(f"${name} ({type_})" for name, type_ in missing)
        first = f"${missing[0][0]}: {missing[0][1].rstrip('!')}"
        raise MissingVariableError(
            f"No value for {names}: nothing was sent. Give {'them' if len(missing) > 1 else 'it'} "
            f"a value (in a notebook, a Python variable of that name), or declare a default in the operation "
            f"to make it optional, e.g. `{first} = null`."
        )
    return bound


def _check_types(
    bound: dict[str, Any], definitions: dict[str, VariableDefinitionNode], schema: GraphQLSchema | None
) -> None:
    """Coerce the values as the server will; an error names the variable and the path inside it."""
    if schema is None or not bound:
        return
    checked = get_variable_values(schema, [definitions[name] for name in bound], bound, max_errors=5)
    errors = checked if isinstance(checked, list) else getattr(checked, "errors", None)  # errors, or values
    if errors:
        shown = "\n".join(f"- {error.message}" for error in errors)
        raise MissingVariableError(f"Some variables do not fit their declared types; nothing was sent.\n{shown}")
