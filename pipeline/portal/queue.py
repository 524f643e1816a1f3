"""Large uploads, queued for the ingest flow instead of ingested during the request.

A file above the threshold is checked by a streaming scan (not empty, a DSN, declaring only the route's
company), archived (content-addressed, :func:`pipeline.archive.archive_file`), then put in the drop folder the
ingest flow polls (written under a temporary name, then renamed: see :mod:`pipeline.drop_folder`), and a queue
record ``<queue_dir>/<id>.json`` keeps who sent what. The id answers ``GET /v1/submissions/{id}``: ``queued``
until the store holds a submission of the same SHA-256, then that submission's status; ``failed`` when the
drop folder quarantined the file without storing it.
"""
from __future__ import annotations

import json
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from pipeline.products.records import Record
from pipeline.store.schema import submissions

from . import clock
from .errors import Conflict, Invalid
from .submissions import ENTREPRISE_SIREN, declared_sirens

QUEUED, FAILED = "queued", "failed"
_FLAT_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*S\d\d\.G\d\d\.\d\d\.\d{3},")
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")
_SIREN_LINE = re.compile(rb"^" + re.escape(ENTREPRISE_SIREN.encode()) + rb",'([^']*)'")
_ID = re.compile(r"^[0-9a-f-]{36}$")


@dataclass(frozen=True)
class QueuedUpload(Record):
    """An upload handed to the ingest flow, not stored yet."""

    id: str
    filename: str
    received_at: datetime
    status: str
    sirens: list[str]
    size: int
    sha256: str
    uploader: str | None = None
    error: str | None = None


def scanned_sirens(path: Path) -> set[str]:
    """The SIRENs a file declares, read line by line (flat DSN; an XML file is parsed); 422 when it is empty or
    no DSN."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip():
        raise Invalid("fichier_vide", "fichier vide : aucun contenu reçu")
    if _XML_START.match(head):
        return declared_sirens(path)
    if not _FLAT_START.match(head) or b"\0" in head:
        raise Invalid("fichier_illisible", "fichier illisible comme DSN : ni DSN à plat ni XML")
    found = set()
    with open(path, "rb") as handle:
        for line in handle:
            if match := _SIREN_LINE.match(line):
                found.add(match[1].decode("latin-1"))
    return found


def _record_path(queue_dir: Path, upload_id: str) -> Path:
    return Path(queue_dir) / f"{upload_id}.json"


def _drop_name(upload: QueuedUpload) -> str:
    return f"{upload.id}_{upload.filename}"


def queue_file(conn: sa.Connection, siren: str, path: Path, uploader: str, archive_root: Path, drop_dir: Path,
               queue_dir: Path) -> QueuedUpload:
    """Check, archive and queue a large file submitted for company ``siren``; 409 ``duplicate`` when stored or
    queued already."""
    from pipeline.archive import archive_file

    found = scanned_sirens(path)
    if not found:
        raise Invalid("fichier_sans_declaration", "le fichier ne contient aucune déclaration d'entreprise "
                                                  "(S21.G00.06.001 absent)")
    if found != {siren}:
        raise Invalid("siren_different", f"le fichier déclare le(s) SIREN {', '.join(sorted(found))}, pas "
                                         f"{siren} : refusé, rien n'est stocké")
    archived = archive_file(path, archive_root)
    stored = conn.execute(sa.select(submissions.c.id).where(submissions.c.sha256 == archived.sha256)).scalar()
    waiting = next((u for u in _uploads(queue_dir) if u.sha256 == archived.sha256), None)
    if stored or waiting:
        raise Conflict("duplicate", "fichier déjà déposé (même contenu)", status="duplicate",
                       submission_id=stored or waiting.id)
    upload = QueuedUpload(str(uuid.uuid4()), path.name, clock.utcnow(), QUEUED, sorted(found), archived.size,
                          archived.sha256, uploader)
    Path(queue_dir).mkdir(parents=True, exist_ok=True)
    _record_path(queue_dir, upload.id).write_text(json.dumps(upload.as_dict()), encoding="utf-8")
    Path(drop_dir).mkdir(parents=True, exist_ok=True)
    partial = Path(drop_dir) / f"{_drop_name(upload)}.part"
    shutil.copyfile(archived.path, partial)
    partial.rename(partial.with_suffix(""))
    return upload


def _uploads(queue_dir: Path) -> list[QueuedUpload]:
    folder = Path(queue_dir)
    return [u for p in sorted(folder.glob("*.json")) if (u := queued_upload(folder, p.stem))] \
        if folder.is_dir() else []


def queued_upload(queue_dir: Path | None, upload_id: str) -> QueuedUpload | None:
    """The queue record of ``upload_id`` (None when there is none)."""
    if queue_dir is None or not _ID.match(upload_id):
        return None
    path = _record_path(queue_dir, upload_id)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return QueuedUpload(**{**data, "received_at": datetime.fromisoformat(data["received_at"])})


def stored_submission(conn: sa.Connection, upload: QueuedUpload) -> str | None:
    """The id of the submission the ingest flow stored from this upload, if it has."""
    return conn.execute(sa.select(submissions.c.id).where(submissions.c.sha256 == upload.sha256)).scalar()


def upload_state(upload: QueuedUpload, drop_dir: Path) -> QueuedUpload:
    """``failed`` with the drop folder's error when it quarantined the file unstored, else as queued."""
    report = Path(drop_dir) / "quarantine" / f"{_drop_name(upload)}.report.json"
    if not report.is_file():
        return upload
    outcome = json.loads(report.read_text(encoding="utf-8"))
    return QueuedUpload(**{**upload.__dict__, "status": FAILED,
                           "error": outcome.get("error") or outcome.get("reason") or "fichier mis en quarantaine"})
