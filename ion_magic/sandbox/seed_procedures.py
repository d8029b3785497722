"""The demo factory's procedures: work instructions with nested steps, their fields and validations, step
edges, mBOM item associations, and one datagrid step.
"""

from __future__ import annotations

from ion_magic.sandbox import seed_catalog_products as products
from ion_magic.sandbox.context import Row
from ion_magic.sandbox.seed_factory import SeedProcedure, slate
from ion_magic.sandbox.seed_purchasing import PurchasingFactory


class ProceduresFactory(PurchasingFactory):
    """Adds the procedures stage: it links steps to the mBOM items of the parts stage's assemblies."""

    def procedures_and_steps(self) -> None:
        standard_step: Row | None = None
        for index, (title, kind, assembly_index, step_titles) in enumerate(products.PROCEDURES):
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
            pool = products.FIELD_POOLS[kind]
            cursor = 0
            previous: Row | None = None
            for position, entry in enumerate(step_titles, 1):
                step_title, children = (entry, ()) if isinstance(entry, str) else entry
                fields = products.STEP_FIELD_OVERRIDES.get((title, step_title))
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
        templates = {template[0]: template for template in products.FIELD_TEMPLATES}
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
        for index, (header, kind) in enumerate(products.DATAGRID_COLUMNS):
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
