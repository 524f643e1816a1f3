"""Ingestion flows: archive/quarantine with reports, retries, end-to-end runs of a hostile drop folder.

Which files of a drop folder are taken is tested without Prefect in ``tests/pipeline/test_drop_folder.py``.
"""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from prefect.states import Failed

import flows.ingestion as ingestion
from flows.ingestion import _retry_on_transient, file_away, ingest_file, ingest_folder, ingest_submission
from pipeline.store import StoreBusyError, make_engine
from pipeline.store.schema import anomalies, submissions


def stored(url: str, table=submissions) -> list[dict]:
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(table)).mappings()]
    finally:
        engine.dispose()


def report_of(path: str | Path) -> dict:
    return json.loads(Path(f"{path}.report.json").read_text(encoding="utf-8"))


def test_ingest_file_task_loads_once_then_reports_duplicate(tmp_path, write_month, db_url):
    path = write_month(tmp_path / "m1.dsn")
    first = ingest_file.fn(str(path), db_url)
    second = ingest_file.fn(str(path), db_url)
    assert first["status"] == "loaded"
    assert second["status"] == "duplicate"
    assert second["sha256"] == first["sha256"]
    assert [s["id"] for s in stored(db_url)] == [first["submission_id"]]


def test_loaded_file_is_archived_with_its_anomalies(tmp_path, write_month, db_url):
    path = write_month(tmp_path / "m1.dsn")
    outcome = ingest_file.fn(str(path), db_url)
    target = Path(file_away(path, outcome, db_url))
    assert target == tmp_path / "archive" / "m1.dsn"
    assert target.exists() and not path.exists()
    report = report_of(target)
    assert report["status"] == "loaded"
    assert report["submission"]["id"] == outcome["submission_id"]
    counts = sum(report["submission"][f"anomalies_{s}"] for s in ("blocking", "warning", "info"))
    assert len(report["anomalies"]) == counts == len(stored(db_url, anomalies))


def test_unreadable_file_is_quarantined_with_the_error(tmp_path, db_url):
    path = tmp_path / "garbage.dsn"
    path.write_bytes(b"")  # empty: unreadable
    outcome = ingest_file.fn(str(path), db_url)
    assert outcome["status"] == "rejected"
    target = Path(file_away(path, outcome, db_url))
    assert target.parent.name == "quarantine"
    report = report_of(target)
    assert report["submission"]["status"] == "rejected"
    assert report["submission"]["error"]


def test_archive_never_overwrites_a_file_of_the_same_name(tmp_path, write_month, db_url):
    first = write_month(tmp_path / "dsn.txt", 0)
    file_away(first, ingest_file.fn(str(first), db_url), db_url)
    second = write_month(tmp_path / "dsn.txt", 1)
    target = Path(file_away(second, ingest_file.fn(str(second), db_url), db_url))
    assert target.name == "dsn.txt.1"
    assert report_of(tmp_path / "archive" / "dsn.txt")["sha256"] != report_of(target)["sha256"]


def test_failure_outside_the_store_quarantines_without_submission(tmp_path):
    path = tmp_path / "m.dsn"
    path.write_text("x")
    target = Path(file_away(path, {"status": "failed", "error": "ValueError('boom')"}))
    assert target.parent.name == "quarantine"
    assert report_of(target)["error"] == "ValueError('boom')"


@pytest.mark.parametrize(("error", "retried"), [
    (StoreBusyError("verrou"), True),
    (sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")), True),
    (duckdb.IOException('Could not set lock on file "x.duckdb": Conflicting lock is held'), True),
    (duckdb.ConversionException("bad value"), False),
    (OSError(errno.ENOSPC, "No space left on device"), True),
    (PermissionError(errno.EACCES, "Permission denied"), False),
    (ValueError("bad data"), False),
])
def test_retry_condition_only_for_transient_store_errors(error, retried):
    assert _retry_on_transient(ingest_file, None, Failed(data=error)) is retried


def flaky_ingest(monkeypatch, error: Exception, failures: int) -> list[str]:
    """Make ``ingest_path`` raise ``error`` ``failures`` times before working; the list of calls."""
    calls, real = [], ingestion.ingest_path

    def ingest(path, url, **kwargs):
        calls.append(str(path))
        if len(calls) <= failures:
            raise error
        return real(path, url, **kwargs)
    monkeypatch.setattr(ingestion, "ingest_path", ingest)
    monkeypatch.setattr(ingestion, "ingest_file", ingest_file.with_options(retry_delay_seconds=0))
    return calls


def test_submission_flow_retries_a_locked_store(prefect_server, monkeypatch, tmp_path, write_month, db_url):
    path = write_month(tmp_path / "m1.dsn")
    calls = flaky_ingest(monkeypatch, StoreBusyError("verrou"), failures=2)
    result = ingest_submission(str(path), db_url)
    assert result["status"] == "loaded"
    assert len(calls) == 3
    assert len(stored(db_url)) == 1


def test_submission_flow_does_not_retry_other_errors(prefect_server, monkeypatch, tmp_path, write_month, db_url):
    path = write_month(tmp_path / "m1.dsn")
    calls = flaky_ingest(monkeypatch, ValueError("bad"), failures=1)
    state = ingest_submission(str(path), db_url, return_state=True)
    assert state.is_failed()
    assert len(calls) == 1


def test_folder_flow_files_everything_away(prefect_server, tmp_path, write_month, db_url):
    drop = tmp_path / "drop"
    drop.mkdir()
    write_month(drop / "jan.dsn", 0)
    write_month(drop / "feb.dsn", 1)
    write_month(drop / "jan-again.dsn", 0)
    (drop / "garbage.dsn").write_bytes(b"")
    write_month(drop / "mar.dsn.part", 2)

    outcomes = ingest_folder(str(drop), db_url, settle_seconds=0.2)

    assert {Path(o["path"]).name: o["status"] for o in outcomes} == {
        "feb.dsn": "loaded", "garbage.dsn": "rejected", "jan-again.dsn": "duplicate", "jan.dsn": "loaded"}
    assert sorted(p.name for p in drop.iterdir() if p.is_file()) == ["mar.dsn.part"]
    assert sorted(p.name for p in (drop / "archive").glob("*.dsn")) == ["feb.dsn", "jan-again.dsn", "jan.dsn"]
    assert [p.name for p in (drop / "quarantine").glob("*.dsn")] == ["garbage.dsn"]
    assert all(Path(f"{o['archived_as']}.report.json").exists() for o in outcomes)
    assert sorted(s["status"] for s in stored(db_url)) == ["loaded", "loaded", "rejected"]


def test_folder_flow_body_leaves_files_when_the_store_stays_locked(prefect_server, monkeypatch, tmp_path,
                                                                   write_month, db_url):
    write_month(tmp_path / "jan.dsn", 0)
    calls = flaky_ingest(monkeypatch, StoreBusyError("verrou"), failures=99)
    with pytest.raises(RuntimeError, match="1 file"):
        ingest_folder.fn(str(tmp_path), db_url, settle_seconds=0.1)
    assert len(calls) == 1 + len(ingestion.RETRY_DELAYS)
    assert (tmp_path / "jan.dsn").exists()
    assert not (tmp_path / "quarantine").exists()


def test_folder_flow_survives_a_hostile_drop_folder(prefect_server, monkeypatch, tmp_path, write_month, db_url):
    drop = tmp_path / "drop"
    drop.mkdir()
    stalled = write_month(drop / "stalled.dsn", 0)
    complete = stalled.read_bytes()
    stalled.write_bytes(complete[:len(complete) // 2])  # an upload that stopped half-way
    outside = write_month(tmp_path / "outside.dsn", 1)
    (drop / "link.dsn").symlink_to(outside)  # a link out of the folder
    long_name = "m" * 240 + ".dsn"
    write_month(drop / long_name, 2)
    write_month(drop / ".hidden.dsn", 3)
    for index, name in enumerate(("bad.dsn", "good1.dsn", "good2.dsn")):
        write_month(drop / name, 3 + index)
        os.utime(drop / name, (1_000_000_000 + index, 1_000_000_000 + index))  # bad arrives first
    real = ingestion.ingest_path

    def ingest(path, url, **kwargs):
        if Path(path).name == "bad.dsn":
            raise ValueError("boom")
        return real(path, url, **kwargs)
    monkeypatch.setattr(ingestion, "ingest_path", ingest)

    state = ingest_folder(str(drop), db_url, settle_seconds=0.2, return_state=True)

    assert state.is_failed() and "bad.dsn" in str(state.result(raise_on_failure=False))
    reports = {p.name.removesuffix(".report.json"): json.loads(p.read_text(encoding="utf-8"))
               for p in drop.glob("*/*.report.json")}
    statuses = {Path(r["path"]).name: (Path(r["archived_as"]).parent.name, r["status"]) for r in reports.values()}
    assert statuses == {"bad.dsn": ("quarantine", "failed"), "good1.dsn": ("archive", "loaded"),
                        "good2.dsn": ("archive", "loaded"), long_name: ("archive", "loaded"),
                        "link.dsn": ("quarantine", "refused")}
    assert "ValueError" in reports["bad.dsn"]["error"] and "\n" not in reports["bad.dsn"]["error"]
    assert (drop / "quarantine" / "link.dsn").is_symlink()
    assert sorted(p.name for p in drop.iterdir() if p.is_file()) == [".hidden.dsn", "stalled.dsn"]
    assert sorted(s["filename"] for s in stored(db_url)) == sorted(
        str(drop / n) for n in ("good1.dsn", "good2.dsn", long_name))  # nothing of the link, nor of half a file

    monkeypatch.setattr(ingestion, "ingest_path", real)
    stalled.write_bytes(complete)  # the upload resumes and ends
    outcomes = ingest_folder(str(drop), db_url, settle_seconds=0.2)
    assert {Path(o["path"]).name: o["status"] for o in outcomes} == {".hidden.dsn": "ignored",
                                                                      "stalled.dsn": "loaded"}
