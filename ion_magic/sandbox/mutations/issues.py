"""Issue mutations; issue attributes are versioned with their issue (`Etag` is the issue's `_etag`)."""

from __future__ import annotations

from typing import Any

from ion_magic.sandbox.context import ME_USER_ID
from ion_magic.sandbox.mutations.inputs import (
    Input,
    given,
    optional_row,
    row_of,
    set_owned_attribute,
)
from ion_magic.sandbox.store import (
    Store,
    utc_now,
)


def _issue_references(store: Store, input: Input) -> dict[str, Any]:
    references: dict[str, Any] = {}
    for key, type_name in (
        ("partInventoryId", "PartInventory"),
        ("runId", "Run"),
        ("runStepId", "RunStep"),
        ("assignedToId", "User"),
    ):
        if key in input:
            target = optional_row(store, type_name, input[key])
            references[key] = target["id"] if target else None
    return references


def create_issue(store: Store, input: Input) -> dict[str, Any]:
    values = given(
        input, "title", "description", "quantity", "cause", "disposition", "causeCondition", "expectedCondition"
    )
    issue = store.insert(
        "issues",
        {
            **values,
            **_issue_references(store, input),
            "status": "PENDING",
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    return {"issue": issue}


def update_issue(store: Store, input: Input) -> dict[str, Any]:
    issue = row_of(store, "Issue", input["id"])
    store.check_etag("issues", issue, input["etag"])
    changes = given(
        input, "title", "description", "quantity", "cause", "disposition", "causeCondition", "expectedCondition"
    )
    changes.update(_issue_references(store, input))
    if input.get("status") is not None:
        changes["status"] = input["status"]
        changes["resolvedAt"] = utc_now() if input["status"] == "RESOLVED" else None
    changes["updatedById"] = ME_USER_ID
    return {"issue": store.update("issues", issue["id"], changes, input["etag"])}


def update_issue_attribute(store: Store, input: Input) -> dict[str, Any]:
    attribute, issue = set_owned_attribute(store, "Issue", input["issueId"], input)
    return {"issueAttribute": {**attribute, "Etag": issue["_etag"], "issueId": issue["id"]}}
