"""Alembic environment of the store: the same metadata as the code, on DuckDB or PostgreSQL."""
from __future__ import annotations

from alembic import context

import duckdb_sqlalchemy.alembic_impl  # noqa: F401  (Alembic implementation of the DuckDB dialect)
from pipeline.store.engine import make_engine
from pipeline.store.schema import metadata

config = context.config


def _configure_and_run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Emit the SQL instead of running it (``alembic upgrade --sql``)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run on the connection given by :func:`pipeline.store.migrate`, or on a new one to ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    with make_engine(config.get_main_option("sqlalchemy.url")).begin() as connection:
        _configure_and_run(connection)


if context.is_offline_mode():
    run_offline()
else:
    run_online()
