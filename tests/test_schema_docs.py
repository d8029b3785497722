"""What %ion_schema shows, without IPython: finding names, the miss hints, search, whole descriptions."""

import pytest
from graphql import build_schema

from ion_magic.schema_docs import (
    WIDTH,
    SchemaNameError,
    describe_name,
    describe_roots,
    describe_search,
    lookup_names,
    search_schema,
    wrap_description,
)

STATUS_RULES = """Derived from the run's steps; the first rule that applies:
- any step FAILED: FAILED, whatever the other steps say, even when some of them are still in progress
- any step HOLD: HOLD
- every step COMPLETE: COMPLETE"""

SDL = f'''
"""A run of a procedure on the factory floor."""
type Run {{
  id: ID!
  title: String
  """{STATUS_RULES}"""
  status: RunStatus
  serialNumber: String
}}
enum RunStatus {{
  TODO
  "Stopped until someone lifts the hold."
  HOLD
  FAILED
  COMPLETE
}}
type RunEdge {{ node: Run cursor: String! }}
type RunConnection {{ edges: [RunEdge] }}
input CreatePartInventoryInput {{ partId: ID! "The serial number to give the new inventory." serial: String }}
type Query {{
  "Runs (executions of procedures), paged as a Relay connection."
  runs(first: Int, "Start after this cursor." after: String): RunConnection
  run(id: ID!): Run
}}
type Mutation {{
  """Create a part inventory: a physical, tracked instance of a part, with its serial number or lot number,
its location and its status, which the factory then consumes in runs or ships to a customer."""
  createPartInventory(input: CreatePartInventoryInput!): Run
}}
'''
SCHEMA = build_schema(SDL)


def test_a_type_is_found_by_its_name_in_any_case():
    shown = describe_name(SCHEMA, "RunStatus")
    assert shown.startswith("enum RunStatus\nvalues:")
    assert describe_name(SCHEMA, "runstatus") == shown
    assert describe_name(SCHEMA, "RUNCONNECTION").startswith("object RunConnection")


def test_a_root_field_is_found_with_its_arguments_and_what_it_returns():
    shown = describe_name(SCHEMA, "runs")
    assert shown.startswith("query Query.runs(first: Int, after: String): RunConnection\n")
    assert "Runs (executions of procedures), paged as a Relay connection." in shown
    assert "      Start after this cursor." in shown.splitlines()
    assert "returns RunConnection: %ion_schema RunConnection shows it." in shown
    assert describe_name(SCHEMA, "CreatePartInventory").startswith("mutation Mutation.createPartInventory(")


def test_a_name_that_is_a_root_field_and_a_type_in_another_case_points_at_the_other():
    query = describe_name(SCHEMA, "run")
    assert query.startswith("query Query.run(id: ID!): Run")
    assert query.endswith("Also: Run (%ion_schema NAME with that spelling).")
    typed = describe_name(SCHEMA, "Run")
    assert typed.startswith("object Run\n") and "Also: Query.run" in typed


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("Runn", "'Run'"), ("RunStatu", "'RunStatus'"), ("createPartInventry", "'createPartInventory'")],
)
def test_a_miss_suggests_the_closest_names(typed, suggested):
    with pytest.raises(SchemaNameError) as caught:
        describe_name(SCHEMA, typed)
    message = str(caught.value)
    assert f"no type or root field named {typed!r}" in message
    assert f"Did you mean {suggested}" in message.split("?")[0] + "?"
    assert f"%ion_schema --search {typed}" in message


def test_a_miss_with_nothing_close_says_so_without_a_guess():
    with pytest.raises(SchemaNameError) as caught:
        describe_name(SCHEMA, "Zebra")
    assert "Did you mean" not in str(caught.value)


def test_descriptions_are_shown_whole_and_wrapped():
    shown = describe_name(SCHEMA, "Run")
    for rule in STATUS_RULES.splitlines():
        assert rule.split()[-1] in shown  # every rule's last word survives
    assert "every step COMPLETE: COMPLETE" in shown
    assert all(len(line) <= WIDTH + 8 for line in shown.splitlines())
    mutation = describe_name(SCHEMA, "createPartInventory")
    assert "consumes in runs or ships to a customer." in " ".join(mutation.split())


def test_hand_wrapped_description_lines_are_reflowed_into_full_lines():
    shown = describe_name(SCHEMA, "createPartInventory").splitlines()
    description = shown[1 : shown.index("arguments:")]
    assert len(description) >= 2
    assert all(len(line) > WIDTH - 25 for line in description[:-1])  # filled, not cut where the SDL was
    assert description[-1].endswith("customer.")


def test_wrapping_keeps_list_items_and_their_hanging_indent():
    lines = wrap_description(STATUS_RULES, "  ")
    long_rule = next(index for index, line in enumerate(lines) if line.startswith("  - any step FAILED"))
    assert lines[long_rule + 1].startswith("    ") and not lines[long_rule + 1].startswith("    -")
    assert " ".join(line.strip() for line in lines[long_rule : long_rule + 2]).startswith(
        "- any step FAILED: FAILED, whatever the other steps say"
    )
    assert wrap_description(None) == [] and wrap_description("   ") == []


def test_the_roots_listing_has_every_root_with_its_whole_description():
    shown = describe_roots(SCHEMA)
    assert "Queries (2):" in shown and "Mutations (1):" in shown
    assert "ships to a customer." in " ".join(shown.split())
    assert "%ion_schema --search WORD" in shown


def test_search_finds_types_fields_arguments_enum_values_and_descriptions():
    hits = {(hit.kind, hit.name) for hit in search_schema(SCHEMA, "serial")}
    assert hits == {
        ("field", "Run.serialNumber"),
        ("input field", "CreatePartInventoryInput.serial"),
        ("field", "Mutation.createPartInventory"),
    }  # the last one by its description
    assert {(hit.kind, hit.name) for hit in search_schema(SCHEMA, "hold")} >= {
        ("enum value", "RunStatus.HOLD"),
        ("field", "Run.status"),
    }
    assert {hit.name for hit in search_schema(SCHEMA, "CURSOR")} == {"Query.runs(after)", "RunEdge.cursor"}


def test_search_shows_a_description_only_where_the_word_is():
    shown = describe_search(search_schema(SCHEMA, "serial"), "serial")
    assert shown.startswith("3 places mention 'serial':")
    assert "ships to a customer." in " ".join(shown.split())  # the description that matched, whole
    assert "Runs (executions" not in shown
    assert describe_search([], "zebra") == "Nothing in the schema's names or descriptions contains 'zebra'."
    with pytest.raises(SchemaNameError):
        search_schema(SCHEMA, "  ")


def test_introspection_types_are_neither_names_nor_hits():
    assert "__Type" not in lookup_names(SCHEMA)
    assert not [hit for hit in search_schema(SCHEMA, "__") if hit.name.startswith("__")]
    assert {"Run", "runs", "run", "createPartInventory", "RunStatus"} <= set(lookup_names(SCHEMA))
