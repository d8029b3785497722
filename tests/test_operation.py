"""Planning: parse, validate, bind and rewrite for paging, without IPython or a server."""

import pytest
from graphql import parse, validate

from ion_magic.errors import (
    IonSyntaxError,
    IonValidationError,
    MissingVariableError,
    MutationNotAllowedError,
)
from ion_magic.operation import PagingOptions
from ion_magic.pipeline import QueryOptions, prepare
from ion_magic.rewrite import PAGE_INFO_ALIAS

from .ion_like_schema import ION_LIKE


def plan(source, namespace=None, schema=ION_LIKE, **options):
    return prepare(source, schema, namespace or {}, QueryOptions(**options))


def arguments_of(document: str, field: str) -> dict[str, str]:
    operation = parse(document).definitions[0]
    root = operation.selection_set.selections[0]
    assert root.name.value == field
    return {
        argument.name.value: argument.value.name.value for argument in root.arguments if hasattr(argument.value, "name")
    }


def test_unpaginated_connection_gets_first_after_and_page_info():
    result = plan("{ runs { edges { node { id title } } } }")
    (root,) = result.roots
    assert root.shape == "connection" and root.paging.follow
    assert root.paging.page_size == 100
    assert arguments_of(root.document, "runs") == {
        "first": root.paging.first_variable,
        "after": root.paging.after_variable,
    }
    assert f"{PAGE_INFO_ALIAS}: pageInfo" in root.document
    assert "totalCount" in root.document
    assert validate(ION_LIKE, parse(root.document)) == []


def test_written_first_is_one_page_unless_all():
    one_page = plan("{ runs(first: 5) { edges { node { id } } } }").roots[0]
    assert not one_page.paging.follow and one_page.paging.first_variable is None
    assert "first: 5" in one_page.document
    followed = plan("{ runs(first: 5) { edges { node { id } } } }", all=True).roots[0]
    assert followed.paging.follow and "first: 5" in followed.document and followed.paging.after_variable


def test_all_with_last_is_refused():
    with pytest.raises(IonValidationError, match="first"):
        plan("{ runs(last: 5) { edges { node { id } } } }", all=True)


def test_after_option_and_written_after_start_the_walk():
    assert plan("{ runs { edges { node { id } } } }", after="abc").roots[0].paging.start_cursor == "abc"
    written = plan("query Q($c: String) { runs(after: $c) { edges { node { id } } } }", {"c": "xyz"}).roots[0]
    assert written.paging.start_cursor == "xyz"
    assert "$c" not in written.document  # replaced by the magic's cursor variable, so not left unused
    assert validate(ION_LIKE, parse(written.document)) == []


def test_max_rows_shrinks_the_page():
    assert plan("{ runs { edges { node { id } } } }", max_rows=7, page_size=100).roots[0].paging.page_size == 7


def test_several_roots_become_separate_valid_operations_with_their_own_variables_and_fragments():
    source = """
    query Two($status: RunStatus, $id: ID!) {
      runs(filters: {status: {eq: $status}}) { edges { node { ...R } } }
      one: run(id: $id) { id ...R }
    }
    fragment R on Run { title part { partNumber } }
    """
    result = plan(source, {"status": "TODO", "id": 3})
    runs, one = result.roots
    assert (runs.response_key, one.response_key) == ("runs", "one")
    assert runs.variables == {"status": "TODO"} and one.variables == {"id": 3}
    assert one.shape == "object"
    for root in result.roots:
        assert "fragment R on Run" in root.document
        assert validate(ION_LIKE, parse(root.document)) == []


def test_variable_names_of_the_magic_do_not_collide_with_the_users():
    source = "query Q($ion_first: Int) { runs(filters: {procedureId: {eq: $ion_first}}) { edges { node { id } } } }"
    root = plan(source, {"ion_first": 1}).roots[0]
    assert root.paging.first_variable != "ion_first"
    assert validate(ION_LIKE, parse(root.document)) == []


def test_aliases_of_edges_and_node_are_followed():
    root = plan("{ r: runs { e: edges { n: node { id } } } }").roots[0]
    assert (root.response_key, root.paging.edges_key, root.paging.node_key) == ("r", "e", "n")


def test_without_schema_a_connection_is_recognised_by_its_selection():
    root = plan("{ runs { edges { node { id } } } }", schema=None).roots[0]
    assert root.shape == "connection" and root.paging.follow
    assert "totalCount" not in root.document  # not every Relay server has it


def test_shapes_of_other_roots():
    result = plan("{ parts { id } apiVersion }")
    assert [root.shape for root in result.roots] == ["list", "scalar"]


def test_validation_error_names_the_field_points_at_the_cell_line_and_suggests():
    with pytest.raises(IonValidationError) as caught:
        plan("query {\n  runs { edges { node { titel } } }\n}")
    message = str(caught.value)
    assert "Cannot query field 'titel' on type 'Run'. Did you mean 'title'?" in message
    pointer_line, caret_line = message.splitlines()[1:3]
    assert pointer_line.startswith("cell line 3: ")
    assert pointer_line[caret_line.index("^") :].startswith("titel")


def test_syntax_errors_and_wrong_shapes_are_clear():
    with pytest.raises(IonSyntaxError, match="cell line 2"):
        plan("{ runs { edges { node { id } }")
    with pytest.raises(IonSyntaxError, match="no GraphQL"):
        plan("  \n")
    with pytest.raises(IonSyntaxError, match="exactly one operation"):
        plan("query A { apiVersion } query B { apiVersion }")
    with pytest.raises(IonSyntaxError, match=r"nested too deeply|Syntax Error"):
        plan("{" * 10_000)


def test_missing_required_variables_are_all_named_and_defaults_apply():
    with pytest.raises(MissingVariableError) as caught:
        plan("query Q($id: ID!, $other: ID!) { run(id: $id) { id } b: run(id: $other) { id } }")
    assert "$id (ID!)" in str(caught.value) and "$other (ID!)" in str(caught.value)
    with_default = plan("query Q($id: ID! = 4) { run(id: $id) { id } }")
    assert with_default.variables == {}  # the server applies the declared default


def test_mutation_needs_permission():
    source = 'mutation { createRunStep(input: {runId: 1, title: "x"}) { step { id } } }'
    with pytest.raises(MutationNotAllowedError, match="--allow-mutation"):
        plan(source)
    assert plan(source, allow_mutation=True).roots[0].shape == "object"


def test_paging_options_defaults():
    assert PagingOptions().page_size == 100
