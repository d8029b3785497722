"""The demo factory: deterministic, consistent with ION's rules, every status of every status enum, the ids
ION's public examples use, and a volume that grows with the scale."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from graphql import GraphQLEnumType, build_schema

from ion_magic.sandbox.api import SCHEMA_PATH
from ion_magic.sandbox.rules import inventory_quantity_problem, quantity_available
from ion_magic.sandbox.seed import INVENTORIES_PER_SCALE, seed
from ion_magic.sandbox.store import Store

SCHEMA = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))

STATUS_COLUMNS = [
    # (table, column, the schema enum whose every value the seed must hold)
    ("runs", "status", "RunStatus"),
    ("run_steps", "status", "RunStepStatus"),
    ("part_inventories", "status", "PartInventoryStatus"),
    ("issues", "status", "IssueStatus"),
    ("issues", "disposition", "IssueDisposition"),
    ("purchase_orders", "status", "PurchaseOrderStatus"),
    ("purchase_order_lines", "status", "PurchaseOrderLineStatus"),
    ("step_fields", "type", "FieldType"),
    ("run_step_fields", "type", "FieldType"),
    ("parts", "trackingType", "PartTrackingType"),
    ("procedures", "type", "Proceduretypeenum"),
    ("steps", "type", "Steptypeenum"),
    ("barcode_templates", "entityType", "BarcodeEntityType"),
]


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    store = Store.open()
    seed(store)
    yield store
    store.close()


def tables(store: Store) -> list[str]:
    return [row["name"] for row in store.sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def test_two_seeds_give_the_same_rows(store):
    again = Store.open()
    try:
        seed(again)
        for table in tables(store):
            query = f"SELECT * FROM {table} ORDER BY rowid"
            assert store.sql(query) == again.sql(query), table
    finally:
        again.close()


def test_seeding_a_seeded_store_changes_nothing(store):
    counts = {table: store.scalar(f"SELECT COUNT(*) FROM {table}") for table in tables(store)}
    seed(store)
    assert counts == {table: store.scalar(f"SELECT COUNT(*) FROM {table}") for table in tables(store)}


@pytest.mark.parametrize(("table", "column", "enum_name"), STATUS_COLUMNS)
def test_every_value_of_each_status_enum_is_seeded(store, table, column, enum_name):
    enum = SCHEMA.type_map[enum_name]
    assert isinstance(enum, GraphQLEnumType)
    seeded = {row["value"] for row in store.sql(f'SELECT DISTINCT "{column}" AS value FROM {table}')}
    assert set(enum.values) <= seeded
    assert seeded - {None} <= set(enum.values)


def test_untracked_parts_exist_too(store):
    assert store.scalar("SELECT COUNT(*) FROM parts WHERE trackingType IS NULL") > 0


def test_the_ids_of_ions_examples_exist(store):
    assert [row["id"] for row in store.sql("SELECT id FROM run_steps WHERE runId = 372 ORDER BY position")] == [
        1133,
        1134,
        1135,
    ]
    assert store.require("run_steps", 1135)["status"] == "REDLINE"
    fields = store.sql(
        "SELECT f.id FROM run_step_fields f JOIN run_steps s ON s.id = f.runStepId "
        "WHERE s.runId = 419 ORDER BY s.position, f.position"
    )
    assert [row["id"] for row in fields][:3] == [1461, 1462, 1463]
    assert store.require("locations", 301)["name"] == "Stockroom A"
    assert {20, 22, 24, 26, 28, 1} <= {row["id"] for row in store.sql("SELECT id FROM parts")}
    assert store.get("runs", 1964) is not None and store.get("runs", 1) is not None
    first_requirement = store.require("build_requirements", 1)
    spare = store.require("part_inventories", 3)
    assert first_requirement["partInventoryId"] == 1
    assert spare["partId"] == first_requirement["partId"] and spare["status"] == "AVAILABLE"
    assert not store.sql("SELECT 1 FROM abom_installations WHERE buildRequirementId = 1")


def test_the_seed_obeys_ions_rules(store):
    parts = {row["id"]: row for row in store.sql("SELECT id, trackingType FROM parts")}
    for inventory in store.sql("SELECT id, partId, quantity, quantityAvailable, status FROM part_inventories"):
        assert inventory_quantity_problem(parts[inventory["partId"]]["trackingType"], inventory["quantity"]) is None
        assert inventory["quantityAvailable"] == quantity_available(inventory["status"], inventory["quantity"])
    assert not store.sql(
        "SELECT partId, serialNumber FROM part_inventories WHERE serialNumber IS NOT NULL "
        "GROUP BY partId, serialNumber HAVING COUNT(*) > 1"
    )
    assert store.scalar("SELECT MIN(quantity) FROM mbom_items") > 0
    assert not store.sql(
        "SELECT f.id FROM run_step_fields f JOIN run_steps s ON s.id = f.runStepId "
        "WHERE s.status = 'COMPLETE' AND f.required = 1 AND f.value IS NULL"
    )
    assert not store.sql("PRAGMA foreign_key_check")


def test_issue_causes_make_a_pareto(store):
    counts = [row["n"] for row in store.sql("SELECT cause, COUNT(*) AS n FROM issues GROUP BY cause ORDER BY n DESC")]
    assert len(counts) >= 4
    assert counts[0] > counts[-1]


def test_volume_grows_with_the_scale():
    bigger = Store.open()
    try:
        seed(bigger, scale=3)
        assert bigger.scalar("SELECT COUNT(*) FROM part_inventories") == 3 * INVENTORIES_PER_SCALE
        assert bigger.require("run_steps", 1133)["runId"] == 372
        assert bigger.require("run_step_fields", 1461)["name"]
    finally:
        bigger.close()


def test_a_bad_scale_is_refused():
    with pytest.raises(ValueError, match="positive"):
        seed(Store.open(), scale=0)


def test_a_file_store_keeps_the_seed(tmp_path):
    path = tmp_path / "factory.db"
    first = Store.open(path)
    seed(first)
    expected = first.sql("SELECT id, _etag FROM runs ORDER BY id")
    first.close()
    reopened = Store.open(path)
    try:
        assert reopened.sql("SELECT id, _etag FROM runs ORDER BY id") == expected
    finally:
        reopened.close()
