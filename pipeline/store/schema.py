"""The store's one SQLAlchemy Core schema, identical on DuckDB and PostgreSQL.

Ids are generated in Python (uuid4 text), never by the database. Block tables hold one row per block
instance of a stored submission, keyed by (submission_id, instance_id); their rubrique columns are the union
of the P22V01, P24V01 and P26V01 catalogs, named after the code (``S21.G00.30.001`` → ``s21_g00_30_001``)
and typed from the catalog, so one schema takes every norm version. Times are naive UTC.
"""
from __future__ import annotations

import sqlalchemy as sa

from dsn_parser.catalog import load_catalog
from dsn_parser.columns import DATE, DECIMAL, INTEGER, table_name, value_kind
from rules.anomaly import ANOMALY_COLUMN_NAMES

SCHEMA_VERSION = "0012"
SCHEMA_NORMS = ("P22V01", "P24V01", "P26V01")
SUBMISSION_STATUSES = ("received", "parsed", "validated", "loaded", "rejected", "duplicate")
DECLARATION_STATES = ("current", "superseded", "cancelled")
DECLARATION = "S20.G00.05"
# Blocks stored in their own table (what the portal needs), in norm order.
STORED_BLOCKS = ("S21.G00.06", "S21.G00.11", "S21.G00.15", "S21.G00.20", "S21.G00.55", "S21.G00.30", "S21.G00.31",
                 "S21.G00.40", "S21.G00.60", "S21.G00.62", "S21.G00.70", "S21.G00.73", "S21.G00.50", "S21.G00.51",
                 "S21.G00.52", "S21.G00.54", "S21.G00.78", "S21.G00.79", "S21.G00.81")

ID = sa.String(36)
metadata = sa.MetaData()


def _bulk_reference(column: str, target: str) -> sa.ForeignKeyConstraint:
    """A foreign key of a bulk-loaded table: enforced on PostgreSQL; DuckDB would check it row by row."""
    return sa.ForeignKeyConstraint([column], [target]).ddl_if(dialect="postgresql")


def column_name(code: str) -> str:
    """The store column of a rubrique code: ``S21.G00.30.001`` → ``s21_g00_30_001``."""
    return code.lower().replace(".", "_")


# A norm amount is at most 18 characters (``Montant_ZNS_4_18_2``: 15 integer digits, the point, 2 decimals), so
# DECIMAL(18, 3) holds every valid value in 64 bits (DuckDB reads DECIMAL(21, 3), 128 bits, about 100 times
# slower). A longer value, a format error the validator reports, is stored as null (pipeline.store.bulk); its
# text stays in the archived file.
BLOCK_AMOUNT = sa.Numeric(18, 3)


def _sql_type(data_type) -> sa.types.TypeEngine:
    """The SQL type of a rubrique column: its typed tables' value kind (:data:`BLOCK_AMOUNT`, date, int64, text)."""
    kind = value_kind(data_type)
    if kind == DECIMAL:
        return BLOCK_AMOUNT
    if kind == DATE:
        return sa.Date()
    if kind == INTEGER:
        return sa.BigInteger()
    return sa.String()


def block_ancestors(block: str) -> list[str]:
    """Ancestor blocks of ``block`` below the declaration (parent first), from the newest schema norm."""
    ancestors = load_catalog(SCHEMA_NORMS[-1]).ancestors(block)
    return ancestors[:ancestors.index(DECLARATION)]


def block_rubriques(block: str) -> dict[str, sa.types.TypeEngine]:
    """Rubrique code → SQL type for ``block``, over the union of the schema norms, in code order."""
    types: dict[str, sa.types.TypeEngine] = {}
    for norm in SCHEMA_NORMS:
        for rubrique in load_catalog(norm).rubriques_of(block):
            types.setdefault(rubrique.code, _sql_type(rubrique.type))
    return dict(sorted(types.items()))


submissions = sa.Table(
    "submissions", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("source", sa.String(), nullable=False),
    sa.Column("uploader", sa.String()),
    sa.Column("filename", sa.String(), nullable=False),
    sa.Column("received_at", sa.DateTime(), nullable=False),
    sa.Column("size", sa.BigInteger(), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("archive_path", sa.String(), nullable=False),
    sa.Column("form", sa.String()),
    sa.Column("encoding", sa.String()),
    sa.Column("norm", sa.String()),
    sa.Column("rubriques", sa.BigInteger()),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error", sa.String()),
    sa.Column("anomalies_blocking", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("anomalies_warning", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("anomalies_info", sa.Integer(), nullable=False, server_default="0"),
    sa.CheckConstraint(f"status IN ({', '.join(repr(s) for s in SUBMISSION_STATUSES)})", name="ck_submissions_status"),
)

envois = sa.Table(
    "envois", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("submission_id", ID, sa.ForeignKey("submissions.id"), nullable=False),
    sa.Column("instance_id", sa.BigInteger(), nullable=False),
    sa.Column("line", sa.BigInteger(), nullable=False),
    sa.Column("software", sa.String()),
    sa.Column("essai", sa.String(2)),
    sa.Column("norm", sa.String()),
    sa.Column("emetteur_siren", sa.String()),
    sa.Column("declarations", sa.Integer()),
)

declarations = sa.Table(
    "declarations", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("submission_id", ID, sa.ForeignKey("submissions.id"), nullable=False),
    sa.Column("envoi_id", ID, sa.ForeignKey("envois.id"), nullable=False),
    sa.Column("instance_id", sa.BigInteger(), nullable=False),
    sa.Column("line", sa.BigInteger(), nullable=False),
    sa.Column("nature", sa.String(2)),
    sa.Column("type", sa.String(2)),
    sa.Column("fraction", sa.String(2)),
    sa.Column("order_number", sa.String()),
    sa.Column("month", sa.Date()),
    sa.Column("file_date", sa.Date()),
    sa.Column("siren", sa.String(9)),
    sa.Column("nic", sa.String(5)),
    sa.Column("replaces", sa.String()),
    sa.Column("replaces_id", ID, sa.ForeignKey("declarations.id")),
    sa.Column("individus", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("valid_from", sa.DateTime(), nullable=False),
    sa.Column("valid_to", sa.DateTime()),
    sa.CheckConstraint(f"state IN ({', '.join(repr(s) for s in DECLARATION_STATES)})", name="ck_declarations_state"),
    sa.Index("ix_declarations_key", "siren", "nic", "month", "fraction").ddl_if(dialect="postgresql"),
)


def _block_table(block: str) -> sa.Table:
    name = table_name(block)
    columns = [
        sa.Column("submission_id", ID, nullable=False),
        sa.Column("declaration_id", ID, nullable=False),
        sa.Column("instance_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=False),
        *(sa.Column(f"{table_name(a)}_id", sa.BigInteger()) for a in block_ancestors(block)),
        sa.Column("line", sa.BigInteger(), nullable=False),
        sa.Column("line_end", sa.BigInteger(), nullable=False),
        *(sa.Column(column_name(code), kind) for code, kind in block_rubriques(block).items()),
    ]
    return sa.Table(name, metadata, *columns,
                    _bulk_reference("submission_id", "submissions.id"),
                    _bulk_reference("declaration_id", "declarations.id"),
                    sa.Index(f"ix_{name}_declaration", "declaration_id").ddl_if(dialect="postgresql"))


BLOCK_TABLES: dict[str, sa.Table] = {block: _block_table(block) for block in STORED_BLOCKS}

anomalies = sa.Table(
    "anomalies", metadata,
    sa.Column("submission_id", ID, nullable=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),
    *(sa.Column(name, sa.BigInteger() if name == "line" else sa.String()) for name in ANOMALY_COLUMN_NAMES),
    _bulk_reference("submission_id", "submissions.id"),
    sa.Index("ix_anomalies_submission", "submission_id").ddl_if(dialect="postgresql"),
)

employees = sa.Table(
    "employees", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("identity", sa.String(), nullable=False, unique=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("nir", sa.String()),
    sa.Column("ntt", sa.String()),
    sa.Column("siren", sa.String(9)),
    sa.Column("matricule", sa.String()),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('nir', 'ntt', 'matricule')", name="ck_employees_kind"),
)

# Every identity of every employee (its primary ``employees.identity`` included): ``nir:<NIR>`` (current or
# former, from S21.G00.31.008), ``ntt:<NTT>``, ``mat:<SIREN>:<matricule>``; with the declaration that
# established it, its month (``since``) and the reception of that declaration (``recorded_at``).
employee_identities = sa.Table(
    "employee_identities", metadata,
    sa.Column("identity", sa.String(), primary_key=True),
    sa.Column("employee_id", ID, nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("since", sa.Date()),
    sa.Column("declaration_id", ID),
    sa.Column("recorded_at", sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('nir', 'ntt', 'matricule')", name="ck_employee_identities_kind"),
    _bulk_reference("employee_id", "employees.id"),
    _bulk_reference("declaration_id", "declarations.id"),
    sa.Index("ix_employee_identities_employee", "employee_id").ddl_if(dialect="postgresql"),
)

employee_months = sa.Table(
    "employee_months", metadata,
    sa.Column("employee_id", ID, nullable=False),
    sa.Column("declaration_id", ID, nullable=False),
    sa.Column("submission_id", ID, nullable=False),
    sa.Column("individu_id", sa.BigInteger(), nullable=False),
    sa.Column("month", sa.Date()),
    sa.Column("siren", sa.String(9)),
    sa.Column("nic", sa.String(5)),
    sa.Column("matricule", sa.String()),
    sa.Column("contract_number", sa.String()),
    sa.Column("contract_start", sa.Date()),
    sa.Column("contract_nature", sa.String(2)),
    sa.Column("contracts", sa.Integer(), nullable=False),
    sa.Column("gross_pay", sa.Numeric(21, 3)),
    sa.Column("net_taxable", sa.Numeric(21, 3)),
    sa.Column("net_paid", sa.Numeric(21, 3)),
    _bulk_reference("employee_id", "employees.id"),
    _bulk_reference("declaration_id", "declarations.id"),
    _bulk_reference("submission_id", "submissions.id"),
    sa.Index("ix_employee_months_employee", "employee_id", "month").ddl_if(dialect="postgresql"),
    sa.Index("ix_employee_months_declaration", "declaration_id").ddl_if(dialect="postgresql"),
)

# Contract referentials (FPOC sheets or their YAML form) as loaded, kept byte for byte; the products read the
# latest stored version of each sheet (pipeline.referentials).
referentials = sa.Table(
    "referentials", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("filename", sa.String(), nullable=False),
    sa.Column("form", sa.String(8), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("content", sa.LargeBinary(), nullable=False),
    sa.Column("loaded_at", sa.DateTime(), nullable=False),
    sa.Column("sirens", sa.String()),
    sa.Column("sheets", sa.Integer(), nullable=False),
    sa.Column("errors", sa.Integer(), nullable=False),
    sa.CheckConstraint("form IN ('xml', 'yaml')", name="ck_referentials_form"),
)

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.String(16), primary_key=True),
    sa.Column("applied_at", sa.DateTime(), nullable=False),
    sa.Column("description", sa.String()),
)

# The store products' tables, declared on this metadata in one module each (after everything above exists).
from . import schema_affiliations, schema_arrets, schema_cotisations, schema_personal, schema_portal  # noqa: E402, F401
