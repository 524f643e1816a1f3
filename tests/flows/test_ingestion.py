"""Ingestion flows: drop-folder file selection, archive/quarantine with reports, retries, end-to-end runs."""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from prefect.states import Failed

import flows.ingestion as ingestion
from flows.ingestion import (_retry_on_transient, candidates, file_away, ingest_file, ingest_folder, ingest_submission,
                             stable_files)
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


def test_candidates_skip_partial_hidden_and_folders_in_arrival_order(tmp_path):
    for name in ("b.dsn", "a.xml", "c.dsn.part", "d.tmp", ".e.dsn", "z.dsn"):
        (tmp_path / name).write_text("x")
    os.utime(tmp_path / "z.dsn", ns=(1_000_000_000, 1_000_000_000))
    (tmp_path / "archive").mkdir()
    assert [p.name for p in candidates(tmp_path)][0] == "z.dsn"
    assert sorted(p.name for p in candidates(tmp_path)) == ["a.xml", "b.dsn", "z.dsn"]


def test_stable_files_leave_a_file_still_being_written(tmp_path):
    (tmp_path / "done.dsn").write_text("S10.G00.00.001,'x'\n")
    growing = tmp_path / "growing.dsn"
    growing.write_text("S10.G00.00.001,'x'\n")

    def append():
        for _ in range(5):
            time.sleep(0.05)
            with growing.open("a") as handle:
                handle.write("S10.G00.00.002,'y'\n")

    writer = threading.Thread(target=append)
    writer.start()
    taken = stable_files(tmp_path, settle_seconds=0.5)
    writer.join()
    assert [p.name for p in taken] == ["done.dsn"]
    assert [p.name for p in stable_files(tmp_path, settle_seconds=0.1)] == ["done.dsn", "growing.dsn"]


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
