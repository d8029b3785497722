"""Run mutations: creating runs from procedures, run steps and their fields, run attributes.

A run's status is derived from its steps after every change (see `rules.derive_run_status`).
"""

from __future__ import annotations

import contextlib
from typing import Any

from ion_magic.sandbox.context import ME_USER_ID, Row
from ion_magic.sandbox.mutations.inputs import (
    Input,
    given,
    optional_row,
    required_text,
    row_of,
    set_owned_attribute,
)
from ion_magic.sandbox.rules import derive_run_status
from ion_magic.sandbox.store import (
    RuleViolation,
    Store,
    utc_now,
)


def refresh_run_status(store: Store, run_id: int) -> Row:
    """Derive the run's status from its steps again; a change gives the run a new `_etag`."""
    run = store.require("runs", run_id)
    statuses = [row["status"] for row in store.sql("SELECT status FROM run_steps WHERE runId = ?", (run_id,))]
    status = derive_run_status(statuses)
    if status == run["status"]:
        return run
    changes: dict[str, Any] = {"status": status, "completedAt": utc_now() if status == "COMPLETE" else None}
    if status != "TODO" and run["startedAt"] is None:
        changes["startedAt"] = utc_now()
    return store.update("runs", run_id, changes, check=False)


def _copy_procedure_steps(store: Store, procedure_id: int, run_id: int) -> None:
    steps = store.rows("steps", "SELECT * FROM steps WHERE procedureId = ? ORDER BY position, id", (procedure_id,))
    by_parent: dict[int | None, list[Row]] = {}
    for step in steps:
        by_parent.setdefault(step["parentId"], []).append(step)
    ordered: list[Row] = []

    def visit(parent: int | None) -> None:
        for step in by_parent.get(parent, []):
            ordered.append(step)
            visit(step["id"])

    visit(None)
    for position, step in enumerate(ordered, 1):
        run_step = store.insert(
            "run_steps",
            {
                "runId": run_id,
                "stepId": step["id"],
                "title": step["title"],
                "content": step["content"],
                "status": "TODO",
                "position": position,
                "createdById": ME_USER_ID,
            },
        )
        for field in store.sql("SELECT * FROM step_fields WHERE stepId = ? ORDER BY position, id", (step["id"],)):
            store.insert(
                "run_step_fields",
                {
                    "runStepId": run_step["id"],
                    "name": field["name"],
                    "type": field["type"],
                    "required": field["required"],
                    "unit": field["unit"],
                    "position": field["position"],
                },
            )


def create_run(store: Store, input: Input) -> dict[str, Any]:
    procedure = row_of(store, "Procedure", input["procedureId"])
    inventory = optional_row(store, "PartInventory", input.get("partInventoryId"))
    part = optional_row(store, "Part", input.get("partId"))
    if inventory and part and inventory["partId"] != part["id"]:
        raise RuleViolation(
            f"Part inventory {inventory['id']} is of part {inventory['partId']}, not part "
            f"{part['id']}: give a matching partId, or leave partId out."
        )
    part_id = part["id"] if part else (inventory["partId"] if inventory else None)
    run = store.insert(
        "runs",
        {
            "title": required_text(input["title"], "The run title"),
            "procedureId": procedure["id"],
            "partInventoryId": inventory["id"] if inventory else None,
            "partId": part_id,
            "status": "TODO",
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    _copy_procedure_steps(store, procedure["id"], run["id"])
    return {"run": refresh_run_status(store, run["id"])}


def create_run_step(store: Store, input: Input) -> dict[str, Any]:
    run = row_of(store, "Run", input["runId"])
    position = input.get("position")
    if position is None:
        position = store.next_position("run_steps", "runId = ?", (run["id"],))
    else:
        store.execute(
            "UPDATE run_steps SET position = position + 1 WHERE runId = ? AND position >= ?", (run["id"], position)
        )
    step = store.insert(
        "run_steps",
        {
            "runId": run["id"],
            "title": required_text(input["title"], "The step title"),
            "content": input.get("content"),
            "status": "REDLINE",
            "position": position,
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    refresh_run_status(store, run["id"])
    return {"step": step}


def update_run_step(store: Store, input: Input) -> dict[str, Any]:
    step = row_of(store, "RunStep", input["id"])
    store.check_etag("run_steps", step, input["etag"])
    changes = given(input, "title", "content")
    status = input.get("status")
    if status is not None:
        if status == "COMPLETE":
            missing = [
                row["name"]
                for row in store.sql(
                    "SELECT name FROM run_step_fields WHERE runStepId = ? AND required = 1 AND value IS NULL "
                    "ORDER BY position, id",
                    (step["id"],),
                )
            ]
            if missing:
                names = ", ".join(repr(name) for name in missing)
                raise RuleViolation(
                    f"Run step {step['id']} cannot be COMPLETE: required field(s) {names} have no "
                    "value; set them with updateRunStepFieldValue first."
                )
        changes["status"] = status
        changes["completedAt"] = utc_now() if status == "COMPLETE" else None
    changes["updatedById"] = ME_USER_ID
    updated = store.update("run_steps", step["id"], changes, input["etag"])
    refresh_run_status(store, step["runId"])
    return {"runStep": updated}


def create_run_step_field(store: Store, input: Input) -> dict[str, Any]:
    step = row_of(store, "RunStep", input["runStepId"])
    field = store.insert(
        "run_step_fields",
        {
            "runStepId": step["id"],
            "name": required_text(input["name"], "The field name"),
            "type": input["type"],
            "required": bool(input.get("required")),
            "unit": input.get("unit"),
            "position": store.next_position("run_step_fields", "runStepId = ?", (step["id"],)),
        },
    )
    return {"runStepField": field}


def _field_value(field: Row, value: Any) -> Any:
    """Check a run-step field value against the field's type (numbers may come as numeric strings)."""
    field_type = field["type"]
    if value is None:
        return None
    if field_type in ("BOOLEAN", "SIGNOFF"):
        ok = isinstance(value, bool)
        expected = "true or false"
    elif field_type == "NUMBER":
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        expected = "a number"
    elif field_type == "MULTISELECT":
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        expected = "a list of strings"
    elif field_type == "FILE_ATTACHMENT":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())
        expected = "a file attachment id"
    else:
        ok = isinstance(value, str)
        expected = "a string"
    if not ok:
        raise RuleViolation(
            f"Run-step field {field['id']} {field['name']!r} is {field_type}: its value must be "
            f"{expected} (or null), got {value!r}."
        )
    return value


def update_run_step_field_value(store: Store, input: Input) -> dict[str, Any]:
    field = row_of(store, "RunStepField", input["id"])
    store.check_etag("run_step_fields", field, input["etag"])
    step = store.require("run_steps", field["runStepId"])
    if step["status"] in ("COMPLETE", "CANCELED"):
        raise RuleViolation(
            f"Run step {step['id']} is {step['status']}, so its fields are locked; set the step "
            "back to IN_PROGRESS with updateRunStep before changing them."
        )
    value = _field_value(field, input.get("value"))
    return {"runStepField": store.update("run_step_fields", field["id"], {"value": value}, input["etag"])}


def update_run_attribute(store: Store, input: Input) -> dict[str, Any]:
    attribute, run = set_owned_attribute(store, "Run", input["runId"], input)
    return {"runAttribute": {**attribute, "Etag": run["_etag"], "runId": run["id"], "entityId": run["entityId"]}}
