"""The ledger of a contribution account: one due line per échéance (the declared amount, or the due amount when the
insurer calls contributions) and one credit line per payment share (S21.G00.20 apportioned by its S21.G00.55), the
balance (solde) at any date, and the statement over a chosen range of months.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from .cotisations import ContractAccount, contract_accounts
from .cotisations_compute import PaymentShare
from .cotisations_terms import add_months
from .records import Record

DUE_LINE, PAYMENT_LINE = "échéance", "versement"


@dataclass(frozen=True)
class LedgerLine(Record):
    """One line of the ledger, with the running balance after it (debit − credit, positive: owed)."""

    date: date
    contract: str
    period: str
    kind: str
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    crm: str | None = None


@dataclass(frozen=True)
class ContractStatement(Record):
    """The statement of one contract over the range: opening balance, lines, closing balance."""

    contract: str
    organisme: str | None
    opening: Decimal
    closing: Decimal
    debit: Decimal
    credit: Decimal
    lines: list


@dataclass(frozen=True)
class Statement(Record):
    """« Situation de compte » of a company between two months (inclusive; None: unbounded)."""

    siren: str
    start: date | None
    end: date | None
    as_of: date
    contracts: list
    opening: Decimal
    closing: Decimal


def _payment_label(share: PaymentShare) -> str:
    label = f"Versement période {share.period} (DSN {share.month:%m/%Y})"
    return f"{label}, régularisation {share.crm}" if share.crm else label


def ledger_entries(item: ContractAccount, shares: list[PaymentShare]) -> list[tuple]:
    """(date, order, period, kind, label, debit, credit, crm) of a contract, in date order (due lines before the
    payments of the same day)."""
    entries = [(p.due_date, 0, p.period, DUE_LINE, f"Échéance {p.period}", p.charged, Decimal(0), None)
               for p in item.periods]
    entries += [(s.paid_on, 1, s.period, PAYMENT_LINE, _payment_label(s), Decimal(0), s.paid, s.crm)
                for s in shares if s.contract == item.contract and s.paid_on is not None]
    return sorted(entries, key=lambda e: (e[0], e[1], e[2], e[4]))


def _ledgers(accounts: list[ContractAccount], shares: list[PaymentShare]) -> dict[str, list[LedgerLine]]:
    out = {}
    for item in accounts:
        running, lines = Decimal(0), []
        for day, _order, period, kind, label, debit, credit, crm in ledger_entries(item, shares):
            running += debit - credit
            lines.append(LedgerLine(day, item.contract, period, kind, label, debit, credit, running, crm))
        out[item.contract] = lines
    return out


def ledger(conn: sa.Connection, siren: str, contract: str | None = None,
           as_of: date | None = None) -> dict[str, list[LedgerLine]]:
    """Contract → its ledger lines with the running balance, as the store stood at the end of ``as_of``."""
    accounts, live = contract_accounts(conn, siren, contract, as_of=as_of)
    return _ledgers(accounts, live["shares"])


def balance(conn: sa.Connection, siren: str, at: date, contract: str | None = None) -> Decimal:
    """The solde at the end of ``at`` (Σ due lines dated up to ``at`` − Σ payments up to ``at``), as then known."""
    lines = [line for lines in ledger(conn, siren, contract, as_of=at).values() for line in lines if line.date <= at]
    return sum((line.debit - line.credit for line in lines), Decimal(0))


def statement(conn: sa.Connection, siren: str, contract: str | None = None, start: date | None = None,
              end: date | None = None, as_of: date | None = None) -> Statement:
    """The lines dated within the months ``start``…``end`` with the opening and closing balances."""
    day = as_of or date.today()
    first = start.replace(day=1) if start else None
    after = add_months(end.replace(day=1), 1) if end else None
    accounts, live = contract_accounts(conn, siren, contract, as_of=as_of)
    organismes = {a.contract: a.organisme for a in accounts}
    contracts = []
    for name, lines in _ledgers(accounts, live["shares"]).items():
        before = [line for line in lines if first is not None and line.date < first]
        shown = [line for line in lines
                 if (first is None or line.date >= first) and (after is None or line.date < after)]
        opening = before[-1].balance if before else Decimal(0)
        closing = shown[-1].balance if shown else opening
        contracts.append(ContractStatement(name, organismes.get(name), opening, closing,
                                           sum((line.debit for line in shown), Decimal(0)),
                                           sum((line.credit for line in shown), Decimal(0)), shown))
    return Statement(siren, first, end, day, contracts, sum((c.opening for c in contracts), Decimal(0)),
                     sum((c.closing for c in contracts), Decimal(0)))


STATEMENT_HEADER = ["Date", "Contrat", "Période", "Nature", "Libellé", "Débit", "Crédit", "Solde"]
SUMMARY_HEADER = ["Contrat", "Organisme", "Solde d'ouverture", "Débit", "Crédit", "Solde de clôture"]


def statement_rows(item: ContractStatement) -> list[list]:
    """The rows of one contract's sheet: opening line, lines, closing line."""
    rows = [[None, item.contract, None, "ouverture", "Solde d'ouverture", None, None, item.opening]]
    rows += [[line.date, line.contract, line.period, line.kind, line.label, line.debit or None,
              line.credit or None, line.balance] for line in item.lines]
    rows.append([None, item.contract, None, "clôture", "Solde de clôture", item.debit, item.credit, item.closing])
    return rows


def summary_rows(result: Statement) -> list[list]:
    rows = [[c.contract, c.organisme, c.opening, c.debit, c.credit, c.closing] for c in result.contracts]
    rows.append(["Total", None, result.opening, sum((c.debit for c in result.contracts), Decimal(0)),
                 sum((c.credit for c in result.contracts), Decimal(0)), result.closing])
    return rows


def write_statement(result: Statement, path, form: str):
    """The statement as CSV (every contract's rows, one file) or XLSX (one sheet per contract plus a summary)."""
    from .export import write_csv, write_xlsx

    if form == "csv":
        return write_csv(path, STATEMENT_HEADER, [row for c in result.contracts for row in statement_rows(c)])
    sheets = {"Synthèse": (SUMMARY_HEADER, summary_rows(result))}
    for index, item in enumerate(result.contracts, start=1):
        name = "".join(ch for ch in item.contract if ch not in "[]:*?/\\")[:28] or f"Contrat {index}"
        sheets[name if name not in sheets else f"{name[:25]}-{index}"] = (STATEMENT_HEADER, statement_rows(item))
    return write_xlsx(path, sheets)
