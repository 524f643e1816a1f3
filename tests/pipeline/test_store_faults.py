"""Faults of the store seen from the batch commands: concurrent first migrations, a full disk, a locked DuckDB."""
from __future__ import annotations

import dataclasses
import errno
import json
import os
import secrets
import subprocess
import sys
from datetime import date

import psycopg
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

import pipeline.archive as archive
import pipeline.ingest as ingest
from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from pipeline.cli import main
from pipeline.store import current_revision, make_engine
from pipeline.store.migrations import alembic_config
from pipeline.store.schema import submissions
from rules.registry import REGISTRY

from .conftest import PG_HOST, PG_PORT

HOLD_LOCK = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
print("HELD", flush=True)
time.sleep(120)
"""


def _files(folder, count: int) -> list:
    folder.mkdir(exist_ok=True)
    return [write_records(monthly_records(make_company(seed=40 + i, employees=3, months=1,
                                                       start_month=date(2025, 1, 1)), date(2025, 1, 1)),
                          folder / f"f{i}.dsn") for i in range(count)]


def _statuses(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(sa.select(submissions.c.filename, submissions.c.status)).all())
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_four_first_ingests_on_a_new_postgres_database_all_load(pg_admin, tmp_path):
    name = f"t_{secrets.token_hex(4)}"
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=pg_admin, dbname="test", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"postgresql+psycopg://{pg_admin}@{PG_HOST}:{PG_PORT}/{name}"
    try:
        paths = _files(tmp_path / "in", 4)
        children = [subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", str(path), "--db", url,
                                      "--archive", str(tmp_path / "archive"), "--format", "json", "--quiet"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=os.getcwd())
                    for path in paths]
        outputs = [child.communicate(timeout=300) for child in children]
        for child, (out, err) in zip(children, outputs):
            assert child.returncode == 0, err
            assert [r["status"] for r in json.loads(out)] == ["loaded"]
        assert _statuses(url) == sorted((str(p), "loaded") for p in paths)
        engine = make_engine(url)
        with engine.connect() as conn:
            assert current_revision(conn) == ScriptDirectory.from_config(alembic_config()).get_current_head()
        engine.dispose()
    finally:
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=pg_admin, dbname="test", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run(folder, url, archive_root, capsys) -> tuple[int, list[str]]:
    status = main(["run", str(folder), "--db", url, "--archive", str(archive_root), "--quiet"])
    return status, capsys.readouterr().out.splitlines()


def _summary(out: list[str]) -> str:
    """The folder summary line of ``dsn run`` (the store products' summaries follow it)."""
    return next(line for line in out if " fichier(s) traité(s) dans " in line)


def test_disk_full_while_archiving_fails_one_file_and_a_later_run_completes(store_url, archive_root, tmp_path,
                                                                            monkeypatch, capsys):
    paths = _files(tmp_path / "in", 3)
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:  # the second file of the batch
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)
    monkeypatch.setattr(archive.os, "fsync", fsync)

    status, out = _run(tmp_path / "in", store_url, archive_root, capsys)

    assert status == 3
    assert f"{paths[1]}: en échec" in out[1] and "espace disque insuffisant" in out[1]
    assert ": stocké (" in out[0] and ": stocké (" in out[2]
    assert "1 en échec" in _summary(out)
    assert not list(archive_root.glob(".incoming-*"))  # the partial copy is gone
    assert [s for _, s in _statuses(store_url)] == ["loaded", "loaded"]

    monkeypatch.setattr(archive.os, "fsync", real_fsync)
    status, out = _run(tmp_path / "in", store_url, archive_root, capsys)
    assert status == 0
    assert ": stocké (" in out[1] and ": doublon (" in out[0] and ": doublon (" in out[2]
    assert _statuses(store_url) == sorted((str(p), "loaded") for p in paths)


def test_disk_full_in_the_database_rolls_the_file_back(store_url, archive_root, tmp_path, monkeypatch, capsys):
    paths = _files(tmp_path / "in", 2)
    real_load, calls = ingest.SubmissionContent.load, []

    def load(self, conn):
        real_load(self, conn)
        calls.append(self.submission_id)
        if len(calls) == 1:  # the first file: its rows written, then the disk fills
            raise sa.exc.OperationalError("INSERT", {}, OSError("IO Error: No space left on device"))
    monkeypatch.setattr(ingest.SubmissionContent, "load", load)

    status = main(["ingest", *map(str, paths), "--db", store_url, "--archive", str(archive_root), "--format", "json"])

    results = json.loads(capsys.readouterr().out)
    assert status == 3
    assert [r["status"] for r in results] == ["failed", "loaded"]
    assert results[0]["error"].startswith("espace disque insuffisant pour la base")
    assert _statuses(store_url) == [(str(paths[1]), "loaded")]  # nothing of the first one
    monkeypatch.setattr(ingest.SubmissionContent, "load", real_load)
    assert main(["ingest", str(paths[0]), "--db", store_url, "--archive", str(archive_root)]) == 0
    assert _statuses(store_url) == sorted((str(p), "loaded") for p in paths)


@pytest.mark.slow
def test_duckdb_locked_beyond_the_wait_fails_the_batch_clearly_then_completes(tmp_path, capsys):
    database = tmp_path / "store.duckdb"
    url, archive_root = f"duckdb:///{database}", tmp_path / "archive"
    paths = _files(tmp_path / "in", 2)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(database)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HELD"
        status = main(["ingest", *map(str, paths), "--db", url, "--archive", str(archive_root), "--format", "json",
                       "--lock-timeout", "0.5"])
    finally:
        holder.kill()
        holder.wait(timeout=30)
    captured = capsys.readouterr()
    results = json.loads(captured.out)
    assert status == 3
    assert captured.err == f"base DuckDB {database} verrouillée par un autre processus : attente jusqu'à 0.5 s\n"
    assert [r["status"] for r in results] == ["failed", "failed"]
    assert all("verrouillée par un autre processus" in r["error"] and "\n" not in r["error"] for r in results)
    assert main(["ingest", *map(str, paths), "--db", url, "--archive", str(archive_root)]) == 0
    assert _statuses(url) == sorted((str(p), "loaded") for p in paths)


def test_a_rule_that_cannot_run_makes_the_ingest_incomplete(store_url, archive_root, tmp_path, monkeypatch, capsys):
    [path] = _files(tmp_path / "in", 1)

    def broken(ctx):
        raise RuntimeError("rule bug")
    monkeypatch.setitem(REGISTRY, "DSN-TOT-01", dataclasses.replace(REGISTRY["DSN-TOT-01"], check=broken))

    status = main(["ingest", str(path), "--db", store_url, "--archive", str(archive_root), "--format", "json"])

    [result] = json.loads(capsys.readouterr().out)
    assert status == 3
    assert result["status"] == "loaded" and "contrôle incomplet" in result["error"] and "DSN-TOT-01" in result["error"]
