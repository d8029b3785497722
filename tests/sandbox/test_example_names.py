"""The names First Resonance's public example scripts look up exist in the seed, at every scale, and their
write flows (a user onto a team, a permission group onto a role) work on them."""

from __future__ import annotations

import pytest

from ion_magic.sandbox import start_sandbox
from ion_magic.sandbox.seed_catalog import EXAMPLE_USERS

from .results import data

ONE_BY_NAME = (
    "query($filters: {type}InputFilters) {{ {root}(filters: $filters) {{ edges {{ node {{ id {field} }} }} }} }}"
)


def lookup(gql, root: str, type_name: str, field: str, value: str) -> list[dict]:
    query = ONE_BY_NAME.format(type=type_name, root=root, field=field)
    edges = data(gql(query, {"filters": {field: {"eq": value}}}))[root]["edges"]
    return [edge["node"] for edge in edges]


@pytest.mark.parametrize(
    ("root", "type_name", "field", "value"),
    [
        ("teams", "Teams", "name", "Operations"),
        ("roles", "Roles", "name", "Master scheduler"),
        ("permissionGroups", "PermissionGroups", "name", "CreateMRPJob"),
        ("permissionGroups", "PermissionGroups", "name", "UpdateMRPJob"),
        *[("users", "User", "email", email) for _name, email in EXAMPLE_USERS],
    ],
)
def test_each_name_the_examples_look_up_is_found_once(gql, root, type_name, field, value):
    assert len(lookup(gql, root, type_name, field, value)) == 1


def test_location_301_holds_inventory_that_is_not_installed(gql):
    query = """query($filters: PartInventoriesInputFilters) {
      partInventories(filters: $filters) { edges { node { id quantity part { partNumber } } } } }"""
    filters = {"locationId": {"eq": 301}, "status": {"neq": "INSTALLED"}}
    assert data(gql(query, {"filters": filters}))["partInventories"]["edges"]


def test_the_examples_write_flows_work_on_the_seeded_names(gql_for):
    with start_sandbox(scale=2) as running:
        gql = gql_for(running)
        (team,) = lookup(gql, "teams", "Teams", "name", "Operations")
        (user,) = lookup(gql, "users", "User", "email", EXAMPLE_USERS[0][1])
        added = gql(
            "mutation($input: TeamToUserInput!) { addUserToTeam(input: $input) { teamId userId } }",
            {"input": {"teamId": team["id"], "userId": user["id"]}},
        )
        assert data(added)["addUserToTeam"] == {"teamId": team["id"], "userId": user["id"]}
        members = data(gql("query($id: ID!) { team(id: $id) { users { id } } }", {"id": team["id"]}))
        assert user["id"] in {member["id"] for member in members["team"]["users"]}
        (role,) = lookup(gql, "roles", "Roles", "name", "Master scheduler")
        (group,) = lookup(gql, "permissionGroups", "PermissionGroups", "name", "CreateMRPJob")
        attached = gql(
            "mutation($input: PermissionGroupToRoleInput!) { attachPermissionGroupToRole(input: $input) "
            "{ role { id permissionGroups { name } } } }",
            {"input": {"roleId": role["id"], "permissionGroupId": group["id"]}},
        )
        groups = data(attached)["attachPermissionGroupToRole"]["role"]["permissionGroups"]
        assert "CreateMRPJob" in {granted["name"] for granted in groups}
