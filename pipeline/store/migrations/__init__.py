"""Alembic migrations of the store, run from code: :func:`migrate` upgrades a database to the newest revision.

The environment (``env.py``) uses the metadata of :mod:`pipeline.store.schema`; each revision records its
schema version in the ``schema_version`` table. No ``alembic.ini`` is needed.

Processes starting together on a new PostgreSQL database would each create ``alembic_version`` and all but
one would fail; the upgrade therefore runs under a transaction-level advisory lock, so the others wait, then
find the schema at its revision. A DuckDB file has one writer process at a time anyway.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from ..engine import make_engine

SCRIPT_LOCATION = Path(__file__).resolve().parent
MIGRATION_LOCK = 0x44534E_4D4947  # pg_advisory_xact_lock key of the store's migrations ("DSN", "MIG")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at these migrations (and at ``url`` when given)."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url is not None:
        config.set_main_option("sqlalchemy.url", str(url).replace("%", "%%"))
    return config


def migrate(url: str | sa.Engine, revision: str = "head") -> None:
    """Upgrade the store at ``url`` (or behind an engine) to ``revision`` (the newest by default)."""
    engine = url if isinstance(url, sa.Engine) else make_engine(url)
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # held until this transaction commits the upgrade
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision a database is at (None when never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()
