"""Anomaly reports of stored submissions: the anomalies read back from the store as the shared anomalies
table, one HTML page per submission (the page of ``dsn validate --format html``) and an index of a day's pages.

Personal data appears as stored: the rules engine masked it before the anomalies were stored.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from pipeline.store.history import PARIS
from pipeline.store.schema import anomalies, declarations, submissions
from rules.anomaly import ANOMALY_COLUMNS, SEVERITIES, AnomalySchema

from .anomalies import render_html, templates

INDEX_NAME = "index.html"


def stored_anomalies(conn: sa.Connection, submission_id: str) -> pd.DataFrame:
    """A submission's stored anomalies, in their original order, as the pandera-checked anomalies table."""
    query = (sa.select(*(anomalies.c[name] for name in ANOMALY_COLUMNS))
             .where(anomalies.c.submission_id == submission_id).order_by(anomalies.c.seq))
    frame = pd.DataFrame(conn.execute(query).all(), columns=list(ANOMALY_COLUMNS)).astype(ANOMALY_COLUMNS)
    return AnomalySchema.validate(frame)


def stored_report(conn: sa.Connection, submission_id: str) -> dict:
    """A stored submission as the report object the renderers take (see docs/validation-report.md)."""
    row = conn.execute(sa.select(submissions.c.filename, submissions.c.norm)
                       .where(submissions.c.id == submission_id)).one()
    d = declarations.c
    declared = conn.execute(sa.select(d.nature, d.type, d.siren, d.month)
                            .where(d.submission_id == submission_id).order_by(d.instance_id)).mappings().all()
    frame = stored_anomalies(conn, submission_id)
    found = [{k: None if pd.isna(v) else v for k, v in record.items()} for record in frame.to_dict("records")]
    for anomaly in found:
        anomaly["lines"] = [int(n) for n in (anomaly["lines"] or "").split()]
    return {"path": row.filename, "norm": row.norm,
            "declarations": [{**dict(x), "month": x["month"].strftime("%Y-%m") if x["month"] else None}
                             for x in declared],
            "summary": {"by_severity": dict(Counter(a["severity"] for a in found)),
                        "by_family": dict(Counter(a["family"] for a in found)), "total": len(found),
                        "truncated": {}},
            "anomalies": found}


def write_submission_report(conn: sa.Connection, submission_id: str, directory: str | Path) -> Path:
    """Write ``<directory>/<submission id>.html`` and return its path."""
    path = Path(directory) / f"{submission_id}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html([stored_report(conn, submission_id)]), encoding="utf-8")
    return path


def write_day_index(conn: sa.Connection, day: str, submission_ids: list[str], directory: str | Path) -> Path:
    """Write ``<directory>/index.html``: one line per submission, linking to its page, and return its path."""
    s = submissions.c
    rows = {row["id"]: row for row in conn.execute(
        sa.select(s.id, s.filename, s.received_at, s.norm, *(s[f"anomalies_{v}"] for v in SEVERITIES))
        .where(s.id.in_(submission_ids))).mappings()}
    entries = [{**rows[i], "page": f"{i}.html", "name": Path(rows[i]["filename"]).name,
                "received": rows[i]["received_at"].replace(tzinfo=timezone.utc).astimezone(PARIS)
                .strftime("%d/%m/%Y %H:%M")} for i in submission_ids]
    html = templates().get_template("index.html.j2").render(
        day=datetime.fromisoformat(day).strftime("%d/%m/%Y"), entries=entries,
        generated_at=datetime.now().strftime("%d/%m/%Y %H:%M"))
    path = Path(directory) / INDEX_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
