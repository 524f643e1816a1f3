"""History queries: which declarations were current at a given time, and an employee's months."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from . import schema
from .schema import declarations, employees


def declarations_as_of(conn: sa.Connection, siren: str, when: datetime) -> list[dict]:
    """The declarations of ``siren`` that were current at ``when`` (naive UTC), by month, NIC and fraction.

    A declaration is current from its reception until an annule-et-remplace supersedes it or an annule
    cancels it; annulments themselves are never current.
    """
    d = declarations.c
    query = (sa.select(declarations)
             .where(d.siren == siren, d.valid_from <= when, sa.or_(d.valid_to.is_(None), d.valid_to > when))
             .order_by(d.month, d.nic, d.fraction, d.valid_from))
    return [dict(row) for row in conn.execute(query).mappings()]


def employee_months(conn: sa.Connection, employee_id: str, before: date, count: int = 12) -> list[dict]:
    """The employee's ``count`` latest months before ``before`` from current declarations, newest first.

    Each row: month, declaration id, SIREN, NIC, matricule, first contract (number, start, nature), number of
    contracts, gross pay (S21.G00.51.013 of type 001), net taxable and net paid.
    """
    m, d = schema.employee_months.c, declarations.c
    query = (sa.select(m.month, m.declaration_id, m.siren, m.nic, m.matricule, m.contract_number, m.contract_start,
                       m.contract_nature, m.contracts, m.gross_pay, m.net_taxable, m.net_paid)
             .join(declarations, d.id == m.declaration_id)
             .where(m.employee_id == employee_id, m.month < before, d.state == "current")
             .order_by(m.month.desc()).limit(count))
    return [dict(row) for row in conn.execute(query).mappings()]


def employee_id_of(conn: sa.Connection, nir: str | None = None, ntt: str | None = None,
                   siren: str | None = None, matricule: str | None = None) -> str | None:
    """The stored employee of a NIR, else an NTT, else a (SIREN, matricule); None when unknown."""
    if nir:
        identity = f"nir:{nir}"
    elif ntt:
        identity = f"ntt:{ntt}"
    elif siren and matricule:
        identity = f"mat:{siren}:{matricule}"
    else:
        return None
    return conn.execute(sa.select(employees.c.id).where(employees.c.identity == identity)).scalar()
