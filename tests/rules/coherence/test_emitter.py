"""Émetteur coherence controls (S10.G00.01): each fails on one edit of the clean mensuelle, and the clean file
passes them all."""
from __future__ import annotations

from tests.rules.coherence.records import control_case_tests, edits, put

CASES = [
    ("S10.G00.01.005/CCH-12", lambda r: put(r, "S10.G00.01.007", "BE")),
    ("S10.G00.01.006/CCH-11", lambda r: put(r, "S10.G00.01.006", None)),
]

PASSING = [
    ("S10.G00.01.005/CCH-12", lambda r: edits(r, ("S10.G00.01.005", None), ("S10.G00.01.007", "BE"),
                                              ("S10.G00.01.008", "B-1000"))),
    ("S10.G00.01.006/CCH-11", lambda r: edits(r, ("S10.G00.01.005", None), ("S10.G00.01.006", None),
                                              ("S10.G00.01.007", "BE"), ("S10.G00.01.008", "B-1000"))),
]


MODULE = "tests/rules/coherence/test_emitter.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES, PASSING)
