"""Random and adversarial cell text and magic options end as a result or one clear message, and an invalid
document is never sent."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ion_magic.errors import IonError
from ion_magic.pipeline import QueryOptions, prepare

from ..ion_like_schema import ION_LIKE

GRAPHQL_BITS = st.sampled_from(
    [
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ":",
        "$",
        "...",
        "@",
        '"',
        '"""',
        "#",
        "!",
        "=",
        "query",
        "mutation",
        "fragment",
        "on",
        "runs",
        "edges",
        "node",
        "id",
        "title",
        "first:",
        "after:",
        "filters:",
        "status",
        "TODO",
        "1",
        "\n",
        " ",
        "\x00",
        "é",
        "\U0001f600",
        "\\u0000",
    ]
)
CELL_TEXT = st.one_of(st.text(max_size=300), st.lists(GRAPHQL_BITS, max_size=80).map("".join))


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    CELL_TEXT,
    st.dictionaries(
        st.sampled_from(["id", "first", "wanted"]), st.one_of(st.integers(), st.text(max_size=5), st.none()), max_size=3
    ),
)
def test_prepare_gives_a_plan_or_one_clear_error(text, namespace):
    try:
        plan = prepare(text, ION_LIKE, namespace, QueryOptions())
    except IonError as error:
        assert str(error).strip()
        return
    from graphql import parse, validate

    for root in plan.roots:  # what would be sent is valid
        assert validate(ION_LIKE, parse(root.document)) == []


@pytest.mark.parametrize(
    "text",
    [
        "{" * 10_000 + "}" * 10_000,
        "{ runs { edges { node { " + "part { " * 3000 + "id" + " }" * 3000 + " } } } }",
        "# " + "x" * 1_000_000,
        "\x00\x01\x02 binary \xff\xfe",
        '{ runs(filters: "' + "a" * 500_000 + '") { edges { node { id } } } }',
    ],
)
def test_adversarial_cells(text):
    with pytest.raises(IonError):
        prepare(text, ION_LIKE, {}, QueryOptions())


def test_a_megabyte_cell_that_is_valid_is_planned():
    plan = prepare("{ runs { edges { node { id } } } }" + " " * 1_000_000, ION_LIKE, {}, QueryOptions())
    assert plan.roots[0].paging.follow
