"""Read model: views over the block tables (pipeline.store.read_model), current declarations only, readable
column names, personal columns in a separate PostgreSQL view set granted to a role.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


SCHEMA_VERSION = "0010"


def upgrade() -> None:
    """Upgrade schema."""
    from pipeline.store.read_model import create_statements

    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)
    version = sa.table("schema_version", sa.column("version"), sa.column("applied_at"), sa.column("description"))
    op.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=sa.func.now(),
                                       description="read model: views over the block tables"))


def downgrade() -> None:
    """Downgrade schema."""
    from pipeline.store.read_model import drop_statements

    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    version = sa.table("schema_version", sa.column("version"))
    op.execute(version.delete().where(version.c.version == SCHEMA_VERSION))
