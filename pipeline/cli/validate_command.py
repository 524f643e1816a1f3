"""``dsn validate FILE… [--format text|json|html] [--output PATH] [--norm V] [--max-per-code N] [--fpoc SHEET]``.

Exit status like DSN-Val's batch mode: 0 no blocking anomaly, 1 blocking anomalies found, 2 unreadable file
or bad usage (an unknown ``--norm``, an ``--output`` in a missing folder, an unusable ``--fpoc`` sheet…),
3 incomplete (a rule could not run on a file: no verdict). The worst status of the files wins.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .parse_command import NORM_HELP, checked_norm
from .usage import EXIT_BLOCKING, EXIT_INCOMPLETE, EXIT_OK, EXIT_UNUSABLE, UsageError

FORMATS = ("text", "json", "html")  # reports.RENDERERS, not imported here (tests check they agree)


def register(sub) -> None:
    p = sub.add_parser("validate", help="contrôler des fichiers DSN (contrôles de la norme et contrôles DSN-)",
                       description="Contrôler des fichiers DSN : contrôles de la norme (codes officiels), contrôles "
                                   "DSN- et, avec --fpoc, contrôles des contrats de l'organisme (FPOC-).")
    p.add_argument("files", nargs="+", type=Path, metavar="FICHIER", help="fichier DSN (plat, XML ou lot)")
    p.add_argument("--format", choices=FORMATS, default="text", help="format du rapport (défaut text)")
    p.add_argument("--output", type=Path, metavar="CHEMIN",
                   help="écrire le rapport dans ce fichier (son dossier doit exister) au lieu de la sortie standard")
    p.add_argument("--norm", metavar="VERSION", help=NORM_HELP)
    p.add_argument("--max-per-code", type=int, metavar="N", help="nombre maximal d'anomalies gardées par code")
    p.add_argument("--tolerance", default="0.01", metavar="EUROS",
                   help="tolérance des comparaisons de montants, en euros (défaut 0.01)")
    p.add_argument("--fpoc", type=Path, metavar="FICHE",
                   help="fiche FPOC (XML) ou référentiel (YAML) des contrats de l'organisme complémentaire")
    p.add_argument("--unmask", action="store_true", help="afficher les données personnelles (NIR…) en clair")
    p.add_argument("--referential-severity", choices=("blocking", "warning", "info"),
                   help="gravité des contrôles fondés sur les tables de référence livrées (2021, possiblement "
                        "périmées) ; par défaut non bloquante")
    p.set_defaults(handler=run)


def _tolerance(text: str):
    from decimal import Decimal, InvalidOperation

    try:
        tolerance = Decimal(text)
    except InvalidOperation:
        tolerance = None
    if tolerance is None or not tolerance.is_finite() or tolerance < 0:
        raise UsageError(f"--tolerance {text}", "montant invalide (un nombre positif d'euros, ex. 0.01)")
    return tolerance


def _check_output(path: Path | None) -> None:
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"--output {path}", "c'est un dossier, pas un fichier")
    if not path.parent.is_dir():
        raise UsageError(f"--output {path}", f"dossier introuvable : {path.parent}")


def _referential(path: Path | None):
    """The contract referential of --fpoc and the anomalies of the sheet itself (FPOC-REF-, a broken sheet
    included); a sheet that is not there is a usage error, not an anomaly of the DSN."""
    if path is None:
        return None, []
    if not path.is_file():
        raise UsageError(f"--fpoc {path}", "fichier introuvable" if not path.exists() else "ce n'est pas un fichier")
    from rules.fpoc import load_for_validation, referential_problems_as_anomalies

    referential, problems = load_for_validation(path)
    return referential, referential_problems_as_anomalies(problems)


def _write(path: Path, text: str) -> None:
    from dsn_parser.sniff import os_reason

    try:
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as err:
        raise UsageError(f"--output {path}", f"écriture impossible : {os_reason(err)}") from err


def run(args) -> int:
    tolerance = _tolerance(args.tolerance)
    if args.max_per_code is not None and args.max_per_code < 1:
        raise UsageError(f"--max-per-code {args.max_per_code}", "doit être au moins 1")
    _check_output(args.output)
    norm = checked_norm(args.norm)
    referential, sheet_anomalies = _referential(args.fpoc)

    from dsn_parser import UnreadableFileError, read_dsn
    from reports import RENDERERS
    from rules import ValidationOptions, validate

    options = ValidationOptions(tolerance=tolerance, max_per_code=args.max_per_code, unmask=args.unmask,
                                referential=referential, norm=norm,
                                referential_severity=args.referential_severity)
    reports, status = [], EXIT_OK
    for path in args.files:
        try:
            report = validate(read_dsn(path, norm=norm), options)
        except UnreadableFileError as err:
            reports.append({"path": str(path), "error": err.reason})
            status = max(status, EXIT_UNUSABLE)
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
        _write(args.output, text)
    else:
        print(text)
    return status
