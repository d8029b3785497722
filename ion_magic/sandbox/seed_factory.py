"""What every stage of the demo factory shares: its volume per unit of scale, the ids ION's examples use,
the seeded primitives that add rows (ids, etags, timestamps, entities) and the state the stages pass on.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ion_magic.sandbox.context import Row
from ion_magic.sandbox.rules import attachment_urls

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

_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


class Weighted:
    """A weighted choice with its cumulative weights computed once."""

    def __init__(self, weights: dict[Any, float]) -> None:
        self.population = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> Any:
        return rng.choices(self.population, cum_weights=self.cumulative)[0]


def slate(text: str) -> list[dict[str, Any]]:
    """Plain text as ION's rich-text (Slate) JSON: one paragraph."""
    return [{"type": "p", "children": [{"text": text}]}]


@dataclass
class SeedPart:
    """A seeded part; `family` is its catalogue family (None for a top assembly)."""

    row: Row
    family: tuple[Any, ...] | None
    serials: int = 0

    @property
    def id(self) -> int:
        return self.row["id"]

    @property
    def tracking(self) -> str | None:
        return self.row["trackingType"]

    @property
    def prefix(self) -> str:
        """The part-number prefix of its catalogue family ("" for a top assembly)."""
        return self.family[0] if self.family else ""

    @property
    def unit_costs(self) -> tuple[float, float]:
        """The (min, max) cost of one unit."""
        return self.family[5] if self.family else (25_000.0, 180_000.0)


@dataclass
class SeedProcedure:
    """A seeded procedure with its steps and each step's field rows."""

    row: Row
    steps: list[Row] = field(default_factory=list)
    fields: dict[int, list[Row]] = field(default_factory=dict)


class FactoryBase:
    """The state of a factory being built and the primitives that add rows; the stages build on it."""

    def __init__(self, rng: random.Random, scale: int) -> None:
        self.rng = rng
        self.scale = scale
        self.tables: dict[str, list[Row]] = defaultdict(list)
        self._next_id: dict[str, int] = defaultdict(lambda: 1)
        self._reserved: dict[str, set[int]] = {
            "runs": set(SPECIAL_RUN_IDS),
            "run_steps": set(REDLINE_RUN_STEP_IDS),
            "run_step_fields": set(FIELDS_RUN_FIELD_IDS),
            "part_inventories": {SPARE_INVENTORY_ID},
        }
        self.role_ids: dict[str, int] = {}
        self.users_by_role: dict[str, list[int]] = defaultdict(list)
        self.location_ids: dict[str, int] = {}
        self.shelf_ids: list[int] = []
        self.unit_ids: dict[str, int] = {}
        self.label_ids: dict[str, int] = {}
        self.subtype_ids: dict[str, int] = {}
        self.assemblies: list[SeedPart] = []
        self.components: list[SeedPart] = []
        self.parts: dict[int, SeedPart] = {}
        self.mbom: dict[int, list[Row]] = defaultdict(list)
        self.procedures: list[SeedProcedure] = []
        self.inventories: list[Row] = []
        self.inventory_by_id: dict[int, Row] = {}
        self.units_of_part: dict[int, list[Row]] = defaultdict(list)
        self.built_units: set[int] = {1}
        self.runs: list[Row] = []
        self.run_steps: dict[int, list[Row]] = {}
        self.supplier_ids: list[int] = []

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

    def add(
        self, table: str, row: Row, *, day: float | None = None, entity: str | None = None, etag: bool = True
    ) -> Row:
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
        return self.add(
            "file_attachments",
            {"entityId": owner_entity, "filename": filename, "contentType": content_type, **urls},
            day=day,
        )

    def attribute(self, owner_type: str, owner_id: int, key: str, value: str, kind: str = "STRING") -> None:
        self.add(
            "attributes",
            {"ownerType": owner_type, "ownerId": owner_id, "key": key, "value": value, "type": kind},
            etag=False,
        )
