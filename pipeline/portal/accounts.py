"""Accounts: creation (company registration checked against the contract referential, users created by an
administrator, administrators and operators bootstrapped from the command line), activation, login with a
throttle, password change.

A new account is inactive until its user sets a password through the single-use activation link (7 days),
sent by e-mail (:mod:`pipeline.portal.mail`).
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from pipeline.products.records import Record
from pipeline.store.schema_portal import portal_habilitations, portal_portfolios, portal_users

from . import clock
from .audit import audit
from .errors import Conflict, Invalid, NotFound, Throttled
from .habilitations import Caller, checked_habilitations, grant_company
from .mail import Mail, Mailer
from .passwords import check_strength, hash_password, verify_password
from .tokens import ACTIVATION_TTL, issue_activation, revoke_all

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SIREN = re.compile(r"^\d{9}$")


@dataclass(frozen=True)
class Account(Record):
    """A user as the API shows it (with his habilitations on the companies the viewer may see)."""

    id: str
    email: str
    name: str
    role: str
    active: bool
    created_at: datetime
    companies: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class CreatedAccount(Record):
    """An account just created; ``activation_expires_at`` when an activation link was sent."""

    account: Account
    activation_expires_at: datetime | None = None


def checked_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise Invalid("courriel_invalide", f"adresse électronique invalide : {email}")
    return email


def checked_siren(siren: str) -> str:
    if not _SIREN.match(siren or ""):
        raise Invalid("siren_invalide", f"SIREN invalide : {siren} (9 chiffres attendus)")
    return siren


def insert_account(conn: sa.Connection, email: str, name: str, role: str, actor: str | None,
                 password: str | None = None) -> str:
    """A new account (active with ``password`` when given, else waiting for its activation); audited."""
    email = checked_email(email)
    u = portal_users.c
    if conn.execute(sa.select(u.id).where(u.email == email)).first() is not None:
        raise Conflict("compte_existant", f"un compte existe déjà pour {email}")
    user_id = str(uuid.uuid4())
    conn.execute(portal_users.insert().values(
        id=user_id, email=email, name=name.strip() or email, role=role,
        password_hash=hash_password(password) if password is not None else None, active=password is not None,
        created_at=clock.utcnow(), created_by=actor, failed_logins=0))
    audit(conn, actor, f"création compte {role}", None, user_id)
    return user_id


def _send_activation(conn: sa.Connection, user_id: str, email: str, mailer: Mailer, base_url: str) -> datetime:
    secret = issue_activation(conn, user_id)
    mailer.send(Mail(email, "Activation de votre compte du portail DSN",
                     f"Bonjour,\n\nvotre compte du portail DSN a été créé. Pour choisir votre mot de passe, "
                     f"utilisez ce lien, valable 7 jours et une seule fois :\n\n{base_url}/activation?jeton={secret}"
                     f"\n\nJeton d'activation : {secret}\n"))
    return clock.utcnow() + ACTIVATION_TTL


def account(conn: sa.Connection, user_id: str, sirens: set[str] | None = None) -> Account:
    """The account ``user_id``, its companies restricted to ``sirens`` when given (404 when unknown)."""
    u, h, p = portal_users.c, portal_habilitations.c, portal_portfolios.c
    row = conn.execute(sa.select(u.id, u.email, u.name, u.role, u.active, u.created_at)
                       .where(u.id == user_id)).mappings().first()
    if row is None:
        raise NotFound("utilisateur_inconnu", "utilisateur inconnu")
    companies: dict[str, dict[str, str]] = {
        s: {} for s in conn.execute(sa.select(p.siren).where(p.user_id == user_id, p.state == "granted")).scalars()
        if sirens is None or s in sirens}
    for siren, domain, access in conn.execute(sa.select(h.siren, h.domain, h.access).where(h.user_id == user_id)):
        if siren in companies:
            companies[siren][domain] = access
    return Account(**row, companies=companies)


def company_accounts(conn: sa.Connection, siren: str, limit: int = 100, offset: int = 0) -> list[Account]:
    """The users of a company (granted), by e-mail, with their habilitations on that company only."""
    p, u = portal_portfolios.c, portal_users.c
    ids = conn.execute(sa.select(u.id).join(portal_portfolios, p.user_id == u.id)
                       .where(p.siren == siren, p.state == "granted").order_by(u.email)
                       .limit(limit).offset(offset)).scalars().all()
    return [account(conn, i, {siren}) for i in ids]


def create_company_user(conn: sa.Connection, actor: Caller, siren: str, email: str, name: str, role: str,
                        habilitations: dict[str, str], mailer: Mailer, base_url: str = "") -> CreatedAccount:
    """An administrator (or operator) gives a user access to his company with these habilitations.

    A new e-mail gets an inactive account and an activation link; an existing tiers déclarant gets the company
    added to his portfolio (no new account).
    """
    if role not in ("user", "tiers"):
        raise Invalid("role_invalide", "rôle attendu : user (collaborateur) ou tiers (tiers déclarant)")
    habilitations = checked_habilitations(habilitations)
    email = checked_email(email)
    u = portal_users.c
    existing = conn.execute(sa.select(u.id, u.role).where(u.email == email)).first()
    if existing is not None:
        if existing.role != "tiers" or role != "tiers":
            raise Conflict("compte_existant", f"un compte existe déjà pour {email}")
        grant_company(conn, actor.id, existing.id, siren, habilitations)
        return CreatedAccount(account(conn, existing.id, {siren}))
    user_id = insert_account(conn, email, name, role, actor.id)
    grant_company(conn, actor.id, user_id, siren, habilitations)
    expires = _send_activation(conn, user_id, email, mailer, base_url)
    return CreatedAccount(account(conn, user_id, {siren}), expires)


def checked_adhesion(conn: sa.Connection, siret: str, adherent: str, contract: str) -> str:
    """The SIREN of an adhésion known to the stored referential: the numéro d'adhérent is the FPOC sheet
    identifier, which covers the SIRET and holds the contract reference; 422 otherwise."""
    from pipeline.referentials import stored_referential

    siret = (siret or "").replace(" ", "")
    if not re.fullmatch(r"\d{14}", siret):
        raise Invalid("siret_invalide", f"SIRET invalide : {siret} (14 chiffres attendus)")
    siren, nic = siret[:9], siret[9:]
    known = any(sheet.identifier == adherent and sheet.covers(siren, nic)
                and any(line.contract.reference == contract for line in sheet.parameters)
                for sheet in stored_referential(conn, siren).sheets)
    if not known:
        raise Invalid("adhesion_inconnue", "SIRET, numéro d'adhérent et numéro de contrat ne correspondent à "
                                           "aucune adhésion connue")
    return siren


def register_company(conn: sa.Connection, siret: str, adherent: str, contract: str, name: str, email: str,
                     mailer: Mailer, base_url: str = "") -> CreatedAccount:
    """The company account of an adhérent (:func:`checked_adhesion`); creates its administrateur principal
    (inactive, activation link sent). One administrator per company: 409 when it has one."""
    siren = checked_adhesion(conn, siret, adherent, contract)
    if company_admin(conn, siren) is not None:
        raise Conflict("entreprise_deja_inscrite", "cette entreprise a déjà un administrateur principal")
    user_id = insert_account(conn, email, name, "admin", None)
    grant_company(conn, None, user_id, siren, {})
    expires = _send_activation(conn, user_id, checked_email(email), mailer, base_url)
    return CreatedAccount(account(conn, user_id), expires)


def add_adherent(conn: sa.Connection, actor: Caller, siren: str, siret: str, adherent: str,
                 contract: str) -> Account:
    """Another adhérent (SIREN) added to the company account of ``siren`` by its administrator (or an
    operator), checked against the referential; 409 when that SIREN has an administrator of its own."""
    admin_id = company_admin(conn, siren)
    if admin_id is None:
        raise NotFound("entreprise_sans_administrateur", "cette entreprise n'a pas d'administrateur principal")
    added = checked_adhesion(conn, siret, adherent, contract)
    if company_admin(conn, added) not in (None, admin_id):
        raise Conflict("entreprise_deja_inscrite", "cette entreprise a déjà un administrateur principal")
    grant_company(conn, actor.id, admin_id, added, {})
    return account(conn, admin_id)


def remove_adherent(conn: sa.Connection, actor: Caller, siren: str, removed: str) -> Account:
    """An adhérent taken out of the company account of ``siren`` (never ``siren`` itself)."""
    from .habilitations import company_member_state, remove_company

    admin_id = company_admin(conn, siren)
    if removed == siren or admin_id is None:
        raise Conflict("adherent_principal", "l'entreprise du compte ne peut pas en être retirée")
    if company_member_state(conn, admin_id, removed) != "granted":
        raise NotFound("adherent_inconnu", "adhérent inconnu dans ce compte")
    remove_company(conn, actor.id, admin_id, removed)
    return account(conn, admin_id)


def company_admin(conn: sa.Connection, siren: str) -> str | None:
    """The id of the company's administrateur principal."""
    p, u = portal_portfolios.c, portal_users.c
    return conn.execute(sa.select(u.id).join(portal_portfolios, p.user_id == u.id)
                        .where(p.siren == siren, p.state == "granted", u.role == "admin")).scalar()


def create_admin(conn: sa.Connection, email: str, siren: str, password: str, name: str = "") -> str:
    """Bootstrap a company's administrateur principal, active with this password (``dsn users create-admin``)."""
    siren = checked_siren(siren)
    if company_admin(conn, siren) is not None:
        raise Conflict("entreprise_deja_inscrite", f"l'entreprise {siren} a déjà un administrateur principal")
    user_id = insert_account(conn, email, name, "admin", None, password)
    grant_company(conn, None, user_id, siren, {})
    return user_id


def create_operator(conn: sa.Connection, email: str, password: str, name: str = "") -> str:
    """Bootstrap an insurer operator, active with this password (``dsn users create-operator``)."""
    return insert_account(conn, email, name, "operator", None, password)


def activate(conn: sa.Connection, user_id: str, password: str) -> None:
    """Set the first password of an account whose activation secret was just spent, and activate it."""
    conn.execute(portal_users.update().where(portal_users.c.id == user_id)
                 .values(password_hash=hash_password(password), active=True, failed_logins=0, locked_until=None))
    audit(conn, user_id, "activation", None, user_id)


def authenticate(conn: sa.Connection, email: str, password: str) -> str | None:
    """The id of the active user with these credentials, or None (the failure is counted: after
    :data:`MAX_FAILURES` in a row the account is locked :data:`LOCK_DURATION`, answered 429)."""
    u, now = portal_users.c, clock.utcnow()
    row = conn.execute(sa.select(u.id, u.password_hash, u.active, u.failed_logins, u.locked_until)
                       .where(u.email == email.strip().lower())).first()
    if row is None:
        return None
    if row.locked_until is not None and row.locked_until > now:
        raise Throttled("trop_de_tentatives", "trop d'échecs de connexion : compte bloqué jusqu'à "
                                              f"{row.locked_until:%H:%M} UTC")
    if row.active and verify_password(row.password_hash, password):
        if row.failed_logins:
            conn.execute(portal_users.update().where(u.id == row.id).values(failed_logins=0, locked_until=None))
        return row.id
    failures = row.failed_logins + 1
    values = {"failed_logins": failures}
    if failures >= MAX_FAILURES:
        values = {"failed_logins": 0, "locked_until": now + LOCK_DURATION}
        audit(conn, None, "verrouillage connexion", None, row.id)
    conn.execute(portal_users.update().where(u.id == row.id).values(**values))
    return None


def change_password(conn: sa.Connection, user_id: str, current: str, new: str) -> int:
    """Change a password (the current one checked); every token of the user is revoked. Tokens revoked."""
    u = portal_users.c
    stored = conn.execute(sa.select(u.password_hash).where(u.id == user_id)).scalar()
    if not verify_password(stored, current):
        raise Invalid("mot_de_passe_incorrect", "mot de passe actuel incorrect")
    check_strength(new)
    conn.execute(portal_users.update().where(u.id == user_id).values(password_hash=hash_password(new)))
    audit(conn, user_id, "changement mot de passe", None, user_id)
    return revoke_all(conn, user_id)


def all_accounts(conn: sa.Connection, limit: int = 100, offset: int = 0) -> list[Account]:
    """Every account, by e-mail (operators)."""
    u = portal_users.c
    ids = conn.execute(sa.select(u.id).order_by(u.email).limit(limit).offset(offset)).scalars().all()
    return [account(conn, i) for i in ids]


def pending_requests(conn: sa.Connection, siren: str) -> list[Account]:
    """The tiers déclarants waiting for access to a company (their other companies not shown)."""
    p = portal_portfolios.c
    ids = conn.execute(sa.select(p.user_id).where(p.siren == siren, p.state == "requested")
                       .order_by(p.changed_at, p.user_id)).scalars().all()
    return [account(conn, i, set()) for i in ids]
