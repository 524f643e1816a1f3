"""Envoi and déclaration coherence controls: each fails on one edit of the clean mensuelle, and the clean file
passes them all."""
from __future__ import annotations

from tests.rules.coherence.records import add_block, control_case_tests, edits, put
from tests.rules.coherence.test_non_salaries import with_s89
from tests.rules.support import fix_totals

NIR = "2910360704270"  # the first employee's NIR in the clean file


def without(records, *blocks):
    return fix_totals([r for r in records if r[0][:10] not in blocks])


def individuals_removed(records):
    return fix_totals([r for r in records if not ("S21.G00.30" <= r[0][:10] <= "S21.G00.86")])


def with_annulment(records):
    """The envoi with a second déclaration that annuls and replaces the first one."""
    first = next(i for i, r in enumerate(records) if r[0] == "S20.G00.05.001")
    end = next(i for i, r in enumerate(records) if r[0].startswith("S90"))
    second = [("S20.G00.05.002", "03") if c == "S20.G00.05.002" else (c, v) for c, v in records[first:end]]
    at = next(i for i, (c, _v) in enumerate(second) if c == "S20.G00.05.005") + 1
    second.insert(at, ("S20.G00.05.006", "05042025" + "1"))
    return fix_totals(records[:end] + second + records[end:])


EXTRA_ADHESION = [("S21.G00.15.001", "PREV-EXTRA"), ("S21.G00.15.002", "P3617"), ("S21.G00.15.004", "01"),
                  ("S21.G00.15.005", "3")]

CASES = [
    ("S10.G00.00.008/CCH-11", lambda r: put(r, "S10.G00.00.008", "02")),
    ("S20.G00.05.001/CCH-11", lambda r: put(r, "S20.G00.05.001", "08")),
    ("S20.G00.05.001/CCH-12", lambda r: without(put(r, "S20.G00.05.001", "08"), "S21.G00.86")),
    ("S20.G00.05.001/CCH-13", lambda r: add_block(put(r, "S20.G00.05.001", "08"), "S21.G00.15.005", EXTRA_ADHESION, 1)),
    ("S20.G00.05.002/CCH-11", with_annulment),
    ("S20.G00.05.002/CCH-13", lambda r: put(r, "S20.G00.05.002", "04")),
    ("S20.G00.05.002/CCH-14", lambda r: edits(r, ("S20.G00.05.001", "04"), ("S20.G00.05.002", "02"))),
    ("S20.G00.05.002/CCH-15", lambda r: edits(r, ("S20.G00.05.001", "08"), ("S20.G00.05.002", "03"))),
    ("S20.G00.05.002/CCH-16", individuals_removed),
    ("S20.G00.05.003/CCH-11", lambda r: edits(r, ("S20.G00.05.001", "04"), ("S20.G00.05.003", "12"))),
    ("S20.G00.05.006/CCH-12", lambda r: put(r, "S20.G00.05.006", "050420251")),
    ("S20.G00.05.008/CCH-11", lambda r: put(r, "S20.G00.05.008", "02")),
    ("S20.G00.05.008/CCH-12", lambda r: edits(r, ("S10.G00.00.007", "02"), ("S20.G00.05.008", "03"))),
    ("S20.G00.05.009/CCH-11", lambda r: put(r, "S20.G00.05.009", NIR)),
    ("S20.G00.05.011/CCH-11", lambda r: put(r, "S20.G00.05.011", "06")),
    ("S20.G00.05.011/CCH-11", lambda r: put(with_s89(r), "S20.G00.05.011", "07")),
    ("S20.G00.05.011/CCH-12", lambda r: without(put(r, "S20.G00.05.011", "03"), "S21.G00.15")),
    ("S20.G00.05.011/CCH-13", lambda r: put(r, "S20.G00.05.011", "07")),
    ("S20.G00.05.011/CCH-14", lambda r: put(r, "S20.G00.05.011", "07")),
    ("S20.G00.05.012/CCH-11", lambda r: put(r, "S20.G00.05.011", "02")),
]

# Edits that meet a control's condition in a valid way: the control stays silent.
PASSING = [
    ("S20.G00.05.003/CCH-11", lambda r: edits(r, ("S20.G00.05.001", "04"), ("S20.G00.05.003", "11"))),
    ("S20.G00.05.006/CCH-12", lambda r: edits(r, ("S20.G00.05.002", "03"), ("S20.G00.05.006", "050420251"))),
    # « renseignée avec une valeur différente de 03 et 04 »: a missing type (mandatory) is not a different one
    ("S20.G00.05.006/CCH-12", lambda r: edits(r, ("S20.G00.05.002", None), ("S20.G00.05.006", "050420251"))),
    ("S20.G00.05.011/CCH-11", with_s89),  # a mensuelle (no .011) may declare individus non salariés
    ("S20.G00.05.011/CCH-12", lambda r: put(r, "S20.G00.05.011", "03")),
    ("S20.G00.05.012/CCH-11", lambda r: edits(r, ("S20.G00.05.011", "02"), ("S20.G00.05.012", "53464097409712"))),
]


MODULE = "tests/rules/coherence/test_declaration.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES, PASSING)
