-- The sandbox store's tables: one per ION object, columns named after the GraphQL fields (see store.py).
CREATE TABLE IF NOT EXISTS entities (
  id INTEGER PRIMARY KEY, entityType TEXT NOT NULL, objectId INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  name TEXT, email TEXT, organizationId INTEGER, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS roles (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  name TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS permission_groups (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, family TEXT);
CREATE TABLE IF NOT EXISTS role_permission_groups (
  roleId INTEGER NOT NULL REFERENCES roles(id), permissionGroupId INTEGER NOT NULL REFERENCES permission_groups(id),
  PRIMARY KEY (roleId, permissionGroupId));
CREATE TABLE IF NOT EXISTS user_roles (
  userId INTEGER NOT NULL REFERENCES users(id), roleId INTEGER NOT NULL REFERENCES roles(id),
  PRIMARY KEY (userId, roleId));
CREATE TABLE IF NOT EXISTS teams (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  name TEXT NOT NULL, supervisorId INTEGER REFERENCES users(id));
CREATE TABLE IF NOT EXISTS team_users (
  teamId INTEGER NOT NULL REFERENCES teams(id), userId INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (teamId, userId));
CREATE TABLE IF NOT EXISTS team_roles (
  teamId INTEGER NOT NULL REFERENCES teams(id), roleId INTEGER NOT NULL REFERENCES roles(id),
  PRIMARY KEY (teamId, roleId));
CREATE TABLE IF NOT EXISTS api_keys (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  clientId TEXT NOT NULL UNIQUE, clientSecret TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1,
  userId INTEGER REFERENCES users(id));
CREATE TABLE IF NOT EXISTS labels (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER, value TEXT NOT NULL, color TEXT);
CREATE TABLE IF NOT EXISTS entity_labels (
  entityId INTEGER NOT NULL REFERENCES entities(id), labelId INTEGER NOT NULL REFERENCES labels(id),
  PRIMARY KEY (entityId, labelId));
CREATE TABLE IF NOT EXISTS procedure_family_labels (
  familyId INTEGER NOT NULL, labelId INTEGER NOT NULL REFERENCES labels(id), PRIMARY KEY (familyId, labelId));
CREATE TABLE IF NOT EXISTS location_subtypes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS locations (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  entityId INTEGER, name TEXT NOT NULL, description TEXT, parentId INTEGER REFERENCES locations(id),
  locationSubtypeId INTEGER REFERENCES location_subtypes(id));
CREATE TABLE IF NOT EXISTS units_of_measurement (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  type TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS currencies (id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT);
CREATE TABLE IF NOT EXISTS file_attachments (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  entityId INTEGER, filename TEXT NOT NULL, contentType TEXT, s3Bucket TEXT, s3Key TEXT, url TEXT,
  downloadUrl TEXT, integrationFetchUrl TEXT, integrationId INTEGER);
CREATE TABLE IF NOT EXISTS barcode_templates (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  name TEXT NOT NULL, entityType TEXT NOT NULL, template TEXT);
CREATE TABLE IF NOT EXISTS attributes (
  id INTEGER PRIMARY KEY, ownerType TEXT NOT NULL, ownerId INTEGER NOT NULL,
  key TEXT NOT NULL, value TEXT, type TEXT NOT NULL DEFAULT 'STRING', UNIQUE (ownerType, ownerId, key));
CREATE TABLE IF NOT EXISTS parts (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER, entityId INTEGER,
  partNumber TEXT NOT NULL, revision TEXT NOT NULL DEFAULT 'A', description TEXT, trackingType TEXT,
  supplierPartNumber TEXT, unitOfMeasureId INTEGER REFERENCES units_of_measurement(id),
  thumbnailId INTEGER REFERENCES file_attachments(id),
  UNIQUE (partNumber, revision));
CREATE TABLE IF NOT EXISTS part_inventories (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER, entityId INTEGER,
  partId INTEGER NOT NULL REFERENCES parts(id), quantity REAL NOT NULL, quantityAvailable REAL NOT NULL,
  status TEXT NOT NULL, serialNumber TEXT, lotNumber TEXT, locationId INTEGER REFERENCES locations(id),
  unitOfMeasureId INTEGER REFERENCES units_of_measurement(id), cost REAL,
  installed INTEGER NOT NULL DEFAULT 0, kitted INTEGER NOT NULL DEFAULT 0, received INTEGER NOT NULL DEFAULT 1,
  receivedDate TEXT, purchaseOrderLineId INTEGER REFERENCES purchase_order_lines(id),
  UNIQUE (partId, serialNumber));
CREATE INDEX IF NOT EXISTS part_inventories_part ON part_inventories(partId);
CREATE INDEX IF NOT EXISTS part_inventories_location ON part_inventories(locationId);
CREATE INDEX IF NOT EXISTS part_inventories_line ON part_inventories(purchaseOrderLineId);
CREATE TABLE IF NOT EXISTS mbom_items (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  partId INTEGER NOT NULL REFERENCES parts(id), parentId INTEGER NOT NULL REFERENCES parts(id),
  quantity REAL NOT NULL, UNIQUE (partId, parentId));
CREATE INDEX IF NOT EXISTS mbom_items_parent ON mbom_items(parentId);
CREATE TABLE IF NOT EXISTS mbom_item_reference_designators (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  mbomItemId INTEGER NOT NULL REFERENCES mbom_items(id), value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mbom_substitutes (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  mbomItemId INTEGER NOT NULL REFERENCES mbom_items(id), partId INTEGER NOT NULL REFERENCES parts(id),
  priority INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS abom_items (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  partInventoryId INTEGER REFERENCES part_inventories(id), partId INTEGER REFERENCES parts(id),
  parentId INTEGER REFERENCES abom_items(id), mbomItemId INTEGER REFERENCES mbom_items(id), quantity REAL NOT NULL);
CREATE INDEX IF NOT EXISTS abom_items_inventory ON abom_items(partInventoryId);
CREATE INDEX IF NOT EXISTS abom_items_parent ON abom_items(parentId);
CREATE TABLE IF NOT EXISTS build_requirements (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  partId INTEGER NOT NULL REFERENCES parts(id), partInventoryId INTEGER NOT NULL REFERENCES part_inventories(id),
  quantityPerParentPartInventory REAL, fixedQuantityPerBuildRequirement REAL,
  madeOnAssembly INTEGER NOT NULL DEFAULT 0, originMbomItemId INTEGER REFERENCES mbom_items(id));
CREATE INDEX IF NOT EXISTS build_requirements_inventory ON build_requirements(partInventoryId);
CREATE TABLE IF NOT EXISTS abom_installations (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  buildRequirementId INTEGER NOT NULL REFERENCES build_requirements(id),
  buildRequirementReferenceDesignatorId INTEGER,
  partInventoryId INTEGER NOT NULL REFERENCES part_inventories(id), quantity REAL NOT NULL);
CREATE INDEX IF NOT EXISTS abom_installations_requirement ON abom_installations(buildRequirementId);
CREATE TABLE IF NOT EXISTS procedures (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER, entityId INTEGER,
  title TEXT NOT NULL, description TEXT, type TEXT, familyId INTEGER, version INTEGER NOT NULL DEFAULT 1,
  exportControlled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS steps (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER, entityId INTEGER,
  procedureId INTEGER REFERENCES procedures(id), parentId INTEGER REFERENCES steps(id),
  title TEXT NOT NULL, type TEXT NOT NULL DEFAULT 'CONTENT', position INTEGER NOT NULL DEFAULT 1,
  content TEXT, slateContent TEXT, leadTime INTEGER, locationId INTEGER REFERENCES locations(id),
  locationSubtypeId INTEGER REFERENCES location_subtypes(id), familyId INTEGER, version INTEGER NOT NULL DEFAULT 1,
  isDerivedStep INTEGER NOT NULL DEFAULT 0, isStandardStep INTEGER NOT NULL DEFAULT 0,
  isChildStandardStep INTEGER NOT NULL DEFAULT 0, standardStepId INTEGER REFERENCES steps(id),
  standardStepStatus TEXT, standardStepFamilyId INTEGER, originStepId INTEGER);
CREATE INDEX IF NOT EXISTS steps_procedure ON steps(procedureId);
CREATE INDEX IF NOT EXISTS steps_parent ON steps(parentId);
CREATE TABLE IF NOT EXISTS step_edges (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER,
  stepId INTEGER NOT NULL REFERENCES steps(id), upstreamStepId INTEGER NOT NULL REFERENCES steps(id),
  UNIQUE (stepId, upstreamStepId));
CREATE TABLE IF NOT EXISTS part_subtypes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS step_fields (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER,
  stepId INTEGER NOT NULL REFERENCES steps(id), name TEXT NOT NULL, type TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 1, required INTEGER NOT NULL DEFAULT 0,
  allowNotApplicable INTEGER NOT NULL DEFAULT 0, allowedIonType TEXT, display TEXT, options TEXT, unit TEXT,
  signoffRoleId INTEGER REFERENCES roles(id), partId INTEGER REFERENCES parts(id),
  partSubtypeId INTEGER REFERENCES part_subtypes(id), peerReviewRequired INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS step_fields_step ON step_fields(stepId);
CREATE TABLE IF NOT EXISTS field_validations (
  id INTEGER PRIMARY KEY, fieldId INTEGER NOT NULL REFERENCES step_fields(id), functionId INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS datagrid_columns (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  stepId INTEGER REFERENCES steps(id), runStepId INTEGER REFERENCES run_steps(id), header TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'STRING', "index" INTEGER NOT NULL DEFAULT 0, prevId INTEGER, options TEXT, unit TEXT,
  editable INTEGER NOT NULL DEFAULT 1, settable INTEGER NOT NULL DEFAULT 1,
  signoffRoleId INTEGER REFERENCES roles(id), LastSessionId TEXT);
CREATE INDEX IF NOT EXISTS datagrid_columns_step ON datagrid_columns(stepId);
CREATE TABLE IF NOT EXISTS datagrid_rows (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  stepId INTEGER REFERENCES steps(id), runStepId INTEGER REFERENCES run_steps(id),
  "index" INTEGER NOT NULL DEFAULT 0, prevId INTEGER, required INTEGER NOT NULL DEFAULT 0,
  allowNotApplicable INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS datagrid_rows_step ON datagrid_rows(stepId);
CREATE TABLE IF NOT EXISTS datagrid_values (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  rowId INTEGER NOT NULL REFERENCES datagrid_rows(id), columnId INTEGER NOT NULL REFERENCES datagrid_columns(id),
  type TEXT NOT NULL DEFAULT 'STRING', value TEXT, notApplicable INTEGER NOT NULL DEFAULT 0,
  fileAttachmentId INTEGER REFERENCES file_attachments(id), ionValueType TEXT, ionValueId INTEGER,
  UNIQUE (rowId, columnId));
CREATE TABLE IF NOT EXISTS mbom_item_step_associations (
  id INTEGER PRIMARY KEY, mbomItemId INTEGER NOT NULL REFERENCES mbom_items(id),
  stepId INTEGER NOT NULL REFERENCES steps(id));
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER, entityId INTEGER,
  title TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'TODO', procedureId INTEGER REFERENCES procedures(id),
  partInventoryId INTEGER REFERENCES part_inventories(id), partId INTEGER REFERENCES parts(id),
  startedAt TEXT, completedAt TEXT);
CREATE INDEX IF NOT EXISTS runs_procedure ON runs(procedureId);
CREATE TABLE IF NOT EXISTS run_steps (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER, entityId INTEGER,
  runId INTEGER NOT NULL REFERENCES runs(id), stepId INTEGER REFERENCES steps(id), title TEXT NOT NULL,
  content TEXT, status TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 1, completedAt TEXT);
CREATE INDEX IF NOT EXISTS run_steps_run ON run_steps(runId);
CREATE TABLE IF NOT EXISTS run_step_fields (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  runStepId INTEGER NOT NULL REFERENCES run_steps(id), name TEXT NOT NULL, type TEXT NOT NULL,
  value TEXT, required INTEGER NOT NULL DEFAULT 0, unit TEXT, position INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS run_step_fields_step ON run_step_fields(runStepId);
CREATE TABLE IF NOT EXISTS issues (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER, entityId INTEGER,
  title TEXT, description TEXT, status TEXT NOT NULL DEFAULT 'PENDING', disposition TEXT, cause TEXT,
  expectedCondition TEXT, causeCondition TEXT, partInventoryId INTEGER REFERENCES part_inventories(id),
  runId INTEGER REFERENCES runs(id), runStepId INTEGER REFERENCES run_steps(id), quantity REAL,
  assignedToId INTEGER REFERENCES users(id), resolvedAt TEXT);
CREATE TABLE IF NOT EXISTS suppliers (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  entityId INTEGER, name TEXT NOT NULL, email TEXT);
CREATE TABLE IF NOT EXISTS purchase_orders (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  createdById INTEGER, updatedById INTEGER, entityId INTEGER,
  status TEXT NOT NULL DEFAULT 'DRAFT', supplierId INTEGER REFERENCES suppliers(id),
  currencyId INTEGER REFERENCES currencies(id), estimatedTotalCost REAL NOT NULL DEFAULT 0, orderedAt TEXT);
CREATE TABLE IF NOT EXISTS purchase_order_lines (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  entityId INTEGER, purchaseOrderId INTEGER NOT NULL REFERENCES purchase_orders(id),
  partId INTEGER REFERENCES parts(id), description TEXT, status TEXT NOT NULL DEFAULT 'DRAFT',
  quantity REAL NOT NULL DEFAULT 1, unitCost REAL, needDate TEXT);
CREATE INDEX IF NOT EXISTS purchase_order_lines_order ON purchase_order_lines(purchaseOrderId);
CREATE TABLE IF NOT EXISTS purchase_order_approvals (
  id INTEGER PRIMARY KEY, purchaseOrderId INTEGER NOT NULL REFERENCES purchase_orders(id),
  reviewerId INTEGER REFERENCES users(id), approvedAt TEXT);
CREATE TABLE IF NOT EXISTS purchase_order_approval_requests (
  id INTEGER PRIMARY KEY, purchaseOrderId INTEGER NOT NULL REFERENCES purchase_orders(id),
  reviewerId INTEGER REFERENCES users(id), createdAt TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS purchase_order_fees (
  id INTEGER PRIMARY KEY, purchaseOrderId INTEGER NOT NULL REFERENCES purchase_orders(id),
  name TEXT NOT NULL, amount REAL NOT NULL);
CREATE TABLE IF NOT EXISTS receipts (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  entityId INTEGER, receivedDate TEXT, receivedById INTEGER REFERENCES users(id));
CREATE TABLE IF NOT EXISTS receipt_items (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  receiptId INTEGER NOT NULL REFERENCES receipts(id), purchaseOrderLineId INTEGER REFERENCES purchase_order_lines(id),
  partInventoryId INTEGER REFERENCES part_inventories(id), quantity REAL NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS receipt_items_receipt ON receipt_items(receiptId);
CREATE TABLE IF NOT EXISTS rules (
  id INTEGER PRIMARY KEY, _etag TEXT NOT NULL, createdAt TEXT NOT NULL, updatedAt TEXT NOT NULL,
  title TEXT NOT NULL, target TEXT NOT NULL, ruleType TEXT NOT NULL, eventType TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1, context TEXT, code TEXT, errorState TEXT NOT NULL DEFAULT 'BLOCK');
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY, createdAt TEXT NOT NULL, userId INTEGER REFERENCES users(id),
  notificationType TEXT NOT NULL, title TEXT, description TEXT, linkText TEXT, path TEXT, messageId TEXT NOT NULL);
