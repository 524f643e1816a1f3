"""Store product tables: portal users, habilitations, tokens and audit log (the HTTP API).

Tables declared in pipeline/store/schema_portal.py (indexes and the foreign keys of bulk-loaded tables on
PostgreSQL only, as in 0001).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


SCHEMA_VERSION = "0006"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('portal_audit',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=36), nullable=True),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=True),
    sa.Column('target', sa.String(), nullable=True),
    sa.Column('detail', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('portal_users',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('email', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('password_hash', sa.String(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'user', 'tiers', 'operator')", name='ck_portal_users_role'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('portal_activations',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['portal_users.id']).ddl_if(dialect="postgresql"),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_table('portal_habilitations',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    sa.Column('access', sa.String(length=5), nullable=False),
    sa.Column('granted_by', sa.String(length=36), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("access IN ('read', 'write')", name='ck_portal_habilitations_access'),
    sa.CheckConstraint("domain IN ('affiliation', 'cotisation', 'arret_travail', 'dsn')",
                       name='ck_portal_habilitations_domain'),
    sa.ForeignKeyConstraint(['user_id'], ['portal_users.id']).ddl_if(dialect="postgresql"),
    sa.PrimaryKeyConstraint('user_id', 'siren', 'domain')
    )
    op.create_table('portal_portfolios',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('changed_by', sa.String(length=36), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('granted', 'requested')", name='ck_portal_portfolios_state'),
    sa.ForeignKeyConstraint(['user_id'], ['portal_users.id']).ddl_if(dialect="postgresql"),
    sa.PrimaryKeyConstraint('user_id', 'siren')
    )
    op.create_table('portal_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['portal_users.id']).ddl_if(dialect="postgresql"),
    sa.PrimaryKeyConstraint('token_hash')
    )
    if _postgresql():
        op.create_index('ix_portal_audit_siren', 'portal_audit', ['siren', 'at'], unique=False)
        op.create_index('ix_portal_portfolios_siren', 'portal_portfolios', ['siren'], unique=False)
        op.create_index('ix_portal_tokens_user', 'portal_tokens', ['user_id'], unique=False)
    version = sa.table("schema_version", sa.column("version"), sa.column("applied_at"), sa.column("description"))
    op.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=sa.func.now(),
                                       description="portal users, habilitations, tokens and audit log (the HTTP API)"))


def downgrade() -> None:
    """Downgrade schema."""
    version = sa.table("schema_version", sa.column("version"))
    op.execute(version.delete().where(version.c.version == SCHEMA_VERSION))
    if _postgresql():
        op.drop_index('ix_portal_tokens_user', table_name='portal_tokens')
        op.drop_index('ix_portal_portfolios_siren', table_name='portal_portfolios')
        op.drop_index('ix_portal_audit_siren', table_name='portal_audit')
    for table in ('portal_tokens', 'portal_portfolios', 'portal_habilitations', 'portal_activations',
                  'portal_users', 'portal_audit'):
        op.drop_table(table)
