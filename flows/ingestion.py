"""Ingestion flows: one submission, and a drop folder polled for new files.

The flows only orchestrate: the work is ``pipeline.ingest.ingest_path`` and, for the drop folder,
``pipeline.drop_folder.poll`` (which files are complete, filing each one away with its report); tasks exchange
paths, ids and small dicts, never DataFrames.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE

from dsn_parser.memory import tune_memory
from flows.logs import run_logger
from flows.store_access import is_transient, resolve_url, submission_report
from pipeline import drop_folder
from pipeline.archive import DEFAULT_ARCHIVE
from pipeline.ingest import fault_reason, ingest_path

RETRY_DELAYS = [2, 10, 30]
ARCHIVE_DIR = str(DEFAULT_ARCHIVE)  # content-addressed raw archive of the store (relative to the run's cwd)


def _retry_on_transient(task, task_run, state) -> bool:
    """Prefect retry condition: retry only store errors that may pass (lock held, connection lost, disk full)."""
    return is_transient(state.result(raise_on_failure=False))


def submission_details(outcome: dict, db_url: str | None = None) -> dict:
    """From the store, the submission of an outcome (status, error, counters) and its anomalies; {} without one."""
    if outcome.get("submission_id") is None:
        return {}
    return submission_report(resolve_url(db_url), outcome["submission_id"])


def file_away(path: str | Path, outcome: dict, db_url: str | None = None) -> str:
    """Move a processed file to ``archive/`` or ``quarantine/`` beside it with its JSON report; its new path.

    ``outcome`` is an ingestion result as a dict (status loaded, duplicate or rejected) or ``{"status": "failed",
    "error": …}`` when the ingestion itself failed. The report holds the outcome plus, from the store, the
    submission's error and anomalies.
    """
    return str(drop_folder.file_away(path, outcome, submission_details(outcome, db_url)))


@task(cache_policy=NONE, retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS,
      retry_condition_fn=_retry_on_transient)
def ingest_file(path: str, db_url: str | None = None, source: str = "prefect", archive_dir: str = ARCHIVE_DIR) -> dict:
    """Ingest one file into the store (retried on transient store errors); the result as a plain dict."""
    tune_memory()  # the worker process reads DSN files: the reader's memory settings
    result = ingest_path(Path(path), resolve_url(db_url), source=source, archive_root=archive_dir)
    run_logger().info("%s: %s (submission %s)", path, result.status, result.submission_id)
    return asdict(result)


@flow(name="ingest-submission")
def ingest_submission(path: str, db_url: str | None = None, archive_dir: str = ARCHIVE_DIR) -> dict:
    """Ingest one DSN submission (a file path) into the store."""
    return ingest_file(str(path), db_url, archive_dir=archive_dir)


@flow(name="ingest-folder")
def ingest_folder(directory: str, db_url: str | None = None, settle_seconds: float = 2.0,
                  archive_dir: str = ARCHIVE_DIR,
                  incomplete_timeout: float = drop_folder.INCOMPLETE_TIMEOUT) -> list[dict]:
    """Ingest every complete file of a drop folder, then archive or quarantine it with its report.

    See :mod:`pipeline.drop_folder` for which files are taken. A file whose ingestion fails on a transient
    store error stays in place for the next poll; any other failure quarantines it with the error. The run
    fails at the end when a file failed, after handling the others. ``archive_dir`` is the store's
    content-addressed raw archive, not the drop folder's ``archive/``.
    """
    logger = run_logger()

    def ingest(path: Path) -> dict | None:
        state = ingest_file(str(path), db_url, "drop-folder", archive_dir, return_state=True)
        if state.is_completed():
            return state.result()
        error = state.result(raise_on_failure=False)
        if is_transient(error):
            logger.warning("%s : base indisponible, fichier laissé pour la prochaine scrutation (%s)", path,
                           fault_reason(error))
            return None
        return {"path": str(path), "status": "failed", "error": fault_reason(error)}

    result = drop_folder.poll(directory, ingest, lambda outcome: submission_details(outcome, db_url),
                              settle_seconds, incomplete_timeout, logger)
    if result.failures:
        raise RuntimeError(f"{len(result.failures)} file(s) failed: {', '.join(result.failures)}")
    return result.outcomes
