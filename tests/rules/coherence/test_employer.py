"""Company and establishment coherence controls: each fails on one edit of the clean mensuelle, and the clean
file passes them all."""
from __future__ import annotations

import pytest

from tests.rules.coherence.records import clean, codes_tested_by, edits, put, reported

CASES = [
    ("S21.G00.06.005/CCH-11", lambda r: put(r, "S21.G00.06.010", "BE")),
    ("S21.G00.06.006/CCH-11", lambda r: put(r, "S21.G00.06.006", None)),
    ("S21.G00.11.004/CCH-11", lambda r: put(r, "S21.G00.11.015", "BE")),
    ("S21.G00.11.005/CCH-11", lambda r: put(r, "S21.G00.11.005", None)),
    ("S21.G00.11.017/CCH-11", lambda r: put(r, "S21.G00.11.017", "01")),
    ("S21.G00.11.024/CCH-11", lambda r: put(r, "S21.G00.11.024", "01")),
]

PASSING = [
    ("S21.G00.06.005/CCH-11", lambda r: edits(r, ("S21.G00.06.005", None), ("S21.G00.06.010", "BE"),
                                              ("S21.G00.06.011", "B-1000"))),
    ("S21.G00.11.017/CCH-11", lambda r: edits(r, ("S21.G00.11.017", "01"), ("S21.G00.40.029", "03"))),
    ("S21.G00.11.024/CCH-11", lambda r: edits(r, ("S20.G00.05.002", "02"), ("S21.G00.11.024", "01"))),
]


MODULE = "tests/rules/coherence/test_employer.py"


@pytest.fixture(scope="module")
def clean_codes(tmp_path_factory):
    return reported(clean(), tmp_path_factory.mktemp("clean"), codes_tested_by(MODULE))


@pytest.mark.parametrize(("code", "mutate"), CASES, ids=[c for c, _m in CASES])
def test_control(code, mutate, clean_codes, tmp_path):
    assert code not in clean_codes
    assert code in reported(mutate(clean()), tmp_path, [code])


@pytest.mark.parametrize(("code", "mutate"), PASSING, ids=[c for c, _m in PASSING])
def test_control_passes(code, mutate, tmp_path):
    assert code not in reported(mutate(clean()), tmp_path, [code])


def test_every_control_has_a_case():
    assert codes_tested_by(MODULE) == {c for c, _m in CASES}
