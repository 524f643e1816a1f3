"""``dsn ingest`` and ``dsn run`` on a temporary store."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date

import pytest

from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from pipeline.cli import main
from pipeline.products import available_products

HOLD_LOCK = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
print("HELD", flush=True)
time.sleep(120)
"""


def test_ingest_json_reports_each_file(store_url, archive_root, company, tmp_path, capsys):
    good = write_records(monthly_records(company, date(2025, 1, 1)), tmp_path / "jan.dsn")
    empty = tmp_path / "empty.dsn"
    empty.write_bytes(b"")
    status = main(["ingest", str(good), str(empty), str(good), "--db", store_url, "--archive", str(archive_root),
                   "--format", "json"])
    captured = capsys.readouterr()
    results = json.loads(captured.out)
    assert status == 2 and captured.err == ""  # rejected file; no progress bar off a terminal
    assert [r["status"] for r in results] == ["loaded", "rejected", "duplicate"]
    assert results[0]["submission_id"] == results[2]["submission_id"] and results[0]["path"] == str(good)
    assert set(results[0]) == {"path", "sha256", "submission_id", "status", "anomalies"}
    assert set(results[0]["anomalies"]) == {"blocking", "warning", "info"}


def test_run_loads_a_folder_and_prints_a_summary(store_url, archive_root, company, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for month in (1, 2):
        write_records(monthly_records(company, date(2025, month, 1)), folder / f"m{month}.dsn")
    (folder / "notes.md").write_text("pas une DSN")
    assert main(["run", str(folder), "--db", store_url, "--archive", str(archive_root), "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert all(": stocké (" in line for line in out[:2])
    assert out[2].startswith("2 fichier(s) traité(s)") and "2 stocké(s)" in out[2]
    assert len(out[3:]) >= len(available_products())  # then each store product's summary
    assert main(["run", str(folder), "--db", store_url, "--archive", str(archive_root)]) == 0
    assert "2 doublon(s)" in capsys.readouterr().out


def test_text_says_each_status_in_french_and_a_stored_blocking_file_exits_1(store_url, archive_root, company,
                                                                           tmp_path, capsys):
    records = monthly_records(company, date(2025, 1, 1))
    bad = write_records([(c, "123456789" if c == "S21.G00.06.001" else v) for c, v in records], tmp_path / "bad.dsn")
    empty = tmp_path / "empty.dsn"
    empty.write_bytes(b"")
    assert main(["ingest", str(bad), "--db", store_url, "--archive", str(archive_root)]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{bad}: stocké (soumission ") and " 0 bloquante(s)" not in line
    assert main(["ingest", str(bad), str(empty), "--db", store_url, "--archive", str(archive_root)]) == 2
    duplicate, rejected = capsys.readouterr().out.splitlines()
    assert duplicate.startswith(f"{bad}: doublon (") and rejected.startswith(f"{empty}: rejeté (")
    assert rejected.endswith(": fichier vide")


@pytest.mark.slow
def test_a_locked_duckdb_is_waited_for_and_said_at_once(tmp_path, company, capsys):
    database = tmp_path / "store.duckdb"
    path = write_records(monthly_records(company, date(2025, 1, 1)), tmp_path / "jan.dsn")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(database)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HELD"
        threading.Timer(1.5, holder.kill).start()  # the other writer goes away while we wait
        status = main(["ingest", str(path), "--db", f"duckdb:///{database}", "--archive", str(tmp_path / "archive"),
                       "--lock-timeout", "60"])
    finally:
        holder.kill()
        holder.wait(timeout=30)
    captured = capsys.readouterr()
    assert status == 0 and captured.out.startswith(f"{path}: stocké")
    assert captured.err == f"base DuckDB {database} verrouillée par un autre processus : attente jusqu'à 60 s\n"
