"""Base assujettie, composant and cotisation coherence controls (S21.G00.78, 79, 81): each fails on one edit of
the clean mensuelle. First employee: bases 02, 03, 04 (78 occurrences 0–2) then base 31 for affiliations 1
and 2 (occurrences 3, 4) with composants 11, 13 / 11, 20 (79 occurrences 0–3) and cotisations 059 (81
occurrences 8, 9)."""
from __future__ import annotations

import pytest

from tests.rules.coherence.records import add_block, codes_tested_by, edits, instances, put
from tests.rules.coherence.test_remuneration import baseline, reported
from tests.rules.support import fix_totals


def drop_blocks(records, block: str, *occurrences: int):
    """A copy without the given instances of ``block``."""
    spans = [instances(records, block)[i] for i in occurrences]
    return fix_totals([r for i, r in enumerate(records) if not any(s <= i < e for s, e in spans)])


def fctu(records):
    return put(records, "S20.G00.05.001", "07")


def unknown_contract(records):
    return edits(records, *[("S21.G00.51.010", "CT999999", i) for i in range(4)])


SMIC = [("S21.G00.79.001", "01"), ("S21.G00.79.004", "1801.80")]

CASES = [
    ("S21.G00.78.001/CCH-11", lambda r: put(r, "S21.G00.78.001", "21")),
    ("S21.G00.78.001/CCH-13", lambda r: put(r, "S21.G00.78.005", "1", 4)),
    ("S21.G00.78.001/CCH-14", fctu),
    ("S21.G00.78.001/CCH-24", lambda r: put(r, "S21.G00.78.001", "20")),
    ("S21.G00.78.001/CCH-25", lambda r: put(fctu(r), "S21.G00.78.001", "21")),
    ("S21.G00.78.001/CCH-26", lambda r: put(fctu(r), "S21.G00.78.001", "20")),
    ("S21.G00.78.003/CCH-12", lambda r: put(r, "S21.G00.78.003", "28022025")),
    ("S21.G00.78.003/CCH-15", lambda r: put(r, "S21.G00.78.003", "05042025")),
    ("S21.G00.78.003/CCH-16", lambda r: put(r, "S21.G00.78.002", "01122024")),
    ("S21.G00.78.004/CCH-11", lambda r: put(r, "S21.G00.78.004", "10.00", 3)),
    ("S21.G00.78.005/CCH-11", lambda r: put(r, "S21.G00.78.005", "7", 3)),
    ("S21.G00.78.005/CCH-12", unknown_contract),
    ("S21.G00.78.007/CCH-11", lambda r: put(r, "S21.G00.78.007", "CRM123")),
    ("S21.G00.79.001/CCH-11", lambda r: drop_blocks(r, "S21.G00.79", 0, 1)),
    ("S21.G00.79.001/CCH-12", lambda r: put(r, "S21.G00.79.001", "07")),
    ("S21.G00.79.001/CCH-13", lambda r: put(r, "S21.G00.79.001", "23", 3)),
    ("S21.G00.79.001/CCH-14", lambda r: put(r, "S21.G00.79.001", "01")),
    ("S21.G00.79.001/CCH-16", lambda r: put(r, "S21.G00.79.001", "11", 1)),
    ("S21.G00.79.001/CCH-17", lambda r: put(r, "S21.G00.79.001", "90")),
    ("S21.G00.79.005/CCH-11", lambda r: put(r, "S21.G00.79.005", "CRM123")),
    ("S21.G00.81.001/CCH-11", lambda r: put(r, "S21.G00.78.001", "28")),
    ("S21.G00.81.001/CCH-13", lambda r: put(r, "S21.G00.81.001", "059")),
    ("S21.G00.81.001/CCH-15", lambda r: put(r, "S21.G00.81.001", "076", 8)),
    ("S21.G00.81.001/CCH-16", lambda r: edits(r, ("S21.G00.81.001", "018"), ("S21.G00.81.003", None))),
    ("S21.G00.81.001/CCH-17", lambda r: put(r, "S21.G00.81.001", "018")),
    ("S21.G00.81.002/CCH-11", lambda r: put(r, "S21.G00.81.002", "78806737012937", 8)),
    ("S21.G00.81.003/CCH-11", lambda r: edits(r, ("S21.G00.81.001", "060"), ("S21.G00.81.003", None))),
    ("S21.G00.81.003/CCH-12", lambda r: put(r, "S21.G00.81.003", "100.00", 8)),
    ("S21.G00.81.004/CCH-11", lambda r: put(r, "S21.G00.81.004", None, 8)),
    ("S21.G00.81.004/CCH-12", lambda r: edits(r, ("S21.G00.81.001", "063"), ("S21.G00.81.004", None))),
    ("S21.G00.81.004/CCH-13", lambda r: edits(r, ("S21.G00.81.001", "060"), ("S21.G00.81.004", None))),
    ("S21.G00.81.005/CCH-11", lambda r: put(r, "S21.G00.81.005", "75056", 8)),
    ("S21.G00.81.006/CCH-11", lambda r: put(r, "S21.G00.81.006", "CRM123")),
]

PASSING = [
    ("S21.G00.78.001/CCH-24", lambda r: put(put(r, "S21.G00.78.001", "20"), "S21.G00.40.022", "01")),
    ("S21.G00.78.007/CCH-11", lambda r: edits(r, ("S21.G00.78.002", "01022025"), ("S21.G00.78.003", "28022025"),
                                              ("S21.G00.78.007", "CRM123"))),
    ("S21.G00.79.001/CCH-13", lambda r: edits(r, ("S21.G00.79.001", "23", 3), ("S21.G00.81.004", "0.00", 9))),
    ("S21.G00.81.001/CCH-17", lambda r: add_block(put(r, "S21.G00.81.001", "018", 1), "S21.G00.78.004", SMIC, 1)),
    # a missing value (78.003, 78.004, 78.001 are mandatory: the structure checks report them) is not a value
    # that breaks the control
    ("S21.G00.78.004/CCH-11", lambda r: put(r, "S21.G00.78.004", None, 3)),
    ("S21.G00.78.007/CCH-11", lambda r: edits(r, ("S21.G00.78.003", None), ("S21.G00.78.007", "CRM123"))),
    ("S21.G00.79.005/CCH-11", lambda r: edits(r, ("S21.G00.78.003", None, 3), ("S21.G00.79.005", "CRM123"))),
    ("S21.G00.81.006/CCH-11", lambda r: edits(r, ("S21.G00.78.003", None), ("S21.G00.81.006", "CRM123"))),
    ("S21.G00.79.001/CCH-14", lambda r: edits(r, ("S21.G00.78.001", None, 3), ("S21.G00.79.001", "01"))),
]


@pytest.mark.parametrize(("code", "mutate"), CASES, ids=[c for c, _m in CASES])
def test_fails(code, mutate, tmp_path):
    assert code in reported(mutate(baseline()), tmp_path, code)


@pytest.mark.parametrize(("code", "mutate"), PASSING, ids=[c for c, _m in PASSING])
def test_passes(code, mutate, tmp_path):
    assert code not in reported(mutate(baseline()), tmp_path, code)


def test_every_control_has_a_case():
    assert codes_tested_by("tests/rules/coherence/test_bases.py") == {c for c, _m in CASES}
