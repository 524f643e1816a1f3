"""Routes of companies: the caller's portfolio, a company, access requests of tiers déclarants, the
company's users and habilitations, its audit log."""
from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from pipeline.portal import accounts
from pipeline.portal.audit import audit_entries
from pipeline.portal.errors import Conflict, NotFound
from pipeline.portal.habilitations import (Caller, company_member_state, grant_company, remove_company,
                                           request_company)
from pipeline.store.schema import declarations
from pipeline.store.schema_portal import portal_portfolios

from .guard import current_caller
from .paging import Page, page

router = APIRouter(prefix="/v1/companies", tags=["entreprises"])


class NewUser(BaseModel):
    email: str
    name: str
    role: str = Field("user", description="user (collaborateur) ou tiers (tiers déclarant)")
    habilitations: dict[str, str] = Field(default_factory=dict, description="domaine → read ou write")


class Adhesion(BaseModel):
    siret: str
    adherent: str = Field(description="numéro d'adhérent (identifiant de la fiche FPOC)")
    contract: str = Field(description="numéro de contrat")


class Habilitations(BaseModel):
    habilitations: dict[str, str] = Field(default_factory=dict, description="domaine → read ou write")


@router.get("")
def portfolio(request: Request, caller: Caller = Depends(current_caller), paging: Page = Depends(page)) -> dict:
    """The caller's companies with his habilitations (operators: every company of the store)."""
    if caller.operator:
        with request.app.state.engine.connect() as conn:
            d, p = declarations.c, portal_portfolios.c
            sirens = sorted(set(conn.execute(sa.select(d.siren).distinct().where(d.siren.is_not(None))).scalars())
                            | set(conn.execute(sa.select(p.siren).distinct()).scalars()))
        items = [{"siren": s, "habilitations": "toutes"} for s in sirens]
    else:
        items = [{"siren": s, "habilitations": caller.companies[s] if caller.role != "admin" else "toutes"}
                 for s in sorted(caller.companies)]
    return paging.envelope(items[paging.offset:paging.offset + paging.limit])


@router.get("/{siren}")
def company(request: Request, siren: str) -> dict:
    """A company: its current declarations by month."""
    d = declarations.c
    with request.app.state.engine.connect() as conn:
        rows = conn.execute(sa.select(d.month, sa.func.count()).where(d.siren == siren, d.state == "current")
                            .group_by(d.month).order_by(d.month)).all()
        admin = accounts.company_admin(conn, siren)
    return {"siren": siren, "has_admin": admin is not None,
            "months": [{"month": m.strftime("%Y-%m") if m else None, "declarations": n} for m, n in rows]}


@router.post("/{siren}/access-requests", status_code=202)
def ask_access(request: Request, siren: str, caller: Caller = Depends(current_caller)) -> dict:
    """A tiers déclarant asks to add a company to his portfolio; its administrator grants it."""
    accounts.checked_siren(siren)
    with request.app.state.engine.begin() as conn:
        request_company(conn, caller.id, siren)
        state = company_member_state(conn, caller.id, siren)
    return {"siren": siren, "state": state}


@router.get("/{siren}/access-requests")
def access_requests(request: Request, siren: str) -> dict:
    with request.app.state.engine.connect() as conn:
        items = accounts.pending_requests(conn, siren)
    return {"items": [i.as_dict() for i in items], "count": len(items)}


@router.post("/{siren}/access-requests/{user_id}")
def grant_access(request: Request, siren: str, user_id: str, body: Habilitations,
                 caller: Caller = Depends(current_caller)) -> dict:
    with request.app.state.engine.begin() as conn:
        if company_member_state(conn, user_id, siren) != "requested":
            raise NotFound("demande_inconnue", "aucune demande d'accès de cet utilisateur pour cette entreprise")
        grant_company(conn, caller.id, user_id, siren, body.habilitations)
        return accounts.account(conn, user_id, {siren}).as_dict()


@router.get("/{siren}/users")
def company_users(request: Request, siren: str, paging: Page = Depends(page)) -> dict:
    with request.app.state.engine.connect() as conn:
        return paging.envelope(accounts.company_accounts(conn, siren, paging.limit, paging.offset))


@router.post("/{siren}/users", status_code=201)
def create_user(request: Request, siren: str, body: NewUser, caller: Caller = Depends(current_caller)) -> dict:
    """A collaborateur or tiers déclarant for the company, with habilitations; an activation link is sent."""
    settings = request.app.state.settings
    with request.app.state.engine.begin() as conn:
        return accounts.create_company_user(conn, caller, siren, body.email, body.name, body.role,
                                            body.habilitations, settings.mailer, settings.base_url).as_dict()


def _member(conn, siren: str, user_id: str) -> None:
    if company_member_state(conn, user_id, siren) != "granted":
        raise NotFound("utilisateur_inconnu", "utilisateur inconnu pour cette entreprise")
    if accounts.company_admin(conn, siren) == user_id:
        raise Conflict("administrateur_principal", "l'administrateur principal a tous les droits sur l'entreprise")


@router.put("/{siren}/users/{user_id}/habilitations")
def set_habilitations(request: Request, siren: str, user_id: str, body: Habilitations,
                      caller: Caller = Depends(current_caller)) -> dict:
    """Replace a user's habilitations on the company."""
    with request.app.state.engine.begin() as conn:
        _member(conn, siren, user_id)
        grant_company(conn, caller.id, user_id, siren, body.habilitations)
        return accounts.account(conn, user_id, {siren}).as_dict()


@router.delete("/{siren}/users/{user_id}")
def remove_user(request: Request, siren: str, user_id: str, caller: Caller = Depends(current_caller)) -> dict:
    """Take the company out of a user's portfolio (or refuse his access request)."""
    with request.app.state.engine.begin() as conn:
        if company_member_state(conn, user_id, siren) == "granted":
            _member(conn, siren, user_id)
        remove_company(conn, caller.id, user_id, siren)
    return {"siren": siren, "user_id": user_id, "status": "removed"}


@router.get("/{siren}/audit")
def company_audit(request: Request, siren: str, paging: Page = Depends(page)) -> dict:
    with request.app.state.engine.connect() as conn:
        return paging.envelope(audit_entries(conn, siren, paging.limit, paging.offset))


@router.post("/{siren}/adherents", status_code=201)
def add_adherent(request: Request, siren: str, body: Adhesion, caller: Caller = Depends(current_caller)) -> dict:
    """Another adhérent in the company account, checked against the referential; returns the administrator."""
    with request.app.state.engine.begin() as conn:
        return accounts.add_adherent(conn, caller, siren, body.siret, body.adherent, body.contract).as_dict()


@router.delete("/{siren}/adherents/{adherent_siren}")
def remove_adherent(request: Request, siren: str, adherent_siren: str,
                    caller: Caller = Depends(current_caller)) -> dict:
    with request.app.state.engine.begin() as conn:
        return accounts.remove_adherent(conn, caller, siren, adherent_siren).as_dict()
