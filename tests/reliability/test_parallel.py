"""Parallel paging against the sandbox with added latency: the same frame as sequential paging, row for
row; faults retried page by page; data that moves under the pull noticed and fetched again in order."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from graphql import build_schema, graphql_sync

from ion_magic.pipeline import QueryOptions, prepare, run
from ion_magic.sandbox import Faults, start_sandbox
from ion_magic.schema import INTROSPECTION_QUERY, schema_from_introspection
from ion_magic.session import IonSession

PULL = "{ locations { edges { node { id name } } } }"


@pytest.fixture
def sandbox():
    with start_sandbox() as running:
        yield running


def login(sandbox) -> IonSession:
    session = IonSession("custom", sandbox.api_url, sandbox.auth_url, sandbox.client_id, sandbox.client_secret)
    session.login()
    return session


def pull(session, send=None, **options):
    options = QueryOptions(**options)
    plan = prepare(PULL, session.schema, {}, options)
    send = send or (lambda document, variables: session.transport.execute(document, variables))
    return run(plan, send, options, endpoint=session.graphql_url)


def test_parallel_equals_sequential_under_latency_and_faults(sandbox):
    session = login(sandbox)
    sequential = pull(session, page_size=3, concurrency=1).value
    sandbox.faults = Faults(latency_ms=40, rate_503=0.15, seed=3, graphql_only=True)
    parallel = pull(session, page_size=3, concurrency=4)
    sandbox.faults = Faults()
    pd.testing.assert_frame_equal(parallel.value, sequential)
    assert parallel.results[0].concurrency == 4 and parallel.complete
    assert sandbox.fault_counts["503"] > 0 and session.transport.faults_met["503"] == sandbox.fault_counts["503"]


@pytest.mark.parametrize("change", ["insert", "delete"])
def test_rows_moving_during_the_pull_are_noticed_and_fetched_again_in_order(sandbox, change):
    session = login(sandbox)
    victim = session.query(
        'mutation { createLocation(input: {name: "Empty bay"}) { location { id _etag } } }',
        allow_mutation=True,
        progress=False,
    ).rename(columns=lambda name: name.split(".")[-1])
    victim = victim.iloc[0]
    calls = itertools.count()

    def send(document, variables):
        if next(calls) == 2:  # while the parallel pages are in flight
            if change == "insert":
                mutation = 'mutation { createLocation(input: {name: "Moved bay"}) { location { id } } }'
            else:
                mutation = f'mutation {{ deleteLocation(id: {victim["id"]}, etag: "{victim["_etag"]}") {{ id }} }}'
            assert "errors" not in session.transport.execute(mutation, is_mutation=True)
        return session.transport.execute(document, variables)

    sandbox.faults = Faults(latency_ms=30, graphql_only=True)
    outcome = pull(session, send, page_size=2, concurrency=4)
    sandbox.faults = Faults()
    frame = outcome.value
    assert "fetched again one page at a time" in outcome.problems()
    pd.testing.assert_frame_equal(frame, pull(session, page_size=2, concurrency=1).value)
    assert frame["id"].is_unique
    assert ("Moved bay" in set(frame["name"])) == (change == "insert")
    assert (victim["id"] in set(frame["id"])) == (change == "insert")


OPAQUE_SDL = """
type PageInfo { hasNextPage: Boolean! startCursor: String endCursor: String totalCount: Int }
type Item { id: Int! }
type ItemEdge { cursor: String! node: Item }
type ItemConnection { edges: [ItemEdge] pageInfo: PageInfo! }
type Query { items(first: Int, after: String): ItemConnection }
"""


def test_cursors_that_are_not_offsets_fall_back_to_sequential_paging():
    """A real GraphQL server (graphql-core, in process) whose cursors are opaque keys, not offsets."""
    schema = build_schema(OPAQUE_SDL)
    items = [{"id": n} for n in range(1, 24)]

    def resolve_items(_root, _info, first=None, after=None):
        start = 0 if after is None else int(after.removeprefix("key-")) + 1
        page = items[start : start + (first or len(items))]
        edges = [{"cursor": f"key-{start + i}", "node": node} for i, node in enumerate(page)]
        return {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": start + len(page) < len(items),
                "startCursor": edges[0]["cursor"] if edges else None,
                "endCursor": edges[-1]["cursor"] if edges else None,
                "totalCount": len(items),
            },
        }

    schema.query_type.fields["items"].resolve = resolve_items
    requests = []

    def send(document, variables):
        requests.append(variables)
        return graphql_sync(schema, document, variable_values=variables).formatted

    client_schema = schema_from_introspection(graphql_sync(schema, INTROSPECTION_QUERY).data)
    options = QueryOptions(page_size=5, concurrency=4)
    outcome = run(
        prepare("{ items { edges { node { id } } } }", client_schema, {}, options), send, options, endpoint="in-process"
    )
    assert outcome.value["id"].tolist() == list(range(1, 24))
    assert outcome.results[0].concurrency == 1 and len(requests) == 5
