"""Alembic migrations of the store, run from code: :func:`migrate` upgrades a database to the newest revision.

The environment (``env.py``) uses the metadata of :mod:`pipeline.store.schema`; each revision records its
schema version in the ``schema_version`` table. No ``alembic.ini`` is needed.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from ..engine import make_engine

SCRIPT_LOCATION = Path(__file__).resolve().parent


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
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision a database is at (None when never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()
