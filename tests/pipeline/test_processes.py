"""Several processes at once: a load killed mid-way, concurrent ingestions, the DuckDB single writer."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date

import duckdb
import pytest
import sqlalchemy as sa

from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import monthly_records, stream_monthly
from dsn_parser.writer import write_records
from pipeline.ingest import ingest_path, store_engine
from pipeline.store import make_engine
from pipeline.store.schema import BLOCK_TABLES, declarations, submissions

pytestmark = pytest.mark.slow

INGEST = """
import json, sys
from pipeline.ingest import ingest_path
print(json.dumps(ingest_path(sys.argv[1], sys.argv[2], archive_root=sys.argv[3]).as_dict()), flush=True)
"""

STALLING_INGEST = """
import sys, time
import pipeline.ingest as ingest
real = ingest.bulk_insert
def stalling(conn, table, data):
    count = real(conn, table, data)
    if table.name == "contrat":
        print("LOADING", flush=True)
        time.sleep(600)
    return count
ingest.bulk_insert = stalling
ingest.ingest_path(sys.argv[1], sys.argv[2], archive_root=sys.argv[3])
"""


def _start(code: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=os.getcwd())


def _result(process: subprocess.Popen, timeout: float = 300) -> dict:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def _counts(url: str) -> tuple[int, int, int]:
    with make_engine(url).connect() as conn:
        return tuple(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                     for t in (submissions, declarations, BLOCK_TABLES["S21.G00.30"]))


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """A streamed mensuelle of 1,500 employees (about 250,000 lines)."""
    path = tmp_path_factory.mktemp("big") / "big.dsn"
    stream_monthly(make_company(seed=5, employees=1500, months=2, start_month=date(2025, 1, 1)), date(2025, 2, 1),
                   path)
    return path


def test_killed_load_leaves_nothing_and_rerun_completes(store_url, archive_root, big_file):
    store_engine(store_url)  # schema ready before the child starts
    child = _start(STALLING_INGEST, big_file, store_url, archive_root)
    assert child.stdout.readline().strip() == "LOADING", child.stderr.read()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert _counts(store_url) == (0, 0, 0)
    result = ingest_path(big_file, store_url, archive_root=archive_root)
    assert result.status == "loaded"
    submissions_, declarations_, individus = _counts(store_url)
    assert (submissions_, declarations_) == (1, 1) and individus > 1000


def test_same_file_from_two_processes_is_one_submission(store_url, archive_root, tmp_path):
    store_engine(store_url)
    company = make_company(seed=9, employees=300, months=1, start_month=date(2025, 1, 1))
    path = write_records(monthly_records(company, date(2025, 1, 1)), tmp_path / "same.dsn")
    children = [_start(INGEST, path, store_url, archive_root) for _ in range(2)]
    results = [_result(child) for child in children]
    assert sorted(r["status"] for r in results) == ["duplicate", "loaded"]
    assert results[0]["submission_id"] == results[1]["submission_id"]
    assert _counts(store_url)[:2] == (1, 1)


@pytest.mark.postgres
def test_different_files_from_two_processes_both_load(pg_store, archive_root, tmp_path):
    paths = []
    for seed in (31, 32):
        company = make_company(seed=seed, employees=300, months=1, start_month=date(2025, 1, 1))
        paths.append(write_records(monthly_records(company, date(2025, 1, 1)), tmp_path / f"f{seed}.dsn"))
    store_engine(pg_store)
    children = [_start(INGEST, path, pg_store, archive_root) for path in paths]
    results = [_result(child) for child in children]
    assert [r["status"] for r in results] == ["loaded", "loaded"]
    assert _counts(pg_store)[:2] == (2, 2)


BUSY = """
import sys
from pipeline.store import StoreBusyError, make_engine
try:
    with make_engine(sys.argv[1], busy_timeout=float(sys.argv[2])).connect():
        print("OPENED")
except StoreBusyError as err:
    print("BUSY", err)
"""


def test_second_duckdb_writer_waits_then_fails_clearly(tmp_path):
    url = f"duckdb:///{tmp_path / 'locked.duckdb'}"
    holder = duckdb.connect(str(tmp_path / "locked.duckdb"))
    try:
        out = subprocess.run([sys.executable, "-c", BUSY, url, "1"], capture_output=True, text=True, timeout=60)
        assert out.stdout.startswith("BUSY") and "verrouillée" in out.stdout, out.stderr
        waiting = _start(BUSY, url, "60")
        time.sleep(1.5)
    finally:
        holder.close()
    out, err = waiting.communicate(timeout=90)
    assert out.strip() == "OPENED", err
