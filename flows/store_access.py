"""What the flows read from the store: URL default, transient errors, a submission's report, a day's summary.

Plain functions over ids and dates (no Prefect here), so flows and tests share them.
"""
from __future__ import annotations

import errno
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb
import sqlalchemy as sa

from pipeline.store import DEFAULT_URL, StoreBusyError, make_engine
from pipeline.store.history import received_on
from pipeline.store.schema import anomalies, submissions
from rules.anomaly import SEVERITIES

URL_VARIABLE = "DSN_DB_URL"
FINAL_STATUSES = ("loaded", "rejected", "duplicate")
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


@contextmanager
def reading(url: str) -> Iterator[sa.Connection]:
    """A read-only connection to the store (DuckDB opened read-only), closed with its engine at the end."""
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def submission_report(url: str, submission_id: str) -> dict:
    """The stored submission (status, error, counts) and its anomalies, as JSON-ready dicts."""
    with reading(url) as conn:
        row = conn.execute(sa.select(*(submissions.c[f] for f in _SUBMISSION_FIELDS))
                           .where(submissions.c.id == submission_id)).mappings().one()
        found = conn.execute(sa.select(anomalies).where(anomalies.c.submission_id == submission_id)
                             .order_by(anomalies.c.seq)).mappings().all()
    return {"submission": dict(row), "anomalies": [{k: v for k, v in a.items() if k != "submission_id"} for a in found]}


def day_summary(url: str, day: date) -> dict:
    """Submissions received on ``day`` (Paris time): counts by status, anomalies by severity and by code.

    Reconciliation: ``unfinished`` lists the day's submissions left in an intermediate status and
    ``inconsistent`` those whose anomaly counters differ from their stored anomalies.
    """
    of_day = received_on(day)
    counters = [submissions.c[f"anomalies_{s}"] for s in SEVERITIES]
    with reading(url) as conn:
        rows = conn.execute(sa.select(submissions.c.id, submissions.c.status, *counters).where(of_day)).all()
        stored = conn.execute(
            sa.select(anomalies.c.submission_id, anomalies.c.code, anomalies.c.severity, sa.func.count())
            .join(submissions, submissions.c.id == anomalies.c.submission_id).where(of_day)
            .group_by(anomalies.c.submission_id, anomalies.c.code, anomalies.c.severity)).all()
    by_code, by_submission = Counter(), Counter()
    for submission_id, code, severity, count in stored:
        by_code[code, severity] += count
        by_submission[submission_id, severity] += count
    inconsistent = [row.id for row in rows
                    if any(getattr(row, f"anomalies_{s}") != by_submission[row.id, s] for s in SEVERITIES)]
    severities = Counter()
    for (_code, severity), count in by_code.items():
        severities[severity] += count
    return {"day": day.isoformat(), "submissions": len(rows),
            "by_status": dict(sorted(Counter(row.status for row in rows).items())),
            "anomalies_by_severity": dict(severities),
            "anomalies_by_code": [{"code": code, "severity": severity, "count": n}
                                  for (code, severity), n in sorted(by_code.items(), key=lambda i: (-i[1], i[0]))],
            "unfinished": sorted(row.id for row in rows if row.status not in FINAL_STATUSES),
            "inconsistent": sorted(inconsistent)}
