"""A deterministic demo factory: a small space-hardware maker, with every status of every enum.

`seed(store, scale)` fills an empty store; the same scale always gives the same rows (fixed random seed,
timestamps counted from a fixed epoch, etags drawn from the same generator). Volume grows with `scale`:
per unit of scale 500 part inventories, 60 component parts, 20 runs, 30 issues and 24 purchase orders.
Scale 1 is the default sandbox (about 500 inventories); scale 200 gives 100,000 part inventories.

The ids that ION's public examples use exist at every scale: run 372 (steps 1133-1135, the last a
redline), run 419 (fields 1461-1463), run 1964, parts 1 and 20, 22, 24..., location 301 ("Stockroom A"),
part inventories 1 (an assembly with an aBOM) and 3 (a spare for its first build requirement), and id 1
of every other object type. So do the names their scripts look up (team "Operations", users by e-mail, role
"Master scheduler", permission groups "CreateMRPJob"/"UpdateMRPJob"), seeded last so nothing else moves.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ion_magic.sandbox import seed_catalog as catalog
from ion_magic.sandbox.mutations.organization import attachment_urls
from ion_magic.sandbox.rules import derive_run_status, quantity_available
from ion_magic.sandbox.store import Store

INVENTORIES_PER_SCALE = 500
COMPONENT_PARTS_PER_SCALE = 60
RUNS_PER_SCALE = 20
ISSUES_PER_SCALE = 30
PURCHASE_ORDERS_PER_SCALE = 24
BUILT_UNITS_PER_SCALE = 6
SHELVES_PER_SCALE = 4

RANDOM_SEED = 20240108
EPOCH = datetime(2024, 1, 8, 8, 0, tzinfo=UTC)
FIRST_COMPONENT_PART_ID = 20
SPECIAL_RUN_IDS = (372, 419, 1964)
REDLINE_RUN_ID, FIELDS_RUN_ID, LABELLED_RUN_ID = SPECIAL_RUN_IDS
REDLINE_RUN_STEP_IDS = (1133, 1134, 1135)
FIELDS_RUN_FIELD_IDS = (1461, 1462, 1463)
SPARE_INVENTORY_ID = 3

Row = dict[str, Any]

_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


class _Weighted:
    """A weighted choice with its cumulative weights computed once."""

    def __init__(self, weights: dict[Any, float]) -> None:
        self.population = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> Any:
        return rng.choices(self.population, cum_weights=self.cumulative)[0]


_STOCKROOMS = _Weighted({"Stockroom A": 6, "Stockroom B": 2, "Shipping": 1})
_STOCK_STATUSES = _Weighted({"AVAILABLE": 70, "UNAVAILABLE": 8, "KITTED": 10, "WIP": 7, "SCRAPPED": 5})
_ORDER_STATUSES = _Weighted({"RECEIVED": 40, "ORDERED": 20, "APPROVED": 10, "REQUESTED": 10, "DRAFT": 12,
                             "CANCELED": 8})
_RUN_STATUSES = _Weighted({"COMPLETE": 45, "IN_PROGRESS": 20, "TODO": 15, "HOLD": 5, "REDLINE": 5, "FAILED": 5,
                           "CANCELED": 5})
_ISSUE_STATUSES = _Weighted({"RESOLVED": 45, "IN_PROGRESS": 20, "IN_REVIEW": 15, "PENDING": 20})
_DISPOSITIONS = _Weighted({"REWORK": 30, "USE_AS_IS": 25, "REPAIR": 15, "SCRAP": 20, "RETURN_TO_VENDOR": 10})
_CAUSES = _Weighted(dict(catalog.ISSUE_CAUSES))
_SEVERITIES = _Weighted({"Minor": 6, "Major": 3, "Critical": 1})
_FAMILY_WEIGHTS = (25, 12, 25, 15, 8, 7, 8)


def seed(store: Store, scale: int = 1) -> None:
    """Fill an empty store with the demo factory (one transaction). Does nothing if the store has data."""
    if scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale}")
    if not store.is_empty():
        return
    factory = _Factory(random.Random(RANDOM_SEED), scale)
    factory.build()
    store.bulk_load(factory.tables)


def _slate(text: str) -> list[dict[str, Any]]:
    return [{"type": "p", "children": [{"text": text}]}]


@dataclass
class _Part:
    row: Row
    family: tuple[Any, ...] | None
    serials: int = 0

    @property
    def id(self) -> int:
        return self.row["id"]

    @property
    def tracking(self) -> str | None:
        return self.row["trackingType"]


@dataclass
class _Procedure:
    row: Row
    steps: list[Row] = field(default_factory=list)
    fields: dict[int, list[Row]] = field(default_factory=dict)


class _Factory:
    """Builds every table's rows in memory; `seed` writes them with one executemany per table."""

    def __init__(self, rng: random.Random, scale: int) -> None:
        self.rng = rng
        self.scale = scale
        self.tables: dict[str, list[Row]] = defaultdict(list)
        self._next_id: dict[str, int] = defaultdict(lambda: 1)
        self._reserved: dict[str, set[int]] = {
            "runs": set(SPECIAL_RUN_IDS), "run_steps": set(REDLINE_RUN_STEP_IDS),
            "run_step_fields": set(FIELDS_RUN_FIELD_IDS), "part_inventories": {SPARE_INVENTORY_ID}}
        self.role_ids: dict[str, int] = {}
        self.users_by_role: dict[str, list[int]] = defaultdict(list)
        self.location_ids: dict[str, int] = {}
        self.shelf_ids: list[int] = []
        self.unit_ids: dict[str, int] = {}
        self.label_ids: dict[str, int] = {}
        self.subtype_ids: dict[str, int] = {}
        self.assemblies: list[_Part] = []
        self.components: list[_Part] = []
        self.parts: dict[int, _Part] = {}
        self.mbom: dict[int, list[Row]] = defaultdict(list)
        self.procedures: list[_Procedure] = []
        self.inventories: list[Row] = []
        self.inventory_by_id: dict[int, Row] = {}
        self.units_of_part: dict[int, list[Row]] = defaultdict(list)
        self.built_units: set[int] = {1}
        self.runs: list[Row] = []
        self.run_steps: dict[int, list[Row]] = {}
        self.supplier_ids: list[int] = []

    # ------------------------------------------------------------------ primitives

    def new_id(self, table: str) -> int:
        candidate = self._next_id[table]
        while candidate in self._reserved.get(table, ()):
            candidate += 1
        self._next_id[table] = candidate + 1
        return candidate

    def etag(self) -> str:
        """32 hex digits shaped like a uuid4 (version and variant bits set), drawn from the seeded generator."""
        bits = self.rng.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET
        return f"{bits:032x}"

    @staticmethod
    def at(day: float) -> str:
        return (EPOCH + timedelta(days=day)).isoformat(timespec="seconds")

    def add(self, table: str, row: Row, *, day: float | None = None, entity: str | None = None,
            etag: bool = True) -> Row:
        """Add a row (id allocated unless given; `_etag`, timestamps and entity when asked)."""
        if "id" not in row:
            row["id"] = self.new_id(table)
        if etag:
            row["_etag"] = self.etag()
        if day is not None:
            row.setdefault("createdAt", self.at(day))
            row.setdefault("updatedAt", row["createdAt"])
        if entity is not None:
            entity_id = self.new_id("entities")
            self.tables["entities"].append({"id": entity_id, "entityType": entity, "objectId": row["id"]})
            row["entityId"] = entity_id
        self.tables[table].append(row)
        return row

    def attachment(self, owner_entity: int, owner_kind: str, filename: str, content_type: str, day: float) -> Row:
        urls = attachment_urls(owner_kind, owner_entity, self.etag(), filename)
        return self.add("file_attachments", {"entityId": owner_entity, "filename": filename,
                                             "contentType": content_type, **urls}, day=day)

    def attribute(self, owner_type: str, owner_id: int, key: str, value: str, kind: str = "STRING") -> None:
        self.add("attributes", {"ownerType": owner_type, "ownerId": owner_id, "key": key, "value": value,
                                "type": kind}, etag=False)

    # ------------------------------------------------------------------ the factory

    def build(self) -> None:
        self.people()
        self.reference_data()
        self.locations()
        self.suppliers()
        self.parts_and_boms()
        self.procedures_and_steps()
        self.built_assemblies()
        self.purchase_orders()
        self.stock()
        self.all_runs()
        self.issues()
        self.example_names()

    def people(self) -> None:
        for name, description in catalog.ROLES:
            self.role_ids[name] = self.add("roles", {"name": name, "description": description}, day=0)["id"]
        groups: dict[str, int] = {}
        for family in catalog.PERMISSION_FAMILIES:
            for action in catalog.PERMISSION_ACTIONS:
                name = f"{action}{family}"
                groups[name] = self.add("permission_groups", {"name": name, "family": family}, etag=False)["id"]
        for role, (families, extra) in catalog.ROLE_GRANTS.items():
            names = {f"Read{family}" for family in catalog.PERMISSION_FAMILIES}
            names |= {f"{action}{family}" for family in families for action in catalog.PERMISSION_ACTIONS}
            names |= set(extra) & set(groups)
            for name in sorted(names, key=groups.__getitem__):
                self.tables["role_permission_groups"].append(
                    {"roleId": self.role_ids[role], "permissionGroupId": groups[name]})
        for index, (name, email, roles, active) in enumerate(catalog.USERS):
            user = self.add("users", {"name": name, "email": email, "organizationId": 1, "active": int(active)},
                            day=index * 0.5)
            for role in roles:
                self.tables["user_roles"].append({"userId": user["id"], "roleId": self.role_ids[role]})
                self.users_by_role[role].append(user["id"])
        for name, supervisor, members, roles in catalog.TEAMS:
            team = self.add("teams", {"name": name, "supervisorId": supervisor + 1}, day=1)
            for member in sorted({supervisor, *members}):
                self.tables["team_users"].append({"teamId": team["id"], "userId": member + 1})
            for role in roles:
                self.tables["team_roles"].append({"teamId": team["id"], "roleId": self.role_ids[role]})
        for index, client in enumerate(("svc-mes-integration", "svc-erp-sync")):
            self.add("api_keys", {"clientId": client, "clientSecret": self.etag() + self.etag(),
                                  "enabled": int(index == 0), "userId": 1}, day=2 + index)

    def example_names(self) -> None:
        """The roles, permission groups, users and team that First Resonance's example scripts name."""
        for name, description in catalog.EXAMPLE_ROLES:
            self.role_ids[name] = self.add("roles", {"name": name, "description": description}, day=0)["id"]
        for family in catalog.EXAMPLE_PERMISSION_FAMILIES:
            for action in catalog.PERMISSION_ACTIONS:
                self.add("permission_groups", {"name": f"{action}{family}", "family": family}, etag=False)
        for index, (name, email) in enumerate(catalog.EXAMPLE_USERS):
            user = self.add("users", {"name": name, "email": email, "organizationId": 1, "active": 1},
                            day=20 + index)
            self.tables["user_roles"].append({"userId": user["id"], "roleId": self.role_ids["Technician"]})
        for name, supervisor, roles in catalog.EXAMPLE_TEAMS:
            team = self.add("teams", {"name": name, "supervisorId": supervisor + 1}, day=20)
            self.tables["team_users"].append({"teamId": team["id"], "userId": supervisor + 1})
            for role in roles:
                self.tables["team_roles"].append({"teamId": team["id"], "roleId": self.role_ids[role]})

    def reference_data(self) -> None:
        for value, color in catalog.LABELS:
            self.label_ids[value] = self.add("labels", {"value": value, "color": color, "createdById": 2,
                                                        "updatedById": 2}, day=1)["id"]
        for unit in catalog.UNITS:
            self.unit_ids[unit] = self.add("units_of_measurement", {"type": unit}, day=0)["id"]
        for code, name in catalog.CURRENCIES:
            self.add("currencies", {"code": code, "name": name}, etag=False)
        for name in ("Fastener", "Seal", "Machined part", "Electronic assembly", "Cable assembly", "Raw material",
                     "Consumable"):
            self.subtype_ids[name] = self.add("part_subtypes", {"name": name}, etag=False)["id"]
        for name, entity_type, template in catalog.BARCODE_TEMPLATES:
            self.add("barcode_templates", {"name": name, "entityType": entity_type, "template": template}, day=2)
        for title, target, event, error_state, context, code in catalog.RULES:
            self.add("rules", {"title": title, "target": target, "ruleType": "VALIDATION", "eventType": event,
                               "enabled": 1, "context": context, "code": code, "errorState": error_state}, day=5)

    def locations(self) -> None:
        subtypes = {name: self.add("location_subtypes", {"name": name}, etag=False)["id"]
                    for name in catalog.LOCATION_SUBTYPES}
        self._next_id["locations"] = catalog.FIRST_LOCATION_ID
        for name, subtype, description in catalog.LOCATIONS:
            row = self.add("locations", {"name": name, "description": description,
                                         "locationSubtypeId": subtypes[subtype]}, day=0, entity="Location")
            self.location_ids[name] = row["id"]
        for index in range(SHELVES_PER_SCALE * self.scale):
            parent = catalog.STOCKROOM_SHELVES[index % len(catalog.STOCKROOM_SHELVES)]
            number = index // len(catalog.STOCKROOM_SHELVES)
            name = f"{parent} / Shelf {number // 6 + 1:02d}-{'ABCDEF'[number % 6]}"
            row = self.add("locations", {"name": name, "parentId": self.location_ids[parent],
                                         "locationSubtypeId": subtypes["Shelf"]}, day=3, entity="Location")
            self.shelf_ids.append(row["id"])

    def suppliers(self) -> None:
        for index, name in enumerate(catalog.SUPPLIERS):
            domain = "".join(ch for ch in name.lower() if ch.isalnum())[:16]
            supplier = self.add("suppliers", {"name": name, "email": f"orders@{domain}.example.com"},
                                day=4 + index, entity="Supplier")
            self.supplier_ids.append(supplier["id"])
            self.attribute("Supplier", supplier["id"], "AS9100 Certified", "true" if index % 4 else "false",
                           "BOOLEAN")
            self.attribute("Supplier", supplier["id"], "Payment Terms", ("Net 30", "Net 45", "Net 60")[index % 3])
            certificate = self.attachment(supplier["entityId"], "Supplier", f"iso9001-{domain}.pdf",
                                          "application/pdf", 4 + index)
            self.attribute("Supplier", supplier["id"], "ISO Certificate", certificate["downloadUrl"],
                           "FILE_ATTACHMENT")

    # ------------------------------------------------------------------ parts

    def parts_and_boms(self) -> None:
        for index, (number, description) in enumerate(catalog.TOP_ASSEMBLIES):
            row = self.add("parts", {"id": index + 1, "partNumber": number, "revision": "A",
                                     "description": description, "trackingType": "SERIAL",
                                     "unitOfMeasureId": self.unit_ids["each"], "createdById": 3, "updatedById": 3},
                           day=6 + index, entity="Part")
            thumbnail = self.attachment(row["entityId"], "Part", f"{number.lower()}.png", "image/png", 6 + index)
            row["thumbnailId"] = thumbnail["id"]
            part = _Part(row, None)
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
            base = {"partNumber": f"{prefix}-{10000 + index}", "description": self.rng.choice(descriptions),
                    "trackingType": tracking, "unitOfMeasureId": self.unit_ids[unit],
                    "supplierPartNumber": f"S{self.rng.randint(1000, 99999)}", "createdById": 3, "updatedById": 3}
            row = self.add("parts", {"id": next_id, **base, "revision": "A"}, day=day, entity="Part")
            part = _Part(row, family)
            self.components.append(part)
            self.parts[part.id] = part
            if self.rng.random() < 0.15:
                revised = self.add("parts", {"id": next_id + 1, **base, "revision": "B"}, day=day + 40, entity="Part")
                self.parts[revised["id"]] = _Part(revised, family)
            next_id += 2
        for assembly_index, assembly in enumerate(self.assemblies):
            self.assembly_bom(assembly, assembly_index)

    def _component(self, prefix: str) -> _Part:
        candidates = [part for part in self.components if part.family[0] == prefix]
        return self.rng.choice(candidates)

    def assembly_bom(self, assembly: _Part, index: int) -> None:
        wanted = ["MCH", "FST", "SEL", "ELX" if index % 2 else "CBL", "CNS", "MCH", "FST", "RAW"]
        chosen: list[_Part] = []
        for prefix in wanted[: 5 + index % 4]:
            part = self._component(prefix)
            if part not in chosen:
                chosen.append(part)
        for position, part in enumerate(chosen):
            prefix = part.family[0]
            if position == 0 or prefix in ("MCH", "ELX", "CBL"):
                quantity = 1.0 if position == 0 else float(self.rng.choice((1, 1, 2)))
            elif prefix == "FST":
                quantity = float(self.rng.choice((4, 6, 8, 12, 16, 24)))
            elif prefix == "RAW":
                quantity = round(self.rng.uniform(0.5, 3.0), 2)
            else:
                quantity = float(self.rng.randint(1, 6))
            item = self.add("mbom_items", {"partId": part.id, "parentId": assembly.id, "quantity": quantity},
                            day=20 + index)
            self.mbom[assembly.id].append(item)
            if prefix in ("FST", "SEL"):
                substitute = self._component(prefix)
                if substitute is not part:
                    self.add("mbom_substitutes", {"mbomItemId": item["id"], "partId": substitute.id, "priority": 1},
                             day=21 + index)
            if prefix in ("ELX", "CBL"):
                for designator in range(int(quantity)):
                    value = f"{'U' if prefix == 'ELX' else 'J'}{position + designator + 1}"
                    self.add("mbom_item_reference_designators", {"mbomItemId": item["id"], "value": value},
                             day=21 + index)

    # ------------------------------------------------------------------ procedures

    def procedures_and_steps(self) -> None:
        standard_step: Row | None = None
        for index, (title, kind, assembly_index, step_titles) in enumerate(catalog.PROCEDURES):
            day = 10 + index * 3
            row = self.add("procedures", {
                "title": title, "description": f"Work instruction for {title.lower()}.", "type": kind,
                "version": 1 + index % 3, "exportControlled": int(index < 2), "createdById": 3, "updatedById": 3},
                day=day, entity="Procedure")
            row["familyId"] = row["id"]
            procedure = _Procedure(row)
            self.procedures.append(procedure)
            self.attribute("Procedure", row["id"], "Document Number", f"WI-{1000 + row['id']}")
            self.attribute("Procedure", row["id"], "Document Revision", "ABC"[index % 3])
            labels = ["flight"] if kind == "BUILD" else []
            labels += {0: ["engineering_build"], 9: ["composite_deck"], 4: ["qualification"]}.get(index, [])
            for label in labels:
                self.tables["procedure_family_labels"].append({"familyId": row["id"],
                                                               "labelId": self.label_ids[label]})
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
                    step.update(isDerivedStep=1, standardStepId=standard_step["id"], originStepId=standard_step["id"],
                                standardStepFamilyId=standard_step["id"], standardStepStatus="RELEASED")
                if previous is not None:
                    self.add("step_edges", {"stepId": step["id"], "upstreamStepId": previous["id"],
                                            "createdById": 3, "updatedById": 3}, day=day)
                previous = step
                for child_position, child_title in enumerate(children, 1):
                    self.step(procedure, child_title, child_position, step, pool[child_position % len(pool):][:1],
                              day)
            if assembly_index is not None:
                assembly = self.assemblies[assembly_index]
                top_steps = [step for step in procedure.steps if step["parentId"] is None]
                for item_index, item in enumerate(self.mbom[assembly.id]):
                    self.add("mbom_item_step_associations", {
                        "mbomItemId": item["id"], "stepId": top_steps[item_index % len(top_steps)]["id"]}, etag=False)
        self.datagrid(self.procedures[0].steps[0])

    def step(self, procedure: _Procedure, title: str, position: int, parent: Row | None,
             field_names: tuple[str, ...], day: float) -> Row:
        kind = procedure.row["type"]
        location = {"BUILD": "Integration Bay", "TEST": "Test Cell 1", "INSPECTION": "Receiving Dock",
                    "MAINTENANCE": "Machine Shop", "REWORK": "MRB Cage"}[kind]
        content = f"{title}. Follow {procedure.row['title']} drawing notes and record the results below."
        step = self.add("steps", {
            "procedureId": procedure.row["id"], "parentId": parent["id"] if parent else None, "title": title,
            "type": "DATAGRID" if title == "Fastener Torque Log" else "CONTENT", "position": position,
            "content": content, "slateContent": _slate(content), "leadTime": self.rng.choice((15, 30, 45, 60, 120)),
            "locationId": self.location_ids[location], "version": 1, "createdById": 3, "updatedById": 3},
            day=day, entity="Step")
        step["familyId"] = step["id"]
        procedure.steps.append(step)
        templates = {template[0]: template for template in catalog.FIELD_TEMPLATES}
        rows = []
        for field_position, name in enumerate(field_names, 1):
            _name, field_type, required, unit, options, extra = templates[name]
            row = self.add("step_fields", {
                "stepId": step["id"], "name": name, "type": field_type, "position": field_position,
                "required": int(required), "allowNotApplicable": int(not required), "display": "INLINE",
                "options": options, "unit": unit,
                "signoffRoleId": self.role_ids[extra] if field_type == "SIGNOFF" else None,
                "peerReviewRequired": int(field_type == "SIGNOFF" and extra == "Quality Inspector"),
                "allowedIonType": "USER" if field_type == "SIGNOFF" else None, "createdById": 3, "updatedById": 3},
                day=day)
            if field_type == "NUMBER":
                self.add("field_validations", {"fieldId": row["id"], "functionId": 101}, etag=False)
            rows.append(row)
        procedure.fields[step["id"]] = rows
        if self.rng.random() < 0.2 or step["id"] == 1:
            self.attachment(step["entityId"], "Step", f"{title.lower().replace(' ', '_')[:40]}.png", "image/png", day)
        return step

    def datagrid(self, step: Row) -> None:
        self.attachment(step["entityId"], "Step", "TPA-1000_assembly_drawing.pdf", "application/pdf", 12)
        columns = []
        for index, (header, kind) in enumerate(catalog.DATAGRID_COLUMNS):
            columns.append(self.add("datagrid_columns", {
                "stepId": step["id"], "header": header, "type": kind, "index": index,
                "prevId": columns[-1]["id"] if columns else None, "unit": "in-lb" if kind == "NUMBER" else None,
                "editable": 1, "settable": 1,
                "signoffRoleId": self.role_ids["Technician"] if kind == "SIGNOFF" else None}, day=10))
        previous: Row | None = None
        for index in range(4):
            row = self.add("datagrid_rows", {"stepId": step["id"], "index": index, "required": 1,
                                             "allowNotApplicable": int(index == 3),
                                             "prevId": previous["id"] if previous else None}, day=10)
            previous = row
            photo = self.attachment(step["entityId"], "Step", f"bolt_b{index + 1}.jpg", "image/jpeg", 10)
            cells = {"STRING": f"B{index + 1}", "NUMBER": round(self.rng.uniform(28, 32), 1), "SIGNOFF": True,
                     "FILE_ATTACHMENT": photo["id"]}
            for column in columns:
                self.add("datagrid_values", {
                    "rowId": row["id"], "columnId": column["id"], "type": column["type"],
                    "value": cells[column["type"]], "notApplicable": 0,
                    "fileAttachmentId": photo["id"] if column["type"] == "FILE_ATTACHMENT" else None,
                    "ionValueType": "User" if column["type"] == "SIGNOFF" else None,
                    "ionValueId": 5 if column["type"] == "SIGNOFF" else None}, day=11)

    # ------------------------------------------------------------------ inventory

    def inventory(self, part: _Part, status: str, day: float, *, quantity: float | None = None,
                  location: int | None = None, line: int | None = None, row_id: int | None = None) -> Row:
        family = part.family
        tracking = part.tracking
        if quantity is None:
            if tracking == "SERIAL":
                quantity = 1.0
            elif family and family[0] == "RAW":
                quantity = round(self.rng.uniform(2.5, 80.0), 2)
            else:
                quantity = float(self.rng.choice((10, 25, 50, 100, 250, 500)))
        serial = lot = None
        if tracking == "SERIAL":
            part.serials += 1
            serial = f"{part.row['partNumber']}-SN{part.serials:04d}"
        elif tracking == "LOT":
            lot = f"L{24 + int(day // 365)}{int(day % 365 // 7) + 1:02d}-{self.rng.randint(1, 999):03d}"
        costs = family[5] if family else (25_000.0, 180_000.0)
        received = status != "ON_ORDER"
        stamp = self.at(day)
        row = {"createdAt": stamp, "partId": part.id, "quantity": quantity,
               "quantityAvailable": quantity_available(status, quantity), "status": status,
               "serialNumber": serial, "lotNumber": lot,
               "locationId": location if location is not None else self.location_for(status),
               "unitOfMeasureId": part.row["unitOfMeasureId"], "cost": round(self.rng.uniform(*costs), 2),
               "installed": int(status == "INSTALLED"), "kitted": int(status == "KITTED"), "received": int(received),
               "receivedDate": stamp if received else None, "purchaseOrderLineId": line,
               "createdById": self.rng.choice((5, 6, 9)), "updatedById": 5}
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
        name = {"UNAVAILABLE": "Quarantine Cage", "SCRAPPED": "MRB Cage", "KITTED": "Integration Bay",
                "INSTALLED": "Integration Bay", "WIP": self.rng.choice(("Clean Room 1", "Clean Room 2",
                                                                      "Integration Bay", "Machine Shop"))}[status]
        return self.location_ids[name]

    def built_assemblies(self) -> None:
        units = BUILT_UNITS_PER_SCALE * self.scale + 1
        for index in range(units):
            assembly = self.assemblies[index % len(self.assemblies)]
            day = 30 + index * 280 / units
            complete = index % 3 != 0 if index else False
            status = self.rng.choice(("AVAILABLE", "AVAILABLE", "KITTED", "UNAVAILABLE")) if complete else "WIP"
            unit = self.inventory(assembly, status, day)
            root = self.add("abom_items", {"partInventoryId": unit["id"], "partId": assembly.id, "quantity": 1.0},
                            day=day)
            for position, item in enumerate(self.mbom[assembly.id]):
                requirement = self.add("build_requirements", {
                    "partId": item["partId"], "partInventoryId": unit["id"],
                    "quantityPerParentPartInventory": item["quantity"], "madeOnAssembly": 0,
                    "originMbomItemId": item["id"]}, day=day)
                child = self.add("abom_items", {"parentId": root["id"], "partId": item["partId"],
                                                "mbomItemId": item["id"], "quantity": item["quantity"]}, day=day)
                if index == 0 and position == 0:
                    self.inventory(self.parts[item["partId"]], "AVAILABLE", day,
                                   location=self.location_ids["Stockroom A"], row_id=SPARE_INVENTORY_ID)
                    continue
                if not complete and position >= len(self.mbom[assembly.id]) // 2 + 1:
                    continue
                self.install(requirement, child, self.parts[item["partId"]], item["quantity"], day + 1)

    def install(self, requirement: Row, abom_item: Row, part: _Part, quantity: float, day: float) -> None:
        pieces = [1.0] * int(quantity) if part.tracking == "SERIAL" else [quantity]
        for amount in pieces:
            installed = self.inventory(part, "INSTALLED", day, quantity=amount)
            abom_item.setdefault("partInventoryId", installed["id"])
            self.add("abom_installations", {"buildRequirementId": requirement["id"],
                                            "partInventoryId": installed["id"], "quantity": amount}, day=day)

    def purchase_orders(self) -> None:
        statuses = ("ORDERED", "RECEIVED", "DRAFT", "REQUESTED", "APPROVED", "CANCELED")
        line_status = {"DRAFT": "DRAFT", "REQUESTED": "REQUESTED", "APPROVED": "APPROVED", "ORDERED": "ORDERED",
                       "RECEIVED": "ORDERED", "CANCELED": "DRAFT"}
        managers = self.users_by_role["Manager"]
        count = PURCHASE_ORDERS_PER_SCALE * self.scale
        for index in range(count):
            status = statuses[index] if index < len(statuses) else _ORDER_STATUSES.draw(self.rng)
            day = 15 + index * 330 / count
            supplier_id = self.rng.choice(self.supplier_ids)
            # Each supplier has its own usual lead time, and some deliveries come late.
            received_day = day + 2 + 6 + (supplier_id * 11) % 35 + self.rng.choice((0, 0, 1, 2, 3, 5, 9, 21))
            order = self.add("purchase_orders", {
                "status": status, "supplierId": supplier_id,
                "currencyId": 1 if index % 7 else 2, "createdById": 7, "updatedById": 7,
                "orderedAt": self.at(day + 2) if status in ("ORDERED", "RECEIVED") else None},
                day=day, entity="PurchaseOrder")
            total = 0.0
            if status != "DRAFT":
                for reviewer in managers[: 1 + index % 2]:
                    self.add("purchase_order_approval_requests", {"purchaseOrderId": order["id"],
                                                                  "reviewerId": reviewer, "createdAt": self.at(day)},
                             etag=False)
            if status in ("APPROVED", "ORDERED", "RECEIVED"):
                for reviewer in managers[: 1 + index % 2]:
                    self.add("purchase_order_approvals", {"purchaseOrderId": order["id"], "reviewerId": reviewer,
                                                          "approvedAt": self.at(day + 1)}, etag=False)
            if index % 5 in (0, 3):
                amount = round(self.rng.uniform(25, 400), 2)
                total += amount
                self.add("purchase_order_fees", {"purchaseOrderId": order["id"], "name": "Shipping",
                                                 "amount": amount}, etag=False)
            received_inventory: list[tuple[Row, Row]] = []
            for _ in range(self.rng.randint(1, 4)):
                part = self.rng.choice(self.components)
                prefix = part.family[0]
                quantity = float(self.rng.randint(1, 4) if part.tracking == "SERIAL"
                                 else self.rng.randint(5, 50) if prefix == "RAW" else self.rng.choice((25, 100, 500)))
                unit_cost = round(self.rng.uniform(*part.family[5]), 2)
                total += quantity * unit_cost
                line = self.add("purchase_order_lines", {
                    "purchaseOrderId": order["id"], "partId": part.id, "description": part.row["description"],
                    "status": line_status[status], "quantity": quantity, "unitCost": unit_cost,
                    "needDate": (EPOCH + timedelta(days=day + self.rng.randint(14, 60))).date().isoformat()},
                    day=day, entity="PurchaseOrderLine")
                if status in ("ORDERED", "RECEIVED"):
                    pieces = [1.0] * int(quantity) if part.tracking == "SERIAL" else [quantity]
                    for amount in pieces:
                        if status == "ORDERED":
                            self.inventory(part, "ON_ORDER", day + 2, quantity=amount, line=line["id"])
                        else:
                            inventory_status = "UNAVAILABLE" if self.rng.random() < 0.15 else "AVAILABLE"
                            received = self.inventory(part, inventory_status, received_day, quantity=amount,
                                                      line=line["id"])
                            received_inventory.append((line, received))
            order["estimatedTotalCost"] = round(total, 2)
            if received_inventory:
                receipt = self.add("receipts", {"receivedDate": self.at(received_day), "receivedById": 7},
                                   day=received_day, entity="Receipt")
                for line, received in received_inventory:
                    self.add("receipt_items", {"receiptId": receipt["id"], "purchaseOrderLineId": line["id"],
                                               "partInventoryId": received["id"], "quantity": received["quantity"]},
                             day=received_day)

    def stock(self) -> None:
        """Component stock in every status, up to INVENTORIES_PER_SCALE * scale inventories in all."""
        missing = INVENTORIES_PER_SCALE * self.scale - len(self.inventories)
        cycle = ("AVAILABLE", "UNAVAILABLE", "KITTED", "WIP", "SCRAPPED")
        family_weights = [{"FST": 4, "SEL": 3, "CNS": 2, "RAW": 1}.get(part.family[0], 1) for part in self.components]
        cumulative = list(itertools.accumulate(family_weights))
        for index in range(missing):
            status = cycle[index] if index < len(cycle) else _STOCK_STATUSES.draw(self.rng)
            part = self.rng.choices(self.components, cum_weights=cumulative)[0]
            quantity = 0.0 if status == "SCRAPPED" and part.tracking == "SERIAL" and index % 2 else None
            self.inventory(part, status, 20 + index * 340 / max(missing, 1), quantity=quantity)

    # ------------------------------------------------------------------ runs

    def all_runs(self) -> None:
        count = RUNS_PER_SCALE * self.scale
        run_ids = sorted(set(range(1, count + 1)) | set(SPECIAL_RUN_IDS))
        cycle = ("IN_PROGRESS", "COMPLETE", "TODO", "HOLD", "FAILED", "CANCELED", "REDLINE")
        for position, run_id in enumerate(run_ids):
            day = 25 + position * 330 / len(run_ids)
            if run_id == REDLINE_RUN_ID:
                self.redline_run(day)
            elif run_id == FIELDS_RUN_ID:
                self.run(run_id, self.procedures[4], "IN_PROGRESS", day, current=0, field_ids=FIELDS_RUN_FIELD_IDS)
            elif run_id == LABELLED_RUN_ID:
                self.run(run_id, self.procedures[0], "COMPLETE", day, labels=("flight", "customer_a"))
            else:
                target = cycle[run_id - 1] if run_id <= len(cycle) else _RUN_STATUSES.draw(self.rng)
                # The first runs go through every procedure, so that run fields of every type exist.
                procedure = (self.procedures[run_id - 1] if run_id <= len(self.procedures)
                             else self.rng.choice(self.procedures))
                self.run(run_id, procedure, target, day, inventory_id=1 if run_id == 1 else None)

    def run_inventory(self, procedure: _Procedure) -> int | None:
        """What a run works on: a unit of the procedure's assembly (each unit is built by one run only; tests
        may repeat), any inventory for inspections and rework, nothing for maintenance."""
        assembly_index = next(entry[2] for entry in catalog.PROCEDURES if entry[0] == procedure.row["title"])
        if procedure.row["type"] == "MAINTENANCE":
            return None
        if assembly_index is None:
            return self.rng.choice(self.inventories)["id"]
        units = self.units_of_part[self.assemblies[assembly_index].id]
        if procedure.row["type"] == "BUILD":
            units = [unit for unit in units if unit["id"] not in self.built_units]
        if not units:
            return None
        unit = self.rng.choice(units)
        if procedure.row["type"] == "BUILD":
            self.built_units.add(unit["id"])
        return unit["id"]

    def run(self, run_id: int, procedure: _Procedure, target: str, day: float, *, current: int | None = None,
            inventory_id: int | None = None, field_ids: tuple[int, ...] = (),
            labels: tuple[str, ...] | None = None) -> Row:
        steps = self._steps_in_order(procedure)
        current = self.rng.randrange(len(steps)) if current is None else current
        statuses = {"TODO": ["TODO"] * len(steps), "COMPLETE": ["COMPLETE"] * len(steps),
                    "CANCELED": ["CANCELED"] * len(steps)}.get(target)
        if statuses is None:
            statuses = ["COMPLETE"] * current + [target] + ["TODO"] * (len(steps) - current - 1)
        assert derive_run_status(statuses) == target
        inventory_id = inventory_id or self.run_inventory(procedure)
        inventory = self.inventory_by_id.get(inventory_id) if inventory_id else None
        label = (inventory["serialNumber"] or inventory["lotNumber"] or f"INV-{inventory_id}") if inventory else ""
        run = self.add("runs", {
            "id": run_id, "title": f"{procedure.row['title']} - {label}" if label else procedure.row["title"],
            "status": target, "procedureId": procedure.row["id"], "partInventoryId": inventory_id,
            "partId": inventory["partId"] if inventory else None, "createdById": self.rng.choice((2, 3, 8)),
            "updatedById": 5, "startedAt": self.at(day + 0.1) if target != "TODO" else None,
            "completedAt": self.at(day + len(steps) * 0.2) if target == "COMPLETE" else None},
            day=day, entity="Run")
        self.runs.append(run)
        if procedure.row["type"] == "BUILD":
            self.attribute("Run", run_id, "Vehicle", f"FV-{run_id % 40 + 1:03d}")
        if labels is None:
            chosen = self.rng.random() < 0.3
            labels = tuple(self.rng.sample(list(self.label_ids), self.rng.randint(1, 2))) if chosen else ()
        for label_value in labels:
            self.tables["entity_labels"].append({"entityId": run["entityId"], "labelId": self.label_ids[label_value]})
        remaining_field_ids = list(field_ids)
        run_steps = []
        for position, (step, status) in enumerate(zip(steps, statuses, strict=True), 1):
            run_step = self.add("run_steps", {
                "runId": run_id, "stepId": step["id"], "title": step["title"], "content": step["content"],
                "status": status, "position": position, "createdById": 5, "updatedById": 5,
                "completedAt": self.at(day + position * 0.2) if status == "COMPLETE" else None},
                day=day, entity="RunStep")
            run_steps.append(run_step)
            for field_index, template in enumerate(procedure.fields[step["id"]]):
                filled = status == "COMPLETE" or (status == "FAILED" and field_index == 0) or (
                    status in ("IN_PROGRESS", "HOLD") and field_index == 0)
                value = self.field_value(template, day, failing=status == "FAILED") if filled else None
                row = {"runStepId": run_step["id"], "name": template["name"], "type": template["type"],
                       "value": value, "required": template["required"], "unit": template["unit"],
                       "position": template["position"]}
                if remaining_field_ids:
                    row["id"] = remaining_field_ids.pop(0)
                self.add("run_step_fields", row, day=day)
        self.run_steps[run_id] = run_steps
        return run

    @staticmethod
    def _steps_in_order(procedure: _Procedure) -> list[Row]:
        ordered: list[Row] = []

        def visit(parent: int | None) -> None:
            for step in sorted((s for s in procedure.steps if s["parentId"] == parent), key=lambda s: s["position"]):
                ordered.append(step)
                visit(step["id"])

        visit(None)
        return ordered

    def field_value(self, template: Row, day: float, *, failing: bool) -> Any:
        catalog_entry = next(entry for entry in catalog.FIELD_TEMPLATES if entry[0] == template["name"])
        field_type, extra = template["type"], catalog_entry[5]
        if field_type == "NUMBER":
            low, high = extra
            value = self.rng.uniform(low, high)
            return round(high * 1.2 if failing else value, 3)
        if field_type in ("BOOLEAN", "SIGNOFF"):
            return not failing
        if field_type == "STRING":
            return self.rng.choice(extra)
        if field_type == "SELECT":
            return self.rng.choice(template["options"])
        if field_type == "MULTISELECT":
            return self.rng.sample(template["options"], self.rng.randint(0, 2))
        if field_type == "DATETIME":
            return self.at(day + 0.05)
        return self.rng.randint(1, max(1, len(self.tables["file_attachments"])))

    def redline_run(self, day: float) -> None:
        procedure = self.procedures[6]
        steps = self._steps_in_order(procedure)
        units = self.units_of_part[self.assemblies[6].id]
        inventory = units[0] if units else None
        run = self.add("runs", {
            "id": REDLINE_RUN_ID, "title": f"{procedure.row['title']} - "
                                          f"{inventory['serialNumber'] if inventory else 'bench unit'}",
            "status": "REDLINE", "procedureId": procedure.row["id"],
            "partInventoryId": inventory["id"] if inventory else None,
            "partId": inventory["partId"] if inventory else None, "createdById": 3, "updatedById": 3,
            "startedAt": self.at(day + 0.1)}, day=day, entity="Run")
        self.runs.append(run)
        titles = [(step["id"], step["title"], step["content"]) for step in steps]
        titles.append((None, "Redline: replace poppet seal and repeat seat leak check",
                       "Seat leak above limit. Replace the poppet seal (SEL) and repeat the helium leak check."))
        statuses = ["COMPLETE"] * len(steps) + ["REDLINE"]
        assert derive_run_status(statuses) == "REDLINE"
        run_steps = []
        for position, ((step_id, title, content), status, run_step_id) in enumerate(
                zip(titles, statuses, REDLINE_RUN_STEP_IDS, strict=True), 1):
            run_step = self.add("run_steps", {
                "id": run_step_id, "runId": REDLINE_RUN_ID, "stepId": step_id, "title": title, "content": content,
                "status": status, "position": position, "createdById": 3, "updatedById": 3,
                "completedAt": self.at(day + position * 0.2) if status == "COMPLETE" else None},
                day=day, entity="RunStep")
            run_steps.append(run_step)
            for template in procedure.fields.get(step_id, []):
                self.add("run_step_fields", {
                    "runStepId": run_step_id, "name": template["name"], "type": template["type"],
                    "value": self.field_value(template, day, failing=False), "required": template["required"],
                    "unit": template["unit"], "position": template["position"]}, day=day)
        self.run_steps[REDLINE_RUN_ID] = run_steps

    # ------------------------------------------------------------------ quality

    def issues(self) -> None:
        count = ISSUES_PER_SCALE * self.scale
        status_cycle = ("IN_REVIEW", "PENDING", "IN_PROGRESS", "RESOLVED", "RESOLVED", "RESOLVED", "RESOLVED")
        disposition_cycle = ("REWORK", None, "USE_AS_IS", "REPAIR", "SCRAP", "RETURN_TO_VENDOR", "USE_AS_IS")
        quality = self.users_by_role["Quality Inspector"] + self.users_by_role["Engineer"]
        for index in range(count):
            day = 35 + index * 320 / count
            if index < len(status_cycle):
                status, disposition = status_cycle[index], disposition_cycle[index]
            else:
                status = _ISSUE_STATUSES.draw(self.rng)
                disposition = None if status == "PENDING" else _DISPOSITIONS.draw(self.rng)
            cause = "Workmanship" if index == 0 else _CAUSES.draw(self.rng)
            defect_index = self.rng.randrange(len(catalog.ISSUE_DEFECTS))
            defect = catalog.ISSUE_DEFECTS[defect_index]
            inventory = self.rng.choice(self.inventories)
            part = self.parts[inventory["partId"]]
            run = self.rng.choice(self.runs) if self.rng.random() < 0.4 else None
            run_step = self.rng.choice(self.run_steps[run["id"]]) if run and self.run_steps[run["id"]] else None
            issue = self.add("issues", {
                "title": f"{defect} - {part.row['partNumber']}", "status": status, "disposition": disposition,
                "description": f"{defect} found on {part.row['description']} "
                               f"({inventory['serialNumber'] or inventory['lotNumber'] or 'untracked stock'}).",
                "cause": cause, "expectedCondition": _slate(f"{part.row['partNumber']} conforms to its drawing."),
                "causeCondition": _slate(f"{cause}: {defect.lower()}."), "partInventoryId": inventory["id"],
                "runId": run["id"] if run else None, "runStepId": run_step["id"] if run_step else None,
                "quantity": 1.0 if part.tracking == "SERIAL" else float(self.rng.randint(1, 10)),
                "assignedToId": self.rng.choice(quality), "createdById": self.rng.choice((4, 5, 10)),
                "updatedById": 4,
                "resolvedAt": self.at(day + self.rng.uniform(2, 20)) if status == "RESOLVED" else None},
                day=day, entity="Issue")
            self.attribute("Issue", issue["id"], "Defect Code", f"D-{defect_index + 1:02d}")
            self.attribute("Issue", issue["id"], "Severity", _SEVERITIES.draw(self.rng))
