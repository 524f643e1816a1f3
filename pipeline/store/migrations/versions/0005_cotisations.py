"""Store product tables: contribution account (pipeline.products.cotisations).

Tables declared in pipeline/store/schema_cotisations.py (indexes and the foreign keys of bulk-loaded tables on
PostgreSQL only, as in 0001).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


SCHEMA_VERSION = "0005"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('cotisation_months',
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('contract', sa.String(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('organisme', sa.String(), nullable=True),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('declared', sa.Numeric(precision=21, scale=2), nullable=False),
    sa.Column('due', sa.Numeric(precision=21, scale=2), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('heads', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('siren', 'contract', 'month')
    )
    op.create_table('cotisation_periods',
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('contract', sa.String(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('organisme', sa.String(), nullable=True),
    sa.Column('allocated', sa.Numeric(precision=21, scale=2), nullable=False),
    sa.Column('paid', sa.Numeric(precision=21, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('siren', 'contract', 'period')
    )
    version = sa.table("schema_version", sa.column("version"), sa.column("applied_at"), sa.column("description"))
    op.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=sa.func.now(),
                                       description="contribution account (pipeline.products.cotisations)"))


def downgrade() -> None:
    """Downgrade schema."""
    version = sa.table("schema_version", sa.column("version"))
    op.execute(version.delete().where(version.c.version == SCHEMA_VERSION))
    op.drop_table('cotisation_periods')
    op.drop_table('cotisation_months')
