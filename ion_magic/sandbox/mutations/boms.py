"""aBOM and mBOM mutations, with ION's rules: an inventory is installed only into a build requirement of
its part, never into itself and never more than it holds; mBOM quantity > 0, (part, parent) unique, no
mBOM cycles.
"""

from __future__ import annotations

from typing import Any

from ion_magic.sandbox.context import Row
from ion_magic.sandbox.mutations.inputs import (
    Input,
    at_least,
    given,
    optional_row,
    required_text,
    row_of,
)
from ion_magic.sandbox.store import (
    RuleViolation,
    Store,
)


def create_abom_for_part_inventory(store: Store, id: Any, etag: str) -> dict[str, Any]:
    inventory = row_of(store, "PartInventory", id)
    store.check_etag("part_inventories", inventory, etag)
    existing = store.sql("SELECT id FROM abom_items WHERE partInventoryId = ? AND parentId IS NULL", (inventory["id"],))
    if existing:
        raise RuleViolation(
            f"Part inventory {inventory['id']} already has an aBOM (root aBOM item {existing[0]['id']})."
        )
    root = store.insert(
        "abom_items",
        {"partInventoryId": inventory["id"], "partId": inventory["partId"], "quantity": inventory["quantity"] or 1},
    )
    for item in store.sql("SELECT * FROM mbom_items WHERE parentId = ? ORDER BY id", (inventory["partId"],)):
        store.insert(
            "abom_items",
            {"parentId": root["id"], "partId": item["partId"], "mbomItemId": item["id"], "quantity": item["quantity"]},
        )
        if not store.sql(
            "SELECT 1 FROM build_requirements WHERE partInventoryId = ? AND originMbomItemId = ?",
            (inventory["id"], item["id"]),
        ):
            store.insert(
                "build_requirements",
                {
                    "partId": item["partId"],
                    "partInventoryId": inventory["id"],
                    "quantityPerParentPartInventory": item["quantity"],
                    "originMbomItemId": item["id"],
                },
            )
    store.touch("part_inventories", inventory["id"])
    return {"abomItem": root}


def update_abom_item(store: Store, input: Input) -> dict[str, Any]:
    item = row_of(store, "ABomItem", input["id"])
    store.check_etag("abom_items", item, input["etag"])
    changes = given(input, "quantity")
    at_least(changes.get("quantity"), 0, "An aBOM item quantity", strict=True)
    return {"abomItem": store.update("abom_items", item["id"], changes, input["etag"])}


def create_abom_installation(store: Store, input: Input) -> dict[str, Any]:
    requirement = row_of(store, "BuildRequirement", input["buildRequirementId"])
    inventory = row_of(store, "PartInventory", input["partInventoryId"])
    quantity = input["quantity"]
    if inventory["partId"] != requirement["partId"]:
        raise RuleViolation(
            f"Part inventory {inventory['id']} is of part {inventory['partId']}, but build "
            f"requirement {requirement['id']} needs part {requirement['partId']}."
        )
    if inventory["id"] == requirement["partInventoryId"]:
        raise RuleViolation("An inventory cannot be installed into itself.")
    if inventory["status"] in ("INSTALLED", "SCRAPPED", "ON_ORDER"):
        raise RuleViolation(f"Part inventory {inventory['id']} is {inventory['status']} and cannot be installed.")
    at_least(quantity, 0, "The installed quantity", strict=True)
    if quantity > inventory["quantity"]:
        raise RuleViolation(
            f"Cannot install {quantity:g} from part inventory {inventory['id']}: it holds only "
            f"{inventory['quantity']:g}."
        )
    installation = store.insert(
        "abom_installations",
        {
            "buildRequirementId": requirement["id"],
            "partInventoryId": inventory["id"],
            "quantity": quantity,
            "buildRequirementReferenceDesignatorId": input.get("buildRequirementReferenceDesignatorId"),
        },
    )
    store.update(
        "part_inventories",
        inventory["id"],
        {"status": "INSTALLED", "installed": 1, "kitted": 0, "quantityAvailable": 0.0},
        check=False,
    )
    return {"abomInstallation": installation}


def create_build_requirement(store: Store, input: Input) -> dict[str, Any]:
    part = row_of(store, "Part", input["partId"])
    inventory = row_of(store, "PartInventory", input["partInventoryId"])
    origin = optional_row(store, "MBomItem", input.get("originMbomItemId"))
    for key in ("quantityPerParentPartInventory", "fixedQuantityPerBuildRequirement"):
        at_least(input.get(key), 0, key, strict=False)
    requirement = store.insert(
        "build_requirements",
        {
            "partId": part["id"],
            "partInventoryId": inventory["id"],
            "quantityPerParentPartInventory": input.get("quantityPerParentPartInventory"),
            "fixedQuantityPerBuildRequirement": input.get("fixedQuantityPerBuildRequirement"),
            "madeOnAssembly": bool(input.get("madeOnAssembly")),
            "originMbomItemId": origin["id"] if origin else None,
        },
    )
    return {"buildRequirement": requirement}


def _check_mbom_link(store: Store, part: Row, parent: Row, quantity: float | None) -> None:
    if part["id"] == parent["id"]:
        raise RuleViolation(f"Part {part['id']} cannot be in its own mBOM.")
    if quantity is None or quantity <= 0:
        raise RuleViolation(f"mBOM item quantity must be greater than 0, got {quantity!r}.")
    cycle = store.scalar(
        "WITH RECURSIVE below(id) AS (SELECT ? UNION SELECT m.partId FROM mbom_items m JOIN below b "
        "ON m.parentId = b.id) SELECT 1 FROM below WHERE id = ?",
        (part["id"], parent["id"]),
    )
    if cycle:
        raise RuleViolation(
            f"Part {parent['id']} is already inside the mBOM of part {part['id']}; adding part "
            f"{part['id']} under it would make a cycle."
        )


def create_mbom_item(store: Store, input: Input) -> dict[str, Any]:
    part = row_of(store, "Part", input["partId"])
    parent = row_of(store, "Part", input["parentId"])
    existing = store.sql("SELECT id FROM mbom_items WHERE partId = ? AND parentId = ?", (part["id"], parent["id"]))
    if existing:
        raise RuleViolation(
            f"mBOM item for part {part['id']} under parent {parent['id']} is not unique: mBOM item "
            f"{existing[0]['id']} already links them; change its quantity instead."
        )
    _check_mbom_link(store, part, parent, input["quantity"])
    item = store.insert("mbom_items", {"partId": part["id"], "parentId": parent["id"], "quantity": input["quantity"]})
    return {"mbomItem": item}


def delete_mbom_item(store: Store, id: Any, etag: str) -> dict[str, Any]:
    item = row_of(store, "MBomItem", id)
    store.check_etag("mbom_items", item, etag)
    used = store.sql(
        "SELECT id FROM abom_items WHERE mbomItemId = ? UNION SELECT id FROM build_requirements "
        "WHERE originMbomItemId = ? LIMIT 1",
        (item["id"], item["id"]),
    )
    if used:
        raise RuleViolation(f"mBOM item {item['id']} is used in an aBOM, so it can't be deleted.")
    for table in ("mbom_item_reference_designators", "mbom_substitutes", "mbom_item_step_associations"):
        store.execute(f"DELETE FROM {table} WHERE mbomItemId = ?", (item["id"],))
    store.delete("mbom_items", item["id"], etag)
    return {"id": item["id"]}


def create_mbom_item_reference_designator(store: Store, input: Input) -> dict[str, Any]:
    item = row_of(store, "MBomItem", input["mbomItemId"])
    designator = store.insert(
        "mbom_item_reference_designators",
        {"mbomItemId": item["id"], "value": required_text(input["value"], "The reference designator")},
    )
    return {"mbomItemReferenceDesignator": designator}


def _import_rows(data: Input) -> list[tuple[int, Input, int | None]]:
    """(row index, row, parent row index) for each import row, from LEVEL or DEPTH notation."""
    if data["importerType"] == "LEVEL":
        rows = list(data.get("levelInputs") or [])
        index_of_level: dict[str, int] = {}
        linked: list[tuple[int, Input, int | None]] = []
        for index, row in enumerate(rows):
            level = row["level"].strip()
            index_of_level[level] = index
            parent_level = level.rpartition(".")[0]
            linked.append((index, row, index_of_level.get(parent_level) if parent_level else None))
        return linked
    rows = list(data.get("depthInputs") or [])
    stack: list[tuple[int, int]] = []
    linked = []
    for index, row in enumerate(rows):
        depth = row["depth"]
        while stack and stack[-1][0] >= depth:
            stack.pop()
        linked.append((index, row, stack[-1][1] if stack and stack[-1][0] == depth - 1 else None))
        stack.append((depth, index))
    return linked


def _import_parent_missing(data: Input, row: Input) -> bool:
    if data["importerType"] == "LEVEL":
        return "." in row["level"].strip()
    return row["depth"] > 0


def create_or_update_multiple_mboms(store: Store, input: Input) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    new_rows: list[int] = []
    parts_of_rows: dict[int, Row] = {}
    for index, row, parent_index in _import_rows(input):
        part_number = (row.get("partNumber") or "").strip()
        revision = (row.get("revision") or "").strip()
        candidates = store.sql("SELECT * FROM parts WHERE partNumber = ?", (part_number,))
        if revision:
            candidates = [part for part in candidates if part["revision"] == revision]
        if not candidates:
            errors.append(
                {
                    "rowId": index,
                    "errorMsg": f"No part {part_number!r}"
                    + (f" revision {revision!r}" if revision else "")
                    + "; create it first.",
                }
            )
            continue
        part = max(candidates, key=lambda candidate: (len(candidate["revision"]), candidate["revision"]))
        parts_of_rows[index] = part
        if parent_index is None:
            if _import_parent_missing(input, row):
                errors.append({"rowId": index, "errorMsg": "No parent row above this one at the level before."})
            continue
        parent = parts_of_rows.get(parent_index)
        if parent is None:
            errors.append({"rowId": index, "errorMsg": f"Its parent row {parent_index} failed."})
            continue
        quantity = 1.0 if row.get("quantity") is None else row["quantity"]
        existing = store.sql("SELECT id FROM mbom_items WHERE partId = ? AND parentId = ?", (part["id"], parent["id"]))
        try:
            if existing:
                if quantity <= 0:
                    raise RuleViolation(f"mBOM item quantity must be greater than 0, got {quantity!r}.")
                item_id = existing[0]["id"]
                store.update("mbom_items", item_id, {"quantity": quantity}, check=False)
            else:
                _check_mbom_link(store, part, parent, quantity)
                item_id = store.insert(
                    "mbom_items", {"partId": part["id"], "parentId": parent["id"], "quantity": quantity}
                )["id"]
                new_rows.append(index)
        except RuleViolation as violation:
            errors.append({"rowId": index, "errorMsg": str(violation)})
            continue
        for substitute_number in filter(None, (text.strip() for text in (row.get("substitutes") or "").split(","))):
            substitute = store.sql("SELECT id FROM parts WHERE partNumber = ? ORDER BY id DESC", (substitute_number,))
            if not substitute:
                errors.append({"rowId": index, "errorMsg": f"No substitute part {substitute_number!r}."})
            elif not store.sql(
                "SELECT 1 FROM mbom_substitutes WHERE mbomItemId = ? AND partId = ?", (item_id, substitute[0]["id"])
            ):
                store.insert("mbom_substitutes", {"mbomItemId": item_id, "partId": substitute[0]["id"]})
    return {"errorMessages": errors, "newMbomRowIds": new_rows}
