"""Pulls and writes through the sandbox's fault injection, over loopback: the same frame as on a perfect
network, and never a write done twice."""

from __future__ import annotations

import pandas as pd
import pytest

from ion_magic.errors import IncompleteResultError, TransportError
from ion_magic.sandbox import Faults, start_sandbox
from ion_magic.session import IonSession

PULL = """{ partInventories { edges { node {
    id status quantity serialNumber lotNumber createdAt part { id partNumber revision trackingType }
} } } }"""


def session_for(sandbox, **options) -> IonSession:
    session = IonSession(
        "custom", sandbox.api_url, sandbox.auth_url, sandbox.client_id, sandbox.client_secret, **options
    )
    session.login()
    return session


@pytest.fixture(scope="module")
def big_sandbox():
    with start_sandbox(scale=40) as running:  # 500 part inventories per unit of scale
        yield running


@pytest.mark.slow
def test_pull_under_faults_equals_clean_pull(big_sandbox):
    clean = session_for(big_sandbox).query(PULL, page_size=100, progress=False)
    assert len(clean) >= 20_000

    big_sandbox.faults = Faults(
        rate_429=0.04,
        rate_503=0.04,
        rate_502=0.02,
        rate_504=0.02,
        rate_drop=0.04,
        latency_ms=5,
        retry_after=1,
        seed=7,
        graphql_only=True,
    )
    big_sandbox.token_lifetime = 2  # every token expires within a few pages
    try:
        faulty_session = session_for(big_sandbox, max_tries=8)
        faulty = faulty_session.query(PULL, page_size=100, progress=False)
    finally:
        big_sandbox.faults = Faults()
        big_sandbox.token_lifetime = 300

    pd.testing.assert_frame_equal(faulty, clean)  # every row, every column, every dtype
    met = faulty_session.transport.faults_met
    injected = big_sandbox.fault_counts
    print(f"rows compared: {len(clean)}; faults injected: {injected}; faults met by the client: {dict(met)}")
    for kind in ("429", "502", "503", "504"):
        assert met[kind] == injected.get(kind, 0) > 0
    assert sum(met[name] for name in ("RemoteProtocolError", "ReadError")) == injected.get("drop", 0) > 0
    assert faulty.attrs["ion"]["complete"] is True


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["rate_503", "rate_drop"])
def test_mutation_met_by_a_fault_runs_at_most_once_and_says_so(fault):
    with start_sandbox() as sandbox:
        session = session_for(sandbox)
        before = sandbox.store.scalar("SELECT COUNT(*) FROM locations")
        sandbox.faults = Faults(**{fault: 1.0}, target="mutations")
        with pytest.raises(TransportError) as caught:
            session.query(
                'mutation { createLocation(input: {name: "Bay 9"}) { location { id } } }',
                allow_mutation=True,
                progress=False,
            )
        sandbox.faults = Faults()
        after = sandbox.store.scalar("SELECT COUNT(*) FROM locations")
        assert after - before <= 1
        assert caught.value.write_uncertain
        assert "may or may not have been applied" in str(caught.value) and "not retried" in str(caught.value)
        assert sandbox.fault_counts[{"rate_503": "503", "rate_drop": "drop"}[fault]] == 1  # sent exactly once


def test_fault_outlasting_the_retries_keeps_the_rows_already_received(big_sandbox):
    session = session_for(big_sandbox, max_tries=1)
    big_sandbox.faults = Faults(rate_503=1.0, fail_every=5, graphql_only=True)  # every 5th request fails
    try:
        with pytest.raises(IncompleteResultError) as caught:  # never a partial frame returned silently
            session.query("{ runs { edges { node { id } } } }", page_size=3, progress=False)
    finally:
        big_sandbox.faults = Faults()
    partial = caught.value.value  # the rows already received are carried, not dropped
    meta = partial.attrs["ion"]
    assert meta["complete"] is False and meta["stopped"]["reason"] == "failed" and len(partial) > 0
    assert caught.value.resume == {"runs": meta["resume"]} and "503" in caught.value.reasons["runs"]
    rest = session.query("{ runs { edges { node { id } } } }", page_size=3, after=meta["resume"], progress=False)
    whole = session.query("{ runs { edges { node { id } } } }", progress=False)
    assert partial["id"].tolist() + rest["id"].tolist() == whole["id"].tolist()
