"""Stored contract referentials (``referentials``), and the store product tables of the sick-leave arrêts
(pipeline.products.arrets).

Tables declared in pipeline/store/schema.py (referentials) and pipeline/store/schema_arrets.py (indexes and the foreign keys of bulk-loaded tables on
PostgreSQL only, as in 0001).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


SCHEMA_VERSION = "0003"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('referentials',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('filename', sa.String(), nullable=False),
    sa.Column('form', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.Column('sirens', sa.String(), nullable=True),
    sa.Column('sheets', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.CheckConstraint("form IN ('xml', 'yaml')", name='ck_referentials_form'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    op.create_table('arret_anomalies',
    sa.Column('arret_id', sa.String(length=32), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
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
    sa.Column('lines', sa.String(), nullable=True)
    )
    op.create_table('arret_draft_changes',
    sa.Column('arret_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_name', sa.String(), nullable=False),
    sa.Column('target', sa.String(), nullable=False),
    sa.Column('old_value', sa.String(), nullable=True),
    sa.Column('new_value', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('arret_id', 'seq')
    )
    op.create_table('arret_drafts',
    sa.Column('arret_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('sources', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('arret_id')
    )
    op.create_table('arret_salary',
    sa.Column('arret_id', sa.String(length=32), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('filename', sa.String(), nullable=False),
    sa.Column('item', sa.String(length=12), nullable=False),
    sa.Column('code', sa.String(), nullable=True),
    sa.Column('contract', sa.String(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=21, scale=3), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('line', sa.BigInteger(), nullable=True)
    )
    op.create_table('arrets',
    sa.Column('arret_id', sa.String(length=32), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=True),
    sa.Column('employee_id', sa.String(length=36), nullable=False),
    sa.Column('matricule', sa.String(), nullable=True),
    sa.Column('nir', sa.String(), nullable=True),
    sa.Column('nom', sa.String(), nullable=True),
    sa.Column('prenoms', sa.String(), nullable=True),
    sa.Column('birth_date', sa.String(length=8), nullable=True),
    sa.Column('contract_number', sa.String(), nullable=True),
    sa.Column('contract_start', sa.Date(), nullable=True),
    sa.Column('statut_conventionnel', sa.String(length=2), nullable=True),
    sa.Column('statut_categoriel', sa.String(length=2), nullable=True),
    sa.Column('contract_nature', sa.String(length=2), nullable=True),
    sa.Column('quotite_reference', sa.Numeric(precision=21, scale=3), nullable=True),
    sa.Column('quotite', sa.Numeric(precision=21, scale=3), nullable=True),
    sa.Column('motif', sa.String(length=2), nullable=False),
    sa.Column('last_day_worked', sa.Date(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('accident_date', sa.Date(), nullable=True),
    sa.Column('subrogation', sa.String(length=2), nullable=True),
    sa.Column('subrogation_start', sa.Date(), nullable=True),
    sa.Column('subrogation_end', sa.Date(), nullable=True),
    sa.Column('iban', sa.String(), nullable=True),
    sa.Column('bic', sa.String(), nullable=True),
    sa.Column('reprise_date', sa.Date(), nullable=True),
    sa.Column('reprise_motif', sa.String(length=2), nullable=True),
    sa.Column('reprise_nature', sa.String(length=2), nullable=True),
    sa.Column('signalement', sa.Boolean(), nullable=False),
    sa.Column('last_month', sa.Date(), nullable=True),
    sa.Column('declared_in', sa.String(), nullable=False),
    sa.Column('last_file', sa.String(), nullable=False),
    sa.Column('submissions', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('arret_id')
    )
    if _postgresql():
        op.create_index('ix_arret_anomalies_siren', 'arret_anomalies', ['siren'], unique=False)
        op.create_index('ix_arret_salary_arret', 'arret_salary', ['arret_id'], unique=False)
        op.create_index('ix_arret_salary_siren', 'arret_salary', ['siren'], unique=False)
        op.create_index('ix_arrets_employee', 'arrets', ['employee_id'], unique=False)
        op.create_index('ix_arrets_siren', 'arrets', ['siren', 'start'], unique=False)
    version = sa.table("schema_version", sa.column("version"), sa.column("applied_at"), sa.column("description"))
    op.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=sa.func.now(),
                                       description="referentials, sick-leave arrêts"))


def downgrade() -> None:
    """Downgrade schema."""
    version = sa.table("schema_version", sa.column("version"))
    op.execute(version.delete().where(version.c.version == SCHEMA_VERSION))
    if _postgresql():
        op.drop_index('ix_arrets_siren', table_name='arrets')
        op.drop_index('ix_arrets_employee', table_name='arrets')
        op.drop_index('ix_arret_salary_siren', table_name='arret_salary')
        op.drop_index('ix_arret_salary_arret', table_name='arret_salary')
        op.drop_index('ix_arret_anomalies_siren', table_name='arret_anomalies')
    op.drop_table('arrets')
    op.drop_table('arret_salary')
    op.drop_table('arret_drafts')
    op.drop_table('arret_draft_changes')
    op.drop_table('arret_anomalies')
    op.drop_table('referentials')
