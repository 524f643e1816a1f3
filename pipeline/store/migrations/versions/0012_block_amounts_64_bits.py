"""Block amounts in DECIMAL(18, 3): every norm amount fits (at most 15 integer digits) and DuckDB reads 64-bit
decimals about 100 times faster than DECIMAL(21, 3). A stored value beyond 15 integer digits (a format error of
its file) becomes null, as the bulk load now writes it. The read-model views, which depend on these columns on
PostgreSQL, are dropped and created again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


SCHEMA_VERSION = "0012"


def _amount_columns(old: tuple[int, int]) -> dict[str, list[str]]:
    """Block table → its rubrique columns of type DECIMAL(``old``), as the database has them."""
    from pipeline.store.schema import BLOCK_TABLES

    tables = sorted(t.name for t in BLOCK_TABLES.values())
    rows = op.get_bind().execute(sa.text(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name IN :tables "
        "AND column_name LIKE 's%' AND numeric_precision = :precision AND numeric_scale = :scale "
        "ORDER BY table_name, ordinal_position").bindparams(sa.bindparam("tables", expanding=True)),
        {"tables": tables, "precision": old[0], "scale": old[1]})
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def _retype(old: tuple[int, int], new: tuple[int, int]) -> None:
    from pipeline.store.read_model import create_statements, drop_statements

    dialect = op.get_bind().dialect.name
    for statement in drop_statements(dialect):
        op.execute(statement)
    limit = 10 ** (new[0] - new[1])
    for table, columns in _amount_columns(old).items():
        clauses = [f'ALTER COLUMN "{c}" TYPE DECIMAL({new[0]}, {new[1]}) '
                   f'USING CASE WHEN abs("{c}") < {limit} THEN "{c}" END' for c in columns]
        if dialect == "postgresql":  # one rewrite of the table
            op.execute(f'ALTER TABLE "{table}" ' + ", ".join(clauses))
        else:
            for clause in clauses:
                op.execute(f'ALTER TABLE "{table}" {clause}')
    for statement in create_statements(dialect):
        op.execute(statement)


def upgrade() -> None:
    """Upgrade schema."""
    _retype((21, 3), (18, 3))
    version = sa.table("schema_version", sa.column("version"), sa.column("applied_at"), sa.column("description"))
    op.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=sa.func.now(),
                                       description="block amounts in DECIMAL(18, 3)"))


def downgrade() -> None:
    """Downgrade schema."""
    version = sa.table("schema_version", sa.column("version"))
    op.execute(version.delete().where(version.c.version == SCHEMA_VERSION))
    _retype((18, 3), (21, 3))
