"""Retraite complémentaire coherence controls (S21.G00.71, 72, 83, 84): each fails on one edit of the clean
mensuelle, and the clean file passes them all. The clean file has one 71 (RUAA) per contract and no 72, 83 or
84: the cases add them to the first employee (72 under its 71, 83 and 84 at the end of its versement, before
its ancienneté). Main month March 2025."""
from __future__ import annotations

from tests.rules.coherence.records import add_block, control_case_tests, edits, put
from tests.rules.support import fix_totals, positions

WRONG = [("S21.G00.72.001", "RETA")]
PERIOD = [("S21.G00.83.001", "01012025"), ("S21.G00.83.002", "31012025")]


def base(start: str = "01012025", end: str = "31012025") -> list:
    return [("S21.G00.84.001", "02"), ("S21.G00.84.002", start), ("S21.G00.84.003", end),
            ("S21.G00.84.004", "100.00"), ("S21.G00.84.005", "CT000001")]


def before(records, code: str, block: list, occurrence: int = 0):
    """A copy with ``block`` inserted before the ``occurrence``-th record ``code``."""
    index = positions(records, code)[occurrence]
    return fix_totals(records[:index] + block + records[index:])


def wrong(records, affiliation=WRONG, period=PERIOD, bases=()):
    """The first employee with an affiliation à tort (72), its period (83) and bases (84), each when given."""
    if affiliation:
        records = add_block(records, "S21.G00.71.002", affiliation)
    if period:
        records = before(records, "S21.G00.86.001", [*period, *[r for b in bases for r in b]])
    return records


def p24(records):
    """The 2024 norm, which still has 71.003 and 72.002."""
    return put(put(records, "S10.G00.00.006", "P24V01"), "S21.G00.71.003", "ADH-RC-1")


CASES = [
    ("S21.G00.71.002/CCH-12", lambda r: add_block(r, "S21.G00.71.002", [("S21.G00.71.002", "90000")])),
    ("S21.G00.71.002/CCH-13", lambda r: put(r, "S21.G00.71.002", "RETC", 1)),
    ("S21.G00.72.001/CCH-11", lambda r: wrong(r, [("S21.G00.72.001", "RUAA")])),
    ("S21.G00.72.002/CCH-11", lambda r: add_block(p24(r), "S21.G00.71.003", [*WRONG, ("S21.G00.72.002", "ADH-RC-1")])),
    ("S21.G00.83.001/CCH-11", lambda r: wrong(r, period=())),
    ("S21.G00.83.002/CCH-11", lambda r: wrong(r, period=[("S21.G00.83.001", "01022025"),
                                                         ("S21.G00.83.002", "31012025")])),
    ("S21.G00.83.002/CCH-12", lambda r: wrong(r, period=[("S21.G00.83.001", "01022025"),
                                                         ("S21.G00.83.002", "01032025")])),
    ("S21.G00.84.002/CCH-11", lambda r: wrong(r, bases=[base(start="31122024")])),
    ("S21.G00.84.003/CCH-11", lambda r: wrong(r, bases=[base(start="15012025", end="10012025")])),
    ("S21.G00.84.003/CCH-12", lambda r: wrong(r, period=[("S21.G00.83.001", "01022025"),
                                                         ("S21.G00.83.002", "31032025")],
                                              bases=[base(start="01022025", end="01032025")])),
    ("S21.G00.84.003/CCH-13", lambda r: wrong(r, bases=[base(end="01022025")])),
]



def well_formed(records):
    """An affiliation à tort with its period and one base, all consistent."""
    return wrong(records, bases=[base()])


PASSING = [
    ("S21.G00.71.002/CCH-12", lambda r: put(r, "S21.G00.71.002", "90000")),
    ("S21.G00.71.002/CCH-13", lambda r: put(r, "S21.G00.71.002", "RETC")),
    ("S21.G00.71.002/CCH-13", lambda r: edits(r, ("S21.G00.71.002", "RETC", 1), ("S21.G00.40.002", "04", 1))),
    ("S21.G00.72.001/CCH-11", lambda r: wrong(put(r, "S21.G00.71.002", "IRCANTEC"), [("S21.G00.72.001", "IRCANTEC")])),
    ("S21.G00.72.002/CCH-11", lambda r: add_block(p24(r), "S21.G00.71.003", [*WRONG, ("S21.G00.72.002", "ADH-RC-0")])),
    *[(code, well_formed) for code in ("S21.G00.72.001/CCH-11", "S21.G00.83.001/CCH-11", "S21.G00.83.002/CCH-11",
                                       "S21.G00.83.002/CCH-12", "S21.G00.84.002/CCH-11", "S21.G00.84.003/CCH-11",
                                       "S21.G00.84.003/CCH-12", "S21.G00.84.003/CCH-13")],
]


MODULE = "tests/rules/coherence/test_retirement.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES, PASSING)
