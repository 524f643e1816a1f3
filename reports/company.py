"""The report of one company over a period of months: each month's submissions (replaced or current) and
their anomalies, the recurring errors (the same code for the same employee month after month), the FPOC
mismatches, the payment gaps (paid − declared per contract and period) and the declared − due gaps per
employee."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import sqlalchemy as sa

from pipeline.products.cotisations import account
from pipeline.products.cotisations_gaps import gaps
from pipeline.products.records import Month
from pipeline.store.report_reads import anomaly_rows, company_declarations

from .labels import SEVERITY_ORDER
from .model import Report

STATE_LABELS = {"current": "en vigueur", "superseded": "remplacée", "cancelled": "annulée"}


def fpoc_findings(conn: sa.Connection, siren: str, archived: dict[str, str]) -> list[tuple[str, object]]:
    """(submission id, anomaly) of the FPOC rules run on the archived files of ``archived`` (submission id →
    raw file) against the company's stored referential; none without a referential for ``siren``."""
    from dsn_parser import UnreadableFileError, read_dsn
    from pipeline.referentials import stored_referential
    from rules import ValidationOptions, validate
    from rules import REGISTRY  # the package loads the engine: every rule module registered

    referential = stored_referential(conn, siren)
    if not any(True for _ in referential.lines(siren)):
        return []
    rules = [r for r in REGISTRY.values() if r.family == "FPOC"]
    found = []
    for submission_id, path in archived.items():
        try:
            parsed = read_dsn(path)
        except (UnreadableFileError, OSError):
            continue
        report = validate(parsed, ValidationOptions(referential=referential), rules=rules)
        found.extend((submission_id, a) for a in report.anomalies if a.family == "FPOC")
    return found


def company_report(conn: sa.Connection, siren: str, first: date, last: date, unmask: bool = False) -> Report:
    """The company report of ``siren`` for the months ``first``…``last`` (first days of months)."""
    found = company_declarations(conn, siren, first, last)
    rows = anomaly_rows(conn, sorted({d["submission_id"] for d in found}))
    by_submission: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_submission[row["submission_id"]].append(row)
    months: dict[str, dict] = {}
    for d in found:
        month = str(Month.of(d["month"]))
        entry = months.setdefault(month, {"month": month, "submissions": [],
                                          "by_severity": {s: 0 for s in SEVERITY_ORDER}})
        own = by_submission.get(d["submission_id"], [])
        counts = Counter(a["severity"] for a in own)
        entry["submissions"].append({
            "submission_id": d["submission_id"], "declaration_id": d["id"], "file": d["filename"],
            "received_at": d["received_at"], "nic": d["nic"], "type": d["type"], "state": d["state"],
            "state_label": STATE_LABELS.get(d["state"], d["state"]), "replaced": d["state"] != "current",
            "replaced_by": d["replaced_by"], "by_severity": {s: counts.get(s, 0) for s in SEVERITY_ORDER}})
        if d["state"] == "current":
            for s in SEVERITY_ORDER:
                entry["by_severity"][s] += counts.get(s, 0)
    current = {d["submission_id"]: str(Month.of(d["month"])) for d in found if d["state"] == "current"}
    seen: dict[tuple, set] = defaultdict(set)
    fpoc = []
    for row in rows:
        month = current.get(row["submission_id"])
        if month is None:
            continue
        if row["employee"]:
            seen[row["code"], row["employee"]].add(month)
        if row["family"] == "FPOC":
            fpoc.append({"month": month, "code": row["code"], "severity": row["severity"],
                         "employee": row["employee"], "message": row["message"], "line": row["line"]})
    if not fpoc:  # the ingest validates without the referential: the FPOC rules run here on the archived files
        archived = {d["submission_id"]: d["archive_path"] for d in found if d["state"] == "current"}
        fpoc = [{"month": current[sid], "code": a.code, "severity": a.severity, "employee": a.employee,
                 "message": a.message, "line": a.line} for sid, a in fpoc_findings(conn, siren, archived)]
    recurring = [{"code": code, "employee": employee, "months": sorted(ms), "count": len(ms)}
                 for (code, employee), ms in seen.items() if len(ms) > 1]
    recurring.sort(key=lambda r: (-r["count"], r["code"], r["employee"]))
    payments = []
    for item in account(conn, siren, start=first, end=last):
        for period in item.periods:
            if period.paid_minus_declared:
                payments.append({"contract": item.contract, "organisme": item.organisme, "period": period.period,
                                 "declared": period.declared, "paid": period.paid,
                                 "gap": period.paid_minus_declared, "due_date": period.due_date,
                                 "status": period.status})
    return Report("company", f"Rapport de l'entreprise {siren}", {
        "siren": siren, "first": Month.of(first), "last": Month.of(last),
        "months": [months[m] for m in sorted(months)], "recurring": recurring, "fpoc": fpoc,
        "payment_gaps": payments,
        "gaps": [g.as_dict(unmask) for g in gaps(conn, siren, start=first, end=last)],
    })
