"""What the reports (:mod:`reports`) read from the store besides the products' query functions: a stored
submission's header, a company's monthly declarations, stored anomaly rows, the months received on a day and
the months stored for a company (SQLAlchemy Core over the store's schema; reports and templates never query).

Times come back as Europe/Paris local times (aware); the store keeps them in naive UTC.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa

from .history import PARIS, received_on
from .schema import anomalies, declarations, submissions


def paris_time(value: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as Paris time (None kept)."""
    return None if value is None else value.replace(tzinfo=timezone.utc).astimezone(PARIS)


def submission_header(conn: sa.Connection, submission_id: str) -> dict:
    """Reception time (Paris), status, establishments (NIC) and archived raw file of a stored submission."""
    s, d = submissions.c, declarations.c
    row = conn.execute(sa.select(s.received_at, s.status, s.archive_path).where(s.id == submission_id)).one()
    nics = conn.execute(sa.select(d.nic).distinct().where(d.submission_id == submission_id, d.nic.is_not(None))
                        .order_by(d.nic)).scalars().all()
    return {"received_at": paris_time(row.received_at), "status": row.status, "establishments": list(nics),
            "stored": True, "source": row.archive_path}


def company_declarations(conn: sa.Connection, siren: str, first: date, last: date) -> list[dict]:
    """The mensuelles (nature 01) of ``siren`` for the months ``first``…``last``, every state, by month and
    reception: declaration, submission, file, archived file, type, establishment, state, the declaration
    replacing it."""
    d, s = declarations.c, submissions.c
    replacing = declarations.alias("replacing")
    rows = conn.execute(
        sa.select(d.id, d.submission_id, d.month, d.nic, d.type, d.state, s.filename, s.received_at, s.status,
                  s.archive_path, replacing.c.id.label("replaced_by"))
        .join(submissions, s.id == d.submission_id)
        .outerjoin(replacing, replacing.c.replaces_id == d.id)
        .where(d.siren == siren, d.nature == "01", d.month >= first, d.month <= last)
        .order_by(d.month, s.received_at, d.id)).mappings().all()
    return [{**row, "received_at": paris_time(row["received_at"])} for row in rows]


def anomaly_rows(conn: sa.Connection, submission_ids: list[str]) -> list[dict]:
    """The stored anomalies of submissions: submission, code, family, severity, employee, message, line."""
    if not submission_ids:
        return []
    a = anomalies.c
    rows = conn.execute(sa.select(a.submission_id, a.code, a.family, a.severity, a.employee, a.message, a.line)
                        .where(a.submission_id.in_(submission_ids)).order_by(a.submission_id, a.seq))
    return [dict(row) for row in rows.mappings()]


def months_received(conn: sa.Connection, day: date) -> dict[str, list[date]]:
    """SIREN → the months of the mensuelles received on ``day`` (Paris time), sorted."""
    d, s = declarations.c, submissions.c
    rows = conn.execute(sa.select(d.siren, d.month).distinct().join(submissions, s.id == d.submission_id)
                        .where(received_on(day), d.nature == "01", d.month.is_not(None), d.siren.is_not(None)))
    out: dict[str, list[date]] = {}
    for siren, month in rows:
        out.setdefault(siren, []).append(month)
    return {siren: sorted(months) for siren, months in sorted(out.items())}


def declared_months(conn: sa.Connection, siren: str) -> tuple[date, date] | None:
    """The first and last months of the mensuelles (nature 01) stored for ``siren``; None without any."""
    d = declarations.c
    first, last = conn.execute(sa.select(sa.func.min(d.month), sa.func.max(d.month))
                               .where(d.siren == siren, d.nature == "01")).one()
    return (first, last) if first else None
