"""The demo factory's vocabulary: a small space-hardware maker (turbopumps, thrust chambers, avionics).

Data only; `seed` draws from it with a fixed random seed.
"""

from __future__ import annotations

from typing import Any

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

TOP_ASSEMBLIES = (
    # ids 1..10, serial-tracked
    ("TPA-1000", "Turbopump Assembly, LOX"),
    ("TCA-2000", "Thrust Chamber Assembly, 5 kN"),
    ("FCU-3000", "Flight Computer Unit"),
    ("PAD-4000", "Payload Adapter, 937 mm"),
    ("PDU-5000", "Power Distribution Unit"),
    ("IMU-6000", "Inertial Measurement Unit Assembly"),
    ("PVA-7000", "Propellant Valve Assembly"),
    ("AVB-8000", "Avionics Bay Structure"),
    ("HRN-9000", "Main Wiring Harness"),
    ("RCS-1100", "Reaction Control Thruster Module"),
)

PART_FAMILIES = (
    # (prefix, part subtype, tracking type, unit, descriptions, (min, max) unit cost)
    (
        "FST",
        "Fastener",
        "LOT",
        "each",
        (
            "Bolt, Hex Head, A286, 1/4-28 x 0.75 in",
            "Screw, Socket Head, Ti-6Al-4V, #10-32 x 0.5 in",
            "Nut, Self-Locking, Inconel 718, 1/4-28",
            "Washer, Flat, 304 SS, 0.25 in",
            "Rivet, Blind, Monel, 1/8 in",
            "Insert, Helical Coil, 10-32 x 1D",
            "Pin, Dowel, 416 SS, 3/16 x 1 in",
        ),
        (0.2, 18.0),
    ),
    (
        "SEL",
        "Seal",
        "LOT",
        "each",
        (
            "O-Ring, Viton, AS568-214",
            "O-Ring, PTFE, AS568-118",
            "Gasket, Copper, Crush, 0.5 in",
            "Seal, Spring-Energized, PCTFE",
            "Backup Ring, PTFE, 2-214",
        ),
        (1.5, 95.0),
    ),
    (
        "MCH",
        "Machined part",
        "SERIAL",
        "each",
        (
            "Bracket, Mounting, Al 6061-T6",
            "Housing, Pump, Inconel 718",
            "Impeller, 3D-Printed, Inconel 625",
            "Manifold, Injector, CuCrZr",
            "Flange, Inlet, 316L SS",
            "Shaft, Turbine, A286",
            "Plate, Interface, Ti-6Al-4V",
            "Ring, Retaining, 17-4PH",
        ),
        (120.0, 8_500.0),
    ),
    (
        "ELX",
        "Electronic assembly",
        "SERIAL",
        "each",
        (
            "PCB Assembly, Power Regulator",
            "PCB Assembly, CPU Board",
            "Sensor, Pressure Transducer, 0-3000 psi",
            "Sensor, Thermocouple, Type K",
            "Connector, Circular, MIL-DTL-38999",
            "IMU Module, MEMS",
        ),
        (45.0, 12_000.0),
    ),
    (
        "CBL",
        "Cable assembly",
        "SERIAL",
        "each",
        (
            "Cable Assembly, J3-P7, 24 AWG",
            "Cable Assembly, Power, 16 AWG",
            "Coax Assembly, SMA-SMA, 0.5 m",
            "Harness Branch, Sensor Bus",
        ),
        (60.0, 1_400.0),
    ),
    (
        "RAW",
        "Raw material",
        None,
        "kg",
        (
            "Bar Stock, Inconel 718, 1.0 in dia",
            "Plate, Al 6061-T651, 0.5 in",
            "Tube, 316L SS, 0.375 in OD",
            "Sheet, Ti-6Al-4V, 0.063 in",
        ),
        (18.0, 160.0),
    ),
    (
        "CNS",
        "Consumable",
        "LOT",
        "each",
        (
            "Adhesive, Epoxy, EA9394",
            "Sealant, Polysulfide, PR-1422",
            "Lockwire, 0.032 in, Inconel",
            "Tape, Kapton, 1 in",
            "Conformal Coating, Acrylic",
        ),
        (4.0, 210.0),
    ),
)

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

FIELD_TEMPLATES: tuple[tuple[Any, ...], ...] = (
    # (name, type, required, unit, options, (low, high) for numbers or values)
    ("Torque (in-lb)", "NUMBER", True, "in-lb", None, (25.0, 35.0)),
    ("Proof pressure (psi)", "NUMBER", True, "psi", None, (1450.0, 1550.0)),
    ("Leak rate (sccs)", "NUMBER", True, "sccs", None, (0.0, 0.05)),
    ("Resistance (ohm)", "NUMBER", False, "ohm", None, (0.1, 2.0)),
    ("Visual inspection passed", "BOOLEAN", True, None, None, None),
    ("No leaks observed", "BOOLEAN", True, None, None, None),
    ("Technician sign-off", "SIGNOFF", True, None, None, "Technician"),
    ("Quality sign-off", "SIGNOFF", True, None, None, "Quality Inspector"),
    (
        "Notes",
        "STRING",
        False,
        None,
        None,
        ("Nominal.", "No anomalies.", "Re-cleaned before install.", "Minor tooling mark, within limits."),
    ),
    ("Torque wrench ID", "STRING", True, None, None, ("TW-0042", "TW-0057", "TW-0103")),
    ("Surface finish", "SELECT", False, None, ["Ra 32", "Ra 63", "Ra 125"], None),
    ("Defects found", "MULTISELECT", False, None, ["Scratch", "Dent", "Burr", "Contamination"], None),
    ("Test start time", "DATETIME", False, None, None, None),
    ("Test data file", "FILE_ATTACHMENT", False, None, None, None),
)

PROCEDURES = (
    # ids 1..10: (title, type, top-assembly index or None, step titles; a step title tuple nests children)
    (
        "Turbopump Assembly",
        "BUILD",
        0,
        (
            ("Fastener Torque Log", ("Torque sequence, inlet flange", "Torque sequence, volute")),
            "Install impeller and shaft",
            "Install bearings and seals",
            "Balance check",
            "Final inspection",
        ),
    ),
    (
        "Thrust Chamber Assembly",
        "BUILD",
        1,
        ("Inspect injector manifold", "Braze chamber liner", "Install igniter", "Pressure port leak check"),
    ),
    (
        "Flight Computer Build and Test",
        "BUILD",
        2,
        ("Install CPU board", "Install power regulator", "Conformal coat", "Functional test", "Thermal cycle"),
    ),
    (
        "Receiving Inspection",
        "INSPECTION",
        None,
        ("Verify paperwork and certs", "Dimensional inspection", "Visual inspection"),
    ),
    ("Hydrostatic Proof Test", "TEST", None, ("Proof test at 1.5x MEOP", "Post-test inspection", "Dry and bag")),
    ("Harness Continuity Test", "TEST", 8, ("Continuity check, all pins", "Insulation resistance", "Hi-pot test")),
    ("Valve Leak Check", "TEST", 6, ("Helium leak check, seat", "Helium leak check, external")),
    (
        "Torque Wrench Calibration",
        "MAINTENANCE",
        None,
        ("Torque Verification (Standard)", "Record calibration results"),
    ),
    ("Nonconformance Rework", "REWORK", None, ("Remove nonconforming part", "Install replacement", "Re-inspect")),
    (
        "Payload Adapter Integration",
        "BUILD",
        3,
        ("Install separation system", "Install interface plate", "Torque verification", "Final inspection"),
    ),
)

DATAGRID_COLUMNS = (
    ("Fastener", "STRING"),
    ("Torque (in-lb)", "NUMBER"),
    ("Sign-off", "SIGNOFF"),
    ("Photo", "FILE_ATTACHMENT"),
)

ISSUE_DEFECTS = (
    "Scratch on sealing surface",
    "Thread damage",
    "Out-of-tolerance bore diameter",
    "Missing torque stripe",
    "FOD found in cavity",
    "Wrong revision installed",
    "Solder bridge on U7",
    "Delamination at bond line",
    "Leak at B-nut",
    "Crimp pull test failure",
    "Burr on edge",
    "Certificate of conformance missing",
)

ISSUE_CAUSES = (
    # (cause, weight): skewed so that a Pareto chart has a clear head
    ("Workmanship", 32),
    ("Supplier defect", 24),
    ("Design", 12),
    ("Tooling", 10),
    ("Documentation", 8),
    ("Handling damage", 6),
    ("Calibration", 5),
    ("Unknown", 3),
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

FIELD_POOLS = {
    # procedure type -> field templates its steps take in turn (1, 2, 3, 1, ... fields per step)
    "BUILD": (
        "Torque (in-lb)",
        "Torque wrench ID",
        "Visual inspection passed",
        "Technician sign-off",
        "Notes",
        "Quality sign-off",
    ),
    "TEST": (
        "Proof pressure (psi)",
        "No leaks observed",
        "Technician sign-off",
        "Test start time",
        "Leak rate (sccs)",
        "Test data file",
        "Resistance (ohm)",
        "Quality sign-off",
    ),
    "INSPECTION": (
        "Surface finish",
        "Defects found",
        "Visual inspection passed",
        "Quality sign-off",
        "Notes",
        "Test data file",
    ),
    "MAINTENANCE": ("Torque (in-lb)", "Torque wrench ID", "Technician sign-off"),
    "REWORK": ("Notes", "Visual inspection passed", "Quality sign-off"),
}

STEP_FIELD_OVERRIDES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Hydrostatic Proof Test", "Proof test at 1.5x MEOP"): (
        "Proof pressure (psi)",
        "No leaks observed",
        "Technician sign-off",
    ),
}
