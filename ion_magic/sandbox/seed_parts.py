"""The demo factory's parts: top assemblies and components with their mBOMs, built assemblies with their
aBOMs, and component stock in every status.
"""

from __future__ import annotations

import itertools

from ion_magic.sandbox import seed_catalog_products as products
from ion_magic.sandbox.context import Row
from ion_magic.sandbox.rules import quantity_available
from ion_magic.sandbox.seed_factory import (
    BUILT_UNITS_PER_SCALE,
    COMPONENT_PARTS_PER_SCALE,
    FIRST_COMPONENT_PART_ID,
    INVENTORIES_PER_SCALE,
    SPARE_INVENTORY_ID,
    FactoryBase,
    SeedPart,
    Weighted,
)

_STOCKROOMS = Weighted({"Stockroom A": 6, "Stockroom B": 2, "Shipping": 1})
_STOCK_STATUSES = Weighted({"AVAILABLE": 70, "UNAVAILABLE": 8, "KITTED": 10, "WIP": 7, "SCRAPPED": 5})
_FAMILY_WEIGHTS = (25, 12, 25, 15, 8, 7, 8)


class PartsFactory(FactoryBase):
    """Adds the parts, mBOM, built-assembly and inventory stages."""

    def parts_and_boms(self) -> None:
        for index, (number, description) in enumerate(products.TOP_ASSEMBLIES):
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
        families = products.PART_FAMILIES
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
