"""Adhésion prévoyance coherence controls: each fails on one edit of the clean mensuelle, and the clean file
passes them all."""
from __future__ import annotations

from tests.rules.coherence.records import add_block, control_case_tests, edits, put

UNCOVERED = [("S21.G00.15.001", "PREV-EXTRA"), ("S21.G00.15.002", "P3617"), ("S21.G00.15.004", "02"),
             ("S21.G00.15.005", "3")]

CASES = [
    ("S21.G00.15.001/CCH-11", lambda r: put(r, "S21.G00.15.001", "PREV-352353/CAD-NCAD", 1)),
    ("S21.G00.15.001/CCH-13", lambda r: add_block(r, "S21.G00.15.005", [*UNCOVERED[:2], ("S21.G00.15.004", "01"),
                                                                         ("S21.G00.15.005", "3")], 1)),
    ("S21.G00.15.001/CCH-14", lambda r: put(r, "S21.G00.15.004", "02")),
    ("S21.G00.15.005/CCH-11", lambda r: put(r, "S21.G00.15.005", "1", 1)),
]

PASSING = [
    ("S21.G00.15.001/CCH-13", lambda r: add_block(r, "S21.G00.15.005", UNCOVERED, 1)),
    ("S21.G00.15.001/CCH-14", lambda r: edits(r, ("S21.G00.15.004", "02"), ("S21.G00.11.002", "7820Z"))),
]


MODULE = "tests/rules/coherence/test_adhesion.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES, PASSING)
