"""Nightly reconciliation of one day, the work of the ``nightly-reconciliation`` flow and of ``dsn nightly``.

:func:`reconcile` works on one Paris day (default: the day before), in four steps over plain values (day,
ids, paths):

1. :func:`recompute`: the derived tables (declaration states, employees, identities, employee months) of the
   day's loaded submissions recomputed from the stored rows, repairing what differs
   (``pipeline.derived.recompute_day``);
2. :func:`summarise`: ``<reports_dir>/<day>/summary.json``: the day's submissions and anomalies, the
   submissions left unfinished or whose anomaly counters disagree with their stored anomalies, and the
   derived rows repaired;
3. :func:`report_submission`, per loaded submission: ``<reports_dir>/<day>/<submission id>.html``, read back
   from the store (personal data masked as stored);
4. :func:`index_day`: ``index.html`` linking them.

The pages are rendered by the renderers the caller passes (``reports.stored``: this layer does not import
``reports``), and each step is called through ``run``, so the flow makes each one a retried Prefect task.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from rules.anomaly import SEVERITIES

from .derived import recompute_day
from .store import make_engine
from .store.history import PARIS, received_on
from .store.schema import anomalies, submissions
from .store.report_reads import submission_header
from .store.stored_reports import stored_report, submission_rows

REPORTS_DIR = "var/reports"
SUMMARY_NAME = "summary.json"
FINAL_STATUSES = ("loaded", "rejected", "duplicate")


@dataclass(frozen=True)
class Renderers:
    """How pages are written: ``reports.stored.write_submission_report`` and ``write_day_index``."""

    page: Callable[[dict, str, str | Path], Path]
    index: Callable[[str, list[dict], str | Path], Path]


def previous_day(now: datetime | None = None) -> date:
    """The Paris calendar day before ``now`` (default: the current time)."""
    return ((now or datetime.now(PARIS)).astimezone(PARIS) - timedelta(days=1)).date()


def day_folder(day: str, reports_dir: str | Path = REPORTS_DIR) -> Path:
    """``<reports_dir>/<day>``: where the day's summary and reports go."""
    return Path(reports_dir) / day


@contextmanager
def reading(url: str) -> Iterator[sa.Connection]:
    """A read-only connection to the store (DuckDB opened read-only), closed with its engine at the end."""
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


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


def write_day_summary(day: date, url: str, reports_dir: str | Path = REPORTS_DIR,
                      repaired: dict | None = None) -> Path:
    """Write ``<reports_dir>/<day>/summary.json`` from the store (plus ``repaired``, the derived rows the
    recomputation fixed, when given) and return its path."""
    summary = day_summary(url, day)
    if repaired is not None:
        summary["derived_repaired"] = repaired
    path = day_folder(day.isoformat(), reports_dir) / SUMMARY_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def recompute(day: str, url: str) -> dict:
    """Step 1: recompute the derived tables of the day's loaded submissions; their ids and the rows repaired."""
    ids, changes = recompute_day(url, date.fromisoformat(day))
    return {"submissions": ids, "repaired": changes.as_dict()}


def summarise(day: str, url: str, reports_dir: str = REPORTS_DIR, repaired: dict | None = None) -> str:
    """Step 2: the day's summary file (path)."""
    return str(write_day_summary(date.fromisoformat(day), url, reports_dir, repaired))


def report_submission(submission_id: str, url: str, folder: str, render: Callable) -> str:
    """Step 3: the HTML anomaly report of one stored submission, written by ``render`` (path)."""
    with reading(url) as conn:
        report = stored_report(conn, submission_id)
        header = submission_header(conn, submission_id)
    return str(render(report, submission_id, folder, header))


def index_day(day: str, submission_ids: list[str], url: str, folder: str, render: Callable) -> str:
    """Step 4: the index page of the day's reports, written by ``render`` (path)."""
    with reading(url) as conn:
        rows = submission_rows(conn, submission_ids)
    return str(render(day, rows, folder))


def repaired_total(repaired: dict) -> int:
    """How many derived rows a recomputation repaired (``repaired``: its ``as_dict()``, products included)."""
    return sum(sum(v.values()) if isinstance(v, dict) else v for v in repaired.values())


def _call(step: Callable, *args):
    return step(*args)


def reconcile(day: str | None, url: str, renderers: Renderers, reports_dir: str = REPORTS_DIR,
              run: Callable = _call) -> dict:
    """Reconcile one day (ISO date, default the previous Paris day): the paths written and the rows repaired.

    ``run(step, *args)`` calls each step; the default calls it directly.
    """
    day = day or previous_day().isoformat()
    derived = run(recompute, day, url)
    summary = run(summarise, day, url, reports_dir, derived["repaired"])
    folder = str(day_folder(day, reports_dir))
    pages = [run(report_submission, submission_id, url, folder, renderers.page)
             for submission_id in derived["submissions"]]
    index = run(index_day, day, derived["submissions"], url, folder, renderers.index)
    return {"day": day, "summary": summary, "index": index, "reports": pages, "repaired": derived["repaired"]}
