"""Random magic option lines end as a result or one UsageError, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from IPython.core.error import UsageError


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                "--all",
                "--max-rows",
                "--page-size",
                "--after",
                "--explode",
                "--raw",
                "--dry-run",
                "--explain",
                "--allow-mutation",
                "-1",
                "0",
                "7",
                "x",
                "'",
                '"',
                "--",
                "-",
                "nope",
                "1var",
                "ok_var",
                "--max-rows=abc",
            ]
        ),
        max_size=6,
    ).map(" ".join)
)
def test_magic_options_end_as_result_or_usage_error(shell, line):
    try:
        shell.run_cell_magic("ion", line, "{ runs(first: 2) { edges { node { id } } } }")
    except UsageError as error:
        assert str(error).strip()
