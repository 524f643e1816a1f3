"""Individu coherence controls, its side blocks (S21.G00.34, 86, 98) included: each fails on one edit of the
clean mensuelle, and the clean file passes them all. In the clean file every employee has a private-law contract
(40.007 = 01, base old-age scheme 40.020 = 200), affiliations prévoyance, and one ancienneté of type 07 in months
for its contract; the first employee's contract is CT000001. There is no 34 or 98: the cases add them to the first
employee (34 before its contract, 98 after its ancienneté). Main month March 2025."""
from __future__ import annotations

from tests.rules.coherence.records import add_block, control_case_tests, edits, put
from tests.rules.support import fix_totals, positions

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



def exposure(records, contract: str = "CT000001"):
    index = positions(records, "S21.G00.40.001")[0]
    block = [("S21.G00.34.001", "07"), ("S21.G00.34.002", contract), ("S21.G00.34.003", "2025")]
    return fix_totals(records[:index] + block + records[index:])


def seizure(records, month: str = "022025"):
    return add_block(records, "S21.G00.86.005", [("S21.G00.98.001", "SATD-2025-0001"), ("S21.G00.98.002", "05"),
                                                 ("S21.G00.98.003", "150.00"), ("S21.G00.98.004", month)])


def seniority(records, kind: str = "07", unit: str = "02", value: str = "12", contract: str = "CT000001"):
    """A second ancienneté for the first employee."""
    return add_block(records, "S21.G00.86.005", [("S21.G00.86.001", kind), ("S21.G00.86.002", unit),
                                                 ("S21.G00.86.003", value), ("S21.G00.86.005", contract)])


SIDE_BLOCK_CASES = [
    ("S21.G00.34.001/CCH-11", lambda r: exposure(put(r, "S21.G00.40.020", "120"))),
    ("S21.G00.34.002/CCH-11", lambda r: exposure(r, "CT999999")),
    ("S21.G00.86.001/CCH-12", lambda r: put(r, "S21.G00.86.001", "02")),
    ("S21.G00.86.001/CCH-13", lambda r: seniority(r)),
    ("S21.G00.86.001/CCH-14", lambda r: put(r, "S21.G00.86.001", "06")),
    ("S21.G00.86.003/CCH-11", lambda r: put(r, "S21.G00.86.003", "1189")),
    ("S21.G00.86.003/CCH-12", lambda r: put(r, "S21.G00.86.003", "0")),
    ("S21.G00.86.005/CCH-11", lambda r: put(r, "S21.G00.86.005", "CT999999")),
    ("S21.G00.98.004/CCH-11", lambda r: seizure(r, "032025")),
]

SIDE_BLOCK_PASSING = [
    ("S21.G00.34.001/CCH-11", exposure),
    ("S21.G00.34.001/CCH-11", lambda r: exposure(put(r, "S21.G00.40.020", "300"))),
    ("S21.G00.34.002/CCH-11", exposure),
    ("S21.G00.86.001/CCH-12", lambda r: edits(r, ("S21.G00.86.001", "02"), ("S21.G00.40.007", "03"))),
    ("S21.G00.86.001/CCH-12", lambda r: seniority(put(r, "S21.G00.86.001", "02"), "06")),
    ("S21.G00.86.001/CCH-13", lambda r: seniority(r, "04")),
    ("S21.G00.86.001/CCH-14", lambda r: edits(r, ("S21.G00.86.001", "06"), ("S21.G00.40.007", "29"))),
    ("S21.G00.86.003/CCH-11", lambda r: put(r, "S21.G00.86.003", "1188")),
    ("S21.G00.86.003/CCH-11", lambda r: seniority(r, "04", "03", "99")),
    ("S21.G00.86.003/CCH-12", lambda r: seniority(r, "04", "01", "25")),
    ("S21.G00.86.005/CCH-11", lambda r: seniority(r, "04")),
    ("S21.G00.98.004/CCH-11", seizure),
]


MODULE = "tests/rules/coherence/test_individual.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES + SIDE_BLOCK_CASES, PASSING + SIDE_BLOCK_PASSING)
