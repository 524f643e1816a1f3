"""Times in the reports are Europe/Paris local times with their offset: the generation time of every report,
and the reception times read back from the store (naive UTC there), in winter (UTC+01:00) and in summer
(UTC+02:00), on DuckDB and PostgreSQL. And the reports read the store only through pipeline functions."""
from __future__ import annotations

import ast
import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.ingest import ingest_path, store_engine
from pipeline.store.stored_reports import submission_rows
from reports.company import company_report
from reports.model import Report, french_date, render_report_html, render_report_json
from reports.submission import submission_report
from reports.stored import stored_submission_report, write_day_index

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
# one instant in winter and one in summer, UTC, and Paris's offset from UTC on each (CET, CEST)
WINTER, SUMMER = datetime(2025, 1, 15, 8, 30), datetime(2025, 7, 15, 8, 30)
OFFSETS = {WINTER: timedelta(hours=1), SUMMER: timedelta(hours=2)}


def shown(instant: datetime) -> str:
    """How a report shows the UTC ``instant``: its Paris wall clock, then the offset."""
    local, offset = instant + OFFSETS[instant], int(OFFSETS[instant].total_seconds() // 3600)
    return f"{local:%d/%m/%Y %H:%M} (UTC+{offset:02d}:00)"


def iso(instant: datetime) -> str:
    offset = int(OFFSETS[instant].total_seconds() // 3600)
    return f"{(instant + OFFSETS[instant]):%Y-%m-%dT%H:%M:%S}+{offset:02d}:00"


@pytest.mark.parametrize("instant", [WINTER, SUMMER])
def test_generation_time_is_paris_time_with_its_offset(instant):
    for given in (instant, instant.replace(tzinfo=timezone.utc)):  # naive times are UTC, as in the store
        report = submission_report([{"path": "depot/vide.dsn", "error": "fichier vide"}], generated_at=given)
        assert json.loads(render_report_json(report))["generated_at"] == iso(instant)
        assert f"Généré le {shown(instant)}" in render_report_html(report)
    assert french_date(instant.isoformat() + "Z") == french_date(iso(instant)) == shown(instant)


def test_a_report_made_now_carries_the_paris_offset():
    stamp = Report("statement", "Situation", {"siren": "552100554", "contracts": []}).as_dict()["generated_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", stamp)


def test_stored_reception_times_are_paris_times_in_winter_and_summer(store_url, tmp_path):
    files = {WINTER: SAMPLES / "mensuelle_P25V01_202501.dsn", SUMMER: SAMPLES / "mensuelle_P25V01_202502.dsn"}
    ids = {when: ingest_path(path, store_url, archive_root=tmp_path / "archive", received_at=when).submission_id
           for when, path in files.items()}
    siren = re.search(rb"^S21\.G00\.06\.001,'(\d{9})'", files[WINTER].read_bytes(), re.M).group(1).decode()
    engine = store_engine(store_url) if store_url.startswith("duckdb") else sa.create_engine(store_url)
    try:
        with engine.connect() as conn:
            for when, submission_id in ids.items():
                report = stored_submission_report(conn, submission_id)
                assert report.as_dict()["files"][0]["header"]["received_at"] == iso(when)
                assert f"<dt>Reçu le</dt><dd>{shown(when)}</dd>" in render_report_html(report)
            company = company_report(conn, siren, date(2025, 1, 1), date(2025, 2, 1))
            received = {s["submission_id"]: s["received_at"]
                        for m in company.as_dict()["months"] for s in m["submissions"]}
            assert received == {ids[when]: iso(when) for when in ids}
            assert all(shown(when) in render_report_html(company) for when in ids)
            rows = submission_rows(conn, list(ids.values()))
    finally:
        engine.dispose()
    index = write_day_index("2025-07-15", rows, tmp_path / "jour").read_text(encoding="utf-8")
    assert all(f"<td>{shown(when)}</td>" in index for when in ids)
    assert re.search(r"Généré le \d\d/\d\d/\d{4} \d\d:\d\d \(UTC\+0[12]:00\)", index)


def test_reports_read_the_store_only_through_pipeline_functions():
    """No module of reports/ imports the store's schema or builds a query: pipeline.store.report_reads does."""
    for path in sorted((ROOT / "reports").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not any(name and name.startswith("pipeline.store.schema") for name in imported), path
        calls = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                 and isinstance(node.value, ast.Name) and node.value.id == "sa"}
        assert not calls & {"select", "insert", "update", "delete", "text", "func"}, (path, calls)
    assert not (ROOT / "reports" / "store_reads.py").exists()
