"""The apportionment of S21.G00.20 payments to their S21.G00.55 composants (no store)."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from rules.fpoc.model import Periodicity
from pipeline.products.cotisations_compute import apportion, fallback_periodicities

CENT = Decimal("0.01")


def composant(payment: str, paid: str, amount: str, contract: str, period: str, line: int, crm: str | None = None):
    return SimpleNamespace(siren="123456789", declaration_id="D1", month=date(2025, 3, 1), file_date=date(2025, 4, 5),
                           payment=payment, payment_line=1, organisme="P0001", payment_amount=paid, mode="05",
                           paid_on=None, amount=amount, contract=contract, period=period, crm=crm, line=line)


def test_a_short_payment_split_across_contracts_is_apportioned_by_its_composants():
    paid, amounts = Decimal("90.00"), [Decimal("60.00"), Decimal("30.00"), Decimal("10.00")]
    rows = [composant("V1", str(paid), str(a), c, p, i)
            for i, (a, c, p) in enumerate(zip(amounts, ["PREV", "SANTE", "SANTE"], ["2025M03", "2025T01", "2025T01"]))]
    rows.append(composant("V2", "7.00", "7.00", "PREV", "2025M02", 9, crm="REGUL"))
    shares = apportion(rows)
    total = sum(amounts)
    first = [(paid * a / total).quantize(CENT, rounding=ROUND_HALF_UP) for a in amounts[:2]]
    assert [s.paid for s in shares] == [*first, paid - sum(first), Decimal("7.00")]
    assert [s.allocated for s in shares] == [*amounts, Decimal("7.00")]
    assert sum(s.paid for s in shares if s.contract == "SANTE") == paid - first[0]
    assert shares[-1].crm == "REGUL" and shares[0].paid_on == date(2025, 4, 5)  # no 20.011: the file date


def test_the_last_composant_takes_the_rounding_remainder():
    shares = apportion([composant("V1", "100.00", "1.00", "C", "2025M01", i) for i in range(3)])
    assert [s.paid for s in shares] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_a_contract_missing_from_the_referential_takes_the_periodicity_of_its_latest_period_code():
    rows = [("1", "A", "2025M12"), ("1", "A", "2026T01"), ("1", "B", "2025A00"), ("1", "B", "2025S01"),
            ("1", "C", "not a code")]
    assert fallback_periodicities(rows) == {("1", "A"): Periodicity.QUARTERLY, ("1", "B"): Periodicity.HALF_YEARLY}
