"""The mutation corpus: a clean generated mensuelle with its FPOC sheet, and one file per error kind of the
generator's error injection. The clean pair has no blocking anomaly; each mutated file reports exactly the
injected code (plus, where one error necessarily breaks a second control, the codes named here with why)."""
from __future__ import annotations

from datetime import date

import pytest

from dsn_parser import read_dsn
from dsn_parser.generator import generate_company
from dsn_parser.generator.errors import ERROR_KINDS, inject
from dsn_parser.writer import write_records
from rules import ValidationOptions, validate
from rules.fpoc import load_for_validation

MONTH = date(2025, 3, 1)

# error kind → (the injected code, codes the same change necessarily breaks too)
EXPECTED: dict[str, tuple[str, set[str]]] = {
    "bad_siren_key": ("S21.G00.06.001/CSL-11", {
        "S21.G00.06.002/CSL-11", "S21.G00.11.001/CSL-12",  # the SIRETs are built on the SIREN
        "S21.G00.40.019/CCH-11",  # the workplace SIRET no longer names the establishment
        "FPOC-ETA-01"}),  # and no FPOC sheet covers the new SIREN
    "bad_siret_key": ("S21.G00.11.001/CSL-12", {"FPOC-ETA-01"}),  # no FPOC sheet covers the new SIRET
    "bad_nir_format": ("CSL00", set()),
    "duplicate_nir": ("S21.G00.30.001/CCH-14", set()),
    "placeholder_nir": ("S21.G00.30.001/CCH-13", {
        "S21.G00.30.001/CCH-16",  # 1999999999999 also ends with more than five 9s
        "S21.G00.30.006/CCH-11"}),  # and no longer holds the birth year
    "nir_trailing_nines": ("S21.G00.30.001/CCH-16", set()),
    "bad_date": ("CSL03_DATE", {"S21.G00.78.003/SIG-17"}),  # the 31/02 lands in a base period's end
    "unknown_enum_value": ("CSL11", set()),
    "value_too_long": ("CSL01_MAXI", set()),
    "missing_mandatory_rubrique": ("CST03", set()),
    "wrong_s90_line_count": ("DSN-TOT-01", set()),
    "wrong_s90_declaration_count": ("DSN-TOT-02", set()),
    "base31_nonzero_amount": ("S21.G00.78.004/CCH-11", set()),
    "base31_without_affiliation": ("S21.G00.78.005/CCH-11", {
        "S21.G00.78.005/CCH-12",  # the unknown affiliation id has no contract either
        "FPOC-BAS-01"}),  # the insurer rule says the same from the contract side
    "missing_059": ("S21.G00.81.001/CCH-15", {"FPOC-COT-02"}),  # the contract's expected amount is missing
    "two_059": ("S21.G00.81.001/CCH-15", {"FPOC-COT-02"}),
    "oc_payment_mismatch": ("DSN-PAY-02", {"S21.G00.20.005/CCH-12"}),  # the official control says the same
    "contract_payment_mismatch": ("DSN-PAY-03", {"FPOC-PAY-03"}),
    "dgfip_payment_mismatch": ("DSN-PAY-01", set()),
    "urssaf_bordereau_mismatch": ("DSN-PAY-04", {"DSN-PAY-05"}),  # the payment equals the old bordereau total
    "unknown_contract": ("FPOC-ADH-01", set()),
    "wrong_oc_code": ("FPOC-ADH-02", {  # the made-up code is in no organism referential either (warnings)
        "S21.G00.15.002/CRE-11", "S21.G00.20.001/CRE-11"}),
    "unknown_option": ("FPOC-AFF-02", set()),
    "population_not_allowed": ("FPOC-AFF-03", set()),
    "employee_outside_criteria": ("FPOC-POP-01", set()),
    "missing_affiliation": ("FPOC-POP-02", set()),
    "missing_composant": ("FPOC-BAS-03", set()),
    "wrong_rate": ("FPOC-COT-01", set()),
    "wrong_amount": ("FPOC-COT-02", set()),
    "missing_payment": ("FPOC-PAY-01", set()),
    "wrong_periodicity": ("FPOC-PAY-02", set()),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The clean pair: records of a generated mensuelle, and options carrying its FPOC referential."""
    directory = tmp_path_factory.mktemp("corpus")
    company = generate_company(seed=7, employees=6, months=3)
    sheet = directory / "fpoc.xml"
    sheet.write_bytes(company.fpoc_xml())
    referential, problems = load_for_validation(sheet)
    assert not problems
    return company.monthly(MONTH), ValidationOptions(referential=referential), directory


def reported(records, options, path) -> dict[str, str]:
    report = validate(read_dsn(write_records(records, path)), options)
    return {a.code: a.severity for a in report.anomalies}


@pytest.fixture(scope="module")
def clean_codes(corpus):
    records, options, directory = corpus
    return reported(records, options, directory / "clean.dsn")


def test_clean_pair_has_no_blocking_anomaly(clean_codes):
    assert [code for code, severity in clean_codes.items() if severity == "blocking"] == []


def test_every_error_kind_is_in_the_corpus():
    assert set(EXPECTED) == set(ERROR_KINDS)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_mutated_file_reports_exactly_the_injected_code(kind, corpus, clean_codes, tmp_path):
    records, options, _directory = corpus
    mutated = inject(records, kind, seed=1)
    new = set(reported(mutated.records, options, tmp_path / f"{kind}.dsn")) - set(clean_codes)
    code, consequences = EXPECTED[kind]
    assert code in new
    assert new <= {code} | consequences, new - {code} - consequences
