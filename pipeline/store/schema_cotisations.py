"""Tables of the contribution account (pipeline.products.cotisations), on the store's one metadata (imported by :mod:`pipeline.store.schema`).

``cotisation_months``: per SIREN × contract (S21.G00.15.001) × declared month, the period (S21.G00.55.004 code) the
month belongs to, the declared amount (Σ 81.004 of code 059 linked to the contract), the due amount (referential
rates × composant bases + flat amounts), the number of 059 lines and of affiliations.
``cotisation_periods``: per SIREN × contract (S21.G00.55.003) × period (S21.G00.55.004), the allocated amount
(Σ 55.001) and the paid amount (S21.G00.20.005 apportioned by composants). Both from current declarations.
"""
from __future__ import annotations

import sqlalchemy as sa

from .schema import metadata

AMOUNT = sa.Numeric(21, 2)

cotisation_months = sa.Table(
    "cotisation_months", metadata,
    sa.Column("siren", sa.String(9), primary_key=True),
    sa.Column("contract", sa.String(), primary_key=True),
    sa.Column("month", sa.Date(), primary_key=True),
    sa.Column("organisme", sa.String()),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("declared", AMOUNT, nullable=False),
    sa.Column("due", AMOUNT, nullable=False),
    sa.Column("lines", sa.Integer(), nullable=False),
    sa.Column("heads", sa.Integer(), nullable=False),
)

cotisation_periods = sa.Table(
    "cotisation_periods", metadata,
    sa.Column("siren", sa.String(9), primary_key=True),
    sa.Column("contract", sa.String(), primary_key=True),
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("organisme", sa.String()),
    sa.Column("allocated", AMOUNT, nullable=False),
    sa.Column("paid", AMOUNT, nullable=False),
)
