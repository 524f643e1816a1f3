"""Nightly reconciliation of one day: derived tables recomputed, summary and anomaly reports written.

Scheduled at 02:00 Europe/Paris (see ``flows.deploy``), it works on the previous Paris day by default:

1. recomputes the derived tables (declaration states, employees, identities, employee months) of the day's
   loaded submissions from the stored rows, repairing what differs (``pipeline.derived.recompute_day``);
2. writes ``<reports_dir>/<day>/summary.json``: the day's submissions and anomalies, the submissions left
   unfinished or whose anomaly counters disagree with their stored anomalies, and the derived rows repaired;
3. writes one HTML anomaly report per loaded submission, ``<reports_dir>/<day>/<submission id>.html``,
   read back from the store (personal data masked as stored), and ``index.html`` linking them.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE

from flows.logs import run_logger
from flows.store_access import day_summary, reading, resolve_url
from pipeline.derived import recompute_day
from pipeline.store.history import PARIS
from pipeline.store.stored_reports import stored_report, submission_rows
from reports.stored import write_day_index, write_submission_report

REPORTS_DIR = "var/reports"
SUMMARY_NAME = "summary.json"


def previous_day(now: datetime | None = None) -> date:
    """The Paris calendar day before ``now`` (default: the current time)."""
    return ((now or datetime.now(PARIS)).astimezone(PARIS) - timedelta(days=1)).date()


def day_folder(day: str, reports_dir: str | Path = REPORTS_DIR) -> Path:
    """``<reports_dir>/<day>``: where the day's summary and reports go."""
    return Path(reports_dir) / day


def write_day_summary(day: date, db_url: str | None = None, reports_dir: str | Path = REPORTS_DIR,
                      repaired: dict | None = None) -> Path:
    """Write ``<reports_dir>/<day>/summary.json`` from the store (plus ``repaired``, the derived rows the
    recomputation fixed, when given) and return its path."""
    summary = day_summary(resolve_url(db_url), day)
    if repaired is not None:
        summary["derived_repaired"] = repaired
    path = day_folder(day.isoformat(), reports_dir) / SUMMARY_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@task(cache_policy=NONE, retries=2, retry_delay_seconds=30)
def recompute_derived(day: str, db_url: str | None = None) -> dict:
    """Task: recompute the derived tables of the day's loaded submissions; their ids and the rows repaired."""
    ids, changes = recompute_day(resolve_url(db_url), date.fromisoformat(day))
    if changes.total:
        run_logger().warning("%s: %d derived row(s) repaired %s", day, changes.total, changes.as_dict())
    return {"submissions": ids, "repaired": changes.as_dict()}


@task(cache_policy=NONE, retries=2, retry_delay_seconds=30)
def summarise_day(day: str, db_url: str | None = None, reports_dir: str = REPORTS_DIR,
                  repaired: dict | None = None) -> str:
    """Task: the day's summary file (path)."""
    return str(write_day_summary(date.fromisoformat(day), db_url, reports_dir, repaired))


@task(cache_policy=NONE, retries=2, retry_delay_seconds=30)
def report_submission(submission_id: str, db_url: str | None = None, folder: str = REPORTS_DIR) -> str:
    """Task: the HTML anomaly report of one stored submission (path)."""
    with reading(resolve_url(db_url)) as conn:
        report = stored_report(conn, submission_id)
    return str(write_submission_report(report, submission_id, folder))


@task(cache_policy=NONE, retries=2, retry_delay_seconds=30)
def index_day(day: str, submission_ids: list[str], db_url: str | None = None, folder: str = REPORTS_DIR) -> str:
    """Task: the index page of the day's reports (path)."""
    with reading(resolve_url(db_url)) as conn:
        rows = submission_rows(conn, submission_ids)
    return str(write_day_index(day, rows, folder))


@flow(name="nightly-reconciliation")
def nightly_reconciliation(day: str | None = None, db_url: str | None = None,
                           reports_dir: str = REPORTS_DIR) -> dict:
    """Reconcile one day (ISO date, default the previous Paris day); the paths written and the rows repaired."""
    day = day or previous_day().isoformat()
    derived = recompute_derived(day, db_url)
    summary = summarise_day(day, db_url, reports_dir, derived["repaired"])
    folder = str(day_folder(day, reports_dir))
    pages = [report_submission(submission_id, db_url, folder) for submission_id in derived["submissions"]]
    index = index_day(day, derived["submissions"], db_url, folder)
    run_logger().info("%s: summary %s, %d report(s) indexed in %s", day, summary, len(pages), index)
    return {"day": day, "summary": summary, "index": index, "reports": pages, "repaired": derived["repaired"]}
