"""Pulls to files (--out / out=), the result cache (--cache / cache=) and Arrow-backed frames, against the
sandbox over loopback: real files read back with pyarrow and DuckDB, a server whose requests are counted."""

from __future__ import annotations

import stat
import time

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from ion_magic.errors import IncompleteResultError, IonError
from ion_magic.sandbox import Faults, start_sandbox
from ion_magic.session import IonSession

# Every test here pulls from a sandbox of 3,000 part inventories, and several write and read back files.
pytestmark = pytest.mark.slow

PULL = "{ partInventories { edges { node { id status quantity serialNumber createdAt part { partNumber } } } } }"


@pytest.fixture(scope="module")
def big_sandbox():
    with start_sandbox(scale=6) as running:  # 3,000 part inventories
        yield running


@pytest.fixture
def session(big_sandbox, monkeypatch, tmp_path):
    monkeypatch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path / "cache"))
    session = IonSession(
        "custom",
        big_sandbox.api_url,
        big_sandbox.auth_url,
        big_sandbox.client_id,
        big_sandbox.client_secret,
        max_tries=1,
    )
    session.login()
    requests: list[str] = []
    session.transport._client.event_hooks["request"].append(lambda request: requests.append(str(request.url)))
    session.requests = requests  # the HTTP requests that really left the client
    yield session
    big_sandbox.faults = Faults()


def in_memory(session) -> pd.DataFrame:
    return session.query(PULL, page_size=200, progress=False)


@pytest.mark.parametrize("name", ["inventory.parquet", "inventory.csv", "inventory/"])
def test_out_writes_every_row_with_the_frames_dtypes(session, tmp_path, name):
    whole = in_memory(session)
    path = session.query(PULL, page_size=200, progress=False, out=f"{tmp_path}/{name}")
    assert path == str(tmp_path / name.rstrip("/"))
    if name.endswith(".csv"):
        back = pd.read_csv(path)
        assert back["id"].tolist() == whole["id"].tolist()
        assert back["serialNumber"].fillna("<NA>").tolist() == whole["serialNumber"].fillna("<NA>").tolist()
        return
    back = pq.read_table(path).to_pandas()
    pd.testing.assert_frame_equal(
        back, whole.reset_index(drop=True), check_like=False, check_dtype=True, obj="the Parquet output read back"
    )
    glob = f"{path}/*.parquet" if name.endswith("/") else path
    total, distinct = duckdb.sql(f"SELECT count(*), count(DISTINCT id) FROM read_parquet('{glob}')").fetchall()[0]
    assert total == distinct == len(whole)


def test_a_dataset_is_written_in_parts_that_read_as_one_table(session, tmp_path, monkeypatch):
    monkeypatch.setattr("ion_magic.output.CHUNK_ROWS", 700)
    whole = in_memory(session)
    path = session.query(PULL, page_size=200, progress=False, out=f"{tmp_path}/parts/")
    parts = sorted((tmp_path / "parts").glob("part-*.parquet"))
    assert len(parts) == -(-len(whole) // 800)  # a part once 700 rows are in: every 4 pages of 200
    total, distinct = duckdb.sql(
        f"SELECT count(*), count(DISTINCT id) FROM read_parquet('{path}/part-*.parquet')"
    ).fetchall()[0]
    assert total == distinct == len(whole)


def test_an_existing_output_is_never_overwritten_without_being_asked(session, tmp_path):
    target = tmp_path / "once.parquet"
    session.query(PULL, page_size=500, progress=False, out=str(target))
    before = target.read_bytes()
    sent = len(session.requests)
    with pytest.raises(IonError, match="exists"):
        session.query(PULL, page_size=500, progress=False, out=str(target))
    assert len(session.requests) == sent and target.read_bytes() == before  # nothing sent, nothing touched
    session.query(PULL, page_size=500, progress=False, out=str(target), overwrite=True)


@pytest.mark.parametrize("name", ["resumed.parquet", "resumed.csv", "resumed/"])
def test_a_failed_pull_leaves_exactly_the_rows_received_and_resume_completes_it(session, big_sandbox, tmp_path, name):
    whole = in_memory(session)
    target = f"{tmp_path}/{name}"
    big_sandbox.faults = Faults(rate_503=1.0, fail_every=6, graphql_only=True)  # the 6th request fails
    with pytest.raises(IncompleteResultError) as caught:
        session.query(PULL, page_size=200, progress=False, out=target)
    big_sandbox.faults = Faults()
    assert caught.value.value == target.rstrip("/")
    reader = pd.read_csv if name.endswith(".csv") else (lambda p: pq.read_table(p).to_pandas())
    partial = reader(target.rstrip("/"))
    assert 0 < len(partial) < len(whole)
    assert partial["id"].tolist() == whole["id"].tolist()[: len(partial)]  # exactly the rows received
    session.query(PULL, page_size=200, progress=False, out=target, resume=True)
    resumed = reader(target.rstrip("/"))
    assert resumed["id"].tolist() == whole["id"].tolist()  # no gap, no repeat
    with pytest.raises(IonError, match="another query"):
        session.query(PULL.replace("quantity", ""), page_size=200, progress=False, out=target, resume=True)


def test_cache_hit_sends_nothing_and_refresh_and_ttl_pull_again(session, big_sandbox, tmp_path):
    first = session.query(PULL, progress=False, cache="1h")
    sent = len(session.requests)
    again = session.query(PULL, progress=False, cache="1h")
    assert len(session.requests) == sent  # not one GraphQL request
    pd.testing.assert_frame_equal(again, first)
    assert again.attrs["ion"]["rows"] == len(first) and "cached_seconds_ago" in again.attrs["ion"]
    session.query(PULL, progress=False, cache="1h", refresh=True)
    assert len(session.requests) > sent
    sent = len(session.requests)
    time.sleep(1.1)
    session.query(PULL, progress=False, cache=1.0)  # older than a second: pulled again
    assert len(session.requests) > sent
    other = session.query(PULL.replace("quantity ", ""), progress=False, cache="1h")
    assert "quantity" not in other.columns  # another document is another entry
    for path in (tmp_path / "cache" / "results").rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            content = path.read_bytes()
            assert big_sandbox.client_secret.encode() not in content
            assert session.credentials.authorization().split()[-1].encode() not in content  # the token


def test_incomplete_results_and_mutations_are_never_cached(session, big_sandbox):
    big_sandbox.faults = Faults(rate_503=1.0, fail_every=3, graphql_only=True)
    with pytest.raises(IncompleteResultError):
        session.query(PULL, page_size=200, progress=False, cache="1h")
    big_sandbox.faults = Faults()
    sent = len(session.requests)
    complete = session.query(PULL, page_size=200, progress=False, cache="1h")
    assert len(session.requests) > sent and complete.attrs["ion"]["complete"]
    session.query(
        'mutation { createLocation(input: {name: "Cache bay"}) { location { id } } }',
        allow_mutation=True,
        progress=False,
        cache="1h",
    )
    sent = len(session.requests)
    session.query(
        'mutation { createLocation(input: {name: "Cache bay 2"}) { location { id } } }',
        allow_mutation=True,
        progress=False,
        cache="1h",
    )
    assert len(session.requests) == sent + 1


def test_arrow_backend_keeps_every_value_in_arrow_dtypes_and_explode_works(session):
    numpy = session.query(PULL, progress=False)
    arrow = session.query(PULL, progress=False, dtype_backend="pyarrow")
    assert all(isinstance(dtype, pd.ArrowDtype) for dtype in arrow.dtypes)
    assert arrow["id"].tolist() == numpy["id"].tolist()
    assert arrow["status"].astype(str).tolist() == numpy["status"].astype(str).tolist()
    steps = session.query(
        "{ runs(first: 3) { edges { node { id steps { id status } } } } }",
        progress=False,
        explode="steps",
        dtype_backend="pyarrow",
    )
    assert isinstance(steps["steps.id"].dtype, pd.ArrowDtype) and len(steps) >= 3
    with pytest.raises(IonError, match="dtype_backend"):
        session.query(PULL, progress=False, dtype_backend="arrow")
