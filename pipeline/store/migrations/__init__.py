"""Alembic migrations of the store, run from code: :func:`migrate` upgrades a database to the newest revision.

The environment (``env.py``) uses the metadata of :mod:`pipeline.store.schema`; each revision records its
schema version in the ``schema_version`` table. No ``alembic.ini`` is needed.

Processes starting together on a new PostgreSQL database would each create ``alembic_version`` and all but
one would fail; the upgrade therefore runs under a transaction-level advisory lock, so the others wait, then
find the schema at its revision. A DuckDB file has one writer process at a time anyway.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..engine import make_engine
from ..schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = Path(__file__).resolve().parent
MIGRATION_LOCK = 0x44534E_4D4947  # pg_advisory_xact_lock key of the store's migrations ("DSN", "MIG")
# The newest revision's id: each revision is named after the schema version it records (tests check the newest
# one is this), so that a store already there is recognised without importing Alembic.
HEAD_REVISION = SCHEMA_VERSION
VERSION_TABLE = "alembic_version"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at these migrations (and at ``url`` when given)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url is not None:
        config.set_main_option("sqlalchemy.url", str(url).replace("%", "%%"))
    return config


def migrate(url: str | sa.Engine, revision: str = "head") -> None:
    """Upgrade the store at ``url`` (or behind an engine) to ``revision`` (the newest by default). A store already
    at the newest revision is left as it is without importing Alembic."""
    engine = url if isinstance(url, sa.Engine) else make_engine(url)
    if revision == "head":
        with engine.connect() as connection:
            if current_revision(connection) == HEAD_REVISION:
                return
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # held until this transaction commits the upgrade
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision a database is at (None when never migrated), read from its version table as
    Alembic's ``MigrationContext.get_current_revision`` does (one head), without importing Alembic."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    table = sa.table(VERSION_TABLE, sa.column("version_num"))
    rows = connection.execute(sa.select(table.c.version_num)).scalars().all()
    if len(rows) > 1:
        raise RuntimeError(f"la base a plusieurs révisions de schéma : {', '.join(sorted(rows))}")
    return rows[0] if rows else None
