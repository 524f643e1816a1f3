"""Tables of the portal users, habilitations, tokens and audit log (the HTTP API), on the store's one metadata (imported by :mod:`pipeline.store.schema`).

Secrets are never stored: passwords as argon2id hashes, bearer and activation tokens as their SHA-256. Foreign
keys on PostgreSQL only (DuckDB refuses to update a referenced row).
"""
from __future__ import annotations

import sqlalchemy as sa

from .schema import ID, metadata

ROLES = ("admin", "user", "tiers", "operator")
DOMAINS = ("affiliation", "cotisation", "arret_travail", "dsn")
ACCESS_LEVELS = ("read", "write")
PORTFOLIO_STATES = ("granted", "requested")


def _reference(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target]).ddl_if(dialect="postgresql")


def _among(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=name)


portal_users = sa.Table(
    "portal_users", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("email", sa.String(), nullable=False, unique=True),
    sa.Column("name", sa.String(), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("password_hash", sa.String()),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("created_by", ID),
    sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime()),
    _among("role", ROLES, "ck_portal_users_role"),
)

# The companies (SIREN) a user works for: granted by the company's administrator or an operator, or requested
# by a tiers déclarant and waiting for the administrator.
portal_portfolios = sa.Table(
    "portal_portfolios", metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("siren", sa.String(9), primary_key=True),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("changed_by", ID),
    sa.Column("changed_at", sa.DateTime(), nullable=False),
    _among("state", PORTFOLIO_STATES, "ck_portal_portfolios_state"),
    _reference("user_id", "portal_users.id"),
    sa.Index("ix_portal_portfolios_siren", "siren").ddl_if(dialect="postgresql"),
)

portal_habilitations = sa.Table(
    "portal_habilitations", metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("siren", sa.String(9), primary_key=True),
    sa.Column("domain", sa.String(16), primary_key=True),
    sa.Column("access", sa.String(5), nullable=False),
    sa.Column("granted_by", ID),
    sa.Column("granted_at", sa.DateTime(), nullable=False),
    _among("domain", DOMAINS, "ck_portal_habilitations_domain"),
    _among("access", ACCESS_LEVELS, "ck_portal_habilitations_access"),
    _reference("user_id", "portal_users.id"),
)

portal_tokens = sa.Table(
    "portal_tokens", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", ID, nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("expires_at", sa.DateTime(), nullable=False),
    sa.Column("revoked_at", sa.DateTime()),
    _reference("user_id", "portal_users.id"),
    sa.Index("ix_portal_tokens_user", "user_id").ddl_if(dialect="postgresql"),
)

portal_activations = sa.Table(
    "portal_activations", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", ID, nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("expires_at", sa.DateTime(), nullable=False),
    sa.Column("used_at", sa.DateTime()),
    _reference("user_id", "portal_users.id"),
)

# Who did what, when, on which company: every change of users or habilitations, every access to personal data,
# every operator access.
portal_audit = sa.Table(
    "portal_audit", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("actor", ID),
    sa.Column("action", sa.String(), nullable=False),
    sa.Column("siren", sa.String(9)),
    sa.Column("target", sa.String()),
    sa.Column("detail", sa.String()),
    sa.Index("ix_portal_audit_siren", "siren", "at").ddl_if(dialect="postgresql"),
)
