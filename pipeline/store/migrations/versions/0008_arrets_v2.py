"""Arrêts: other gross income (block S21.G00.54 stored), the affiliations of each arrêt on its start, salary
line amounts in DECIMAL(18,3).

Tables declared in pipeline/store/schema.py (``autre_element_brut``, a block table as in 0001) and
pipeline/store/schema_arrets.py (``arret_affiliations``); indexes and the foreign keys of bulk-loaded tables on
PostgreSQL only. Submissions stored before this revision have no S21.G00.54 rows.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


SCHEMA_VERSION = "0008"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('autre_element_brut',
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('declaration_id', sa.String(length=36), nullable=False),
    sa.Column('instance_id', sa.BigInteger(), nullable=False),
    sa.Column('parent_id', sa.BigInteger(), nullable=False),
    sa.Column('versement_individu_id', sa.BigInteger(), nullable=True),
    sa.Column('individu_id', sa.BigInteger(), nullable=True),
    sa.Column('etablissement_id', sa.BigInteger(), nullable=True),
    sa.Column('entreprise_id', sa.BigInteger(), nullable=True),
    sa.Column('line', sa.BigInteger(), nullable=False),
    sa.Column('line_end', sa.BigInteger(), nullable=False),
    sa.Column('s21_g00_54_001', sa.String(), nullable=True),
    sa.Column('s21_g00_54_002', sa.Numeric(precision=21, scale=3), nullable=True),
    sa.Column('s21_g00_54_003', sa.Date(), nullable=True),
    sa.Column('s21_g00_54_004', sa.Date(), nullable=True),
    sa.Column('s21_g00_54_005', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id']).ddl_if(dialect="postgresql"),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id']).ddl_if(dialect="postgresql")
    )
    op.create_table('arret_affiliations',
    sa.Column('arret_id', sa.String(length=32), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('contract_reference', sa.String(), nullable=True),
    sa.Column('organisme', sa.String(), nullable=True),
    sa.Column('option', sa.String(), nullable=True),
    sa.Column('population', sa.String(), nullable=True)
    )
    with op.batch_alter_table('arret_salary') as table:
        table.alter_column('amount', type_=sa.Numeric(precision=18, scale=3),
                           existing_type=sa.Numeric(precision=21, scale=3), existing_nullable=True)
    if _postgresql():
        op.create_index('ix_autre_element_brut_declaration', 'autre_element_brut', ['declaration_id'], unique=False)
        op.create_index('ix_arret_affiliations_arret', 'arret_affiliations', ['arret_id'], unique=False)
    version = sa.table("schema_version", sa.column("version"), sa.column("applied_at"), sa.column("description"))
    op.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=sa.func.now(),
                                       description="arrêts: other gross income and what the queries need"))


def downgrade() -> None:
    """Downgrade schema."""
    version = sa.table("schema_version", sa.column("version"))
    op.execute(version.delete().where(version.c.version == SCHEMA_VERSION))
    with op.batch_alter_table('arret_salary') as table:
        table.alter_column('amount', type_=sa.Numeric(precision=21, scale=3),
                           existing_type=sa.Numeric(precision=18, scale=3), existing_nullable=True)
    op.drop_table('arret_affiliations')
    op.drop_table('autre_element_brut')
