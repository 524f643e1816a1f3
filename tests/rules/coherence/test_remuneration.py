"""Pay-block coherence controls (S21.G00.50 … 58): each fails on one edit of the clean mensuelle, and the clean
file passes every part-C control (arret, fin_contrat, affiliation, bases, signals use the same baseline)."""
from __future__ import annotations

import pytest

from dsn_parser import read_dsn
from dsn_parser.writer import write_records
from rules import REGISTRY, validate
from tests.rules.coherence.records import add_block, clean, codes_tested_by, edits, instances, put
from tests.rules.support import fix_totals

PART_C = ("remuneration", "arret", "fin_contrat", "affiliation", "bases", "signals")


def baseline() -> list:
    return clean()


def part_c_rules():
    return [r for r in REGISTRY.values() if r.check is not None and r.check.__module__.rsplit(".", 1)[-1] in PART_C
            and r.check.__module__.startswith("rules.coherence")]


def reported(records, tmp_path, code: str) -> set[str]:
    """The codes reported when only rule ``code`` runs on ``records``."""
    path = write_records(fix_totals(records), tmp_path / "case.dsn")
    return {a.code for a in validate(read_dsn(path), rules=[REGISTRY[code]]).anomalies}


def in_versement(records, occurrence: int, block: list) -> list:
    """A copy with ``block`` (records of one child block of S21.G00.50) added to the ``occurrence``-th versement,
    at its place in the norm order."""
    start = instances(records, "S21.G00.50")[occurrence][0]
    code = block[0][0][:10]
    at = start + 1
    while at < len(records) and records[at][0][:10] != "S21.G00.50" and "S21.G00.50" < records[at][0][:10] <= code:
        at += 1
    return fix_totals(records[:at] + block + records[at:])


def second_versement(records, number: str | None) -> list:
    """The first individu paid twice: a copy of its versement, numbered ``number`` (None: unnumbered)."""
    start = instances(records, "S21.G00.50")[0][0]
    end = next(i for i in range(start + 1, len(records)) if records[i][0][:10] in ("S21.G00.86", "S21.G00.30"))
    copy = [(c, v) for c, v in records[start:end] if c != "S21.G00.50.003"]
    if number is not None:
        copy.insert(2, ("S21.G00.50.003", number))
    return fix_totals(records[:end] + copy + records[end:])


def without(records, code: str) -> list:
    """A copy without any line of rubrique ``code``."""
    return fix_totals([r for r in records if r[0] != code])


def prime(kind: str, contract: str = "CT000001", *extra) -> list:
    return [("S21.G00.52.001", kind), ("S21.G00.52.002", "100.00"), *extra, ("S21.G00.52.006", contract)]


def regul(*fields) -> list:
    return [("S21.G00.56.001", "022025"), *fields]


SERVICE_LINE = [("S21.G00.40.001", "01012024"), ("S21.G00.40.007", "93"), ("S21.G00.40.009", "LS000001"),
                ("S21.G00.40.076", "CT000001")]


def service_line(records, gross: str) -> list:
    records = edits(records, ("S21.G00.40.007", "91"), ("S21.G00.51.013", gross))
    return add_block(records, "S21.G00.71.002", SERVICE_LINE)


CASES = [
    ("S21.G00.50.001/CCH-13", lambda r: put(r, "S21.G00.50.001", "31052025")),
    ("S21.G00.50.001/CCH-14", lambda r: put(r, "S21.G00.58.003", "01")),
    ("S21.G00.50.001/CCH-15", lambda r: edits(r, ("S21.G00.50.001", "15042025"), ("S21.G00.58.003", "01"))),
    ("S21.G00.50.003/CCH-11", lambda r: second_versement(r, "01")),
    ("S21.G00.50.003/CCH-12", lambda r: second_versement(r, None)),
    ("S21.G00.50.007/CCH-11", lambda r: edits(r, ("S21.G00.50.006", "5.00"), ("S21.G00.50.007", "99"))),
    ("S21.G00.50.008/CCH-11", lambda r: put(r, "S21.G00.50.008", None)),
    ("S21.G00.50.009/CCH-11", lambda r: put(r, "S21.G00.50.009", "100.00")),
    ("S21.G00.51.001/CCH-11", lambda r: put(r, "S21.G00.40.001", "10032025")),
    ("S21.G00.51.002/CCH-11", lambda r: put(r, "S21.G00.51.002", "28022025")),
    ("S21.G00.51.002/CCH-13", lambda r: put(r, "S21.G00.62.001", "10032025")),
    ("S21.G00.51.010/CCH-11", lambda r: put(r, "S21.G00.51.010", "CT999999")),
    ("S21.G00.51.010/CCH-12", lambda r: edits(r, ("S20.G00.05.001", "07"), ("S21.G00.51.010", "CT999999"))),
    ("S21.G00.51.011/CCH-11", lambda r: put(r, "S21.G00.51.011", "017", 1)),
    ("S21.G00.51.011/CCH-12", lambda r: service_line(r, "6301.35")),
    ("S21.G00.51.011/CCH-13", lambda r: service_line(r, "0.00")),
    ("S21.G00.51.011/CCH-15", lambda r: edits(r, ("S20.G00.05.001", "07"), ("S21.G00.51.011", "017", 1))),
    ("S21.G00.51.011/CCH-16", lambda r: put(r, "S21.G00.51.011", "026", 1)),
    ("S21.G00.51.011/CCH-17", lambda r: put(r, "S21.G00.51.011", "027", 1)),
    ("S21.G00.51.012/CCH-12", lambda r: put(r, "S21.G00.51.012", "0.00")),
    ("S21.G00.51.014/CCH-11", lambda r: put(r, "S21.G00.51.014", "50.00")),
    ("S21.G00.52.001/CCH-11", lambda r: in_versement(r, 0, prime("025") + prime("025"))),
    ("S21.G00.52.001/CCH-20", lambda r: in_versement(r, 0, prime("009") + prime("010"))),
    ("S21.G00.52.001/CCH-21", lambda r: in_versement(r, 2, prime("001", "CT000004"))),
    ("S21.G00.52.001/CCH-22", lambda r: in_versement(r, 2, prime("003", "CT000004"))),
    ("S21.G00.52.001/CCH-23", lambda r: in_versement(put(r, "S21.G00.62.002", "043"), 2, prime("005", "CT000004"))),
    ("S21.G00.52.001/CCH-24", lambda r: in_versement(r, 2, prime("007", "CT000004"))),
    ("S21.G00.52.001/CCH-27", lambda r: in_versement(r, 2, prime("016", "CT000004"))),
    ("S21.G00.52.001/CCH-29", lambda r: in_versement(r, 2, prime("032", "CT000004"))),
    ("S21.G00.52.001/CCH-31", lambda r: in_versement(r, 2, prime("033", "CT000004"))),
    ("S21.G00.52.001/CCH-32", lambda r: in_versement(r, 0, prime("039"))),
    ("S21.G00.52.001/CCH-33", lambda r: in_versement(r, 0, prime("045"))),
    ("S21.G00.52.003/CCH-12", lambda r: in_versement(r, 0, prime("026"))),
    ("S21.G00.52.004/CCH-11", lambda r: in_versement(r, 0, prime("026", "CT000001", ("S21.G00.52.003", "15032025"),
                                                                ("S21.G00.52.004", "01032025")))),
    ("S21.G00.52.004/CCH-13", lambda r: in_versement(r, 0, prime("026", "CT000001", ("S21.G00.52.003", "01032025")))),
    ("S21.G00.52.006/CCH-11", lambda r: in_versement(r, 0, prime("025", "CT999999"))),
    ("S21.G00.52.006/CCH-12", lambda r: in_versement(put(r, "S20.G00.05.001", "07"), 0, prime("025", "CT999999"))),
    ("S21.G00.53.001/CCH-11", lambda r: put(r, "S21.G00.51.011", "017")),
    ("S21.G00.53.002/CCH-11", lambda r: edits(r, ("S21.G00.53.003", None), ("S21.G00.53.002", "3300.00"))),
    ("S21.G00.53.002/CCH-12", lambda r: edits(r, ("S21.G00.53.003", None), ("S21.G00.53.002", "500.00"),
                                              ("S21.G00.40.011", "12"))),
    ("S21.G00.53.003/CCH-12", lambda r: put(r, "S21.G00.53.003", "31")),
    ("S21.G00.53.003/CCH-13", lambda r: put(r, "S21.G00.53.002", "3300.00")),
    ("S21.G00.53.003/CCH-14", lambda r: edits(r, ("S21.G00.53.003", "12"), ("S21.G00.53.002", "500.00"))),
    ("S21.G00.53.003/CCH-15", lambda r: edits(r, ("S21.G00.53.003", "40"), ("S21.G00.53.001", "02"))),
    ("S21.G00.54.004/CCH-11", lambda r: put(r, "S21.G00.54.004", "28022025")),
    ("S21.G00.56.001/CCH-11", lambda r: in_versement(r, 0, [("S21.G00.56.001", "042025"), ("S21.G00.56.002", "04"),
                                                            ("S21.G00.56.003", "1.00"), ("S21.G00.56.010", "1.00")])),
    ("S21.G00.56.002/CCH-11", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "01")))),
    ("S21.G00.56.002/CCH-12", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "02")))),
    ("S21.G00.56.002/CCH-13", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "03")))),
    ("S21.G00.56.002/CCH-14", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "03"), ("S21.G00.56.003", "10.00"),
                                                                 ("S21.G00.56.006", "5.00"),
                                                                 ("S21.G00.56.010", "-5.00")))),
    ("S21.G00.56.002/CCH-15", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "01"),
                                                                 ("S21.G00.56.004", "10.00")))),
    ("S21.G00.56.002/CCH-16", lambda r: in_versement(r, 0, [("S21.G00.56.001", "122024"), ("S21.G00.56.002", "01")])),
    ("S21.G00.56.002/CCH-17", lambda r: in_versement(put(r, "S20.G00.05.005", "01012025"), 0,
                                                     [("S21.G00.56.001", "122023"), ("S21.G00.56.002", "02")])),
    ("S21.G00.56.002/CCH-18", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "02"),
                                                                 ("S21.G00.56.003", "10.00")))),
    ("S21.G00.56.002/CCH-26", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "04")))),
    ("S21.G00.56.002/CCH-27", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "04"),
                                                                 ("S21.G00.56.007", "5.00")))),
    ("S21.G00.56.008/CCH-11", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "01"),
                                                                 ("S21.G00.56.008", "5.00")))),
    ("S21.G00.56.010/CCH-11", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "01"),
                                                                 ("S21.G00.56.010", "5.00")))),
    ("S21.G00.58.002/CCH-11", lambda r: edits(r, ("S21.G00.58.001", "15032025"), ("S21.G00.58.002", "01032025"))),
    ("S21.G00.58.002/CCH-12", lambda r: edits(r, ("S21.G00.58.001", "01052025"), ("S21.G00.58.002", "31052025"))),
    ("S21.G00.58.002/CCH-13", lambda r: edits(r, ("S21.G00.58.001", "01122024"), ("S21.G00.58.002", "31032025"))),
    ("S21.G00.58.002/CCH-14", lambda r: put(r, "S21.G00.58.001", "01032025")),
]

COMPLETE_REGUL = regul(("S21.G00.56.002", "01"), ("S21.G00.56.003", "10.00"), ("S21.G00.56.006", "5.00"),
                       ("S21.G00.56.007", "0.50"), ("S21.G00.56.010", "10.00"))

# Edits that meet a control's condition in a valid way: the control stays silent.
PASSING = [
    ("S21.G00.50.001/CCH-13", lambda r: put(r, "S21.G00.50.001", "30042025")),
    ("S21.G00.50.001/CCH-15", lambda r: put(r, "S21.G00.50.001", "15042025")),
    ("S21.G00.50.003/CCH-11", lambda r: second_versement(r, "02")),
    ("S21.G00.50.009/CCH-11", lambda r: put(r, "S21.G00.50.009", "0.99")),
    ("S21.G00.51.001/CCH-11", lambda r: put(r, "S21.G00.40.001", "03032025")),
    ("S21.G00.51.002/CCH-13", lambda r: put(r, "S21.G00.62.001", "13032025")),
    ("S21.G00.51.011/CCH-13", lambda r: service_line(r, "6301.35")),
    ("S21.G00.52.001/CCH-11", lambda r: in_versement(r, 0, prime("025") + prime("026"))),
    ("S21.G00.52.001/CCH-23", lambda r: in_versement(r, 2, prime("005", "CT000004"))),
    ("S21.G00.52.004/CCH-13", lambda r: in_versement(r, 0, prime("026", "CT000001", ("S21.G00.52.003", "01032025"),
                                                                 ("S21.G00.52.004", "31032025")))),
    ("S21.G00.53.003/CCH-13", lambda r: put(r, "S21.G00.53.002", "3250.00")),
    ("S21.G00.56.002/CCH-11", lambda r: in_versement(r, 0, COMPLETE_REGUL)),
    ("S21.G00.56.002/CCH-16", lambda r: in_versement(r, 0, COMPLETE_REGUL)),
    # a missing amount (51.013, 56.007: mandatory, the structure checks report them) is not a non-zero one
    ("S21.G00.51.001/CCH-11", lambda r: without(put(r, "S21.G00.40.001", "10032025"), "S21.G00.51.013")),
    ("S21.G00.51.002/CCH-13", lambda r: without(put(r, "S21.G00.62.001", "10032025"), "S21.G00.51.013")),
    ("S21.G00.56.002/CCH-27", lambda r: in_versement(r, 0, regul(("S21.G00.56.002", "04")))),
    ("S21.G00.58.002/CCH-13", lambda r: edits(r, ("S21.G00.58.001", "01032025"), ("S21.G00.58.002", "31032025"))),
]


@pytest.fixture(scope="session")
def clean_report(tmp_path_factory):
    path = write_records(baseline(), tmp_path_factory.mktemp("part_c") / "clean.dsn")
    return validate(read_dsn(path), rules=part_c_rules())


def test_clean_file_passes_part_c(clean_report):
    assert len(part_c_rules()) >= 170
    assert [a.code for a in clean_report.anomalies] == []


@pytest.mark.parametrize(("code", "mutate"), CASES, ids=[c for c, _m in CASES])
def test_fails(code, mutate, tmp_path):
    assert code in reported(mutate(baseline()), tmp_path, code)


@pytest.mark.parametrize(("code", "mutate"), PASSING, ids=[c for c, _m in PASSING])
def test_passes(code, mutate, tmp_path):
    assert code not in reported(mutate(baseline()), tmp_path, code)


def test_every_control_has_a_case():
    assert codes_tested_by("tests/rules/coherence/test_remuneration.py") == {c for c, _m in CASES}
