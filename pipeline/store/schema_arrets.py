"""Tables of the sick-leave arrêts (pipeline.products.arrets), on the store's one metadata (imported by :mod:`pipeline.store.schema`).

``arrets``: one row per (employee, last day worked, motif) from the current declarations, rebuilt by the
product's recompute with ``arret_affiliations`` and ``arret_salary`` (what showing one arrêt reads);
``arret_anomalies``: its cross-declaration checks (the anomaly columns of the validator); ``arret_drafts`` and
``arret_draft_changes``: the portal users' drafts and their change log (never touched by a recompute, keyed by
the stable arrêt id).
"""
from __future__ import annotations

import sqlalchemy as sa

from .schema import ANOMALY_COLUMN_NAMES, ID, metadata

AMOUNT = sa.Numeric(21, 3)
LINE_AMOUNT = sa.Numeric(18, 3)  # 64-bit on DuckDB: a DECIMAL(21,3) (128-bit) is several times slower to read
ARRET_ID = sa.String(32)

arrets = sa.Table(
    "arrets", metadata,
    sa.Column("arret_id", ARRET_ID, primary_key=True),
    sa.Column("siren", sa.String(9), nullable=False),
    sa.Column("siret", sa.String(14)),
    sa.Column("employee_id", ID, nullable=False),
    sa.Column("matricule", sa.String()),
    sa.Column("nir", sa.String()),
    sa.Column("nom", sa.String()),
    sa.Column("prenoms", sa.String()),
    sa.Column("birth_date", sa.String(8)),  # S21.G00.30.006 as declared (JJMMAAAA)
    sa.Column("contract_number", sa.String()),
    sa.Column("contract_start", sa.Date()),
    sa.Column("statut_conventionnel", sa.String(2)),
    sa.Column("statut_categoriel", sa.String(2)),
    sa.Column("contract_nature", sa.String(2)),
    sa.Column("quotite_reference", AMOUNT),
    sa.Column("quotite", AMOUNT),
    sa.Column("motif", sa.String(2), nullable=False),
    sa.Column("last_day_worked", sa.Date(), nullable=False),
    sa.Column("start", sa.Date(), nullable=False),
    sa.Column("planned_end", sa.Date()),
    sa.Column("accident_date", sa.Date()),
    sa.Column("subrogation", sa.String(2)),
    sa.Column("subrogation_start", sa.Date()),
    sa.Column("subrogation_end", sa.Date()),
    sa.Column("iban", sa.String()),
    sa.Column("bic", sa.String()),
    sa.Column("reprise_date", sa.Date()),
    sa.Column("reprise_motif", sa.String(2)),
    sa.Column("reprise_nature", sa.String(2)),
    sa.Column("signalement", sa.Boolean(), nullable=False),
    sa.Column("last_month", sa.Date()),
    sa.Column("declared_in", sa.String(), nullable=False),
    sa.Column("last_file", sa.String(), nullable=False),
    sa.Column("submissions", sa.String(), nullable=False),
    sa.Index("ix_arrets_siren", "siren", "start").ddl_if(dialect="postgresql"),
    sa.Index("ix_arrets_employee", "employee_id").ddl_if(dialect="postgresql"),
)

# The affiliations (S21.G00.70 with its S21.G00.15) of each arrêt's employee on the arrêt start, from the latest
# current mensuelle of the start's month or before.
arret_affiliations = sa.Table(
    "arret_affiliations", metadata,
    sa.Column("arret_id", ARRET_ID, nullable=False),
    sa.Column("siren", sa.String(9), nullable=False),
    sa.Column("contract_reference", sa.String()),
    sa.Column("organisme", sa.String()),
    sa.Column("option", sa.String()),
    sa.Column("population", sa.String()),
    sa.Index("ix_arret_affiliations_arret", "arret_id").ddl_if(dialect="postgresql"),
)

arret_anomalies = sa.Table(
    "arret_anomalies", metadata,
    sa.Column("arret_id", ARRET_ID, nullable=False),
    sa.Column("siren", sa.String(9), nullable=False),
    *(sa.Column(name, sa.BigInteger() if name == "line" else sa.String()) for name in ANOMALY_COLUMN_NAMES),
    sa.Index("ix_arret_anomalies_siren", "siren").ddl_if(dialect="postgresql"),
)

arret_drafts = sa.Table(
    "arret_drafts", metadata,
    sa.Column("arret_id", ARRET_ID, primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_by", sa.String(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
    sa.Column("sources", sa.String(), nullable=False),  # month=submission of each salary line when saved
)

arret_draft_changes = sa.Table(
    "arret_draft_changes", metadata,
    sa.Column("arret_id", ARRET_ID, nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("user_name", sa.String(), nullable=False),
    sa.Column("target", sa.String(), nullable=False),
    sa.Column("old_value", sa.String()),
    sa.Column("new_value", sa.String()),
    sa.PrimaryKeyConstraint("arret_id", "seq"),
)

# The salary history of each arrêt in long form: per month of the 12 before the arrêt's month that has a current
# mensuelle, one ``source`` row (its submission and file), its ``net_taxable`` and ``net_paid``, one ``gross``
# row per S21.G00.51.011 type, one ``prime`` row per S21.G00.52, one ``other_income`` row per S21.G00.54, one
# ``composant`` row per insurer contract × S21.G00.79.001 type of the bases 31.
arret_salary = sa.Table(
    "arret_salary", metadata,
    sa.Column("arret_id", ARRET_ID, nullable=False),
    sa.Column("siren", sa.String(9), nullable=False),
    sa.Column("month", sa.Date(), nullable=False),
    sa.Column("submission_id", ID, nullable=False),
    sa.Column("filename", sa.String(), nullable=False),
    sa.Column("item", sa.String(12), nullable=False),
    sa.Column("code", sa.String()),
    sa.Column("contract", sa.String()),
    sa.Column("amount", LINE_AMOUNT),
    sa.Column("period_start", sa.Date()),
    sa.Column("period_end", sa.Date()),
    sa.Column("line", sa.BigInteger()),
    sa.Index("ix_arret_salary_arret", "arret_id").ddl_if(dialect="postgresql"),
    sa.Index("ix_arret_salary_siren", "siren").ddl_if(dialect="postgresql"),
)
