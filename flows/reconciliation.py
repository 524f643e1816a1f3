"""Nightly reconciliation flow: the work of :func:`pipeline.nightly.reconcile`, each step a retried task.

Scheduled at 02:00 Europe/Paris (see ``flows.deploy``), it works on the previous Paris day by default;
``dsn nightly`` runs the same steps without Prefect.
"""
from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NONE

from flows.logs import run_logger
from flows.store_access import resolve_url
from pipeline import nightly
from pipeline.nightly import REPORTS_DIR, Renderers, previous_day, write_day_summary
from reports.nightly import write_nightly_report
from reports.stored import write_day_index, write_submission_report

__all__ = ["index_day", "nightly_reconciliation", "previous_day", "recompute_derived", "report_submission",
           "summarise_day", "write_day_summary"]
RENDERERS = Renderers(page=write_submission_report, index=write_day_index)


def _task(step, name: str):
    return task(step, name=name, cache_policy=NONE, retries=2, retry_delay_seconds=30)


recompute_derived = _task(nightly.recompute, "recompute_derived")
summarise_day = _task(nightly.summarise, "summarise_day")
report_submission = _task(nightly.report_submission, "report_submission")
index_day = _task(nightly.index_day, "index_day")
nightly_report = _task(write_nightly_report, "nightly_report")
TASKS = {nightly.recompute: recompute_derived, nightly.summarise: summarise_day,
         nightly.report_submission: report_submission, nightly.index_day: index_day}


@flow(name="nightly-reconciliation")
def nightly_reconciliation(day: str | None = None, db_url: str | None = None,
                           reports_dir: str = REPORTS_DIR) -> dict:
    """Reconcile one day (ISO date, default the previous Paris day); the paths written and the rows repaired."""
    url = resolve_url(db_url)
    result = nightly.reconcile(day, url, RENDERERS, reports_dir, run=lambda step, *args: TASKS[step](*args))
    result["report"] = str(nightly_report(result["day"], url, str(nightly.day_folder(result["day"], reports_dir))))
    logger = run_logger()
    repaired = nightly.repaired_total(result["repaired"])
    if repaired:
        logger.warning("%s: %d derived row(s) repaired %s", result["day"], repaired, result["repaired"])
    logger.info("%s: summary %s, %d report(s) indexed in %s", result["day"], result["summary"],
                len(result["reports"]), result["index"])
    return result
