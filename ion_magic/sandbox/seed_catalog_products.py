"""The demo factory's products and how they are made: turbopumps, thrust chambers and avionics as top
assemblies, component part families, procedures with their steps and field templates, and the defects and
causes its quality issues report.

Data only; the seed's stages draw from it with a fixed random seed.
"""

from __future__ import annotations

from typing import Any

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
