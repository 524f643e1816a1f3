"""``dsn fpoc check SHEET.xml|REF.yaml [--format text|json]``: check an FPOC referential file on its own."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from rules.fpoc import load_referential

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
WHOLE_FILE_CODES = ("FPOC-REF-01", "FPOC-REF-02")  # not well-formed, unreadable: nothing could be read
SEVERITY_LABELS = {"error": "erreur", "warning": "avertissement"}


def register(sub) -> None:
    p = sub.add_parser("fpoc", help="référentiel de contrats de l'organisme complémentaire (FPOC)")
    actions = p.add_subparsers(dest="fpoc_command", required=True)
    check = actions.add_parser("check", help="contrôler une fiche FPOC (XML) ou un référentiel YAML seul")
    check.add_argument("file", type=Path)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=run_check)


def check_file(path: Path) -> tuple[dict, int]:
    """The check's report (sheets loaded, problems, counts) and its exit status."""
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
        return report, EXIT_UNREADABLE
    return report, EXIT_ERRORS if result.errors else EXIT_OK


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
