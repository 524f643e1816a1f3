"""The key table of the personal data kept encrypted at rest (:mod:`pipeline.store.personal`), on the store's one
metadata (imported by :mod:`pipeline.store.schema`).

``personal_keys``: one row, ``lookup``: the key of the keyed hash that identity lookups use, wrapped (AES-GCM) by
the master key whose fingerprint is ``master_id``; written at the store's first encrypted write, re-wrapped by
``dsn key rotate``.
"""
from __future__ import annotations

import sqlalchemy as sa

from .schema import metadata

personal_keys = sa.Table(
    "personal_keys", metadata,
    sa.Column("name", sa.String(16), primary_key=True),
    sa.Column("master_id", sa.String(32), nullable=False),
    sa.Column("wrapped", sa.String(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("rotated_at", sa.DateTime()),
)
