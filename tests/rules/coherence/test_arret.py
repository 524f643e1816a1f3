"""Arrêt de travail and suspension coherence controls (S21.G00.60, 65): each fails on one edit of the clean
mensuelle to which an arrêt or a suspension of the first contract is added."""
from __future__ import annotations

import pytest

from tests.rules.coherence.records import add_block, codes_tested_by, edits, put
from tests.rules.coherence.test_remuneration import baseline, reported

ARRET = [("S21.G00.60.001", "01"), ("S21.G00.60.002", "05032025"), ("S21.G00.60.003", "20032025"),
         ("S21.G00.60.004", "02")]
SUSPENSION = [("S21.G00.65.001", "501"), ("S21.G00.65.002", "10032025"), ("S21.G00.65.003", "12032025")]


def arret(records, *changes, contract: int = 0):
    """The clean file with an arrêt of the ``contract``-th contract, then ``changes`` applied to it."""
    return edits(add_block(records, "S21.G00.40.043", ARRET, contract), *changes)


def suspension(records, *changes, contract: int = 0):
    return edits(add_block(records, "S21.G00.40.043", SUSPENSION, contract), *changes)


def signalement(records, nature: str = "04"):
    return put(records, "S20.G00.05.001", nature)


CASES = [
    ("S21.G00.60.001/CCH-12", lambda r: arret(signalement(r), ("S21.G00.60.001", "99"))),
    ("S21.G00.60.001/CCH-14", lambda r: arret(signalement(r), ("S21.G00.60.001", "15"))),
    ("S21.G00.60.002/CCH-12", lambda r: arret(r, ("S21.G00.60.002", "25032025"))),
    ("S21.G00.60.002/CCH-13", lambda r: arret(r, ("S21.G00.60.002", "01022025"), contract=1)),
    ("S21.G00.60.002/CCH-16", lambda r: arret(r, ("S21.G00.60.002", "02042025"), ("S21.G00.60.003", "20042025"))),
    ("S21.G00.60.002/CCH-17", lambda r: arret(r, ("S21.G00.60.002", "17032025"), contract=2)),
    ("S21.G00.60.002/CCH-18", lambda r: arret(signalement(r, "05"), ("S21.G00.60.002", "01022025"), contract=1)),
    ("S21.G00.60.005/CCH-11", lambda r: arret(r, ("S21.G00.60.004", "01"), ("S21.G00.60.006", "20032025"))),
    ("S21.G00.60.006/CCH-11", lambda r: arret(r, ("S21.G00.60.006", "20032025"))),
    ("S21.G00.60.006/CCH-12", lambda r: arret(r, ("S21.G00.60.004", "01"), ("S21.G00.60.005", "20032025"),
                                              ("S21.G00.60.006", "06032025"))),
    ("S21.G00.60.007/CCH-11", lambda r: arret(r, ("S21.G00.60.004", "01"))),
    ("S21.G00.60.008/CCH-11", lambda r: arret(r, ("S21.G00.60.004", "01"))),
    ("S21.G00.60.010/CCH-11", lambda r: arret(r, ("S21.G00.60.010", "04032025"))),
    ("S21.G00.60.011/CCH-12", lambda r: arret(signalement(r, "05"), ("S21.G00.60.010", "10032025"),
                                              ("S21.G00.60.011", "02"))),
    # the mensuelle model forbids 60.012, so the control is checked in a signalement d'arrêt (nature 04)
    ("S21.G00.60.012/CCH-11", lambda r: arret(put(r, "S20.G00.05.001", "04"), ("S21.G00.60.001", "06"))),
    ("S21.G00.65.002/CCH-11", lambda r: suspension(r, ("S21.G00.65.002", "01022025"), contract=1)),
    ("S21.G00.65.002/CCH-13", lambda r: suspension(r, ("S21.G00.65.002", "16032025"), ("S21.G00.65.003", "20032025"),
                                                   contract=2)),
    ("S21.G00.65.003/CCH-11", lambda r: suspension(r, ("S21.G00.65.003", "09032025"))),
    ("S21.G00.65.004/CCH-11", lambda r: suspension(r, ("S21.G00.65.001", "655"))),
]

PASSING = [
    ("S21.G00.60.001/CCH-12", lambda r: arret(r, ("S21.G00.60.001", "99"))),
    ("S21.G00.60.002/CCH-13", lambda r: arret(r, ("S21.G00.60.001", "15"), ("S21.G00.60.002", "01022025"),
                                              contract=1)),
    ("S21.G00.60.002/CCH-17", lambda r: arret(r, ("S21.G00.60.002", "17032025"), ("S21.G00.60.001", "99"),
                                              contract=2)),
    ("S21.G00.60.005/CCH-11", lambda r: arret(r, ("S21.G00.60.004", "01"), ("S21.G00.60.005", "06032025"),
                                              ("S21.G00.60.006", "20032025"))),
    ("S21.G00.60.012/CCH-11", lambda r: arret(r, ("S21.G00.60.001", "06"), ("S21.G00.60.012", "05032025"))),
    ("S21.G00.65.002/CCH-13", lambda r: suspension(r, ("S21.G00.65.001", "998"), ("S21.G00.65.002", "16032025"),
                                                   ("S21.G00.65.003", "20032025"), contract=2)),
    ("S21.G00.65.004/CCH-11", lambda r: suspension(r, ("S21.G00.65.001", "655"), ("S21.G00.65.004", "01"))),
]


@pytest.mark.parametrize(("code", "mutate"), CASES, ids=[c for c, _m in CASES])
def test_fails(code, mutate, tmp_path):
    assert code in reported(mutate(baseline()), tmp_path, code)


@pytest.mark.parametrize(("code", "mutate"), PASSING, ids=[c for c, _m in PASSING])
def test_passes(code, mutate, tmp_path):
    assert code not in reported(mutate(baseline()), tmp_path, code)


def test_every_control_has_a_case():
    assert codes_tested_by("tests/rules/coherence/test_arret.py") == {c for c, _m in CASES}
