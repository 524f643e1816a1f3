"""Individu coherence controls: each fails on one edit of the clean mensuelle, and the clean file passes them
all."""
from __future__ import annotations

from tests.rules.coherence.records import add_block, control_case_tests, edits, put

CASES = [
    ("S21.G00.30.006/CCH-11", lambda r: put(r, "S21.G00.30.006", "07031990")),
    ("S21.G00.30.006/CCH-12", lambda r: edits(r, ("S21.G00.30.001", None), ("S21.G00.30.006", "07031890"))),
    ("S21.G00.30.007/CCH-11", lambda r: put(r, "S21.G00.30.007", None)),
    ("S21.G00.30.009/CCH-12", lambda r: put(r, "S21.G00.30.011", "BE")),
    ("S21.G00.30.010/CCH-11", lambda r: put(r, "S21.G00.30.010", None)),
    ("S21.G00.30.014/CCH-11", lambda r: edits(r, ("S21.G00.30.014", "2A"), ("S21.G00.30.006", "07031970"))),
    ("S21.G00.30.025/CCH-11", lambda r: edits(r, ("S21.G00.40.007", "02"), ("S21.G00.40.008", "64"),
                                              ("S21.G00.40.010", "31122026"))),
    ("S21.G00.30.029/CCH-11", lambda r: edits(r, ("S21.G00.30.014", "99"), ("S21.G00.30.007", None))),
    ("S21.G00.31.001/CCH-12", lambda r: add_block(r, "S21.G00.30.019", [("S21.G00.31.001", "01032025")])),
    ("S21.G00.31.011/CCH-12", lambda r: add_block(r, "S21.G00.30.019", [("S21.G00.31.001", "01032025"),
                                                                       ("S21.G00.31.011", "01011800")])),
]

PASSING = [
    ("S21.G00.30.014/CCH-11", lambda r: edits(r, ("S21.G00.30.014", "2A"), ("S21.G00.30.001", "2910320A04270"))),
    ("S21.G00.30.029/CCH-11", lambda r: edits(r, ("S21.G00.30.014", "99"), ("S21.G00.30.007", None),
                                              ("S21.G00.30.029", "BELGIQUE"))),
    ("S21.G00.31.011/CCH-12", lambda r: add_block(r, "S21.G00.30.019", [("S21.G00.31.001", "01032025"),
                                                                       ("S21.G00.31.011", "07031991")])),
]


MODULE = "tests/rules/coherence/test_individual.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES, PASSING)
