"""The audit log: who did what, when, on which company (changes of users and habilitations, operator
accesses, reads of personal data)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from pipeline.products.records import Record
from pipeline.store.schema_portal import portal_audit

from .clock import utcnow


@dataclass(frozen=True)
class AuditEntry(Record):
    at: datetime
    actor: str | None
    action: str
    siren: str | None
    target: str | None
    detail: str | None


def audit(conn: sa.Connection, actor: str | None, action: str, siren: str | None = None,
          target: str | None = None, detail: str | None = None) -> None:
    """Record one action (inside the caller's transaction, so it is kept exactly when the action is)."""
    conn.execute(portal_audit.insert().values(id=str(uuid.uuid4()), at=utcnow(), actor=actor, action=action,
                                              siren=siren, target=target, detail=detail))


def audit_entries(conn: sa.Connection, siren: str | None = None, limit: int = 100,
                  offset: int = 0) -> list[AuditEntry]:
    """The newest entries first, of one company when ``siren`` is given."""
    a = portal_audit.c
    query = sa.select(a.at, a.actor, a.action, a.siren, a.target, a.detail)
    if siren is not None:
        query = query.where(a.siren == siren)
    rows = conn.execute(query.order_by(a.at.desc(), a.id).limit(limit).offset(offset))
    return [AuditEntry(**row) for row in rows.mappings()]
