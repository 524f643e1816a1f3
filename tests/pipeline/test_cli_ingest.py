"""``dsn ingest`` and ``dsn run`` on a temporary store."""
from __future__ import annotations

import json
from datetime import date

from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from pipeline.cli import main


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
    assert len(out) == 3 and all(": loaded (" in line for line in out[:2])
    assert out[-1].startswith("2 fichier(s) traité(s)") and "2 stocké(s)" in out[-1]
    assert main(["run", str(folder), "--db", store_url, "--archive", str(archive_root)]) == 0
    assert "2 doublon(s)" in capsys.readouterr().out
