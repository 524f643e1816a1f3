"""Our payment rules (DSN-PAY-): amounts paid against amounts declared, with the run's tolerance, and payment
periods against the declared month. Payments in the clean file: 0 prévoyance, 1 Urssaf, 2 DGFIP."""
from __future__ import annotations

from decimal import Decimal

import pytest

from dsn_parser import read_dsn
from dsn_parser.writer import write_records
from rules import REGISTRY, ValidationOptions, validate
from tests.rules.coherence.records import clean, codes_tested_by, edits, put, reported

PREVOYANCE, URSSAF, DGFIP = 0, 1, 2
PAY_CODES = sorted(code for code in REGISTRY if code.startswith("DSN-PAY-"))


def anomalies(records, tmp_path, code, **options):
    path = write_records(records, tmp_path / "case.dsn")
    report = validate(read_dsn(path), ValidationOptions(**options), rules=[REGISTRY[code]])
    return [a for a in report.anomalies if a.code == code]


def test_clean_file_passes_every_payment_rule(tmp_path):
    assert reported(clean(), tmp_path, PAY_CODES) == set()


def test_dgfip_payment(tmp_path):
    found = anomalies(put(clean(), "S21.G00.20.005", "60.00", DGFIP), tmp_path, "DSN-PAY-01")
    assert len(found) == 1
    assert "60.00 €" in found[0].message and "57.98 €" in found[0].message and "2.02 €" in found[0].message
    assert found[0].severity == "blocking" and found[0].lines


def test_dgfip_payment_within_tolerance(tmp_path):
    records = put(clean(), "S21.G00.20.005", "57.99", DGFIP)
    assert anomalies(records, tmp_path, "DSN-PAY-01") == []
    assert len(anomalies(records, tmp_path, "DSN-PAY-01", tolerance=Decimal("0.001"))) == 1


def test_insurer_payment(tmp_path):
    found = anomalies(put(clean(), "S21.G00.20.005", "800.00", PREVOYANCE), tmp_path, "DSN-PAY-02")
    assert len(found) == 1 and "837.70 €" in found[0].message and "-37.70 €" in found[0].message
    assert len(found[0].lines) == 2  # the two components


def test_contract_allocation(tmp_path):
    found = anomalies(put(clean(), "S21.G00.55.001", "200.00"), tmp_path, "DSN-PAY-03")
    assert len(found) == 1
    assert "PREV-352353/CAD-NCAD" in found[0].message and "130.71 €" in found[0].message
    assert len(found[0].lines) > 1  # the component and the 059 contributions


def test_contract_allocation_skips_a_quarter_not_all_in_the_file(tmp_path):
    assert anomalies(put(clean(), "S21.G00.55.001", "1.00", 1), tmp_path, "DSN-PAY-03") == []


def test_urssaf_slip(tmp_path):
    found = anomalies(put(clean(), "S21.G00.22.005", "3600.00"), tmp_path, "DSN-PAY-04")
    assert len(found) == 1 and "3627.24 €" in found[0].message and "-27.24 €" in found[0].message


def test_urssaf_payment(tmp_path):
    found = anomalies(put(clean(), "S21.G00.20.005", "3600.00", URSSAF), tmp_path, "DSN-PAY-05")
    assert len(found) == 1 and "3627.24 €" in found[0].message


def test_payment_period(tmp_path):
    records = edits(clean(), ("S21.G00.20.006", "01012025", URSSAF), ("S21.G00.20.007", "31012025", URSSAF))
    found = anomalies(records, tmp_path, "DSN-PAY-06")
    assert len(found) == 1 and "03/2025" in found[0].message
    assert anomalies(put(records, "S21.G00.20.013", "CRM1", URSSAF), tmp_path, "DSN-PAY-06") == []


def test_component_period(tmp_path):
    found = anomalies(put(clean(), "S21.G00.55.004", "2024M12"), tmp_path, "DSN-PAY-07")
    assert len(found) == 1 and "2024M12" in found[0].message
    assert anomalies(put(clean(), "S21.G00.55.004", "2025M01"), tmp_path, "DSN-PAY-07") == []


@pytest.mark.parametrize("code", PAY_CODES)
def test_every_payment_rule_has_its_test(code):
    name = REGISTRY[code].test.split("::")[1]
    assert name in globals() and REGISTRY[code].severity == "blocking"


def test_payment_rules_are_ours():
    assert codes_tested_by("tests/rules/test_payments.py") == set(PAY_CODES)
