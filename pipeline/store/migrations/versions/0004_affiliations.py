"""Store product tables: affiliation register (pipeline.products.affiliations).

Tables declared in pipeline/store/schema_affiliations.py (indexes and the foreign keys of bulk-loaded tables on
PostgreSQL only, as in 0001).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


SCHEMA_VERSION = "0004"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('affiliation_months',
    sa.Column('declaration_id', sa.String(length=36), nullable=False),
    sa.Column('affiliation_instance', sa.BigInteger(), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('nic', sa.String(length=5), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('employee_id', sa.String(length=36), nullable=False),
    sa.Column('matricule', sa.String(), nullable=True),
    sa.Column('last_name', sa.String(), nullable=True),
    sa.Column('first_names', sa.String(), nullable=True),
    sa.Column('contract', sa.String(), nullable=True),
    sa.Column('organisme', sa.String(), nullable=True),
    sa.Column('delegataire', sa.String(), nullable=True),
    sa.Column('affiliation_ref', sa.String(), nullable=True),
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
    sa.Column('statut', sa.String(), nullable=True),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('exit_motif', sa.String(), nullable=True),
    sa.Column('portability', sa.String(), nullable=True),
    )
    op.create_table('affiliation_dependants',
    sa.Column('declaration_id', sa.String(length=36), nullable=False),
    sa.Column('affiliation_instance', sa.BigInteger(), nullable=False),
    sa.Column('dependant_instance', sa.BigInteger(), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('employee_id', sa.String(length=36), nullable=False),
    sa.Column('contract', sa.String(), nullable=True),
    sa.Column('kind', sa.String(), nullable=True),
    sa.Column('last_name', sa.String(), nullable=True),
    sa.Column('first_names', sa.String(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('nir', sa.String(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    )
    op.create_table('affiliation_anomalies',
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('employee_id', sa.String(length=36), nullable=True),
    sa.Column('contract', sa.String(), nullable=True),
    sa.Column('declaration_id', sa.String(length=36), nullable=True),
    sa.Column('code', sa.String(), nullable=True),
    sa.Column('family', sa.String(), nullable=True),
    sa.Column('severity', sa.String(), nullable=True),
    sa.Column('message', sa.String(), nullable=True),
    sa.Column('file', sa.String(), nullable=True),
    sa.Column('line', sa.BigInteger(), nullable=True),
    sa.Column('rubrique', sa.String(), nullable=True),
    sa.Column('block_path', sa.String(), nullable=True),
    sa.Column('employee', sa.String(), nullable=True),
    sa.Column('value', sa.String(), nullable=True),
    sa.Column('lines', sa.String(), nullable=True),
    )
    if _postgresql():
        op.create_index('ix_affiliation_months_siren', 'affiliation_months', ['siren', 'month'], unique=False)
        op.create_index('ix_affiliation_dependants_siren', 'affiliation_dependants', ['siren', 'month'], unique=False)
        op.create_index('ix_affiliation_anomalies_siren', 'affiliation_anomalies', ['siren', 'month'], unique=False)
    version = sa.table("schema_version", sa.column("version"), sa.column("applied_at"), sa.column("description"))
    op.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=sa.func.now(),
                                       description="affiliation register (pipeline.products.affiliations)"))


def downgrade() -> None:
    """Downgrade schema."""
    version = sa.table("schema_version", sa.column("version"))
    op.execute(version.delete().where(version.c.version == SCHEMA_VERSION))
    op.drop_table('affiliation_anomalies')
    op.drop_table('affiliation_dependants')
    op.drop_table('affiliation_months')
