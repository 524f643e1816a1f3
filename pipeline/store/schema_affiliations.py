"""Tables of the affiliation register (pipeline.products.affiliations), on the store's one metadata (imported by :mod:`pipeline.store.schema`).

- ``affiliation_months``: one row per S21.G00.70 of a current mensuelle, with its adhésion (S21.G00.15 linked by
  70.013 = 15.005 in the establishment), its employee, his employment contract (40.001, 40.003) and the end of
  that contract (62.001, .002, .016) when the month declares one;
- ``affiliation_dependants``: one row per S21.G00.73 under such an affiliation;
- ``affiliation_anomalies``: the register's findings (``DSN-AFF-NN``), typed as :class:`rules.anomaly.Anomaly`;
- ``affiliation_states``: one row per employee × insurer contract (S21.G00.15.001/.002/.003) × month declared,
  the affiliation as it stands after that month (its spell, last values, last declared 059, findings, the month
  after it when it disappears, the return to work after a portabilité), the previous month it was declared
  (``previous_*``: what the movements compare) and the next one (``next_month``): the register of a date is
  the rows with ``month <= date < next_month``, the movements of a month its rows, filtered reads.
"""
from __future__ import annotations

import sqlalchemy as sa

from .schema import ANOMALY_COLUMN_NAMES, ID, metadata

affiliation_months = sa.Table(
    "affiliation_months", metadata,
    sa.Column("declaration_id", ID, nullable=False),
    sa.Column("affiliation_instance", sa.BigInteger(), nullable=False),
    sa.Column("siren", sa.String(9), nullable=False),
    sa.Column("nic", sa.String(5)),
    sa.Column("month", sa.Date(), nullable=False),
    sa.Column("employee_id", ID, nullable=False),
    sa.Column("matricule", sa.String()),
    sa.Column("last_name", sa.String()),
    sa.Column("first_names", sa.String()),
    sa.Column("contract", sa.String()),
    sa.Column("organisme", sa.String()),
    sa.Column("delegataire", sa.String()),
    sa.Column("affiliation_ref", sa.String()),
    sa.Column("option", sa.String()),
    sa.Column("population", sa.String()),
    sa.Column("children", sa.Integer()),
    sa.Column("adults", sa.Integer()),
    sa.Column("beneficiaries", sa.Integer()),
    sa.Column("others", sa.Integer()),
    sa.Column("child_beneficiaries", sa.Integer()),
    sa.Column("start_date", sa.Date()),
    sa.Column("end_date", sa.Date()),
    sa.Column("contract_start", sa.Date()),
    sa.Column("statut", sa.String()),
    sa.Column("exit_date", sa.Date()),
    sa.Column("exit_motif", sa.String()),
    sa.Column("portability", sa.String()),
    sa.Column("contribution", sa.Numeric(21, 2)),
    sa.Column("contribution_rate", sa.Numeric(16, 6)),
    sa.Column("adhesion_id", sa.String()),
    sa.Index("ix_affiliation_months_siren", "siren", "month").ddl_if(dialect="postgresql"),
)

affiliation_dependants = sa.Table(
    "affiliation_dependants", metadata,
    sa.Column("declaration_id", ID, nullable=False),
    sa.Column("affiliation_instance", sa.BigInteger(), nullable=False),
    sa.Column("dependant_instance", sa.BigInteger(), nullable=False),
    sa.Column("siren", sa.String(9), nullable=False),
    sa.Column("month", sa.Date(), nullable=False),
    sa.Column("employee_id", ID, nullable=False),
    sa.Column("contract", sa.String()),
    sa.Column("kind", sa.String()),
    sa.Column("last_name", sa.String()),
    sa.Column("first_names", sa.String()),
    sa.Column("birth_date", sa.Date()),
    sa.Column("nir", sa.String()),
    sa.Column("start_date", sa.Date()),
    sa.Column("end_date", sa.Date()),
    sa.Index("ix_affiliation_dependants_siren", "siren", "month").ddl_if(dialect="postgresql"),
)

affiliation_anomalies = sa.Table(
    "affiliation_anomalies", metadata,
    sa.Column("siren", sa.String(9), nullable=False),
    sa.Column("month", sa.Date(), nullable=False),
    sa.Column("employee_id", ID),
    sa.Column("contract", sa.String()),
    sa.Column("declaration_id", ID),
    *(sa.Column(name, sa.BigInteger() if name == "line" else sa.String()) for name in ANOMALY_COLUMN_NAMES),
    sa.Index("ix_affiliation_anomalies_siren", "siren", "month").ddl_if(dialect="postgresql"),
)

affiliation_states = sa.Table(
    "affiliation_states", metadata,
    sa.Column("siren", sa.String(9), nullable=False),
    sa.Column("employee_id", ID, nullable=False),
    sa.Column("contract", sa.String()),
    sa.Column("organisme", sa.String()),
    sa.Column("delegataire", sa.String()),
    sa.Column("month", sa.Date(), nullable=False),
    sa.Column("previous_month", sa.Date()),
    sa.Column("previous_option", sa.String()),
    sa.Column("previous_population", sa.String()),
    sa.Column("previous_declaration_id", ID),
    sa.Column("previous_instance", sa.BigInteger()),
    sa.Column("previous_closed", sa.Boolean()),
    sa.Column("next_month", sa.Date()),
    sa.Column("first_month", sa.Date(), nullable=False),
    sa.Column("spell_start", sa.Date()),
    sa.Column("spell_end", sa.Date()),
    sa.Column("spell_nic", sa.String(5)),
    sa.Column("spell_contract_start", sa.Date()),
    sa.Column("declaration_id", ID, nullable=False),
    sa.Column("affiliation_instance", sa.BigInteger(), nullable=False),
    sa.Column("matricule", sa.String()),
    sa.Column("last_name", sa.String()),
    sa.Column("option", sa.String()),
    sa.Column("population", sa.String()),
    sa.Column("children", sa.Integer()),
    sa.Column("adults", sa.Integer()),
    sa.Column("beneficiaries", sa.Integer()),
    sa.Column("others", sa.Integer()),
    sa.Column("child_beneficiaries", sa.Integer()),
    sa.Column("start_date", sa.Date()),
    sa.Column("end_date", sa.Date()),
    sa.Column("contract_start", sa.Date()),
    sa.Column("exit_date", sa.Date()),
    sa.Column("exit_motif", sa.String()),
    sa.Column("portability", sa.String()),
    sa.Column("contribution_month", sa.Date()),
    sa.Column("contribution", sa.Numeric(21, 2)),
    sa.Column("contribution_rate", sa.Numeric(16, 6)),
    sa.Column("anomalies", sa.String()),
    sa.Column("disappeared_month", sa.Date()),
    sa.Column("back_month", sa.Date()),
    sa.Column("back_start", sa.Date()),
    sa.Index("ix_affiliation_states_siren", "siren", "month").ddl_if(dialect="postgresql"),
    sa.Index("ix_affiliation_states_employee", "employee_id", "month").ddl_if(dialect="postgresql"),
)
