"""The data shapes the pull benchmarks replay (issue 13): one GraphQL schema, one root connection per shape.

- inventory: the sandbox's part inventory (ids are JSON integers; 12 leaves, two nested objects);
- observations: string ids, a custom `DateTime` scalar, an enum, a float with nulls, a nullable nested
  object (`telescope { name aperture }`, null on every 13th row) and a list-of-strings field (10 leaves);
- wide: 40 leaves of every built-in kind and an enum;
- deep: objects nested 4 levels below the node, a leaf pair at each level (10 leaves);
- json: a `JSON` scalar holding an object per row, next to a few plain leaves.

Every shape's nodes are deterministic (seeded), so every pull of a shape sees the same records.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

STATUSES = ("AVAILABLE", "UNAVAILABLE", "INSTALLED", "KITTED", "WIP", "ON_ORDER", "SCRAPPED")
OBSERVATION_STATES = ("PLANNED", "QUEUED", "RUNNING", "DONE", "FAILED")
LEVELS = ("LOW", "MEDIUM", "HIGH")
WIDE_LEAVES = 40
DEEP_LEVELS = 4

_WIDE_TYPES = ("String", "Int", "Float", "Boolean", "WideLevel")
_WIDE_FIELDS = [f"f{index:02d}" for index in range(1, WIDE_LEAVES)]  # plus `id`: 40 leaves


def _wide_type(index: int) -> str:
    return _WIDE_TYPES[index % len(_WIDE_TYPES)]


def _deep_type(level: int) -> str:
    if level > DEEP_LEVELS:
        return ""
    inner = _deep_type(level + 1)
    nested = f" level{level + 1}: Level{level + 1}" if inner else ""
    return f"type Level{level} {{ code: String value: Float{nested} }}\n" + inner


SDL = (
    """
scalar DateTime
scalar JSON

enum PartInventoryStatus { AVAILABLE UNAVAILABLE INSTALLED KITTED WIP ON_ORDER SCRAPPED }
enum PartTrackingType { SERIAL LOT }
enum ObservationState { PLANNED QUEUED RUNNING DONE FAILED }
enum WideLevel { LOW MEDIUM HIGH }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
  totalCount: Int
  count: Int
}

type Part { id: ID! partNumber: String revision: String trackingType: PartTrackingType }
type Location { id: ID! name: String }

type PartInventory {
  id: ID!
  quantity: Float
  status: PartInventoryStatus
  serialNumber: String
  lotNumber: String
  cost: Float
  installed: Boolean
  createdAt: DateTime
  part: Part
  location: Location
}

type Telescope { name: String aperture: Float }
type Observation {
  id: ID!
  target: String
  observedAt: DateTime
  state: ObservationState
  magnitude: Float
  exposure: Int
  seeing: Float
  telescope: Telescope
  tags: [String]
}

type WideRecord { id: ID! """
    + " ".join(f"{name}: {_wide_type(i)}" for i, name in enumerate(_WIDE_FIELDS))
    + """ }

type DeepRecord { id: ID! name: String level1: Level1 }
"""
    + _deep_type(1)
    + """
type JsonRecord { id: ID! name: String recordedAt: DateTime payload: JSON }
"""
    + "".join(
        f"type {node}Edge {{ cursor: String! node: {node} }}\n"
        f"type {node}Connection {{ edges: [{node}Edge]! pageInfo: PageInfo! }}\n"
        for node in ("PartInventory", "Observation", "WideRecord", "DeepRecord", "JsonRecord")
    )
    + """
type Query {
  partInventories(first: Int, after: String): PartInventoryConnection
  observations(first: Int, after: String): ObservationConnection
  wideRecords(first: Int, after: String): WideRecordConnection
  deepRecords(first: Int, after: String): DeepRecordConnection
  jsonRecords(first: Int, after: String): JsonRecordConnection
}
"""
)


def _timestamp(rng: random.Random) -> str:
    return (
        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999_999):06d}+00:00"
    )


def _inventory(index: int, rng: random.Random) -> dict[str, Any]:
    serial = rng.random() < 0.6
    part = rng.randint(1, 4000)
    return {
        "id": 1 + index,
        "quantity": 1.0 if serial else round(rng.uniform(1, 500), 2),
        "status": rng.choice(STATUSES),
        "serialNumber": f"SN-{rng.randint(0, 10**8):08d}" if serial else None,
        "lotNumber": None if serial else f"LOT-{rng.randint(0, 10**6):06d}",
        "cost": None if rng.random() < 0.15 else round(rng.uniform(0.5, 20_000), 2),
        "installed": None if rng.random() < 0.1 else rng.random() < 0.4,
        "createdAt": None if rng.random() < 0.01 else _timestamp(rng),
        "part": {
            "partNumber": f"PN-{part:05d}",
            "revision": "ABCD"[part % 4],
            "trackingType": "SERIAL" if serial else "LOT",
        },
        "location": None if rng.random() < 0.2 else {"name": f"Bay {rng.randint(1, 300)}"},
    }


def _observation(index: int, rng: random.Random) -> dict[str, Any]:
    return {
        "id": base64.b64encode(f"Observation:{index + 1}".encode()).decode(),
        "target": f"NGC {rng.randint(1, 7840)}",
        "observedAt": _timestamp(rng),
        "state": rng.choice(OBSERVATION_STATES),
        "magnitude": None if rng.random() < 0.2 else round(rng.uniform(-1.5, 21), 3),
        "exposure": rng.randint(1, 3600),
        "seeing": round(rng.uniform(0.4, 3.0), 2),
        "telescope": None
        if index % 13 == 0
        else {"name": f"T{rng.randint(1, 40)}", "aperture": round(rng.uniform(0.2, 10.0), 2)},
        "tags": [f"tag{rng.randint(1, 50)}" for _ in range(rng.randint(0, 3))],
    }


def _wide_value(index: int, rng: random.Random) -> Any:
    kind = _wide_type(index)
    if kind == "String":
        return f"s{rng.randint(0, 99_999)}"
    if kind == "Int":
        return rng.randint(-1000, 1000)
    if kind == "Float":
        return None if rng.random() < 0.1 else round(rng.uniform(-100, 100), 3)
    if kind == "Boolean":
        return rng.random() < 0.5
    return rng.choice(LEVELS)


def _wide(index: int, rng: random.Random) -> dict[str, Any]:
    node: dict[str, Any] = {"id": 1 + index}
    for field_index, name in enumerate(_WIDE_FIELDS):
        node[name] = _wide_value(field_index, rng)
    return node


def _deep_level(level: int, rng: random.Random) -> dict[str, Any] | None:
    if level > 1 and rng.random() < 0.05:
        return None
    value: dict[str, Any] = {"code": f"L{level}-{rng.randint(0, 999)}", "value": round(rng.uniform(0, 1), 4)}
    if level < DEEP_LEVELS:
        value[f"level{level + 1}"] = _deep_level(level + 1, rng)
    return value


def _deep(index: int, rng: random.Random) -> dict[str, Any]:
    return {"id": 1 + index, "name": f"record {index}", "level1": _deep_level(1, rng)}


def _json(index: int, rng: random.Random) -> dict[str, Any]:
    payload = {
        "batch": rng.randint(1, 500),
        "operator": f"op{rng.randint(1, 30)}",
        "readings": [round(rng.uniform(0, 10), 2) for _ in range(rng.randint(1, 4))],
        "limits": {"low": 0.5, "high": 9.5},
    }
    return {
        "id": 1 + index,
        "name": f"record {index}",
        "recordedAt": _timestamp(rng),
        "payload": None if rng.random() < 0.05 else payload,
    }


def _deep_selection(level: int) -> str:
    inner = f" level{level + 1} {{{_deep_selection(level + 1)} }}" if level < DEEP_LEVELS else ""
    return f" code value{inner}"


@dataclass(frozen=True)
class Shape:
    """One replayed dataset: its root field, the selection under `node` and how its nodes are made."""

    name: str
    root: str
    selection: str
    make_node: Callable[[int, random.Random], dict[str, Any]]

    def nodes(self, rows: int, seed: int = 7) -> list[dict[str, Any]]:
        rng = random.Random(seed)
        return [self.make_node(index, rng) for index in range(rows)]

    @property
    def query(self) -> str:
        """The query a user writes: the magic adds first/after and the page info."""
        return f"query Pull {{\n  {self.root} {{\n    edges {{\n      node {{ {self.selection} }}\n    }}\n  }}\n}}\n"

    @property
    def paged_query(self) -> str:
        """The query First Resonance's example scripts write: their own first/after and pageInfo."""
        return (
            f"query Pull($first: Int, $after: String) {{\n  {self.root}(first: $first, after: $after) {{\n"
            f"    edges {{\n      node {{ {self.selection} }}\n    }}\n"
            "    pageInfo { endCursor hasNextPage }\n  }\n}\n"
        )


SHAPES = {
    shape.name: shape
    for shape in (
        Shape(
            "inventory",
            "partInventories",
            "id quantity status serialNumber lotNumber cost installed createdAt "
            "part { partNumber revision trackingType } location { name }",
            _inventory,
        ),
        Shape(
            "observations",
            "observations",
            "id target observedAt state magnitude exposure seeing telescope { name aperture } tags",
            _observation,
        ),
        Shape("wide", "wideRecords", "id " + " ".join(_WIDE_FIELDS), _wide),
        Shape("deep", "deepRecords", "id name level1 {" + _deep_selection(1) + " }", _deep),
        Shape("json", "jsonRecords", "id name recordedAt payload", _json),
    )
}
