"""Nodes -> typed DataFrame: table-driven scenarios over an ION-like schema, the explode rules, paging, the
real ION corpus (planned against the sandbox's schema) and real sandbox responses over loopback HTTP."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    get_named_type,
    parse,
    validate,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from ion_magic.frame_plan import Column, ExplodePathError, FramePlan, plan_frame
from ion_magic.frames import FrameBuilder, build_frame

SDL = """
scalar DateTime
scalar Date
scalar JSONString
scalar GenericScalar
enum PartInventoryStatus { AVAILABLE UNAVAILABLE INSTALLED KITTED WIP ON_ORDER SCRAPPED }
enum PartTrackingType { SERIAL LOT }
enum RunStepStatus { TODO IN_PROGRESS COMPLETE REDLINE HOLD FAILED CANCELED }
interface Node { id: ID! }
type Attribute { key: String value: String }
type Part implements Node { id: ID! partNumber: String revision: String trackingType: PartTrackingType
                            attributes: [Attribute!] }
type Location implements Node { id: ID! name: String parent: Location }
type User implements Node { id: ID! email: String }
type RunStep { id: ID! title: String status: RunStepStatus position: Int fields: [GenericScalar] }
type Run implements Node { id: ID! title: String steps: [RunStep!]! }
union IonValue = User | Part
type PartInventory implements Node {
  id: ID! quantity: Float quantityAvailable: Int status: PartInventoryStatus createdAt: DateTime needDate: Date
  serialNumber: String installed: Boolean attributes: JSONString part: Part location: Location runs: [Run!]
  labels: [String] ionValue: IonValue
}
type Query { partInventories: [PartInventory] }
"""
SCHEMA = build_schema(SDL)
INVENTORY = SCHEMA.get_type("PartInventory")
STATUS = pd.CategoricalDtype(["AVAILABLE", "UNAVAILABLE", "INSTALLED", "KITTED", "WIP", "ON_ORDER", "SCRAPPED"])
TRACKING = pd.CategoricalDtype(["SERIAL", "LOT"])
STEP_STATUS = pd.CategoricalDtype(["TODO", "IN_PROGRESS", "COMPLETE", "REDLINE", "HOLD", "FAILED", "CANCELED"])
UTC = "datetime64[ns, UTC]"
DATE = "date32[day][pyarrow]"  # a Date is a calendar day: nothing to shift
EVERY_FIELD = "id quantity status createdAt needDate serialNumber installed attributes labels __typename"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_convert("UTC") if pd.Timestamp(text).tzinfo else pd.Timestamp(text, tz="UTC")


def node_selection(selection: str, fragments: str = "") -> tuple[SelectionSetNode, dict[str, FragmentDefinitionNode]]:
    """The selection under the node of `{ partInventories { <selection> } } <fragments>`."""
    document = parse(f"query Q {{ partInventories {{ {selection} }} }} {fragments}")
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    named = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return operation.selection_set.selections[0].selection_set, named


def expected_frame(columns: dict[str, tuple[Any, list]]) -> pd.DataFrame:
    """A frame from `{name: (dtype, values)}`, each column built by pandas itself."""
    series = {}
    for name, (dtype, values) in columns.items():
        if dtype == "object":
            array = np.empty(len(values), dtype=object)
            array[:] = [None] * len(values)
            for row, value in enumerate(values):
                array[row] = value
            series[name] = pd.Series(array, dtype=object)
        else:
            series[name] = pd.Series(values, dtype=dtype)
    rows = len(next(iter(columns.values()))[1]) if columns else 0
    return pd.DataFrame(series, index=pd.RangeIndex(rows))


@dataclass
class Scenario:
    name: str
    selection: str
    nodes: list
    expected: dict[str, tuple[Any, list]]
    explode: str | None = None
    typed: bool = True
    fragments: str = ""
    variables: dict[str, Any] | None = None
    null_nodes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def plan(self) -> FramePlan:
        selection, fragments = node_selection(self.selection, self.fragments)
        return plan_frame(
            selection,
            INVENTORY if self.typed else None,
            fragments,
            self.explode,
            variables=self.variables,
            schema=SCHEMA if self.typed else None,
        )


SCENARIOS = [
    Scenario(
        "every kind from the schema",
        EVERY_FIELD,
        [
            {
                "id": 7,
                "quantity": 2.5,
                "status": "KITTED",
                "createdAt": "2024-03-01T08:30:00Z",
                "needDate": "2024-03-05",
                "serialNumber": "SN-1",
                "installed": False,
                "attributes": {"color": "red"},
                "labels": ["hot", "new"],
                "__typename": "PartInventory",
            },
            {
                "id": 8,
                "quantity": 3,
                "status": "AVAILABLE",
                "createdAt": "2024-03-01T10:30:00+02:00",
                "needDate": None,
                "serialNumber": "SN-2",
                "installed": True,
                "attributes": [1, 2],
                "labels": [],
                "__typename": "PartInventory",
            },
            {
                "id": 9,
                "quantity": None,
                "status": None,
                "createdAt": "2024-03-01T08:30:00.250",
                "needDate": "2024-12-31",
                "serialNumber": None,
                "installed": None,
                "attributes": "plain",
                "labels": None,
                "__typename": "PartInventory",
            },
        ],
        {
            "id": ("Int64", [7, 8, 9]),
            "quantity": ("Float64", [2.5, 3.0, None]),
            "status": (STATUS, ["KITTED", "AVAILABLE", None]),
            "createdAt": (UTC, [utc("2024-03-01T08:30Z"), utc("2024-03-01T08:30Z"), utc("2024-03-01T08:30:00.25Z")]),
            "needDate": (DATE, [dt.date(2024, 3, 5), None, dt.date(2024, 12, 31)]),
            "serialNumber": ("string", ["SN-1", "SN-2", None]),
            "installed": ("boolean", [False, True, None]),
            "attributes": ("object", [{"color": "red"}, [1, 2], "plain"]),
            "labels": ("object", [["hot", "new"], [], None]),
            "__typename": ("string", ["PartInventory"] * 3),
        },
    ),
    Scenario(
        "all-null columns keep their kind's dtype",
        EVERY_FIELD + " part { id trackingType }",
        [
            dict.fromkeys(
                [
                    "id",
                    "quantity",
                    "status",
                    "createdAt",
                    "needDate",
                    "serialNumber",
                    "installed",
                    "attributes",
                    "labels",
                    "__typename",
                    "part",
                ]
            )
        ],
        {
            "id": ("Int64", [None]),
            "quantity": ("Float64", [None]),
            "status": (STATUS, [None]),
            "createdAt": (UTC, [None]),
            "needDate": (DATE, [None]),
            "serialNumber": ("string", [None]),
            "installed": ("boolean", [None]),
            "attributes": ("object", [None]),
            "labels": ("object", [None]),
            "__typename": ("string", [None]),
            "part.id": ("Int64", [None]),
            "part.trackingType": (TRACKING, [None]),
        },
    ),
    Scenario(
        "null nodes are skipped and counted",
        "id serialNumber",
        [None, {"id": 1, "serialNumber": "A"}, None, {"id": 2, "serialNumber": "B"}],
        {"id": ("Int64", [1, 2]), "serialNumber": ("string", ["A", "B"])},
        null_nodes=2,
    ),
    Scenario(
        "an empty result still has every column and dtype",
        EVERY_FIELD + " part { partNumber trackingType } runs { id }",
        [],
        {
            "id": ("Int64", []),
            "quantity": ("Float64", []),
            "status": (STATUS, []),
            "createdAt": (UTC, []),
            "needDate": (DATE, []),
            "serialNumber": ("string", []),
            "installed": ("boolean", []),
            "attributes": ("object", []),
            "labels": ("object", []),
            "__typename": ("string", []),
            "part.partNumber": ("string", []),
            "part.trackingType": (TRACKING, []),
            "runs": ("object", []),
        },
    ),
    Scenario(
        "an empty result with an exploded list",
        "id runs { id steps { status } }",
        [],
        {"id": ("Int64", []), "runs.id": ("Int64", []), "runs.steps.status": (STEP_STATUS, [])},
        explode="runs.steps",
    ),
    Scenario(
        "aliases name the columns",
        "pn: serialNumber qty: quantity p: part { number: partNumber rev: revision }",
        [{"pn": "SN-1", "qty": 1.0, "p": {"number": "PN-1", "rev": "B"}}],
        {
            "pn": ("string", ["SN-1"]),
            "qty": ("Float64", [1.0]),
            "p.number": ("string", ["PN-1"]),
            "p.rev": ("string", ["B"]),
        },
    ),
    Scenario(
        "named and inline fragments merge by response key in first-seen order",
        "id ...Inventory ... on PartInventory { status part { revision } } part { partNumber } ... on Node { id }",
        [{"id": 1, "quantity": 4.0, "part": {"partNumber": "PN-1", "revision": "A"}, "status": "WIP"}],
        {
            "id": ("Int64", [1]),
            "quantity": ("Float64", [4.0]),
            "part.partNumber": ("string", ["PN-1"]),
            "part.revision": ("string", ["A"]),
            "status": (STATUS, ["WIP"]),
        },
        fragments="fragment Inventory on PartInventory { quantity part { partNumber } id }",
    ),
    Scenario(
        "union members: fields differing by type condition",
        "id ionValue { __typename ... on User { id email } ... on Part { id partNumber } }",
        [
            {"id": 1, "ionValue": {"__typename": "User", "id": 30, "email": "a@example.com"}},
            {"id": 2, "ionValue": {"__typename": "Part", "id": 40, "partNumber": "PN-40"}},
            {"id": 3, "ionValue": None},
        ],
        {
            "id": ("Int64", [1, 2, 3]),
            "ionValue.__typename": ("string", ["User", "Part", None]),
            "ionValue.id": ("Int64", [30, 40, None]),
            "ionValue.email": ("string", ["a@example.com", None, None]),
            "ionValue.partNumber": ("string", [None, "PN-40", None]),
        },
    ),
    Scenario(
        "a null nested object gives nulls in all its columns",
        "id location { name parent { name } } part { partNumber trackingType }",
        [
            {
                "id": 1,
                "location": {"name": "Bay 1", "parent": {"name": "Hall"}},
                "part": {"partNumber": "PN-1", "trackingType": "LOT"},
            },
            {"id": 2, "location": {"name": "Bay 2", "parent": None}, "part": None},
            {"id": 3, "location": None, "part": {"partNumber": "PN-3", "trackingType": None}},
        ],
        {
            "id": ("Int64", [1, 2, 3]),
            "location.name": ("string", ["Bay 1", "Bay 2", None]),
            "location.parent.name": ("string", ["Hall", None, None]),
            "part.partNumber": ("string", ["PN-1", None, "PN-3"]),
            "part.trackingType": (TRACKING, ["LOT", None, None]),
        },
    ),
    Scenario(
        "lists of scalars and of objects stay list columns",
        "id labels runs { id title }",
        [
            {"id": 1, "labels": ["a", "b"], "runs": [{"id": 5, "title": "R5"}, {"id": 6, "title": "R6"}]},
            {"id": 2, "labels": [], "runs": None},
        ],
        {
            "id": ("Int64", [1, 2]),
            "labels": ("object", [["a", "b"], []]),
            "runs": ("object", [[{"id": 5, "title": "R5"}, {"id": 6, "title": "R6"}], None]),
        },
    ),
    Scenario(
        "explode one level: empty and null lists keep their node",
        "id runs { id title steps { id } } serialNumber",
        [
            {
                "id": 1,
                "runs": [{"id": 5, "title": "R5", "steps": [{"id": 50}]}, {"id": 6, "title": "R6", "steps": []}],
                "serialNumber": "SN-1",
            },
            {"id": 2, "runs": [], "serialNumber": "SN-2"},
            {"id": 3, "runs": None, "serialNumber": None},
        ],
        {
            "id": ("Int64", [1, 1, 2, 3]),
            "runs.id": ("Int64", [5, 6, None, None]),
            "runs.title": ("string", ["R5", "R6", None, None]),
            "runs.steps": ("object", [[{"id": 50}], [], None, None]),
            "serialNumber": ("string", ["SN-1", "SN-1", "SN-2", None]),
        },
        explode="runs",
    ),
    Scenario(
        "explode a nested path explodes both levels",
        "id runs { title steps { title status position } }",
        [
            {
                "id": 1,
                "runs": [
                    {
                        "title": "R1",
                        "steps": [
                            {"title": "S1", "status": "TODO", "position": 1},
                            {"title": "S2", "status": "HOLD", "position": 2},
                        ],
                    },
                    {"title": "R2", "steps": []},
                    None,
                ],
            },
            {"id": 2, "runs": []},
        ],
        {
            "id": ("Int64", [1, 1, 1, 1, 2]),
            "runs.title": ("string", ["R1", "R1", "R2", None, None]),
            "runs.steps.title": ("string", ["S1", "S2", None, None, None]),
            "runs.steps.status": (STEP_STATUS, ["TODO", "HOLD", None, None, None]),
            "runs.steps.position": ("Int64", [1, 2, None, None, None]),
        },
        explode="runs.steps",
    ),
    Scenario(
        "explode a list of scalars",
        "id labels",
        [{"id": 1, "labels": ["a", "b"]}, {"id": 2, "labels": []}, {"id": 3, "labels": ["c", None]}],
        {"id": ("Int64", [1, 1, 2, 3, 3]), "labels": ("string", ["a", "b", None, "c", None])},
        explode="labels",
    ),
    Scenario(
        "explode a list inside an object",
        "id part { partNumber attributes { key value } revision }",
        [
            {
                "id": 1,
                "part": {
                    "partNumber": "PN-1",
                    "revision": "A",
                    "attributes": [{"key": "color", "value": "red"}, {"key": "size", "value": "L"}],
                },
            },
            {"id": 2, "part": None},
        ],
        {
            "id": ("Int64", [1, 1, 2]),
            "part.partNumber": ("string", ["PN-1", "PN-1", None]),
            "part.attributes.key": ("string", ["color", "size", None]),
            "part.attributes.value": ("string", ["red", "L", None]),
            "part.revision": ("string", ["A", "A", None]),
        },
        explode="part.attributes",
    ),
    Scenario(
        "no schema: kinds inferred from the values",
        "id quantity installed createdAt serialNumber labels attributes part { partNumber } runs { id } unset",
        [
            {
                "id": 1,
                "quantity": 1,
                "installed": True,
                "createdAt": "2024-03-01T08:30:00Z",
                "serialNumber": "7",
                "labels": ["a"],
                "attributes": {"color": "red", "size": {"w": 2}},
                "part": {"partNumber": "PN-1"},
                "runs": [{"id": 5}],
                "unset": None,
            },
            {
                "id": 2,
                "quantity": 2.5,
                "installed": None,
                "createdAt": "2024-03-01 10:30:00+02:00",
                "serialNumber": None,
                "labels": None,
                "attributes": None,
                "part": None,
                "runs": [],
                "unset": None,
            },
        ],
        {
            "id": ("Int64", [1, 2]),
            "quantity": ("Float64", [1.0, 2.5]),
            "installed": ("boolean", [True, None]),
            "createdAt": (UTC, [utc("2024-03-01T08:30Z"), utc("2024-03-01T08:30Z")]),
            "serialNumber": ("string", ["7", None]),
            "labels": ("object", [["a"], None]),
            "attributes.color": ("string", ["red", None]),
            "attributes.size.w": ("Int64", [2, None]),
            "part.partNumber": ("string", ["PN-1", None]),
            "runs": ("object", [[{"id": 5}], []]),
            "unset": ("object", [None, None]),
        },
        typed=False,
    ),
    Scenario(
        "no schema: explode infers the element columns",
        "id runs { id title }",
        [{"id": 1, "runs": [{"id": 5, "title": "R5"}, {"id": 6, "title": None}]}, {"id": 2, "runs": None}],
        {"id": ("Int64", [1, 1, 2]), "runs.id": ("Int64", [5, 6, None]), "runs.title": ("string", ["R5", None, None])},
        explode="runs",
        typed=False,
    ),
    Scenario(
        "no schema: dates only when every string is an ISO 8601 date-time",
        "createdAt title",
        [{"createdAt": "2024-03-01T08:30:00Z", "title": "2024-03-01"}, {"createdAt": None, "title": "later"}],
        {"createdAt": (UTC, [utc("2024-03-01T08:30Z"), None]), "title": ("string", ["2024-03-01", "later"])},
        typed=False,
    ),
    Scenario(
        "values that do not fit their kind fall back to object, keeping every value",
        "quantity quantityAvailable status createdAt installed serialNumber",
        [
            {
                "quantity": 1.5,
                "quantityAvailable": 3,
                "status": "AVAILABLE",
                "createdAt": "2024-03-01T08:30:00Z",
                "installed": True,
                "serialNumber": "SN-1",
            },
            {
                "quantity": "n/a",
                "quantityAvailable": 2.5,
                "status": "LOST",
                "createdAt": "yesterday",
                "installed": "yes",
                "serialNumber": 42,
            },
            {
                "quantity": 2,
                "quantityAvailable": True,
                "status": None,
                "createdAt": "",
                "installed": None,
                "serialNumber": None,
            },
        ],
        {
            "quantity": ("object", [1.5, "n/a", 2.0]),
            "quantityAvailable": ("object", [3, 2.5, True]),
            "status": ("object", ["AVAILABLE", "LOST", None]),
            "createdAt": ("object", [utc("2024-03-01T08:30Z"), "yesterday", ""]),
            "installed": ("object", [True, "yes", None]),
            "serialNumber": ("object", ["SN-1", 42, None]),
        },
    ),
    Scenario(
        "ID columns: Int64 for integer ids, string as soon as one id is a string",
        "id part { id } location { id }",
        [
            {"id": "42", "part": {"id": 5}, "location": {"id": 7}},
            {"id": "0042", "part": {"id": "x"}, "location": None},
        ],
        {"id": ("string", ["42", "0042"]), "part.id": ("string", ["5", "x"]), "location.id": ("Int64", [7, None])},
    ),
    Scenario(
        "@skip and @include with literals and variables; an unknown variable keeps its field",
        "id serialNumber @skip(if: true) quantity @include(if: $withQuantity) status @skip(if: $unbound) "
        "part @include(if: true) { partNumber @include(if: false) revision }",
        [{"id": 1, "status": "WIP", "part": {"revision": "C"}}],
        {"id": ("Int64", [1]), "status": (STATUS, ["WIP"]), "part.revision": ("string", ["C"])},
        variables={"withQuantity": False},
    ),
    Scenario(
        "a non-object where an object was selected is kept in its own column",
        "id part { partNumber } serialNumber",
        [
            {"id": 1, "part": "PN-1", "serialNumber": "A"},
            {"id": 2, "part": {"partNumber": "PN-2"}, "serialNumber": "B"},
        ],
        {
            "id": ("Int64", [1, 2]),
            "part": ("object", ["PN-1", None]),
            "part.partNumber": ("string", [None, "PN-2"]),
            "serialNumber": ("string", ["A", "B"]),
        },
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    builder = FrameBuilder(scenario.plan())
    builder.add_nodes(scenario.nodes)
    assert builder.rows == len(next(iter(scenario.expected.values()))[1])
    frame = builder.finish()
    pd.testing.assert_frame_equal(frame, expected_frame(scenario.expected))
    assert builder.null_nodes == scenario.null_nodes


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
def test_feeding_one_node_per_page_gives_the_same_frame(scenario: Scenario) -> None:
    plan = scenario.plan()
    builder = FrameBuilder(plan)
    for node in scenario.nodes:
        builder.add_nodes([node])
    pd.testing.assert_frame_equal(builder.finish(), build_frame(scenario.nodes, plan))


def test_plan_columns_follow_the_selection_with_kinds_from_the_schema() -> None:
    selection, fragments = node_selection("status ...F part { trackingType }", "fragment F on PartInventory { id }")
    plan = plan_frame(selection, INVENTORY, fragments)
    assert plan.columns == (
        Column("status", ("status",), "enum", tuple(STATUS.categories)),
        Column("id", ("id",), "id"),
        Column("part.trackingType", ("part", "trackingType"), "enum", ("SERIAL", "LOT")),
    )
    assert plan.explode is None


def test_plan_without_schema_has_unknown_kinds_except_typename() -> None:
    selection, _ = node_selection("id __typename part { partNumber }")
    plan = plan_frame(selection, None, {})
    assert [(column.name, column.kind) for column in plan.columns] == [
        ("id", "unknown"),
        ("__typename", "string"),
        ("part.partNumber", "unknown"),
    ]


@pytest.mark.parametrize(
    ("explode", "reason"),
    [
        ("steps", "no such field"),
        ("runs.nope", "no such field"),
        ("part", "not a list field"),
        ("serialNumber", "not a list field"),
        ("id.x", "no such field"),
        ("", "no such field"),
    ],
)
def test_explode_path_must_name_a_selected_list(explode: str, reason: str) -> None:
    selection, _ = node_selection("id serialNumber labels part { partNumber } runs { steps { id } }")
    with pytest.raises(ExplodePathError) as raised:
        plan_frame(selection, INVENTORY, {}, explode)
    assert isinstance(raised.value, ValueError)
    assert reason in str(raised.value)
    assert raised.value.list_paths == ("labels", "runs", "runs.steps")
    assert "labels, runs, runs.steps" in str(raised.value)


def test_explode_error_when_the_selection_has_no_list() -> None:
    selection, _ = node_selection("id part { partNumber }")
    with pytest.raises(ExplodePathError, match="list fields in the selection: none"):
        plan_frame(selection, INVENTORY, {}, "part")


def test_a_selection_with_every_field_skipped_gives_rows_without_columns() -> None:
    selection, _ = node_selection("id @skip(if: true) part @include(if: false) { partNumber }")
    frame = build_frame([{}, None, {}], plan_frame(selection, INVENTORY, {}))
    assert frame.shape == (2, 0)


def test_a_mutation_payload_plans_like_a_node() -> None:
    document = parse("mutation { createRunStep { step { id title run: parent { id } } } }")
    schema = build_schema(
        "type Query { x: Int } type RunStep { id: ID! title: String parent: RunStep }"
        " type Payload { step: RunStep } type Mutation { createRunStep: Payload }"
    )
    payload = document.definitions[0].selection_set.selections[0]
    plan = plan_frame(payload.selection_set, schema.get_type("Payload"), {})
    frame = build_frame([{"step": {"id": 3, "title": "Torque", "run": None}}], plan)
    pd.testing.assert_frame_equal(
        frame,
        expected_frame(
            {"step.id": ("Int64", [3]), "step.title": ("string", ["Torque"]), "step.run.id": ("Int64", [None])}
        ),
    )


def test_unknown_fragment_is_a_value_error() -> None:
    selection, _ = node_selection("id ...Missing")
    with pytest.raises(ValueError, match="Missing"):
        plan_frame(selection, INVENTORY, {})


def test_a_node_that_is_not_an_object_is_refused() -> None:
    builder = FrameBuilder(plan_frame(node_selection("id")[0], INVENTORY, {}))
    with pytest.raises(TypeError, match="list"):
        builder.add_nodes([{"id": 1}, [1, 2]])


def test_the_builder_cannot_be_fed_after_finish() -> None:
    builder = FrameBuilder(plan_frame(node_selection("id")[0], INVENTORY, {}))
    builder.add_nodes([{"id": 1}])
    builder.finish()
    with pytest.raises(RuntimeError):
        builder.add_nodes([{"id": 2}])


def synthetic_nodes(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "id": 1000 + index,
            "quantity": None if rng.random() < 0.1 else round(rng.uniform(0, 100), 2),
            "status": rng.choice([*STATUS.categories, None]),
            "createdAt": None
            if rng.random() < 0.05
            else (
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:15:00"
                f"{rng.choice(['Z', '+01:00'])}"
            ),
            "serialNumber": None if rng.random() < 0.2 else f"SN-{index}",
            "installed": rng.choice([True, False, None]),
            "part": None
            if rng.random() < 0.1
            else {"id": rng.randint(1, 50), "trackingType": rng.choice(["LOT", None])},
        }
        for index in range(count)
    ]


LONG_SELECTION = "id quantity status createdAt serialNumber installed part { id trackingType }"


def json_normalized(nodes: list[dict[str, Any]]) -> pd.DataFrame:
    """The same frame by pandas.json_normalize and explicit conversions."""
    frame = pd.json_normalize(nodes)
    frame["createdAt"] = pd.to_datetime(frame["createdAt"], format="ISO8601", utc=True).dt.as_unit("ns")
    frame = frame.astype(
        {
            "id": "Int64",
            "quantity": "Float64",
            "status": STATUS,
            "serialNumber": "string",
            "installed": "boolean",
            "part.id": "Int64",
            "part.trackingType": TRACKING,
        }
    )
    return frame[["id", "quantity", "status", "createdAt", "serialNumber", "installed", "part.id", "part.trackingType"]]


def test_a_long_pull_in_pages_matches_json_normalize() -> None:
    nodes = synthetic_nodes(20_000, seed=3)  # crosses the builder's packing boundaries
    builder = FrameBuilder(plan_frame(node_selection(LONG_SELECTION)[0], INVENTORY, {}))
    for start in range(0, len(nodes), 100):
        builder.add_nodes(nodes[start : start + 100])
    pd.testing.assert_frame_equal(builder.finish(), json_normalized(nodes))


def test_a_misfit_late_in_a_long_pull_keeps_every_earlier_value() -> None:
    nodes = synthetic_nodes(20_000, seed=4)
    nodes[17_000]["quantity"] = "unknown"
    nodes[18_000]["createdAt"] = "not a date"
    builder = FrameBuilder(plan_frame(node_selection("quantity createdAt")[0], INVENTORY, {}))
    for start in range(0, len(nodes), 100):
        builder.add_nodes(nodes[start : start + 100])
    frame = builder.finish()
    assert frame["quantity"].dtype == object and frame["createdAt"].dtype == object
    assert frame["quantity"].tolist() == [node["quantity"] for node in nodes]
    assert frame["createdAt"].tolist() == [
        None
        if node["createdAt"] is None
        else node["createdAt"]
        if node["createdAt"] == "not a date"
        else pd.Timestamp(node["createdAt"]).tz_convert("UTC")
        for node in nodes
    ]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(0, 300), max_size=12))
def test_any_paging_of_the_nodes_gives_the_same_frame(seed: int, cuts: list[int]) -> None:
    nodes = synthetic_nodes(300, seed)
    rng = random.Random(seed)
    for index in rng.sample(range(300), 20):
        nodes[index] = None
    for index in rng.sample(range(300), 30):
        if nodes[index] is not None:
            nodes[index]["runs"] = [
                {"id": rng.randint(1, 9), "title": rng.choice(["a", None])} for _ in range(rng.randint(0, 3))
            ]
    plan = plan_frame(node_selection(LONG_SELECTION + " runs { id title }")[0], INVENTORY, {}, "runs")
    builder = FrameBuilder(plan)
    bounds = [0, *sorted(cuts), len(nodes)]
    for start, stop in itertools.pairwise(bounds):
        builder.add_nodes(nodes[start:stop])
    pd.testing.assert_frame_equal(builder.finish(), build_frame(nodes, plan))
    assert builder.null_nodes == 20


# --- the real ION corpus, planned against the sandbox's schema -------------------------------------------------

SANDBOX_SDL = Path(__file__).resolve().parents[1] / "ion_magic" / "sandbox" / "schema.graphql"


@pytest.fixture(scope="module")
def sandbox_schema() -> GraphQLSchema:
    return build_schema(SANDBOX_SDL.read_text())


def subfield(parent: FieldNode | None, name: str) -> FieldNode | None:
    """The field `name` with a sub-selection, selected directly under `parent`."""
    fields = () if parent is None or parent.selection_set is None else parent.selection_set.selections
    return next((f for f in fields if isinstance(f, FieldNode) and f.name.value == name and f.selection_set), None)


def connection_nodes(schema: GraphQLSchema, source: str):
    """(node selection, node type, fragments) of each connection root of a valid query in `source`."""
    document = parse(source)
    if validate(schema, document):
        return
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode) or operation.operation.value != "query":
            continue
        for root in operation.selection_set.selections:
            if not isinstance(root, FieldNode) or root.selection_set is None:
                continue
            root_type = get_named_type(schema.query_type.fields[root.name.value].type)
            node = subfield(subfield(root, "edges"), "node")
            if node is not None and "edges" in root_type.fields:
                edge_type = get_named_type(root_type.fields["edges"].type)
                yield node.selection_set, get_named_type(edge_type.fields["node"].type), fragments


def test_corpus_connections_plan_with_known_kinds(corpus: list[dict[str, Any]], sandbox_schema: GraphQLSchema) -> None:
    planned = 0
    for operation in corpus:
        for selection, node_type, fragments in connection_nodes(sandbox_schema, operation["query"]):
            typed = plan_frame(selection, node_type, fragments, schema=sandbox_schema)
            untyped = plan_frame(selection, None, fragments)
            names = [column.name for column in typed.columns]
            assert len(names) == len(set(names)), operation["name"]
            # Without a schema a list of objects cannot be told from an object: its leaves are planned.
            untyped_names = [column.name for column in untyped.columns]
            assert all(
                name in untyped_names or any(other.startswith(f"{name}.") for other in untyped_names) for name in names
            ), operation["name"]
            assert all(column.kind != "unknown" for column in typed.columns), operation["name"]
            assert build_frame([], typed).columns.tolist() == names
            planned += 1
    assert planned >= 10


# --- real sandbox responses over loopback HTTP ---------------------------------------------------------------------


def json_at(node: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    for key in path:
        node = None if node is None else node.get(key)
    return node


def python_value(value: Any) -> Any:
    return None if value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) else value


def test_sandbox_inventories_become_a_typed_frame(gql, sandbox_schema: GraphQLSchema) -> None:
    selection = "id quantity status serialNumber installed createdAt part { partNumber trackingType } location { name }"
    body = gql(f"{{ partInventories(first: 60) {{ edges {{ node {{ {selection} }} }} }} }}")
    nodes = [edge["node"] for edge in body["data"]["partInventories"]["edges"]]
    assert nodes
    plan = plan_frame(node_selection(selection)[0], sandbox_schema.get_type("PartInventory"), {})
    builder = FrameBuilder(plan)
    for start in range(0, len(nodes), 7):
        builder.add_nodes(nodes[start : start + 7])
    frame = builder.finish()
    assert frame.dtypes.astype(str).to_dict() == {
        "id": "Int64",
        "quantity": "Float64",
        "status": "category",
        "serialNumber": "string",
        "installed": "boolean",
        "createdAt": UTC,
        "part.partNumber": "string",
        "part.trackingType": "category",
        "location.name": "string",
    }
    assert frame["status"].cat.categories.tolist() == list(sandbox_schema.get_type("PartInventoryStatus").values)
    for column in plan.columns:
        got = [python_value(value) for value in frame[column.name].tolist()]
        sent = [json_at(node, column.path) for node in nodes]
        if column.kind == "datetime":
            sent = [None if text is None else pd.Timestamp(text).tz_convert("UTC") for text in sent]
        assert got == sent, column.name


def test_sandbox_runs_explode_into_steps(gql, sandbox_schema: GraphQLSchema) -> None:
    selection = "id title steps { id title status }"
    body = gql(f"{{ runs(first: 20) {{ edges {{ node {{ {selection} }} }} }} }}")
    nodes = [edge["node"] for edge in body["data"]["runs"]["edges"]]
    plan = plan_frame(node_selection(selection)[0], sandbox_schema.get_type("Run"), {}, "steps")
    frame = build_frame(nodes, plan)
    assert len(frame) == sum(max(len(node["steps"] or []), 1) for node in nodes)
    assert frame.columns.tolist() == ["id", "title", "steps.id", "steps.title", "steps.status"]
    assert [python_value(v) for v in frame["steps.id"]] == [
        step["id"] for node in nodes for step in (node["steps"] or [{"id": None}])
    ]
    assert frame["steps.status"].dtype == pd.CategoricalDtype(list(sandbox_schema.get_type("RunStepStatus").values))
