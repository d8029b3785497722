"""How sandbox values cross the GraphQL boundary: graphene's scalars (DateTime, Date, JSONString,
GenericScalar, Decimal) and integer IDs in responses.

The store keeps timestamps as ISO 8601 UTC text with whole seconds, so inputs are normalised to that
form (text comparison then orders them) and stored text goes out unchanged.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLError, GraphQLID, GraphQLScalarType, GraphQLSchema
from graphql.execution import Executor


class IntegerIdExecutor(Executor):
    """Executes like graphql-core but lets integer IDs out as JSON integers, as ION does (`"id": 1133`).

    graphql-core serialises the built-in ID scalar to a string and forbids redefining it, so the
    executor's leaf completion is the one place to keep ints as ints.
    """

    @staticmethod
    def complete_leaf_value(return_type: Any, result: Any) -> Any:
        if return_type is GraphQLID and type(result) is int:
            return result
        return Executor.complete_leaf_value(return_type, result)


def to_id(value: Any, what: str = "id") -> int:
    """An integer id from a GraphQL ID value (graphql-core hands IDs over as strings)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise GraphQLError(f"{value!r} is not a valid {what}: sandbox ids are integers such as 1133.")


def _invalid(scalar: str, value: Any, expected: str) -> GraphQLError:
    return GraphQLError(f"{scalar} cannot represent {value!r}: {expected}.")


def datetime_text(value: datetime) -> str:
    """The store's form of a date-time: ISO 8601 in UTC with whole seconds (naive means UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def serialize_datetime(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return datetime_text(value)
    raise _invalid("DateTime", value, "expected an ISO 8601 date-time")


def parse_datetime(value: Any) -> str:
    if not isinstance(value, str):
        raise _invalid("DateTime", value, 'give an ISO 8601 string such as "2024-03-05T14:07:00Z"')
    try:
        return datetime_text(datetime.fromisoformat(value))
    except ValueError:
        raise _invalid("DateTime", value, 'give an ISO 8601 string such as "2024-03-05T14:07:00Z"') from None


def serialize_date(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    raise _invalid("Date", value, "expected an ISO 8601 date")


def parse_date(value: Any) -> str:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise _invalid("Date", value, 'give an ISO 8601 date such as "2024-03-05"')


def serialize_json_string(value: Any) -> str:
    """graphene's JSONString goes out as the JSON text of the value."""
    return json.dumps(value)


def parse_json_string(value: Any) -> Any:
    """Accept JSON text (graphene's way) or, leniently, the JSON value itself."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise _invalid("JSONString", value, 'give JSON text, e.g. "[{\\"text\\": \\"...\\"}]"') from None


def parse_decimal(value: Any) -> float:
    """A number, or a string holding one (ION's scripts send quantities as strings)."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(Decimal(value.strip()))
        except InvalidOperation:
            number = None
    if number is None or not math.isfinite(number):
        raise _invalid("Decimal", value, 'give a number or a numeric string such as "5" or "2.50"')
    return number


def serialize_decimal(value: Any) -> float:
    return parse_decimal(value)


def _identity(value: Any) -> Any:
    return value


SCALAR_BEHAVIOUR: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "DateTime": (serialize_datetime, parse_datetime),
    "Date": (serialize_date, parse_date),
    "JSONString": (serialize_json_string, parse_json_string),
    "GenericScalar": (_identity, _identity),
    "Decimal": (serialize_decimal, parse_decimal),
}
"""(output, input) coercion of each custom scalar of schema.graphql."""


def bind_scalars(schema: GraphQLSchema) -> None:
    """Give the SDL's custom scalars their behaviour (literals go through the input coercion)."""
    for name, (output, parse) in SCALAR_BEHAVIOUR.items():
        scalar = schema.type_map[name]
        assert isinstance(scalar, GraphQLScalarType)
        scalar.coerce_output_value = output
        scalar.coerce_input_value = parse
