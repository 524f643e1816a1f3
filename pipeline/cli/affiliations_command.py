"""``dsn affiliations list|show|movements|export --siren S``: the affiliation register of the store
(pipeline.products.affiliations) as of a date, one employee's affiliations, the movements of a month, and the
portal's Excel extraction (affiliations, then their ayants droit).
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from .store_options import add_db_argument
from .usage import EXIT_OK, UsageError

FORMATS = ("text", "json", "csv", "xlsx")
HEADER = ["Matricule", "NIR", "Nom", "Contrat", "Organisme", "Délégataire", "Option", "Libellé option", "Population",
          "Libellé population", "Statut", "Début d'affiliation", "Fin d'affiliation", "Premier mois", "Dernier mois",
          "Date de sortie", "Motif de sortie", "Fin de portabilité", "Enfants à charge", "Adultes ayants droit",
          "Ayants droit", "Autres ayants droit", "Enfants ayants droit", "Anomalies"]
DEPENDANT_HEADER = ["Matricule", "Contrat", "Type", "Nom", "Prénoms", "Date de naissance", "NIR", "Début", "Fin"]
MOVEMENT_HEADER = ["Mois", "Mouvement", "Matricule", "Contrat", "Date", "Détail", "Déclaration"]


def register(sub) -> None:
    p = sub.add_parser("affiliations", help="registre des affiliations santé et prévoyance",
                       description="Registre des affiliations santé et prévoyance de la base : qui est couvert, "
                                   "par quel contrat, depuis quand, et les mouvements du mois.")
    actions = p.add_subparsers(title="actions", dest="affiliations_command", metavar="ACTION", required=True)
    for name, help_text in (("list", "les affiliations d'une entreprise à une date"),
                            ("show", "les affiliations d'un salarié, avec ses ayants droit"),
                            ("movements", "les mouvements d'un mois"),
                            ("export", "l'extraction Excel du portail (affiliations et ayants droit)")):
        action = actions.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        if name == "show":
            action.add_argument("matricule", metavar="MATRICULE", help="matricule du salarié (S21.G00.30.019)")
        action.add_argument("--siren", required=True, help="SIREN de l'entreprise")
        action.add_argument("--contract", metavar="REF", help="seulement ce contrat (S21.G00.15.001)")
        action.add_argument("--as-of", metavar="DATE", help="date du registre AAAA-MM-JJ (défaut aujourd'hui)")
        action.add_argument("--month", metavar="AAAA-MM", help="mois des mouvements (défaut le mois de --as-of)")
        add_db_argument(action)
        action.add_argument("--format", choices=FORMATS, default="xlsx" if name == "export" else "text",
                            help="text, json, csv ou xlsx")
        action.add_argument("--output", type=Path, metavar="CHEMIN", help="fichier écrit (obligatoire en csv, xlsx)")
        action.add_argument("--unmask", action="store_true", help="afficher NIR, noms et dates de naissance en clair")
        action.set_defaults(handler=run, action=name)


def _date(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text}", "date attendue au format AAAA-MM-JJ") from None


def _month(text: str | None, as_of: date) -> date:
    if text is None:
        return as_of.replace(day=1)
    if not re.fullmatch(r"\d{4}-\d{2}", text) or not 1 <= int(text[5:]) <= 12:
        raise UsageError(f"--month {text}", "mois attendu au format AAAA-MM")
    return date(int(text[:4]), int(text[5:]), 1)


def _shown(kind: str, value, unmask: bool):
    """A personal value as the JSON shows it: masked unless ``unmask`` (a date masked as its ISO text)."""
    from rules.masking import mask_personal

    if unmask or value is None:
        return value
    return mask_personal(kind, value.isoformat() if isinstance(value, date) else value)


def _month_text(month) -> str | None:
    return None if month is None else str(month)


def _cells(record, unmask: bool) -> list:
    """One row of the « Affiliations » sheet, from a register record (the values of its JSON, dates as dates)."""
    counts = record.dependants
    return [record.matricule, _shown("nir", record.nir, unmask), _shown("name", record.nom, unmask),
            record.contract, record.organisme, record.delegataire, record.option, record.option_label,
            record.population, record.population_label, record.status, record.affiliation_start,
            record.affiliation_end, _month_text(record.first_month), _month_text(record.last_month),
            record.exit_date, record.exit_motif, record.portabilite_end, counts.enfants_a_charge, counts.adultes,
            counts.ayants_droit, counts.autres, counts.enfants, " ".join(record.anomalies)]


def _dependant_rows(records: list, unmask: bool) -> list[list]:
    return [[r.matricule, r.contract, d.type, _shown("name", d.nom, unmask), _shown("name", d.prenoms, unmask),
             _shown("birth_date", d.date_naissance, unmask), _shown("nir", d.nir, unmask), d.debut, d.fin]
            for r in records for d in r.ayants_droit]


def _shown_all(kind: str, values: list, unmask: bool) -> list:
    """:func:`_shown` of each value, each distinct value masked once."""
    if unmask:
        return values
    masked: dict = {}
    out = []
    for value in values:
        if value not in masked:
            masked[value] = _shown(kind, value, False)
        out.append(masked[value])
    return out


def _register_columns(records: list, unmask: bool) -> list[list]:
    """The « Affiliations » sheet column by column: the cells of :func:`_cells`, one list per header."""
    counts = [r.dependants for r in records]
    months = {m: _month_text(m) for m in {*(r.first_month for r in records), *(r.last_month for r in records)}}
    return [[r.matricule for r in records], _shown_all("nir", [r.nir for r in records], unmask),
            _shown_all("name", [r.nom for r in records], unmask), [r.contract for r in records],
            [r.organisme for r in records], [r.delegataire for r in records], [r.option for r in records],
            [r.option_label for r in records], [r.population for r in records],
            [r.population_label for r in records], [r.status for r in records],
            [r.affiliation_start for r in records], [r.affiliation_end for r in records],
            [months[r.first_month] for r in records], [months[r.last_month] for r in records],
            [r.exit_date for r in records], [r.exit_motif for r in records], [r.portabilite_end for r in records],
            [c.enfants_a_charge for c in counts], [c.adultes for c in counts], [c.ayants_droit for c in counts],
            [c.autres for c in counts], [c.enfants for c in counts],
            [" ".join(r.anomalies) if r.anomalies else "" for r in records]]


def _dependant_columns(records: list, unmask: bool) -> list[list]:
    """The « Ayants droit » sheet column by column: the cells of :func:`_dependant_rows`, one list per header."""
    pairs = [(r, d) for r in records for d in r.ayants_droit]
    people = [d for _, d in pairs]
    return [[r.matricule for r, _ in pairs], [r.contract for r, _ in pairs], [d.type for d in people],
            _shown_all("name", [d.nom for d in people], unmask),
            _shown_all("name", [d.prenoms for d in people], unmask),
            _shown_all("birth_date", [d.date_naissance for d in people], unmask),
            _shown_all("nir", [d.nir for d in people], unmask), [d.debut for d in people], [d.fin for d in people]]


def _text(records: list[dict]) -> str:
    lines = []
    for r in records:
        period = f"du {r['affiliation_start'] or '?'} au {r['affiliation_end'] or '—'}"
        extra = f", portabilité jusqu'au {r['portabilite_end']}" if r["portabilite_end"] else ""
        exit_ = f", sortie le {r['exit_date']} (motif {r['exit_motif']})" if r["exit_date"] else ""
        lines.append(f"{r['matricule']} {r['nom'] or ''} — {r['contract']} : {r['status']}, option "
                     f"{r['option'] or '—'}, population {r['population'] or '—'}, {period}{exit_}{extra}"
                     + (f" [{' '.join(r['anomalies'])}]" if r["anomalies"] else ""))
        for d in r["ayants_droit"]:
            lines.append(f"    ayant droit type {d['type']} : {d['nom']} {d['prenoms'] or ''}, né(e) le "
                         f"{d['date_naissance']}")
    return "\n".join(lines) or "aucune affiliation"


def _typed(value):
    """An ISO date of the JSON back to a date, so that the workbook shows it as one."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return value


def _write(args, sheets: dict[str, tuple[list[str], list[list]]], columns: bool = False) -> None:
    """The sheets (``columns``: each sheet's values given column by column) as XLSX, or the first as CSV."""
    from pipeline.products.export import write_csv, write_xlsx, write_xlsx_columns

    if args.output is None:
        raise UsageError("--output", f"chemin du fichier obligatoire en {args.format}")
    if args.format == "xlsx":
        (write_xlsx_columns if columns else write_xlsx)(args.output, sheets)
    else:
        header, rows = next(iter(sheets.values()))
        write_csv(args.output, header, [list(row) for row in zip(*rows)] if columns else rows)
    print(f"{args.output} écrit")


@contextmanager
def _referential_problem():
    """A bad ``products: affiliations:`` parameter of the stored referential: one French line naming it."""
    try:
        yield
    except ValueError as err:
        raise UsageError("référentiel", str(err)) from None


def run(args) -> int:
    from pipeline.products import affiliations
    from pipeline.store import make_engine, migrate

    from .store_options import checked_url

    if not re.fullmatch(r"\d{9}", args.siren):
        raise UsageError(f"--siren {args.siren}", "SIREN attendu sur 9 chiffres")
    as_of = _date(args.as_of)
    month = _month(args.month, as_of)
    if args.action == "export" and args.format not in ("xlsx", "csv"):
        raise UsageError(f"--format {args.format}", "l'extraction s'écrit en xlsx ou csv")
    engine = make_engine(checked_url(args.db, existing=True))
    try:
        migrate(engine)
        with engine.connect() as conn, _referential_problem():
            if args.action == "movements":
                found = [m.as_dict(args.unmask) for m in affiliations.movements(conn, args.siren, month, args.contract)]
            else:
                matricule = args.matricule if args.action == "show" else None
                records = affiliations.register(conn, args.siren, as_of, args.contract, matricule)
                found = [] if args.format in ("csv", "xlsx") else [r.as_dict(args.unmask) for r in records]
    finally:
        engine.dispose()
    if args.action == "show" and not (found or records):
        raise UsageError(args.matricule, f"aucune affiliation de ce matricule au {as_of.isoformat()}")
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=2))
    elif args.action == "movements":
        rows = [[m["month"], m["movement"], m["matricule"], m["contract"], m["date"], m["detail"],
                 m["declaration_id"]] for m in found]
        if args.format == "text":
            print("\n".join(f"{r[0]} {r[1]} : {r[2]} — {r[3]} le {r[4]}" + (f" ({r[5]})" if r[5] else "")
                            for r in rows) or "aucun mouvement")
        else:
            _write(args, {"Mouvements": (MOVEMENT_HEADER, [[_typed(v) for v in row] for row in rows])})
    elif args.format == "text":
        print(_text(found))
    else:
        with affiliations.collector_paused():
            _write(args, {"Affiliations": (HEADER, _register_columns(records, args.unmask)),
                          "Ayants droit": (DEPENDANT_HEADER, _dependant_columns(records, args.unmask))},
                   columns=True)
    return EXIT_OK
