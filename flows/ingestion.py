"""Ingestion flows: one submission, and a drop folder polled for new files.

The flows only orchestrate: the work is ``pipeline.ingest.ingest_path``; tasks exchange paths, ids and small
dicts, never DataFrames. Files of a drop folder are taken once their size and mtime are stable, ingested, then
moved to ``archive/`` (loaded, duplicate) or ``quarantine/`` (rejected, failed) with a JSON report beside them.
"""
from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE

from flows.logs import run_logger
from flows.store_access import is_transient, resolve_url, submission_report
from pipeline.archive import DEFAULT_ARCHIVE
from pipeline.ingest import ingest_path

ARCHIVE = "archive"
QUARANTINE = "quarantine"
IGNORED_SUFFIXES = (".part", ".tmp")
REPORT_SUFFIX = ".report.json"
RETRY_DELAYS = [2, 10, 30]
ARCHIVE_DIR = str(DEFAULT_ARCHIVE)  # content-addressed raw archive of the store (relative to the run's cwd)


def _retry_on_transient(task, task_run, state) -> bool:
    """Prefect retry condition: retry only store errors that may pass (lock held, connection lost)."""
    return is_transient(state.result(raise_on_failure=False))


def candidates(directory: str | Path) -> list[Path]:
    """Files of the drop folder that may be DSN submissions (no dotfiles, ``*.part``, ``*.tmp`` or folders).

    In arrival order (mtime, then name), so that an annule-et-remplace dropped after its original follows it.
    """
    files = {p: _signature(p) for p in Path(directory).iterdir()
             if p.is_file() and not p.name.startswith(".") and not p.name.endswith(IGNORED_SUFFIXES)}
    return sorted((p for p, signature in files.items() if signature), key=lambda p: (files[p][1], p.name))


def _signature(path: Path) -> tuple[int, int] | None:
    """Size and mtime (ns) of a file, None when it is gone."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


def stable_files(directory: str | Path, settle_seconds: float = 2.0) -> list[Path]:
    """Candidate files whose size and mtime did not change over ``settle_seconds`` (not still being written)."""
    before = {path: _signature(path) for path in candidates(directory)}
    if before:
        time.sleep(settle_seconds)
    return [path for path, signature in before.items() if signature is not None and _signature(path) == signature]


def _free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/name.1``, ``.2``… when taken (an archive never overwrites)."""
    target, n = folder / name, 0
    while target.exists() or target.with_name(target.name + REPORT_SUFFIX).exists():
        n += 1
        target = folder / f"{name}.{n}"
    return target


def file_away(path: str | Path, outcome: dict, db_url: str | None = None) -> str:
    """Move a processed file to ``archive/`` or ``quarantine/`` beside it and write its JSON report; new path.

    ``outcome`` is an ingestion result as a dict (status loaded, duplicate or rejected) or ``{"status": "failed",
    "error": …}`` when the ingestion itself failed. The report holds the outcome plus, from the store, the
    submission's error and anomalies.
    """
    source = Path(path)
    folder = source.parent / (ARCHIVE if outcome["status"] in ("loaded", "duplicate") else QUARANTINE)
    folder.mkdir(exist_ok=True)
    target = _free_name(folder, source.name)
    report = {**outcome, "path": str(source), "archived_as": str(target)}
    if outcome.get("submission_id") is not None:
        report.update(submission_report(resolve_url(db_url), outcome["submission_id"]))
    report_path = target.with_name(target.name + REPORT_SUFFIX)
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    shutil.move(source, target)
    return str(target)


@task(cache_policy=NONE, retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS,
      retry_condition_fn=_retry_on_transient)
def ingest_file(path: str, db_url: str | None = None, source: str = "prefect", archive_dir: str = ARCHIVE_DIR) -> dict:
    """Ingest one file into the store (retried on transient store errors); the result as a plain dict."""
    result = ingest_path(Path(path), resolve_url(db_url), source=source, archive_root=archive_dir)
    run_logger().info("%s: %s (submission %s)", path, result.status, result.submission_id)
    return asdict(result)


@task(cache_policy=NONE)
def list_ready_files(directory: str, settle_seconds: float = 2.0) -> list[str]:
    """Paths of the drop folder's files that are complete."""
    return [str(p) for p in stable_files(directory, settle_seconds)]


@task(cache_policy=NONE)
def file_away_task(path: str, outcome: dict, db_url: str | None = None) -> str:
    """Archive or quarantine one processed file with its report."""
    return file_away(path, outcome, db_url)


@flow(name="ingest-submission")
def ingest_submission(path: str, db_url: str | None = None, archive_dir: str = ARCHIVE_DIR) -> dict:
    """Ingest one DSN submission (a file path) into the store."""
    return ingest_file(str(path), db_url, archive_dir=archive_dir)


@flow(name="ingest-folder")
def ingest_folder(directory: str, db_url: str | None = None, settle_seconds: float = 2.0,
                  archive_dir: str = ARCHIVE_DIR) -> list[dict]:
    """Ingest every complete file of a drop folder, then archive or quarantine it with its report.

    A file whose ingestion fails on a transient store error stays in place for the next poll; any other
    failure quarantines it with the error. The run fails at the end when a file failed. ``archive_dir`` is
    the store's content-addressed raw archive, not the drop folder's ``archive/``.
    """
    logger = run_logger()
    outcomes, failures = [], []
    for path in list_ready_files(str(directory), settle_seconds):
        state = ingest_file(path, db_url, "drop-folder", archive_dir, return_state=True)
        if state.is_completed():
            outcome = state.result()
        else:
            error = state.result(raise_on_failure=False)
            failures.append(path)
            if is_transient(error):
                logger.warning("%s: store unavailable, left for the next poll (%s)", path, error)
                continue
            outcome = {"path": path, "status": "failed", "error": repr(error)}
        outcomes.append({**outcome, "archived_as": file_away_task(path, outcome, db_url)})
    if failures:
        raise RuntimeError(f"{len(failures)} file(s) failed: {', '.join(failures)}")
    return outcomes
