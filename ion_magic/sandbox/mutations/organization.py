"""Mutations on the organisation around the work: files, labels, roles, teams, locations, units,
barcode labels, rules (ION Actions), API keys and notifications.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import uuid
from typing import Any

from ion_magic.sandbox.context import ME_USER_ID, Row
from ion_magic.sandbox.mutations.inputs import (
    Input,
    entity_of,
    given,
    optional_row,
    required_text,
    row_of,
)
from ion_magic.sandbox.rules import attachment_urls
from ion_magic.sandbox.scalars import to_id
from ion_magic.sandbox.store import (
    NotFound,
    RuleViolation,
    Store,
)
from ion_magic.sandbox.type_tables import TABLE_OF_TYPE

_BARCODE_ENTITY_TYPES = {"LOCATIONS": "Location", "PARTS": "Part", "PART_INVENTORIES": "PartInventory", "RUNS": "Run"}


def create_file_attachment(store: Store, input: Input) -> dict[str, Any]:
    entity = entity_of(store, input["entityId"])
    filename = required_text(input["filename"], "The filename")
    content_type = input.get("contentType") or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    urls = attachment_urls(entity["entityType"], entity["id"], uuid.uuid4().hex, filename)
    attachment = store.insert(
        "file_attachments", {"entityId": entity["id"], "filename": filename, "contentType": content_type, **urls}
    )
    return {"fileAttachment": attachment, "uploadUrl": f"{urls['url']}?X-Amz-Signature={secrets.token_hex(16)}"}


def create_label(store: Store, input: Input) -> dict[str, Any]:
    value = required_text(input["value"], "The label value")
    label = store.insert(
        "labels", {"value": value, "color": input.get("color"), "createdById": ME_USER_ID, "updatedById": ME_USER_ID}
    )
    return {"label": label}


def add_label_to_procedure_family(store: Store, input: Input) -> dict[str, Any]:
    label = row_of(store, "Label", input["labelId"])
    family_id = to_id(input["familyId"], "family id")
    if not store.sql("SELECT 1 FROM procedures WHERE familyId = ?", (family_id,)):
        raise NotFound(f"Procedure family {family_id} does not exist; use a procedure's familyId.")
    store.execute(
        "INSERT OR IGNORE INTO procedure_family_labels (familyId, labelId) VALUES (?, ?)", (family_id, label["id"])
    )
    return {"labelId": label["id"], "familyId": family_id}


def add_label_to_item(store: Store, input: Input) -> dict[str, Any]:
    entity = entity_of(store, input["entityId"])
    label = row_of(store, "Label", input["labelId"])
    store.execute("INSERT OR IGNORE INTO entity_labels (entityId, labelId) VALUES (?, ?)", (entity["id"], label["id"]))
    return {"entityId": entity["id"], "labelId": label["id"]}


def remove_label_from_item(store: Store, input: Input) -> dict[str, Any]:
    entity = entity_of(store, input["entityId"])
    label = row_of(store, "Label", input["labelId"])
    store.execute("DELETE FROM entity_labels WHERE entityId = ? AND labelId = ?", (entity["id"], label["id"]))
    return {"entityId": entity["id"], "labelId": label["id"]}


def create_role(store: Store, input: Input) -> dict[str, Any]:
    return {
        "role": store.insert(
            "roles", {"name": required_text(input["name"], "The role name"), "description": input.get("description")}
        )
    }


def attach_permission_group_to_role(store: Store, input: Input) -> dict[str, Any]:
    role = row_of(store, "Role", input["roleId"])
    group = row_of(store, "PermissionGroup", input["permissionGroupId"])
    store.execute(
        "INSERT OR IGNORE INTO role_permission_groups (roleId, permissionGroupId) VALUES (?, ?)",
        (role["id"], group["id"]),
    )
    return {"role": store.touch("roles", role["id"])}


def add_user_to_team(store: Store, input: Input) -> dict[str, Any]:
    user = row_of(store, "User", input["userId"])
    team = row_of(store, "Team", input["teamId"])
    store.execute("INSERT OR IGNORE INTO team_users (teamId, userId) VALUES (?, ?)", (team["id"], user["id"]))
    return {"teamId": team["id"], "userId": user["id"]}


def create_location(store: Store, input: Input) -> dict[str, Any]:
    parent = optional_row(store, "Location", input.get("parentId"))
    subtype = optional_row(store, "LocationSubtype", input.get("locationSubtypeId"))
    location = store.insert(
        "locations",
        {
            "name": required_text(input["name"], "The location name"),
            "description": input.get("description"),
            "parentId": parent["id"] if parent else None,
            "locationSubtypeId": subtype["id"] if subtype else None,
        },
    )
    return {"location": location}


def delete_location(store: Store, id: Any, etag: str) -> dict[str, Any]:
    location = row_of(store, "Location", id)
    store.check_etag("locations", location, etag)
    stored = int(store.scalar("SELECT COUNT(*) FROM part_inventories WHERE locationId = ?", (location["id"],)))
    if stored:
        raise RuleViolation(
            f"Location {location['id']} {location['name']!r} still holds {stored} inventory records; "
            "move them first (updatePartInventory with another locationId)."
        )
    inner = store.sql("SELECT id FROM locations WHERE parentId = ? LIMIT 1", (location["id"],))
    if inner:
        raise RuleViolation(
            f"Location {location['id']} {location['name']!r} contains location {inner[0]['id']}; "
            "delete or move the inner locations first."
        )
    store.execute("UPDATE steps SET locationId = NULL WHERE locationId = ?", (location["id"],))
    store.delete("locations", location["id"], etag)
    return {"id": location["id"]}


def create_unit_of_measurement(store: Store, input: Input) -> dict[str, Any]:
    unit = required_text(input["type"], "The unit")
    return {"unitOfMeasurement": store.insert("units_of_measurement", {"type": unit})}


def render_barcode(template: str, values: dict[str, Any]) -> str:
    """Fill `{field}` placeholders of a ZPL template from an object's fields (unknown ones become empty)."""
    return re.sub(r"\{(\w+)\}", lambda match: "" if values.get(match[1]) is None else str(values[match[1]]), template)


def create_barcode_label(store: Store, input: Input) -> dict[str, Any]:
    entity = entity_of(store, input["entityId"])
    template = row_of(store, "BarcodeTemplate", input["templateId"])
    expected = _BARCODE_ENTITY_TYPES[template["entityType"]]
    if entity["entityType"] != expected:
        raise RuleViolation(
            f"Barcode template {template['id']} {template['name']!r} prints {template['entityType']} "
            f"labels, but entity {entity['id']} is a {entity['entityType']}."
        )
    subject = store.require(TABLE_OF_TYPE[expected], entity["objectId"])
    values = {**subject, "barcode": f"ION-{entity['id']}", "entityId": entity["id"]}
    return {"barcodeLabel": {"barcode": render_barcode(template["template"] or "", values)}}


def create_rule(store: Store, input: Input) -> dict[str, Any]:
    rule = store.insert(
        "rules",
        {
            "title": required_text(input["title"], "The rule title"),
            "target": input["target"],
            "ruleType": input["ruleType"],
            "eventType": input["eventType"],
            "enabled": input.get("enabled") is not False,
            "context": input.get("context"),
            "code": input.get("code"),
            "errorState": input.get("errorState") or "BLOCK",
        },
    )
    return {"rule": rule}


def _api_key(store: Store, client_id: str) -> Row:
    found = store.sql("SELECT id FROM api_keys WHERE clientId = ?", (client_id,))
    if not found:
        raise NotFound(f"No API key with clientId {client_id!r}; list them with the apiKeys query.")
    return store.require("api_keys", found[0]["id"])


def create_api_key(store: Store) -> dict[str, Any]:
    key = store.insert(
        "api_keys",
        {
            "clientId": f"ion-{secrets.token_hex(8)}",
            "clientSecret": secrets.token_urlsafe(32),
            "enabled": 1,
            "userId": ME_USER_ID,
        },
    )
    return {"apikey": key}


def update_api_key(store: Store, input: Input) -> dict[str, Any]:
    key = _api_key(store, input["clientId"])
    changes = given(input, "enabled")
    if input.get("regenerateSecret"):
        changes["clientSecret"] = secrets.token_urlsafe(32)
    etag = input.get("_etag")
    return {"apikey": store.update("api_keys", key["id"], changes, etag, check=etag is not None)}


def delete_api_key(store: Store, input: Input) -> dict[str, Any]:
    key = _api_key(store, input["clientId"])
    if input.get("_etag") is None:
        raise RuleViolation("deleteApiKey needs the key's current _etag in input._etag (query apiKeys for it).")
    store.delete("api_keys", key["id"], input["_etag"])
    return {"apikey": key}


def dispatch_notification(store: Store, input: Input) -> dict[str, Any]:
    user = row_of(store, "User", input["userId"])
    message_id = uuid.uuid4().hex
    store.insert(
        "notifications",
        {
            "userId": user["id"],
            "notificationType": input["notificationType"],
            "title": input.get("title"),
            "description": input.get("description"),
            "linkText": input.get("linkText"),
            "path": input.get("path"),
            "messageId": message_id,
        },
    )
    return {"response": {"messageId": message_id}}
