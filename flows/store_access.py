"""What the flows read from the store: URL default, transient errors, a submission's report (a day's summary
is :func:`pipeline.nightly.day_summary`).

Plain functions over ids and dates (no Prefect here), so flows and tests share them.
"""
from __future__ import annotations

import errno
import os

import duckdb
import sqlalchemy as sa

from pipeline.nightly import reading
from pipeline.store import DEFAULT_URL, StoreBusyError
from pipeline.store.schema import anomalies, submissions

URL_VARIABLE = "DSN_DB_URL"
_SUBMISSION_FIELDS = ("id", "filename", "source", "received_at", "sha256", "norm", "status", "error",
                      "anomalies_blocking", "anomalies_warning", "anomalies_info")


def resolve_url(db_url: str | None) -> str:
    """The store URL: the one given, else ``$DSN_DB_URL``, else the embedded DuckDB default."""
    return db_url or os.environ.get(URL_VARIABLE) or DEFAULT_URL


def is_transient(error: BaseException | object) -> bool:
    """True for errors worth retrying: DuckDB file locked by another writer, database connection lost or disk
    full (database or archive)."""
    if isinstance(error, (StoreBusyError, sa.exc.OperationalError)):
        return True
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(error, duckdb.Error) and "lock" in str(error).lower()


def submission_report(url: str, submission_id: str) -> dict:
    """The stored submission (status, error, counts) and its anomalies, as JSON-ready dicts."""
    with reading(url) as conn:
        row = conn.execute(sa.select(*(submissions.c[f] for f in _SUBMISSION_FIELDS))
                           .where(submissions.c.id == submission_id)).mappings().one()
        found = conn.execute(sa.select(anomalies).where(anomalies.c.submission_id == submission_id)
                             .order_by(anomalies.c.seq)).mappings().all()
    return {"submission": dict(row), "anomalies": [{k: v for k, v in a.items() if k != "submission_id"} for a in found]}
