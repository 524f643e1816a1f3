"""``dsn report submission|company|nightly|arret|statement … [--format html|json] --output PATH``: the reports
people read (:mod:`reports`), written as self-contained HTML (print-ready) or as the JSON of the same data.

- ``submission FILE|ID [--context N]``: the anomaly report of a DSN file (validated, not stored) or of a stored
  submission (its id in ``--db``), with the ``N`` lines of the file around each anomaly;
- ``company --siren S --from AAAA-MM --to AAAA-MM``: anomalies per month, recurring errors, FPOC mismatches,
  payment gaps, replaced submissions;
- ``nightly [--date AAAA-MM-JJ]``: the reconciliation report of a day;
- ``arret ID [--document declaration|avis] [--as-of J]``: the pre-filled declaration or the avis de paiement;
- ``statement --siren S [--contract REF] [--from AAAA-MM] [--to AAAA-MM] [--as-of J]``: the account statement.

Personal data masked unless ``--unmask``. Exit status: 0 written (for ``submission``: 1 when the file would be
rejected, 3 when the check is incomplete), 2 bad usage or unreadable file.
"""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from .store_options import add_db_argument, checked_url
from .usage import EXIT_BLOCKING, EXIT_INCOMPLETE, EXIT_OK, EXIT_UNUSABLE, UsageError

FORMATS = ("html", "json")  # reports.model.FORMATS (not imported here)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » (AAAA-MM-JJ attendu)") from None


def _month(text: str) -> date:
    try:
        if len(text) == 7:
            return date.fromisoformat(f"{text}-01")
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"mois invalide « {text} » (AAAA-MM attendu)")


def _common(parser) -> None:
    add_db_argument(parser)
    parser.add_argument("--format", choices=FORMATS,
                        help="html (défaut, imprimable) ou json ; défaut : d'après l'extension de --output")
    parser.add_argument("--output", type=Path, required=True, metavar="CHEMIN",
                        help="fichier écrit (son dossier doit exister)")
    parser.add_argument("--unmask", action="store_true",
                        help="afficher les données personnelles (NIR, noms, dates de naissance, IBAN) en clair")


def register(sub) -> None:
    p = sub.add_parser("report", help="rapports lisibles : anomalies, entreprise, rapprochement, arrêt, compte",
                       description="Écrire un rapport en HTML autonome (imprimable) ou en JSON des mêmes données.")
    kinds = p.add_subparsers(title="rapports", dest="report_command", metavar="RAPPORT", required=True)
    s = kinds.add_parser("submission", help="rapport d'anomalies d'un fichier DSN ou d'une soumission stockée",
                         description="Rapport d'anomalies d'un fichier DSN (contrôlé, non stocké) ou d'une "
                                     "soumission stockée (identifiant dans --db).")
    s.add_argument("target", metavar="FICHIER|ID", help="fichier DSN, ou identifiant d'une soumission stockée")
    s.add_argument("--context", type=int, default=0, metavar="N",
                   help="montrer les N lignes du fichier avant et après chaque anomalie")
    _common(s)
    s.set_defaults(handler=run_submission)
    c = kinds.add_parser("company", help="rapport d'une entreprise sur une période",
                         description="Anomalies par mois, erreurs récurrentes, écarts FPOC et de paiement, "
                                     "déclarations remplacées, d'une entreprise sur une période.")
    c.add_argument("--siren", required=True, metavar="SIREN", help="SIREN de l'entreprise")
    c.add_argument("--from", dest="start", type=_month, required=True, metavar="AAAA-MM", help="premier mois")
    c.add_argument("--to", dest="end", type=_month, required=True, metavar="AAAA-MM", help="dernier mois")
    _common(c)
    c.set_defaults(handler=run_company)
    n = kinds.add_parser("nightly", help="rapport de rapprochement nocturne d'une journée",
                         description="Dû, déclaré, réparti et payé par contrat, relances, arrêts à traiter, "
                                     "mouvements et anomalies d'affiliation, dépôts du jour.")
    n.add_argument("--date", type=_day, metavar="AAAA-MM-JJ", help="journée (défaut : aujourd'hui)")
    _common(n)
    n.set_defaults(handler=run_nightly)
    a = kinds.add_parser("arret", help="déclaration d'arrêt pré-remplie ou avis de paiement (imprimables)",
                         description="Déclaration d'arrêt de travail pré-remplie (12 lignes de salaire) ou avis "
                                     "de paiement (périodes d'indemnisation).")
    a.add_argument("arret_id", metavar="ID", help="identifiant de l'arrêt (dsn arrets list)")
    a.add_argument("--document", choices=("declaration", "avis"), default="declaration",
                   help="declaration (défaut) ou avis de paiement")
    a.add_argument("--as-of", type=_day, metavar="AAAA-MM-JJ", help="situation à cette date")
    _common(a)
    a.set_defaults(handler=run_arret)
    t = kinds.add_parser("statement", help="situation de compte d'une entreprise sur une période",
                         description="Situation de compte : par contrat, solde d'ouverture, écritures, solde "
                                     "de clôture.")
    t.add_argument("--siren", required=True, metavar="SIREN", help="SIREN de l'entreprise")
    t.add_argument("--contract", metavar="RÉF", help="un seul contrat")
    t.add_argument("--from", dest="start", type=_month, metavar="AAAA-MM", help="premier mois")
    t.add_argument("--to", dest="end", type=_month, metavar="AAAA-MM", help="dernier mois")
    t.add_argument("--as-of", type=_day, metavar="AAAA-MM-JJ", help="situation à cette date")
    _common(t)
    t.set_defaults(handler=run_statement)


def _checked_output(path: Path) -> None:
    if path.is_dir():
        raise UsageError(f"--output {path}", "c'est un dossier, pas un fichier")
    if not path.parent.is_dir():
        raise UsageError(f"--output {path}", f"dossier introuvable : {path.parent}")


def _write(report, args) -> Path:
    from dsn_parser.sniff import os_reason
    from reports.model import write

    try:
        path = write(report, args.output, args.format)
    except OSError as err:
        raise UsageError(f"--output {args.output}", f"écriture impossible : {os_reason(err)}") from err
    print(path)
    return path


def _store(args):
    _checked_output(args.output)
    from pipeline.store import make_engine

    return make_engine(checked_url(args.db, existing=True), read_only=True)


def run_submission(args) -> int:
    if args.context < 0:
        raise UsageError(f"--context {args.context}", "doit être positif ou nul")
    _checked_output(args.output)
    target = Path(args.target)
    if target.is_file():
        from dsn_parser import UnreadableFileError, read_dsn
        from reports.submission import submission_report
        from rules import ValidationOptions, validate

        try:
            report = validate(read_dsn(target), ValidationOptions(unmask=args.unmask))
        except UnreadableFileError as err:
            _write(submission_report([{"path": str(target), "error": err.reason}]), args)
            return EXIT_UNUSABLE
        built = submission_report([report], around=args.context, unmask=args.unmask)
    else:
        engine = _store(args)
        try:
            with engine.connect() as conn:
                built = _stored(conn, args)
        finally:
            engine.dispose()
    _write(built, args)
    verdict = built.data["files"][0]["verdict"]["code"]
    return {"rejected": EXIT_BLOCKING, "incomplete": EXIT_INCOMPLETE}.get(verdict, EXIT_OK)


def _stored(conn, args):
    import sqlalchemy as sa

    from pipeline.store.schema import submissions
    from reports.stored import stored_submission_report

    found = conn.execute(sa.select(submissions.c.status).where(submissions.c.id == args.target)).scalar()
    if found is None:
        raise UsageError(args.target, "ni un fichier ni une soumission stockée dans la base")
    if found != "loaded":
        raise UsageError(args.target, f"soumission non stockée en entier (statut {found})")
    return stored_submission_report(conn, args.target, around=args.context, unmask=args.unmask)


def run_company(args) -> int:
    if args.end < args.start:
        raise UsageError(f"--to {args.end:%Y-%m}", "antérieur à --from")
    from reports.company import company_report

    engine = _store(args)
    try:
        with engine.connect() as conn:
            report = company_report(conn, args.siren, args.start, args.end, unmask=args.unmask)
    finally:
        engine.dispose()
    _write(report, args)
    return EXIT_OK


def run_nightly(args) -> int:
    _checked_output(args.output)
    url = checked_url(args.db, existing=True)
    from reports.nightly import nightly_report

    report = nightly_report(url.render_as_string(hide_password=False), args.date or date.today(),
                            unmask=args.unmask)
    _write(report, args)
    return EXIT_OK


def run_arret(args) -> int:
    from reports.documents import UnknownArret, arret_declaration, avis_de_paiement

    build = arret_declaration if args.document == "declaration" else avis_de_paiement
    engine = _store(args)
    try:
        with engine.connect() as conn:
            report = build(conn, args.arret_id, as_of=args.as_of, unmask=args.unmask)
    except UnknownArret:
        raise UsageError(args.arret_id, "arrêt inconnu dans la base (voir dsn arrets list)") from None
    finally:
        engine.dispose()
    _write(report, args)
    return EXIT_OK


def run_statement(args) -> int:
    if args.start and args.end and args.end < args.start:
        raise UsageError(f"--to {args.end:%Y-%m}", "antérieur à --from")
    from reports.documents import account_statement

    engine = _store(args)
    try:
        with engine.connect() as conn:
            report = account_statement(conn, args.siren, args.start, args.end, args.contract, args.as_of)
    finally:
        engine.dispose()
    _write(report, args)
    return EXIT_OK
