"""The reports ``dsn run`` writes after storing a folder: the anomaly report of each stored submission, per
company its period report and account statement, per arrêt its declaration and avis de paiement, and the
reconciliation report of the day (``<folder>/`` …, HTML)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from pipeline.nightly import reading
from pipeline.products.arrets import list_arrets
from pipeline.products.records import Month
from pipeline.store.report_reads import declared_months

from .company import company_report
from .documents import account_statement, arret_declaration, avis_de_paiement
from .model import write
from .nightly import nightly_report
from .stored import stored_submission_report

RUN_REPORTS = "var/reports"


def _months(conn: sa.Connection, siren: str) -> tuple[date, date] | None:
    span = declared_months(conn, siren)
    return (Month.of(span[0]), Month.of(span[1])) if span else None


def write_run_reports(url: str, submissions: list[tuple[str, str]], folder: str | Path = RUN_REPORTS,
                      today: date | None = None) -> list[Path]:
    """Write the reports of the stored ``submissions`` ((id, file path) pairs) and of their companies, read from
    the store at ``url`` (no other connection to it open); the paths written."""
    folder, today = Path(folder), today or date.today()
    paths = []
    with reading(url) as conn:
        sirens = set()
        for submission_id, path in submissions:
            report = stored_submission_report(conn, submission_id)
            paths.append(write(report, folder / "soumissions" / f"{Path(path).stem}.html"))
            sirens.update(d.get("siren") for f in report.data["files"] for d in f["header"]["declarations"])
        for siren in sorted(s for s in sirens if s):
            span = _months(conn, siren)
            if span:
                paths.append(write(company_report(conn, siren, *span), folder / "entreprises" / f"{siren}.html"))
            paths.append(write(account_statement(conn, siren), folder / "entreprises" / f"{siren}-situation.html"))
            for arret in list_arrets(conn, siren=siren):
                paths.append(write(arret_declaration(conn, arret.arret_id), folder / "arrets" / f"{arret.arret_id}.html"))
                paths.append(write(avis_de_paiement(conn, arret.arret_id),
                                   folder / "arrets" / f"{arret.arret_id}-avis.html"))
    paths.append(write(nightly_report(url, today), folder / f"rapprochement-{today.isoformat()}.html"))
    return paths
