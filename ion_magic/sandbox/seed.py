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

import random

from ion_magic.sandbox import seed_catalog as catalog
from ion_magic.sandbox.seed_factory import INVENTORIES_PER_SCALE, RANDOM_SEED, SHELVES_PER_SCALE
from ion_magic.sandbox.seed_runs import RunsFactory
from ion_magic.sandbox.store import Store

__all__ = ["INVENTORIES_PER_SCALE", "seed"]


def seed(store: Store, scale: int = 1) -> None:
    """Fill an empty store with the demo factory (one transaction). Does nothing if the store has data."""
    if scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale}")
    if not store.is_empty():
        return
    factory = DemoFactory(random.Random(RANDOM_SEED), scale)
    factory.build()
    store.bulk_load(factory.tables)


class DemoFactory(RunsFactory):
    """Builds every table's rows in memory, stage by stage; `seed` writes them with one executemany per table."""

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
                    {"roleId": self.role_ids[role], "permissionGroupId": groups[name]}
                )
        for index, (name, email, roles, active) in enumerate(catalog.USERS):
            user = self.add(
                "users", {"name": name, "email": email, "organizationId": 1, "active": int(active)}, day=index * 0.5
            )
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
            self.add(
                "api_keys",
                {
                    "clientId": client,
                    "clientSecret": self.etag() + self.etag(),
                    "enabled": int(index == 0),
                    "userId": 1,
                },
                day=2 + index,
            )

    def example_names(self) -> None:
        """The roles, permission groups, users and team that First Resonance's example scripts name."""
        for name, description in catalog.EXAMPLE_ROLES:
            self.role_ids[name] = self.add("roles", {"name": name, "description": description}, day=0)["id"]
        for family in catalog.EXAMPLE_PERMISSION_FAMILIES:
            for action in catalog.PERMISSION_ACTIONS:
                self.add("permission_groups", {"name": f"{action}{family}", "family": family}, etag=False)
        for index, (name, email) in enumerate(catalog.EXAMPLE_USERS):
            user = self.add("users", {"name": name, "email": email, "organizationId": 1, "active": 1}, day=20 + index)
            self.tables["user_roles"].append({"userId": user["id"], "roleId": self.role_ids["Technician"]})
        for name, supervisor, roles in catalog.EXAMPLE_TEAMS:
            team = self.add("teams", {"name": name, "supervisorId": supervisor + 1}, day=20)
            self.tables["team_users"].append({"teamId": team["id"], "userId": supervisor + 1})
            for role in roles:
                self.tables["team_roles"].append({"teamId": team["id"], "roleId": self.role_ids[role]})

    def reference_data(self) -> None:
        for value, color in catalog.LABELS:
            self.label_ids[value] = self.add(
                "labels", {"value": value, "color": color, "createdById": 2, "updatedById": 2}, day=1
            )["id"]
        for unit in catalog.UNITS:
            self.unit_ids[unit] = self.add("units_of_measurement", {"type": unit}, day=0)["id"]
        for code, name in catalog.CURRENCIES:
            self.add("currencies", {"code": code, "name": name}, etag=False)
        for name in (
            "Fastener",
            "Seal",
            "Machined part",
            "Electronic assembly",
            "Cable assembly",
            "Raw material",
            "Consumable",
        ):
            self.subtype_ids[name] = self.add("part_subtypes", {"name": name}, etag=False)["id"]
        for name, entity_type, template in catalog.BARCODE_TEMPLATES:
            self.add("barcode_templates", {"name": name, "entityType": entity_type, "template": template}, day=2)
        for title, target, event, error_state, context, code in catalog.RULES:
            self.add(
                "rules",
                {
                    "title": title,
                    "target": target,
                    "ruleType": "VALIDATION",
                    "eventType": event,
                    "enabled": 1,
                    "context": context,
                    "code": code,
                    "errorState": error_state,
                },
                day=5,
            )

    def locations(self) -> None:
        subtypes = {
            name: self.add("location_subtypes", {"name": name}, etag=False)["id"] for name in catalog.LOCATION_SUBTYPES
        }
        self._next_id["locations"] = catalog.FIRST_LOCATION_ID
        for name, subtype, description in catalog.LOCATIONS:
            row = self.add(
                "locations",
                {"name": name, "description": description, "locationSubtypeId": subtypes[subtype]},
                day=0,
                entity="Location",
            )
            self.location_ids[name] = row["id"]
        for index in range(SHELVES_PER_SCALE * self.scale):
            parent = catalog.STOCKROOM_SHELVES[index % len(catalog.STOCKROOM_SHELVES)]
            number = index // len(catalog.STOCKROOM_SHELVES)
            name = f"{parent} / Shelf {number // 6 + 1:02d}-{'ABCDEF'[number % 6]}"
            row = self.add(
                "locations",
                {"name": name, "parentId": self.location_ids[parent], "locationSubtypeId": subtypes["Shelf"]},
                day=3,
                entity="Location",
            )
            self.shelf_ids.append(row["id"])

    def suppliers(self) -> None:
        for index, name in enumerate(catalog.SUPPLIERS):
            domain = "".join(ch for ch in name.lower() if ch.isalnum())[:16]
            supplier = self.add(
                "suppliers", {"name": name, "email": f"orders@{domain}.example.com"}, day=4 + index, entity="Supplier"
            )
            self.supplier_ids.append(supplier["id"])
            self.attribute("Supplier", supplier["id"], "AS9100 Certified", "true" if index % 4 else "false", "BOOLEAN")
            self.attribute("Supplier", supplier["id"], "Payment Terms", ("Net 30", "Net 45", "Net 60")[index % 3])
            certificate = self.attachment(
                supplier["entityId"], "Supplier", f"iso9001-{domain}.pdf", "application/pdf", 4 + index
            )
            self.attribute("Supplier", supplier["id"], "ISO Certificate", certificate["downloadUrl"], "FILE_ATTACHMENT")
