"""The demo factory's products: parts and their mBOMs, procedures with steps, fields and a datagrid, built
assemblies with their aBOMs, purchase orders with receipts, and component stock in every status.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from ion_magic.sandbox import seed_catalog as catalog
from ion_magic.sandbox.context import Row
from ion_magic.sandbox.rules import quantity_available
from ion_magic.sandbox.seed_factory import (
    BUILT_UNITS_PER_SCALE,
    COMPONENT_PARTS_PER_SCALE,
    EPOCH,
    FIRST_COMPONENT_PART_ID,
    INVENTORIES_PER_SCALE,
    PURCHASE_ORDERS_PER_SCALE,
    SPARE_INVENTORY_ID,
    FactoryBase,
    SeedPart,
    SeedProcedure,
    Weighted,
    slate,
)

_STOCKROOMS = Weighted({"Stockroom A": 6, "Stockroom B": 2, "Shipping": 1})
_STOCK_STATUSES = Weighted({"AVAILABLE": 70, "UNAVAILABLE": 8, "KITTED": 10, "WIP": 7, "SCRAPPED": 5})
_ORDER_STATUSES = Weighted({"RECEIVED": 40, "ORDERED": 20, "APPROVED": 10, "REQUESTED": 10, "DRAFT": 12, "CANCELED": 8})
_FAMILY_WEIGHTS = (25, 12, 25, 15, 8, 7, 8)


class PartsFactory(FactoryBase):
    """Adds the parts, procedures, inventory and purchasing stages."""

    def parts_and_boms(self) -> None:
        for index, (number, description) in enumerate(catalog.TOP_ASSEMBLIES):
            row = self.add(
                "parts",
                {
                    "id": index + 1,
                    "partNumber": number,
                    "revision": "A",
                    "description": description,
                    "trackingType": "SERIAL",
                    "unitOfMeasureId": self.unit_ids["each"],
                    "createdById": 3,
                    "updatedById": 3,
                },
                day=6 + index,
                entity="Part",
            )
            thumbnail = self.attachment(row["entityId"], "Part", f"{number.lower()}.png", "image/png", 6 + index)
            row["thumbnailId"] = thumbnail["id"]
            part = SeedPart(row, None)
            self.assemblies.append(part)
            self.parts[part.id] = part
            self.attribute("Part", part.id, "Drawing Number", f"{number}-DWG")
            self.attribute("Part", part.id, "Approval Status", "Released")
            self.attribute("Part", part.id, "Export Classification", "ITAR USML IV(h)" if index < 4 else "EAR99")
        families = catalog.PART_FAMILIES
        next_id = FIRST_COMPONENT_PART_ID
        for index in range(COMPONENT_PARTS_PER_SCALE * self.scale):
            family = families[index] if index < len(families) else self.rng.choices(families, _FAMILY_WEIGHTS)[0]
            prefix, _subtype, tracking, unit, descriptions, _costs = family
            day = 8 + index * 300 / (COMPONENT_PARTS_PER_SCALE * self.scale)
            base = {
                "partNumber": f"{prefix}-{10000 + index}",
                "description": self.rng.choice(descriptions),
                "trackingType": tracking,
                "unitOfMeasureId": self.unit_ids[unit],
                "supplierPartNumber": f"S{self.rng.randint(1000, 99999)}",
                "createdById": 3,
                "updatedById": 3,
            }
            row = self.add("parts", {"id": next_id, **base, "revision": "A"}, day=day, entity="Part")
            part = SeedPart(row, family)
            self.components.append(part)
            self.parts[part.id] = part
            if self.rng.random() < 0.15:
                revised = self.add("parts", {"id": next_id + 1, **base, "revision": "B"}, day=day + 40, entity="Part")
                self.parts[revised["id"]] = SeedPart(revised, family)
            next_id += 2
        for assembly_index, assembly in enumerate(self.assemblies):
            self.assembly_bom(assembly, assembly_index)

    def _component(self, prefix: str) -> SeedPart:
        candidates = [part for part in self.components if part.prefix == prefix]
        return self.rng.choice(candidates)

    def assembly_bom(self, assembly: SeedPart, index: int) -> None:
        wanted = ["MCH", "FST", "SEL", "ELX" if index % 2 else "CBL", "CNS", "MCH", "FST", "RAW"]
        chosen: list[SeedPart] = []
        for prefix in wanted[: 5 + index % 4]:
            part = self._component(prefix)
            if part not in chosen:
                chosen.append(part)
        for position, part in enumerate(chosen):
            prefix = part.prefix
            if position == 0 or prefix in ("MCH", "ELX", "CBL"):
                quantity = 1.0 if position == 0 else float(self.rng.choice((1, 1, 2)))
            elif prefix == "FST":
                quantity = float(self.rng.choice((4, 6, 8, 12, 16, 24)))
            elif prefix == "RAW":
                quantity = round(self.rng.uniform(0.5, 3.0), 2)
            else:
                quantity = float(self.rng.randint(1, 6))
            item = self.add(
                "mbom_items", {"partId": part.id, "parentId": assembly.id, "quantity": quantity}, day=20 + index
            )
            self.mbom[assembly.id].append(item)
            if prefix in ("FST", "SEL"):
                substitute = self._component(prefix)
                if substitute is not part:
                    self.add(
                        "mbom_substitutes",
                        {"mbomItemId": item["id"], "partId": substitute.id, "priority": 1},
                        day=21 + index,
                    )
            if prefix in ("ELX", "CBL"):
                for designator in range(int(quantity)):
                    value = f"{'U' if prefix == 'ELX' else 'J'}{position + designator + 1}"
                    self.add(
                        "mbom_item_reference_designators", {"mbomItemId": item["id"], "value": value}, day=21 + index
                    )

    def procedures_and_steps(self) -> None:
        standard_step: Row | None = None
        for index, (title, kind, assembly_index, step_titles) in enumerate(catalog.PROCEDURES):
            day = 10 + index * 3
            row = self.add(
                "procedures",
                {
                    "title": title,
                    "description": f"Work instruction for {title.lower()}.",
                    "type": kind,
                    "version": 1 + index % 3,
                    "exportControlled": int(index < 2),
                    "createdById": 3,
                    "updatedById": 3,
                },
                day=day,
                entity="Procedure",
            )
            row["familyId"] = row["id"]
            procedure = SeedProcedure(row)
            self.procedures.append(procedure)
            self.attribute("Procedure", row["id"], "Document Number", f"WI-{1000 + row['id']}")
            self.attribute("Procedure", row["id"], "Document Revision", "ABC"[index % 3])
            labels = ["flight"] if kind == "BUILD" else []
            labels += {0: ["engineering_build"], 9: ["composite_deck"], 4: ["qualification"]}.get(index, [])
            for label in labels:
                self.tables["procedure_family_labels"].append({"familyId": row["id"], "labelId": self.label_ids[label]})
            pool = catalog.FIELD_POOLS[kind]
            cursor = 0
            previous: Row | None = None
            for position, entry in enumerate(step_titles, 1):
                step_title, children = (entry, ()) if isinstance(entry, str) else entry
                fields = catalog.STEP_FIELD_OVERRIDES.get((title, step_title))
                if fields is None:
                    count = 1 + (position - 1) % 3
                    fields = tuple(pool[(cursor + offset) % len(pool)] for offset in range(count))
                    cursor += count
                step = self.step(procedure, step_title, position, None, fields, day)
                if step_title.endswith("(Standard)"):
                    step.update(isStandardStep=1, standardStepStatus="RELEASED", standardStepFamilyId=step["id"])
                    standard_step = step
                elif step_title.lower() == "torque verification" and standard_step is not None:
                    step.update(
                        isDerivedStep=1,
                        standardStepId=standard_step["id"],
                        originStepId=standard_step["id"],
                        standardStepFamilyId=standard_step["id"],
                        standardStepStatus="RELEASED",
                    )
                if previous is not None:
                    self.add(
                        "step_edges",
                        {"stepId": step["id"], "upstreamStepId": previous["id"], "createdById": 3, "updatedById": 3},
                        day=day,
                    )
                previous = step
                for child_position, child_title in enumerate(children, 1):
                    self.step(procedure, child_title, child_position, step, pool[child_position % len(pool) :][:1], day)
            if assembly_index is not None:
                assembly = self.assemblies[assembly_index]
                top_steps = [step for step in procedure.steps if step["parentId"] is None]
                for item_index, item in enumerate(self.mbom[assembly.id]):
                    self.add(
                        "mbom_item_step_associations",
                        {"mbomItemId": item["id"], "stepId": top_steps[item_index % len(top_steps)]["id"]},
                        etag=False,
                    )
        self.datagrid(self.procedures[0].steps[0])

    def step(
        self,
        procedure: SeedProcedure,
        title: str,
        position: int,
        parent: Row | None,
        field_names: tuple[str, ...],
        day: float,
    ) -> Row:
        kind = procedure.row["type"]
        location = {
            "BUILD": "Integration Bay",
            "TEST": "Test Cell 1",
            "INSPECTION": "Receiving Dock",
            "MAINTENANCE": "Machine Shop",
            "REWORK": "MRB Cage",
        }[kind]
        content = f"{title}. Follow {procedure.row['title']} drawing notes and record the results below."
        step = self.add(
            "steps",
            {
                "procedureId": procedure.row["id"],
                "parentId": parent["id"] if parent else None,
                "title": title,
                "type": "DATAGRID" if title == "Fastener Torque Log" else "CONTENT",
                "position": position,
                "content": content,
                "slateContent": slate(content),
                "leadTime": self.rng.choice((15, 30, 45, 60, 120)),
                "locationId": self.location_ids[location],
                "version": 1,
                "createdById": 3,
                "updatedById": 3,
            },
            day=day,
            entity="Step",
        )
        step["familyId"] = step["id"]
        procedure.steps.append(step)
        templates = {template[0]: template for template in catalog.FIELD_TEMPLATES}
        rows = []
        for field_position, name in enumerate(field_names, 1):
            _name, field_type, required, unit, options, extra = templates[name]
            row = self.add(
                "step_fields",
                {
                    "stepId": step["id"],
                    "name": name,
                    "type": field_type,
                    "position": field_position,
                    "required": int(required),
                    "allowNotApplicable": int(not required),
                    "display": "INLINE",
                    "options": options,
                    "unit": unit,
                    "signoffRoleId": self.role_ids[extra] if field_type == "SIGNOFF" else None,
                    "peerReviewRequired": int(field_type == "SIGNOFF" and extra == "Quality Inspector"),
                    "allowedIonType": "USER" if field_type == "SIGNOFF" else None,
                    "createdById": 3,
                    "updatedById": 3,
                },
                day=day,
            )
            if field_type == "NUMBER":
                self.add("field_validations", {"fieldId": row["id"], "functionId": 101}, etag=False)
            rows.append(row)
        procedure.fields[step["id"]] = rows
        if self.rng.random() < 0.2 or step["id"] == 1:
            self.attachment(step["entityId"], "Step", f"{title.lower().replace(' ', '_')[:40]}.png", "image/png", day)
        return step

    def datagrid(self, step: Row) -> None:
        self.attachment(step["entityId"], "Step", "TPA-1000_assembly_drawing.pdf", "application/pdf", 12)
        columns: list[Row] = []
        for index, (header, kind) in enumerate(catalog.DATAGRID_COLUMNS):
            columns.append(
                self.add(
                    "datagrid_columns",
                    {
                        "stepId": step["id"],
                        "header": header,
                        "type": kind,
                        "index": index,
                        "prevId": columns[-1]["id"] if columns else None,
                        "unit": "in-lb" if kind == "NUMBER" else None,
                        "editable": 1,
                        "settable": 1,
                        "signoffRoleId": self.role_ids["Technician"] if kind == "SIGNOFF" else None,
                    },
                    day=10,
                )
            )
        previous: Row | None = None
        for index in range(4):
            row = self.add(
                "datagrid_rows",
                {
                    "stepId": step["id"],
                    "index": index,
                    "required": 1,
                    "allowNotApplicable": int(index == 3),
                    "prevId": previous["id"] if previous else None,
                },
                day=10,
            )
            previous = row
            photo = self.attachment(step["entityId"], "Step", f"bolt_b{index + 1}.jpg", "image/jpeg", 10)
            cells = {
                "STRING": f"B{index + 1}",
                "NUMBER": round(self.rng.uniform(28, 32), 1),
                "SIGNOFF": True,
                "FILE_ATTACHMENT": photo["id"],
            }
            for column in columns:
                self.add(
                    "datagrid_values",
                    {
                        "rowId": row["id"],
                        "columnId": column["id"],
                        "type": column["type"],
                        "value": cells[column["type"]],
                        "notApplicable": 0,
                        "fileAttachmentId": photo["id"] if column["type"] == "FILE_ATTACHMENT" else None,
                        "ionValueType": "User" if column["type"] == "SIGNOFF" else None,
                        "ionValueId": 5 if column["type"] == "SIGNOFF" else None,
                    },
                    day=11,
                )

    def inventory(
        self,
        part: SeedPart,
        status: str,
        day: float,
        *,
        quantity: float | None = None,
        location: int | None = None,
        line: int | None = None,
        row_id: int | None = None,
    ) -> Row:
        tracking = part.tracking
        if quantity is None:
            if tracking == "SERIAL":
                quantity = 1.0
            elif part.prefix == "RAW":
                quantity = round(self.rng.uniform(2.5, 80.0), 2)
            else:
                quantity = float(self.rng.choice((10, 25, 50, 100, 250, 500)))
        serial = lot = None
        if tracking == "SERIAL":
            part.serials += 1
            serial = f"{part.row['partNumber']}-SN{part.serials:04d}"
        elif tracking == "LOT":
            lot = f"L{24 + int(day // 365)}{int(day % 365 // 7) + 1:02d}-{self.rng.randint(1, 999):03d}"
        received = status != "ON_ORDER"
        stamp = self.at(day)
        row = {
            "createdAt": stamp,
            "partId": part.id,
            "quantity": quantity,
            "quantityAvailable": quantity_available(status, quantity),
            "status": status,
            "serialNumber": serial,
            "lotNumber": lot,
            "locationId": location if location is not None else self.location_for(status),
            "unitOfMeasureId": part.row["unitOfMeasureId"],
            "cost": round(self.rng.uniform(*part.unit_costs), 2),
            "installed": int(status == "INSTALLED"),
            "kitted": int(status == "KITTED"),
            "received": int(received),
            "receivedDate": stamp if received else None,
            "purchaseOrderLineId": line,
            "createdById": self.rng.choice((5, 6, 9)),
            "updatedById": 5,
        }
        if row_id is not None:
            row["id"] = row_id
        added = self.add("part_inventories", row, day=day, entity="PartInventory")
        self.inventories.append(added)
        self.inventory_by_id[added["id"]] = added
        if part.family is None:
            self.units_of_part[part.id].append(added)
        return added

    def location_for(self, status: str) -> int | None:
        if status == "ON_ORDER":
            return None
        if status == "AVAILABLE":
            if self.shelf_ids and self.rng.random() < 0.3:
                return self.rng.choice(self.shelf_ids)
            return self.location_ids[_STOCKROOMS.draw(self.rng)]
        name = {
            "UNAVAILABLE": "Quarantine Cage",
            "SCRAPPED": "MRB Cage",
            "KITTED": "Integration Bay",
            "INSTALLED": "Integration Bay",
            "WIP": self.rng.choice(("Clean Room 1", "Clean Room 2", "Integration Bay", "Machine Shop")),
        }[status]
        return self.location_ids[name]

    def built_assemblies(self) -> None:
        units = BUILT_UNITS_PER_SCALE * self.scale + 1
        for index in range(units):
            assembly = self.assemblies[index % len(self.assemblies)]
            day = 30 + index * 280 / units
            complete = index % 3 != 0 if index else False
            status = self.rng.choice(("AVAILABLE", "AVAILABLE", "KITTED", "UNAVAILABLE")) if complete else "WIP"
            unit = self.inventory(assembly, status, day)
            root = self.add(
                "abom_items", {"partInventoryId": unit["id"], "partId": assembly.id, "quantity": 1.0}, day=day
            )
            for position, item in enumerate(self.mbom[assembly.id]):
                requirement = self.add(
                    "build_requirements",
                    {
                        "partId": item["partId"],
                        "partInventoryId": unit["id"],
                        "quantityPerParentPartInventory": item["quantity"],
                        "madeOnAssembly": 0,
                        "originMbomItemId": item["id"],
                    },
                    day=day,
                )
                child = self.add(
                    "abom_items",
                    {
                        "parentId": root["id"],
                        "partId": item["partId"],
                        "mbomItemId": item["id"],
                        "quantity": item["quantity"],
                    },
                    day=day,
                )
                if index == 0 and position == 0:
                    self.inventory(
                        self.parts[item["partId"]],
                        "AVAILABLE",
                        day,
                        location=self.location_ids["Stockroom A"],
                        row_id=SPARE_INVENTORY_ID,
                    )
                    continue
                if not complete and position >= len(self.mbom[assembly.id]) // 2 + 1:
                    continue
                self.install(requirement, child, self.parts[item["partId"]], item["quantity"], day + 1)

    def install(self, requirement: Row, abom_item: Row, part: SeedPart, quantity: float, day: float) -> None:
        pieces = [1.0] * int(quantity) if part.tracking == "SERIAL" else [quantity]
        for amount in pieces:
            installed = self.inventory(part, "INSTALLED", day, quantity=amount)
            abom_item.setdefault("partInventoryId", installed["id"])
            self.add(
                "abom_installations",
                {"buildRequirementId": requirement["id"], "partInventoryId": installed["id"], "quantity": amount},
                day=day,
            )

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

    def stock(self) -> None:
        """Component stock in every status, up to INVENTORIES_PER_SCALE * scale inventories in all."""
        missing = INVENTORIES_PER_SCALE * self.scale - len(self.inventories)
        cycle = ("AVAILABLE", "UNAVAILABLE", "KITTED", "WIP", "SCRAPPED")
        family_weights = [{"FST": 4, "SEL": 3, "CNS": 2, "RAW": 1}.get(part.prefix, 1) for part in self.components]
        cumulative = list(itertools.accumulate(family_weights))
        for index in range(missing):
            status = cycle[index] if index < len(cycle) else _STOCK_STATUSES.draw(self.rng)
            part = self.rng.choices(self.components, cum_weights=cumulative)[0]
            quantity = 0.0 if status == "SCRAPPED" and part.tracking == "SERIAL" and index % 2 else None
            self.inventory(part, status, 20 + index * 340 / max(missing, 1), quantity=quantity)
