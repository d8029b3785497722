"""The demo factory's purchasing: purchase orders in every status, with approvals, fees, lines, the
inventory they order or receive, and receipts.
"""

from __future__ import annotations

from datetime import timedelta

from ion_magic.sandbox.context import Row
from ion_magic.sandbox.seed_factory import EPOCH, PURCHASE_ORDERS_PER_SCALE, Weighted
from ion_magic.sandbox.seed_parts import PartsFactory

_ORDER_STATUSES = Weighted({"RECEIVED": 40, "ORDERED": 20, "APPROVED": 10, "REQUESTED": 10, "DRAFT": 12, "CANCELED": 8})


class PurchasingFactory(PartsFactory):
    """Adds the purchasing stage: it orders and receives inventory of the parts stage's components."""

    def purchase_orders(self) -> None:
        statuses = ("ORDERED", "RECEIVED", "DRAFT", "REQUESTED", "APPROVED", "CANCELED")
        line_status = {
            "DRAFT": "DRAFT",
            "REQUESTED": "REQUESTED",
            "APPROVED": "APPROVED",
            "ORDERED": "ORDERED",
            "RECEIVED": "ORDERED",
            "CANCELED": "DRAFT",
        }
        managers = self.users_by_role["Manager"]
        count = PURCHASE_ORDERS_PER_SCALE * self.scale
        for index in range(count):
            status = statuses[index] if index < len(statuses) else _ORDER_STATUSES.draw(self.rng)
            day = 15 + index * 330 / count
            supplier_id = self.rng.choice(self.supplier_ids)
            # Each supplier has its own usual lead time, and some deliveries come late.
            received_day = day + 2 + 6 + (supplier_id * 11) % 35 + self.rng.choice((0, 0, 1, 2, 3, 5, 9, 21))
            order = self.add(
                "purchase_orders",
                {
                    "status": status,
                    "supplierId": supplier_id,
                    "currencyId": 1 if index % 7 else 2,
                    "createdById": 7,
                    "updatedById": 7,
                    "orderedAt": self.at(day + 2) if status in ("ORDERED", "RECEIVED") else None,
                },
                day=day,
                entity="PurchaseOrder",
            )
            total = 0.0
            if status != "DRAFT":
                for reviewer in managers[: 1 + index % 2]:
                    self.add(
                        "purchase_order_approval_requests",
                        {"purchaseOrderId": order["id"], "reviewerId": reviewer, "createdAt": self.at(day)},
                        etag=False,
                    )
            if status in ("APPROVED", "ORDERED", "RECEIVED"):
                for reviewer in managers[: 1 + index % 2]:
                    self.add(
                        "purchase_order_approvals",
                        {"purchaseOrderId": order["id"], "reviewerId": reviewer, "approvedAt": self.at(day + 1)},
                        etag=False,
                    )
            if index % 5 in (0, 3):
                amount = round(self.rng.uniform(25, 400), 2)
                total += amount
                self.add(
                    "purchase_order_fees",
                    {"purchaseOrderId": order["id"], "name": "Shipping", "amount": amount},
                    etag=False,
                )
            received_inventory: list[tuple[Row, Row]] = []
            for _ in range(self.rng.randint(1, 4)):
                part = self.rng.choice(self.components)
                prefix = part.prefix
                quantity = float(
                    self.rng.randint(1, 4)
                    if part.tracking == "SERIAL"
                    else self.rng.randint(5, 50)
                    if prefix == "RAW"
                    else self.rng.choice((25, 100, 500))
                )
                unit_cost = round(self.rng.uniform(*part.unit_costs), 2)
                total += quantity * unit_cost
                line = self.add(
                    "purchase_order_lines",
                    {
                        "purchaseOrderId": order["id"],
                        "partId": part.id,
                        "description": part.row["description"],
                        "status": line_status[status],
                        "quantity": quantity,
                        "unitCost": unit_cost,
                        "needDate": (EPOCH + timedelta(days=day + self.rng.randint(14, 60))).date().isoformat(),
                    },
                    day=day,
                    entity="PurchaseOrderLine",
                )
                if status in ("ORDERED", "RECEIVED"):
                    pieces = [1.0] * int(quantity) if part.tracking == "SERIAL" else [quantity]
                    for amount in pieces:
                        if status == "ORDERED":
                            self.inventory(part, "ON_ORDER", day + 2, quantity=amount, line=line["id"])
                        else:
                            inventory_status = "UNAVAILABLE" if self.rng.random() < 0.15 else "AVAILABLE"
                            received = self.inventory(
                                part, inventory_status, received_day, quantity=amount, line=line["id"]
                            )
                            received_inventory.append((line, received))
            order["estimatedTotalCost"] = round(total, 2)
            if received_inventory:
                receipt = self.add(
                    "receipts",
                    {"receivedDate": self.at(received_day), "receivedById": 7},
                    day=received_day,
                    entity="Receipt",
                )
                for line, received in received_inventory:
                    self.add(
                        "receipt_items",
                        {
                            "receiptId": receipt["id"],
                            "purchaseOrderLineId": line["id"],
                            "partInventoryId": received["id"],
                            "quantity": received["quantity"],
                        },
                        day=received_day,
                    )
