"""``dsn arrets list|show|export``: the sick-leave arrêts pre-filled from the store (pipeline.products.arrets).

- ``list [--siren S] [--siret S] [--matricule M] [--status S] [--as-of J] [--format text|json|csv|xlsx]
  [--output F]``: the arrêts (JSON documented in docs/products.md);
- ``show ID [--as-of J] [--format text|json]``: one arrêt with its 12 salary lines and reference salary;
- ``export --output F.csv|F.xlsx [filters]``: the arrêts and their salary lines (XLSX: two sheets; CSV: F and
  F's name with ``_salaires``).

Personal data (NIR, names, birth date, IBAN, BIC) is masked unless ``--unmask``. Exit status: 0, 2 bad usage
(unknown arrêt, bad date, unusable ``--db``).
"""
from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from .store_options import add_db_argument, checked_url
from .usage import EXIT_OK, UsageError

STATUSES = ("à compléter", "document manquant", "transmise", "en cours", "clos")
ARRET_HEADER = ["arret_id", "siren", "siret", "matricule", "nir", "nom", "prenoms", "contrat", "debut_contrat",
                "motif", "dernier_jour_travaille", "debut_arret", "fin_prevue", "date_accident", "subrogation",
                "debut_subrogation", "fin_subrogation", "date_reprise", "motif_reprise", "anciennete_jours",
                "anciennete_mois", "statut", "declare_dans"]
SALARY_HEADER = ["arret_id", "matricule", "mois", "fichier", "manquant", "brut_001", "brut_002", "brut_003",
                 "brut_010", "primes", "autres_revenus_bruts", "net_fiscal", "net_verse", "pmss", "tranche_A",
                 "tranche_B", "tranche_C"]


def day(text: str) -> date:
    """An ISO calendar day."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » (AAAA-MM-JJ attendu)") from None


def _common(parser, filters: bool = True) -> None:
    add_db_argument(parser)
    if filters:
        parser.add_argument("--siren", metavar="SIREN", help="les arrêts de cette entreprise")
        parser.add_argument("--siret", metavar="SIRET", help="les arrêts de cet établissement")
        parser.add_argument("--matricule", metavar="MATRICULE", help="les arrêts de ce salarié")
        parser.add_argument("--status", choices=STATUSES, metavar="STATUT",
                            help=f"les arrêts de ce statut ({', '.join(STATUSES)})")
    parser.add_argument("--as-of", type=day, metavar="AAAA-MM-JJ",
                        help="situation à cette date (arrêts commencés et reprises déclarées d'ici là)")
    parser.add_argument("--unmask", action="store_true",
                        help="afficher les données personnelles (NIR, noms, date de naissance, IBAN, BIC)")


def register(sub) -> None:
    p = sub.add_parser("arrets", help="arrêts de travail pré-remplis depuis la DSN stockée",
                       description="Arrêts de travail pré-remplis depuis les DSN stockées (signalements et "
                                   "mensuelles), avec l'historique de salaire des 12 mois.")
    actions = p.add_subparsers(title="actions", dest="arrets_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="lister les arrêts", description="Lister les arrêts de travail.")
    _common(listing)
    listing.add_argument("--format", choices=("text", "json", "csv", "xlsx"), default="text",
                         help="texte (défaut), JSON, CSV ou XLSX (avec --output)")
    listing.add_argument("--output", type=Path, metavar="FICHIER", help="fichier écrit (csv, xlsx)")
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", help="afficher un arrêt et ses 12 mois de salaire",
                              description="Afficher la déclaration d'arrêt pré-remplie et ses 12 lignes de salaire.")
    show.add_argument("arret_id", metavar="ID", help="identifiant de l'arrêt (colonne arret_id de la liste)")
    _common(show, filters=False)
    show.add_argument("--format", choices=("text", "json"), default="text", help="texte (défaut) ou JSON")
    show.set_defaults(handler=run_show)
    export = actions.add_parser("export", help="exporter les arrêts et leurs lignes de salaire (CSV, XLSX)",
                                description="Exporter les arrêts et leurs lignes de salaire : XLSX (deux "
                                            "feuilles) ou CSV (deux fichiers).")
    _common(export)
    export.add_argument("--format", choices=("csv", "xlsx"), help="format (défaut : extension de --output)")
    export.add_argument("--output", type=Path, required=True, metavar="FICHIER", help="fichier écrit")
    export.set_defaults(handler=run_export)


def _connect(args):
    from pipeline.store import make_engine, migrate

    engine = make_engine(checked_url(args.db, existing=True))
    migrate(engine)
    return engine


def _listed(args) -> list:
    from pipeline.products.arrets import list_arrets

    engine = _connect(args)
    try:
        with engine.connect() as conn:
            return list_arrets(conn, siren=args.siren, siret=args.siret, employee=args.matricule,
                               status=args.status, as_of=args.as_of)
    finally:
        engine.dispose()


def _d(value) -> str:
    return value.isoformat() if value else "—"


def arret_line(data: dict) -> str:
    """One arrêt on one line (its JSON, masked or not)."""
    e = data["employee"]
    reprise = f"reprise le {data['reprise']['date']}" if data["reprise"] else "sans reprise déclarée"
    return (f"{data['arret_id']}  {data['siret']}  {e['matricule']} {e['nom']} {e['prenoms']}  motif "
            f"{data['motif']}  du {data['start']} au {data['planned_end'] or '—'} (prévu)  {reprise}  "
            f"[{data['status']}]")


def arret_row(data: dict, record) -> list:
    e, s = data["employee"], record.subrogation
    return [record.arret_id, record.siren, record.siret, e["matricule"], e["nir"], e["nom"], e["prenoms"],
            record.contract.number, record.contract.start, record.motif, record.last_day_worked, record.start,
            record.planned_end, record.accident_date, "oui" if s.flag else "non", s.start, s.end,
            record.reprise.date if record.reprise else None, record.reprise.motif if record.reprise else None,
            record.seniority_days, record.seniority_months, record.status, " ".join(record.declared_in)]


def _total(items) -> object:
    return sum((item.amount or 0 for item in items), 0) if items else None


def salary_rows(record, history) -> list[list]:
    """The export rows of an arrêt's salary lines."""
    rows = []
    for line in history:
        split = line.tranches or {}
        rows.append([record.arret_id, record.employee.matricule, str(line.month), line.source_file,
                     "oui" if line.missing else "non", *(line.gross.get(k) for k in ("001", "002", "003", "010")),
                     _total(line.primes), _total(line.other_income), line.net_taxable, line.net_paid, line.pmss,
                     split.get("A"), split.get("B"), split.get("C")])
    return rows


def _write(path: Path, fmt: str, sheets: dict[str, tuple[list[str], list[list]]]) -> list[Path]:
    from pipeline.products.export import write_csv, write_xlsx

    if fmt == "xlsx":
        return [write_xlsx(path, sheets)]
    paths = []
    for n, (name, (header, rows)) in enumerate(sheets.items()):
        target = path if n == 0 else path.with_name(f"{path.stem}_{name}{path.suffix or '.csv'}")
        paths.append(write_csv(target, header, rows))
    return paths


def run_list(args) -> int:
    if args.format in ("csv", "xlsx") and args.output is None:
        raise UsageError("--output", f"obligatoire avec --format {args.format}")
    records = _listed(args)
    if args.format == "json":
        print(json.dumps([r.as_dict(args.unmask) for r in records], ensure_ascii=False, indent=2))
    elif args.format == "text":
        for record in records:
            print(arret_line(record.as_dict(args.unmask)))
        print(f"{len(records)} arrêt(s)")
    else:
        rows = [arret_row(r.as_dict(args.unmask), r) for r in records]
        for path in _write(args.output, args.format, {"arrets": (ARRET_HEADER, rows)}):
            print(f"{path} : {len(rows)} arrêt(s)")
    return EXIT_OK


def show_text(data: dict) -> str:
    """The pre-filled declaration: the arrêt, its affiliations, the 12 salary lines, the reference salary."""
    e, c, s = data["employee"], data["contract"], data["subrogation"]
    lines = [f"Arrêt {data['arret_id']} [{data['status']}]",
             f"  salarié : {e['matricule']} {e['nom']} {e['prenoms']}, NIR {e['nir']}, né(e) le {e['birth_date']}",
             f"  établissement : {data['siret']} ; contrat {c['number']} du {c['start']} "
             f"(statut {c['statut_categoriel']}, nature {c['nature']}, quotité {c['quotite']}/"
             f"{c['quotite_reference']}) ; ancienneté "
             f"{data['seniority_months']} mois ({data['seniority_days']} jours)",
             f"  motif {data['motif']} : dernier jour travaillé {data['last_day_worked']}, arrêt du {data['start']} "
             f"au {data['planned_end']} (prévu)" + (f", accident le {data['accident_date']}"
                                                    if data["accident_date"] else ""),
             "  subrogation : " + (f"oui du {s['start']} au {s['end']}, IBAN {s['iban']}" if s["flag"] else "non"),
             "  reprise : " + (f"le {data['reprise']['date']} (motif {data['reprise']['motif']}, "
                               f"{data['reprise']['source']})" if data["reprise"] else "non déclarée"),
             "  déclaré dans : " + ", ".join(data["declared_in"])]
    for a in data["affiliations"]:
        lines.append(f"  affiliation : {a['contract_reference']} ({a['organisme']}), option {a['option']}, "
                     f"population {a['population']}")
    lines.append("  mois     brut 001     PMSS         tranche A    tranche B    tranche C    fichier")
    for m in data["salary_history"]:
        if m["missing"]:
            lines.append(f"  {m['month']}  manquant (aucune mensuelle stockée)")
            continue
        t = m["tranches"] or {}
        others = ", ".join(f"{o['type']} {o['amount']}" for o in m["other_income"])
        lines.append(f"  {m['month']}  {m['gross'].get('001') or '—':>11}  {m['pmss']:>11}  {t.get('A', '—'):>11}  "
                     f"{t.get('B', '—'):>11}  {t.get('C', '—'):>11}  {m['source_file']}"
                     + (f"  (autres revenus bruts : {others})" if others else ""))
    r = data["reference_salary"]
    lines.append(f"  salaire de référence : {r['gross']} sur {r['months_declared']} mois déclarés (moyenne "
                 f"{r['gross_average']}), tranches A {r['tranches']['A']}, B {r['tranches']['B']}, "
                 f"C {r['tranches']['C']}" + (f" ; mois manquants : {', '.join(r['months_missing'])}"
                                              if r["months_missing"] else ""))
    return "\n".join(lines)


def run_show(args) -> int:
    from pipeline.products.arrets import get_arret
    from pipeline.products.arrets_salary import MissingPmss

    engine = _connect(args)
    try:
        with engine.connect() as conn:
            detail = get_arret(conn, args.arret_id, args.as_of)
    except MissingPmss as err:
        raise UsageError(args.arret_id, str(err)) from None
    finally:
        engine.dispose()
    if detail is None:
        raise UsageError(args.arret_id, "arrêt inconnu dans cette base")
    data = detail.as_dict(args.unmask)
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.format == "json" else show_text(data))
    return EXIT_OK


def run_export(args) -> int:
    from pipeline.products.arrets import list_arrets
    from pipeline.products.arrets_salary import MissingPmss, salary_histories

    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise UsageError("--output", "extension .csv ou .xlsx attendue (ou --format)")
    engine = _connect(args)
    try:
        with engine.connect() as conn:
            records = list_arrets(conn, siren=args.siren, siret=args.siret, employee=args.matricule,
                                  status=args.status, as_of=args.as_of)
            histories = salary_histories(conn, {r.arret_id: r.start for r in records})
    except MissingPmss as err:
        raise UsageError("--output", str(err)) from None
    finally:
        engine.dispose()
    arret_rows = [arret_row(r.as_dict(args.unmask), r) for r in records]
    salary = [row for r in records for row in salary_rows(r, histories[r.arret_id])]
    for path in _write(args.output, fmt, {"arrets": (ARRET_HEADER, arret_rows), "salaires": (SALARY_HEADER, salary)}):
        print(f"{path} écrit")
    print(f"{len(arret_rows)} arrêt(s), {len(salary)} ligne(s) de salaire")
    return EXIT_OK
