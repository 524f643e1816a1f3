"""The store arguments of ``dsn ingest``, ``dsn run`` and ``dsn nightly``, checked before any work.

An unusable ``--db`` is a usage error naming it (exit 2): a URL that is not one, an unknown scheme, a DuckDB
path that cannot be created or written, a PostgreSQL server that does not answer. A DuckDB file locked by
another writer is waited for (``--lock-timeout``), and the wait is said at once on stderr.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from pipeline.archive import DEFAULT_ARCHIVE

from .usage import UsageError

# pipeline.store.DEFAULT_URL and BUSY_TIMEOUT, not imported here: building the parser loads no SQLAlchemy
# (tests/pipeline/test_cli_startup.py checks they agree)
DEFAULT_DB = "duckdb:///var/dsn.duckdb"
DEFAULT_LOCK_TIMEOUT = 60.0
PG_CONNECT_TIMEOUT = 10  # seconds to wait for a PostgreSQL server before calling it unreachable
_PG_REASONS = (
    (r"connection refused", "connexion refusée (serveur arrêté ou mauvais port ?)"),
    (r"password authentication failed|no password supplied", "authentification refusée"),
    (r'database "([^"]*)" does not exist', r"la base « \1 » n'existe pas"),
    (r'role "([^"]*)" does not exist', r"l'utilisateur « \1 » n'existe pas"),
    (r"could not translate host name|name or service not known|nodename nor servname",
     "nom d'hôte inconnu"),
    (r"timeout expired|timed out", f"pas de réponse en {PG_CONNECT_TIMEOUT} s"),
    (r"no route to host|network is unreachable", "réseau injoignable"),
)


def add_db_argument(parser) -> None:
    parser.add_argument("--db", metavar="URL",
                        help=f"URL de la base : duckdb:///CHEMIN ou postgresql+psycopg://UTILISATEUR@HÔTE/BASE "
                             f"(défaut {DEFAULT_DB})")


def add_store_arguments(parser) -> None:
    """--db, --archive and --lock-timeout."""
    add_db_argument(parser)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE, metavar="DOSSIER",
                        help=f"dossier de l'archive des fichiers bruts (défaut {DEFAULT_ARCHIVE})")
    parser.add_argument("--lock-timeout", type=float, default=DEFAULT_LOCK_TIMEOUT, metavar="SECONDES",
                        help="attente maximale d'une base DuckDB verrouillée par un autre processus "
                             f"(défaut {DEFAULT_LOCK_TIMEOUT:g} s)")


def shown_url(text: str) -> str:
    """The URL as given, its password hidden."""
    return re.sub(r"(://[^/:@]*:)[^@/]*@", r"\1***@", text)


def checked_url(text: str | None, existing: bool = False):
    """The SQLAlchemy URL of ``--db`` (default :data:`DEFAULT_DB`), its database checked as usable.

    ``existing``: the DuckDB file must already exist (a command that reads a store it did not fill).
    """
    import sqlalchemy as sa

    from pipeline.store import normalize_url

    text = text or DEFAULT_DB
    argument = f"--db {shown_url(text)}"
    try:
        url = normalize_url(text)
    except sa.exc.ArgumentError:
        raise UsageError(argument, "URL de base illisible (duckdb:///CHEMIN ou postgresql://… attendu)") from None
    except ValueError as err:
        raise UsageError(argument, str(err)) from None
    if url.get_backend_name() == "duckdb":
        _check_duckdb_path(url.database, argument, existing)
    else:
        _check_reachable(url, argument)
    return url


def _check_duckdb_path(database: str | None, argument: str, existing: bool) -> None:
    from dsn_parser.sniff import os_reason

    if not database or database == ":memory:":
        return
    path = Path(database)
    if path.is_dir():
        raise UsageError(argument, f"{path} est un dossier, pas un fichier de base DuckDB")
    if existing and not path.is_file():
        raise UsageError(argument, f"base DuckDB introuvable : {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(argument, f"dossier de la base impossible à créer ({path.parent}) : {os_reason(err)}") \
            from err
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise UsageError(argument, f"{target} n'est pas accessible en écriture")


def _check_reachable(url, argument: str) -> None:
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    engine = sa.create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT})
    try:
        with engine.connect():
            pass
    except sa.exc.DBAPIError as err:
        where = f"{url.host or 'localhost'}:{url.port or 5432}"
        raise UsageError(argument, f"base PostgreSQL {where} injoignable : {_pg_reason(err)}") from err
    finally:
        engine.dispose()


def _pg_reason(err) -> str:
    text = " ".join(str(err.orig).split())
    for pattern, reason in _PG_REASONS:
        match = re.search(pattern, text, re.I)
        if match:
            return match.expand(reason)
    return f"connexion impossible ({text[:200]})"


def check_archive(path: Path) -> None:
    """The archive folder of ``--archive``, created when missing; a usage error when it cannot be."""
    from dsn_parser.sniff import os_reason

    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"--archive {path}", f"dossier impossible à créer : {os_reason(err)}") from err
    if not os.access(path, os.W_OK):
        raise UsageError(f"--archive {path}", "dossier non accessible en écriture")


def open_store(args):
    """The engine of ``--db`` for writing, checked (see :func:`checked_url`), waiting ``--lock-timeout``
    seconds for a DuckDB file locked by another process and saying so once on stderr when it starts waiting."""
    from pipeline.store import make_engine

    url = checked_url(args.db)
    engine = make_engine(url, busy_timeout=args.lock_timeout)
    if url.get_backend_name() == "duckdb":
        _announce_lock_waits(engine, url.database, args.lock_timeout)
    return engine


def _announce_lock_waits(engine, database: str, timeout: float) -> None:
    """Say once on stderr, at the first attempt that finds the file locked, that the store waits and how long.

    The store's waiting connect (``pipeline.store.engine``) retries ``dialect.connect``; this engine's dialect
    gets a connect that reports the first lock error before the retries go on.
    """
    connect, announced = engine.dialect.connect, []

    def connect_reporting_lock(*args, **kwargs):
        try:
            return connect(*args, **kwargs)
        except Exception as err:  # duckdb.IOException, wrapped differently across versions
            if "lock" in str(err).lower() and not announced:
                announced.append(True)
                print(f"base DuckDB {database} verrouillée par un autre processus : attente jusqu'à {timeout:g} s",
                      file=sys.stderr, flush=True)
            raise
    engine.dialect.connect = connect_reporting_lock
