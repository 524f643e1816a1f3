"""Bearer tokens (expiring, revocable) and single-use activation tokens: random secrets handed out once and
stored only as their SHA-256."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from pipeline.products.records import Record
from pipeline.store.schema_portal import portal_activations, portal_tokens

from . import clock
from .errors import Gone, NotAuthenticated, NotFound

TOKEN_TTL = timedelta(hours=8)
ACTIVATION_TTL = timedelta(days=7)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken(Record):
    """The answer of a login (OAuth2 password grant)."""

    access_token: str
    token_type: str
    expires_in: int


def issue_token(conn: sa.Connection, user_id: str, ttl: timedelta = TOKEN_TTL) -> IssuedToken:
    """A new bearer token for ``user_id``, valid ``ttl``."""
    secret, now = secrets.token_urlsafe(32), clock.utcnow()
    conn.execute(portal_tokens.insert().values(token_hash=digest(secret), user_id=user_id, created_at=now,
                                               expires_at=now + ttl))
    return IssuedToken(secret, "bearer", int(ttl.total_seconds()))


def token_user(conn: sa.Connection, secret: str) -> str:
    """The user of a valid bearer token; 401 when it is unknown, expired or revoked."""
    t = portal_tokens.c
    row = conn.execute(sa.select(t.user_id, t.expires_at, t.revoked_at).where(t.token_hash == digest(secret))).first()
    if row is None:
        raise NotAuthenticated("jeton_invalide", "jeton d'accès inconnu")
    if row.revoked_at is not None:
        raise NotAuthenticated("jeton_revoque", "jeton d'accès révoqué (déconnexion ou changement de mot de passe)")
    if row.expires_at <= clock.utcnow():
        raise NotAuthenticated("jeton_expire", "jeton d'accès expiré : se reconnecter")
    return row.user_id


def revoke_token(conn: sa.Connection, secret: str) -> None:
    t = portal_tokens.c
    conn.execute(portal_tokens.update().where(t.token_hash == digest(secret), t.revoked_at.is_(None))
                 .values(revoked_at=clock.utcnow()))


def revoke_all(conn: sa.Connection, user_id: str) -> int:
    """Revoke every live token of a user; how many were."""
    t = portal_tokens.c
    return conn.execute(portal_tokens.update().where(t.user_id == user_id, t.revoked_at.is_(None))
                        .values(revoked_at=clock.utcnow())).rowcount


def issue_activation(conn: sa.Connection, user_id: str, ttl: timedelta = ACTIVATION_TTL) -> str:
    """A new single-use activation secret for ``user_id``, valid ``ttl`` (7 days)."""
    secret, now = secrets.token_urlsafe(32), clock.utcnow()
    conn.execute(portal_activations.insert().values(token_hash=digest(secret), user_id=user_id, created_at=now,
                                                    expires_at=now + ttl))
    return secret


def use_activation(conn: sa.Connection, secret: str) -> str:
    """Spend an activation secret and return its user: 404 unknown, 410 already used or expired."""
    a = portal_activations.c
    row = conn.execute(sa.select(a.user_id, a.expires_at, a.used_at).where(a.token_hash == digest(secret))).first()
    if row is None:
        raise NotFound("activation_inconnue", "lien d'activation inconnu")
    if row.used_at is not None:
        raise Gone("activation_utilisee", "lien d'activation déjà utilisé")
    if row.expires_at <= clock.utcnow():
        raise Gone("activation_expiree", "lien d'activation expiré (valable 7 jours) : en demander un nouveau")
    conn.execute(portal_activations.update().where(a.token_hash == digest(secret)).values(used_at=clock.utcnow()))
    return row.user_id
