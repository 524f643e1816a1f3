"""The figures of the contribution account, per SIREN × contract × month (declared, due) and × period (allocated,
paid), from the queries of :mod:`cotisations_sql` and the stored contract referential."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from rules.fpoc.model import ContractParameters, Periodicity, Referential

from ..referentials import stored_referential
from .cotisations_sql import END_OF_TIME, composant_rows, contract_periods, decimal, month_rows
from .cotisations_terms import AccountTerms, account_terms, period_code, period_months, period_periodicity

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PaymentShare:
    """The part of one S21.G00.20 payment allocated by one S21.G00.55 composant to a contract and period."""

    siren: str
    declaration_id: str
    month: date
    paid_on: date | None
    organisme: str | None
    mode: str | None
    contract: str
    period: str
    allocated: Decimal
    paid: Decimal
    crm: str | None
    line: int


@dataclass
class Contracts:
    """The referential of one company, seen by contract reference."""

    referential: Referential
    siren: str

    def lines(self, contract: str) -> list[ContractParameters]:
        return [line for line in self.referential.lines(self.siren) if line.contract.reference == contract]

    def periodicity(self, contract: str, month: date, fallback: Periodicity | None) -> Periodicity:
        """The contract's periodicity in ``month`` (else one valid at another time, else ``fallback``, else
        monthly)."""
        lines = [line for line in self.lines(contract) if line.periodicity is not None]
        valid = [line for line in lines if line.valid_at(month)]
        chosen = (valid or lines)
        return chosen[0].periodicity if chosen else (fallback or Periodicity.MONTHLY)

    def terms(self, contract: str) -> AccountTerms:
        lines = self.lines(contract)
        return account_terms(lines[-1] if lines else None)


def referentials(conn: sa.Connection, sirens: list[str]) -> dict[str, Contracts]:
    return {siren: Contracts(stored_referential(conn, siren), siren) for siren in sirens}


def rate_rows(contracts: dict[str, Contracts]) -> tuple[list[tuple], list[tuple]]:
    """The rates (as fractions) and flat amounts of every referential line, for :func:`cotisations_sql.month_rows`."""
    rates, flats = [], []
    for siren, known in contracts.items():
        for line in known.referential.lines(siren):
            key = (siren, line.contract.reference, line.option_code or "", line.population_code or "")
            span = (line.valid_from, line.valid_to or END_OF_TIME)
            flat = sum((c.amount for c in line.composants if c.rate is None and c.amount is not None), Decimal(0))
            flat += known.terms(line.contract.reference).flat_amount(line.option_code)
            for composant in line.composants:
                if composant.rate is not None:
                    rates.append((*key, composant.type_code, *span, composant.rate / HUNDRED))
            if flat:
                flats.append((*key, *span, flat))
    return rates, flats


def apportion(rows: list) -> list[PaymentShare]:
    """Each composant's share of its payment's 20.005, in proportion to 55.001 (cents; the last composant of a
    payment takes the rounding remainder)."""
    payments: dict[tuple, list] = defaultdict(list)
    for row in rows:
        payments[(row.declaration_id, row.payment)].append(row)
    shares = []
    for items in payments.values():
        total = sum((decimal(r.amount) for r in items), Decimal(0))
        paid_total, left = decimal(items[0].payment_amount), decimal(items[0].payment_amount)
        for i, row in enumerate(items):
            if i == len(items) - 1:
                paid = left
            elif total:
                paid = (paid_total * decimal(row.amount) / total).quantize(CENT, rounding=ROUND_HALF_UP)
            else:
                paid = (paid_total / len(items)).quantize(CENT, rounding=ROUND_HALF_UP)
            left -= paid
            shares.append(PaymentShare(row.siren, row.declaration_id, row.month, row.paid_on or row.file_date,
                                       row.organisme, row.mode, row.contract, row.period, decimal(row.amount), paid,
                                       row.crm, row.line))
    return shares


def fallback_periodicities(rows) -> dict[tuple, Periodicity]:
    """(siren, contract) → the periodicity of its latest S21.G00.55.004 period code, from (siren, contract, period)
    rows: the periodicity of a contract the referential does not give."""
    latest: dict[tuple, tuple] = {}
    for siren, contract, code in rows:
        found = period_periodicity(code or "")
        if found is not None:
            latest[(siren, contract)] = max(latest.get((siren, contract), (date.min, "")),
                                            (period_months(code)[0], code))
    return {key: period_periodicity(code) for key, (_first, code) in latest.items()}


def compute(conn: sa.Connection, sirens: list[str], when: datetime | None = None,
            contracts: dict[str, Contracts] | None = None, months: list[date] | None = None,
            periods: list[str] | None = None) -> tuple[dict, dict, list[PaymentShare]]:
    """(months, periods, shares): ``months`` (siren, contract, month) → organisme, period, declared, due, lines,
    heads; ``periods`` (siren, contract, period) → organisme, allocated, paid; the payment shares. ``months`` and
    ``periods`` given: only those (and the shares of the payments holding those periods)."""
    contracts = contracts if contracts is not None else referentials(conn, sirens)
    rates, flats = rate_rows(contracts)
    shares = apportion(composant_rows(conn, sirens, when, periods))
    by_period: dict[tuple, dict] = {}
    for share in shares:
        if periods is not None and share.period not in periods:
            continue
        key = (share.siren, share.contract, share.period)
        row = by_period.setdefault(key, {"organisme": share.organisme, "allocated": Decimal(0), "paid": Decimal(0)})
        row["allocated"] += share.allocated
        row["paid"] += share.paid
    fallback = fallback_periodicities(contract_periods(conn, sirens, when))
    by_month: dict[tuple, dict] = {}
    for row in month_rows(conn, sirens, rates, flats, when, months):
        periodicity = contracts[row.siren].periodicity(row.contract, row.month, fallback.get((row.siren, row.contract)))
        by_month[(row.siren, row.contract, row.month)] = {
            "organisme": row.organisme, "period": period_code(row.month, periodicity),
            "declared": decimal(row.declared).quantize(CENT, rounding=ROUND_HALF_UP),
            "due": decimal(row.due).quantize(CENT, rounding=ROUND_HALF_UP),
            "lines": int(row.lines), "heads": int(row.heads)}
    return by_month, by_period, shares
