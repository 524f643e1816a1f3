"""SIG controls (warnings): each fails on one edit of the clean mensuelle (main month March 2025, file date
5 April 2025), or of the same file turned into a signalement (nature 04) for the § 4.4.13 datation rules."""
from __future__ import annotations

import pytest

from rules import REGISTRY
from tests.rules.coherence.records import add_block, codes_tested_by, edits, put
from tests.rules.coherence.test_remuneration import baseline, in_versement, reported
from tests.rules.support import fix_totals

LATE, AFTER_FILE = "05042025", "10042025"  # after the main month / after the file date
ARRET = [("S21.G00.60.001", "01"), ("S21.G00.60.002", "05032025"), ("S21.G00.60.003", "20032025"),
         ("S21.G00.60.004", "02")]


def arret(records, *changes):
    return edits(add_block(records, "S21.G00.40.043", ARRET), *changes)


def block(records, after: str, new: list, occurrence: int = 0):
    return add_block(records, after, new, occurrence)


def before_total(records, new: list):
    """A copy with ``new`` blocks (S89) added at the end of the déclaration."""
    at = next(i for i, (c, _v) in enumerate(records) if c.startswith("S90"))
    return fix_totals(records[:at] + new + records[at:])


def signalement(records):
    return put(records, "S20.G00.05.001", "04")


def p24(records):
    return put(records, "S10.G00.00.006", "P24V01")


def dated_prime(date: str):
    return [("S21.G00.52.001", "025"), ("S21.G00.52.002", "100.00"), ("S21.G00.52.006", "CT000001"),
            ("S21.G00.52.007", date)]


NON_EMPLOYEE = [("S89.G00.91.001", "1850575123456"), ("S89.G00.91.017", "04"), ("S89.G00.91.018", "02")]


def s89(code: str, value: str) -> list:
    return [(code, value)]


CASES = [
    ("S21.G00.16.001/SIG-11", lambda r: block(r, "S21.G00.15.005", [("S21.G00.16.001", LATE),
                                                                    ("S21.G00.16.002", "P0001")])),
    ("S21.G00.31.001/SIG-11", lambda r: block(r, "S21.G00.30.019", [("S21.G00.31.001", LATE),
                                                                    ("S21.G00.31.008", "DURAND")])),
    ("S21.G00.40.001/SIG-14", lambda r: put(r, "S21.G00.40.001", LATE)),
    ("S21.G00.40.030/SIG-12", lambda r: put(r, "S21.G00.40.030", LATE)),
    ("S21.G00.41.001/SIG-11", lambda r: block(r, "S21.G00.40.043", [("S21.G00.41.001", LATE)])),
    ("S21.G00.41.021/SIG-11", lambda r: block(r, "S21.G00.40.043", [("S21.G00.41.001", "01032025"),
                                                                    ("S21.G00.41.021", LATE)])),
    ("S21.G00.51.002/SIG-14", lambda r: put(r, "S21.G00.51.002", LATE, 1)),
    ("S21.G00.52.007/SIG-11", lambda r: in_versement(r, 0, dated_prime(LATE))),
    ("S21.G00.54.004/SIG-12", lambda r: put(r, "S21.G00.54.004", LATE)),
    ("S21.G00.60.010/SIG-12", lambda r: arret(r, ("S21.G00.60.010", LATE))),
    ("S21.G00.62.001/SIG-13", lambda r: put(r, "S21.G00.62.001", LATE)),
    ("S21.G00.65.002/SIG-12", lambda r: block(r, "S21.G00.40.043", [("S21.G00.65.001", "501"),
                                                                    ("S21.G00.65.002", LATE)])),
    ("S21.G00.70.014/SIG-11", lambda r: put(r, "S21.G00.70.014", LATE)),
    ("S21.G00.70.015/SIG-12", lambda r: put(r, "S21.G00.70.015", LATE)),
    ("S21.G00.73.004/SIG-11", lambda r: put(r, "S21.G00.73.004", LATE)),
    ("S89.G00.87.005/SIG-12", lambda r: before_total(r, s89("S89.G00.87.005", LATE))),
    ("S89.G00.87.006/SIG-12", lambda r: before_total(r, s89("S89.G00.87.006", LATE))),
    ("S89.G00.88.006/SIG-12", lambda r: before_total(r, s89("S89.G00.88.006", LATE))),
    ("S89.G00.88.007/SIG-12", lambda r: before_total(r, s89("S89.G00.88.007", LATE))),
    ("S89.G00.89.005/SIG-11", lambda r: before_total(r, s89("S89.G00.89.005", LATE))),
    ("S89.G00.92.005/SIG-12", lambda r: before_total(r, NON_EMPLOYEE[:2] + s89("S89.G00.92.005", LATE))),
    ("S21.G00.40.031/SIG-13", lambda r: put(signalement(r), "S21.G00.40.031", AFTER_FILE)),
    ("S21.G00.52.007/SIG-12", lambda r: in_versement(signalement(r), 0, dated_prime(AFTER_FILE))),
    ("S21.G00.60.002/SIG-14", lambda r: arret(signalement(r), ("S21.G00.60.002", AFTER_FILE),
                                              ("S21.G00.60.003", "20042025"))),
    ("S21.G00.60.005/SIG-12", lambda r: arret(signalement(r), ("S21.G00.60.004", "01"),
                                              ("S21.G00.60.005", AFTER_FILE))),
    ("S21.G00.60.010/SIG-13", lambda r: arret(signalement(r), ("S21.G00.60.010", AFTER_FILE))),
    ("S21.G00.60.012/SIG-13", lambda r: arret(signalement(r), ("S21.G00.60.001", "06"),
                                              ("S21.G00.60.012", AFTER_FILE))),
    ("S20.G00.05.010/SIG-11", lambda r: put(r, "S20.G00.05.010", "02")),
    ("S21.G00.06.012/SIG-11", lambda r: put(r, "S21.G00.06.010", "DE")),
    ("S21.G00.11.019/SIG-11", lambda r: put(r, "S10.G00.00.002", "TESE")),
    ("S21.G00.20.010/SIG-13", lambda r: put(r, "S21.G00.20.003", None)),
    ("S21.G00.20.010/SIG-14", lambda r: put(r, "S21.G00.20.012", "12345678900011")),
    ("S21.G00.40.003/SIG-12", lambda r: put(r, "S21.G00.71.002", "IRCANTEC")),
    ("S21.G00.40.003/SIG-15", lambda r: put(r, "S21.G00.40.003", "02")),
    ("S21.G00.40.005/SIG-20", lambda r: put(r, "S21.G00.40.005", "546dN")),
    ("S21.G00.40.011/SIG-14", lambda r: put(r, "S21.G00.40.011", "32")),
    ("S21.G00.40.021/SIG-11", lambda r: put(r, "S21.G00.40.007", "02")),
    ("S21.G00.40.029/SIG-12", lambda r: put(r, "S21.G00.11.017", "02")),
    ("S21.G00.40.043/SIG-11", lambda r: put(r, "S21.G00.40.043", None)),
    ("S21.G00.51.012/SIG-11", lambda r: put(r, "S21.G00.51.011", "017", 1)),
    ("S21.G00.51.012/SIG-13", lambda r: put(r, "S21.G00.51.012", "151.67")),
    ("S21.G00.51.013/SIG-11", lambda r: put(r, "S21.G00.78.001", "07", 1)),
    ("S21.G00.53.003/SIG-11", lambda r: put(r, "S21.G00.40.004", "389b")),
    ("S21.G00.53.003/SIG-13", lambda r: put(r, "S21.G00.53.003", "32")),
    ("S21.G00.60.001/SIG-13", lambda r: arret(r, ("S21.G00.60.001", "15"))),
    ("S21.G00.60.012/SIG-14", lambda r: arret(r, ("S21.G00.60.001", "06"), ("S21.G00.60.012", "01012010"))),
    ("S21.G00.65.001/SIG-11", lambda r: block(r, "S21.G00.40.043", [("S21.G00.65.001", "507"),
                                                                    ("S21.G00.65.002", "10032025")])),
    ("S21.G00.66.002/SIG-11", lambda r: block(arret(r), "S21.G00.60.004", [("S21.G00.66.001", "10032025"),
                                                                           ("S21.G00.66.002", "05032025")])),
    ("S21.G00.71.002/SIG-11", lambda r: put(r, "S21.G00.71.002", "CRPCEN")),
    ("S21.G00.71.002/SIG-14", lambda r: put(r, "S21.G00.40.020", "140")),
    ("S21.G00.71.003/SIG-11", lambda r: put(p24(r), "S21.G00.71.002", "IRCANTEC")),
    ("S21.G00.72.002/SIG-12", lambda r: block(p24(r), "S21.G00.71.002", [("S21.G00.72.001", "IRCANTEC")])),
    ("S21.G00.78.001/SIG-18", lambda r: put(r, "S21.G00.71.002", "CRPNPAC")),
    ("S21.G00.78.001/SIG-19", lambda r: put(r, "S21.G00.78.001", "07")),
    ("S21.G00.78.001/SIG-23", lambda r: put(r, "S21.G00.78.005", "1", 4)),
    ("S21.G00.78.003/SIG-11", lambda r: put(r, "S21.G00.78.002", "01022025", 3)),
    ("S21.G00.78.003/SIG-17", lambda r: put(r, "S21.G00.40.001", "10032025")),
    ("S21.G00.79.001/SIG-18", lambda r: put(r, "S21.G00.79.001", "23")),
    ("S21.G00.79.001/SIG-19", lambda r: put(r, "S21.G00.79.001", "23")),
    ("S89.G00.91.018/SIG-12", lambda r: before_total(r, NON_EMPLOYEE)),
]

PASSING = [
    ("S21.G00.40.001/SIG-14", lambda r: put(r, "S21.G00.40.001", "31032025")),
    ("S21.G00.60.002/SIG-14", lambda r: arret(signalement(r), ("S21.G00.60.002", LATE),
                                              ("S21.G00.60.003", "20042025"))),
    ("S21.G00.51.002/SIG-14", lambda r: edits(r, ("S21.G00.51.011", "026", 1), ("S21.G00.51.002", LATE, 1))),
    ("S21.G00.40.005/SIG-20", lambda r: edits(r, ("S21.G00.40.004", "546d"), ("S21.G00.40.005", "546dN"))),
    ("S21.G00.78.001/SIG-23", lambda r: edits(r, ("S21.G00.78.005", "1", 4), ("S21.G00.81.004", "-5.00", 9))),
    ("S21.G00.79.001/SIG-19", lambda r: edits(r, ("S21.G00.79.001", "23"), ("S21.G00.79.004", "0.00"))),
    # missing values are not values that break the control: two base 31 without affiliation id are not "the
    # same affiliation"; a composant 23 without amount has no non-zero amount; no company postal code is not
    # one outside the Pacific
    ("S21.G00.78.001/SIG-23", lambda r: edits(r, ("S21.G00.78.005", None, 3), ("S21.G00.78.005", None, 4))),
    ("S21.G00.79.001/SIG-19", lambda r: edits(r, ("S21.G00.79.001", "23"), ("S21.G00.79.004", None))),
    ("S20.G00.05.010/SIG-11", lambda r: edits(r, ("S20.G00.05.010", "02"), ("S21.G00.06.005", None))),
]


def test_every_sig_control_is_registered():
    sig = {c for c in REGISTRY if "/SIG-" in c and not c.startswith(("S21.G00.30.001/", "S21.G00.30.020/"))}
    assert len(sig) == 60
    assert {c for c, _m in CASES} == sig
    assert all(REGISTRY[c].severity == "warning" for c in sig)


@pytest.mark.parametrize(("code", "mutate"), CASES, ids=[c for c, _m in CASES])
def test_fails(code, mutate, tmp_path):
    assert code in reported(mutate(baseline()), tmp_path, code)


@pytest.mark.parametrize(("code", "mutate"), PASSING, ids=[c for c, _m in PASSING])
def test_passes(code, mutate, tmp_path):
    assert code not in reported(mutate(baseline()), tmp_path, code)


def test_every_control_has_a_case():
    assert codes_tested_by("tests/rules/coherence/test_signals.py") == {c for c, _m in CASES}
