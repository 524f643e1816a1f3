"""FPOC- payment controls: the payments to the OC (S21.G00.20 / S21.G00.55) against the contract's periodicity and
declared contributions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules.fpoc.model import Periodicity
from rules.registry import Finding, rule

from .dsn import COMPOSANT_VERSEMENT, Adhesion, decimal, euros, line, lines_of, over_view, text

TEST = "tests/rules/fpoc/test_controls.py::"
PERIOD = re.compile(r"^(\d{4})([MTSAE])(\d{2})$")
#: 55.004 period letter and the months a period lasts, per periodicity.
CADENCE = {Periodicity.MONTHLY: ("M", 1), Periodicity.QUARTERLY: ("T", 3), Periodicity.HALF_YEARLY: ("S", 6),
           Periodicity.YEARLY: ("A", 12)}
LABELS = {Periodicity.MONTHLY: "mensuelle (AAAAMmm)", Periodicity.QUARTERLY: "trimestrielle (AAAATn)",
          Periodicity.HALF_YEARLY: "semestrielle (AAAASn)", Periodicity.YEARLY: "annuelle (AAAAA00)"}


@dataclass(frozen=True)
class Payment:
    """An S21.G00.55 with its parsed period (first and last month) when 55.004 is well-formed."""

    instance: int
    line: int
    establishment: int
    amount: Decimal | None
    contract: str | None
    population: str | None
    period: str | None
    period_line: int | None
    first: date | None
    last: date | None


def period_months(period: str | None) -> tuple[date, date] | None:
    """First and last month of a 55.004 period (``2025M03``, ``2025T01``, ``2025S02``, ``2025A00``)."""
    match = PERIOD.match(period or "")
    if match is None or match[2] == "E":
        return None
    year, kind, number = int(match[1]), match[2], int(match[3])
    length = {"M": 1, "T": 3, "S": 6, "A": 12}[kind]
    first_month = 1 if kind == "A" else (number - 1) * length + 1
    if not 1 <= first_month <= 12:
        return None
    last_month = first_month + length - 1
    return date(year, first_month, 1), date(year, last_month, 1)


def _periodicity(adhesion: Adhesion) -> Periodicity | None:
    return next((p.periodicity for p in adhesion.lines if p.periodicity is not None), None)


def is_due(periodicity: Periodicity, month: date) -> bool:
    """Whether the DSN of ``month`` must carry the payment of a period ending that month."""
    return month.month % CADENCE[periodicity][1] == 0


def _payments(ctx) -> list[Payment]:
    frame = ctx.text(COMPOSANT_VERSEMENT)
    typed = ctx.table(COMPOSANT_VERSEMENT)
    if frame.empty:
        return []
    amounts = dict(zip(typed["id"], typed["S21.G00.55.001"])) if "S21.G00.55.001" in typed else {}
    out = []
    for row in frame.to_dict("records"):
        period = text(row.get("S21.G00.55.004"))
        months = period_months(period)
        out.append(Payment(int(row["id"]), int(row["line"]), int(row["etablissement_id"]),
                           decimal(amounts.get(row["id"])), text(row.get("S21.G00.55.003")),
                           text(row.get("S21.G00.55.002")), period, line(row.get("S21.G00.55.004#line")),
                           *(months or (None, None))))
    return out


def _contracts(fpoc):
    """(adhésion, periodicity) of each resolved contract per establishment, once per reference."""
    seen = set()
    for adhesion in fpoc.adhesions:
        key = (adhesion.establishment.instance, adhesion.reference)
        periodicity = _periodicity(adhesion) if adhesion.resolved else None
        if key in seen or periodicity is None or adhesion.establishment.month is None:
            continue
        seen.add(key)
        yield adhesion, periodicity


def _cadence_problem(payment: Payment, periodicity: Periodicity, month: date) -> str | None:
    """Why a payment's period does not fit the contract's periodicity in the DSN of ``month`` (None if it does)."""
    letter, _length = CADENCE[periodicity]
    if payment.first is None or payment.period[4] != letter:
        return f"période attendue {LABELS[periodicity]}"
    if payment.last > month:
        return "période non échue au mois déclaré"
    return None


@rule("FPOC-PAY-01", scope="block",
      message="Aucun versement S21.G00.55 pour le contrat {value} alors que sa périodicité {periodicity} "
              "rend la période {period} exigible dans cette déclaration",
      description="A contract due this month (monthly; quarterly in March, June, September, December; half-yearly "
                  "in June and December; yearly in December) needs an S21.G00.55 with 55.003 = its reference, "
                  "unless the adhésion covers nobody (15.004 = 02).",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def missing_payment(ctx, fpoc):
    """Contracts due this month without a payment component."""
    paid = {(p.establishment, p.contract) for p in _payments(ctx)}
    for adhesion, periodicity in _contracts(fpoc):
        month = adhesion.establishment.month
        if (adhesion.covered_staff == "02" or not is_due(periodicity, month)
                or (adhesion.establishment.instance, adhesion.reference) in paid):
            continue
        letter, length = CADENCE[periodicity]
        number = "00" if letter == "A" else f"{(month.month - 1) // length + 1:02d}"
        yield Finding(
            instance=adhesion.instance, rubrique="S21.G00.55.003", value=adhesion.reference,
            lines=(adhesion.line,),
            fields={"periodicity": LABELS[periodicity], "period": f"{month.year}{letter}{number}"})


@rule("FPOC-PAY-02", scope="rubrique",
      message="Période d'affectation « {value} » du contrat {contract} incompatible avec sa périodicité "
              "{periodicity} dans la fiche FPOC : {detail}",
      description="55.004 follows the contract's Periodicite: AAAAMmm monthly, AAAATn quarterly (only once the "
                  "quarter is over), AAAASn half-yearly, AAAAA00 yearly.",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def wrong_periodicity(ctx, fpoc):
    """Payment components whose period does not follow the contract's cadence."""
    payments = _payments(ctx)
    for adhesion, periodicity in _contracts(fpoc):
        for payment in payments:
            if payment.establishment != adhesion.establishment.instance or payment.contract != adhesion.reference:
                continue
            if payment.period and payment.period[4:5] == "E":
                continue
            problem = _cadence_problem(payment, periodicity, adhesion.establishment.month)
            if problem:
                yield Finding(
                    line=payment.period_line, instance=payment.instance, rubrique="S21.G00.55.004",
                    value=payment.period, lines=lines_of(payment.line, adhesion.line),
                    fields={"contract": adhesion.reference, "periodicity": LABELS[periodicity],
                            "detail": problem})


@rule("FPOC-PAY-03", scope="rubrique",
      message="Versement « {value} » du contrat {contract} pour la période {period} : {declared} versés, {expected} de "
              "cotisations 059 déclarées ({count} ligne(s)), écart {difference}",
      description="For a period of one month (the declared month), 55.001 equals Σ 81.004 of the 059 under the "
                  "bases 31 of that contract's affiliations for the period (55.002 population when given), within "
                  "the tolerance. Periods of several months need the earlier DSNs and are not checked here, nor are "
                  "establishments with a base 31 not linked to an adhésion (the sum cannot be computed).",
      test=TEST + "test_payment_amount_differs_from_contributions")
@over_view
def wrong_payment_amount(ctx, fpoc):
    """Monthly payment components whose amount is not the month's declared contributions."""
    payments = _payments(ctx)
    unlinked = {b.establishment.instance for b in fpoc.bases  # a base 31 of unknown contract: not calculable
                if b.affiliation is None or b.affiliation.adhesion is None}
    for adhesion, periodicity in _contracts(fpoc):
        month = adhesion.establishment.month
        if adhesion.establishment.instance in unlinked:
            continue
        for payment in payments:
            if (payment.establishment != adhesion.establishment.instance or payment.contract != adhesion.reference
                    or payment.amount is None or payment.first != month or payment.last != month
                    or _cadence_problem(payment, periodicity, month)):
                continue
            total, count = _declared(fpoc, adhesion, payment)
            if abs(payment.amount - total) <= ctx.options.tolerance:
                continue
            yield Finding(
                line=payment.line, instance=payment.instance, rubrique="S21.G00.55.001",
                value=f"{payment.amount:.2f}", lines=lines_of(payment.line, adhesion.line),
                fields={"contract": adhesion.reference, "period": payment.period, "declared": euros(payment.amount),
                        "expected": euros(total), "difference": euros(payment.amount - total),
                        "count": count})


def _declared(fpoc, adhesion: Adhesion, payment: Payment) -> tuple[Decimal, int]:
    """Σ 059 amounts of the contract's bases 31 in the payment's period, and how many were summed."""
    total, count = Decimal(0), 0
    for base in fpoc.bases:
        a = base.affiliation
        if (a is None or a.adhesion is None or a.adhesion.reference != adhesion.reference
                or base.establishment.instance != adhesion.establishment.instance or base.start is None
                or not payment.first <= base.start.replace(day=1) <= payment.last
                or (payment.population is not None and a.population != payment.population)):
            continue
        for row in base.cotisations:
            value = decimal(row.get("S21.G00.81.004"))
            if value is not None:
                total += value
                count += 1
    return total, count
