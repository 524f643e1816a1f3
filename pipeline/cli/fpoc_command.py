"""``dsn fpoc check SHEET.xml|REF.yaml [--format text|json]``: check an FPOC referential file on its own;
``dsn fpoc load SHEET… [--db URL]``: store referential files for the store products (``pipeline.referentials``).

Exit status: 0 clean, 1 errors in the sheet, 2 the sheet cannot be read at all (or a bad ``--db``).
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from .store_options import add_store_arguments, open_store
from .usage import EXIT_BLOCKING, EXIT_OK, EXIT_UNUSABLE, UsageError

WHOLE_FILE_CODES = ("FPOC-REF-01", "FPOC-REF-02")  # not well-formed, unreadable: nothing could be read
SEVERITY_LABELS = {"error": "erreur", "warning": "avertissement"}


def register(sub) -> None:
    p = sub.add_parser("fpoc", help="référentiel de contrats de l'organisme complémentaire (FPOC)",
                       description="Référentiel des contrats de l'organisme complémentaire (fiches FPOC).")
    actions = p.add_subparsers(title="actions", dest="fpoc_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="contrôler une fiche FPOC (XML) ou un référentiel YAML seul",
                               description="Contrôler une fiche FPOC (XML) ou un référentiel YAML seul.")
    check.add_argument("file", type=Path, metavar="FICHE", help="fiche FPOC (.xml) ou référentiel (.yaml, .yml)")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="une ligne par problème (text, défaut) ou JSON")
    check.set_defaults(handler=run_check)
    load = actions.add_parser("load", help="enregistrer des fiches FPOC ou référentiels YAML dans la base",
                              description="Contrôler puis enregistrer des fiches FPOC (XML) ou référentiels YAML "
                                          "dans la base, pour les produits (arrêts, affiliations, cotisations).")
    load.add_argument("files", type=Path, nargs="+", metavar="FICHE", help="fiche FPOC (.xml) ou référentiel (.yaml)")
    add_store_arguments(load)
    load.add_argument("--format", choices=("text", "json"), default="text", help="texte (défaut) ou JSON")
    load.set_defaults(handler=run_load)


def check_file(path: Path) -> tuple[dict, int]:
    """The check's report (sheets loaded, problems, counts) and its exit status."""
    from rules.fpoc import load_referential

    result = load_referential(path)
    problems = [asdict(p) | {"severity": str(p.severity)} for p in result.problems]
    report = {
        "path": str(path),
        "sheets": [{"id": s.identifier, "siren": s.siren, "nics": list(s.nics), "lines": len(s.parameters)}
                   for s in result.referential.sheets],
        "errors": len(result.errors), "warnings": len(result.problems) - len(result.errors),
        "problems": problems,
    }
    if any(p.code in WHOLE_FILE_CODES for p in result.problems):
        return report, EXIT_UNUSABLE
    return report, EXIT_BLOCKING if result.errors else EXIT_OK


def format_text(report: dict) -> str:
    """One line per problem, then the sheets loaded and the counts."""
    lines = []
    for p in report["problems"]:
        where = f"{p['file']}:{p['line']}" if p["line"] is not None else p["file"]
        place = " ".join(x for x in (p["element"], f"@{p['attribute']}" if p["attribute"] else None) if x)
        value = f" (valeur « {p['value']} »)" if p["value"] is not None else ""
        lines.append(f"{where}: {p['code']} [{SEVERITY_LABELS[p['severity']]}] {p['message_fr']}{value}"
                     + (f" — {place}" if place else ""))
    for s in report["sheets"]:
        nics = ", ".join(s["nics"]) or "tous"
        lines.append(f"fiche {s['id']} : SIREN {s['siren']}, NIC {nics}, {s['lines']} ligne(s) de contrat")
    lines.append(f"{report['path']}: {len(report['sheets'])} fiche(s) chargée(s), {report['errors']} erreur(s), "
                 f"{report['warnings']} avertissement(s)")
    return "\n".join(lines)


def run_check(args) -> int:
    report, status = check_file(args.file)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_text(report))
    return status


def load_files(engine, files: list[Path]) -> list[dict]:
    """Store each referential file in its own transaction; the outcome of each."""
    from pipeline.referentials import store_referential
    from pipeline.store import migrate

    migrate(engine)
    outcomes = []
    for path in files:
        with engine.begin() as conn:
            outcomes.append(store_referential(conn, path).as_dict())
    return outcomes


def format_load(outcome: dict) -> str:
    """One line per stored file."""
    if outcome["duplicate"]:
        return f"{outcome['filename']} : déjà enregistré (doublon), SIREN {', '.join(outcome['sirens']) or '-'}"
    return (f"{outcome['filename']} : enregistré, {outcome['sheets']} fiche(s), SIREN "
            f"{', '.join(outcome['sirens']) or '-'}, {outcome['errors']} erreur(s)")


def run_load(args) -> int:
    for path in args.files:
        if not path.is_file():
            raise UsageError(str(path), "fichier introuvable")
        if path.suffix.lower() not in (".xml", ".yaml", ".yml"):
            raise UsageError(str(path), "extension non prise en charge, attendu .xml, .yaml ou .yml")
    engine = open_store(args)
    try:
        outcomes = load_files(engine, args.files)
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps(outcomes, ensure_ascii=False, indent=2))
    else:
        print("\n".join(format_load(o) for o in outcomes))
    return EXIT_BLOCKING if any(o["errors"] for o in outcomes) else EXIT_OK
