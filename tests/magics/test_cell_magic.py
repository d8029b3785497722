"""%%ion against the sandbox over loopback: paging, frames, options, errors — in-process IPython."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from IPython.core.error import UsageError

INVENTORY = "{ partInventories { edges { node { id status quantity serialNumber part { partNumber } } } } }"


def count_rows(gql, root: str) -> int:
    return gql(f"{{ {root}(first: 1) {{ pageInfo {{ totalCount }} }} }}")["data"][root]["pageInfo"]["totalCount"]


def test_unpaginated_cell_is_paged_whole_with_typed_columns(ion, gql):
    frame = ion("--page-size 7", INVENTORY)
    total = count_rows(gql, "partInventories")
    assert len(frame) == total and frame["id"].is_unique
    assert list(frame.columns) == ["id", "status", "quantity", "serialNumber", "part.partNumber"]
    assert str(frame["id"].dtype) == "Int64"
    assert isinstance(frame["status"].dtype, pd.CategoricalDtype)
    assert "AVAILABLE" in list(frame["status"].cat.categories)
    assert str(frame["quantity"].dtype) == "Float64"
    assert str(frame["part.partNumber"].dtype) == "string"
    meta = frame.attrs["ion"]
    assert meta["pages"] == -(-total // 7) and meta["rows"] == total and meta["complete"] is True
    assert meta["total_count"] == total and meta["end_cursor"]


def test_written_first_is_one_page_and_all_follows(ion, gql):
    one = ion("", "{ runs(first: 3) { edges { node { id } } } }")
    assert len(one) == 3 and one.attrs["ion"]["has_next_page"] is True
    every = ion("--all", "{ runs(first: 3) { edges { node { id } } } }")
    assert len(every) == count_rows(gql, "runs")
    assert every["id"].tolist() == sorted(every["id"].tolist())  # the server's order (ID_ASC) is kept


def test_max_rows_then_after_resumes_without_gap_or_repeat(ion):
    whole = ion("", "{ runs { edges { node { id title } } } }")
    head = ion("--max-rows 5 --page-size 2", "{ runs { edges { node { id title } } } }")
    assert head["id"].tolist() == whole["id"].tolist()[:5]
    rest = ion(f"--after {head.attrs['ion']['end_cursor']}", "{ runs { edges { node { id title } } } }")
    assert head["id"].tolist() + rest["id"].tolist() == whole["id"].tolist()


def test_var_assigns_and_prints_a_summary(shell, ion, capsys):
    assert ion("runs_df --page-size 10", "{ runs { edges { node { id status } } } }") is None
    frame = shell.user_ns["runs_df"]
    printed = capsys.readouterr().out
    assert re.search(rf"runs: {len(frame):,} of {len(frame):,} rows × 2 columns in \d+ pages", printed)
    assert printed.strip().endswith("→ runs_df  [custom]")  # not the sandbox: the environment is named


def test_variables_come_from_the_namespace(shell, ion):
    shell.user_ns["wanted"] = ["COMPLETE", "FAILED"]
    frame = ion(
        "", "query Q($wanted: [RunStatus!]) { runs(filters: {status: {in: $wanted}}) { edges { node { id status } } } }"
    )
    assert len(frame) > 0 and set(frame["status"].astype(str)) <= {"COMPLETE", "FAILED"}
    assert frame.attrs["ion"]["variables"] == {"wanted": ["COMPLETE", "FAILED"]}


def test_missing_variable_is_named_and_nothing_sent(shell, ion):
    shell.user_ns.pop("run_id", None)
    with pytest.raises(UsageError, match=r"\$run_id \(ID!\)"):
        ion("", "query Q($run_id: ID!) { run(id: $run_id) { id } }")


def test_single_object_root_gives_one_row_and_explode_gives_one_row_per_step(shell, ion):
    shell.user_ns["run_id"] = 372
    run = ion("", "query Q($run_id: ID!) { run(id: $run_id) { id title steps { id status } } }")
    assert run.shape[0] == 1 and run["id"].iloc[0] == 372 and isinstance(run["steps"].iloc[0], list)
    steps = ion("--explode steps", "query Q($run_id: ID!) { run(id: $run_id) { id steps { id status } } }")
    assert steps["steps.id"].tolist() == [step["id"] for step in run["steps"].iloc[0]]
    assert set(steps["id"]) == {372}


def test_several_roots_give_a_dict_of_frames(ion):
    frames = ion("", "{ runs(first: 2) { edges { node { id } } } locs: locations { edges { node { id name } } } }")
    assert set(frames) == {"runs", "locs"} and len(frames["runs"]) == 2 and len(frames["locs"]) > 0


def test_raw_returns_data_untouched(ion):
    data = ion("--raw", "{ runs(first: 2) { edges { node { id } } } }")
    assert list(data) == ["runs"] and len(data["runs"]["edges"]) == 2


def test_validation_error_before_sending(ion):
    with pytest.raises(UsageError) as caught:
        ion("", "{\n  runs { edges { node { titel } } }\n}")
    assert "Did you mean 'title'?" in str(caught.value) and "cell line 3" in str(caught.value)


def test_mutation_needs_allow_mutation(ion, shell):
    cell = 'mutation { createLocation(input: {name: "Test bay"}) { location { id name } } }'
    with pytest.raises(UsageError, match="--allow-mutation"):
        ion("", cell)
    created = ion("--allow-mutation", cell)
    assert created.shape[0] == 1 and created["location.name"].iloc[0] == "Test bay"


def test_dry_run_and_explain_send_nothing(ion, capsys):
    assert ion("--dry-run", "{ runs { edges { node { id } } } }") is None
    assert "paged connection" in capsys.readouterr().out
    assert ion("--explain", "{ runs { edges { node { id } } } }") is None
    script = capsys.readouterr().out
    compile(script, "explained.py", "exec")
    assert "ION_CLIENT_SECRET" in script


def test_bad_options_are_one_message(ion):
    for line in ("--max-rows 0", "--page-size -1", "1bad", "--nope"):
        with pytest.raises(UsageError):
            ion(line, "{ runs { edges { node { id } } } }")
    with pytest.raises(UsageError, match="steps"):
        ion("--explode nothing", "{ runs { edges { node { id steps { id } } } } }")


def test_status_and_schema_never_show_a_secret(shell, sandbox, capsys):
    shell.run_line_magic("ion_status", "")
    shell.run_line_magic("ion_schema", "")
    shell.run_line_magic("ion_schema", "Run")
    shown = capsys.readouterr().out
    assert sandbox.client_id in shown and "runs" in shown and "fields:" in shown
    assert sandbox.client_secret not in shown
    with pytest.raises(UsageError, match="Did you mean 'Run'"):
        shell.run_line_magic("ion_schema", "Runn")


def test_schema_finds_root_fields_and_searches(shell, capsys):
    shell.run_line_magic("ion_schema", "runs")
    assert capsys.readouterr().out.startswith("query Query.runs(")
    shell.run_line_magic("ion_schema", "--search serialNumber")
    found = capsys.readouterr().out
    assert "PartInventory.serialNumber: String" in found and "input fields:" in found
