"""Issue 11's resume rule as a property: cut a pull anywhere with `max_rows`, resume from the cursor it
reports, and the pieces put together are one full pull, row for row: no gap, no repeat, whatever the page
size, the `first` written in the cell, `explode` (an exploded node's rows are never split by a cut) and the
pages in flight. Against the embedded sandbox, through the Python API."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .server import pairs, query

# Runs with their steps: exploding `steps` gives several rows per node, and nodes without steps keep one.
CELL = "{ runs%s { edges { node { id title steps { id } } } } }"


def key_columns(explode: bool) -> tuple[str, ...]:
    return ("id", "steps.id") if explode else ("id", "title")


@pytest.fixture(scope="module")
def full_pulls(api):
    """One full pull per (first written in the cell, explode), made once with the default page size."""
    pulls: dict[tuple[int | None, bool], list[tuple[str | None, ...]]] = {}

    def full(first: int | None, explode: bool) -> list[tuple[str | None, ...]]:
        if (first, explode) not in pulls:
            frame = query(
                api, CELL % (f"(first: {first})" if first else ""), all=True, explode="steps" if explode else None
            )
            assert frame.attrs["ion"]["complete"] is True
            pulls[first, explode] = pairs(frame, *key_columns(explode))
        return pulls[first, explode]

    return full


@pytest.mark.timeout(240)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    page_size=st.integers(3, 60),
    first=st.none() | st.integers(2, 40),
    explode=st.booleans(),
    cuts=st.lists(st.integers(1, 30), min_size=1, max_size=3),
    concurrency=st.sampled_from([1, 4]),
)
def test_cut_pieces_resumed_in_turn_make_one_full_pull(api, full_pulls, page_size, first, explode, cuts, concurrency):
    cell = CELL % (f"(first: {first})" if first else "")
    options = {"all": True, "page_size": page_size, "explode": "steps" if explode else None, "concurrency": concurrency}
    pieces: list[tuple[str | None, ...]] = []
    after = None
    for max_rows in [*cuts, None]:  # each cut resumes where the previous one stopped; the last takes the rest
        frame = query(api, cell, after=after, max_rows=max_rows, **options)
        pieces += pairs(frame, *key_columns(explode))
        ion = frame.attrs["ion"]
        if ion["stopped"] is None:
            assert ion["resume"] is None
            break
        assert max_rows is not None, f"the uncut pull stopped: {ion['stopped']}"
        assert ion["stopped"]["reason"] == "max_rows"
        assert ion["complete"] is False
        assert ion["resume"] is not None
        after = ion["resume"]
    assert pieces == full_pulls(first, explode)
