"""History queries: which declarations were current at a given time, an employee's months, a day's submissions."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from . import schema
from .personal import stored_lookup
from .schema import declarations, employee_identities, submissions

PARIS = ZoneInfo("Europe/Paris")


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
    """The stored employee of a NIR (current or former), else an NTT, else a (SIREN, matricule); None when
    unknown."""
    if nir:
        identity = f"nir:{stored_lookup(conn, nir)}"
    elif ntt:
        identity = f"ntt:{ntt}"
    elif siren and matricule:
        identity = f"mat:{siren}:{matricule}"
    else:
        return None
    return conn.execute(sa.select(employee_identities.c.employee_id)
                        .where(employee_identities.c.identity == identity)).scalar()


def utc_bounds(day: date) -> tuple[datetime, datetime]:
    """Start and end (naive UTC, as the store keeps times) of a calendar day in Europe/Paris."""
    start = datetime.combine(day, time(), tzinfo=PARIS)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=PARIS)
    return tuple(t.astimezone(timezone.utc).replace(tzinfo=None) for t in (start, end))


def received_on(day: date) -> sa.ColumnElement[bool]:
    """The condition "the submission was received on ``day``" (Paris time)."""
    start, end = utc_bounds(day)
    return (submissions.c.received_at >= start) & (submissions.c.received_at < end)


def submissions_received(conn: sa.Connection, day: date, status: str | None = None) -> list[str]:
    """Ids of the submissions received on ``day`` (Paris time), with ``status`` when given, oldest first."""
    query = sa.select(submissions.c.id).where(received_on(day)).order_by(submissions.c.received_at, submissions.c.id)
    if status is not None:
        query = query.where(submissions.c.status == status)
    return list(conn.execute(query).scalars())
