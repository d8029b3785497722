"""Read-side resolvers, bound onto the schema built from schema.graphql.

Most binding follows conventions, so the SDL stays the source of truth:
- a Query field returning `<Type>Connection` pages over the type's table, with the field's own
  `filters` input and `sort` enum as the whitelist of columns;
- a Query field `x(id: ID!)` returning a table-backed type reads that row;
- an object field `part` on a type whose table has a `partId` column follows that foreign key.
Lists and computed fields are listed in `related_resolvers`. Scalar fields read the row dict directly
(graphql-core's default resolver), because columns are named like the fields; a connection page reads only
the columns its query selects (plus the keys nested fields join on). `bind_read_resolvers` refuses to start
if a field of a table-backed type would resolve to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionNode,
    get_named_type,
)

from ion_magic.sandbox.connections import ConnectionSpec, RowSource, resolve_connection
from ion_magic.sandbox.context import ME_USER_ID, RequestContext, Resolver, Row
from ion_magic.sandbox.loaders import children, object_by_key, related_rows, values_of
from ion_magic.sandbox.scalars import to_id
from ion_magic.sandbox.store import Store
from ion_magic.sandbox.type_tables import TABLE_OF_TYPE

_IDS = "IN (SELECT value FROM json_each(?))"


def _attributes(owner_type: str, extra: Any = None) -> Resolver:
    """Key/value attributes of a parent; `extra(parent)` adds fields such as the parent's `Etag`."""
    sql = (
        f"SELECT *, ownerId AS __parent FROM attributes WHERE ownerType = '{owner_type}' "
        f'AND ownerId {_IDS} ORDER BY "key"'
    )
    if extra is None:
        return related_rows(f"attributes.{owner_type}", sql)
    return related_rows(
        f"attributes.{owner_type}", sql, shape=lambda parent, rows: [{**row, **extra(parent)} for row in rows]
    )


def _labels_of_entity(name: str) -> Resolver:
    return related_rows(
        name,
        f"SELECT l.*, el.entityId AS __parent FROM labels l JOIN entity_labels el ON el.labelId = l.id "
        f"WHERE el.entityId {_IDS} ORDER BY l.id",
        parent_key="entityId",
    )


def _nested_connection(table: str, key: str, order: str) -> Resolver:
    def resolve(row: Row, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        source = RowSource(table, (f'"{key}" = ?',), (row["id"],), order)
        return resolve_connection(source, info.context, **args)

    return resolve


def _datagrid(row: Row, info: GraphQLResolveInfo) -> dict[str, Any]:
    context: RequestContext = info.context
    store = context.store
    columns = store.rows(
        "datagrid_columns", 'SELECT * FROM datagrid_columns WHERE stepId = ? ORDER BY "index", id', (row["id"],)
    )
    rows = store.rows(
        "datagrid_rows", 'SELECT * FROM datagrid_rows WHERE stepId = ? ORDER BY "index", id', (row["id"],)
    )
    return {"columns": context.remember(columns), "rows": context.remember(rows)}


def _ion_value(row: Row, info: GraphQLResolveInfo) -> Row | None:
    type_name, object_id = row.get("ionValueType"), row.get("ionValueId")
    if type_name not in TABLE_OF_TYPE or object_id is None:
        return None
    found = info.context.store.get(TABLE_OF_TYPE[type_name], object_id)
    return None if found is None else {**found, "__typename": type_name}


def related_resolvers() -> dict[str, Resolver]:
    """Resolvers of list and computed fields, keyed `Type.field`."""
    by_position = '"position", "id"'
    return {
        "User.roles": related_rows(
            "User.roles",
            f"SELECT r.*, ur.userId AS __parent FROM roles r JOIN user_roles ur ON ur.roleId = r.id "
            f"WHERE ur.userId {_IDS} ORDER BY r.id",
        ),
        "User.permissionGroups": related_rows(
            "User.permissionGroups",
            "SELECT DISTINCT pg.*, ur.userId AS __parent FROM permission_groups pg "
            "JOIN role_permission_groups rpg ON rpg.permissionGroupId = pg.id "
            f"JOIN user_roles ur ON ur.roleId = rpg.roleId WHERE ur.userId {_IDS} ORDER BY pg.id",
        ),
        "User.teams": related_rows(
            "User.teams",
            f"SELECT t.*, tu.userId AS __parent FROM teams t JOIN team_users tu ON tu.teamId = t.id "
            f"WHERE tu.userId {_IDS} ORDER BY t.id",
        ),
        "Team.roles": related_rows(
            "Team.roles",
            f"SELECT r.*, tr.teamId AS __parent FROM roles r JOIN team_roles tr ON tr.roleId = r.id "
            f"WHERE tr.teamId {_IDS} ORDER BY r.id",
        ),
        "Team.users": related_rows(
            "Team.users",
            f"SELECT u.*, tu.teamId AS __parent FROM users u JOIN team_users tu ON tu.userId = u.id "
            f"WHERE tu.teamId {_IDS} ORDER BY u.id",
        ),
        "Role.permissionGroups": related_rows(
            "Role.permissionGroups",
            "SELECT pg.*, rpg.roleId AS __parent FROM permission_groups pg "
            f"JOIN role_permission_groups rpg ON rpg.permissionGroupId = pg.id WHERE rpg.roleId {_IDS} "
            "ORDER BY pg.id",
        ),
        "Part.quantity": related_rows(
            "Part.quantity",
            f"SELECT partId AS __parent, SUM(quantity) AS total FROM part_inventories WHERE partId {_IDS} "
            "GROUP BY partId",
            shape=lambda _part, rows: rows[0]["total"] if rows else 0.0,
        ),
        "Part.fileAttachments": children("file_attachments", "entityId", parent_key="entityId"),
        "Part.attributes": _attributes("Part"),
        "Part.partInventories": children("part_inventories", "partId"),
        "Part.mbom": children("mbom_items", "parentId"),
        "PartInventory.abomItems": children("abom_items", "partInventoryId"),
        "PartInventory.abomChildren": related_rows(
            "PartInventory.abomChildren",
            "SELECT c.*, p.partInventoryId AS __parent FROM abom_items c JOIN abom_items p ON c.parentId = p.id "
            f"WHERE p.partInventoryId {_IDS} ORDER BY c.id",
        ),
        "PartInventory.buildRequirements": children("build_requirements", "partInventoryId"),
        "MBomItem.substitutes": children("mbom_substitutes", "mbomItemId", order='"priority", "id"'),
        "MBomItem.referenceDesignators": children("mbom_item_reference_designators", "mbomItemId"),
        "ABomItem.children": children("abom_items", "parentId"),
        "BuildRequirement.abomInstallations": children("abom_installations", "buildRequirementId"),
        "BuildRequirement.partInventories": related_rows(
            "BuildRequirement.partInventories",
            "SELECT pi.*, ai.buildRequirementId AS __parent FROM part_inventories pi "
            f"JOIN abom_installations ai ON ai.partInventoryId = pi.id WHERE ai.buildRequirementId {_IDS} "
            "ORDER BY pi.id",
        ),
        "Procedure.labels": values_of(
            "SELECT pfl.familyId AS __parent, l.value AS value FROM procedure_family_labels pfl "
            f"JOIN labels l ON l.id = pfl.labelId WHERE pfl.familyId {_IDS} ORDER BY l.value",
            "Procedure.labels",
            parent_key="familyId",
        ),
        "Procedure.attributes": _attributes("Procedure"),
        "Procedure.steps": children("steps", "procedureId", order=by_position, where='"parentId" IS NULL'),
        "StepField.validations": children("field_validations", "fieldId"),
        "DatagridRow.values": children("datagrid_values", "rowId", order='"columnId"'),
        "DatagridRow.data": related_rows(
            "DatagridRow.data",
            f"SELECT rowId AS __parent, columnId, value FROM datagrid_values WHERE rowId {_IDS}",
            table="datagrid_values",
            shape=lambda _row, values: {str(value["columnId"]): value["value"] for value in values},
        ),
        "DatagridValue.ionValue": _ion_value,
        "Step.steps": children("steps", "parentId", order=by_position),
        "Step.upstreamStepIds": values_of(
            f"SELECT stepId AS __parent, upstreamStepId AS value FROM step_edges WHERE stepId {_IDS} "
            "ORDER BY upstreamStepId",
            "Step.upstreamStepIds",
        ),
        "Step.downstreamStepIds": values_of(
            f"SELECT upstreamStepId AS __parent, stepId AS value FROM step_edges WHERE upstreamStepId {_IDS} "
            "ORDER BY stepId",
            "Step.downstreamStepIds",
        ),
        "Step.assets": children("file_attachments", "entityId", parent_key="entityId"),
        "Step.fields": children("step_fields", "stepId", order=by_position),
        "Step.datagridColumns": _nested_connection("datagrid_columns", "stepId", '"index", "id"'),
        "Step.datagridRows": _nested_connection("datagrid_rows", "stepId", '"index", "id"'),
        "Step.datagrid": _datagrid,
        "Step.attributes": _attributes("Step"),
        "Step.labels": _labels_of_entity("Step.labels"),
        "Step.mbomItemAssociations": children("mbom_item_step_associations", "stepId"),
        "Run.steps": children("run_steps", "runId", order=by_position),
        "Run.attributes": _attributes(
            "Run", lambda run: {"Etag": run["_etag"], "runId": run["id"], "entityId": run["entityId"]}
        ),
        "Run.labels": _labels_of_entity("Run.labels"),
        "RunStep.fields": children("run_step_fields", "runStepId", order=by_position),
        "Issue.attributes": _attributes("Issue", lambda issue: {"Etag": issue["_etag"], "issueId": issue["id"]}),
        "Supplier.Attributes": _attributes("Supplier"),
        "PurchaseOrder.purchaseOrderLines": children("purchase_order_lines", "purchaseOrderId"),
        "PurchaseOrder.approvals": children("purchase_order_approvals", "purchaseOrderId"),
        "PurchaseOrder.approvalRequests": children("purchase_order_approval_requests", "purchaseOrderId"),
        "PurchaseOrder.fees": children("purchase_order_fees", "purchaseOrderId"),
        "PurchaseOrderLine.partInventories": children("part_inventories", "purchaseOrderLineId"),
        "Receipt.receiptItems": children("receipt_items", "receiptId"),
        "Receipt.purchaseOrderLines": related_rows(
            "Receipt.purchaseOrderLines",
            "SELECT DISTINCT pol.*, ri.receiptId AS __parent FROM purchase_order_lines pol "
            f"JOIN receipt_items ri ON ri.purchaseOrderLineId = pol.id WHERE ri.receiptId {_IDS} ORDER BY pol.id",
        ),
    }


def _connection_node_type(field: GraphQLField) -> str | None:
    """`Run` for a field returning `RunConnection` (with an `edges { node }` shape), else None."""
    named = get_named_type(field.type)
    if not named.name.endswith("Connection") or not isinstance(named, GraphQLObjectType):
        return None
    edge_type = get_named_type(named.fields["edges"].type)
    assert isinstance(edge_type, GraphQLObjectType)
    return get_named_type(edge_type.fields["node"].type).name


def _field_names(selections: Iterable[SelectionNode], info: GraphQLResolveInfo) -> set[str]:
    """Names of the fields a selection set asks for, through fragments (a superset: directives are ignored)."""
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names |= _field_names(selection.selection_set.selections, info)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in info.fragments:
            names |= _field_names(info.fragments[selection.name.value].selection_set.selections, info)
    return names


def _selected_under(selections: Iterable[SelectionNode], info: GraphQLResolveInfo, name: str) -> list[SelectionNode]:
    """The selections inside every `name { ... }` of a selection set (fragments included)."""
    found: list[SelectionNode] = []
    for selection in selections:
        if isinstance(selection, FieldNode):
            if selection.name.value == name and selection.selection_set:
                found += selection.selection_set.selections
        elif isinstance(selection, InlineFragmentNode):
            found += _selected_under(selection.selection_set.selections, info, name)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in info.fragments:
            found += _selected_under(info.fragments[selection.name.value].selection_set.selections, info, name)
    return found


def node_columns(info: GraphQLResolveInfo, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The columns a connection's nodes need: the selected ones, `id`, the foreign keys of selected objects,
    and the keys related lists join on (`entityId`, `familyId`, `_etag`) when anything computed is selected."""
    selections: list[SelectionNode] = []
    for field_node in info.field_nodes:
        if field_node.selection_set:
            selections += field_node.selection_set.selections
    names = _field_names(_selected_under(_selected_under(selections, info, "edges"), info, "node"), info)
    available = set(columns)
    wanted = {"id"} | (names & available) | {f"{name}Id" for name in names if f"{name}Id" in available}
    if names - available:
        wanted |= {"entityId", "familyId", "_etag"} & available
    return tuple(column for column in columns if column in wanted)


def _root_connection(spec: ConnectionSpec, columns: tuple[str, ...]) -> Resolver:
    def resolve(
        _root: Any,
        info: GraphQLResolveInfo,
        filters: dict[str, Any] | None = None,
        sort: list[str] | None = None,
        **page: Any,
    ) -> dict[str, Any]:
        clauses, params = spec.where(filters)
        source = RowSource(spec.table, tuple(clauses), tuple(params), spec.order_by(sort), node_columns(info, columns))
        return resolve_connection(source, info.context, **page)

    return resolve


def _root_object(table: str) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, id: Any) -> Row | None:
        return info.context.store.get(table, to_id(id))

    return resolve


def _me(_root: Any, info: GraphQLResolveInfo) -> Row | None:
    return info.context.store.get("users", ME_USER_ID)


def _is_object_field(field: GraphQLField) -> bool:
    inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    return isinstance(inner, GraphQLObjectType)


def bind_read_resolvers(schema: GraphQLSchema, store: Store) -> None:
    """Attach the read resolvers to `schema` (root queries, foreign keys, related lists)."""
    query_type = schema.query_type
    assert query_type is not None
    for name, field in query_type.fields.items():
        node_type = _connection_node_type(field)
        if node_type is not None:
            table = TABLE_OF_TYPE[node_type]
            columns = store.columns(table)
            field.resolve = _root_connection(ConnectionSpec.from_field(field, table, columns), columns)
        elif name == "me":
            field.resolve = _me
        elif "id" in field.args:
            field.resolve = _root_object(TABLE_OF_TYPE[get_named_type(field.type).name])
        else:
            raise ValueError(f"Query.{name} has no resolver")

    related = related_resolvers()
    for key, resolver in related.items():
        type_name, field_name = key.split(".")
        type_ = schema.type_map[type_name]
        assert isinstance(type_, GraphQLObjectType), key
        type_.fields[field_name].resolve = resolver

    for type_name, table in TABLE_OF_TYPE.items():
        object_type = schema.type_map.get(type_name)
        if not isinstance(object_type, GraphQLObjectType):
            continue
        column_names = set(store.columns(table))
        for field_name, field in object_type.fields.items():
            if field.resolve is not None or field_name in column_names:
                continue
            target = get_named_type(field.type).name
            if _is_object_field(field) and f"{field_name}Id" in column_names and target in TABLE_OF_TYPE:
                field.resolve = object_by_key(TABLE_OF_TYPE[target], f"{field_name}Id")
            elif not isinstance(field.type, GraphQLList):
                raise ValueError(f"{type_name}.{field_name} is neither a column of {table} nor resolved")
            else:
                raise ValueError(f"{type_name}.{field_name} (a list) has no resolver")
