"""Write-side resolvers: ION's mutations and the documented rules they enforce.

Each mutation runs in one store transaction; any refusal rolls it back, so a failed mutation changes
nothing, and comes back as a GraphQL error whose message says what is wrong and what to do. Updates and
deletes check the object's `_etag` first; every change gives the object a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema

from ion_magic.sandbox.context import RequestContext, Resolver
from ion_magic.sandbox.mutations import boms, issues, organization, parts, procedures, purchasing, runs
from ion_magic.sandbox.store import StoreError

MUTATIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "createRun": runs.create_run,
    "createRunStep": runs.create_run_step,
    "updateRunStep": runs.update_run_step,
    "createRunStepField": runs.create_run_step_field,
    "updateRunStepFieldValue": runs.update_run_step_field_value,
    "updateRunAttribute": runs.update_run_attribute,
    "createPart": parts.create_part,
    "createPartRevision": parts.create_part_revision,
    "updatePart": parts.update_part,
    "createPartInventory": parts.create_part_inventory,
    "updatePartInventory": parts.update_part_inventory,
    "deletePartInventory": parts.delete_part_inventory,
    "createAbomForPartInventory": boms.create_abom_for_part_inventory,
    "updateAbomItem": boms.update_abom_item,
    "createAbomInstallation": boms.create_abom_installation,
    "createBuildRequirement": boms.create_build_requirement,
    "createMbomItem": boms.create_mbom_item,
    "deleteMbomItem": boms.delete_mbom_item,
    "createMbomItemReferenceDesignator": boms.create_mbom_item_reference_designator,
    "createOrUpdateMultipleMboms": boms.create_or_update_multiple_mboms,
    "createProcedure": procedures.create_procedure,
    "createStep": procedures.create_step,
    "updateStep": procedures.update_step,
    "copyStep": procedures.copy_step,
    "createStepField": procedures.create_step_field,
    "createStepEdge": procedures.create_step_edge,
    "createDatagridColumn": procedures.create_datagrid_column,
    "createDatagridRow": procedures.create_datagrid_row,
    "setDatagridValue": procedures.set_datagrid_value,
    "createFileAttachment": organization.create_file_attachment,
    "createAsset": organization.create_file_attachment,
    "createLabel": organization.create_label,
    "addLabelToProcedureFamily": organization.add_label_to_procedure_family,
    "addLabelToItem": organization.add_label_to_item,
    "removeLabelFromItem": organization.remove_label_from_item,
    "createRole": organization.create_role,
    "attachPermissionGroupToRole": organization.attach_permission_group_to_role,
    "addUserToTeam": organization.add_user_to_team,
    "createIssue": issues.create_issue,
    "updateIssue": issues.update_issue,
    "updateIssueAttribute": issues.update_issue_attribute,
    "createPurchaseOrder": purchasing.create_purchase_order,
    "updatePurchaseOrder": purchasing.update_purchase_order,
    "deletePurchaseOrder": purchasing.delete_purchase_order,
    "createPurchaseOrderLine": purchasing.create_purchase_order_line,
    "deletePurchaseOrderLine": purchasing.delete_purchase_order_line,
    "deleteReceipt": purchasing.delete_receipt,
    "createLocation": organization.create_location,
    "deleteLocation": organization.delete_location,
    "createUnitOfMeasurement": organization.create_unit_of_measurement,
    "createBarcodeLabel": organization.create_barcode_label,
    "createRule": organization.create_rule,
    "createApiKey": organization.create_api_key,
    "updateApiKey": organization.update_api_key,
    "deleteApiKey": organization.delete_api_key,
    "dispatchNotification": organization.dispatch_notification,
}
"""Each Mutation field of schema.graphql and the function that performs it."""


def _transactional(perform: Callable[..., dict[str, Any]]) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        context: RequestContext = info.context
        try:
            with context.store.transaction():
                return perform(context.store, **args)
        except StoreError as error:
            raise GraphQLError(str(error)) from None
        finally:
            context.forget()

    return resolve


def bind_mutation_resolvers(schema: GraphQLSchema) -> None:
    """Attach every mutation; refuse to start if the SDL and MUTATIONS disagree."""
    mutation_type = schema.mutation_type
    assert isinstance(mutation_type, GraphQLObjectType)
    declared, implemented = set(mutation_type.fields), set(MUTATIONS)
    if declared != implemented:
        raise ValueError(
            f"mutations without a resolver: {sorted(declared - implemented)}; "
            f"resolvers without a mutation: {sorted(implemented - declared)}"
        )
    for name, field in mutation_type.fields.items():
        field.resolve = _transactional(MUTATIONS[name])
