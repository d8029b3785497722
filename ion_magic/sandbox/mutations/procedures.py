"""Procedure, step, step-field, step-dependency and datagrid mutations."""

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
from ion_magic.sandbox.store import (
    RuleViolation,
    Store,
)


def create_procedure(
    store: Store,
    title: str,
    description: str | None = None,
    exportControlled: bool | None = None,
    type: str | None = None,
) -> dict[str, Any]:
    procedure = store.insert(
        "procedures",
        {
            "title": required_text(title, "The procedure title"),
            "description": description,
            "type": type,
            "exportControlled": bool(exportControlled),
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    store.execute("UPDATE procedures SET familyId = id WHERE id = ?", (procedure["id"],))
    return {"procedure": store.require("procedures", procedure["id"])}


def _step_parent(store: Store, procedure: Row, parent_value: Any) -> Row | None:
    parent = optional_row(store, "Step", parent_value)
    if parent and parent["procedureId"] != procedure["id"]:
        raise RuleViolation(
            f"Step {parent['id']} belongs to procedure {parent['procedureId']}, not procedure "
            f"{procedure['id']}; a parent step must be in the same procedure."
        )
    return parent


def _sibling_position(store: Store, procedure_id: int, parent: Row | None, position: int | None) -> int:
    where, params = ("procedureId = ? AND parentId IS ?", (procedure_id, parent["id"] if parent else None))
    if position is None:
        return store.next_position("steps", where, params)
    store.execute(f"UPDATE steps SET position = position + 1 WHERE {where} AND position >= ?", (*params, position))
    return position


def create_step(store: Store, input: Input) -> dict[str, Any]:
    procedure = row_of(store, "Procedure", input["procedureId"])
    parent = _step_parent(store, procedure, input.get("parentId"))
    location = optional_row(store, "Location", input.get("locationId"))
    step = store.insert(
        "steps",
        {
            "procedureId": procedure["id"],
            "parentId": parent["id"] if parent else None,
            "title": required_text(input["title"], "The step title"),
            "type": input.get("type") or "CONTENT",
            "position": _sibling_position(store, procedure["id"], parent, input.get("position")),
            "content": input.get("content"),
            "slateContent": input.get("slateContent"),
            "leadTime": input.get("leadTime"),
            "locationId": location["id"] if location else None,
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    store.execute("UPDATE steps SET familyId = id WHERE id = ?", (step["id"],))
    return {"step": store.require("steps", step["id"])}


def update_step(store: Store, input: Input) -> dict[str, Any]:
    step = row_of(store, "Step", input["id"])
    store.check_etag("steps", step, input["etag"])
    changes = given(input, "title", "type", "position", "content", "slateContent", "leadTime")
    if "locationId" in input:
        location = optional_row(store, "Location", input["locationId"])
        changes["locationId"] = location["id"] if location else None
    if "title" in changes:
        changes["title"] = required_text(changes["title"], "The step title")
    changes["updatedById"] = ME_USER_ID
    return {"step": store.update("steps", step["id"], changes, input["etag"])}


_STEP_COPY_COLUMNS = ("title", "type", "content", "slateContent", "leadTime", "locationId", "locationSubtypeId")


def _copy_step(store: Store, source: Row, procedure_id: int, parent_id: int | None, position: int) -> Row:
    standard = source["id"] if source["isStandardStep"] else source["standardStepId"]
    copy = store.insert(
        "steps",
        {
            **{column: source[column] for column in _STEP_COPY_COLUMNS},
            "procedureId": procedure_id,
            "parentId": parent_id,
            "position": position,
            "originStepId": source["id"],
            "isDerivedStep": 1 if standard else 0,
            "isChildStandardStep": 1 if parent_id and standard else 0,
            "standardStepId": standard,
            "standardStepFamilyId": source["standardStepFamilyId"],
            "standardStepStatus": source["standardStepStatus"],
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    store.execute("UPDATE steps SET familyId = id WHERE id = ?", (copy["id"],))
    for field in store.rows("step_fields", "SELECT * FROM step_fields WHERE stepId = ? ORDER BY id", (source["id"],)):
        kept = {
            key: value for key, value in field.items() if key not in ("id", "_etag", "createdAt", "updatedAt", "stepId")
        }
        new_field = store.insert("step_fields", {**kept, "stepId": copy["id"]})
        for validation in store.sql("SELECT functionId FROM field_validations WHERE fieldId = ?", (field["id"],)):
            store.insert("field_validations", {"fieldId": new_field["id"], "functionId": validation["functionId"]})
    for table in ("datagrid_columns", "datagrid_rows"):
        for cell in store.rows(table, f'SELECT * FROM {table} WHERE stepId = ? ORDER BY "index", id', (source["id"],)):
            kept = {
                key: value
                for key, value in cell.items()
                if key not in ("id", "_etag", "createdAt", "updatedAt", "stepId", "prevId")
            }
            store.insert(table, {**kept, "stepId": copy["id"]})
    for attribute in store.sql(
        "SELECT key, value, type FROM attributes WHERE ownerType = 'Step' AND ownerId = ?", (source["id"],)
    ):
        store.insert("attributes", {**attribute, "ownerType": "Step", "ownerId": copy["id"]})
    store.execute(
        "INSERT INTO entity_labels (entityId, labelId) SELECT ?, labelId FROM entity_labels WHERE entityId = ?",
        (copy["entityId"], source["entityId"]),
    )
    for child in store.rows("steps", "SELECT * FROM steps WHERE parentId = ? ORDER BY position, id", (source["id"],)):
        _copy_step(store, child, procedure_id, copy["id"], child["position"])
    return store.require("steps", copy["id"])


def copy_step(store: Store, input: Input) -> dict[str, Any]:
    source = row_of(store, "Step", input["stepId"])
    procedure = row_of(store, "Procedure", input["procedureId"])
    parent = _step_parent(store, procedure, input.get("parentId"))
    position = _sibling_position(store, procedure["id"], parent, None)
    return {"step": _copy_step(store, source, procedure["id"], parent["id"] if parent else None, position)}


def create_step_field(store: Store, input: Input) -> dict[str, Any]:
    step = row_of(store, "Step", input["stepId"])
    references = {}
    for key, type_name in (("signoffRoleId", "Role"), ("partId", "Part"), ("partSubtypeId", "PartSubtype")):
        target = optional_row(store, type_name, input.get(key))
        references[key] = target["id"] if target else None
    field = store.insert(
        "step_fields",
        {
            "stepId": step["id"],
            "name": required_text(input["name"], "The field name"),
            "type": input["type"],
            "position": store.next_position("step_fields", "stepId = ?", (step["id"],)),
            "required": bool(input.get("required")),
            "allowNotApplicable": bool(input.get("allowNotApplicable")),
            "allowedIonType": input.get("allowedIonType"),
            "display": input.get("display"),
            "options": input.get("options"),
            "unit": input.get("unit"),
            "peerReviewRequired": bool(input.get("peerReviewRequired")),
            **references,
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    return {"stepField": field}


def create_step_edge(store: Store, input: Input) -> dict[str, Any]:
    step = row_of(store, "Step", input["stepId"])
    upstream = row_of(store, "Step", input["upstreamStepId"])
    if step["id"] == upstream["id"]:
        raise RuleViolation("A step cannot depend on itself.")
    if step["procedureId"] != upstream["procedureId"]:
        raise RuleViolation(
            f"Steps {step['id']} and {upstream['id']} are in different procedures; dependencies "
            "link steps of one procedure."
        )
    existing = store.sql(
        "SELECT id FROM step_edges WHERE stepId = ? AND upstreamStepId = ?", (step["id"], upstream["id"])
    )
    if existing:
        raise RuleViolation(
            f"The dependency of step {step['id']} on step {upstream['id']} is not unique: step edge "
            f"{existing[0]['id']} exists."
        )
    cycle = store.scalar(
        "WITH RECURSIVE above(id) AS (SELECT ? UNION SELECT e.upstreamStepId FROM step_edges e JOIN above a "
        "ON e.stepId = a.id) SELECT 1 FROM above WHERE id = ?",
        (upstream["id"], step["id"]),
    )
    if cycle:
        raise RuleViolation(
            f"Step {step['id']} already comes before step {upstream['id']}; this dependency would make a cycle."
        )
    edge = store.insert(
        "step_edges",
        {"stepId": step["id"], "upstreamStepId": upstream["id"], "createdById": ME_USER_ID, "updatedById": ME_USER_ID},
    )
    return {"stepEdge": edge}


def _datagrid_owner(store: Store, input: Input) -> tuple[str, int]:
    if (input.get("stepId") is None) == (input.get("runStepId") is None):
        raise RuleViolation("Give exactly one of stepId (a procedure step) or runStepId (a run step).")
    if input.get("stepId") is not None:
        return "stepId", row_of(store, "Step", input["stepId"])["id"]
    return "runStepId", row_of(store, "RunStep", input["runStepId"])["id"]


def create_datagrid_column(store: Store, input: Input) -> dict[str, Any]:
    owner, owner_id = _datagrid_owner(store, input)
    last = store.sql(
        f'SELECT id, "index" FROM datagrid_columns WHERE "{owner}" = ? ORDER BY "index" DESC LIMIT 1', (owner_id,)
    )
    role = optional_row(store, "Role", input.get("signoffRoleId"))
    column = store.insert(
        "datagrid_columns",
        {
            owner: owner_id,
            "header": required_text(input["header"], "The column header"),
            "type": input.get("type") or "STRING",
            "index": last[0]["index"] + 1 if last else 0,
            "prevId": last[0]["id"] if last else None,
            "options": input.get("options"),
            "unit": input.get("unit"),
            "editable": input.get("editable") is not False,
            "settable": 1,
            "signoffRoleId": role["id"] if role else None,
        },
    )
    return {"datagridColumn": column}


def create_datagrid_row(store: Store, input: Input) -> dict[str, Any]:
    owner, owner_id = _datagrid_owner(store, input)
    last = store.sql(
        f'SELECT id, "index" FROM datagrid_rows WHERE "{owner}" = ? ORDER BY "index" DESC LIMIT 1', (owner_id,)
    )
    row = store.insert(
        "datagrid_rows",
        {
            owner: owner_id,
            "index": last[0]["index"] + 1 if last else 0,
            "prevId": last[0]["id"] if last else None,
            "required": bool(input.get("required")),
            "allowNotApplicable": bool(input.get("allowNotApplicable")),
        },
    )
    return {"datagridRow": row}


def set_datagrid_value(store: Store, input: Input) -> dict[str, Any]:
    row = row_of(store, "DatagridRow", input["rowId"])
    column = row_of(store, "DatagridColumn", input["columnId"])
    if (row["stepId"], row["runStepId"]) != (column["stepId"], column["runStepId"]):
        raise RuleViolation(f"Datagrid row {row['id']} and column {column['id']} belong to different datagrids.")
    values = {"value": input.get("value"), "notApplicable": bool(input.get("notApplicable")), "type": column["type"]}
    if column["type"] == "SIGNOFF" and input.get("value") is not None:
        values.update(ionValueType="User", ionValueId=ME_USER_ID)
    existing = store.sql("SELECT id FROM datagrid_values WHERE rowId = ? AND columnId = ?", (row["id"], column["id"]))
    if existing:
        value = store.update(
            "datagrid_values", existing[0]["id"], values, input.get("etag"), check=input.get("etag") is not None
        )
    else:
        value = store.insert("datagrid_values", {"rowId": row["id"], "columnId": column["id"], **values})
    return {"datagridValue": value}
