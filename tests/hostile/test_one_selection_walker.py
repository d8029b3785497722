"""The planner, the nested-connection rewrite and the frame agree on what a cell selects: fragments spread
and `@skip`/`@include` applied the same way everywhere (one walker, `ion_magic.selection`)."""

from __future__ import annotations

import pytest

from .server import connect_to, honest_script, make_rows, offset_connection, pairs, query
from .test_trust_regressions import HOSTILE, datagrid_root

STEPS_WITH_FRAGMENT = (
    "{ steps { edges { node { id ...Grid } } } }\n"
    "fragment Grid on Step { datagridRows { edges { node { id index } } } }"
)
STEPS_WITH_INLINE_FRAGMENT = (
    "{ steps { edges { node { id\n  ... on Step { datagridRows { edges { node { id } } } } } } } }"
)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("cell", [STEPS_WITH_FRAGMENT, STEPS_WITH_INLINE_FRAGMENT])
def test_a_nested_connection_inside_a_fragment_is_unwrapped_and_completed(start_hostile, cell):
    """Written in a fragment, a nested connection the server cuts is still asked with its pageInfo, unwrapped
    into a list and fetched whole through its parent's root field, as when it is written directly."""
    server = start_hostile(HOSTILE)
    server.script = honest_script(server, datagrid_root())
    session = connect_to(server, max_tries=1)
    frame = query(session, cell, explode="datagridRows")
    assert pairs(frame, "id", "datagridRows.id") == [
        (f"s{step}", f"g{step}-{index}") for step in (1, 2, 3) for index in range(5)
    ]
    assert frame.attrs["ion"]["stopped"] is None


@pytest.mark.timeout(60)
def test_a_root_left_out_by_skip_or_include_is_not_planned_nor_sent(start_hostile):
    server = start_hostile(HOSTILE)
    server.script = honest_script(server, {"runs": offset_connection(make_rows(3)), "steps": offset_connection([])})
    session = connect_to(server, max_tries=1)
    cell = (
        "query ($withSteps: Boolean!) { runs { edges { node { id } } } "
        "steps @include(if: $withSteps) { edges { node { id } } } }"
    )
    frame = query(session, cell, variables={"withSteps": False})
    assert frame["id"].tolist() == ["r0001", "r0002", "r0003"]
    assert all("steps" not in request.query for request in server.requests)
    skipped = query(session, "{ runs @skip(if: true) { edges { node { id } } } steps { edges { node { id } } } }")
    assert list(skipped.columns) == ["id"] and skipped.empty
    assert "runs" not in server.requests[-1].query
