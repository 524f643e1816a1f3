"""Personal data encrypted at rest: the ``personal_keys`` table (the wrapped key of the identity lookups).

The NIR and IBAN values themselves are encrypted by the code at the store's first encrypted write
(:mod:`pipeline.store.personal`), which needs the master key, not by this revision.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


SCHEMA_VERSION = "0011"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "personal_keys",
        sa.Column("name", sa.String(16), nullable=False),
        sa.Column("master_id", sa.String(32), nullable=False),
        sa.Column("wrapped", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rotated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    version = sa.table("schema_version", sa.column("version"), sa.column("applied_at"), sa.column("description"))
    op.execute(version.insert().values(version=SCHEMA_VERSION, applied_at=sa.func.now(),
                                       description="personal data encrypted at rest"))


def downgrade() -> None:
    """Downgrade schema."""
    version = sa.table("schema_version", sa.column("version"))
    op.execute(version.delete().where(version.c.version == SCHEMA_VERSION))
    op.drop_table("personal_keys")
