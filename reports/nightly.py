"""The nightly reconciliation report of one day: the day's submissions and anomalies, then per company the
contribution account (due, declared, allocated, paid per contract and period), the debit balances with their
dunning step, the arrêts to complete or whose planned end has passed, the affiliation movements of the months
received that day and the affiliations in anomaly."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from pipeline.nightly import day_summary, reading
from pipeline.products import all_sirens
from pipeline.products.affiliations import ANOMALIE, movements, register
from pipeline.products.arrets import OPEN, list_arrets
from pipeline.products.arrets_drafts import MISSING_DOCUMENT
from pipeline.products.cotisations import account
from pipeline.products.cotisations_dunning import dunning
from pipeline.store.report_reads import months_received

from .model import Report, write

REPORT_NAME = "rapprochement.html"


def _company(conn: sa.Connection, siren: str, day: date, months: list[date], unmask: bool) -> dict:
    periods = []
    for item in account(conn, siren, as_of=day):
        for p in item.periods:
            periods.append({"contract": item.contract, "organisme": item.organisme, "period": p.period,
                            "due": p.due, "declared": p.declared, "allocated": p.allocated, "paid": p.paid,
                            "balance": p.charged - p.paid, "due_date": p.due_date, "status": p.status})
    arrets = [a for a in list_arrets(conn, siren=siren, as_of=day)
              if a.status in (OPEN, MISSING_DOCUMENT) or (a.reprise is None and a.planned_end and a.planned_end < day)]
    moved = [m.as_dict(unmask) for month in months for m in movements(conn, siren, month)]
    return {
        "siren": siren, "periods": periods,
        "dunning": [d.as_dict(unmask) for d in dunning(conn, siren, day)],
        "arrets": [{**a.as_dict(unmask), "planned_end_passed": bool(a.reprise is None and a.planned_end
                                                                    and a.planned_end < day)} for a in arrets],
        "movements": moved, "months": [m.strftime("%Y-%m") for m in months],
        "affiliation_anomalies": [a.as_dict(unmask) for a in register(conn, siren, day)
                                  if a.status == ANOMALIE or a.anomalies],
    }


def nightly_report(url: str, day: date, unmask: bool = False) -> Report:
    """The reconciliation report of ``day`` from the store at ``url`` (read only)."""
    summary = day_summary(url, day)
    with reading(url) as conn:
        received = months_received(conn, day)
        companies = [_company(conn, siren, day, received.get(siren, []), unmask) for siren in all_sirens(conn)]
    return Report("nightly", f"Rapprochement nocturne du {day:%d/%m/%Y}",
                  {"day": day, "summary": summary, "companies": companies})


def write_nightly_report(day: str, url: str, folder: str | Path) -> Path:
    """Write ``<folder>/rapprochement.html`` and ``rapprochement.json`` for the ISO ``day``; the HTML path."""
    report = nightly_report(url, date.fromisoformat(day))
    write(report, Path(folder) / REPORT_NAME.replace(".html", ".json"))
    return write(report, Path(folder) / REPORT_NAME)
