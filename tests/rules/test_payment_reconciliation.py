"""Our payment rules (DSN-PAY-): amounts paid against amounts declared, with the run's tolerance, and payment
periods against the declared month. Payments in the clean file: 0 prévoyance, 1 Urssaf, 2 DGFIP; the DGFIP
amount is Σ S21.G00.50.009 = 57.98 (only the third employee's 50.009 is non-zero), the Urssaf slip 3627.24."""
from __future__ import annotations

from decimal import Decimal

import pytest

from dsn_parser import read_dsn
from dsn_parser.writer import write_records
from rules import REGISTRY, ValidationOptions, validate
from tests.rules.coherence.records import add_block, clean, codes_tested_by, edits, instances, put, reported
from tests.rules.support import fix_totals

PREVOYANCE, URSSAF, DGFIP = 0, 1, 2
PAS_EMPLOYEE = 2  # the S21.G00.50 whose 50.009 is 57.98
PAY_CODES = sorted(code for code in REGISTRY if code.startswith("DSN-PAY-"))


def anomalies(records, tmp_path, code, **options):
    path = write_records(records, tmp_path / "case.dsn")
    report = validate(read_dsn(path), ValidationOptions(**options), rules=[REGISTRY[code]])
    return [a for a in report.anomalies if a.code == code]


def test_clean_file_passes_every_payment_rule(tmp_path):
    assert reported(clean(), tmp_path, PAY_CODES) == set()


def _without_first(records, code: str) -> list:
    """``records`` without rubrique ``code`` in the first block instance that carries it."""
    occurrence = next(i for i, (first, end) in enumerate(instances(records, code[:10]))
                      if any(c == code for c, _v in records[first:end]))
    return put(records, code, None, occurrence)


def test_dgfip_payment(tmp_path):
    found = anomalies(put(clean(), "S21.G00.20.005", "60.00", DGFIP), tmp_path, "DSN-PAY-01")
    assert len(found) == 1
    assert "60.00 €" in found[0].message and "57.98 €" in found[0].message and "58.00 €" in found[0].message
    assert "écart de 2.00 €" in found[0].message
    assert found[0].severity == "warning" and found[0].lines


def test_dgfip_payment_real_gap_of_ten_euros(tmp_path):
    found = anomalies(put(clean(), "S21.G00.20.005", "68.00", DGFIP), tmp_path, "DSN-PAY-01")
    assert len(found) == 1 and "68.00 €" in found[0].message and "écart de 10.00 €" in found[0].message


def test_dgfip_payment_rounded_to_the_euro(tmp_path):
    # Σ 50.009 = 57.79, paid 58.00: the 0.21 € of the Cegid sample is the rounding the norm prescribes.
    records = edits(clean(), ("S21.G00.50.009", "57.79", PAS_EMPLOYEE), ("S21.G00.20.005", "58.00", DGFIP))
    assert anomalies(records, tmp_path, "DSN-PAY-01") == []
    assert len(anomalies(put(records, "S21.G00.20.005", "57.00", DGFIP), tmp_path, "DSN-PAY-01")) == 1


def test_dgfip_payment_half_euro_rounds_either_way(tmp_path):
    records = put(clean(), "S21.G00.50.009", "57.50", PAS_EMPLOYEE)
    for paid in ("57.00", "58.00", "57.50"):
        assert anomalies(put(records, "S21.G00.20.005", paid, DGFIP), tmp_path, "DSN-PAY-01") == []
    assert len(anomalies(put(records, "S21.G00.20.005", "56.00", DGFIP), tmp_path, "DSN-PAY-01")) == 1


def test_dgfip_payment_within_tolerance(tmp_path):
    records = put(clean(), "S21.G00.20.005", "57.99", DGFIP)
    assert anomalies(records, tmp_path, "DSN-PAY-01") == []
    assert len(anomalies(records, tmp_path, "DSN-PAY-01", tolerance=Decimal("0.001"))) == 1


def test_payment_made_by_another_establishment_is_not_compared(tmp_path):
    # S21.G00.20.005 for the DGFiP: "valorisée à « 0.00 » si délégation de paiement à un autre SIRET payeur (mode 06)".
    for payment, code in ((DGFIP, "DSN-PAY-01"), (URSSAF, "DSN-PAY-05")):
        records = edits(clean(), ("S21.G00.20.005", "0.00", payment), ("S21.G00.20.010", "06", payment),
                        ("S21.G00.20.012", "53464097400018", payment))
        assert anomalies(records, tmp_path, code) == [], code
        assert len(anomalies(put(records, "S21.G00.20.010", "05", payment), tmp_path, code)) == 1, code


def test_dgfip_payment_with_an_amount_missing_is_not_compared(tmp_path):
    assert anomalies(put(clean(), "S21.G00.20.005", None, DGFIP), tmp_path, "DSN-PAY-01") == []
    assert anomalies(put(clean(), "S21.G00.50.009", None, PAS_EMPLOYEE), tmp_path, "DSN-PAY-01") == []


def test_insurer_payment(tmp_path):
    found = anomalies(put(clean(), "S21.G00.20.005", "800.00", PREVOYANCE), tmp_path, "DSN-PAY-02")
    assert len(found) == 1 and "837.70 €" in found[0].message and "-37.70 €" in found[0].message
    assert len(found[0].lines) == 2  # the two components


def test_insurer_payment_with_an_amount_missing_is_not_compared(tmp_path):
    assert anomalies(put(clean(), "S21.G00.20.005", None, PREVOYANCE), tmp_path, "DSN-PAY-02") == []
    assert anomalies(put(clean(), "S21.G00.55.001", None), tmp_path, "DSN-PAY-02") == []


def test_contract_allocation(tmp_path):
    found = anomalies(put(clean(), "S21.G00.55.001", "200.00"), tmp_path, "DSN-PAY-03")
    assert len(found) == 1
    assert "PREV-352353/CAD-NCAD" in found[0].message and "130.71 €" in found[0].message
    assert len(found[0].lines) > 1  # the component and the 059 contributions


def test_contract_allocation_skips_a_quarter_not_all_in_the_file(tmp_path):
    assert anomalies(put(clean(), "S21.G00.55.001", "1.00", 1), tmp_path, "DSN-PAY-03") == []


def test_contract_allocation_not_compared_when_a_link_or_amount_is_missing(tmp_path):
    paid_more = put(clean(), "S21.G00.55.001", "200.00")  # the case test_contract_allocation finds
    for code in ("S21.G00.70.013", "S21.G00.15.001", "S21.G00.78.005"):
        assert anomalies(_without_first(paid_more, code), tmp_path, "DSN-PAY-03") == [], code
    oc = next(i for i, (first, end) in enumerate(instances(paid_more, "S21.G00.81"))
              if ("S21.G00.81.001", "059") in paid_more[first:end])
    assert anomalies(put(paid_more, "S21.G00.81.004", None, oc), tmp_path, "DSN-PAY-03") == []
    assert anomalies(put(clean(), "S21.G00.55.001", None), tmp_path, "DSN-PAY-03") == []


def test_contract_allocation_without_payee_does_not_fail(tmp_path):
    records = put(clean(), "S21.G00.20.001", None, PREVOYANCE)
    assert reported(records, tmp_path, ["DSN-PAY-03"]) == set()


def _aggregated(records, code: str, value: str | None) -> list:
    """Every S21.G00.23 line with rubrique ``code`` set to ``value`` (removed when None)."""
    for occurrence in range(len(instances(records, "S21.G00.23"))):
        records = put(records, code, value, occurrence)
    return records


def test_urssaf_slip(tmp_path):
    found = anomalies(put(clean(), "S21.G00.22.005", "3600.00"), tmp_path, "DSN-PAY-04")
    assert len(found) == 1
    assert "3600.00 €" in found[0].message and "3627.24 €" in found[0].message and "3627.00 €" in found[0].message
    assert "écart de -27.00 €" in found[0].message and len(found[0].lines) == 3


def test_urssaf_slip_rounded_to_the_euro(tmp_path):
    assert anomalies(put(clean(), "S21.G00.22.005", "3627.00"), tmp_path, "DSN-PAY-04") == []


def test_urssaf_slip_of_assiettes_only_is_not_compared(tmp_path):
    # As certified software writes them (the Cegid sample): assiettes, no amounts; the Urssaf applies its rates.
    assiettes = _aggregated(_aggregated(clean(), "S21.G00.23.005", None), "S21.G00.23.003", None)
    assert anomalies(assiettes, tmp_path, "DSN-PAY-04") == []
    # One line without its amount is enough: its rate .003 is not the whole CTP rate, base × rate is no amount.
    one_missing = put(put(clean(), "S21.G00.22.005", "3600.00"), "S21.G00.23.005", None)
    assert anomalies(one_missing, tmp_path, "DSN-PAY-04") == []


def test_urssaf_slip_without_total_is_not_compared(tmp_path):
    assert reported(put(clean(), "S21.G00.22.005", None), tmp_path, ["DSN-PAY-04", "DSN-PAY-05"]) == set()


def test_urssaf_payment(tmp_path):
    found = anomalies(put(clean(), "S21.G00.20.005", "3600.00", URSSAF), tmp_path, "DSN-PAY-05")
    assert len(found) == 1 and "3627.24 €" in found[0].message and "78877877700011" in found[0].message


def test_urssaf_payment_in_two_payments(tmp_path):
    second = [("S21.G00.20.001", "78877877700011"), ("S21.G00.20.002", "53464097409712"),
              ("S21.G00.20.005", "627.24"), ("S21.G00.20.006", "01032025"), ("S21.G00.20.007", "31032025"),
              ("S21.G00.20.010", "05")]
    records = add_block(put(clean(), "S21.G00.20.005", "3000.00", URSSAF), "S21.G00.20.010", second, URSSAF)
    assert anomalies(records, tmp_path, "DSN-PAY-05") == []
    found = anomalies(put(records, "S21.G00.20.005", "600.00", URSSAF + 1), tmp_path, "DSN-PAY-05")
    assert len(found) == 1 and "3600.00 €" in found[0].message  # the two payments, reported once


def test_urssaf_payment_with_an_amount_missing_is_not_compared(tmp_path):
    assert anomalies(put(clean(), "S21.G00.20.005", None, URSSAF), tmp_path, "DSN-PAY-05") == []


def test_payment_period(tmp_path):
    records = edits(clean(), ("S21.G00.20.006", "01012025", URSSAF), ("S21.G00.20.007", "31012025", URSSAF))
    found = anomalies(records, tmp_path, "DSN-PAY-06")
    assert len(found) == 1 and "03/2025" in found[0].message
    assert anomalies(put(records, "S21.G00.20.013", "CRM1", URSSAF), tmp_path, "DSN-PAY-06") == []


def test_component_period(tmp_path):
    found = anomalies(put(clean(), "S21.G00.55.004", "2024M12"), tmp_path, "DSN-PAY-07")
    assert len(found) == 1 and "2024M12" in found[0].message
    assert anomalies(put(clean(), "S21.G00.55.004", "2025M01"), tmp_path, "DSN-PAY-07") == []


def _oc_period(records, start: str, end: str, payment: int = PREVOYANCE) -> list:
    return edits(records, ("S21.G00.20.006", start, payment), ("S21.G00.20.007", end, payment))


def test_payment_period_accepts_the_oc_placeholder(tmp_path):
    # Cahier technique, S21.G00.20.006/.007 for an OC: "donnée non exploitée… à renseigner au 01012000".
    assert anomalies(_oc_period(clean(), "01012000", "01012000"), tmp_path, "DSN-PAY-06") == []
    assert len(anomalies(_oc_period(clean(), "01012000", "31012000"), tmp_path, "DSN-PAY-06")) == 1
    urssaf = anomalies(_oc_period(clean(), "01012000", "01012000", URSSAF), tmp_path, "DSN-PAY-06")
    assert len(urssaf) == 1 and "01012000" in urssaf[0].message  # a real date for the Urssaf


def test_component_period_under_the_oc_placeholder(tmp_path):
    assert anomalies(_oc_period(clean(), "01012000", "01012000"), tmp_path, "DSN-PAY-07") == []
    assert len(anomalies(_oc_period(clean(), "01122024", "31122024"), tmp_path, "DSN-PAY-07")) == 2


#: Rubriques the DSN-PAY rules read: removing one (everywhere, or its first occurrence) makes no anomaly of theirs.
READ = ("S20.G00.05.005", "S21.G00.15.001", "S21.G00.15.002", "S21.G00.15.005", "S21.G00.20.001", "S21.G00.20.002",
        "S21.G00.20.005", "S21.G00.20.006", "S21.G00.20.007", "S21.G00.22.001", "S21.G00.22.005", "S21.G00.23.003",
        "S21.G00.23.004", "S21.G00.23.005", "S21.G00.50.009", "S21.G00.55.001", "S21.G00.55.003", "S21.G00.55.004",
        "S21.G00.70.012", "S21.G00.70.013", "S21.G00.78.001", "S21.G00.78.002", "S21.G00.78.005", "S21.G00.81.001",
        "S21.G00.81.004")


@pytest.mark.parametrize("everywhere", [True, False], ids=["everywhere", "first"])
@pytest.mark.parametrize("code", READ)
def test_missing_rubrique_makes_no_payment_anomaly(code, everywhere, tmp_path):
    records = clean()
    records = fix_totals([(c, v) for c, v in records if c != code]) if everywhere else _without_first(records, code)
    assert reported(records, tmp_path, PAY_CODES) == set()


@pytest.mark.parametrize("code", PAY_CODES)
def test_every_payment_rule_has_its_test(code):
    name = REGISTRY[code].test.split("::")[1]
    assert name in globals() and REGISTRY[code].severity == "warning"  # not a DSN-Val control


def test_payment_rules_are_ours():
    assert codes_tested_by("tests/rules/test_payment_reconciliation.py") == set(PAY_CODES)
