"""Reports of stored submissions: one HTML page per submission (the page of ``dsn validate --format html``)
and an index of a day's pages. The store reads are in :mod:`pipeline.store.stored_reports`."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .anomalies import render_html, templates

INDEX_NAME = "index.html"


def write_submission_report(report: dict, submission_id: str, directory: str | Path) -> Path:
    """Write ``<directory>/<submission id>.html`` from a report object and return its path."""
    path = Path(directory) / f"{submission_id}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html([report]), encoding="utf-8")
    return path


def write_day_index(day: str, rows: list[dict], directory: str | Path) -> Path:
    """Write ``<directory>/index.html``, one line per submission row (see
    :func:`pipeline.store.stored_reports.submission_rows`) linking to its page, and return its path."""
    entries = [{**row, "page": f"{row['id']}.html", "name": Path(row["filename"]).name,
                "received": row["received_at"].strftime("%d/%m/%Y %H:%M")} for row in rows]
    html = templates().get_template("index.html.j2").render(
        day=datetime.fromisoformat(day).strftime("%d/%m/%Y"), entries=entries,
        generated_at=datetime.now().strftime("%d/%m/%Y %H:%M"))
    path = Path(directory) / INDEX_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
