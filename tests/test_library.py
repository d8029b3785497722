"""The operations folder without IPython: listing, finding, composing with library fragments, saving."""

from __future__ import annotations

import pytest

from ion_magic.errors import IonError, IonSyntaxError, IonValidationError
from ion_magic.library import OperationLibrary, compose_text, operations
from ion_magic.library_files import is_saved_reference
from ion_magic.pipeline import QueryOptions, prepare

from .ion_like_schema import ION_LIKE

FRAGMENTS = """# shared selections
fragment RunBasics on Run {
  id
  title
  ...RunPart
}

fragment RunPart on Run { part { partNumber } }

fragment StepBasics on RunStep { id status }
"""

OPEN_RUNS = """query OpenRuns($status: RunStatus = IN_PROGRESS) {
  runs(filters: {status: {eq: $status}}) { edges { node { ...RunBasics } } }
}
"""

TWO_OPERATIONS = """query RecentRuns { runs(first: 5) { edges { node { ...Mine } } } }

fragment Mine on Run { id createdAt }

query RunTitles {
  runs { edges { node { title } } }
}
"""


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "graphql"
    folder.mkdir()
    (folder / "fragments.graphql").write_text(FRAGMENTS)
    (folder / "open_runs.graphql").write_text(OPEN_RUNS)
    (folder / "two.graphql").write_text(TWO_OPERATIONS)
    return folder


def plan_of(text: str, **namespace):
    return prepare(text, ION_LIKE, namespace, QueryOptions(), line_offset=1)


def test_listing_names_operations_with_variables_and_fragments_with_types(folder):
    library = OperationLibrary(folder)
    assert [(s.name, s.signature) for s in library.operations()] == [
        ("open_runs", "query OpenRuns($status: RunStatus = IN_PROGRESS)"),
        ("RecentRuns", "query RecentRuns"),
        ("RunTitles", "query RunTitles"),
    ]
    assert [(f.name, f.type_condition) for f in library.fragments()] == [
        ("RunBasics", "Run"),
        ("RunPart", "Run"),
        ("StepBasics", "RunStep"),
        ("Mine", "Run"),
    ]
    described = library.describe()
    signature = "query OpenRuns($status: RunStatus = IN_PROGRESS)"
    assert f"  open_runs                {signature}  [open_runs.graphql]" in described.splitlines()
    assert "  RunBasics                on Run  [fragments.graphql]" in described.splitlines()
    table = operations(folder)
    assert table.loc[table["kind"] == "fragment", "name"].tolist() == ["RunBasics", "RunPart", "StepBasics", "Mine"]
    assert library.fragment_messages()[1] == {
        "name": "RunPart",
        "typeCondition": "Run",
        "text": "fragment RunPart on Run { part { partNumber } }",
    }
    assert library.saved_names() == ["RecentRuns", "RunTitles", "open_runs"]


def test_a_missing_folder_lists_nothing_and_says_how_to_start(tmp_path):
    library = OperationLibrary(tmp_path / "nowhere")
    assert library.operations() == [] and "--save NAME" in library.describe()
    with pytest.raises(IonError, match="no operations folder"):
        library.find("open_runs")


def test_a_cell_gets_only_the_library_fragments_it_uses_with_theirs(folder):
    cell = "{ runs { edges { node { ...RunBasics } } } }"
    composed = OperationLibrary(folder).compose_cell(cell, ION_LIKE)
    assert composed.text.startswith(cell + "\n")
    assert "fragment RunBasics" in composed.text and "fragment RunPart" in composed.text
    assert "StepBasics" not in composed.text and "shared selections" not in composed.text
    root = plan_of(composed.text).roots[0]
    assert "fragment RunPart on Run" in root.document and "partNumber" in root.document


def test_a_cell_without_spreads_is_left_alone_and_reads_no_file(tmp_path):
    folder = tmp_path / "graphql"
    folder.mkdir()
    (folder / "broken.graphql").write_text("query {")
    cell = "{ runs { edges { node { id } } } }"
    composed = OperationLibrary(folder).compose_cell(cell, ION_LIKE)
    assert composed.text == cell and [segment.path for segment in composed.segments] == [None]


def test_the_cells_own_fragment_wins_with_a_note(folder):
    cell = "{ runs { edges { node { ...RunBasics } } } }\nfragment RunBasics on Run { status }"
    composed = OperationLibrary(folder).compose_cell(cell, ION_LIKE)
    assert composed.text == cell
    assert composed.notes == (
        "Note: fragment RunBasics is defined in the cell and in "
        f"{folder / 'fragments.graphql'}; the one in the cell is used.",
    )


def test_a_missing_fragment_points_at_the_cell_line_and_suggests(folder):
    cell = "{\n  runs { edges { node { ...RunBasic } } }\n}"
    with pytest.raises(IonValidationError) as caught:
        OperationLibrary(folder).compose_cell(cell, ION_LIKE)
    message = str(caught.value)
    assert message.startswith("Unknown fragment RunBasic: it is not defined in the cell nor in any .graphql file")
    assert "Did you mean RunBasics?" in message and "cell line 3:" in message


def test_an_error_in_a_library_fragment_names_the_file_line_and_column(folder):
    (folder / "fragments.graphql").write_text(FRAGMENTS.replace("  title\n", "  titel\n"))
    cell = "{ runs { edges { node { ...RunBasics } } } }"
    with pytest.raises(IonValidationError) as caught:
        OperationLibrary(folder).compose_cell(cell, ION_LIKE)
    first, pointer, caret = str(caught.value).splitlines()[:3]
    assert first == "Cannot query field 'titel' on type 'Run'. Did you mean 'title'?"
    assert pointer == f"{folder / 'fragments.graphql'} line 4, column 3:   titel"
    assert caret.index("^") == pointer.index("titel")


def test_an_error_in_the_cell_still_points_at_the_cell_when_library_fragments_are_used(folder):
    cell = "{\n  runs { edges { node { ...RunBasics statu } } }\n}"
    with pytest.raises(IonValidationError, match=r"'statu'.*\ncell line 3:   runs"):
        OperationLibrary(folder).compose_cell(cell, ION_LIKE)


def test_a_file_with_a_syntax_error_is_named_when_the_library_is_needed(folder):
    (folder / "broken.graphql").write_text("fragment Broken on Run {\n  id\n")
    with pytest.raises(IonSyntaxError) as caught:
        OperationLibrary(folder).compose_cell("{ runs { edges { node { ...RunBasics } } } }", ION_LIKE)
    assert "Syntax Error: Expected Name, found <EOF>." in str(caught.value)
    assert f"{folder / 'broken.graphql'} line 3, column 1" in str(caught.value)
    assert "broken.graphql" in OperationLibrary(folder).describe()


def test_a_fragment_defined_in_two_files_is_an_error_not_a_guess(folder):
    (folder / "more.graphql").write_text("fragment RunPart on Run { id }\n")
    with pytest.raises(IonValidationError, match="RunPart is defined in several files"):
        OperationLibrary(folder).compose_cell("{ runs { edges { node { ...RunBasics } } } }", ION_LIKE)


def test_find_by_file_name_by_operation_name_and_by_path(folder):
    library = OperationLibrary(folder)
    assert library.find("open_runs").node.name.value == "OpenRuns"
    assert library.find("RunTitles").node.name.value == "RunTitles"
    assert library.find("two", "RecentRuns").node.name.value == "RecentRuns"
    assert library.find(str(folder / "two.graphql"), "RunTitles").name == "RunTitles"
    with pytest.raises(IonError, match=r"holds 2 operations \(RecentRuns, RunTitles\): pick one with --operation"):
        library.find("two")
    with pytest.raises(IonError, match="has no operation 'Nope'"):
        library.find("two", "Nope")
    with pytest.raises(IonError, match="did you mean 'open_runs'"):
        library.find("open_run")
    with pytest.raises(IonError, match="only fragments"):
        library.find("fragments")


def test_a_saved_operation_keeps_its_file_lines_and_only_its_own_fragments(folder):
    library = OperationLibrary(folder)
    composed = library.compose_saved(library.find("two", "RecentRuns"), ION_LIKE)
    assert "RunTitles" not in composed.text and "fragment Mine on Run { id createdAt }" in composed.text
    plan = plan_of(composed.text)
    assert plan.cell.name == "RecentRuns" and "createdAt" in plan.roots[0].document
    (folder / "two.graphql").write_text(TWO_OPERATIONS.replace("title", "titel"))
    with pytest.raises(IonValidationError, match=r"two\.graphql line 6, column 25:   runs"):
        library.compose_saved(OperationLibrary(folder).find("two", "RunTitles"), ION_LIKE)


def test_a_saved_operation_uses_library_fragments_and_binds_like_a_cell(folder):
    library = OperationLibrary(folder)
    composed = library.compose_saved(library.find("open_runs"), ION_LIKE)
    assert plan_of(composed.text, status="HOLD").variables == {"status": "HOLD"}
    assert plan_of(composed.text).variables == {}


def test_save_writes_refuses_a_different_text_and_overwrites_on_request(folder):
    library = OperationLibrary(folder)
    cell = "\nquery Holds { runs { edges { node { ...RunBasics } } } }\n\n"
    outcome = library.save("holds", cell, ION_LIKE)
    assert outcome == (f"Saved query Holds to {folder / 'holds.graphql'}.", True)
    assert (folder / "holds.graphql").read_text() == "query Holds { runs { edges { node { ...RunBasics } } } }\n"
    assert "unchanged" in library.save("holds", cell, ION_LIKE).message
    changed = cell.replace("RunBasics", "RunPart")
    with pytest.raises(IonError, match="already holds a different operation: nothing was saved"):
        library.save("holds", changed, ION_LIKE)
    assert "RunBasics" in (folder / "holds.graphql").read_text()
    library.save("holds", changed, ION_LIKE, overwrite=True)
    assert "RunPart" in (folder / "holds.graphql").read_text()


def test_save_checks_before_writing(folder):
    library = OperationLibrary(folder)
    with pytest.raises(IonSyntaxError, match="cell line 2"):
        library.save("bad", "{ runs {", ION_LIKE)
    with pytest.raises(IonValidationError, match="titel"):
        library.save("bad", "{ runs { edges { node { titel } } } }", ION_LIKE)
    with pytest.raises(IonError, match="letters, digits"):
        library.save("../escape", "{ apiVersion }", ION_LIKE)
    with pytest.raises(IonError, match=r"RunPart is already defined in .*fragments\.graphql"):
        library.save("clash", "fragment RunPart on Run { id }", ION_LIKE)
    assert sorted(path.name for path in folder.iterdir()) == ["fragments.graphql", "open_runs.graphql", "two.graphql"]


def test_a_fragment_only_cell_saves_and_has_nothing_to_run(tmp_path):
    library = OperationLibrary(tmp_path / "new" / "graphql")
    outcome = library.save("steps", "fragment StepCore on RunStep { id title }", ION_LIKE)
    assert outcome.has_operation is False and "fragment StepCore" in outcome.message
    assert [f.name for f in OperationLibrary(tmp_path / "new" / "graphql").fragments()] == ["StepCore"]


def test_the_python_api_text_is_a_name_or_graphql(folder):
    assert is_saved_reference("open_runs") and is_saved_reference(" two.graphql ")
    assert not is_saved_reference("{ runs { edges { node { id } } } }") and not is_saved_reference("query Q { x }")
    assert "OpenRuns" in compose_text("open_runs", ION_LIKE, folder).text
    assert "fragment RunBasics" in compose_text("{ runs { edges { node { ...RunBasics } } } }", ION_LIKE, folder).text
    with pytest.raises(IonError, match="No saved operation 'open_run'"):
        compose_text("open_run", ION_LIKE, folder)


def test_the_default_folder_follows_ion_operations_dir(folder, monkeypatch):
    monkeypatch.setenv("ION_OPERATIONS_DIR", str(folder))
    assert OperationLibrary().folder == folder
    monkeypatch.delenv("ION_OPERATIONS_DIR")
    assert str(OperationLibrary().folder) == "graphql"
