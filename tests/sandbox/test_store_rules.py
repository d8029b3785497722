"""ION's write rules in the sandbox: optimistic concurrency with `_etag`, the documented part, inventory and
mBOM rules, run status derived from step statuses, and failed mutations that change nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ion_magic.sandbox.rules import derive_run_status, next_revision
from ion_magic.sandbox.store import Store

from .results import data, error

ETAG = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def store(fresh_sandbox) -> Store:
    """A freshly seeded store per test (these tests write), served over HTTP by `execute`."""
    return fresh_sandbox.store


@pytest.fixture
def execute(fresh_sandbox, gql_for) -> Callable[..., dict[str, Any]]:
    return gql_for(fresh_sandbox)


UPDATE_STEP = """mutation ($input: UpdateRunStepInput!) {
  updateRunStep(input: $input) { runStep { id status _etag } } }"""
SET_VALUE = """mutation ($input: UpdateRunStepFieldValueInput!) {
  updateRunStepFieldValue(input: $input) { runStepField { id value _etag } } }"""


def run_status(execute, run_id: int) -> str:
    return data(execute("query ($id: ID!) { run(id: $id) { status } }", {"id": run_id}))["run"]["status"]


def test_ions_redline_flow_with_chained_etags(execute, store):
    """createRunStep -> TODO -> IN_PROGRESS -> field value -> COMPLETE, each with the etag the last answer gave."""
    created = data(
        execute("""mutation { createRun(input: {title: "Leak check, bench unit", procedureId: 7}) {
        run { id status steps { id status fields { id required } } } } }""")
    )["createRun"]["run"]
    run_id = created["id"]
    assert created["status"] == "TODO" and {step["status"] for step in created["steps"]} == {"TODO"}

    step = data(
        execute(
            """mutation ($run: ID!) { createRunStep(input: {runId: $run, title: "Redline: re-torque"}) {
        step { id status _etag } } }""",
            {"run": run_id},
        )
    )["createRunStep"]["step"]
    assert step["status"] == "REDLINE" and ETAG.match(step["_etag"])
    assert run_status(execute, run_id) == "REDLINE"

    todo = data(execute(UPDATE_STEP, {"input": {"id": step["id"], "status": "TODO", "etag": step["_etag"]}}))
    todo = todo["updateRunStep"]["runStep"]
    assert todo["status"] == "TODO" and todo["_etag"] != step["_etag"]
    assert run_status(execute, run_id) == "TODO"

    started = data(execute(UPDATE_STEP, {"input": {"id": step["id"], "status": "IN_PROGRESS", "etag": todo["_etag"]}}))
    started = started["updateRunStep"]["runStep"]
    assert run_status(execute, run_id) == "IN_PROGRESS"

    field = data(
        execute(
            """mutation ($step: ID!) { createRunStepField(input: {runStepId: $step,
        name: "Torque (in-lb)", type: NUMBER, required: true}) { runStepField { id value _etag } } }""",
            {"step": step["id"]},
        )
    )["createRunStepField"]["runStepField"]
    refused = execute(UPDATE_STEP, {"input": {"id": step["id"], "status": "COMPLETE", "etag": started["_etag"]}})
    assert "required field" in error(refused) and "Torque" in error(refused)

    valued = data(execute(SET_VALUE, {"input": {"id": field["id"], "value": 31.5, "etag": field["_etag"]}}))
    assert valued["updateRunStepFieldValue"]["runStepField"]["value"] == 31.5
    done = data(execute(UPDATE_STEP, {"input": {"id": step["id"], "status": "COMPLETE", "etag": started["_etag"]}}))
    assert done["updateRunStep"]["runStep"]["status"] == "COMPLETE"
    assert run_status(execute, run_id) == "IN_PROGRESS"  # the procedure's own steps are still TODO

    for original in created["steps"]:
        etag = store.sql("SELECT _etag FROM run_steps WHERE id = ?", (original["id"],))[0]["_etag"]
        for run_field in store.sql(
            "SELECT id, type, _etag FROM run_step_fields WHERE runStepId = ?", (original["id"],)
        ):
            value = {"BOOLEAN": True, "SIGNOFF": True, "NUMBER": 0.01}.get(run_field["type"], "ok")
            data(execute(SET_VALUE, {"input": {"id": run_field["id"], "value": value, "etag": run_field["_etag"]}}))
        data(execute(UPDATE_STEP, {"input": {"id": original["id"], "status": "COMPLETE", "etag": etag}}))
    assert run_status(execute, run_id) == "COMPLETE"
    assert store.sql("SELECT completedAt FROM runs WHERE id = ?", (run_id,))[0]["completedAt"] is not None


def test_a_stale_etag_fails_and_changes_nothing(execute, store):
    before = store.sql("SELECT * FROM run_steps WHERE id = 1135")[0]
    fresh = data(execute(UPDATE_STEP, {"input": {"id": 1135, "status": "TODO", "etag": before["_etag"]}}))
    after_first = store.sql("SELECT * FROM run_steps WHERE id = 1135")[0]
    assert fresh["updateRunStep"]["runStep"]["_etag"] == after_first["_etag"] != before["_etag"]

    stale = execute(UPDATE_STEP, {"input": {"id": 1135, "status": "IN_PROGRESS", "etag": before["_etag"]}})
    message = error(stale)
    assert "Etag mismatch for RunStep 1135" in message and "_etag" in message
    assert stale["data"]["updateRunStep"] is None
    assert store.sql("SELECT * FROM run_steps WHERE id = 1135")[0] == after_first


def test_the_manuals_redline_completion_derives_the_run_status(execute):
    """Run 372 is REDLINE through step 1135; setting 1135 to TODO leaves a mix of COMPLETE and TODO."""
    steps = data(execute("{ run(id: 372) { status steps { id status _etag } } }"))["run"]
    assert steps["status"] == "REDLINE"
    redline = next(step for step in steps["steps"] if step["id"] == 1135)
    data(execute(UPDATE_STEP, {"input": {"id": 1135, "status": "TODO", "etag": redline["_etag"]}}))
    assert run_status(execute, 372) == "IN_PROGRESS"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["COMPLETE", "HOLD", "REDLINE"], "REDLINE"),  # the manual: REDLINE takes precedence over HOLD
        (["REDLINE", "FAILED"], "REDLINE"),
        (["COMPLETE", "FAILED", "TODO"], "FAILED"),  # the manual: a FAILED step makes the run FAILED
        (["FAILED", "HOLD"], "FAILED"),
        (["COMPLETE", "HOLD", "TODO"], "HOLD"),
        (["COMPLETE", "COMPLETE"], "COMPLETE"),
        (["COMPLETE", "CANCELED"], "COMPLETE"),
        (["CANCELED", "CANCELED"], "CANCELED"),
        (["COMPLETE", "TODO"], "IN_PROGRESS"),
        (["IN_PROGRESS", "TODO"], "IN_PROGRESS"),
        (["TODO", "TODO"], "TODO"),
        ([], "TODO"),
    ],
)
def test_run_status_derivation(statuses, expected):
    assert derive_run_status(statuses) == expected


def test_every_seeded_run_has_the_status_its_steps_give(store):
    steps: dict[int, list[str]] = {}
    for row in store.sql("SELECT runId, status FROM run_steps"):
        steps.setdefault(row["runId"], []).append(row["status"])
    for run in store.sql("SELECT id, status FROM runs"):
        assert run["status"] == derive_run_status(steps.get(run["id"], [])), run


CREATE_PART = "mutation ($input: CreatePartInput!) { createPart(input: $input) { part { id partNumber revision } } }"


def test_create_part_defaults_to_revision_a_and_refuses_duplicates(execute, store):
    part = data(execute(CREATE_PART, {"input": {"partNumber": "BRK-777", "description": "Bracket"}}))["createPart"]
    assert part["part"]["revision"] == "A"
    count = store.scalar("SELECT COUNT(*) FROM parts")
    duplicate = execute(CREATE_PART, {"input": {"partNumber": "BRK-777", "description": "Again"}})
    assert "not unique" in error(duplicate)
    assert store.scalar("SELECT COUNT(*) FROM parts") == count
    revision_b = data(execute(CREATE_PART, {"input": {"partNumber": "BRK-777", "revision": "B"}}))["createPart"]
    assert revision_b["part"]["revision"] == "B"
    revised = data(
        execute(
            "mutation ($id: ID!) { createPartRevision(input: {partId: $id}) { part { revision } } }",
            {"id": part["part"]["id"]},
        )
    )
    assert revised["createPartRevision"]["part"]["revision"] == "C"


@pytest.mark.parametrize(
    ("existing", "expected"),
    [([], "A"), (["A"], "B"), (["A", "C", "B"], "D"), (["Z"], "AA"), (["AZ"], "BA"), (["A", "01"], "B")],
)
def test_next_revision(existing, expected):
    assert next_revision(existing) == expected


CREATE_INVENTORY = """mutation ($input: CreatePartInventoryInput!) {
  createPartInventory(input: $input) { partInventory { id _etag quantity serialNumber lotNumber status } } }"""
UPDATE_INVENTORY = """mutation ($input: UpdatePartInventoryInput!) {
  updatePartInventory(input: $input) { partInventory { id _etag quantity } } }"""


def part_of_tracking(store: Store, tracking: str | None) -> int:
    condition = "trackingType IS NULL" if tracking is None else f"trackingType = '{tracking}'"
    return store.sql(f"SELECT id FROM parts WHERE {condition} ORDER BY id LIMIT 1")[0]["id"]


def test_serial_tracked_inventory_holds_zero_or_one(execute, store):
    part_id = part_of_tracking(store, "SERIAL")
    count = store.scalar("SELECT COUNT(*) FROM part_inventories")
    refused = execute(CREATE_INVENTORY, {"input": {"partId": part_id, "quantity": 2}})
    assert "serial-tracked" in error(refused) and "0 or 1" in error(refused)
    assert store.scalar("SELECT COUNT(*) FROM part_inventories") == count

    unit = data(execute(CREATE_INVENTORY, {"input": {"partId": part_id, "serialNumber": "SN-TEST-1"}}))
    unit = unit["createPartInventory"]["partInventory"]
    assert unit["quantity"] == 1 and unit["serialNumber"] == "SN-TEST-1" and unit["status"] == "AVAILABLE"
    again = execute(CREATE_INVENTORY, {"input": {"partId": part_id, "serialNumber": "SN-TEST-1"}})
    assert "not unique" in error(again)
    generated = data(execute(CREATE_INVENTORY, {"input": {"partId": part_id}}))["createPartInventory"]
    assert generated["partInventory"]["serialNumber"]

    too_many = execute(UPDATE_INVENTORY, {"input": {"id": unit["id"], "etag": unit["_etag"], "quantity": "2"}})
    assert "0 or 1" in error(too_many)
    emptied = data(execute(UPDATE_INVENTORY, {"input": {"id": unit["id"], "etag": unit["_etag"], "quantity": "0"}}))
    assert emptied["updatePartInventory"]["partInventory"]["quantity"] == 0


def test_lot_quantity_is_never_negative_and_quantities_may_be_strings(execute, store):
    part_id = part_of_tracking(store, "LOT")
    refused = execute(CREATE_INVENTORY, {"input": {"partId": part_id, "quantity": -1}})
    assert ">= 0" in error(refused)
    lot = data(execute(CREATE_INVENTORY, {"input": {"partId": part_id, "quantity": "12.50"}}))
    lot = lot["createPartInventory"]["partInventory"]
    assert lot["quantity"] == 12.5 and lot["lotNumber"]
    updated = data(execute(UPDATE_INVENTORY, {"input": {"id": lot["id"], "etag": lot["_etag"], "quantity": 0}}))
    assert updated["updatePartInventory"]["partInventory"]["quantity"] == 0
    not_a_number = execute(UPDATE_INVENTORY, {"input": {"id": lot["id"], "etag": lot["_etag"], "quantity": "a lot"}})
    assert "numeric string" in error(not_a_number)


def test_untracked_inventory_is_unrestricted(execute, store):
    part_id = part_of_tracking(store, None)
    stock = data(execute(CREATE_INVENTORY, {"input": {"partId": part_id, "quantity": 37.25}}))
    assert stock["createPartInventory"]["partInventory"]["quantity"] == 37.25


CREATE_MBOM = "mutation ($input: CreateMBomItemInput!) { createMbomItem(input: $input) { mbomItem { id quantity } } }"


def test_mbom_items_need_a_positive_quantity_and_a_unique_pair(execute, store):
    parent = data(execute(CREATE_PART, {"input": {"partNumber": "ASM-1"}}))["createPart"]["part"]["id"]
    child = data(execute(CREATE_PART, {"input": {"partNumber": "CMP-1"}}))["createPart"]["part"]["id"]
    assert "greater than 0" in error(
        execute(CREATE_MBOM, {"input": {"partId": child, "parentId": parent, "quantity": 0}})
    )
    data(execute(CREATE_MBOM, {"input": {"partId": child, "parentId": parent, "quantity": 2}}))
    assert "not unique" in error(execute(CREATE_MBOM, {"input": {"partId": child, "parentId": parent, "quantity": 3}}))
    assert "cycle" in error(execute(CREATE_MBOM, {"input": {"partId": parent, "parentId": child, "quantity": 1}}))
    assert store.scalar("SELECT COUNT(*) FROM mbom_items WHERE parentId IN (?, ?)", (parent, child)) == 1


def test_a_mutation_that_fails_after_writing_rolls_back(execute, store):
    """createRunStep at a position shifts the other steps first; an empty title then refuses the step."""
    positions = store.sql("SELECT id, position FROM run_steps WHERE runId = 372 ORDER BY id")
    refused = execute('mutation { createRunStep(input: {runId: 372, title: "   ", position: 1}) { step { id } } }')
    assert "must not be empty" in error(refused)
    assert store.sql("SELECT id, position FROM run_steps WHERE runId = 372 ORDER BY id") == positions


def test_updates_issue_new_etags_and_deletes_check_them(execute, store):
    location = data(execute('mutation { createLocation(input: {name: "Bin 99"}) { location { id _etag } } }'))
    location = location["createLocation"]["location"]
    stale = execute('mutation ($id: ID!) { deleteLocation(id: $id, etag: "0123") { id } }', {"id": location["id"]})
    assert "Etag mismatch for Location" in error(stale)
    assert store.get("locations", location["id"]) is not None
    deleted = data(
        execute(
            "mutation ($id: ID!, $etag: String!) { deleteLocation(id: $id, etag: $etag) { id } }",
            {"id": location["id"], "etag": location["_etag"]},
        )
    )
    assert deleted["deleteLocation"]["id"] == location["id"]
    assert store.get("locations", location["id"]) is None

    stocked = store.require("locations", 301)
    occupied = execute(
        "mutation ($etag: String!) { deleteLocation(id: 301, etag: $etag) { id } }", {"etag": stocked["_etag"]}
    )
    assert "still holds" in error(occupied) and "move them first" in error(occupied)


def test_attributes_are_versioned_with_their_parent(execute):
    run = data(execute("{ run(id: 1964) { _etag } }"))["run"]
    attribute = data(
        execute(
            """mutation ($etag: String!) { updateRunAttribute(input: {runId: 1964, key: "Vehicle",
        value: "FV-099", etag: $etag}) { runAttribute { Etag id entityId } } }""",
            {"etag": run["_etag"]},
        )
    )
    new_etag = attribute["updateRunAttribute"]["runAttribute"]["Etag"]
    assert new_etag != run["_etag"] and data(execute("{ run(id: 1964) { _etag } }"))["run"]["_etag"] == new_etag
    again = execute(
        """mutation ($etag: String!) { updateRunAttribute(input: {runId: 1964, key: "Vehicle",
        value: "FV-100", etag: $etag}) { runAttribute { Etag } } }""",
        {"etag": run["_etag"]},
    )
    assert "Etag mismatch for Run 1964" in error(again)
    values = data(execute("{ run(id: 1964) { attributes { key value } } }"))["run"]["attributes"]
    assert {"key": "Vehicle", "value": "FV-099"} in values


def test_purchase_orders_are_deleted_receipts_first(execute, store):
    order_id = store.sql("SELECT id FROM purchase_orders WHERE status = 'RECEIVED' ORDER BY id LIMIT 1")[0]["id"]
    order = store.require("purchase_orders", order_id)
    blocked = execute(
        "mutation ($id: ID!, $etag: String!) { deletePurchaseOrder(id: $id, etag: $etag) { id } }",
        {"id": order_id, "etag": order["_etag"]},
    )
    assert "delete the receipt first" in error(blocked)
    receipts = store.sql(
        "SELECT DISTINCT r.id, r._etag FROM receipts r JOIN receipt_items ri ON ri.receiptId = r.id "
        "JOIN purchase_order_lines l ON l.id = ri.purchaseOrderLineId WHERE l.purchaseOrderId = ?",
        (order_id,),
    )
    for receipt in receipts:
        data(
            execute(
                "mutation ($id: ID!, $etag: String!) { deleteReceipt(id: $id, etag: $etag) { id } }",
                {"id": receipt["id"], "etag": receipt["_etag"]},
            )
        )
    data(
        execute(
            "mutation ($id: ID!, $etag: String!) { deletePurchaseOrder(id: $id, etag: $etag) { id } }",
            {"id": order_id, "etag": order["_etag"]},
        )
    )
    assert store.get("purchase_orders", order_id) is None
    assert store.scalar("SELECT COUNT(*) FROM purchase_order_lines WHERE purchaseOrderId = ?", (order_id,)) == 0


def test_field_values_are_checked_against_the_field_type(execute, store):
    field = store.require("run_step_fields", 1462)
    assert field["type"] == "BOOLEAN"
    wrong = execute(SET_VALUE, {"input": {"id": 1462, "value": "value", "etag": field["_etag"]}})
    assert "BOOLEAN" in error(wrong) and "true or false" in error(wrong)
    right = data(execute(SET_VALUE, {"input": {"id": 1462, "value": True, "etag": field["_etag"]}}))
    assert right["updateRunStepFieldValue"]["runStepField"]["value"] is True


def test_abom_installation_marks_the_inventory_installed(execute, store):
    """Inventory 3 is the spare for build requirement 1 of assembly inventory 1."""
    installed = data(
        execute("""mutation { createAbomInstallation(input: {buildRequirementId: 1, partInventoryId: 3,
        quantity: 1}) { abomInstallation { partInventoryId quantity } } }""")
    )
    assert installed["createAbomInstallation"]["abomInstallation"]["partInventoryId"] == 3
    assert store.require("part_inventories", 3)["status"] == "INSTALLED"
    twice = execute(
        "mutation { createAbomInstallation(input: {buildRequirementId: 1, partInventoryId: 3, "
        "quantity: 1}) { abomInstallation { id } } }"
    )
    assert "INSTALLED" in error(twice)


def test_concurrent_requests_from_worker_threads(execute, store):
    """The HTTP layer calls execute from a thread pool; writes and reads interleave safely."""
    labels_before = store.scalar("SELECT COUNT(*) FROM labels")

    create = "mutation ($value: String!) { createLabel(input: {value: $value}) { label { id } } }"

    def work(worker: int) -> list[dict[str, Any]]:
        answers = []
        for index in range(15):
            answers.append(execute(create, {"value": f"worker-{worker}-{index}"}))
            answers.append(execute("{ labels { pageInfo { totalCount } } runs(first: 5) { edges { node { id } } } }"))
        return answers

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = [answer for batch in pool.map(work, range(4)) for answer in batch]
    assert all("errors" not in answer for answer in answers)
    created = [answer["data"]["createLabel"]["label"]["id"] for answer in answers if "createLabel" in answer["data"]]
    assert len(set(created)) == 60
    assert store.scalar("SELECT COUNT(*) FROM labels") == labels_before + 60
