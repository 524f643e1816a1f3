"""Nightly reconciliation: Paris day bounds, the day's summary from the store, derived tables recomputed,
anomaly reports written, a real flow run."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from flows.ingestion import ingest_file
from flows.reconciliation import nightly_reconciliation, previous_day, summarise_day, write_day_summary
from pipeline.nightly import repaired_total
from pipeline.store import make_engine
from pipeline.store.history import PARIS, utc_bounds
from pipeline.store.schema import anomalies, employee_months, submissions
from reports.model import render_report_html
from reports.stored import stored_submission_report


def test_previous_day_is_the_paris_day_before():
    assert previous_day(datetime(2025, 3, 1, 2, 0, tzinfo=PARIS)) == date(2025, 2, 28)
    # 23:30 UTC on 31 March is already 1 April in Paris
    assert previous_day(datetime(2025, 3, 31, 23, 30, tzinfo=timezone.utc)) == date(2025, 3, 31)


def test_day_bounds_follow_paris_time_changes():
    start, end = utc_bounds(date(2025, 3, 30))  # spring forward: a 23-hour day
    assert start == datetime(2025, 3, 29, 23, 0)
    assert end - start == timedelta(hours=23)
    start, end = utc_bounds(date(2025, 7, 14))
    assert (start, end - start) == (datetime(2025, 7, 13, 22, 0), timedelta(hours=24))


def received_day(url: str) -> date:
    """The Paris day the store recorded the submissions in (naive UTC times)."""
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            first = conn.execute(sa.select(sa.func.min(submissions.c.received_at))).scalar_one()
    finally:
        engine.dispose()
    return first.replace(tzinfo=timezone.utc).astimezone(PARIS).date()


def stored_anomalies(url: str) -> int:
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(anomalies)).scalar_one()
    finally:
        engine.dispose()


def test_day_summary_counts_the_day_submissions_and_anomalies(tmp_path, write_month, db_url):
    results = [ingest_file.fn(str(write_month(tmp_path / f"m{i}.dsn", i)), db_url) for i in range(2)]
    garbage = tmp_path / "garbage.dsn"
    garbage.write_bytes(b"")
    results.append(ingest_file.fn(str(garbage), db_url))
    day = received_day(db_url)

    path = write_day_summary(day, db_url, tmp_path / "reports")

    assert path == tmp_path / "reports" / day.isoformat() / "summary.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    assert summary["submissions"] == len(results)
    assert summary["by_status"] == {"loaded": 2, "rejected": 1}
    assert sum(c["count"] for c in summary["anomalies_by_code"]) == stored_anomalies(db_url)
    assert sum(summary["anomalies_by_severity"].values()) == stored_anomalies(db_url)
    assert (summary["unfinished"], summary["inconsistent"]) == ([], [])
    other = json.loads(write_day_summary(day - timedelta(days=1), db_url, tmp_path / "reports").read_text())
    assert other["submissions"] == 0 and other["anomalies_by_code"] == []


def test_day_summary_flags_counters_that_disagree_with_the_anomalies(tmp_path, write_month, db_url):
    result = ingest_file.fn(str(write_month(tmp_path / "m.dsn")), db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(submissions.update().where(submissions.c.id == result["submission_id"])
                         .values(anomalies_info=submissions.c.anomalies_info + 1))
    finally:
        engine.dispose()
    summary = json.loads(write_day_summary(received_day(db_url), db_url, tmp_path).read_text())
    assert summary["inconsistent"] == [result["submission_id"]]


def test_summarise_task_takes_and_returns_plain_values(tmp_path, write_month, db_url):
    ingest_file.fn(str(write_month(tmp_path / "m.dsn")), db_url)
    day = received_day(db_url).isoformat()
    path = summarise_day.fn(day, db_url, str(tmp_path / "reports"))
    assert isinstance(path, str)
    assert json.loads(Path(path).read_text())["day"] == day


def write_bad_nir(company, path: Path) -> tuple[Path, str]:
    """The first month with the first NIR made invalid (month 13): a file with a blocking anomaly."""
    records = monthly_records(company, date(2025, 1, 1))
    index = next(i for i, (code, _) in enumerate(records) if code == "S21.G00.30.001")
    bad = f"{records[index][1][:3]}13{records[index][1][5:]}"
    records[index] = ("S21.G00.30.001", bad)
    return write_records(records, path), bad


def stored_codes(url: str, submission_id: str) -> set[str]:
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            return set(conn.execute(sa.select(anomalies.c.code).where(anomalies.c.submission_id == submission_id))
                       .scalars())
    finally:
        engine.dispose()


def test_nightly_body_recomputes_then_writes_summary_and_reports(prefect_server, tmp_path, company, write_month,
                                                                 db_url):
    clean = ingest_file.fn(str(write_month(tmp_path / "m.dsn", 1)), db_url)["submission_id"]
    bad_path, bad_nir = write_bad_nir(company, tmp_path / "bad.dsn")
    bad = ingest_file.fn(str(bad_path), db_url)["submission_id"]
    (tmp_path / "garbage.dsn").write_bytes(b"")
    ingest_file.fn(str(tmp_path / "garbage.dsn"), db_url)  # rejected: in the summary, without a report
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            lost = conn.execute(sa.select(employee_months.c.individu_id)
                                .where(employee_months.c.submission_id == clean).limit(1)).scalar_one()
            conn.execute(employee_months.delete().where(employee_months.c.submission_id == clean,
                                                        employee_months.c.individu_id == lost))
    finally:
        engine.dispose()
    day = received_day(db_url).isoformat()
    folder = tmp_path / "reports" / day

    result = nightly_reconciliation.fn(day=day, db_url=db_url, reports_dir=str(tmp_path / "reports"))

    summary = json.loads(Path(result["summary"]).read_text(encoding="utf-8"))
    assert summary["by_status"] == {"loaded": 2, "rejected": 1}
    assert summary["derived_repaired"]["months_added"] == 1 == result["repaired"]["months_added"]
    assert result["reports"] == [str(folder / f"{clean}.html"), str(folder / f"{bad}.html")]
    page = (folder / f"{bad}.html").read_text(encoding="utf-8")
    codes = stored_codes(db_url, bad)
    assert "CSL00" in codes and all(f"<td>{code}</td>" in page for code in codes)
    assert bad_path.name in page and bad_nir not in page  # the NIR stays masked
    with make_engine(db_url).connect() as conn:  # the page `dsn report submission` writes and the API serves
        written = render_report_html(stored_submission_report(conn, bad))
    generated = re.compile(r"Généré le \d{2}/\d{2}/\d{4} \d{2}:\d{2} \(UTC[+-]\d{2}:\d{2}\)")
    assert generated.sub("", page) == generated.sub("", written)
    assert "<dt>Reçu le</dt><dd>–" not in page and "<dt>Établissement(s) (NIC)</dt><dd>–" not in page
    index = Path(result["index"]).read_text(encoding="utf-8")
    assert result["index"] == str(folder / "index.html")
    assert f'href="{clean}.html"' in index and f'href="{bad}.html"' in index and "garbage.dsn" not in index
    assert result["report"] == str(folder / "rapprochement.html") and Path(result["report"]).exists()
    assert json.loads((folder / "rapprochement.json").read_text(encoding="utf-8"))["day"] == day
    again = nightly_reconciliation.fn(day=day, db_url=db_url, reports_dir=str(tmp_path / "reports"))
    assert repaired_total(again["repaired"]) == 0 and set(again["repaired"]["products"].values()) <= {0}


def test_nightly_flow_run_writes_the_summary_and_the_reports(prefect_server, tmp_path, write_month, db_url):
    submission = ingest_file.fn(str(write_month(tmp_path / "m.dsn")), db_url)["submission_id"]
    day = received_day(db_url).isoformat()
    result = nightly_reconciliation(day=day, db_url=db_url, reports_dir=str(tmp_path / "reports"))
    assert json.loads(Path(result["summary"]).read_text())["by_status"] == {"loaded": 1}
    assert [Path(p).name for p in result["reports"]] == [f"{submission}.html"]
    assert f'href="{submission}.html"' in Path(result["index"]).read_text(encoding="utf-8")
