"""The sandbox speaks ION's API: every real ION operation of the corpus validates against schema.graphql,
and every read-only one runs on the seeded demo factory without errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, parse, validate

from ion_magic.sandbox.type_tables import TABLE_OF_TYPE

CORPUS_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "ion-api" / "corpus.json"
if not CORPUS_PATH.is_file():
    pytest.skip(f"ION corpus not found at {CORPUS_PATH}", allow_module_level=True)
CORPUS: list[dict[str, Any]] = json.loads(CORPUS_PATH.read_text())
BY_NAME = {operation["name"]: operation for operation in CORPUS}

EXCLUDED: dict[str, str] = {}
"""Corpus operations the sandbox does not validate, with the reason. Every one of them validates today."""

READ_ONLY = [name for name, operation in BY_NAME.items() if operation["read_only"] and name not in EXCLUDED]


def test_the_corpus_is_the_one_we_expect():
    assert len(CORPUS) == 108
    assert set(EXCLUDED) <= set(BY_NAME)


@pytest.mark.parametrize("name", [name for name in BY_NAME if name not in EXCLUDED])
def test_every_corpus_operation_validates(api, name):
    errors = validate(api.schema, parse(BY_NAME[name]["query"]))
    assert not errors, [error.message for error in errors]


@pytest.mark.parametrize("name", READ_ONLY)
def test_every_read_only_corpus_operation_runs_on_the_seed(execute, name):
    operation = BY_NAME[name]
    result = execute(operation["query"], operation["variables"])
    assert "errors" not in result, result.get("errors")
    for root in operation["root_fields"]:
        # Every object the example ids name exists in the seed, and every list comes back.
        assert result["data"][root["field"]] is not None, f"{root['field']} is null"


def test_ids_come_back_as_json_integers(execute):
    result = execute("{ run(id: 372) { id steps { id } } partInventories(first: 3) { edges { node { id partId } } } }")
    run = result["data"]["run"]
    assert run["id"] == 372 and type(run["id"]) is int
    assert [step["id"] for step in run["steps"]] == [1133, 1134, 1135]
    for edge in result["data"]["partInventories"]["edges"]:
        assert type(edge["node"]["id"]) is int and type(edge["node"]["partId"]) is int
    assert json.loads(json.dumps(result)) == result


def test_id_arguments_accept_strings_and_integers(execute):
    by_int = execute("query ($id: ID!) { run(id: $id) { id title } }", {"id": 419})
    by_text = execute("query ($id: ID!) { run(id: $id) { id title } }", {"id": "419"})
    assert by_int == by_text
    assert by_int["data"]["run"]["id"] == 419


def test_the_documented_quirks(execute):
    """createRunStep answers under `step`, API keys under `apikey`, attributes carry `Etag`, suppliers `Attributes`."""
    issue = execute("{ issue(id: 1) { _etag attributes { Etag key value } } }")["data"]["issue"]
    assert issue["attributes"] and {attribute["Etag"] for attribute in issue["attributes"]} == {issue["_etag"]}
    supplier = execute(
        '{ suppliers(filters: {name: {eq: "Acme Corp"}}) { edges { node { Attributes { key type value } } } } }'
    )["data"]["suppliers"]["edges"][0]["node"]
    assert "FILE_ATTACHMENT" in {attribute["type"] for attribute in supplier["Attributes"]}
    created = execute('mutation { createRunStep(input: {runId: 419, title: "Extra check"}) { step { id status } } }')
    assert created["data"]["createRunStep"]["step"]["status"] == "REDLINE"
    key = execute("mutation { createApiKey { apikey { clientId enabled } } }")["data"]["createApiKey"]["apikey"]
    assert key["enabled"] is True


def test_scalars_give_dataframe_friendly_values(execute):
    run = execute(
        "{ run(id: 1964) { createdAt completedAt } purchaseOrderLine(id: 1) { needDate } step(id: 1) { slateContent } }"
    )["data"]
    assert run["run"]["createdAt"].endswith("+00:00")
    assert run["purchaseOrderLine"]["needDate"].count("-") == 2
    assert isinstance(json.loads(run["step"]["slateContent"]), list)


def test_table_backed_types_enums_and_filters_are_documented(api):
    undocumented = []
    for name, type_ in api.schema.type_map.items():
        documented_kind = (
            (isinstance(type_, GraphQLObjectType) and name in TABLE_OF_TYPE)
            or (isinstance(type_, GraphQLEnumType) and not name.startswith("__"))
            or isinstance(type_, GraphQLInputObjectType)
        )
        if documented_kind and not type_.description:
            undocumented.append(name)
    assert not undocumented
    run_status = api.schema.type_map["Run"].fields["status"].description
    assert "REDLINE" in run_status and "HOLD" in run_status
