"""Part and part inventory mutations, with ION's rules: part number + revision unique (revision A by
default), serial-tracked quantity 0 or 1 and serial numbers unique per part, lot quantity >= 0.
"""

from __future__ import annotations

from typing import Any

from ion_magic.sandbox.context import ME_USER_ID, Row
from ion_magic.sandbox.mutations.inputs import (
    Input,
    given,
    optional_row,
    required_text,
    row_of,
)
from ion_magic.sandbox.rules import inventory_quantity_problem, next_revision, quantity_available
from ion_magic.sandbox.store import (
    RuleViolation,
    Store,
)


def _ensure_part_unique(store: Store, part_number: str, revision: str) -> None:
    found = store.sql("SELECT id FROM parts WHERE partNumber = ? AND revision = ?", (part_number, revision))
    if found:
        raise RuleViolation(
            f"Part number {part_number!r} revision {revision!r} is not unique: part "
            f"{found[0]['id']} already has it. Use createPartRevision to make a new revision."
        )


def create_part(store: Store, input: Input) -> dict[str, Any]:
    part_number = required_text(input["partNumber"], "The part number")
    revision = (input.get("revision") or "A").strip() or "A"
    _ensure_part_unique(store, part_number, revision)
    unit = optional_row(store, "UnitOfMeasurement", input.get("unitOfMeasureId"))
    part = store.insert(
        "parts",
        {
            "partNumber": part_number,
            "revision": revision,
            "description": input.get("description"),
            "trackingType": input.get("trackingType"),
            "supplierPartNumber": input.get("supplierPartNumber"),
            "unitOfMeasureId": unit["id"] if unit else None,
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    return {"part": part}


def create_part_revision(store: Store, input: Input) -> dict[str, Any]:
    part = row_of(store, "Part", input["partId"])
    existing = [
        row["revision"] for row in store.sql("SELECT revision FROM parts WHERE partNumber = ?", (part["partNumber"],))
    ]
    revision = (input.get("revision") or "").strip() or next_revision(existing)
    _ensure_part_unique(store, part["partNumber"], revision)
    new_part = store.insert(
        "parts",
        {
            "partNumber": part["partNumber"],
            "revision": revision,
            "description": input.get("description") or part["description"],
            "trackingType": part["trackingType"],
            "supplierPartNumber": part["supplierPartNumber"],
            "unitOfMeasureId": part["unitOfMeasureId"],
            "thumbnailId": part["thumbnailId"],
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    for item in store.sql("SELECT partId, quantity FROM mbom_items WHERE parentId = ?", (part["id"],)):
        store.insert("mbom_items", {"partId": item["partId"], "parentId": new_part["id"], "quantity": item["quantity"]})
    return {"part": new_part}


def update_part(store: Store, input: Input) -> dict[str, Any]:
    part = row_of(store, "Part", input["id"])
    store.check_etag("parts", part, input["etag"])
    changes = given(input, "description", "trackingType", "supplierPartNumber")
    if "unitOfMeasureId" in input:
        unit = optional_row(store, "UnitOfMeasurement", input["unitOfMeasureId"])
        changes["unitOfMeasureId"] = unit["id"] if unit else None
    if changes.get("trackingType") is not None:
        for inventory in store.sql("SELECT id, quantity FROM part_inventories WHERE partId = ?", (part["id"],)):
            problem = inventory_quantity_problem(changes["trackingType"], inventory["quantity"])
            if problem:
                raise RuleViolation(
                    f"Part {part['id']} cannot become {changes['trackingType']}-tracked: inventory "
                    f"{inventory['id']} has {problem}. Fix that inventory first."
                )
    changes["updatedById"] = ME_USER_ID
    return {"part": store.update("parts", part["id"], changes, input["etag"])}


def _inventory_problem(part: Row, quantity: float) -> None:
    problem = inventory_quantity_problem(part["trackingType"], quantity)
    if problem:
        raise RuleViolation(f"Part {part['partNumber']} rev {part['revision']} (part {part['id']}): {problem}.")


def _ensure_serial_unique(store: Store, part: Row, serial: str, inventory_id: int | None = None) -> None:
    found = store.sql(
        "SELECT id FROM part_inventories WHERE partId = ? AND serialNumber = ? AND id IS NOT ?",
        (part["id"], serial, inventory_id),
    )
    if found:
        raise RuleViolation(
            f"Serial number {serial!r} is not unique for part {part['partNumber']} (part "
            f"{part['id']}): inventory {found[0]['id']} has it. Serial numbers are unique per part."
        )


def _generated_number(store: Store, part: Row, column: str, prefix: str) -> str:
    count = int(store.scalar("SELECT COUNT(*) FROM part_inventories WHERE partId = ?", (part["id"],)))
    while True:
        count += 1
        candidate = f"{prefix}-{part['id']}-{count:05d}"
        if not store.sql(
            f'SELECT 1 FROM part_inventories WHERE partId = ? AND "{column}" = ?', (part["id"], candidate)
        ):
            return candidate


def create_part_inventory(store: Store, input: Input) -> dict[str, Any]:
    part = row_of(store, "Part", input["partId"])
    quantity = input.get("quantity")
    quantity = 1.0 if quantity is None else quantity
    _inventory_problem(part, quantity)
    serial = input.get("serialNumber")
    lot = input.get("lotNumber")
    if part["trackingType"] == "SERIAL" and not serial:
        serial = _generated_number(store, part, "serialNumber", "SN")
    if part["trackingType"] == "LOT" and not lot:
        lot = _generated_number(store, part, "lotNumber", "LOT")
    if serial:
        _ensure_serial_unique(store, part, serial)
    location = optional_row(store, "Location", input.get("locationId"))
    unit = optional_row(store, "UnitOfMeasurement", input.get("unitOfMeasureId"))
    inventory = store.insert(
        "part_inventories",
        {
            "partId": part["id"],
            "quantity": quantity,
            "quantityAvailable": quantity_available("AVAILABLE", quantity),
            "status": "AVAILABLE",
            "serialNumber": serial,
            "lotNumber": lot,
            "locationId": location["id"] if location else None,
            "unitOfMeasureId": unit["id"] if unit else part["unitOfMeasureId"],
            "cost": input.get("cost"),
            "installed": 0,
            "kitted": 0,
            "received": 1,
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    return {"partInventory": inventory}


def update_part_inventory(store: Store, input: Input) -> dict[str, Any]:
    inventory = row_of(store, "PartInventory", input["id"])
    store.check_etag("part_inventories", inventory, input["etag"])
    part = store.require("parts", inventory["partId"])
    changes = given(input, "lotNumber", "cost")
    if input.get("quantity") is not None:
        _inventory_problem(part, input["quantity"])
        changes["quantity"] = input["quantity"]
        changes["quantityAvailable"] = quantity_available(inventory["status"], input["quantity"])
    if "serialNumber" in input:
        serial = input["serialNumber"]
        if not serial and part["trackingType"] == "SERIAL":
            raise RuleViolation(
                f"Part inventory {inventory['id']} is serial-tracked: its serial number cannot be removed."
            )
        if serial:
            _ensure_serial_unique(store, part, serial, inventory["id"])
        changes["serialNumber"] = serial or None
    for key, type_name in (("locationId", "Location"), ("unitOfMeasureId", "UnitOfMeasurement")):
        if key in input:
            target = optional_row(store, type_name, input[key])
            changes[key] = target["id"] if target else None
    changes["updatedById"] = ME_USER_ID
    return {"partInventory": store.update("part_inventories", inventory["id"], changes, input["etag"])}


_INVENTORY_REFERENCES = (
    ("runs", "partInventoryId", "run"),
    ("issues", "partInventoryId", "issue"),
    ("receipt_items", "partInventoryId", "receipt item"),
    ("abom_installations", "partInventoryId", "aBOM installation"),
    ("build_requirements", "partInventoryId", "build requirement"),
    ("abom_items", "partInventoryId", "aBOM item"),
)


def delete_part_inventory(store: Store, id: Any, etag: str) -> dict[str, Any]:
    inventory = row_of(store, "PartInventory", id)
    store.check_etag("part_inventories", inventory, etag)
    for table, column, what in _INVENTORY_REFERENCES:
        found = store.sql(f'SELECT id FROM {table} WHERE "{column}" = ? LIMIT 1', (inventory["id"],))
        if found:
            raise RuleViolation(
                f"Part inventory {inventory['id']} is used by {what} {found[0]['id']}, so it cannot "
                "be deleted; remove that reference first."
            )
    store.delete("part_inventories", inventory["id"], etag)
    return {"id": inventory["id"]}
