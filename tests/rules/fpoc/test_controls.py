"""FPOC- controls on generated DSN / FPOC pairs: clean pairs are silent, each injected error reports its code."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from dsn_parser import read_dsn
from dsn_parser.generator.company import make_company
from dsn_parser.generator.errors import inject
from dsn_parser.generator.fpoc_xml import fpoc_xml
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from rules import REGISTRY, ValidationOptions, anomalies_frame, validate
from rules.fpoc import (Criteria, RangeCriterion, ValueCriterion, load_for_validation,
                        referential_problems_as_anomalies)
from rules.fpoc.model import ExpectedComposant
from rules.fpoc.controls.population import Facts, evaluate
from tests.rules.fpoc.support import FIXTURES
from tests.rules.support import positions, set_value

FEBRUARY, MARCH = date(2025, 2, 1), date(2025, 3, 1)
FPOC_RULES = [r for r in REGISTRY.values() if r.family == "FPOC"]

#: Error kind of the generator → the one FPOC code it must report.
EXPECTED = {
    "unknown_contract": "FPOC-ADH-01", "wrong_oc_code": "FPOC-ADH-02", "unknown_option": "FPOC-AFF-02",
    "population_not_allowed": "FPOC-AFF-03", "employee_outside_criteria": "FPOC-POP-01",
    "missing_affiliation": "FPOC-POP-02", "base31_without_affiliation": "FPOC-BAS-01",
    "missing_composant": "FPOC-BAS-03", "wrong_rate": "FPOC-COT-01", "wrong_amount": "FPOC-COT-02",
    "missing_payment": "FPOC-PAY-01", "wrong_periodicity": "FPOC-PAY-02",
}
#: Kinds that change a record which stays in the file: the anomaly must point at it.
CHANGED_LINE = {"unknown_contract", "wrong_oc_code", "unknown_option", "population_not_allowed",
                "employee_outside_criteria", "base31_without_affiliation", "wrong_rate", "wrong_amount",
                "wrong_periodicity"}
#: Kinds about one employee: the anomaly must name him.
EMPLOYEE_LEVEL = {"unknown_option", "population_not_allowed", "employee_outside_criteria", "missing_affiliation",
                  "base31_without_affiliation", "missing_composant", "wrong_rate", "wrong_amount"}


@cache
def _pair(seed: int, month: date):
    company = make_company(seed=seed, employees=10, months=3, start_month=date(2025, 1, 1), norm="P25V01")
    return company, tuple(monthly_records(company, month))


@cache
def _referential(seed: int, tmp: Path):
    company, _records = _pair(seed, MARCH)
    path = tmp / f"fpoc_{seed}.xml"
    path.write_bytes(fpoc_xml(company))
    referential, problems = load_for_validation(path)
    assert problems == ()
    return referential


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fpoc")
    return lambda seed: _referential(seed, tmp)


def check(records, tmp_path: Path, referential, **options):
    path = write_records(list(records), tmp_path / "case.dsn")
    return validate(read_dsn(path), ValidationOptions(referential=referential, **options), rules=FPOC_RULES)


def fpoc_codes(report) -> set[str]:
    return {a.code for a in report.anomalies if a.family == "FPOC"}


@pytest.mark.parametrize("seed", [3, 7, 21])
@pytest.mark.parametrize("month", [FEBRUARY, MARCH])
def test_clean_pair_has_no_fpoc_anomaly(seed, month, sheets, tmp_path):
    _company, records = _pair(seed, month)
    assert check(records, tmp_path, sheets(seed)).anomalies == []


def test_no_referential_means_no_fpoc_control(tmp_path):
    _company, records = _pair(3, MARCH)
    mutated = inject(list(records), "unknown_contract", 3).records
    assert fpoc_codes(check(mutated, tmp_path, None)) == set()


@pytest.mark.parametrize("kind", sorted(EXPECTED))
@pytest.mark.parametrize("seed, month", [(3, MARCH), (21, MARCH), (7, FEBRUARY)])
def test_injected_error_reports_its_code(kind, seed, month, sheets, tmp_path):
    _company, records = _pair(seed, month)
    mutated = inject(list(records), kind, seed)
    report = check(mutated.records, tmp_path, sheets(seed))
    assert fpoc_codes(report) == {EXPECTED[kind]}
    for anomaly in report.anomalies:
        assert anomaly.lines, anomaly
        assert anomaly.message and "{" not in anomaly.message
        if kind in EMPLOYEE_LEVEL:
            assert anomaly.employee and anomaly.employee.startswith("matricule ")
    if kind in CHANGED_LINE:
        changed = mutated.mutation.index + 1
        assert any(changed == a.line or changed in a.lines for a in report.anomalies)


def test_wrong_amount_message_shows_expected_declared_and_difference(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    mutated = inject(list(records), "wrong_amount", 3)
    [anomaly] = check(mutated.records, tmp_path, sheets(3)).anomalies
    declared = Decimal(mutated.mutation.after)
    expected = declared - Decimal("1.37")
    assert f"déclaré {declared:.2f} €".replace(".", ",") in anomaly.message
    assert f"attendu {expected:.2f} €".replace(".", ",") in anomaly.message
    assert "écart 1,37 €" in anomaly.message


def test_amount_within_tolerance_is_accepted(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    mutated = inject(list(records), "wrong_amount", 3).records
    assert fpoc_codes(check(mutated, tmp_path, sheets(3), tolerance=Decimal("2"))) == set()


def test_establishment_without_sheet_is_one_warning(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    report = check(records, tmp_path, sheets(21))
    assert [(a.code, a.severity) for a in report.anomalies] == [("FPOC-ETA-01", "warning")]


def test_undeclared_contract_of_the_sheet(sheets, tmp_path):
    referential = sheets(3)
    sheet = referential.sheets[0]
    extra = dataclasses.replace(sheet.parameters[0], contract=dataclasses.replace(
        sheet.parameters[0].contract, reference="RETRAITE-SUPP-01"))
    wider = dataclasses.replace(referential, sheets=(dataclasses.replace(
        sheet, parameters=sheet.parameters + (extra,)),))
    _company, records = _pair(3, MARCH)
    report = check(records, tmp_path, wider)
    assert fpoc_codes(report) == {"FPOC-ADH-03"}
    assert "RETRAITE-SUPP-01" in report.anomalies[0].message


def test_affiliation_to_an_undeclared_adhesion(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    mutated = set_value(list(records), "S21.G00.70.013", "9")
    report = check(mutated, tmp_path, sheets(3))
    assert fpoc_codes(report) == {"FPOC-AFF-01"}
    assert report.anomalies[0].line == positions(mutated, "S21.G00.70.013")[0] + 1


def test_affiliation_dates_outside_the_contract(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    mutated = set_value(list(records), "S21.G00.70.014", "01012020")
    report = check(mutated, tmp_path, sheets(3))
    assert fpoc_codes(report) == {"FPOC-AFF-04"}
    assert "01/01/2020" in report.anomalies[0].message


def _oc_base_span(records, ident: str) -> tuple[int, int]:
    """[start, end) of the first base 31 whose 78.005 is ``ident``, with its 79 and 81."""
    start = next(i for i in positions(records, "S21.G00.78.001")
                 if records[i][1] == "31" and ("S21.G00.78.005", ident) in records[i:i + 6])
    end = start + 1
    while records[end][0][:10] in ("S21.G00.78", "S21.G00.79", "S21.G00.81"):
        end += 1
    return start, end


def test_affiliation_without_base31(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    start, end = _oc_base_span(list(records), "2")  # santé: quarterly, no monthly payment sum to upset
    mutated = list(records[:start]) + list(records[end:])
    report = check(mutated, tmp_path, sheets(3))
    assert fpoc_codes(report) == {"FPOC-BAS-02"}
    assert report.anomalies[0].employee is not None


def test_flat_amount_differs_from_the_sheet(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    mutated = list(records)
    start, end = _oc_base_span(mutated, "2")
    flat = next(i for i in range(start, end) if mutated[i] == ("S21.G00.79.001", "20")) + 1
    amount = next(i for i in range(start, end) if mutated[i][0] == "S21.G00.81.004")
    mutated[flat] = (mutated[flat][0], f"{Decimal(mutated[flat][1]) + 5:.2f}")
    mutated[amount] = (mutated[amount][0], f"{Decimal(mutated[amount][1]) + 5:.2f}")
    report = check(mutated, tmp_path, sheets(3))
    assert [(a.code, a.severity, a.line) for a in report.anomalies] == [("FPOC-COT-03", "warning", flat + 1)]


def test_payment_amount_differs_from_contributions(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    mutated = list(records)
    first = positions(mutated, "S21.G00.55.001")[0]  # the monthly prévoyance contract
    mutated[first] = ("S21.G00.55.001", f"{Decimal(mutated[first][1]) + 10:.2f}")
    total = positions(mutated, "S21.G00.20.005")[0]
    mutated[total] = ("S21.G00.20.005", f"{Decimal(mutated[total][1]) + 10:.2f}")
    report = check(mutated, tmp_path, sheets(3))
    assert fpoc_codes(report) == {"FPOC-PAY-03"}
    assert "écart 10,00 €" in report.anomalies[0].message


COMPOSANT_RULES = [REGISTRY["FPOC-BAS-03"], REGISTRY["FPOC-BAS-04"]]


def _cadre_tranche_b(records) -> tuple[int, int]:
    """(index of the first TB composant 79.001 = 13, index of the 78.004 of the base 03 of the same pay)."""
    tb = records.index(("S21.G00.79.001", "13"))
    gross = max(i for i in positions(records, "S21.G00.78.001") if i < tb and records[i][1] == "03")
    return tb, next(i for i in positions(records, "S21.G00.78.004") if i > gross)


def _composant_findings(records, tmp_path, referential) -> list[tuple[str, str]]:
    """(code, severity) of the FPOC-BAS-03/04 anomalies; each message names the types it is about."""
    path = write_records(list(records), tmp_path / "case.dsn")
    report = validate(read_dsn(path), ValidationOptions(referential=referential), rules=COMPOSANT_RULES)
    for anomaly in report.anomalies:
        assert anomaly.code == "FPOC-BAS-04" or "absent(s) 1" in anomaly.message, anomaly.message
    return [(a.code, a.severity) for a in report.anomalies]


def test_tranche_b_not_expected_at_or_below_the_plafond(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    tb, gross = _cadre_tranche_b(list(records))
    without_tb = list(records[:tb]) + list(records[tb + 2:])  # the 79.001 = 13 and its 79.004
    found = _composant_findings(without_tb, tmp_path, sheets(3))  # gross 6638.06 > plafond 3925.00
    assert found == [("FPOC-BAS-03", "blocking")]
    at_plafond = list(without_tb)
    at_plafond[gross] = ("S21.G00.78.004", "3925.00")  # gross pay = base 02: tranche B is zero
    assert _composant_findings(at_plafond, tmp_path, sheets(3)) == []


def test_composant_of_unknown_base_is_information(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    tb, gross = _cadre_tranche_b(list(records))
    unknown = list(records[:gross]) + list(records[gross + 1:tb]) + list(records[tb + 2:])  # no gross amount
    report = check(unknown, tmp_path, sheets(3))
    found = [a for a in report.anomalies if a.code.startswith("FPOC-BAS")]
    assert [(a.code, a.severity) for a in found] == [("FPOC-BAS-04", "info")]
    assert "13" in found[0].message and "{" not in found[0].message and found[0].employee


def test_tranche_c_and_contract_defined_tranches(sheets, tmp_path):
    referential = sheets(3)
    sheet = referential.sheets[0]
    extra = (ExpectedComposant("TCPrev", "14", rate=Decimal("1")), ExpectedComposant("TDPrev", "15", rate=Decimal("1")))
    parameters = tuple(dataclasses.replace(p, composants=p.composants + extra) if p.population_code == "CADRES"
                       else p for p in sheet.parameters)
    wider = dataclasses.replace(referential, sheets=(dataclasses.replace(sheet, parameters=parameters),))
    _company, records = _pair(3, MARCH)
    cadres = sum(1 for code, value in records if code == "S21.G00.70.005" and value == "CADRES")
    # TC is zero up to 4 plafonds (6638.06 ≤ 4 × 3925.00); TD's bounds are the contract's: not judged.
    assert _composant_findings(records, tmp_path, wider) == [("FPOC-BAS-04", "info")] * cadres
    _tb, gross = _cadre_tranche_b(list(records))
    high = list(records)
    high[gross] = ("S21.G00.78.004", "15700.01")
    assert sorted(_composant_findings(high, tmp_path, wider)) == sorted(
        [("FPOC-BAS-03", "blocking")] + [("FPOC-BAS-04", "info")] * cadres)


def _with_criteria(referential, population: str, criteria: Criteria):
    sheet = referential.sheets[0]
    parameters = tuple(
        dataclasses.replace(p, group=dataclasses.replace(p.group, criteria=criteria))
        if p.population_code == population else p for p in sheet.parameters)
    return dataclasses.replace(referential, sheets=(dataclasses.replace(sheet, parameters=parameters),))


def test_seniority_criterion_reads_s21_g00_86(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    criteria = Criteria(ranges=(RangeCriterion("AncienneteEntrepriseGroupe", unit="03", lower=Decimal(40)),))
    report = check(records, tmp_path, _with_criteria(sheets(3), "CADRES", criteria))
    cadres = sum(1 for code, value in records if code == "S21.G00.70.005" and value == "CADRES")
    assert cadres and len(report.anomalies) == cadres
    assert {(a.code, a.rubrique) for a in report.anomalies} == {("FPOC-POP-01", "S21.G00.86.003")}


def test_quotite_criterion_in_another_unit_is_not_judged(sheets, tmp_path):
    _company, records = _pair(3, MARCH)
    other_unit = Criteria(ranges=(RangeCriterion("QuotiteDeTravail", unit="12", upper=Decimal(10)),))
    same_unit = Criteria(ranges=(RangeCriterion("QuotiteDeTravail", unit="10", upper=Decimal(10)),))
    assert check(records, tmp_path, _with_criteria(sheets(3), "ENSEMBLE", other_unit)).anomalies == []
    report = check(records, tmp_path, _with_criteria(sheets(3), "ENSEMBLE", same_unit))
    assert {(a.code, a.rubrique) for a in report.anomalies} == {("FPOC-POP-01", "S21.G00.40.013")}


def test_evaluate_separates_failed_and_unknown_criteria():
    facts = Facts({"S21.G00.40.007": ("02", 10), "S21.G00.11.001": ("00011", 3)}, (None, None, None), {})
    criteria = Criteria(values=(ValueCriterion("NatureContrat", excluded=("02",)),
                                ValueCriterion("NICAffectation", included=("00011",))),
                        ranges=(RangeCriterion("QuotiteDeTravail", lower=Decimal(50)),))
    failures, unknown = evaluate(criteria, facts)
    assert [(f.criterion, f.rubrique, f.value, f.line) for f in failures] == [
        ("NatureContrat", "S21.G00.40.007", "02", 10)]
    assert unknown == ["QuotiteDeTravail"]


@pytest.mark.parametrize("fixture, code", [("sheet_broken_xml.xml", "FPOC-REF-01"),
                                           ("sheet_missing_codeoc.xml", "FPOC-REF-05"),
                                           ("sheet_bad_rate.xml", "FPOC-REF-17")])
def test_load_for_validation_reports_sheet_problems_as_anomalies(fixture, code):
    referential, problems = load_for_validation(FIXTURES / fixture)
    assert referential.sheets == ()
    anomalies = referential_problems_as_anomalies(problems)
    assert code in {a.code for a in anomalies}
    assert all(a.family == "FPOC" and a.severity == "blocking" and a.line for a in anomalies)
    frame = anomalies_frame(anomalies)
    assert list(frame["code"]) == [a.code for a in anomalies]


def test_load_for_validation_keeps_warnings_non_blocking(tmp_path):
    path = tmp_path / "fiche.xml"
    company, _records = _pair(3, MARCH)
    xml = fpoc_xml(company).replace(b"<GROUPE ", b"<Remarque/><GROUPE ", 1)
    path.write_bytes(xml)
    referential, problems = load_for_validation(path)
    assert len(referential.sheets) == 1
    assert [(a.code, a.severity) for a in referential_problems_as_anomalies(problems)] == [
        ("FPOC-REF-06", "warning")]
