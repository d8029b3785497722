"""Completion inside %%ion cells: the token-based analysis of partial GraphQL, the IPython hook in-process,
and the same hook answering `complete_request`s of a real kernel."""

import os
from pathlib import Path

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, build_schema, parse, validate
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.core.completer import provisionalcompleter
from IPython.core.interactiveshell import InteractiveShell
from jupyter_client import KernelManager

from ion_magic.completion.document import complete_graphql
from ion_magic.completion.ipython import register_ipython_completer
from ion_magic.completion.magic_line import complete_magic_arguments, magic_options, schema_name_suggestions
from ion_magic.completion.suggestions import Completions

PROJECT_ROOT = Path(__file__).resolve().parents[1]

ION_SDL = '''
directive @cached(ttl: Int) on QUERY | FIELD

interface Node { id: ID! }

type PageInfo { endCursor: String hasNextPage: Boolean! totalCount: Int count: Int }

"""A run of a procedure on the factory floor."""
type Run implements Node {
  id: ID!
  "Human-readable run title."
  title: String
  status: RunStatus
  steps: [RunStep]
  partInventory: PartInventory
}

type RunStep { id: ID! title: String status: RunStatus position: Int run: Run }

"""A physical, tracked part."""
type PartInventory implements Node { id: ID! serialNumber: String status: PartInventoryStatus quantity: Float }

union SearchResult = Run | PartInventory

type RunEdge { node: Run cursor: String! }
type RunConnection { edges: [RunEdge] pageInfo: PageInfo! }
type PartInventoryEdge { node: PartInventory cursor: String! }
type PartInventoryConnection { edges: [PartInventoryEdge] pageInfo: PageInfo! }

enum RunStatus { TODO IN_PROGRESS COMPLETE HOLD REDLINE FAILED CANCELED }
enum PartInventoryStatus { AVAILABLE UNAVAILABLE INSTALLED }
enum RunSortEnum { ID_ASC ID_DESC TITLE_ASC TITLE_DESC }
enum PartInventorySortEnum { ID_ASC ID_DESC SERIAL_NUMBER_ASC SERIAL_NUMBER_DESC }

input IDFilter { eq: ID neq: ID in: [ID] }
input StringFilter { eq: String neq: String in: [String] }
input RunStatusFilter { eq: RunStatus neq: RunStatus in: [RunStatus] }
input PartInventoryStatusFilter { eq: PartInventoryStatus neq: PartInventoryStatus in: [PartInventoryStatus] }
input RunsInputFilters { id: IDFilter title: StringFilter status: RunStatusFilter }
input PartInventoriesInputFilters { id: IDFilter serialNumber: StringFilter status: PartInventoryStatusFilter }

type Query {
  "Runs, newest first."
  runs(filters: RunsInputFilters, sort: [RunSortEnum], first: Int, after: String): RunConnection
  run(id: ID!): Run
  partInventories(
    filters: PartInventoriesInputFilters, sort: [PartInventorySortEnum], first: Int, after: String
  ): PartInventoryConnection
  node(id: ID!): Node
  search(text: String!): [SearchResult]
}

input CreateRunStepInput { runId: ID! title: String! position: Int required: Boolean }
type CreateRunStepPayload { step: RunStep }
type Mutation { createRunStep(input: CreateRunStepInput!): CreateRunStepPayload }
'''

SCHEMA = build_schema(ION_SDL)
CURSOR = "‸"  # marks the cursor in the documents below; it never occurs in GraphQL
KINDS = {"field", "argument", "enum", "variable", "type", "keyword", "directive"}


def complete_at(marked: str) -> Completions:
    return complete_graphql(SCHEMA, marked.replace(CURSOR, ""), marked.index(CURSOR))


def texts_at(marked: str) -> list[str]:
    return [suggestion.text for suggestion in complete_at(marked).suggestions]


def by_text(marked: str) -> dict:
    return {suggestion.text: suggestion for suggestion in complete_at(marked).suggestions}


def fields_of(type_name: str) -> set[str]:
    named = SCHEMA.type_map[type_name]
    assert isinstance(named, GraphQLObjectType | GraphQLInputObjectType)
    return set(named.fields)


def values_of(enum_name: str) -> set[str]:
    named = SCHEMA.type_map[enum_name]
    assert isinstance(named, GraphQLEnumType)
    return set(named.values)


# --- what is offered where --------------------------------------------------------------------------------


def test_top_level_offers_the_operation_keywords_the_schema_supports():
    assert set(texts_at(CURSOR)) == {"query", "mutation", "fragment"}  # no Subscription type, no keyword
    assert by_text(CURSOR)["mutation"].detail == "Mutation"


def test_a_keyword_prefix_after_a_finished_definition_is_replaced_from_its_start():
    document = "query { run(id: 1) { id } }\nmu" + CURSOR
    completions = complete_at(document)
    assert [s.text for s in completions.suggestions] == ["mutation"]
    assert (completions.start, completions.end) == (len(document) - 3, len(document) - 1)


def test_anonymous_query_offers_root_query_fields_with_types_and_descriptions():
    offered = by_text("{ " + CURSOR)
    assert set(offered) == set(SCHEMA.query_type.fields) | {"__typename", "__schema", "__type"}
    assert offered["runs"].kind == "field"
    assert offered["runs"].detail == "RunConnection"
    assert offered["runs"].description == "Runs, newest first."


def test_the_operation_type_picks_the_root_type():
    assert set(texts_at("query Q { " + CURSOR)) >= {"runs", "partInventories"}
    assert texts_at("mutation M { " + CURSOR) == ["createRunStep", "__typename"]


def test_nested_selection_offers_fields_of_the_unwrapped_field_type():
    offered = by_text("query { runs(first: 5) { edges { node { " + CURSOR)
    assert set(offered) == fields_of("Run") | {"__typename"}
    assert offered["status"].detail == "RunStatus"
    assert offered["steps"].detail == "[RunStep]"
    assert offered["title"].description == "Human-readable run title."
    assert set(texts_at("{ runs { edges { node { steps { " + CURSOR)) == fields_of("RunStep") | {"__typename"}
    assert set(texts_at("{ runs { pageInfo { " + CURSOR)) == fields_of("PageInfo") | {"__typename"}


def test_text_after_the_cursor_and_missing_closers_do_not_matter():
    assert texts_at("{ runs { edges { node { st" + CURSOR + " } } } }\n{ run(id: 2) { id } }") == ["status", "steps"]
    assert texts_at("query {\n  runs {\n    edges {\n      node {\n        ti" + CURSOR) == ["title"]


def test_stray_closing_brackets_are_ignored():
    assert set(texts_at("} ) ] { runs { edges } } } ) {  " + CURSOR)) >= {"runs", "run", "search"}


def test_aliases_resolve_to_the_real_field():
    assert set(texts_at("{ latest: runs(first: 1) { edges { node { " + CURSOR)) == fields_of("Run") | {"__typename"}
    assert texts_at("{ latest: ru" + CURSOR) == ["run", "runs"]


def test_interfaces_offer_their_fields_and_inline_fragments_of_implementations():
    offered = texts_at('{ node(id: "1") { ' + CURSOR)
    assert offered == ["id", "... on PartInventory", "... on Run", "__typename"]
    assert by_text('{ node(id: "1") { ' + CURSOR)["... on Run"].kind == "type"


def test_unions_offer_only_typename_and_inline_fragments():
    assert texts_at('{ search(text: "pump") { ' + CURSOR) == ["... on PartInventory", "... on Run", "__typename"]


def test_type_conditions_are_limited_to_types_that_can_overlap():
    offered = set(texts_at('{ search(text: "pump") { ... on ' + CURSOR))
    assert {"Run", "PartInventory"} <= offered
    assert not offered & {"RunStep", "Query", "PageInfo"}
    inside = set(texts_at('{ search(text: "pump") { ... on Run { ' + CURSOR))
    assert inside == fields_of("Run") | {"__typename"}


def test_arguments_of_the_field_with_their_types():
    offered = by_text("{ runs(" + CURSOR)
    assert set(offered) == {"filters", "sort", "first", "after"}
    assert offered["filters"].detail == "RunsInputFilters"
    assert offered["sort"].detail == "[RunSortEnum]"
    assert {s.kind for s in offered.values()} == {"argument"}
    assert texts_at("{ run(" + CURSOR) == ["id"]


def test_arguments_given_before_or_after_the_cursor_are_not_offered_again():
    assert texts_at("{ runs(first: 10, " + CURSOR) == ["after", "filters", "sort"]
    assert texts_at("{ runs(" + CURSOR + ' sort: [ID_ASC], filters: {title: {eq: "x"}}) { edges } }') == [
        "after",
        "first",
    ]


def test_enum_arguments_offer_their_values_also_inside_lists():
    assert set(texts_at("{ runs(sort: " + CURSOR)) == values_of("RunSortEnum")
    assert set(texts_at("{ runs(sort: [" + CURSOR)) == values_of("RunSortEnum")
    assert texts_at("{ runs(sort: [ID_ASC, TI" + CURSOR) == ["TITLE_ASC", "TITLE_DESC"]
    assert by_text("{ partInventories(sort: [" + CURSOR)["SERIAL_NUMBER_ASC"].kind == "enum"


def test_input_objects_offer_their_fields_nested_as_deep_as_typed():
    assert set(texts_at("{ runs(filters: { " + CURSOR)) == fields_of("RunsInputFilters")
    offered = by_text("{ runs(filters: { status: { " + CURSOR)
    assert set(offered) == {"eq", "neq", "in"}
    assert offered["in"].detail == "[RunStatus]"
    assert set(texts_at("{ runs(filters: { status: { eq: " + CURSOR)) == values_of("RunStatus")
    assert set(texts_at("{ runs(filters: { status: { in: [TODO, " + CURSOR)) == values_of("RunStatus")
    assert texts_at("{ runs(filters: { status: { eq: HOLD }, " + CURSOR) == ["id", "title"]
    assert set(texts_at("{ partInventories(filters: { status: { neq: " + CURSOR)) == values_of("PartInventoryStatus")


def test_mutation_input_objects_and_booleans():
    offered = by_text("mutation { createRunStep(input: { " + CURSOR)
    assert set(offered) == fields_of("CreateRunStepInput")
    assert offered["runId"].detail == "ID!"
    assert texts_at("mutation { createRunStep(input: { runId: 4, required: " + CURSOR) == ["false", "true"]


HEADER = (
    "query Q($filters: RunsInputFilters, $first: Int, $after: String, $sort: [RunSortEnum!],"
    " $status: RunStatus, $id: ID!, $maybeId: ID, $fallbackId: ID = 1, $flag: Boolean!) "
)


def test_declared_variables_are_offered_where_their_type_fits():
    assert texts_at(HEADER + "{ runs(filters: " + CURSOR) == ["$filters"]
    assert texts_at(HEADER + "{ runs(first: " + CURSOR) == ["$first"]
    assert texts_at(HEADER + "{ runs(sort: " + CURSOR) == ["$sort", *sorted(values_of("RunSortEnum"))]
    assert texts_at(HEADER + "{ runs(filters: { status: { eq: $" + CURSOR) == ["$status"]
    assert by_text(HEADER + "{ runs(filters: " + CURSOR)["$filters"].detail == "RunsInputFilters"


def test_a_nullable_variable_fits_a_non_null_argument_only_with_a_default():
    assert texts_at(HEADER + "{ run(id: " + CURSOR) == ["$fallbackId", "$id"]


def test_a_typed_dollar_prefix_is_part_of_the_replaced_token():
    document = HEADER + "{ runs(first: $fi" + CURSOR
    completions = complete_at(document)
    assert [s.text for s in completions.suggestions] == ["$first"]
    assert completions.start == document.rindex("$fi")
    assert completions.suggestions[0].kind == "variable"


def test_variables_of_another_operation_are_not_offered():
    assert texts_at(HEADER + "{ run(id: 1) { id } }\nquery Other { runs(first: " + CURSOR) == []


def test_variable_definitions_offer_input_types_only():
    offered = by_text("query Q($x: " + CURSOR)
    assert {"Int", "String", "Boolean", "ID", "RunSortEnum", "RunsInputFilters", "RunStatusFilter"} <= set(offered)
    assert not set(offered) & {"Run", "RunConnection", "Node", "SearchResult", "Query"}
    assert offered["RunSortEnum"].detail == "enum"


def test_same_case_prefix_matches_come_before_other_case_matches():
    offered = texts_at("query Q($first: Int, $sort: [RunS" + CURSOR)
    assert offered == ["RunSortEnum", "RunStatus", "RunStatusFilter", "RunsInputFilters"]


def test_default_values_of_variables_offer_values_of_their_type():
    assert set(texts_at("query Q($sort: [RunSortEnum] = [" + CURSOR)) == values_of("RunSortEnum")


def test_spreads_offer_overlapping_fragments_defined_anywhere_and_on():
    document = (
        "{ runs { edges { node { ..." + CURSOR + " } } } }\n"
        "fragment RunBits on Run { id title }\n"
        "fragment NodeBits on Node { id }\n"
        "fragment PartBits on PartInventory { serialNumber }\n"
    )
    offered = by_text(document)
    assert set(offered) == {"RunBits", "NodeBits", "on"}
    assert offered["on"].kind == "keyword"
    assert offered["RunBits"].detail == "Run"


def test_fragment_definitions_complete_on_and_their_type_condition():
    assert texts_at("fragment RunBits " + CURSOR) == ["on"]
    assert {"Run", "Node", "SearchResult"} <= set(texts_at("fragment RunBits on " + CURSOR))
    assert "RunsInputFilters" not in texts_at("fragment RunBits on " + CURSOR)
    assert set(texts_at("fragment RunBits on Run { " + CURSOR)) == fields_of("Run") | {"__typename"}


def test_directives_are_offered_for_their_location_with_arguments():
    assert texts_at("{ runs @" + CURSOR) == ["cached", "include", "skip"]
    assert texts_at("query Q @" + CURSOR) == ["cached"]
    assert by_text("{ runs @" + CURSOR)["include"].detail == "@include(if: Boolean!)"
    assert texts_at("{ runs @include(" + CURSOR) == ["if"]
    assert texts_at(HEADER + "{ runs @include(if: " + CURSOR) == ["$flag", "false", "true"]
    after_directive = "{ runs @include(if: true) { edges { node { " + CURSOR
    assert set(texts_at(after_directive)) == fields_of("Run") | {"__typename"}


# --- filtering, ordering, offsets -------------------------------------------------------------------------


def test_prefix_filtering_ignores_case():
    assert texts_at("{ runs { edges { node { ST" + CURSOR) == ["status", "steps"]
    assert texts_at("{ runs(sort: [id" + CURSOR) == ["ID_ASC", "ID_DESC"]
    assert texts_at("{ PART" + CURSOR) == ["partInventories"]


def test_ordering_is_alphabetical_with_meta_entries_last():
    offered = texts_at("{ " + CURSOR)
    plain = [text for text in offered if not text.startswith("__")]
    assert plain == sorted(plain, key=str.lower)
    assert offered[len(plain) :] == ["__schema", "__type", "__typename"]


def test_start_and_end_bound_the_typed_part_of_the_name():
    document = "{ runs(fi" + CURSOR + "rst: 1) { edges } }"
    completions = complete_at(document)
    assert completions.start == document.index("fi")
    assert completions.end == document.index(CURSOR)
    assert [s.text for s in completions.suggestions] == ["filters", "first"]


@pytest.mark.parametrize(
    "document",
    [
        '{ runs(filters: { title: { eq: "pu' + CURSOR + 'mp" } }) { edges } }',
        '{ runs(filters: { title: { eq: "pump ' + CURSOR,
        '{ runs(filters: { title: { eq: """multi\nline ' + CURSOR,
        "{ runs { # edges and " + CURSOR + "\n edges } }",
        "# a comment at the end" + CURSOR,
        "{ runs(first: 1" + CURSOR + "0) }",
    ],
)
def test_nothing_is_offered_inside_strings_comments_and_numbers(document):
    completions = complete_at(document)
    assert completions.suggestions == []
    assert completions.start == completions.end == document.index(CURSOR)


def test_an_unterminated_string_ends_at_its_line():
    assert texts_at('{ runs(after: "abc\n  fi' + CURSOR) == ["filters", "first"]


@pytest.mark.parametrize("cursor", [-1, -100, 9, 1000])
def test_a_cursor_outside_the_text_gets_nothing(cursor):
    text = "{ runs }"
    completions = complete_graphql(SCHEMA, text, cursor)
    assert completions.suggestions == []
    assert 0 <= completions.start == completions.end <= len(text)


@pytest.mark.parametrize(
    "text",
    [
        "{" * 30_000,
        "(" * 30_000,
        "[" * 30_000,
        "{ runs(filters: " + "{ status: " * 10_000,
        "query Q($x: " + "[" * 10_000,
        "query Q($x: " + "[" * 10_000 + "RunStatus" + "]" * 10_000 + ") { runs(filters: {status: {eq: ",
        "}" * 30_000 + ")" * 30_000 + "{ ",
    ],
)
def test_deep_or_long_documents_do_not_break_the_analysis(text):
    completions = complete_graphql(SCHEMA, text, len(text))
    assert all(s.kind in KINDS for s in completions.suggestions)


def test_deep_closers_still_find_their_frame():
    text = "}" * 30_000 + ")" * 30_000 + "{ "
    assert "runs" in {s.text for s in complete_graphql(SCHEMA, text, len(text)).suggestions}


REALISTIC_DOCUMENT = """
query RunsOnHold($filters: RunsInputFilters = {status: {eq: HOLD}}, $first: Int = 20, $after: String) {
  runs(filters: $filters, sort: [ID_DESC], first: $first, after: $after) @cached(ttl: 60) {
    edges { node { ...RunBits steps { id title status } partInventory { ... on Node { id } } } }
    pageInfo { endCursor hasNextPage }
  }
  search(text: "pump \\"A\\"") { __typename ... on PartInventory { serialNumber } }
}
# create a step
mutation AddStep { createRunStep(input: {runId: 7, title: \"\"\"Torque\nbolts\"\"\", required: true}) { step { id } } }
fragment RunBits on Run { id title status }
"""


def test_every_cursor_position_in_a_realistic_document_is_handled():
    assert validate(SCHEMA, parse(REALISTIC_DOCUMENT)) == []
    for cursor in range(len(REALISTIC_DOCUMENT) + 1):
        for text in (REALISTIC_DOCUMENT, REALISTIC_DOCUMENT[:cursor]):
            completions = complete_graphql(SCHEMA, text, cursor)
            assert completions.end == cursor
            typed = text[completions.start : cursor].lower()
            assert all(s.text.lower().startswith(typed) for s in completions.suggestions)


GRAPHQL_PIECES = [
    "{", "}", "(", ")", "[", "]", ":", "$", "@", "!", "=", "...", "on", " ", "\n", ",", '"', '"""', "#",
    "\\", "query", "mutation", "fragment", "runs", "run", "edges", "node", "filters", "status", "eq", "in",
    "sort", "ID_ASC", "first", "Run", "Int", "1", "-", ".", "é", "ß", "😀", "\u200b", "\r", "\t",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(GRAPHQL_PIECES) | st.text(max_size=3), max_size=60),
    cursor_shift=st.integers(min_value=-3, max_value=3),
    cursor_fraction=st.floats(min_value=0, max_value=1),
)
def test_any_text_and_cursor_never_raise_and_stay_consistent(pieces, cursor_shift, cursor_fraction):
    text = "".join(pieces)
    cursor = int(len(text) * cursor_fraction) + cursor_shift
    completions = complete_graphql(SCHEMA, text, cursor)
    assert 0 <= completions.start <= completions.end <= len(text)
    if 0 <= cursor <= len(text):
        assert completions.end == cursor
    typed = text[completions.start : completions.end].lower()
    for suggestion in completions.suggestions:
        assert suggestion.text.lower().startswith(typed)
        assert suggestion.kind in KINDS


# --- the IPython hook, in-process -------------------------------------------------------------------------


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    saved = list(shell.Completer.custom_matchers)
    shell.user_ns["ion_probe_value"] = 42
    register_ipython_completer(shell, lambda: SCHEMA)
    yield shell
    shell.Completer.custom_matchers[:] = saved
    shell.user_ns.pop("ion_probe_value", None)


def ipython_completions(shell, marked: str) -> list:
    with provisionalcompleter():
        return list(shell.Completer.completions(marked.replace(CURSOR, ""), marked.index(CURSOR)))


def test_ion_cell_completions_come_from_the_schema_with_offsets_in_the_whole_cell(shell):
    cell = "%%ion runs_df --max-pages 2\nquery {\n  runs(first: 5) {\n    edges { node { st" + CURSOR
    completions = ipython_completions(shell, cell)
    assert [c.text for c in completions] == ["status", "steps"]
    assert {(c.start, c.end) for c in completions} == {(cell.index(CURSOR) - 2, cell.index(CURSOR))}
    assert {c.type for c in completions} == {"field"}


def test_ion_cell_completion_without_a_prefix_offers_only_graphql(shell):
    cell = "\n%%ion\n{ runs(sort: " + CURSOR + ") { edges } }"
    completions = ipython_completions(shell, cell)
    assert {c.text for c in completions} == values_of("RunSortEnum")
    assert {(c.start, c.end) for c in completions} == {(cell.index(CURSOR),) * 2}


def test_a_variable_prefix_in_an_ion_cell_starts_at_the_dollar(shell):
    cell = "%%ion\nquery Q($first: Int) { runs(first: $f" + CURSOR
    completions = ipython_completions(shell, cell)
    assert [(c.text, c.start) for c in completions] == [("$first", cell.rindex("$f"))]


def test_python_cells_keep_python_completion(shell):
    assert "ion_probe_value" in {c.text for c in ipython_completions(shell, "ion_probe_va" + CURSOR)}
    not_first_line = "x = 1\n%%ion\n{ ru" + CURSOR
    assert "runs" not in {c.text for c in ipython_completions(shell, not_first_line)}
    other_magic = "%%ionic\n{ ru" + CURSOR
    assert "runs" not in {c.text for c in ipython_completions(shell, other_magic)}


def test_the_magic_line_itself_is_left_to_ipython(shell):
    completions = ipython_completions(shell, "%%ion ion_probe_va" + CURSOR + "\n{ runs }")
    assert "field" not in {c.type for c in completions}


def test_without_a_schema_ion_cells_get_no_graphql_and_no_error(shell, capsys):
    register_ipython_completer(shell, lambda: None)
    completions = ipython_completions(shell, "%%ion\n{ ru" + CURSOR)
    assert "runs" not in {c.text for c in completions}
    assert "Traceback" not in capsys.readouterr().err


def test_registering_again_replaces_the_hook(shell):
    register_ipython_completer(shell, lambda: SCHEMA)
    ours = [
        m
        for m in shell.Completer.custom_matchers
        if getattr(m, "matcher_identifier", "") == "ion_magic.completion.ipython.ion_cell_matcher"
    ]
    assert len(ours) == 1


# --- a real kernel ----------------------------------------------------------------------------------------

KERNEL_SETUP = f"""
from graphql import build_schema
from ion_magic.completion.ipython import register_ipython_completer
ion_schema = build_schema({ION_SDL!r})
register_ipython_completer(get_ipython(), lambda: ion_schema)
ion_probe_value = 42
"""


@pytest.fixture(scope="module")
def kernel():
    manager = KernelManager(kernel_name="python3")
    python_path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    manager.start_kernel(env={**os.environ, "PYTHONPATH": python_path}, cwd=str(PROJECT_ROOT))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        reply = client.execute_interactive(KERNEL_SETUP, timeout=120, output_hook=lambda message: None)
        assert reply["content"]["status"] == "ok", reply["content"]
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def kernel_complete(client, marked: str) -> dict:
    reply = client.complete(marked.replace(CURSOR, ""), marked.index(CURSOR), reply=True, timeout=60)
    assert reply["content"]["status"] == "ok"
    return reply["content"]


@pytest.mark.kernel
def test_a_real_kernel_answers_complete_requests_in_ion_cells(kernel):
    cell = "%%ion runs --max-pages 1\nquery {\n  runs(sort: [ID" + CURSOR + "]) { edges { node { id } } }\n}"
    content = kernel_complete(kernel, cell)
    assert content["matches"] == ["ID_ASC", "ID_DESC"]
    assert (content["cursor_start"], content["cursor_end"]) == (cell.index("ID"), cell.index(CURSOR))
    kinds = {item["type"] for item in content["metadata"]["_jupyter_types_experimental"]}
    assert kinds == {"enum"}


@pytest.mark.kernel
def test_a_real_kernel_completes_arguments_and_fields(kernel):
    cell = "%%ion\n{ partInventories(" + CURSOR
    assert kernel_complete(kernel, cell)["matches"] == ["after", "filters", "first", "sort"]
    cell = "%%ion df\n{ partInventories { edges { node { " + CURSOR
    content = kernel_complete(kernel, cell)
    assert set(content["matches"]) == fields_of("PartInventory") | {"__typename"}
    assert content["cursor_start"] == content["cursor_end"] == cell.index(CURSOR)


@pytest.mark.kernel
def test_a_real_kernel_keeps_python_completion_outside_ion_cells(kernel):
    content = kernel_complete(kernel, "ion_probe_va" + CURSOR)
    assert "ion_probe_value" in content["matches"]
    assert content["cursor_start"] == 0


# --- the magics' own lines: options from their parsers, schema names after %ion_schema -------------------


def magic_parsers() -> dict:
    from ion_magic.magics import IonMagic

    return IonMagic().argument_parsers()


def option_names(magic: str) -> set[str]:
    return {option.name for option in magic_options(magic_parsers()[magic])}


def test_the_options_come_from_each_magics_own_parser():
    parsers = magic_parsers()
    assert set(parsers) == {"%ion_login", "%ion_schema", "%%ion", "%ion", "%ion_cache"}
    assert {"--all", "--max-rows", "--after", "--explode", "--dry-run", "--out", "--cache"} <= option_names("%%ion")
    assert option_names("%ion") == option_names("%%ion") - {"--save"} | {"--operation"}
    assert {"--sandbox", "--env", "--client-id"} <= option_names("%ion_login")
    assert option_names("%ion_schema") == {"--search", "--refresh"}
    for magic, parser in parsers.items():
        required = ["saved_name"] if magic == "%ion" else []  # %ion NAME: the name comes first
        for option in magic_options(parser):  # every option parses: the completions are real options
            if not option.takes_value:
                parser.parse_args([*required, option.name])
        assert "--help" not in option_names(magic) and "-h" not in option_names(magic)


def magic_complete(magic: str, marked: str, schema=SCHEMA) -> Completions:
    positional = schema_name_suggestions(schema) if magic == "%ion_schema" else []
    return complete_magic_arguments(
        marked.replace(CURSOR, ""), marked.index(CURSOR), magic_options(magic_parsers()[magic]), positional
    )


def test_a_dash_word_completes_to_options_with_their_help():
    completions = magic_complete("%%ion", " df --al" + CURSOR)
    assert [s.text for s in completions.suggestions] == ["--all", "--allow-mutation"]
    assert (completions.start, completions.end) == (4, 8)
    assert completions.suggestions[0].kind == "option"
    assert completions.suggestions[0].description.startswith("Follow pageInfo.endCursor")
    assert [s.text for s in magic_complete("%ion_login", " --sandbox --c" + CURSOR).suggestions] == ["--client-id"]


def test_an_option_with_choices_completes_its_values():
    from ion_magic.environments import ENVIRONMENT_NAMES

    assert [s.text for s in magic_complete("%ion_login", " --env " + CURSOR).suggestions] == sorted(ENVIRONMENT_NAMES)
    assert [s.text for s in magic_complete("%ion_login", " --env sa" + CURSOR).suggestions] == ["sandbox"]
    assert magic_complete("%ion_login", " --client-id " + CURSOR).suggestions == []  # a value nobody can guess


def test_ion_schema_completes_type_and_root_field_names():
    offered = {s.text: s for s in magic_complete("%ion_schema", " Ru" + CURSOR).suggestions}
    assert set(offered) == {
        "Run",
        "RunConnection",
        "RunEdge",
        "RunStatus",
        "RunStatusFilter",
        "RunStep",
        "RunSortEnum",
        "RunsInputFilters",
        "run",
        "runs",
    }
    assert offered["Run"].kind == "type" and offered["Run"].description == "A run of a procedure on the factory floor."
    assert offered["runs"].kind == "field" and offered["runs"].detail == "Query.runs: RunConnection"
    assert "createRunStep" in {s.text for s in magic_complete("%ion_schema", " " + CURSOR).suggestions}
    assert "__Type" not in {s.text for s in magic_complete("%ion_schema", " _" + CURSOR).suggestions}
    assert magic_complete("%ion_schema", " --search Ru" + CURSOR).suggestions == []  # a free word


@pytest.fixture
def magic_shell(shell):
    register_ipython_completer(shell, lambda: SCHEMA, magic_parsers(), schema_name_magic="%ion_schema")
    return shell


def test_ipython_completes_the_magic_lines(magic_shell):
    completions = ipython_completions(magic_shell, "%ion_schema RunS" + CURSOR)
    assert [c.text for c in completions] == [
        "RunSortEnum",
        "RunStatus",
        "RunStatusFilter",
        "RunStep",  # same case
        "runs",
        "RunsInputFilters",
    ]  # then any case
    assert {c.start for c in completions} == {len("%ion_schema ")}
    cell = "%%ion df --max" + CURSOR + "\n{ runs { edges { node { id } } } }"
    assert [c.text for c in ipython_completions(magic_shell, cell)] == ["--max-rows"]
    assert [c.text for c in ipython_completions(magic_shell, "x = 1\n  %ion_login --sa" + CURSOR)] == ["--sandbox"]


def test_magic_lines_leave_everything_else_to_ipython(magic_shell):
    assert "option" not in {c.type for c in ipython_completions(magic_shell, "%%ion ion_probe_va" + CURSOR)}
    assert "ion_probe_value" in {c.text for c in ipython_completions(magic_shell, "ion_probe_va" + CURSOR)}
    not_first = "x = 1\n%%ion --al" + CURSOR
    assert "--all" not in {c.text for c in ipython_completions(magic_shell, not_first)}
    assert "--sandbox" not in {c.text for c in ipython_completions(magic_shell, "%ion_loginx --sa" + CURSOR)}
    assert "Run" not in {c.text for c in ipython_completions(magic_shell, "%ion_schema" + CURSOR)}


@pytest.fixture(scope="module")
def logged_in_kernel(tmp_path_factory):
    """A real kernel with the extension loaded and logged in to its own embedded sandbox."""
    manager = KernelManager(kernel_name="python3")
    python_path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {name: value for name, value in os.environ.items() if not name.startswith("ION_")}
    env.update(PYTHONPATH=python_path, ION_MAGIC_CACHE_DIR=str(tmp_path_factory.mktemp("schema-cache")))
    manager.start_kernel(env=env, cwd=str(PROJECT_ROOT))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        reply = client.execute_interactive(
            "%load_ext ion_magic\n%ion_login --sandbox", timeout=120, output_hook=lambda message: None
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


@pytest.mark.kernel
def test_a_real_kernel_completes_ion_schema_names_and_magic_options(logged_in_kernel):
    content = kernel_complete(logged_in_kernel, "%ion_schema RunSt" + CURSOR)
    assert {"RunStatus", "RunStep", "RunStepStatus"} <= set(content["matches"])
    assert all(match.lower().startswith("runst") for match in content["matches"])
    assert content["cursor_start"] == len("%ion_schema ")
    assert "runs" in kernel_complete(logged_in_kernel, "%ion_schema run" + CURSOR)["matches"]
    cell = "%%ion df --expl" + CURSOR + "\n{ runs { edges { node { id } } } }"
    assert kernel_complete(logged_in_kernel, cell)["matches"] == ["--explain", "--explode"]
    content = kernel_complete(logged_in_kernel, "%ion_login --env s" + CURSOR)
    assert content["matches"] == ["sandbox", "staging"]
    kinds = {item["type"] for item in content["metadata"]["_jupyter_types_experimental"]}
    assert kinds == {"enum"}
