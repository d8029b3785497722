"""Which SQLite table of the store holds each GraphQL object type of schema.graphql, and back.

Data only: the store names its tables and columns after ION's objects and fields, and this is the one place
that pairs the two names.
"""

from __future__ import annotations

TABLE_OF_TYPE: dict[str, str] = {
    "ABomInstallation": "abom_installations",
    "ABomItem": "abom_items",
    "APIKey": "api_keys",
    "BarcodeTemplate": "barcode_templates",
    "BuildRequirement": "build_requirements",
    "Currency": "currencies",
    "DatagridColumn": "datagrid_columns",
    "DatagridRow": "datagrid_rows",
    "DatagridValue": "datagrid_values",
    "FieldValidation": "field_validations",
    "FileAttachment": "file_attachments",
    "Issue": "issues",
    "Label": "labels",
    "Location": "locations",
    "LocationSubtype": "location_subtypes",
    "MBomItem": "mbom_items",
    "MBomItemReferenceDesignator": "mbom_item_reference_designators",
    "MBomItemStepAssociation": "mbom_item_step_associations",
    "MBomSubstitute": "mbom_substitutes",
    "Part": "parts",
    "PartInventory": "part_inventories",
    "PartSubtype": "part_subtypes",
    "PermissionGroup": "permission_groups",
    "Procedure": "procedures",
    "PurchaseOrder": "purchase_orders",
    "PurchaseOrderApproval": "purchase_order_approvals",
    "PurchaseOrderApprovalRequest": "purchase_order_approval_requests",
    "PurchaseOrderFee": "purchase_order_fees",
    "PurchaseOrderLine": "purchase_order_lines",
    "Receipt": "receipts",
    "ReceiptItem": "receipt_items",
    "Role": "roles",
    "Rule": "rules",
    "Run": "runs",
    "RunStep": "run_steps",
    "RunStepField": "run_step_fields",
    "Step": "steps",
    "StepDependency": "step_edges",
    "StepField": "step_fields",
    "Supplier": "suppliers",
    "Team": "teams",
    "UnitOfMeasurement": "units_of_measurement",
    "User": "users",
}
"""The table that stores each GraphQL object type."""

TYPE_OF_TABLE: dict[str, str] = {table: type_name for type_name, table in TABLE_OF_TYPE.items()}
"""The GraphQL object type each table stores."""
