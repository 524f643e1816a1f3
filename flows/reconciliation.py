"""Nightly reconciliation: the day's submissions and anomalies summarised from the store into a JSON file.

Scheduled at 02:00 Europe/Paris (see ``flows.deploy``), it summarises the previous Paris day by default and
flags submissions left unfinished or whose anomaly counters disagree with their stored anomalies. The derived
tables (employees, employee months, declaration states) are maintained by the ingestion transaction itself;
there is no separate rebuild to run yet.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE

from flows.logs import run_logger
from flows.store_access import PARIS, day_summary, resolve_url

REPORTS_DIR = "var/reports"
SUMMARY_NAME = "summary.json"


def previous_day(now: datetime | None = None) -> date:
    """The Paris calendar day before ``now`` (default: the current time)."""
    return ((now or datetime.now(PARIS)).astimezone(PARIS) - timedelta(days=1)).date()


def write_day_summary(day: date, db_url: str | None = None, reports_dir: str | Path = REPORTS_DIR) -> Path:
    """Write ``<reports_dir>/<day>/summary.json`` from the store and return its path."""
    summary = day_summary(resolve_url(db_url), day)
    path = Path(reports_dir) / day.isoformat() / SUMMARY_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@task(cache_policy=NONE, retries=2, retry_delay_seconds=30)
def summarise_day(day: str, db_url: str | None = None, reports_dir: str = REPORTS_DIR) -> str:
    """Task: the day's summary file (path)."""
    return str(write_day_summary(date.fromisoformat(day), db_url, reports_dir))


@flow(name="nightly-reconciliation")
def nightly_reconciliation(day: str | None = None, db_url: str | None = None,
                           reports_dir: str = REPORTS_DIR) -> str:
    """Summarise one day (ISO date, default the previous Paris day) of the store; the summary file's path."""
    day = day or previous_day().isoformat()
    path = summarise_day(day, db_url, reports_dir)
    run_logger().info("summary of %s written to %s", day, path)
    return path
