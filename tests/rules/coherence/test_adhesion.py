"""Adhésion prévoyance coherence controls: each fails on one edit of the clean mensuelle, and the clean file
passes them all."""
from __future__ import annotations

import pytest

from tests.rules.coherence.records import add_block, clean, codes_tested_by, edits, put, reported

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
