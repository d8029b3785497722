"""Sandbox throughput: rows per second of a paged `partInventories` pull over loopback HTTP, next to the
framework's floor (graphql-core executing the same selection over an in-memory list of dicts), and the time
to seed a factory of that size.

    .venv/bin/python benchmarks/sandbox.py            # 100,000 rows, pages of 100, median of 3
    .venv/bin/python benchmarks/sandbox.py --quick    # 10,000 rows, median of 2

Prints `name: value` lines. Goal: sandbox_to_floor_ratio >= 0.5. For attribution it also times the sandbox's
GraphQL engine called in-process (no HTTP).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
from graphql import build_schema, execute_sync, parse, validate

from ion_magic.cursors import decode_offset, encode_offset
from ion_magic.sandbox import start_sandbox
from ion_magic.sandbox.api import SandboxAPI
from ion_magic.sandbox.seed import seed
from ion_magic.sandbox.store import Store

# Ten fields, one of them the nested part.
QUERY = """
query Inventories($first: Int, $after: String) {
  partInventories(first: $first, after: $after) {
    edges { node {
      id _etag serialNumber lotNumber quantity status locationId createdAt
      part { partNumber revision }
    } }
    pageInfo { endCursor hasNextPage }
  }
}
"""

# The same shape; ids are Int because ION (and the sandbox) answer ids as JSON integers.
FLOOR_SCHEMA = build_schema(
    """
    scalar DateTime
    enum PartInventoryStatus { AVAILABLE UNAVAILABLE INSTALLED SCRAPPED KITTED WIP ON_ORDER }
    type Part { partNumber: String revision: String }
    type PartInventory {
      id: Int! _etag: String! serialNumber: String lotNumber: String quantity: Float
      status: PartInventoryStatus locationId: Int createdAt: DateTime part: Part
    }
    type PartInventoryEdge { cursor: String node: PartInventory }
    type PageInfo { endCursor: String hasNextPage: Boolean! }
    type PartInventoryConnection { edges: [PartInventoryEdge] pageInfo: PageInfo! }
    type Query { partInventories(first: Int, after: String): PartInventoryConnection }
    """
)


def _offset_after(cursor: str | None) -> int:
    if not cursor:
        return 0
    offset = decode_offset(cursor)
    if offset is None:
        raise ValueError(f"not an offset cursor: {cursor!r}")
    return offset + 1


def pull_pages(post: Callable[[dict[str, Any]], dict[str, Any]], rows: int, page_size: int) -> list[dict]:
    """Follow endCursor page by page until `rows` nodes are in hand (or the list ends)."""
    nodes: list[dict] = []
    after = None
    while len(nodes) < rows:
        result = post({"first": min(page_size, rows - len(nodes)), "after": after})
        assert "errors" not in result, result.get("errors")
        connection = result["data"]["partInventories"]
        nodes.extend(edge["node"] for edge in connection["edges"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    return nodes


def floor_post(inventories: list[dict]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The same request served by graphql-core alone from a list in memory, parsed and validated once."""

    def part_inventories(_info: Any, first: int, after: str | None = None) -> dict:
        start = _offset_after(after)
        page = inventories[start : start + first]
        edges = [{"cursor": encode_offset(start + i), "node": node} for i, node in enumerate(page)]
        end = start + len(page)
        page_info = {"endCursor": encode_offset(end - 1), "hasNextPage": end < len(inventories)}
        return {"edges": edges, "pageInfo": page_info}

    root = {"partInventories": part_inventories}
    document = parse(QUERY)
    assert not validate(FLOOR_SCHEMA, document)

    def post(variables: dict[str, Any]) -> dict[str, Any]:
        return execute_sync(FLOOR_SCHEMA, document, root_value=root, variable_values=variables).formatted

    return post


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def inventories_at_scale_one() -> int:
    store = Store.open(":memory:")
    try:
        seed(store, scale=1)
        result, _ = SandboxAPI(store).execute("{ partInventories(first: 1) { pageInfo { totalCount } } }", None, None)
        return result["data"]["partInventories"]["pageInfo"]["totalCount"]
    finally:
        store.close()


def seed_seconds(scale: int) -> float:
    store = Store.open(":memory:")
    try:
        seconds, _ = timed(lambda: seed(store, scale=scale))
        return seconds
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 rows and 2 repetitions")
    parser.add_argument("--rows", type=int, default=None, help="rows to pull (default 100,000)")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 3)")
    args = parser.parse_args()
    rows = args.rows or (10_000 if args.quick else 100_000)
    repeat = args.repeat or (2 if args.quick else 3)

    per_scale = inventories_at_scale_one()
    scale = math.ceil(rows / per_scale)
    seed_times = [seed_seconds(scale) for _ in range(repeat)]

    with start_sandbox(scale=scale) as sandbox, httpx.Client(timeout=120) as client:
        token = client.post(
            sandbox.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": sandbox.client_id,
                "client_secret": sandbox.client_secret,
            },
        ).json()["access_token"]
        client.headers["Authorization"] = token

        def sandbox_post(variables: dict[str, Any]) -> dict[str, Any]:
            response = client.post(sandbox.graphql_url, json={"query": QUERY, "variables": variables})
            response.raise_for_status()
            return response.json()

        sandbox_runs = [timed(lambda: pull_pages(sandbox_post, rows, args.page_size)) for _ in range(repeat)]
        api = SandboxAPI(sandbox.store)

        def engine_post(variables: dict[str, Any]) -> dict[str, Any]:
            return api.execute(QUERY, variables)[0]

        engine_runs = [timed(lambda: pull_pages(engine_post, rows, args.page_size)) for _ in range(repeat)]

    inventories = sandbox_runs[-1][1]
    floor_runs = [timed(lambda: pull_pages(floor_post(inventories), rows, args.page_size)) for _ in range(repeat)]
    assert floor_runs[-1][1] == inventories, "the floor must serve exactly what the sandbox served"

    pulled = len(inventories)
    sandbox_rate = pulled / statistics.median(seconds for seconds, _ in sandbox_runs)
    floor_rate = pulled / statistics.median(seconds for seconds, _ in floor_runs)
    engine_rate = pulled / statistics.median(seconds for seconds, _ in engine_runs)
    print(f"rows_pulled: {pulled}")
    print(f"page_size: {args.page_size}")
    print(f"repetitions: {repeat}")
    print(f"seed_scale: {scale}")
    print(f"seed_inventories_per_scale: {per_scale}")
    print(f"seed_seconds: {statistics.median(seed_times):.2f}")
    print(f"sandbox_rows_per_second: {sandbox_rate:.0f}")
    print(f"sandbox_api_without_http_rows_per_second: {engine_rate:.0f}")
    print(f"graphql_core_floor_rows_per_second: {floor_rate:.0f}")
    print(f"http_share_of_sandbox_time: {1 - sandbox_rate / engine_rate:.2f}")
    print(f"sandbox_to_floor_ratio: {sandbox_rate / floor_rate:.2f}")
    print("sandbox_to_floor_goal: 0.50")


if __name__ == "__main__":
    main()
