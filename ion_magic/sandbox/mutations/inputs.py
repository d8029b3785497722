"""Turning mutation inputs into checked values and rows, with errors that say what to fix."""

from __future__ import annotations

from typing import Any

from ion_magic.sandbox.context import Row
from ion_magic.sandbox.scalars import to_id
from ion_magic.sandbox.store import NotFound, RuleViolation, Store
from ion_magic.sandbox.type_tables import TABLE_OF_TYPE

Input = dict[str, Any]


def row_of(store: Store, type_name: str, value: Any) -> Row:
    """The object of `type_name` an ID argument names, or a NotFound naming it."""
    return store.require(TABLE_OF_TYPE[type_name], to_id(value, f"{type_name} id"))


def optional_row(store: Store, type_name: str, value: Any) -> Row | None:
    """Like `row_of`, for an optional reference (None stays None)."""
    return None if value is None else row_of(store, type_name, value)


def required_text(value: Any, what: str) -> str:
    """A stripped, non-empty text; `what` names it in the error ("The part number")."""
    text = (value or "").strip()
    if not text:
        raise RuleViolation(f"{what} must not be empty.")
    return text


def given(data: Input, *keys: str) -> dict[str, Any]:
    """The keys of an input the client actually sent (explicit nulls included)."""
    return {key: data[key] for key in keys if key in data}


def at_least(value: float | None, minimum: float, what: str, *, strict: bool) -> None:
    """Refuse a number below `minimum` (or equal to it when `strict`); None passes."""
    if value is None:
        return
    if value < minimum or (strict and value == minimum):
        relation = "greater than" if strict else "at least"
        raise RuleViolation(f"{what} must be {relation} {minimum:g}, got {value:g}.")


def entity_of(store: Store, value: Any) -> Row:
    """The generic entity an entityId names (parts, inventories, runs, steps, locations...)."""
    entity_id = to_id(value, "entity id")
    found = store.sql("SELECT * FROM entities WHERE id = ?", (entity_id,))
    if not found:
        raise NotFound(
            f"Entity {entity_id} does not exist; use the entityId of a part, inventory, run, step, location..."
        )
    return found[0]


def set_owned_attribute(store: Store, owner_type: str, owner_id: Any, data: Input) -> tuple[Row, Row]:
    """Set the `key`/`value` attribute of a run or issue under the owner's etag; the owner gets a new one.

    Returns (the attribute, the touched owner): ION answers the attribute with the owner's new `Etag`."""
    owner = row_of(store, owner_type, owner_id)
    table = TABLE_OF_TYPE[owner_type]
    store.check_etag(table, owner, data["etag"])
    key = required_text(data["key"], "The attribute key")
    attribute = store.set_attribute(owner_type, owner["id"], key, data.get("value"), data.get("type"))
    return attribute, store.touch(table, owner["id"])
