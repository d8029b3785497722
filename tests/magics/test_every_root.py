"""For every connection root the sandbox serves, the paged frame equals one unpaginated request, row for row
(sequential and parallel paging alike)."""

from __future__ import annotations

import pandas as pd
import pytest
from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLScalarType, get_named_type, parse

from ion_magic.frame_plan import plan_frame
from ion_magic.frames import build_frame
from ion_magic.session import IonSession


def leaves(node_type: GraphQLObjectType) -> list[str]:
    return [
        name
        for name, field in node_type.fields.items()
        if isinstance(get_named_type(field.type), GraphQLScalarType | GraphQLEnumType)
        and not any(str(arg.type).endswith("!") for arg in field.args.values())
    ]


def connection_roots(schema) -> dict[str, GraphQLObjectType]:
    roots = {}
    for name, field in schema.query_type.fields.items():
        connection = get_named_type(field.type)
        required = [arg for arg in field.args.values() if str(arg.type).endswith("!")]
        if isinstance(connection, GraphQLObjectType) and "edges" in connection.fields and not required:
            edge = get_named_type(connection.fields["edges"].type)
            roots[name] = get_named_type(edge.fields["node"].type)
    return roots


@pytest.mark.slow
def test_every_connection_root_paged_equals_one_unpaginated_request(sandbox):
    session = IonSession("custom", sandbox.api_url, sandbox.auth_url, sandbox.client_id, sandbox.client_secret)
    session.login()
    roots = connection_roots(session.schema)
    assert len(roots) >= 20
    compared = 0
    for root, node_type in roots.items():
        query = f"{{ {root} {{ edges {{ node {{ {' '.join(leaves(node_type))} }} }} }} }}"
        whole = session.query(query, raw=True)[root]
        selection = (
            parse(query)
            .definitions[0]
            .selection_set.selections[0]
            .selection_set.selections[0]
            .selection_set.selections[0]
            .selection_set
        )
        expected = build_frame([edge["node"] for edge in whole["edges"]], plan_frame(selection, node_type, {}))
        for concurrency in (1, 4):
            paged = session.query(query, page_size=7, concurrency=concurrency, progress=False)
            pd.testing.assert_frame_equal(paged, expected, obj=f"{root} (concurrency {concurrency})")
        compared += len(expected)
    assert compared > 500
