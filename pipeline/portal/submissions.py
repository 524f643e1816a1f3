"""DSN files submitted through the portal, and what the portal shows of stored submissions.

A file is checked before anything is stored (not empty, readable as a DSN, declaring only the company it is
submitted for), then ingested by :func:`pipeline.ingest.ingest_path` (archive, validation, store in one
transaction). A refused file leaves the store and the archive as they were.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from pipeline.products.records import Record
from pipeline.store.schema import anomalies, declarations, submissions
from rules.anomaly import ANOMALY_COLUMNS, SEVERITIES, Anomaly

from .errors import Conflict, Invalid, NotFound

ENTREPRISE_SIREN = "S21.G00.06.001"


@dataclass(frozen=True)
class SubmissionStatus(Record):
    """A stored submission: status, anomaly counts by severity, declarations."""

    id: str
    filename: str
    received_at: datetime
    status: str
    error: str | None
    norm: str | None
    sirens: list[str]
    anomalies: dict[str, int]
    declarations: list[dict] = field(default_factory=list)


def declared_sirens(path: str | Path) -> set[str]:
    """The SIRENs a DSN file declares; 422 when it is empty or cannot be read as a DSN."""
    from dsn_parser import UnreadableFileError, read_dsn

    path = Path(path)
    if path.stat().st_size == 0 or not path.read_bytes()[:1 << 16].strip():
        raise Invalid("fichier_vide", "fichier vide : aucun contenu reçu")
    try:
        parsed = read_dsn(path)
    except UnreadableFileError as err:
        raise Invalid("fichier_illisible", f"fichier illisible comme DSN : {err.reason}") from None
    table = parsed.table("S21.G00.06", typed=False)
    if ENTREPRISE_SIREN not in table:
        return set()
    return {str(v) for v in table[ENTREPRISE_SIREN].dropna()}


def submit_file(engine: sa.Engine, siren: str, path: str | Path, uploader: str,
                archive_root: str | Path) -> SubmissionStatus:
    """Check and ingest a file submitted for company ``siren``; 409 ``duplicate`` when already stored."""
    from pipeline.ingest import ingest_path

    found = declared_sirens(path)
    if not found:
        raise Invalid("fichier_sans_declaration", "le fichier ne contient aucune déclaration d'entreprise "
                                                  "(S21.G00.06.001 absent)")
    if found != {siren}:
        raise Invalid("siren_different", f"le fichier déclare le(s) SIREN {', '.join(sorted(found))}, pas "
                                         f"{siren} : refusé, rien n'est stocké")
    result = ingest_path(path, engine, source="api", uploader=uploader, archive_root=archive_root)
    if result.status == "duplicate":
        raise Conflict("duplicate", "fichier déjà déposé (même contenu)", status="duplicate",
                       submission_id=result.submission_id)
    with engine.connect() as conn:
        return submission_status(conn, result.submission_id)


def submission_sirens(conn: sa.Connection, submission_id: str) -> set[str] | None:
    """The SIRENs of a submission's declarations (None when there is no such submission)."""
    if conn.execute(sa.select(submissions.c.id).where(submissions.c.id == submission_id)).first() is None:
        return None
    d = declarations.c
    return set(conn.execute(sa.select(d.siren).distinct().where(d.submission_id == submission_id,
                                                                d.siren.is_not(None))).scalars())


def _statuses(conn: sa.Connection, ids: list[str]) -> list[SubmissionStatus]:
    """The statuses of the submissions ``ids``, in that order (two queries whatever their number)."""
    if not ids:
        return []
    s, d = submissions.c, declarations.c
    rows = {row["id"]: row for row in conn.execute(sa.select(submissions).where(s.id.in_(ids))).mappings()}
    declared: dict[str, list] = {i: [] for i in ids}
    for x in conn.execute(sa.select(d.submission_id, d.id, d.siren, d.nic, d.month, d.nature, d.type, d.state)
                          .where(d.submission_id.in_(ids)).order_by(d.submission_id, d.instance_id)).mappings():
        declared[x["submission_id"]].append({k: v for k, v in x.items() if k != "submission_id"})
    return [SubmissionStatus(
        row["id"], Path(row["filename"]).name, row["received_at"], row["status"], row["error"], row["norm"],
        sorted({x["siren"] for x in declared[i] if x["siren"]}),
        {v: int(row[f"anomalies_{v}"]) for v in SEVERITIES},
        [{**x, "month": x["month"].strftime("%Y-%m") if x["month"] else None} for x in declared[i]])
        for i in ids if (row := rows.get(i)) is not None]


def submission_status(conn: sa.Connection, submission_id: str) -> SubmissionStatus:
    found = _statuses(conn, [submission_id])
    if not found:
        raise NotFound("depot_inconnu", "dépôt inconnu")
    return found[0]


def company_submissions(conn: sa.Connection, siren: str, status: str | None = None, limit: int = 50,
                        offset: int = 0) -> list[SubmissionStatus]:
    """A company's submissions, newest first."""
    s, d = submissions.c, declarations.c
    query = (sa.select(s.id, s.received_at).distinct().join(declarations, d.submission_id == s.id)
             .where(d.siren == siren))
    if status is not None:
        query = query.where(s.status == status)
    ids = conn.execute(query.order_by(s.received_at.desc(), s.id).limit(limit).offset(offset)).scalars().all()
    return _statuses(conn, list(ids))


def submission_anomalies(conn: sa.Connection, submission_id: str, severity: str | None = None,
                         code: str | None = None, limit: int = 100, offset: int = 0) -> list[Anomaly]:
    """A submission's stored anomalies (personal values masked by the validator), in their original order."""
    a = anomalies.c
    query = sa.select(*(a[name] for name in ANOMALY_COLUMNS)).where(a.submission_id == submission_id)
    if severity is not None:
        query = query.where(a.severity == severity)
    if code is not None:
        query = query.where(a.code == code)
    rows = conn.execute(query.order_by(a.seq).limit(limit).offset(offset)).mappings()
    return [Anomaly(**{**row, "file": Path(row["file"] or "").name,
                       "lines": tuple(int(n) for n in (row["lines"] or "").split())}) for row in rows]
