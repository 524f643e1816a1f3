"""Ingestion of one DSN file: archive it, read and validate it, then store everything in one transaction.

Order of work: the raw file goes to the content-addressed archive first; a file already stored (same
SHA-256) is a duplicate; what is read is the archived copy, the very bytes that were hashed, so a file
changed meanwhile cannot be stored under the digest of other bytes; an unreadable file is stored as a
rejected submission; otherwise the parsed blocks, declarations and anomalies are built in memory, then
written in one transaction with the submission row, and the derived tables (declaration states, employees,
employee months) are derived from the stored rows in that same transaction (:mod:`pipeline.derived`), so a
submission is visible complete or not at all. The unique SHA-256 of ``submissions`` settles races between
processes: the loser gets an integrity error and reports a duplicate.

A fault of the archive or of the store (disk full, DuckDB file locked beyond the wait, database unreachable)
raises and leaves nothing of the file in the store, so a later run completes it; :func:`fault_reason` says
it in one French line for the batch commands.
"""
from __future__ import annotations

import errno
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dsn_parser import ParsedFile, UnreadableFileError, read_dsn
from rules import ValidationOptions, validate
from rules.anomaly import SEVERITIES

from .archive import DEFAULT_ARCHIVE, archive_file
from .derived import derive
from .store import DEFAULT_URL, StoreBusyError, make_engine, migrate
from .store.bulk import bulk_insert
from .store.schema import BLOCK_TABLES, anomalies, column_name, declarations, envois, submissions

ENVOI, EMETTEUR, DECLARATION = "S10.G00.00", "S10.G00.01", "S20.G00.05"
ENTREPRISE, ETABLISSEMENT, INDIVIDU = "S21.G00.06", "S21.G00.11", "S21.G00.30"
_ENGINES: dict[str, sa.Engine] = {}
_MIGRATED: set[str] = set()


@dataclass
class IngestResult:
    """What became of one file: its digest, its submission, and its anomaly counts by severity."""

    path: str
    sha256: str
    submission_id: str | None
    status: str  # loaded, duplicate, rejected, or failed (nothing stored: a fault of the archive or store)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    error: str | None = None
    complete: bool = True  # False when not stored, or when a rule could not run on the file

    def as_dict(self) -> dict:
        """The JSON form printed by ``dsn ingest --format json`` (``error`` only when there is one)."""
        result = {"path": self.path, "sha256": self.sha256, "submission_id": self.submission_id,
                  "status": self.status, "anomalies": dict(self.counts)}
        if self.error:
            result["error"] = self.error
        return result

    @classmethod
    def failed(cls, path: str | Path, err: BaseException) -> IngestResult:
        """The result of a file kept out of the store by ``err``."""
        return cls(str(path), "", None, "failed", error=fault_reason(err), complete=False)


_FULL = {errno.ENOSPC, errno.EDQUOT}


def fault_reason(err: BaseException) -> str:
    """One French line saying why a file could not be stored (a later run stores it)."""
    if isinstance(err, StoreBusyError):
        return _one_line(str(err))
    if isinstance(err, OSError):
        where = f" ({err.filename})" if err.filename else ""
        if err.errno in _FULL:
            return f"espace disque insuffisant{where} : fichier non stocké, à relancer"
        return f"erreur d'écriture ou de lecture{where} : {err.strerror or err} ; fichier non stocké, à relancer"
    if isinstance(err, sa.exc.OperationalError):
        cause = _one_line(str(err.orig))
        if "no space left" in cause.lower() or getattr(err.orig, "sqlstate", None) == "53100":
            return f"espace disque insuffisant pour la base : fichier non stocké, à relancer ({cause})"
        return f"base de données indisponible : fichier non stocké, à relancer ({cause})"
    return f"erreur interne ({type(err).__name__}) : {_one_line(str(err))} ; fichier non stocké"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def store_engine(url: str | sa.Engine = DEFAULT_URL) -> sa.Engine:
    """The engine of ``url`` (one per URL and process), its schema migrated to the newest revision."""
    if isinstance(url, sa.Engine):
        engine = url
    else:
        engine = _ENGINES.get(str(url))
        if engine is None:
            engine = _ENGINES[str(url)] = make_engine(url)
    key = engine.url.render_as_string(hide_password=False)
    if key not in _MIGRATED:
        migrate(engine)
        _MIGRATED.add(key)
    return engine


def utcnow() -> datetime:
    """Now, as the naive UTC time the store keeps."""
    return datetime.now(UTC).replace(tzinfo=None)


def ingest_path(path: str | Path, url: str | sa.Engine = DEFAULT_URL, source: str = "cli",
                uploader: str | None = None, options: ValidationOptions | None = None,
                archive_root: str | Path = DEFAULT_ARCHIVE, received_at: datetime | None = None) -> IngestResult:
    """Archive, read, validate and store one file; see the module docstring for the semantics.

    ``received_at`` (naive UTC, default now) dates the submission and starts the validity of its declarations.
    """
    path = Path(path)
    archived = archive_file(path, archive_root)
    engine = store_engine(url)
    with engine.connect() as conn:
        existing = _existing(conn, archived.sha256)
    if existing is not None:
        return _duplicate(path, archived.sha256, existing)
    received_at = received_at or utcnow()
    row = {"id": str(uuid.uuid4()), "source": source, "uploader": uploader, "filename": str(path),
           "received_at": received_at, "size": archived.size, "sha256": archived.sha256,
           "archive_path": str(archived.path)}
    options = options or ValidationOptions()
    try:
        parsed = read_dsn(archived.path, norm=options.norm)
    except UnreadableFileError as err:
        row.update(status="rejected", error=err.reason)
        return _store(engine, path, row, None)
    parsed.path = path  # anomalies name the file received; its bytes are the archived ones
    report = validate(parsed, options)
    counts = Counter(a.severity for a in report.anomalies)
    row.update(status="loaded", form=parsed.form, encoding=parsed.encoding, norm=parsed.norm,
               rubriques=parsed.rubrique_count,
               **{f"anomalies_{s}": counts.get(s, 0) for s in SEVERITIES})
    content = SubmissionContent.build(parsed, report.frame(), row["id"], received_at)
    result = _store(engine, path, row, content)
    if not report.complete and result.status == "loaded":
        result.complete = False
        result.error = (f"contrôle incomplet : {len(report.failed)} règle(s) n'ont pas pu s'exécuter "
                        f"({', '.join(report.failed)})")
    return result


def _existing(conn: sa.Connection, sha256: str):
    return conn.execute(sa.select(submissions).where(submissions.c.sha256 == sha256)).mappings().first()


def _duplicate(path: Path, sha256: str, existing) -> IngestResult:
    return IngestResult(str(path), sha256, existing["id"], "duplicate",
                        {s: int(existing[f"anomalies_{s}"]) for s in SEVERITIES})


def _store(engine: sa.Engine, path: Path, row: dict, content: SubmissionContent | None) -> IngestResult:
    """Write the submission and its content in one transaction; a lost race on the digest is a duplicate."""
    final_status = row["status"]
    try:
        with engine.begin() as conn:
            conn.execute(submissions.insert().values(**{**row, "status": "received"}))
            if content is not None:
                content.load(conn)
            conn.execute(submissions.update().where(submissions.c.id == row["id"]).values(status=final_status))
    except sa.exc.IntegrityError:
        with engine.connect() as conn:
            existing = _existing(conn, row["sha256"])
        if existing is None:
            raise
        return _duplicate(path, row["sha256"], existing)
    counts = {s: int(row.get(f"anomalies_{s}", 0)) for s in SEVERITIES}
    return IngestResult(str(path), row["sha256"], row["id"], final_status, counts, row.get("error"))


def _month(text) -> date | None:
    """``01MMAAAA`` or ``JJMMAAAA`` → a date (None when absent or invalid)."""
    if not isinstance(text, str) or len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None


def _first_by(frame: pd.DataFrame, key: str, code: str) -> dict:
    """``key`` value → the first non-null ``code`` value among its rows."""
    values = frame[[key, code]].dropna() if code in frame else frame.iloc[0:0]
    return dict(values.drop_duplicates(key).itertuples(index=False, name=None)) if len(values) else {}


@dataclass
class SubmissionContent:
    """Everything stored for one readable file, built before the transaction opens."""

    submission_id: str
    received_at: datetime
    envois: list[dict]
    declarations: list[dict]
    blocks: dict[str, pa.Table]
    anomalies: pa.Table

    @classmethod
    def build(cls, parsed: ParsedFile, anomaly_frame: pd.DataFrame, submission_id: str,
              received_at: datetime) -> SubmissionContent:
        """Turn a parsed file and its anomalies into the rows of the store."""
        envoi_rows = _envoi_rows(parsed)
        envoi_ids = {row["instance_id"]: row["id"] for row in envoi_rows}
        declaration_rows = _declaration_rows(parsed, envoi_ids, received_at)
        for row in declaration_rows:
            row["submission_id"] = submission_id
        for row in envoi_rows:
            row["submission_id"] = submission_id
        decl_ids = {row["instance_id"]: row["id"] for row in declaration_rows}
        typed = {block: parsed.table(block) for block in BLOCK_TABLES}
        blocks = {block: _block_arrow(BLOCK_TABLES[block], frame, submission_id, decl_ids)
                  for block, frame in typed.items() if not frame.empty}
        anomaly_table = pa.Table.from_pandas(anomaly_frame, preserve_index=False)
        anomaly_table = anomaly_table.add_column(0, "seq", pa.array(np.arange(len(anomaly_frame)), pa.int64()))
        anomaly_table = anomaly_table.add_column(0, "submission_id", _constant(submission_id, len(anomaly_frame)))
        return cls(submission_id, received_at, envoi_rows, declaration_rows, blocks, anomaly_table)

    def load(self, conn: sa.Connection) -> None:
        """Write everything on ``conn`` (inside the caller's transaction), then derive the derived tables."""
        if self.envois:
            conn.execute(envois.insert(), self.envois)
        if self.declarations:
            conn.execute(declarations.insert(), [{k: v for k, v in row.items() if k in declarations.c}
                                                 for row in self.declarations])
        for block, table in self.blocks.items():
            bulk_insert(conn, BLOCK_TABLES[block], table)
        bulk_insert(conn, anomalies, self.anomalies)
        derive(conn, [self.submission_id], fresh=True)


def _constant(value: str, length: int) -> pa.Array:
    """A string column of one repeated value, stored once (dictionary-encoded)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(length, dtype=np.int32)), pa.array([value]))


def _envoi_rows(parsed: ParsedFile) -> list[dict]:
    envoi = parsed.table(ENVOI, typed=False)
    emetteurs = _first_by(parsed.table(EMETTEUR, typed=False), "parent_id", f"{EMETTEUR}.001")
    decl = parsed.table(DECLARATION, typed=False)
    counts = decl.groupby("envoi_id").size().to_dict() if "envoi_id" in decl else {}
    return [{"id": str(uuid.uuid4()), "instance_id": int(r["id"]), "line": int(r["line"]),
             "software": _text(r.get(f"{ENVOI}.001")), "essai": _text(r.get(f"{ENVOI}.005")),
             "norm": _text(r.get(f"{ENVOI}.006")), "emetteur_siren": emetteurs.get(r["id"]),
             "declarations": int(counts.get(r["id"], 0))}
            for r in envoi.to_dict("records")]


def _text(value) -> str | None:
    return None if value is None or value is pd.NA else str(value)


def _declaration_rows(parsed: ParsedFile, envoi_ids: dict[int, str], received_at: datetime) -> list[dict]:
    decl = parsed.table(DECLARATION, typed=False)
    sirens = _first_by(parsed.table(ENTREPRISE, typed=False), "declaration_id", f"{ENTREPRISE}.001")
    nics = _first_by(parsed.table(ETABLISSEMENT, typed=False), "declaration_id", f"{ETABLISSEMENT}.001")
    individus = parsed.table(INDIVIDU, typed=False)
    headcount = individus.groupby("declaration_id").size().to_dict() if not individus.empty else {}
    rows = []
    for r in decl.to_dict("records"):
        if r.get("envoi_id") not in envoi_ids:
            continue
        rows.append({
            "id": str(uuid.uuid4()), "envoi_id": envoi_ids[r["envoi_id"]], "instance_id": int(r["id"]),
            "line": int(r["line"]), "nature": _text(r.get(f"{DECLARATION}.001")),
            "type": _text(r.get(f"{DECLARATION}.002")), "fraction": _text(r.get(f"{DECLARATION}.003")),
            "order_number": _text(r.get(f"{DECLARATION}.004")),
            "month": _month(r.get(f"{DECLARATION}.005")), "file_date": _month(r.get(f"{DECLARATION}.007")),
            "siren": sirens.get(r["id"]), "nic": nics.get(r["id"]), "replaces": _text(r.get(f"{DECLARATION}.006")),
            "individus": int(headcount.get(r["id"], 0)),
            # state, validity and replaces_id are derived from the annule-et-remplace chain (pipeline.derived)
            "state": "current", "valid_from": received_at,
        })
    return rows


def _block_arrow(table: sa.Table, frame: pd.DataFrame, submission_id: str, decl_ids: dict[int, str]) -> pa.Table:
    """A block's typed table as the Arrow columns of its store table (rows outside a declaration dropped)."""
    keys = list(decl_ids)
    position = pd.Series(np.arange(len(keys), dtype=np.int32), index=keys)
    frame = frame[frame["declaration_id"].isin(keys)]
    n = len(frame)
    columns = {
        "submission_id": _constant(submission_id, n),
        "declaration_id": pa.DictionaryArray.from_arrays(
            pa.array(position.reindex(frame["declaration_id"]).to_numpy()), pa.array(list(decl_ids.values()))),
        "instance_id": pa.array(frame["id"].to_numpy(np.int64)),
        "parent_id": pa.array(frame["parent_id"].to_numpy(np.int64)),
    }
    for name in frame.columns:
        if name.endswith("_id") and name not in ("id", "parent_id", "declaration_id") and name in table.c:
            columns[name] = pa.array(frame[name].to_numpy(np.int64))
    columns["line"] = pa.array(frame["line"].to_numpy(np.int64))
    columns["line_end"] = pa.array(frame["line_end"].to_numpy(np.int64))
    for code in frame.columns:
        if code[:1] != "S" or column_name(code) not in table.c:
            continue
        values = frame[code]
        if values.isna().all():
            continue
        array = pa.array(values)
        if pa.types.is_timestamp(array.type):
            array = pc.cast(array, pa.date32())
        columns[column_name(code)] = array
    return pa.table(columns)
