"""``dsn cotisations account|statement|dunning --siren S [--contract REF] [--from AAAA-MM] [--to AAAA-MM]
[--as-of AAAA-MM-JJ] [--db URL] [--format text|json|csv|xlsx] [--output CHEMIN]``: the contribution account of a
company (pipeline.products.cotisations), its statement over a range of months, and the dunning steps due.

Exit status: 0, or 2 for a bad argument or an unusable ``--db``.
"""
from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

from .store_options import add_db_argument
from .usage import EXIT_OK, UsageError

ACTIONS = {"account": "compte de cotisations par contrat et par période (dû, déclaré, affecté, payé, écarts)",
           "statement": "situation de compte sur une période : échéances, versements et solde",
           "dunning": "étapes de relance à envoyer à la date donnée (rien n'est envoyé)"}
FORMATS = ("text", "json", "csv", "xlsx")


def register(sub) -> None:
    p = sub.add_parser("cotisations", help="compte de cotisations des contrats de l'organisme complémentaire",
                       description="Compte de cotisations : dû, déclaré, affecté, payé, échéances, relances.")
    actions = p.add_subparsers(title="actions", dest="cotisations_command", metavar="ACTION", required=True)
    for name, text in ACTIONS.items():
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        action.add_argument("--siren", required=True, help="SIREN de l'entreprise (9 chiffres)")
        action.add_argument("--contract", metavar="REF", help="référence du contrat (S21.G00.15.001), défaut : tous")
        action.add_argument("--from", dest="start", metavar="AAAA-MM", help="premier mois")
        action.add_argument("--to", dest="end", metavar="AAAA-MM", help="dernier mois")
        action.add_argument("--as-of", dest="as_of", metavar="AAAA-MM-JJ",
                            help="la base telle qu'elle était à la fin de ce jour (défaut : aujourd'hui)")
        add_db_argument(action)
        action.add_argument("--format", choices=FORMATS, default="text", help="text (défaut), json, csv ou xlsx")
        action.add_argument("--output", type=Path, metavar="CHEMIN",
                            help="fichier à écrire (obligatoire en csv et xlsx ; défaut en json : la sortie)")
        action.set_defaults(handler=run)


def _month(text: str | None, argument: str) -> date | None:
    if text is None:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match[2]) <= 12:
        raise UsageError(argument, f"mois AAAA-MM attendu, « {text} » reçu")
    return date(int(match[1]), int(match[2]), 1)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError("--as-of", f"date AAAA-MM-JJ attendue, « {text} » reçu")


def checked(args) -> tuple[date | None, date | None, date | None]:
    """The months and the day of the arguments, checked."""
    if not re.fullmatch(r"\d{9}", args.siren):
        raise UsageError("--siren", f"SIREN de 9 chiffres attendu, « {args.siren} » reçu")
    start, end, as_of = _month(args.start, "--from"), _month(args.end, "--to"), _day(args.as_of)
    if start and end and start > end:
        raise UsageError("--to", f"le dernier mois ({args.end}) précède le premier ({args.start})")
    if args.format in ("csv", "xlsx") and args.output is None:
        raise UsageError("--output", f"fichier de sortie obligatoire au format {args.format}")
    if args.output is not None and args.format == "text":
        raise UsageError("--output", "sans objet au format text (choisir --format json, csv ou xlsx)")
    return start, end, as_of


def _eur(value) -> str:
    return f"{value:,.2f} €".replace(",", " ").replace(".", ",")


def _account(conn, args, start, end, as_of):
    from pipeline.products.cotisations import account

    items = account(conn, args.siren, args.contract, start, end, as_of)
    header = ["Contrat", "Période", "Dû", "Déclaré", "Affecté", "Payé", "Affecté − déclaré", "Payé − affecté",
              "Payé − déclaré", "Déclaré − dû", "Échéance", "Statut"]
    sheets = {item.contract: [[item.contract, p.period, p.due, p.declared, p.allocated, p.paid,
                               p.allocated_minus_declared, p.paid_minus_allocated, p.paid_minus_declared,
                               p.declared_minus_due, p.due_date, p.status] for p in item.periods] for item in items}
    text = []
    for item in items:
        t = item.totals
        text.append(f"Contrat {item.contract} ({item.organisme or '-'}, {item.periodicity}) : dû {_eur(t.due)}, "
                    f"déclaré {_eur(t.declared)}, affecté {_eur(t.allocated)}, payé {_eur(t.paid)}, "
                    f"solde {_eur(t.balance)}")
        text += [f"  {p.period} : dû {_eur(p.due)}, déclaré {_eur(p.declared)}, payé {_eur(p.paid)}, échéance "
                 f"{p.due_date:%d/%m/%Y}, {p.status}" for p in item.periods]
        text += [f"  paramètre ignoré : {problem}" for problem in item.problems]
    return [i.as_dict() for i in items], header, sheets, text or ["Aucun compte de cotisations pour ce SIREN."]


def _statement(conn, args, start, end, as_of):
    from pipeline.products.cotisations_ledger import STATEMENT_HEADER, statement, statement_rows

    result = statement(conn, args.siren, args.contract, start, end, as_of)
    sheets = {c.contract: statement_rows(c) for c in result.contracts}
    text = []
    for c in result.contracts:
        text.append(f"Contrat {c.contract} : solde d'ouverture {_eur(c.opening)}")
        text += [f"  {line.date:%d/%m/%Y} {line.label} : débit {_eur(line.debit)}, crédit {_eur(line.credit)}, "
                 f"solde {_eur(line.balance)}" for line in c.lines]
        text.append(f"  solde de clôture {_eur(c.closing)}")
    return result, STATEMENT_HEADER, sheets, text or ["Aucun compte de cotisations pour ce SIREN."]


def _dunning(conn, args, start, end, as_of):
    from pipeline.products.cotisations_dunning import dunning

    items = [i for i in dunning(conn, args.siren, as_of or date.today(), args.contract)
             if (start is None or i.due_date >= start) and (end is None or i.due_date.replace(day=1) <= end)]
    header = ["Contrat", "Période", "Échéance", "Appelé", "Payé", "Reste dû", "Étape", "Date de l'étape",
              "Étape suivante", "Date suivante"]
    sheets: dict[str, list] = {}
    for i in items:
        sheets.setdefault(i.contract, []).append([i.contract, i.period, i.due_date, i.charged, i.paid, i.outstanding,
                                                  i.step, i.step_date, i.next_step, i.next_date])
    text = [f"{i.contract} {i.period} : reste dû {_eur(i.outstanding)} (échéance {i.due_date:%d/%m/%Y}), à envoyer : "
            f"{i.step} du {i.step_date:%d/%m/%Y}" for i in items]
    return [i.as_dict() for i in items], header, sheets, text or ["Aucune relance à envoyer."]


HANDLERS = {"account": _account, "statement": _statement, "dunning": _dunning}


def run(args) -> int:
    from pipeline.products.cotisations_ledger import Statement, write_statement
    from pipeline.products.export import write_csv, write_xlsx
    from pipeline.store import make_engine, migrate

    from .store_options import checked_url

    start, end, as_of = checked(args)
    engine = make_engine(checked_url(args.db, existing=True))
    try:
        migrate(engine)
        with engine.connect() as conn:
            data, header, sheets, text = HANDLERS[args.cotisations_command](conn, args, start, end, as_of)
    finally:
        engine.dispose()
    if isinstance(data, Statement) and args.format in ("csv", "xlsx"):
        write_statement(data, args.output, args.format)
    elif args.format == "json":
        payload = json.dumps(data.as_dict() if isinstance(data, Statement) else data, ensure_ascii=False, indent=2)
        if args.output is None:
            print(payload)
        else:
            args.output.write_text(payload + "\n", encoding="utf-8")
    elif args.format == "csv":
        write_csv(args.output, header, [row for rows in sheets.values() for row in rows])
    elif args.format == "xlsx":
        write_xlsx(args.output, {"Cotisations": (header, [row for rows in sheets.values() for row in rows])})
    else:
        print("\n".join(text))
    if args.output is not None:
        print(f"{args.output} écrit", file=sys.stderr)
    return EXIT_OK
