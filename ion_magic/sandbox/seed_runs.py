"""The demo factory's shop floor: runs of every procedure in every status (with the ids ION's examples use)
and quality issues on the inventory they touch.
"""

from __future__ import annotations

from typing import Any

from ion_magic.sandbox import seed_catalog_products as products
from ion_magic.sandbox.context import Row
from ion_magic.sandbox.rules import derive_run_status
from ion_magic.sandbox.seed_factory import (
    FIELDS_RUN_FIELD_IDS,
    FIELDS_RUN_ID,
    ISSUES_PER_SCALE,
    LABELLED_RUN_ID,
    REDLINE_RUN_ID,
    REDLINE_RUN_STEP_IDS,
    RUNS_PER_SCALE,
    SPECIAL_RUN_IDS,
    SeedProcedure,
    Weighted,
    slate,
)
from ion_magic.sandbox.seed_procedures import ProceduresFactory

_RUN_STATUSES = Weighted(
    {"COMPLETE": 45, "IN_PROGRESS": 20, "TODO": 15, "HOLD": 5, "REDLINE": 5, "FAILED": 5, "CANCELED": 5}
)
_ISSUE_STATUSES = Weighted({"RESOLVED": 45, "IN_PROGRESS": 20, "IN_REVIEW": 15, "PENDING": 20})
_DISPOSITIONS = Weighted({"REWORK": 30, "USE_AS_IS": 25, "REPAIR": 15, "SCRAP": 20, "RETURN_TO_VENDOR": 10})
_CAUSES = Weighted(dict(products.ISSUE_CAUSES))
_SEVERITIES = Weighted({"Minor": 6, "Major": 3, "Critical": 1})


class RunsFactory(ProceduresFactory):
    """Adds the runs and quality stages."""

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
                procedure = (
                    self.procedures[run_id - 1] if run_id <= len(self.procedures) else self.rng.choice(self.procedures)
                )
                self.run(run_id, procedure, target, day, inventory_id=1 if run_id == 1 else None)

    def run_inventory(self, procedure: SeedProcedure) -> int | None:
        """What a run works on: a unit of the procedure's assembly (each unit is built by one run only; tests
        may repeat), any inventory for inspections and rework, nothing for maintenance."""
        assembly_index = next(entry[2] for entry in products.PROCEDURES if entry[0] == procedure.row["title"])
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

    def run(
        self,
        run_id: int,
        procedure: SeedProcedure,
        target: str,
        day: float,
        *,
        current: int | None = None,
        inventory_id: int | None = None,
        field_ids: tuple[int, ...] = (),
        labels: tuple[str, ...] | None = None,
    ) -> Row:
        steps = self._steps_in_order(procedure)
        current = self.rng.randrange(len(steps)) if current is None else current
        statuses = {
            "TODO": ["TODO"] * len(steps),
            "COMPLETE": ["COMPLETE"] * len(steps),
            "CANCELED": ["CANCELED"] * len(steps),
        }.get(target)
        if statuses is None:
            statuses = ["COMPLETE"] * current + [target] + ["TODO"] * (len(steps) - current - 1)
        assert derive_run_status(statuses) == target
        inventory_id = inventory_id or self.run_inventory(procedure)
        inventory = self.inventory_by_id.get(inventory_id) if inventory_id else None
        label = (inventory["serialNumber"] or inventory["lotNumber"] or f"INV-{inventory_id}") if inventory else ""
        run = self.add(
            "runs",
            {
                "id": run_id,
                "title": f"{procedure.row['title']} - {label}" if label else procedure.row["title"],
                "status": target,
                "procedureId": procedure.row["id"],
                "partInventoryId": inventory_id,
                "partId": inventory["partId"] if inventory else None,
                "createdById": self.rng.choice((2, 3, 8)),
                "updatedById": 5,
                "startedAt": self.at(day + 0.1) if target != "TODO" else None,
                "completedAt": self.at(day + len(steps) * 0.2) if target == "COMPLETE" else None,
            },
            day=day,
            entity="Run",
        )
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
            run_step = self.add(
                "run_steps",
                {
                    "runId": run_id,
                    "stepId": step["id"],
                    "title": step["title"],
                    "content": step["content"],
                    "status": status,
                    "position": position,
                    "createdById": 5,
                    "updatedById": 5,
                    "completedAt": self.at(day + position * 0.2) if status == "COMPLETE" else None,
                },
                day=day,
                entity="RunStep",
            )
            run_steps.append(run_step)
            for field_index, template in enumerate(procedure.fields[step["id"]]):
                filled = (
                    status == "COMPLETE"
                    or (status == "FAILED" and field_index == 0)
                    or (status in ("IN_PROGRESS", "HOLD") and field_index == 0)
                )
                value = self.field_value(template, day, failing=status == "FAILED") if filled else None
                row = {
                    "runStepId": run_step["id"],
                    "name": template["name"],
                    "type": template["type"],
                    "value": value,
                    "required": template["required"],
                    "unit": template["unit"],
                    "position": template["position"],
                }
                if remaining_field_ids:
                    row["id"] = remaining_field_ids.pop(0)
                self.add("run_step_fields", row, day=day)
        self.run_steps[run_id] = run_steps
        return run

    @staticmethod
    def _steps_in_order(procedure: SeedProcedure) -> list[Row]:
        ordered: list[Row] = []

        def visit(parent: int | None) -> None:
            for step in sorted((s for s in procedure.steps if s["parentId"] == parent), key=lambda s: s["position"]):
                ordered.append(step)
                visit(step["id"])

        visit(None)
        return ordered

    def field_value(self, template: Row, day: float, *, failing: bool) -> Any:
        catalog_entry = next(entry for entry in products.FIELD_TEMPLATES if entry[0] == template["name"])
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
        run = self.add(
            "runs",
            {
                "id": REDLINE_RUN_ID,
                "title": f"{procedure.row['title']} - {inventory['serialNumber'] if inventory else 'bench unit'}",
                "status": "REDLINE",
                "procedureId": procedure.row["id"],
                "partInventoryId": inventory["id"] if inventory else None,
                "partId": inventory["partId"] if inventory else None,
                "createdById": 3,
                "updatedById": 3,
                "startedAt": self.at(day + 0.1),
            },
            day=day,
            entity="Run",
        )
        self.runs.append(run)
        titles = [(step["id"], step["title"], step["content"]) for step in steps]
        titles.append(
            (
                None,
                "Redline: replace poppet seal and repeat seat leak check",
                "Seat leak above limit. Replace the poppet seal (SEL) and repeat the helium leak check.",
            )
        )
        statuses = ["COMPLETE"] * len(steps) + ["REDLINE"]
        assert derive_run_status(statuses) == "REDLINE"
        run_steps = []
        for position, ((step_id, title, content), status, run_step_id) in enumerate(
            zip(titles, statuses, REDLINE_RUN_STEP_IDS, strict=True), 1
        ):
            run_step = self.add(
                "run_steps",
                {
                    "id": run_step_id,
                    "runId": REDLINE_RUN_ID,
                    "stepId": step_id,
                    "title": title,
                    "content": content,
                    "status": status,
                    "position": position,
                    "createdById": 3,
                    "updatedById": 3,
                    "completedAt": self.at(day + position * 0.2) if status == "COMPLETE" else None,
                },
                day=day,
                entity="RunStep",
            )
            run_steps.append(run_step)
            for template in procedure.fields.get(step_id, []):
                self.add(
                    "run_step_fields",
                    {
                        "runStepId": run_step_id,
                        "name": template["name"],
                        "type": template["type"],
                        "value": self.field_value(template, day, failing=False),
                        "required": template["required"],
                        "unit": template["unit"],
                        "position": template["position"],
                    },
                    day=day,
                )
        self.run_steps[REDLINE_RUN_ID] = run_steps

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
            defect_index = self.rng.randrange(len(products.ISSUE_DEFECTS))
            defect = products.ISSUE_DEFECTS[defect_index]
            inventory = self.rng.choice(self.inventories)
            part = self.parts[inventory["partId"]]
            run = self.rng.choice(self.runs) if self.rng.random() < 0.4 else None
            run_step = self.rng.choice(self.run_steps[run["id"]]) if run and self.run_steps[run["id"]] else None
            issue = self.add(
                "issues",
                {
                    "title": f"{defect} - {part.row['partNumber']}",
                    "status": status,
                    "disposition": disposition,
                    "description": f"{defect} found on {part.row['description']} "
                    f"({inventory['serialNumber'] or inventory['lotNumber'] or 'untracked stock'}).",
                    "cause": cause,
                    "expectedCondition": slate(f"{part.row['partNumber']} conforms to its drawing."),
                    "causeCondition": slate(f"{cause}: {defect.lower()}."),
                    "partInventoryId": inventory["id"],
                    "runId": run["id"] if run else None,
                    "runStepId": run_step["id"] if run_step else None,
                    "quantity": 1.0 if part.tracking == "SERIAL" else float(self.rng.randint(1, 10)),
                    "assignedToId": self.rng.choice(quality),
                    "createdById": self.rng.choice((4, 5, 10)),
                    "updatedById": 4,
                    "resolvedAt": self.at(day + self.rng.uniform(2, 20)) if status == "RESOLVED" else None,
                },
                day=day,
                entity="Issue",
            )
            self.attribute("Issue", issue["id"], "Defect Code", f"D-{defect_index + 1:02d}")
            self.attribute("Issue", issue["id"], "Severity", _SEVERITIES.draw(self.rng))
