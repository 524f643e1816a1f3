"""``dsn validate FILE… [--format text|json|html] [--output PATH] [--norm V] [--max-per-code N] [--fpoc SHEET]``.

Exit status like DSN-Val's batch mode: 0 no blocking anomaly, 1 blocking anomalies found, 2 unreadable file
or bad usage, 3 incomplete (a rule could not run on a file: no verdict). The worst status of the files wins.
"""
from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dsn_parser import UnreadableFileError, read_dsn
from reports import RENDERERS
from rules import ValidationOptions, validate

EXIT_CLEAN, EXIT_BLOCKING, EXIT_UNREADABLE, EXIT_INCOMPLETE = 0, 1, 2, 3


def register(sub) -> None:
    p = sub.add_parser("validate", help="contrôler des fichiers DSN (contrôles de la norme et contrôles DSN-)")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--format", choices=tuple(RENDERERS), default="text")
    p.add_argument("--output", type=Path, help="écrire le rapport dans ce fichier")
    p.add_argument("--norm", help="forcer une version de norme (ex. P25V01)")
    p.add_argument("--max-per-code", type=int, help="nombre maximal d'anomalies gardées par code")
    p.add_argument("--tolerance", default="0.01", help="tolérance des comparaisons de montants, en euros")
    p.add_argument("--fpoc", type=Path, help="fiche FPOC (XML) ou référentiel (YAML) des contrats")
    p.add_argument("--unmask", action="store_true", help="afficher les données personnelles (NIR…)")
    p.add_argument("--referential-severity", choices=("blocking", "warning", "info"),
                   help="gravité des contrôles fondés sur les tables de référence livrées (2021, possiblement "
                        "périmées) ; par défaut non bloquante")
    p.set_defaults(handler=run)


def _referential(path: Path | None):
    """The contract referential of --fpoc and the anomalies of the sheet itself."""
    if path is None:
        return None, []
    from rules.fpoc import load_for_validation, referential_problems_as_anomalies

    referential, problems = load_for_validation(path)
    return referential, referential_problems_as_anomalies(problems)


def run(args) -> int:
    try:
        tolerance = Decimal(args.tolerance)
    except InvalidOperation:
        print(f"tolérance invalide : {args.tolerance}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.max_per_code is not None and args.max_per_code < 1:
        print("--max-per-code doit être au moins 1", file=sys.stderr)
        return EXIT_UNREADABLE
    referential, sheet_anomalies = _referential(args.fpoc)
    options = ValidationOptions(tolerance=tolerance, max_per_code=args.max_per_code, unmask=args.unmask,
                                referential=referential, norm=args.norm,
                                referential_severity=args.referential_severity)
    reports, status = [], EXIT_CLEAN
    for path in args.files:
        try:
            report = validate(read_dsn(path, norm=args.norm), options)
        except UnreadableFileError as err:
            reports.append({"path": str(path), "error": err.reason})
            status = max(status, EXIT_UNREADABLE)
            continue
        report.anomalies[:0] = sheet_anomalies
        reports.append(report)
        if not report.complete:
            for code in report.failed:
                print(f"{path} : contrôle incomplet, la règle {code} n'a pas pu s'exécuter", file=sys.stderr)
            status = EXIT_INCOMPLETE
        elif report.blocking:
            status = max(status, EXIT_BLOCKING)
    text = RENDERERS[args.format](reports)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return status
