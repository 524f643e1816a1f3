"""``dsn nightly [--date D] [--db URL] [--reports DIR] [--format text|json]``: the nightly reconciliation of one
day from the command line, without Prefect (:func:`pipeline.nightly.reconcile`, as the flow runs it), then the
reconciliation report ``rapprochement.html`` and ``.json`` in the day's folder under ``--reports``
(:func:`reports.nightly.write_nightly_report`, as the flow writes it).

Exit status: 0 done, 2 bad usage (a date that is not one, an unusable ``--db``), 3 the store failed midway
(run again: every step can be repeated).
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from .parse_command import checked_folder
from .store_options import add_db_argument, checked_url
from .usage import EXIT_INCOMPLETE, EXIT_OK

DEFAULT_REPORTS = "var/reports"  # pipeline.nightly.REPORTS_DIR (tests check they agree)


def iso_day(text: str) -> str:
    """``--date``: an ISO calendar day."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » (AAAA-MM-JJ attendu)") from None


def register(sub) -> None:
    p = sub.add_parser("nightly", help="rapprochement nocturne d'une journée (tables dérivées, résumé, rapports)",
                       description="Rapprochement nocturne d'une journée, sans serveur Prefect : tables dérivées "
                                   "recalculées et réparées, résumé summary.json, un rapport HTML par soumission "
                                   "stockée et leur index, rapport de rapprochement rapprochement.html et .json.")
    p.add_argument("--date", type=iso_day, metavar="AAAA-MM-JJ",
                   help="journée (heure de Paris) à rapprocher (défaut : la veille)")
    add_db_argument(p)
    p.add_argument("--reports", type=Path, default=Path(DEFAULT_REPORTS), metavar="DOSSIER",
                   help=f"dossier des rapports, un sous-dossier par jour (défaut {DEFAULT_REPORTS})")
    p.add_argument("--format", choices=("text", "json"), default="text", help="résumé en texte (défaut) ou JSON")
    p.set_defaults(handler=run)


def format_text(result: dict, summary: dict) -> str:
    """One line: the day's submissions by status, the derived rows repaired, the files written."""
    from pipeline.nightly import repaired_total

    statuses = ", ".join(f"{n} {word}" for word, n in (("stockée(s)", summary["by_status"].get("loaded", 0)),
                                                        ("doublon(s)", summary["by_status"].get("duplicate", 0)),
                                                        ("rejetée(s)", summary["by_status"].get("rejected", 0))))
    flagged = len(summary["unfinished"]) + len(summary["inconsistent"])
    return (f"{result['day']} : {summary['submissions']} soumission(s) ({statuses}), {flagged} à vérifier, "
            f"{repaired_total(result['repaired'])} ligne(s) dérivée(s) réparée(s) ; résumé {result['summary']}, "
            f"{len(result['reports'])} rapport(s), index {result['index']}, rapprochement {result['report']}")


def run(args) -> int:
    url = checked_url(args.db, existing=True)
    checked_folder(args.reports, "--reports")
    import sqlalchemy as sa

    from pipeline.nightly import Renderers, day_folder, reconcile
    from pipeline.store import StoreBusyError
    from reports.nightly import write_nightly_report
    from reports.stored import write_day_index, write_submission_report

    url_text = url.render_as_string(hide_password=False)
    try:
        result = reconcile(args.date, url_text, Renderers(write_submission_report, write_day_index), args.reports)
        result["report"] = str(write_nightly_report(result["day"], url_text, day_folder(result["day"], args.reports)))
    except (StoreBusyError, sa.exc.OperationalError) as err:
        print(f"{args.prog} : base indisponible, rapprochement incomplet (à relancer) : "
              f"{' '.join(str(err).split())[:300]}", file=sys.stderr)
        return EXIT_INCOMPLETE
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        summary = json.loads(Path(result["summary"]).read_text(encoding="utf-8"))
        print(format_text(result, summary))
    return EXIT_OK
