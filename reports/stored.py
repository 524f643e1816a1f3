"""Reports of stored submissions: one HTML page per submission (the anomaly report of
:mod:`reports.submission`) and an index of a day's pages. The store reads are in
:mod:`pipeline.store.stored_reports` and :mod:`pipeline.store.report_reads`."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from pipeline.store.report_reads import submission_header
from pipeline.store.stored_reports import stored_report

from .anomalies import templates
from .model import PARIS, Report, french_date, paris_time, render_report_html
from .submission import submission_report

INDEX_NAME = "index.html"


def stored_submission_report(conn: sa.Connection, submission_id: str, around: int = 0,
                             unmask: bool = False) -> Report:
    """The anomaly report of a stored submission (values as stored: masked by the validator), with its
    reception time and establishments, and the archived file's lines around each anomaly when ``around``.
    The file is named without the folder it was ingested from (the page ``dsn report`` writes is the one the
    API serves)."""
    report = stored_report(conn, submission_id)
    report["path"] = Path(report["path"]).name
    return submission_report([report], [submission_header(conn, submission_id)], around=around, unmask=unmask)


def write_submission_report(report: dict, submission_id: str, directory: str | Path, header: dict) -> Path:
    """Write ``<directory>/<submission id>.html`` from a stored report object and its ``header``
    (:func:`pipeline.store.report_reads.submission_header`: reception time, establishments), the page
    ``dsn report submission`` writes, and return its path."""
    path = Path(directory) / f"{submission_id}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {**report, "path": Path(report["path"]).name}
    path.write_text(render_report_html(submission_report([report], [header])), encoding="utf-8")
    return path


def write_day_index(day: str, rows: list[dict], directory: str | Path) -> Path:
    """Write ``<directory>/index.html``, one line per submission row (see
    :func:`pipeline.store.stored_reports.submission_rows`) linking to its page, and return its path."""
    entries = [{**row, "page": f"{row['id']}.html", "name": Path(row["filename"]).name,
                "received": french_date(paris_time(row["received_at"]).isoformat())} for row in rows]
    html = templates().get_template("index.html.j2").render(
        day=datetime.fromisoformat(day).strftime("%d/%m/%Y"), entries=entries,
        generated_at=french_date(datetime.now(PARIS).isoformat(timespec="seconds")))
    path = Path(directory) / INDEX_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
