"""Stored submissions read back for their reports: anomalies as the shared anomalies table, a submission as
the report object the renderers take (see docs/validation-report.md), and the lines of a day's index.

Personal data comes back as stored: the rules engine masked it before the anomalies were stored.
"""
from __future__ import annotations

from collections import Counter
from datetime import timezone

import pandas as pd
import sqlalchemy as sa

from rules.anomaly import ANOMALY_COLUMNS, SEVERITIES, AnomalySchema

from .history import PARIS
from .schema import anomalies, declarations, submissions


def stored_anomalies(conn: sa.Connection, submission_id: str) -> pd.DataFrame:
    """A submission's stored anomalies, in their original order, as the pandera-checked anomalies table."""
    query = (sa.select(*(anomalies.c[name] for name in ANOMALY_COLUMNS))
             .where(anomalies.c.submission_id == submission_id).order_by(anomalies.c.seq))
    frame = pd.DataFrame(conn.execute(query).all(), columns=list(ANOMALY_COLUMNS)).astype(ANOMALY_COLUMNS)
    return AnomalySchema.validate(frame)


def stored_report(conn: sa.Connection, submission_id: str) -> dict:
    """A stored submission as the report object the renderers take."""
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


def submission_rows(conn: sa.Connection, submission_ids: list[str]) -> list[dict]:
    """Per submission, in the order given: id, file name, reception time (Paris time), norm, anomaly counts."""
    s = submissions.c
    rows = {row["id"]: {**row, "received_at": row["received_at"].replace(tzinfo=timezone.utc).astimezone(PARIS)}
            for row in conn.execute(
        sa.select(s.id, s.filename, s.received_at, s.norm, *(s[f"anomalies_{v}"] for v in SEVERITIES))
        .where(s.id.in_(submission_ids))).mappings()}
    return [rows[i] for i in submission_ids]
