"""Which cells are `%%ion` cells, on the kernel side. The cases are shared with the front end's test
(labextension/src/__tests__/magicLine.spec.ts reads the same file), and each is checked against what IPython
itself does with the cell, so that completion and highlighting serve exactly the cells that run as `%%ion`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from ion_magic.ion_cell import graphql_body_start, is_ion_cell, magic_line_span

CASES = json.loads((Path(__file__).parent / "ion_cell_cases.json").read_text(encoding="utf-8"))


def runs_as_ion(cell: str) -> bool:
    """What IPython does: the cell becomes a call of the `ion` cell magic."""
    return "run_cell_magic('ion'," in TransformerManager().transform_cell(cell)


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_a_cell_is_an_ion_cell_exactly_when_ipython_runs_it_through_the_magic(case):
    assert is_ion_cell(case["cell"]) is case["ion"]
    assert runs_as_ion(case["cell"]) is case["ion"]


@pytest.mark.parametrize("case", [case for case in CASES if case["ion"]], ids=lambda case: case["case"])
def test_the_magic_line_is_the_first_line_that_is_not_blank(case):
    cell = case["cell"]
    start, end, body_start = magic_line_span(cell)
    assert [start, end] == case["line"]
    assert cell[start:end].strip().startswith("%%ion")
    assert not cell[:start].strip()
    assert cell[end:body_start] in ("", "\n", "\r\n", "\r")


def test_the_graphql_text_starts_after_the_magic_lines_break():
    cell = "\n  \n%%ion runs --page-size 5\r\n{ runs { edges { node { id } } } }"
    assert cell[graphql_body_start(cell) :] == "{ runs { edges { node { id } } } }"
    assert graphql_body_start("%%ion runs") is None
    assert graphql_body_start("%%sql\n{ a }") is None
