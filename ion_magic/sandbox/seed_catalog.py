"""The demo factory's organization: a small space-hardware maker's people, teams, roles and permissions,
labels, units, currencies, locations, suppliers, barcode templates and rules.

Data only; `seed` draws from it with a fixed random seed. What the factory makes is in seed_catalog_products.
"""

from __future__ import annotations

USERS = (
    # (name, email, role names, active)
    ("Sandbox API User", "user@example.com", ("Admin",), True),
    ("Maya Chen", "maya.chen@example.com", ("Manager",), True),
    ("Diego Ramirez", "diego.ramirez@example.com", ("Engineer",), True),
    ("Priya Natarajan", "priya.natarajan@example.com", ("Quality Inspector",), True),
    ("Tom Becker", "tom.becker@example.com", ("Technician",), True),
    ("Aisha Okafor", "aisha.okafor@example.com", ("Technician",), True),
    ("Lars Johansson", "lars.johansson@example.com", ("Buyer",), True),
    ("Sofia Rossi", "sofia.rossi@example.com", ("Engineer", "Manager"), True),
    ("Kenji Watanabe", "kenji.watanabe@example.com", ("Technician",), True),
    ("Hannah Schmidt", "hannah.schmidt@example.com", ("Quality Inspector",), True),
    ("Omar Haddad", "omar.haddad@example.com", ("Manager",), True),
    ("Grace Liu", "grace.liu@example.com", ("Buyer",), True),
    ("Ben Carter", "ben.carter@example.com", ("Technician",), False),
    ("Elena Petrova", "elena.petrova@example.com", ("Engineer",), True),
)

ROLES = (
    ("Admin", "Everything, including API keys and users."),
    ("Manager", "Reads everything; approves purchase orders and dispositions."),
    ("Engineer", "Writes procedures, redlines runs, dispositions issues."),
    ("Technician", "Executes runs and records inventory."),
    ("Quality Inspector", "Inspects, signs off and opens issues."),
    ("Buyer", "Purchases and receives parts."),
)

PERMISSION_FAMILIES = (
    "Part",
    "PartInventory",
    "Run",
    "RunStep",
    "Procedure",
    "Issue",
    "PurchaseOrder",
    "Receipt",
    "Location",
    "APIKeyObject",
    "User",
)
PERMISSION_ACTIONS = ("Create", "Read", "Update", "Delete")

ROLE_GRANTS = {
    # role -> (families with every action, extra "<Action><Family>" names); every role may read everything
    "Admin": (PERMISSION_FAMILIES, ()),
    "Manager": ((), ("UpdatePurchaseOrder", "UpdateIssue", "UpdateRun")),
    "Engineer": (("Procedure", "Run", "RunStep"), ("CreatePart", "UpdatePart", "UpdateIssue")),
    "Technician": ((), ("UpdateRunStep", "UpdatePartInventory", "CreatePartInventory", "CreateIssue")),
    "Quality Inspector": (("Issue",), ("UpdateRunStep", "UpdatePartInventory")),
    "Buyer": (("PurchaseOrder", "Receipt"), ("CreatePartInventory", "CreatePart")),
}

TEAMS = (
    # (name, supervisor's user index, member user indexes, role names)
    ("Assembly", 1, (4, 5, 8, 12), ("Technician",)),
    ("Machining", 10, (8, 13), ("Technician",)),
    ("Quality", 3, (3, 9), ("Quality Inspector",)),
    ("Supply Chain", 6, (6, 11), ("Buyer",)),
    ("Test", 2, (2, 7, 13), ("Engineer", "Technician")),
)

# Names that First Resonance's public example scripts look up (their CSVs and queries), so that the scripts run
# against the sandbox unchanged. Seeded after everything else: the rest of the factory keeps its ids and values.
EXAMPLE_ROLES = (("Master scheduler", "Plans production: MRP jobs and the build schedule."),)
EXAMPLE_PERMISSION_FAMILIES = ("MRPJob",)
EXAMPLE_USERS = (
    # (name, email); not on any team yet: the examples add them to "Operations"
    ("Matt", "matt@firstresonance.io"),
    ("Eric", "eric@firstresonance.io"),
)
EXAMPLE_TEAMS = (
    # (name, supervisor's user index, role names)
    ("Operations", 1, ("Master scheduler",)),
)

LABELS = (
    ("composite_deck", "#8e44ad"),
    ("flight", "#2e86de"),
    ("qualification", "#10ac84"),
    ("engineering_build", "#f39c12"),
    ("rush", "#e74c3c"),
    ("customer_a", "#34495e"),
    ("export_controlled", "#c0392b"),
    ("rework", "#d35400"),
)

UNITS = ("each", "kg", "g", "lb", "m", "mm", "in", "ft", "L", "roll")

CURRENCIES = (("USD", "US dollar"), ("EUR", "Euro"), ("GBP", "Pound sterling"))

LOCATION_SUBTYPES = (
    "Stockroom",
    "Receiving",
    "Cage",
    "Clean Room",
    "Machine Shop",
    "Test Cell",
    "Integration Bay",
    "Shipping",
    "Shelf",
)

FIRST_LOCATION_ID = 301
LOCATIONS = (
    # (name, subtype, description); ids from FIRST_LOCATION_ID
    ("Stockroom A", "Stockroom", "Main controlled stockroom, building 1"),
    ("Stockroom B", "Stockroom", "Overflow stockroom for raw material and consumables"),
    ("Receiving Dock", "Receiving", "Incoming goods awaiting receiving inspection"),
    ("Quarantine Cage", "Cage", "Held material pending inspection or paperwork"),
    ("MRB Cage", "Cage", "Nonconforming material awaiting material review"),
    ("Clean Room 1", "Clean Room", "ISO 7 clean room for avionics assembly"),
    ("Clean Room 2", "Clean Room", "ISO 8 clean room for propulsion assembly"),
    ("Machine Shop", "Machine Shop", "5-axis mills and lathes"),
    ("Test Cell 1", "Test Cell", "Hydrostatic and leak test stand"),
    ("Test Cell 2", "Test Cell", "Hot-fire test stand"),
    ("Integration Bay", "Integration Bay", "Final assembly and integration"),
    ("Shipping", "Shipping", "Packed and ready to ship"),
)
STOCKROOM_SHELVES = ("Stockroom A", "Stockroom B")

SUPPLIERS = (
    "Acme Corp",
    "Precision Machining Co.",
    "Orbital Fasteners Inc.",
    "Cascade Electronics",
    "Northwind Metals",
    "Titan Forge & Foundry",
    "Summit Seals",
    "Pacific Composites",
    "Redline Cable Works",
    "Helios Sensors",
    "Blue Ridge Plating",
    "Vector Valves",
)

BARCODE_TEMPLATES = (
    ("Location label 2x1", "LOCATIONS", "^XA^FO40,30^BCN,80,Y,N,N^FD{barcode}^FS^FO40,150^A0N,36,36^FD{name}^FS^XZ"),
    (
        "Part label 3x1",
        "PARTS",
        "^XA^FO40,30^BCN,70,Y,N,N^FD{barcode}^FS^FO40,140^A0N,30,30^FD{partNumber} rev {revision}^FS^XZ",
    ),
    (
        "Inventory tag 4x2",
        "PART_INVENTORIES",
        "^XA^FO40,30^BQN,2,6^FDQA,{barcode}^FS^FO260,40^A0N,32,32^FDSN {serialNumber}^FS"
        "^FO260,90^A0N,32,32^FDLOT {lotNumber}^FS^XZ",
    ),
    ("Run traveler 4x6", "RUNS", "^XA^FO40,30^BCN,100,Y,N,N^FD{barcode}^FS^FO40,170^A0N,40,40^FD{title}^FS^XZ"),
)

RULES = (
    (
        "Warn when a run starts without a part inventory",
        "RUN",
        "CREATE",
        "ALLOW",
        "{ run(id: $id) { id partInventoryId } }",
        "if not (context.get('run') or {}).get('partInventoryId'):\n    raise ValidationError()",
    ),
    (
        "Resolved issues need a disposition",
        "ISSUE",
        "UPDATE",
        "BLOCK",
        "{ issue(id: $id) { id status disposition } }",
        "issue = context.get('issue') or {}\nif issue.get('status') == 'RESOLVED' and not issue.get('disposition'):\n"
        "    raise ValidationError()",
    ),
)
