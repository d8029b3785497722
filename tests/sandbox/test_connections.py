"""Relay connections as ION serves them: offset cursors, first/after/last/before, pageInfo with totalCount
and count, filters and sorts that agree with plain SQL over the same store, and clear errors."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ion_magic.sandbox.api import SandboxAPI
from ion_magic.sandbox.limits import MAX_DEPTH
from ion_magic.sandbox.seed import seed
from ion_magic.sandbox.store import Store

from .results import data, error


def ids(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[int]:
    return [row["id"] for row in store.sql(sql, params)]


PAGE = """query ($first: Int, $after: String, $last: Int, $before: String, $filters: PartInventoriesInputFilters,
                 $sort: [PartInventorySortEnum]) {
  partInventories(first: $first, after: $after, last: $last, before: $before, filters: $filters, sort: $sort) {
    edges { cursor node { id } }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage totalCount count } } }"""


def page(execute, **variables: Any) -> dict[str, Any]:
    return data(execute(PAGE, variables))["partInventories"]


def walk_forward(execute, size: int | None, **variables: Any) -> tuple[list[int], list[dict[str, Any]]]:
    seen: list[int] = []
    infos: list[dict[str, Any]] = []
    after = None
    while True:
        current = page(execute, first=size, after=after, **variables)
        seen += [edge["node"]["id"] for edge in current["edges"]]
        infos.append(current["pageInfo"])
        if not current["pageInfo"]["hasNextPage"]:
            return seen, infos
        after = current["pageInfo"]["endCursor"]


@pytest.mark.parametrize("size", [1, 7, 100, None])
def test_walking_forward_returns_every_row_once_in_order(execute, store, size):
    expected = ids(store, "SELECT id FROM part_inventories ORDER BY id")
    seen, infos = walk_forward(execute, size)
    assert seen == expected
    assert {info["totalCount"] for info in infos} == {len(expected)}
    assert sum(info["count"] for info in infos) == len(expected)
    if size is not None:
        assert len(infos) == -(-len(expected) // size)
        assert all(info["count"] == size for info in infos[:-1])


def test_walking_backward_with_last_and_before(execute, store):
    expected = ids(store, "SELECT id FROM part_inventories ORDER BY id")
    seen: list[int] = []
    before = None
    while True:
        current = page(execute, last=7, before=before)
        seen = [edge["node"]["id"] for edge in current["edges"]] + seen
        assert current["pageInfo"]["hasNextPage"] is False  # only computed when paging with first
        if not current["pageInfo"]["hasPreviousPage"]:
            break
        before = current["pageInfo"]["startCursor"]
    assert seen == expected


def test_cursors_are_graphql_relay_offsets(execute):
    first = page(execute, first=5)
    offsets = [base64.b64decode(edge["cursor"]).decode() for edge in first["edges"]]
    assert offsets == [f"arrayconnection:{offset}" for offset in range(5)]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    # ION's own example cursor (offset 19) continues at offset 20.
    after_19 = page(execute, first=2, after=base64.b64encode(b"arrayconnection:19").decode())
    assert base64.b64decode(after_19["edges"][0]["cursor"]).decode() == "arrayconnection:20"


def cursor(offset: int) -> str:
    return base64.b64encode(f"arrayconnection:{offset}".encode()).decode()


@settings(max_examples=60, deadline=None)
@given(
    first=st.one_of(st.none(), st.integers(0, 40)),
    after=st.one_of(st.none(), st.integers(0, 60)),
    last=st.one_of(st.none(), st.integers(0, 40)),
    before=st.one_of(st.none(), st.integers(0, 60)),
)
def test_any_page_is_a_contiguous_window_of_the_filtered_rows(execute, store, first, after, last, before):
    """Relay's cursor rules: rows strictly after `after` and before `before`, the first `first` of them,
    then the last `last` of those; each edge's cursor is its offset in the full ordering."""
    filters = {"partId": {"lt": 60}}
    expected = ids(store, "SELECT id FROM part_inventories WHERE partId < 60 ORDER BY id")
    window = list(range(len(expected)))
    if after is not None:
        window = [offset for offset in window if offset > after]
    if before is not None:
        window = [offset for offset in window if offset < before]
    if first is not None:
        window = window[:first]
    if last is not None:
        window = window[max(len(window) - last, 0) :]
    result = page(
        execute,
        filters=filters,
        first=first,
        last=last,
        after=None if after is None else cursor(after),
        before=None if before is None else cursor(before),
    )
    assert [edge["node"]["id"] for edge in result["edges"]] == [expected[offset] for offset in window]
    assert [edge["cursor"] for edge in result["edges"]] == [cursor(offset) for offset in window]
    assert result["pageInfo"]["count"] == len(window)
    assert result["pageInfo"]["totalCount"] == len(expected)
    if first is not None and before is None and last is None:
        beyond = (after + 1 if after is not None else 0) + first
        assert result["pageInfo"]["hasNextPage"] == (beyond < len(expected))
    if last is not None and after is None and first is None:
        upto = min(before, len(expected)) if before is not None else len(expected)
        assert result["pageInfo"]["hasPreviousPage"] == (upto - last > 0)


@pytest.mark.parametrize(
    ("filters", "where", "params"),
    [
        ({"locationId": {"eq": 301}, "status": {"neq": "INSTALLED"}}, "locationId = 301 AND status != 'INSTALLED'", ()),
        ({"status": {"in": ["KITTED", "WIP"]}}, "status IN ('KITTED', 'WIP')", ()),
        ({"status": {"notIn": ["AVAILABLE", "INSTALLED"]}}, "status NOT IN ('AVAILABLE', 'INSTALLED')", ()),
        ({"id": {"in": ["3", 5, 8]}}, "id IN (3, 5, 8)", ()),
        ({"quantity": {"gt": 10, "lte": 100}}, "quantity > 10 AND quantity <= 100", ()),
        ({"serialNumber": {"contains": "sn00"}}, "serialNumber LIKE '%SN00%'", ()),
        ({"lotNumber": {"isNull": False}, "installed": {"eq": False}}, "lotNumber IS NOT NULL AND installed = 0", ()),
        ({"receivedDate": {"lt": "2024-06-01T00:00:00Z"}}, "receivedDate < ?", ("2024-06-01T00:00:00+00:00",)),
        ({"purchaseOrderLineId": {"eq": None}}, "purchaseOrderLineId IS NULL", ()),
    ],
)
def test_filters_agree_with_sql(execute, store, filters, where, params):
    expected = ids(store, f"SELECT id FROM part_inventories WHERE {where} ORDER BY id", params)
    assert expected, "the seed should hold rows for every filter tested"
    seen, infos = walk_forward(execute, 50, filters=filters)
    assert seen == expected
    assert infos[0]["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("sort", "order_by"),
    [
        (["QUANTITY_DESC"], "quantity DESC, id ASC"),
        (["STATUS_ASC", "CREATED_AT_DESC"], "status ASC, createdAt DESC, id ASC"),
        (["LOCATION_ID_ASC", "ID_DESC"], "locationId ASC, id DESC"),
        (["ID_DESC"], "id DESC"),
    ],
)
def test_sorts_agree_with_sql(execute, store, sort, order_by):
    expected = ids(store, f"SELECT id FROM part_inventories ORDER BY {order_by}")
    seen, _ = walk_forward(execute, 64, sort=sort)
    assert seen == expected


@pytest.mark.slow
def test_every_root_connection_filters_and_sorts_on_its_own_columns(execute, api):
    """Each filter field and sort value of each root connection runs (and names a real column)."""
    query_type = api.schema.query_type
    for name, field in query_type.fields.items():
        if "filters" not in field.args:
            continue
        sort_type = field.args["sort"].type.of_type
        for value in sort_type.values:
            result = execute(f"{{ {name}(first: 2, sort: [{value}]) {{ pageInfo {{ count }} }} }}")
            assert "errors" not in result, (name, value, result)
        filter_type = field.args["filters"].type
        for column in filter_type.fields:
            result = execute(
                f"{{ {name}(first: 2, filters: {{{column}: {{isNull: true}}}}) {{ pageInfo {{ totalCount }} }} }}"
            )
            assert "errors" not in result, (name, column, result)


def test_nested_connections_page_too(execute, store):
    expected = ids(store, 'SELECT id FROM datagrid_columns WHERE stepId = 1 ORDER BY "index", id')
    first = data(
        execute(
            "{ step(id: 1) { datagridColumns(first: 2) { edges { node { id } } "
            "pageInfo { endCursor hasNextPage totalCount } } } }"
        )
    )["step"]["datagridColumns"]
    rest = data(
        execute(
            "query ($after: String) { step(id: 1) { datagridColumns(after: $after) { edges { node { id } } } } }",
            {"after": first["pageInfo"]["endCursor"]},
        )
    )["step"]["datagridColumns"]
    assert [edge["node"]["id"] for edge in first["edges"] + rest["edges"]] == expected
    assert first["pageInfo"]["hasNextPage"] is True and first["pageInfo"]["totalCount"] == len(expected)


def test_unpaginated_rows_are_counted_for_the_gateway_fault(api, store):
    _, paged = api.execute("{ partInventories(first: 10) { edges { node { id } } } }")
    assert paged.unpaginated_rows == 0
    _, everything = api.execute("{ partInventories { edges { node { id } } } locations { edges { node { id } } } }")
    assert everything.unpaginated_rows == (
        store.scalar("SELECT COUNT(*) FROM part_inventories") + store.scalar("SELECT COUNT(*) FROM locations")
    )


def test_nested_rows_are_batched(api, store):
    """A page of 100 inventories with their parts and locations reads a handful of statements, not 200."""
    statements: list[str] = []
    store.connection.set_trace_callback(statements.append)
    try:
        result, _ = api.execute(
            "{ partInventories(first: 100) { edges { node { id part { partNumber "
            "unitOfMeasure { type } } location { name } } } } }"
        )
    finally:
        store.connection.set_trace_callback(None)
    assert "errors" not in result
    assert len(statements) <= 5, statements


def test_a_bad_cursor_is_a_clear_error(execute):
    message = error(execute('{ parts(first: 2, after: "not-a-cursor") { edges { node { id } } } }'))
    assert "Invalid cursor 'not-a-cursor' for 'after'" in message and "endCursor" in message
    message = error(
        execute(
            f'{{ parts(last: 2, before: "{base64.b64encode(b"offset:3").decode()}") {{ edges {{ node {{ id }} }} }} }}'
        )
    )
    assert "Invalid cursor" in message and "'before'" in message


def test_negative_page_sizes_are_refused(execute):
    assert "non-negative" in error(execute("{ parts(first: -1) { edges { node { id } } } }"))


def test_an_id_filter_needs_integer_ids(execute):
    message = error(execute('{ parts(filters: {id: {eq: "abc"}}) { edges { node { id } } } }'))
    assert "'abc' is not a valid id" in message


def test_a_too_deep_query_is_refused_before_it_runs(execute):
    nested = "id " + "parent { id " * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1)
    result = execute(f"{{ location(id: 301) {{ {nested} }} }}")
    assert "data" not in result
    assert f"at most {MAX_DEPTH}" in error(result) and "nested" in error(result)


def test_a_query_selecting_too_many_fields_is_refused(execute):
    fragment_bomb = "fragment A on Part { id partNumber description revision trackingType }\n"
    for level in range(12):
        fragment_bomb += (
            f"fragment F{level} on Part {{ ...{'A' if level == 0 else f'F{level - 1}'} "
            f"...{'A' if level == 0 else f'F{level - 1}'} }}\n"
        )
    result = execute("{ part(id: 1) { ...F11 } }\n" + fragment_bomb)
    assert "fields" in error(result) and "at most" in error(result)


def test_introspection_is_not_limited_by_depth(api, execute):
    from graphql import get_introspection_query

    result = execute(get_introspection_query(descriptions=True))
    assert "errors" not in result
    assert result["data"]["__schema"]["queryType"]["name"] == "Query"


def test_operation_names_choose_the_operation(execute):
    document = "query A { run(id: 372) { id } } query B { run(id: 419) { id } }"
    assert data(execute(document, operation_name="B"))["run"]["id"] == 419
    assert "Unknown operation named 'C'" in error(execute(document, operation_name="C"))
    assert "operation name" in error(execute(document))


@pytest.mark.parametrize(
    ("query", "variables", "fragment"),
    [
        ("", None, "no GraphQL query"),
        ("{ runs { edges ", None, "Syntax Error"),
        ("{ nosuchfield }", None, "Cannot query field 'nosuchfield'"),
        ("query ($id: ID!) { run(id: $id) { id } }", {}, "$id"),
        ("{ run(id: 1) { id } }", ["not", "an", "object"], "'variables' must be a JSON object"),
    ],
)
def test_bad_requests_come_back_as_errors(api, query, variables, fragment):
    result, _ = api.execute(query, variables)  # type: ignore[arg-type]
    assert fragment in error(result)


def test_pages_after_a_change_follow_offsets_of_the_new_data():
    """Offset cursors shift when rows before them go away; fast paging must not hide that."""
    store = Store.open()
    seed(store)
    api = SandboxAPI(store)
    query = (
        "query ($after: String) { locations(first: 3, after: $after) { edges { node { id } } pageInfo { endCursor } } }"
    )
    try:
        first, _ = api.execute(query, {"after": None})
        end_cursor = first["data"]["locations"]["pageInfo"]["endCursor"]
        second, _ = api.execute(query, {"after": end_cursor})
        assert [edge["node"]["id"] for edge in second["data"]["locations"]["edges"]] == ids(
            store, "SELECT id FROM locations ORDER BY id LIMIT 3 OFFSET 3"
        )
        empty = data(api.execute('mutation { createLocation(input: {name: "Bin 0"}) { location { id _etag } } }')[0])
        deleted = empty["createLocation"]["location"]
        data(
            api.execute(
                "mutation ($id: ID!, $etag: String!) { deleteLocation(id: $id, etag: $etag) { id } }",
                {"id": deleted["id"], "etag": deleted["_etag"]},
            )[0]
        )
        first_id = store.sql("SELECT id FROM locations ORDER BY id LIMIT 1")[0]["id"]
        store.execute("UPDATE part_inventories SET locationId = NULL WHERE locationId = ?", (first_id,))
        store.execute("UPDATE steps SET locationId = NULL WHERE locationId = ?", (first_id,))
        store.execute("UPDATE locations SET parentId = NULL WHERE parentId = ?", (first_id,))
        store.execute("DELETE FROM locations WHERE id = ?", (first_id,))
        again, _ = api.execute(query, {"after": end_cursor})
        assert [edge["node"]["id"] for edge in again["data"]["locations"]["edges"]] == ids(
            store, "SELECT id FROM locations ORDER BY id LIMIT 3 OFFSET 3"
        )
    finally:
        store.close()


@pytest.mark.parametrize(
    ("root", "single", "type_name", "selection"),
    [
        (
            "partInventories",
            "partInventory",
            "PartInventory",
            "status part { partNumber unitOfMeasure { type } } location { name } buildRequirements { id } "
            "abomItems { id }",
        ),
        ("procedures", "procedure", "Procedure", "labels attributes { key value } steps { id upstreamStepIds }"),
        ("runs", "run", "Run", "status attributes { Etag key } labels { value } partInventory { serialNumber }"),
        ("steps", "step", "Step", "title assets { filename } parent { id } datagridColumns { edges { node { id } } }"),
        ("issues", "issue", "Issue", "attributes { Etag key value } assignedTo { name } run { title }"),
        ("suppliers", "supplier", "Supplier", "name Attributes { key type }"),
        ("purchaseOrders", "purchaseOrder", "PurchaseOrder", "estimatedTotalCost approvals { reviewer { name } }"),
        ("users", "user", "User", "email roles { name } permissionGroups { name } teams { name }"),
        ("teams", "team", "Team", "supervisor { name } users { email }"),
    ],
)
def test_connection_nodes_equal_the_same_objects_read_one_by_one(execute, root, single, type_name, selection):
    """Pages read only the columns a query needs; nested and computed fields must not notice."""
    fragment = f"fragment Picked on {type_name} {{ id {selection} }}"
    nodes = [
        edge["node"]
        for edge in data(execute(f"{{ {root}(first: 12) {{ edges {{ node {{ ...Picked }} }} }} }} {fragment}"))[root][
            "edges"
        ]
    ]
    assert nodes
    for node in nodes:
        alone = data(
            execute(f"query ($id: ID!) {{ {single}(id: $id) {{ ...Picked }} }} {fragment}", {"id": node["id"]})
        )[single]
        assert node == alone
