"""The contribution account (« Suivre vos cotisations »): per SIREN × insurer contract × period, what was due,
declared, allocated and paid, the differences, the échéance and its status.

Derived tables ``cotisation_months`` and ``cotisation_periods`` (pipeline.store.schema_cotisations) hold the
figures of the current declarations; :func:`recompute` keeps them equal to what the block tables give, writing
only the rows that differ. :func:`account` reads them, or computes the figures of the declarations current at
the end of ``as_of`` when asked (the history stays queryable).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from ..store.history import utc_bounds
from ..store.schema_cotisations import cotisation_months, cotisation_periods
from .cotisations_compute import Contracts, apportion, compute, referentials
from . import touched
from .cotisations_sql import composant_rows, decimal, filing_rows, touched_scope
from .cotisations_terms import PERIODICITY_NAMES, due_date, period_months, period_periodicity
from .records import Month, Record, money

TOLERANCE = Decimal("0.01")
PAID, PARTLY_PAID, UNPAID, UPCOMING = "soldée", "partiellement payée", "impayée", "à venir"
MONTH_COLUMNS = ("organisme", "period", "declared", "due", "lines", "heads")
PERIOD_COLUMNS = ("organisme", "allocated", "paid")


@dataclass(frozen=True)
class PeriodAccount(Record):
    """One period of a contract (S21.G00.55.004 code) with its months' declared amounts and its échéance."""

    period: str
    months: dict
    due: Decimal
    declared: Decimal
    allocated: Decimal
    paid: Decimal
    allocated_minus_declared: Decimal
    paid_minus_allocated: Decimal
    paid_minus_declared: Decimal
    declared_minus_due: Decimal
    due_date: date
    status: str
    charged: Decimal


@dataclass(frozen=True)
class AccountTotals(Record):
    """Sums over the periods shown; ``balance`` = charged (declared, or due when the insurer calls) − paid."""

    due: Decimal
    declared: Decimal
    allocated: Decimal
    paid: Decimal
    balance: Decimal


@dataclass(frozen=True)
class ContractAccount(Record):
    """The account of one contract (S21.G00.15.001) of a company."""

    siren: str
    contract: str
    organisme: str | None
    periodicity: str
    calls: bool
    periods: list
    totals: AccountTotals
    problems: list


def _keyed(rows, width: int, columns: tuple[str, ...]) -> dict[tuple, dict]:
    return {tuple(row[:width]): dict(zip(columns, row[width:])) for row in rows}


def _stored(conn: sa.Connection, sirens: list[str], months: list[date] | None = None,
            periods: list[str] | None = None) -> tuple[dict, dict]:
    """The stored rows of ``sirens`` (of ``months`` and ``periods`` only when given), keyed like :func:`compute`."""
    m, p = cotisation_months.c, cotisation_periods.c
    month_query = sa.select(m.siren, m.contract, m.month, *(m[c] for c in MONTH_COLUMNS)).where(m.siren.in_(sirens))
    period_query = (sa.select(p.siren, p.contract, p.period, *(p[c] for c in PERIOD_COLUMNS))
                    .where(p.siren.in_(sirens)))
    if months is not None:
        month_query = month_query.where(m.month.in_(months))
    if periods is not None:
        period_query = period_query.where(p.period.in_(periods))
    stored_months = _keyed(conn.execute(month_query).all(), 3, MONTH_COLUMNS)
    for values in stored_months.values():
        values["declared"], values["due"] = decimal(values["declared"]), decimal(values["due"])
    stored_periods = _keyed(conn.execute(period_query).all(), 3, PERIOD_COLUMNS)
    for values in stored_periods.values():
        values["allocated"], values["paid"] = decimal(values["allocated"]), decimal(values["paid"])
    return stored_months, stored_periods


def _sync(conn: sa.Connection, table: sa.Table, keys: tuple[str, ...], wanted: dict, stored: dict) -> int:
    """Write only what differs between ``wanted`` and ``stored`` rows of ``table``; return the rows written."""
    stale = [key for key in stored if key not in wanted]
    changed = [key for key, values in wanted.items() if key in stored and stored[key] != values]
    missing = [key for key in wanted if key not in stored]
    for key in stale:
        conn.execute(table.delete().where(*(table.c[k] == v for k, v in zip(keys, key))))
    for key in changed:
        conn.execute(table.update().where(*(table.c[k] == v for k, v in zip(keys, key))).values(**wanted[key]))
    if missing:
        conn.execute(table.insert(), [{**dict(zip(keys, key)), **wanted[key]} for key in missing])
    return len(stale) + len(changed) + len(missing)


def recompute(conn: sa.Connection, sirens: list[str], as_of: date,
              declarations: list[str] | None = None) -> int:
    """Bring the account tables of ``sirens`` in line with the current declarations; return the rows written.
    ``declarations`` (an ingest's): only the months of the declarations they touch (:func:`touched`) and the
    periods of those declarations' composants; None: everything."""
    if not sirens:
        return 0
    months = periods = None
    if declarations is not None:
        months, periods = touched_scope(conn, touched(conn, declarations))
        if not months and not periods:
            return 0
    computed_months, computed_periods, _shares = compute(conn, sirens, months=months, periods=periods)
    stored_months, stored_periods = _stored(conn, sirens, months, periods)
    return (_sync(conn, cotisation_months, ("siren", "contract", "month"), computed_months, stored_months)
            + _sync(conn, cotisation_periods, ("siren", "contract", "period"), computed_periods, stored_periods))


def end_of(day: date) -> datetime:
    """The end of a Paris day, as the store's naive UTC."""
    return utc_bounds(day)[1]


def _status(charged: Decimal, paid: Decimal, due_on: date, today: date) -> str:
    if charged - paid <= TOLERANCE and (today > due_on or paid > 0):
        return PAID
    if today <= due_on:
        return UPCOMING
    return PARTLY_PAID if paid > 0 else UNPAID


def _in_range(months: list[date], start: date | None, end: date | None) -> bool:
    return (start is None or months[-1] >= start) and (end is None or months[0] <= end)


def contract_accounts(conn: sa.Connection, siren: str, contract: str | None = None, start: date | None = None,
                      end: date | None = None, as_of: date | None = None) -> tuple[list[ContractAccount], dict]:
    """The accounts and the live figures used (``{"shares": …, "contracts": Contracts}``) for :func:`account` and
    the ledger."""
    when = end_of(as_of) if as_of is not None else None
    known = referentials(conn, [siren])
    if as_of is None:
        (months, periods), shares = _stored(conn, [siren]), apportion(composant_rows(conn, [siren]))
    else:
        months, periods, shares = compute(conn, [siren], when, known)
    filing = filing_rows(conn, siren, when)
    today = as_of or date.today()
    contracts = sorted({k[1] for k in months} | {k[1] for k in periods})
    accounts = [_contract_account(siren, name, months, periods, filing, known[siren], today, start, end)
                for name in contracts if contract is None or name == contract]
    return accounts, {"shares": shares, "contracts": known[siren], "filing": filing, "today": today}


def _contract_account(siren: str, name: str, months: dict, periods: dict, filing: dict, known: Contracts,
                      today: date, start: date | None, end: date | None) -> ContractAccount:
    terms = known.terms(name)
    by_period: dict[str, dict] = {}
    organisme = None
    for (s, c, month), values in sorted(months.items()):
        if (s, c) == (siren, name):
            by_period.setdefault(values["period"], {})[month] = values
            organisme = organisme or values["organisme"]
    for (s, c, period), values in periods.items():
        if (s, c) == (siren, name):
            by_period.setdefault(period, {})
            organisme = organisme or values["organisme"]
    shown = []
    zero = Decimal(0)
    for period in sorted(by_period, key=lambda code: (period_months(code) or [date.max])[0]):
        span = period_months(period)
        if not span or not _in_range(span, start, end):
            continue
        month_rows = by_period[period]
        due = sum((v["due"] for v in month_rows.values()), zero)
        declared = sum((v["declared"] for v in month_rows.values()), zero)
        allocation = periods.get((siren, name, period), {"allocated": zero, "paid": zero})
        allocated, paid = allocation["allocated"], allocation["paid"]
        charged = due if terms.calls else declared
        due_on = due_date(span, terms, filing)
        shown.append(PeriodAccount(
            period=period, months={Month.of(m): v["declared"] for m, v in sorted(month_rows.items())},
            due=due, declared=declared, allocated=allocated, paid=paid,
            allocated_minus_declared=allocated - declared, paid_minus_allocated=paid - allocated,
            paid_minus_declared=paid - declared, declared_minus_due=declared - due, due_date=due_on,
            status=_status(charged, paid, due_on, today), charged=charged))
    last_month = max((m for (s, c, m) in months if (s, c) == (siren, name)), default=today)
    fallback = period_periodicity(shown[-1].period) if shown else None
    totals = AccountTotals(*(sum((getattr(p, f) for p in shown), zero)
                             for f in ("due", "declared", "allocated", "paid")),
                           balance=sum((p.charged - p.paid for p in shown), zero))
    return ContractAccount(siren=siren, contract=name, organisme=organisme,
                           periodicity=PERIODICITY_NAMES[known.periodicity(name, last_month, fallback)],
                           calls=terms.calls, periods=shown, totals=totals, problems=list(terms.problems))


def account(conn: sa.Connection, siren: str, contract: str | None = None, start: date | None = None,
            end: date | None = None, as_of: date | None = None) -> list[ContractAccount]:
    """The contribution account of ``siren`` (one contract or all), periods touching ``start``…``end`` (months),
    as the store stood at the end of ``as_of`` (default: now, from the derived tables)."""
    return contract_accounts(conn, siren, contract, start, end, as_of)[0]


def run_summary(conn: sa.Connection) -> list[str]:
    """One French line per company × contract: periods, declared, paid and balance."""
    sirens = sorted(set(conn.execute(sa.select(cotisation_months.c.siren).distinct()).scalars())
                    | set(conn.execute(sa.select(cotisation_periods.c.siren).distinct()).scalars()))
    lines = []
    for siren in sirens:
        for item in account(conn, siren):
            t = item.totals
            lines.append(f"Cotisations {siren} contrat {item.contract} : {len(item.periods)} période(s), déclaré "
                         f"{money(t.declared)} €, payé {money(t.paid)} €, solde {money(t.balance)} €")
    return lines
