"""Saved operations and library fragments in a real kernel (nbclient), as a notebook uses them, with a
temporary operations folder (ION_OPERATIONS_DIR): never the user's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from jupyter_client import KernelManager

from ..kernels import errors_of, execute, json_printed, notebook, text_of

pytestmark = pytest.mark.kernel

BAD_FRAGMENT = "fragment Broken on Run {\n  id\n  titel\n}\n"
TWO_OPERATIONS = (
    "query RecentRuns { runs(first: 2) { edges { node { id } } } }\n\n"
    "query RunTitles { runs(first: 3) { edges { node { title } } } }\n"
)


def test_save_reuse_fragments_and_the_errors_a_library_can_cause(tmp_path, monkeypatch):
    folder = tmp_path / "ops"
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ION_OPERATIONS_DIR", str(folder))
    nb = execute(
        notebook(
            "%load_ext ion_magic\n%ion_login --sandbox",
            "%%ion --save RunBasics\nfragment RunBasics on Run { id title status }",
            "%%ion --save open_runs --dry-run\nquery OpenRuns($status: RunStatus = IN_PROGRESS) {\n"
            "  runs(filters: {status: {eq: $status}}) { edges { node { ...RunBasics } } }\n}",
            "status = 'COMPLETE'\n%ion open_runs complete_runs\nstatus = 'TODO'\n%ion open_runs todo_runs",
            "import json; print(json.dumps({'complete': sorted(set(complete_runs.status)), "
            "'todo': sorted(set(todo_runs.status)), 'columns': list(todo_runs.columns)}))",
            "%%ion spread\n{ runs(first: 3) { edges { node { ...RunBasics } } } }",
            "print(json.dumps(list(spread.columns)))",
            "%%ion\n{\n  runs(first: 3) { edges { node { ...RunBasic } } }\n}",
            "%%ion own\n{ runs(first: 3) { edges { node { ...RunBasics } } } }\nfragment RunBasics on Run { id }",
            "print(json.dumps(list(own.columns)))",
            f"import pathlib; pathlib.Path({str(folder)!r}, 'two.graphql').write_text({TWO_OPERATIONS!r})\n%ion two",
            "%ion two titles --operation RunTitles\nprint(json.dumps(list(titles.columns)))",
            f"pathlib.Path({str(folder)!r}, 'broken.graphql').write_text({BAD_FRAGMENT!r})",
            "%%ion\n{ runs(first: 3) { edges { node { ...Broken } } } }",
            "import ion_magic\nsession = ion_magic.connect()\n"
            "held = session.query('open_runs', {'status': 'HOLD'}, progress=False)\n"
            "listed = ion_magic.operations()\n"
            "print(json.dumps({'held': sorted(set(held.status)), 'names': listed.name.tolist()}))",
            "%ion_operations",
        ),
        cwd=tmp_path,
        allow_errors=True,
    )
    (
        login,
        save_fragment,
        save_query,
        by_name,
        by_name_check,
        spread,
        spread_check,
        missing,
        own,
        own_check,
        two,
        two_picked,
        _,
        broken,
        python_api,
        listing,
    ) = nb.cells

    assert "Saved fragment RunBasics to ops/RunBasics.graphql." in text_of(save_fragment)
    assert "Saved query OpenRuns" in text_of(save_query) and "nothing sent" in text_of(save_query)
    assert (folder / "open_runs.graphql").read_text().startswith("query OpenRuns($status: RunStatus")

    assert json_printed(by_name_check) == {
        "complete": ["COMPLETE"],
        "todo": ["TODO"],
        "columns": ["id", "title", "status"],
    }
    assert not errors_of(by_name) and "→ complete_runs" in text_of(by_name)
    assert not errors_of(spread) and json_printed(spread_check) == ["id", "title", "status"]

    shown = text_of(missing)
    assert shown.startswith("UsageError: Unknown fragment RunBasic: it is not defined in the cell nor in any")
    assert "Did you mean RunBasics?" in shown and "cell line 3:" in shown and "Traceback" not in shown

    assert "Note: fragment RunBasics is defined in the cell and in ops/RunBasics.graphql" in text_of(own)
    assert json_printed(own_check) == ["id"]

    assert "holds 2 operations (RecentRuns, RunTitles): pick one with --operation NAME" in text_of(two)
    assert json_printed(two_picked) == ["title"]

    shown = text_of(broken)
    assert shown.startswith("UsageError: Cannot query field 'titel' on type 'Run'. Did you mean 'title'?")
    assert "ops/broken.graphql line 3, column 3:   titel" in shown

    found = json_printed(python_api)
    assert found["held"] == ["HOLD"]
    assert {"open_runs", "RecentRuns", "RunTitles", "RunBasics", "Broken"} <= set(found["names"])
    assert "open_runs" in text_of(listing) and "Broken" in text_of(listing)
    assert not errors_of(login)


def test_a_real_kernel_completes_saved_names_after_percent_ion(tmp_path):
    folder = tmp_path / "ops"
    folder.mkdir()
    (folder / "open_runs.graphql").write_text("query OpenRuns { runs { edges { node { id } } } }\n")
    (folder / "two.graphql").write_text(TWO_OPERATIONS)
    (folder / "RunBasics.graphql").write_text("fragment RunBasics on Run { id }\n")
    project = Path(__file__).resolve().parents[2]
    python_path = os.pathsep.join(filter(None, [str(project), os.environ.get("PYTHONPATH")]))
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(
        env={**os.environ, "PYTHONPATH": python_path, "ION_OPERATIONS_DIR": str(folder)}, cwd=str(tmp_path)
    )
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        reply = client.execute_interactive("%load_ext ion_magic", timeout=120, output_hook=lambda message: None)
        assert reply["content"]["status"] == "ok", reply["content"]
        everything = client.complete("%ion ", 5, reply=True, timeout=60)["content"]
        assert everything["matches"] == ["RecentRuns", "RunTitles", "open_runs"]
        typed = client.complete("%ion op", 7, reply=True, timeout=60)["content"]
        assert typed["matches"] == ["open_runs"] and (typed["cursor_start"], typed["cursor_end"]) == (5, 7)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
