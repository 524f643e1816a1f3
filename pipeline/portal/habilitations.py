"""Who may do what: the caller's companies (portfolio) and habilitations per company × domain, and the one
decision every route asks (:func:`authorize`).

Roles: ``operator`` (insurer operator: every company, every domain, each access audited); ``admin``
(administrateur principal: every domain, in write, on the companies of his portfolio, and their users);
``user`` (collaborateur) and ``tiers`` (tiers déclarant: a portfolio of several companies, each granted by its
administrator or an operator): the habilitations granted, per company and domain, ``read`` or ``write``.
A company outside the caller's portfolio is answered 404, as if it did not exist.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from pipeline.products.records import Record
from pipeline.store.schema_portal import (ACCESS_LEVELS, DOMAINS, portal_habilitations, portal_portfolios,
                                          portal_users)

from . import clock
from .audit import audit
from .errors import Forbidden, Invalid, NotAuthenticated, NotFound

ADMIN = "admin"  # the "domain" of the routes that manage a company's users
DOMAIN_LABELS = {"affiliation": "affiliation", "cotisation": "cotisation", "arret_travail": "arrêt de travail",
                 "dsn": "dépôt DSN et anomalies", ADMIN: "administration des utilisateurs"}


@dataclass(frozen=True)
class Caller(Record):
    """An authenticated user with his granted companies: SIREN → domain → ``read``/``write``."""

    id: str
    email: str
    name: str
    role: str
    companies: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def operator(self) -> bool:
        return self.role == "operator"

    def access(self, siren: str, domain: str) -> str | None:
        """The caller's access to a domain of a company (None: none)."""
        if self.operator or (self.role == "admin" and siren in self.companies):
            return "write"
        return self.companies.get(siren, {}).get(domain)


def load_caller(conn: sa.Connection, user_id: str) -> Caller:
    """The active user ``user_id`` with his granted companies and habilitations."""
    u = portal_users.c
    row = conn.execute(sa.select(u.id, u.email, u.name, u.role, u.active).where(u.id == user_id)).first()
    if row is None or not row.active:
        raise NotAuthenticated("compte_inactif", "compte inconnu ou désactivé")
    p, h = portal_portfolios.c, portal_habilitations.c
    companies: dict[str, dict[str, str]] = {
        siren: {} for siren in conn.execute(sa.select(p.siren).where(p.user_id == user_id, p.state == "granted"))
        .scalars()}
    for siren, domain, access in conn.execute(sa.select(h.siren, h.domain, h.access).where(h.user_id == user_id)):
        if siren in companies:
            companies[siren][domain] = access
    return Caller(row.id, row.email, row.name, row.role, companies)


def authorize(caller: Caller | None, siren: str | None, domain: str | None, access: str | None) -> None:
    """Raise unless ``caller`` may ``access`` the ``domain`` of company ``siren``.

    401 without a caller; 404 for a company outside his portfolio; 403 without the habilitation. ``domain``
    None: any granted company is enough; :data:`ADMIN`: the company's administrator or an operator.
    """
    if caller is None:
        raise NotAuthenticated("non_authentifie", "authentification requise (jeton bearer)")
    if siren is None or caller.operator:
        return
    if siren not in caller.companies:
        raise NotFound("entreprise_inconnue", "entreprise inconnue ou hors de votre portefeuille")
    if domain is None:
        return
    if domain == ADMIN:
        if caller.role != "admin":
            raise Forbidden("habilitation_manquante", "réservé à l'administrateur principal de l'entreprise")
        return
    held = caller.access(siren, domain)
    if held is None or (access == "write" and held != "write"):
        raise Forbidden("habilitation_manquante", f"habilitation « {DOMAIN_LABELS[domain]} » en "
                                                  f"{'écriture' if access == 'write' else 'lecture'} requise")


def checked_habilitations(habilitations: dict[str, str]) -> dict[str, str]:
    """Domain → access, each checked."""
    for domain, access in habilitations.items():
        if domain not in DOMAINS:
            raise Invalid("domaine_inconnu", f"domaine inconnu : {domain} (attendu : {', '.join(DOMAINS)})")
        if access not in ACCESS_LEVELS:
            raise Invalid("acces_inconnu", f"accès inconnu : {access} (attendu : read ou write)")
    return dict(habilitations)


def grant_company(conn: sa.Connection, actor: str | None, user_id: str, siren: str,
                  habilitations: dict[str, str]) -> None:
    """Put ``siren`` in the user's portfolio (granted) with exactly these habilitations; audited."""
    habilitations = checked_habilitations(habilitations)
    p, h, now = portal_portfolios.c, portal_habilitations.c, clock.utcnow()
    conn.execute(portal_portfolios.delete().where(p.user_id == user_id, p.siren == siren))
    conn.execute(portal_portfolios.insert().values(user_id=user_id, siren=siren, state="granted",
                                                   changed_by=actor, changed_at=now))
    conn.execute(portal_habilitations.delete().where(h.user_id == user_id, h.siren == siren))
    if habilitations:
        conn.execute(portal_habilitations.insert(), [
            {"user_id": user_id, "siren": siren, "domain": d, "access": a, "granted_by": actor, "granted_at": now}
            for d, a in sorted(habilitations.items())])
    audit(conn, actor, "habilitations", siren, user_id,
          ", ".join(f"{d}:{a}" for d, a in sorted(habilitations.items())) or "aucune")


def request_company(conn: sa.Connection, user_id: str, siren: str) -> None:
    """A tiers déclarant asks for ``siren`` (kept as is when already granted or requested)."""
    p = portal_portfolios.c
    if conn.execute(sa.select(p.state).where(p.user_id == user_id, p.siren == siren)).first() is None:
        conn.execute(portal_portfolios.insert().values(user_id=user_id, siren=siren, state="requested",
                                                       changed_by=user_id, changed_at=clock.utcnow()))
        audit(conn, user_id, "demande d'accès", siren, user_id)


def remove_company(conn: sa.Connection, actor: str, user_id: str, siren: str) -> None:
    """Take ``siren`` out of the user's portfolio with its habilitations (404 when it was not there)."""
    p, h = portal_portfolios.c, portal_habilitations.c
    if conn.execute(portal_portfolios.delete().where(p.user_id == user_id, p.siren == siren)).rowcount == 0:
        raise NotFound("utilisateur_inconnu", "utilisateur inconnu pour cette entreprise")
    conn.execute(portal_habilitations.delete().where(h.user_id == user_id, h.siren == siren))
    audit(conn, actor, "retrait", siren, user_id)


def company_member_state(conn: sa.Connection, user_id: str, siren: str) -> str | None:
    """``granted``, ``requested`` or None."""
    p = portal_portfolios.c
    return conn.execute(sa.select(p.state).where(p.user_id == user_id, p.siren == siren)).scalar()
