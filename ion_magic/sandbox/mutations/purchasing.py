"""Purchase order, purchase order line and receipt mutations."""

from __future__ import annotations

from typing import Any

from ion_magic.sandbox.context import ME_USER_ID, Row
from ion_magic.sandbox.mutations.inputs import (
    Input,
    at_least,
    optional_row,
    row_of,
)
from ion_magic.sandbox.store import (
    RuleViolation,
    Store,
    json_list,
    utc_now,
)


def _refresh_purchase_order_total(store: Store, purchase_order_id: int) -> Row:
    total = store.scalar(
        "SELECT COALESCE((SELECT SUM(quantity * COALESCE(unitCost, 0)) FROM purchase_order_lines "
        "WHERE purchaseOrderId = ?), 0) + COALESCE((SELECT SUM(amount) FROM purchase_order_fees "
        "WHERE purchaseOrderId = ?), 0)",
        (purchase_order_id, purchase_order_id),
    )
    return store.update("purchase_orders", purchase_order_id, {"estimatedTotalCost": total}, check=False)


def create_purchase_order(store: Store, input: Input) -> dict[str, Any]:
    supplier = optional_row(store, "Supplier", input.get("supplierId"))
    currency = optional_row(store, "Currency", input.get("currencyId"))
    if currency is None:
        found = store.sql("SELECT id FROM currencies WHERE code = 'USD'")
        currency = found[0] if found else None
    order = store.insert(
        "purchase_orders",
        {
            "status": "DRAFT",
            "supplierId": supplier["id"] if supplier else None,
            "currencyId": currency["id"] if currency else None,
            "createdById": ME_USER_ID,
            "updatedById": ME_USER_ID,
        },
    )
    return {"purchaseOrder": order}


def update_purchase_order(store: Store, input: Input) -> dict[str, Any]:
    order = row_of(store, "PurchaseOrder", input["id"])
    store.check_etag("purchase_orders", order, input["etag"])
    changes: dict[str, Any] = {"updatedById": ME_USER_ID}
    for key, type_name in (("supplierId", "Supplier"), ("currencyId", "Currency")):
        if key in input:
            target = optional_row(store, type_name, input[key])
            changes[key] = target["id"] if target else None
    status = input.get("status")
    if status is not None:
        changes["status"] = status
        if status == "ORDERED" and order["orderedAt"] is None:
            changes["orderedAt"] = utc_now()
        if status in ("REQUESTED", "APPROVED", "ORDERED"):
            store.execute("UPDATE purchase_order_lines SET status = ? WHERE purchaseOrderId = ?", (status, order["id"]))
    return {"purchaseOrder": store.update("purchase_orders", order["id"], changes, input["etag"])}


def _ensure_lines_unreceived(store: Store, line_ids: list[int], what: str) -> None:
    received = store.sql(
        "SELECT receiptId FROM receipt_items WHERE purchaseOrderLineId IN (SELECT value FROM json_each(?)) LIMIT 1",
        (json_list(line_ids),),
    )
    if received:
        raise RuleViolation(
            f"{what} has been received on receipt {received[0]['receiptId']}; delete the receipt first (deleteReceipt)."
        )


def _drop_lines(store: Store, line_ids: list[int]) -> None:
    """Delete lines with the inventory still on order on them; received inventory stays, unlinked."""
    ids = json_list(line_ids)
    store.execute(
        "DELETE FROM part_inventories WHERE status = 'ON_ORDER' AND purchaseOrderLineId IN "
        "(SELECT value FROM json_each(?)) AND id NOT IN (SELECT partInventoryId FROM abom_installations) "
        "AND id NOT IN (SELECT partInventoryId FROM runs WHERE partInventoryId IS NOT NULL) "
        "AND id NOT IN (SELECT partInventoryId FROM issues WHERE partInventoryId IS NOT NULL)",
        (ids,),
    )
    store.execute(
        "UPDATE part_inventories SET purchaseOrderLineId = NULL WHERE purchaseOrderLineId IN "
        "(SELECT value FROM json_each(?))",
        (ids,),
    )
    store.execute("DELETE FROM purchase_order_lines WHERE id IN (SELECT value FROM json_each(?))", (ids,))


def delete_purchase_order(store: Store, id: Any, etag: str) -> dict[str, Any]:
    order = row_of(store, "PurchaseOrder", id)
    store.check_etag("purchase_orders", order, etag)
    line_ids = [
        row["id"] for row in store.sql("SELECT id FROM purchase_order_lines WHERE purchaseOrderId = ?", (order["id"],))
    ]
    _ensure_lines_unreceived(store, line_ids, f"Purchase order {order['id']}")
    _drop_lines(store, line_ids)
    for table in ("purchase_order_approvals", "purchase_order_approval_requests", "purchase_order_fees"):
        store.execute(f"DELETE FROM {table} WHERE purchaseOrderId = ?", (order["id"],))
    store.delete("purchase_orders", order["id"], etag)
    return {"id": order["id"]}


def create_purchase_order_line(store: Store, input: Input) -> dict[str, Any]:
    order = row_of(store, "PurchaseOrder", input["purchaseOrderId"])
    part = optional_row(store, "Part", input.get("partId"))
    quantity = 1.0 if input.get("quantity") is None else input["quantity"]
    at_least(quantity, 0, "A purchase order line quantity", strict=True)
    at_least(input.get("unitCost"), 0, "A unit cost", strict=False)
    line = store.insert(
        "purchase_order_lines",
        {
            "purchaseOrderId": order["id"],
            "partId": part["id"] if part else None,
            "description": input.get("description") or (part["description"] if part else None),
            "status": "DRAFT",
            "quantity": quantity,
            "unitCost": input.get("unitCost"),
            "needDate": input.get("needDate"),
        },
    )
    _refresh_purchase_order_total(store, order["id"])
    return {"purchaseOrderLine": line}


def delete_purchase_order_line(store: Store, id: Any, etag: str) -> dict[str, Any]:
    line = row_of(store, "PurchaseOrderLine", id)
    store.check_etag("purchase_order_lines", line, etag)
    _ensure_lines_unreceived(store, [line["id"]], f"Purchase order line {line['id']}")
    _drop_lines(store, [line["id"]])
    _refresh_purchase_order_total(store, line["purchaseOrderId"])
    return {"id": line["id"]}


def delete_receipt(store: Store, id: Any, etag: str) -> dict[str, Any]:
    receipt = row_of(store, "Receipt", id)
    store.check_etag("receipts", receipt, etag)
    store.execute("DELETE FROM receipt_items WHERE receiptId = ?", (receipt["id"],))
    store.delete("receipts", receipt["id"], etag)
    return {"id": receipt["id"]}
