"""``dsn users create-admin --email E --siren S [--password-file F] [--db URL]``: a company's administrateur
principal; ``dsn users create-operator --email E [--password-file F] [--db URL]``: an insurer operator.

The password is read from the file (its first line) or prompted twice, never given as an argument.
Exit status 2 on bad usage (weak password, existing account, invalid SIREN or e-mail, unusable ``--db``).
"""
from __future__ import annotations

import getpass
from pathlib import Path

from .store_options import add_db_argument, checked_url
from .usage import UsageError


def register(sub) -> None:
    p = sub.add_parser("users", help="comptes du portail : administrateurs principaux et opérateurs",
                       description="Comptes du portail créés en ligne de commande.")
    actions = p.add_subparsers(title="actions", dest="users_command", metavar="ACTION", required=True)
    admin = actions.add_parser("create-admin", help="créer l'administrateur principal d'une entreprise",
                               description="Créer l'administrateur principal d'une entreprise (SIREN), actif.")
    admin.add_argument("--siren", required=True, help="SIREN de l'entreprise (9 chiffres)")
    operator = actions.add_parser("create-operator", help="créer un opérateur de l'assureur",
                                  description="Créer un opérateur de l'assureur (toutes les entreprises), actif.")
    for q in (admin, operator):
        q.add_argument("--email", required=True, help="adresse électronique (identifiant de connexion)")
        q.add_argument("--name", default="", help="nom affiché")
        q.add_argument("--password-file", type=Path, metavar="FICHIER",
                       help="fichier dont la première ligne est le mot de passe (sinon il est demandé)")
        add_db_argument(q)
    admin.set_defaults(handler=run_create_admin)
    operator.set_defaults(handler=run_create_operator)


def read_password(path: Path | None) -> str:
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise UsageError(f"--password-file {path}", f"lecture impossible : {err.strerror or err}") from None
        if not lines or not lines[0]:
            raise UsageError(f"--password-file {path}", "fichier vide : le mot de passe est sa première ligne")
        return lines[0]
    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Confirmation : ") != first:
        raise UsageError("mot de passe", "les deux saisies diffèrent")
    return first


def _create(args, create) -> int:
    from pipeline.ingest import store_engine
    from pipeline.portal.errors import PortalError

    password = read_password(args.password_file)
    engine = store_engine(checked_url(args.db))
    try:
        with engine.begin() as conn:
            user_id = create(conn, password)
    except PortalError as err:
        raise UsageError(f"--email {args.email}", err.message) from None
    finally:
        engine.dispose()
    print(f"compte créé : {args.email} ({user_id})")
    return 0


def run_create_admin(args) -> int:
    from pipeline.portal.accounts import create_admin

    return _create(args, lambda conn, pw: create_admin(conn, args.email, args.siren, pw, args.name))


def run_create_operator(args) -> int:
    from pipeline.portal.accounts import create_operator

    return _create(args, lambda conn, pw: create_operator(conn, args.email, pw, args.name))
