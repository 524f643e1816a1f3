"""Affiliation register: what recompute and queries need.

``affiliation_months`` gains the affiliation's 059 of the month (S21.G00.81.004, .007) and its adhésion id
(S21.G00.70.013); ``affiliation_states``
holds the register per employee × contract × month declared (pipeline/store/schema_affiliations.py; indexes
on PostgreSQL only, as in 0001).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


SCHEMA_VERSION = "0007"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('affiliation_months', sa.Column('contribution', sa.Numeric(precision=21, scale=2), nullable=True))
    op.add_column('affiliation_months', sa.Column('contribution_rate', sa.Numeric(precision=16, scale=6),
                                                  nullable=True))
    op.add_column('affiliation_months', sa.Column('adhesion_id', sa.String(), nullable=True))
    op.create_table('affiliation_states',
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('employee_id', sa.String(length=36), nullable=False),
    sa.Column('contract', sa.String(), nullable=True),
    sa.Column('organisme', sa.String(), nullable=True),
    sa.Column('delegataire', sa.String(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('previous_month', sa.Date(), nullable=True),
    sa.Column('previous_option', sa.String(), nullable=True),
    sa.Column('previous_population', sa.String(), nullable=True),
    sa.Column('previous_declaration_id', sa.String(length=36), nullable=True),
    sa.Column('previous_instance', sa.BigInteger(), nullable=True),
    sa.Column('previous_closed', sa.Boolean(), nullable=True),
    sa.Column('next_month', sa.Date(), nullable=True),
    sa.Column('first_month', sa.Date(), nullable=False),
    sa.Column('spell_start', sa.Date(), nullable=True),
    sa.Column('spell_end', sa.Date(), nullable=True),
    sa.Column('spell_nic', sa.String(length=5), nullable=True),
    sa.Column('spell_contract_start', sa.Date(), nullable=True),
    sa.Column('declaration_id', sa.String(length=36), nullable=False),
    sa.Column('affiliation_instance', sa.BigInteger(), nullable=False),
    sa.Column('matricule', sa.String(), nullable=True),
    sa.Column('last_name', sa.String(), nullable=True),
    sa.Column('option', sa.String(), nullable=True),
    sa.Column('population', sa.String(), nullable=True),
    sa.Column('children', sa.Integer(), nullable=True),
    sa.Column('adults', sa.Integer(), nullable=True),
    sa.Column('beneficiaries', sa.Integer(), nullable=True),
    sa.Column('others', sa.Integer(), nullable=True),
    sa.Column('child_beneficiaries', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('contract_start', sa.Date(), nullable=True),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('exit_motif', sa.String(), nullable=True),
    sa.Column('portability', sa.String(), nullable=True),
    sa.Column('contribution_month', sa.Date(), nullable=True),
    sa.Column('contribution', sa.Numeric(precision=21, scale=2), nullable=True),
    sa.Column('contribution_rate', sa.Numeric(precision=16, scale=6), nullable=True),
    sa.Column('anomalies', sa.String(), nullable=True),
    sa.Column('disappeared_month', sa.Date(), nullable=True),
    sa.Column('back_month', sa.Date(), nullable=True),
    sa.Column('back_start', sa.Date(), nullable=True),
    )
    if _postgresql():
        op.create_index('ix_affiliation_states_siren', 'affiliation_states', ['siren', 'month'], unique=False)
        op.create_index('ix_affiliation_states_employee', 'affiliation_states', ['employee_id', 'month'],
                        unique=False)
    version = sa.table("schema_version", sa.column("version"), sa.column("applied_at"), sa.column("description"))
    op.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=sa.func.now(),
                                       description="affiliation register: what recompute and queries need"))


def downgrade() -> None:
    """Downgrade schema."""
    version = sa.table("schema_version", sa.column("version"))
    op.execute(version.delete().where(version.c.version == SCHEMA_VERSION))
    op.drop_table('affiliation_states')
    op.drop_column('affiliation_months', 'adhesion_id')
    op.drop_column('affiliation_months', 'contribution_rate')
    op.drop_column('affiliation_months', 'contribution')
