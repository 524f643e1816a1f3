"""Affiliation and ayant-droit coherence controls (S21.G00.70, 73): each fails on one edit of the clean
mensuelle (first employee: affiliations 1 and 2; third employee: a family option with three ayants droit)."""
from __future__ import annotations

import pytest

from tests.rules.coherence.records import codes_tested_by, edits, put
from tests.rules.coherence.test_remuneration import baseline, reported

CASES = [
    ("S21.G00.70.012/CCH-11", lambda r: put(r, "S21.G00.70.012", "1", 1)),
    ("S21.G00.70.013/CCH-11", lambda r: put(r, "S21.G00.70.013", "9")),
    ("S21.G00.70.013/CCH-12", lambda r: edits(r, ("S21.G00.70.004", "BASE", 1), ("S21.G00.70.005", "CADRES", 1),
                                              ("S21.G00.70.013", "1", 1))),
    ("S21.G00.70.015/CCH-11", lambda r: put(r, "S21.G00.70.015", "01012023")),
    ("S21.G00.73.005/CCH-11", lambda r: put(r, "S21.G00.73.005", "01011900")),
    ("S21.G00.73.007/CCH-11", lambda r: put(r, "S21.G00.73.007", "1940220379079")),
    ("S21.G00.73.007/CCH-12", lambda r: put(r, "S21.G00.73.007", "1940213999999")),
    ("S21.G00.73.011/CCH-11", lambda r: put(r, "S21.G00.73.011", "01012023")),
]

PASSING = [
    ("S21.G00.70.013/CCH-12", lambda r: edits(r, ("S21.G00.70.004", "BASE", 1), ("S21.G00.70.005", "CADRES", 1))),
    ("S21.G00.70.015/CCH-11", lambda r: put(r, "S21.G00.70.015", "01012024")),
    ("S21.G00.73.005/CCH-11", lambda r: put(r, "S21.G00.73.005", "99991994")),
    ("S21.G00.73.007/CCH-11", lambda r: put(r, "S21.G00.73.007", "19402" + "2A" + "379079")),
    ("S21.G00.73.007/CCH-12", lambda r: put(r, "S21.G00.73.007", "1940213999990")),
]


@pytest.mark.parametrize(("code", "mutate"), CASES, ids=[c for c, _m in CASES])
def test_fails(code, mutate, tmp_path):
    assert code in reported(mutate(baseline()), tmp_path, code)


@pytest.mark.parametrize(("code", "mutate"), PASSING, ids=[c for c, _m in PASSING])
def test_passes(code, mutate, tmp_path):
    assert code not in reported(mutate(baseline()), tmp_path, code)


def test_every_control_has_a_case():
    assert codes_tested_by("tests/rules/coherence/test_affiliation.py") == {c for c, _m in CASES}
