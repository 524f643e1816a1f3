"""Drafts of the arrêt declaration (brouillons): the pre-filled declaration plus the user's edits.

A draft is saved with the source submission of each of its 12 salary lines; the user's edits (a corrected
value, a duplicated line, a status change) are appended to the change log (who, when, old and new value) and
never overwrite the DSN values, which the draft shows next to the corrections. A later annule-et-remplace of a
month changes that line's source: the draft marks the line ``affected``. Status transitions are checked
(:data:`TRANSITIONS`); an invalid one raises :class:`DraftError` with a French message.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from ..store.schema_arrets import arret_draft_changes, arret_drafts
from .arrets_records import ArretDetail, SalaryMonth
from .records import Month, Record, money

DRAFT, MISSING_DOCUMENT, SENT, IN_PROGRESS, CLOSED = "à compléter", "document manquant", "transmise", "en cours", "clos"
TRANSITIONS = {
    DRAFT: (MISSING_DOCUMENT, SENT),
    MISSING_DOCUMENT: (DRAFT, SENT),
    SENT: (IN_PROGRESS, MISSING_DOCUMENT),
    IN_PROGRESS: (MISSING_DOCUMENT, CLOSED),
    CLOSED: (),
}
EDITABLE = ("gross.001", "gross.002", "gross.003", "gross.010", "net_taxable", "net_paid")
STATUS, DUPLICATE = "statut", "dupliquer"


class DraftError(ValueError):
    """A draft operation refused (unknown arrêt or draft, invalid transition or value)."""


@dataclass(frozen=True)
class Change(Record):
    seq: int
    at: datetime
    user: str
    target: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class DraftLine(Record):
    month: Month
    dsn: SalaryMonth  # the values of the store, as declared
    corrections: dict[str, Decimal]  # field → the user's value
    duplicate: bool  # a copy the user added
    affected: bool  # the month's source changed since the draft was saved (annule-et-remplace)


@dataclass(frozen=True)
class Draft(Record):
    arret_id: str
    status: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    declaration: ArretDetail
    lines: list[DraftLine] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def _now(at: datetime | None) -> datetime:
    return at or datetime.now(timezone.utc).replace(tzinfo=None)


def _sources(detail: ArretDetail) -> str:
    return "|".join(f"{line.month}={line.source_submission or ''}" for line in detail.salary_history)


def _detail(conn: sa.Connection, arret_id: str) -> ArretDetail:
    from .arrets import get_arret

    detail = get_arret(conn, arret_id)
    if detail is None:
        raise DraftError(f"arrêt {arret_id} inconnu")
    return detail


def _stored(conn: sa.Connection, arret_id: str):
    row = conn.execute(sa.select(arret_drafts).where(arret_drafts.c.arret_id == arret_id)).first()
    if row is None:
        raise DraftError(f"aucun brouillon pour l'arrêt {arret_id}")
    return row


def _log(conn: sa.Connection, arret_id: str, user: str, at: datetime, target: str, old, new) -> None:
    c = arret_draft_changes.c
    seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(c.seq), 0)).where(c.arret_id == arret_id)).scalar()
    conn.execute(arret_draft_changes.insert().values(arret_id=arret_id, seq=seq + 1, at=at, user_name=user,
                                                     target=target, old_value=old, new_value=new))
    conn.execute(arret_drafts.update().where(arret_drafts.c.arret_id == arret_id).values(updated_at=at))


def create_draft(conn: sa.Connection, arret_id: str, user: str, at: datetime | None = None) -> Draft:
    """Save the pre-filled declaration of an arrêt as a draft (status ``à compléter``)."""
    detail = _detail(conn, arret_id)
    if conn.execute(sa.select(arret_drafts.c.arret_id).where(arret_drafts.c.arret_id == arret_id)).first():
        raise DraftError(f"un brouillon existe déjà pour l'arrêt {arret_id}")
    at = _now(at)
    conn.execute(arret_drafts.insert().values(arret_id=arret_id, status=DRAFT, created_by=user, created_at=at,
                                              updated_at=at, sources=_sources(detail)))
    return get_draft(conn, arret_id)


def _month(detail: ArretDetail, month: str) -> SalaryMonth:
    line = next((m for m in detail.salary_history if str(m.month) == month), None)
    if line is None:
        raise DraftError(f"mois {month} hors des 12 mois de l'historique de salaire")
    return line


def correct_line(conn: sa.Connection, arret_id: str, user: str, month: str, field_name: str, value: str,
                 at: datetime | None = None) -> Draft:
    """Record the user's value of one field (``gross.001``, ``net_paid``…) of a salary line (``YYYY-MM``)."""
    _stored(conn, arret_id)
    if field_name not in EDITABLE:
        raise DraftError(f"champ {field_name} non modifiable (modifiables : {', '.join(EDITABLE)})")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise DraftError(f"montant invalide « {value} »") from None
    draft = get_draft(conn, arret_id)
    line = next((x for x in draft.lines if str(x.month) == month and not x.duplicate), None)
    if line is None:
        raise DraftError(f"mois {month} hors des 12 mois de l'historique de salaire")
    old = line.corrections.get(field_name, _dsn_value(line.dsn, field_name))
    _log(conn, arret_id, user, _now(at), f"{month}:{field_name}", money(old), money(amount))
    return get_draft(conn, arret_id)


def duplicate_line(conn: sa.Connection, arret_id: str, user: str, month: str, at: datetime | None = None) -> Draft:
    """Add a copy of a salary line (e.g. two payslips of one month)."""
    _stored(conn, arret_id)
    _month(_detail(conn, arret_id), month)
    _log(conn, arret_id, user, _now(at), f"{month}:{DUPLICATE}", None, month)
    return get_draft(conn, arret_id)


def set_status(conn: sa.Connection, arret_id: str, user: str, status: str, at: datetime | None = None) -> Draft:
    """Move the draft to ``status`` if :data:`TRANSITIONS` allows it."""
    row = _stored(conn, arret_id)
    if status not in TRANSITIONS:
        raise DraftError(f"statut inconnu « {status} » (statuts : {', '.join(TRANSITIONS)})")
    if status not in TRANSITIONS[row.status]:
        allowed = ", ".join(TRANSITIONS[row.status]) or "aucun, l'arrêt est clos"
        raise DraftError(f"passage de « {row.status} » à « {status} » refusé (possibles : {allowed})")
    at = _now(at)
    conn.execute(arret_drafts.update().where(arret_drafts.c.arret_id == arret_id).values(status=status))
    _log(conn, arret_id, user, at, STATUS, row.status, status)
    return get_draft(conn, arret_id)


def _dsn_value(line: SalaryMonth, field_name: str) -> Decimal | None:
    if field_name.startswith("gross."):
        return line.gross.get(field_name.split(".", 1)[1])
    return getattr(line, field_name)


def draft_statuses(conn: sa.Connection, ids: list[str]) -> dict[str, str]:
    """Arrêt id → the status of its draft, for the arrêts that have one."""
    if not ids:
        return {}
    d = arret_drafts.c
    return dict(conn.execute(sa.select(d.arret_id, d.status).where(d.arret_id.in_(ids))).all())


def get_draft(conn: sa.Connection, arret_id: str) -> Draft:
    """The draft: the pre-filled declaration as the store gives it now, each salary line with the user's
    corrections and whether its source changed since the draft was saved, the duplicated lines, the change log."""
    row = _stored(conn, arret_id)
    detail = _detail(conn, arret_id)
    saved = dict(part.split("=", 1) for part in row.sources.split("|"))
    c = arret_draft_changes.c
    changes = [Change(r.seq, r.at, r.user_name, r.target, r.old_value, r.new_value) for r in conn.execute(
        sa.select(arret_draft_changes).where(c.arret_id == arret_id).order_by(c.seq))]
    corrections: dict[str, dict[str, Decimal]] = {}
    duplicates: list[str] = []
    for change in changes:
        if change.target == STATUS:
            continue
        month, what = change.target.split(":", 1)
        if what == DUPLICATE:
            duplicates.append(month)
        else:
            corrections.setdefault(month, {})[what] = Decimal(change.new_value)
    lines = []
    for line in detail.salary_history:
        key = str(line.month)
        affected = saved.get(key, "") != (line.source_submission or "")
        lines.append(DraftLine(line.month, line, corrections.get(key, {}), False, affected))
        lines += [DraftLine(line.month, line, {}, True, affected) for m in duplicates if m == key]
    return Draft(arret_id, row.status, row.created_by, row.created_at, row.updated_at, detail, lines, changes)

