"""End-of-contract coherence controls (S21.G00.62, 63): each fails on one edit of the clean file, whose third
employee resigns (motif 059) on 15 March 2025 after a worked notice. The mensuelle model forbids the notice
blocks (S21.G00.63) and 62.003/62.004, so the baseline is the generated file with them, declared as an FCTU
(nature 07), whose model allows them."""
from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import monthly_records
from tests.rules.coherence.records import add_block, codes_tested_by, edits, put
from tests.rules.coherence.test_remuneration import reported
from tests.rules.support import MONTH


@cache
def _baseline() -> tuple:
    company = make_company(seed=7, employees=4, months=3, start_month=date(2025, 1, 1), norm="P25V01")
    return tuple(put(monthly_records(company, MONTH, keep_forbidden=True), "S20.G00.05.001", "07"))


def baseline() -> list:
    return list(_baseline())

LEAVER = 2  # contract occurrence of the employee whose contract ends


def contract(records, code: str, value: str | None):
    return put(records, code, value, LEAVER)


def second_notice(records, start: str):
    return add_block(records, "S21.G00.63.003", [("S21.G00.63.001", "01"), ("S21.G00.63.002", start),
                                                  ("S21.G00.63.003", "25032025")])


CASES = [
    ("S21.G00.62.001/CCH-11", lambda r: put(r, "S21.G00.62.004", "20032025")),
    ("S21.G00.62.002/CCH-11", lambda r: put(r, "S21.G00.62.002", "031")),
    ("S21.G00.62.002/CCH-12", lambda r: edits(r, ("S20.G00.05.001", "07"), ("S21.G00.62.002", "998"))),
    ("S21.G00.62.002/CCH-13", lambda r: edits(r, ("S20.G00.05.001", "07"), ("S21.G00.62.002", "099"))),
    ("S21.G00.62.002/CCH-14", lambda r: put(r, "S21.G00.62.002", "116")),
    ("S21.G00.62.003/CCH-11", lambda r: put(r, "S21.G00.62.003", "20032025")),
    ("S21.G00.62.003/CCH-12", lambda r: put(r, "S21.G00.62.003", None)),
    ("S21.G00.62.004/CCH-11", lambda r: put(r, "S21.G00.62.002", "043")),
    ("S21.G00.62.005/CCH-11", lambda r: put(r, "S21.G00.62.005", "20032025")),
    ("S21.G00.62.005/CCH-12", lambda r: put(r, "S21.G00.62.002", "020")),
    ("S21.G00.62.006/CCH-12", lambda r: edits(r, ("S21.G00.63.001", "02"), ("S21.G00.62.006", "20022025"))),
    ("S21.G00.62.006/CCH-14", lambda r: contract(r, "S21.G00.40.007", "03")),
    ("S21.G00.62.006/CCH-15", lambda r: put(r, "S21.G00.62.006", "20032025")),
    ("S21.G00.62.006/CCH-16", lambda r: contract(r, "S21.G00.40.021", "05")),
    ("S21.G00.62.011/CCH-11", lambda r: put(r, "S21.G00.62.011", "2.00")),
    ("S21.G00.62.013/CCH-11", lambda r: put(r, "S21.G00.62.002", "026")),
    ("S21.G00.62.017/CCH-11", lambda r: contract(contract(r, "S21.G00.40.007", "02"), "S21.G00.40.021", "05")),
    ("S21.G00.62.017/CCH-12", lambda r: put(r, "S21.G00.62.017", "01")),
    ("S21.G00.62.018/CCH-11", lambda r: put(r, "S21.G00.62.018", "2.00")),
    ("S21.G00.62.019/CCH-12", lambda r: put(r, "S21.G00.62.019", "5.00")),
    ("S21.G00.63.001/CCH-11", lambda r: put(r, "S21.G00.62.002", "034")),
    ("S21.G00.63.001/CCH-12", lambda r: put(r, "S21.G00.62.002", "043")),
    ("S21.G00.63.001/CCH-13", lambda r: put(r, "S21.G00.62.002", "026")),
    ("S21.G00.63.001/CCH-14", lambda r: put(r, "S21.G00.63.001", "61")),
    ("S21.G00.63.002/CCH-11", lambda r: put(r, "S21.G00.63.001", "90")),
    ("S21.G00.63.002/CCH-13", lambda r: put(r, "S21.G00.63.002", "10022025")),
    ("S21.G00.63.002/CCH-14", lambda r: put(r, "S21.G00.62.005", "20022025")),
    ("S21.G00.63.002/CCH-15", lambda r: second_notice(r, "20032025")),
    ("S21.G00.63.002/CCH-16", lambda r: put(r, "S21.G00.63.002", "01012016")),
    ("S21.G00.63.003/CCH-13", lambda r: put(r, "S21.G00.63.003", "14022025")),
    ("S21.G00.63.003/CCH-14", lambda r: put(r, "S21.G00.63.003", None)),
]

PASSING = [
    ("S21.G00.62.002/CCH-11", lambda r: contract(put(r, "S21.G00.62.002", "036"), "S21.G00.40.008", "64")),
    ("S21.G00.62.004/CCH-11", lambda r: edits(r, ("S21.G00.62.002", "043"), ("S21.G00.62.004", "01032025"))),
    ("S21.G00.62.006/CCH-15", lambda r: put(r, "S21.G00.62.006", "15032025")),
    ("S21.G00.63.001/CCH-13", lambda r: edits(r, ("S21.G00.62.002", "026"), ("S21.G00.63.001", "10"))),
    ("S21.G00.63.002/CCH-14", lambda r: put(r, "S21.G00.62.005", "14022025")),
    ("S21.G00.63.002/CCH-15", lambda r: second_notice(r, "16032025")),
    # a contract without base old-age scheme (40.020 is mandatory) is not one "other than ENIM"
    ("S21.G00.62.002/CCH-14", lambda r: contract(put(r, "S21.G00.62.002", "116"), "S21.G00.40.020", None)),
    ("S21.G00.62.019/CCH-12", lambda r: contract(put(r, "S21.G00.62.019", "5.00"), "S21.G00.40.020", None)),
]


@pytest.mark.parametrize(("code", "mutate"), CASES, ids=[c for c, _m in CASES])
def test_fails(code, mutate, tmp_path):
    assert code in reported(mutate(baseline()), tmp_path, code)


@pytest.mark.parametrize(("code", "mutate"), PASSING, ids=[c for c, _m in PASSING])
def test_passes(code, mutate, tmp_path):
    assert code not in reported(mutate(baseline()), tmp_path, code)


def test_every_control_has_a_case():
    assert codes_tested_by("tests/rules/coherence/test_fin_contrat.py") == {c for c, _m in CASES}
