"""``dsn key rotate [--db URL] [--new-key-file FILE]``: renew the master key of the NIR and IBAN kept encrypted in
the store (:func:`pipeline.store.personal.rotate`, one transaction).

A new key is drawn; the store's lookup key is wrapped under it and every sealed value re-sealed, so identities
and lookups do not change. The key file in use is replaced in place, the old key kept beside it as
``<file>.old-<UTC time>`` (needed to read a copy of the store taken before; delete it when those expire); with
``--new-key-file``, or a key given by ``DSN_STORE_KEY``, the new key is written there instead and must then be
configured. Exit status: 0 renewed, 2 bad usage (no key configured, another key than the store's, a file that
exists), 3 the store failed midway (nothing changed).
"""
from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from .store_options import add_db_argument, checked_url
from .usage import EXIT_OK, UsageError


def register(sub) -> None:
    p = sub.add_parser("key", help="clé de chiffrement des NIR et IBAN de la base",
                       description="Clé maîtresse des NIR et IBAN chiffrés dans la base (voir docs/privacy.md).")
    actions = p.add_subparsers(title="actions", dest="key_action", metavar="ACTION", required=True)
    rotate = actions.add_parser("rotate", help="renouveler la clé maîtresse et rechiffrer les NIR et IBAN",
                                description="Renouveler la clé maîtresse : nouvelle clé tirée au hasard, NIR et "
                                            "IBAN de la base rechiffrés en une transaction (identités inchangées).")
    add_db_argument(rotate)
    rotate.add_argument("--new-key-file", type=Path, metavar="FICHIER",
                        help="fichier (nouveau) où écrire la nouvelle clé (défaut : le fichier de clé en usage, "
                             "l'ancienne clé gardée à côté en .old-<date>)")
    rotate.set_defaults(handler=run_rotate)


def run_rotate(args) -> int:
    url = checked_url(args.db, existing=True)
    from pipeline import sealing
    from pipeline.store import make_engine, migrate, personal

    try:
        current = sealing.master_key()
    except sealing.PersonalKeyError as err:
        raise UsageError("clé", str(err)) from None
    if current is None:
        raise UsageError("clé", f"aucune clé configurée (DSN_STORE_KEY, DSN_STORE_KEY_FILE ou "
                                f"{sealing.default_key_file()}) : rien à renouveler")
    in_use = sealing.key_file()
    if args.new_key_file is None and in_use is None:
        raise UsageError("--new-key-file", "la clé vient de DSN_STORE_KEY : indiquer où écrire la nouvelle clé")
    target = args.new_key_file or in_use.with_name(in_use.name + ".new")
    if target.exists():
        raise UsageError("--new-key-file", f"{target} existe déjà")
    new_key = os.urandom(sealing.KEY_BYTES)
    sealing.write_key_file(target, new_key)
    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            rows = personal.rotate(conn, new_key)
    except sealing.PersonalKeyError as err:
        target.unlink()
        raise UsageError("clé", str(err)) from None
    except BaseException:
        target.unlink()
        raise
    finally:
        engine.dispose()
    where = f"nouvelle clé dans {target} (à configurer : DSN_STORE_KEY_FILE)"
    if args.new_key_file is None:
        old = in_use.with_name(f"{in_use.name}.old-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        os.replace(in_use, old)
        os.replace(target, in_use)
        where = f"nouvelle clé dans {in_use}, ancienne gardée dans {old}"
    print(f"clé renouvelée (empreinte {sealing.fingerprint(new_key)}) : {rows} valeur(s) rechiffrée(s) ; {where}")
    return EXIT_OK
