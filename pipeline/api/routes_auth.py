"""Routes of authentication and of the caller's own account: health, login, activation, company
registration, logout, password change."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from pipeline.portal import accounts
from pipeline.portal.errors import NotAuthenticated
from pipeline.portal.habilitations import Caller
from pipeline.portal.tokens import issue_token, revoke_token, use_activation
from pipeline.store import current_revision

from .guard import current_caller
from .paging import Page, page

router = APIRouter(prefix="/v1")


class Activation(BaseModel):
    token: str
    password: str


class Registration(BaseModel):
    siret: str
    adherent: str
    contract: str
    name: str
    email: str


class PasswordChange(BaseModel):
    current_password: str
    new_password: str


@router.get("/health", tags=["service"])
def health(request: Request) -> dict:
    with request.app.state.engine.connect() as conn:
        return {"status": "ok", "schema": current_revision(conn)}


@router.post("/auth/token", tags=["authentification"])
def token(request: Request, form: OAuth2PasswordRequestForm = Depends()) -> dict:
    """OAuth2 password grant: ``username`` is the e-mail."""
    with request.app.state.engine.begin() as conn:
        user_id = accounts.authenticate(conn, form.username, form.password)
        issued = issue_token(conn, user_id, request.app.state.settings.token_ttl) if user_id else None
    if issued is None:
        raise NotAuthenticated("identifiants_invalides", "adresse électronique ou mot de passe incorrect")
    return issued.as_dict()


@router.post("/auth/activate", tags=["authentification"])
def activate(request: Request, body: Activation) -> dict:
    """Spend the activation link's token and set the first password."""
    accounts.check_strength(body.password)
    with request.app.state.engine.begin() as conn:
        user_id = use_activation(conn, body.token)
        accounts.activate(conn, user_id, body.password)
        return accounts.account(conn, user_id).as_dict()


@router.post("/accounts", status_code=201, tags=["authentification"])
def register(request: Request, body: Registration) -> dict:
    """A company account by SIRET, numéro d'adhérent and numéro de contrat; its administrator gets the link."""
    settings = request.app.state.settings
    with request.app.state.engine.begin() as conn:
        return accounts.register_company(conn, body.siret, body.adherent, body.contract, body.name, body.email,
                                         settings.mailer, settings.base_url).as_dict()


@router.post("/auth/logout", tags=["authentification"])
def logout(request: Request) -> dict:
    with request.app.state.engine.begin() as conn:
        revoke_token(conn, request.state.token)
    return {"status": "revoked"}


@router.get("/users/me", tags=["utilisateurs"])
def me(request: Request, caller: Caller = Depends(current_caller)) -> dict:
    with request.app.state.engine.connect() as conn:
        return accounts.account(conn, caller.id).as_dict()


@router.post("/users/me/password", tags=["utilisateurs"])
def change_password(request: Request, body: PasswordChange, caller: Caller = Depends(current_caller)) -> dict:
    """Change the password; every token of the caller is revoked (log in again)."""
    with request.app.state.engine.begin() as conn:
        revoked = accounts.change_password(conn, caller.id, body.current_password, body.new_password)
    return {"status": "changed", "revoked_tokens": revoked}


@router.get("/users", tags=["utilisateurs"])
def all_users(request: Request, paging: Page = Depends(page)) -> dict:
    with request.app.state.engine.connect() as conn:
        return paging.envelope(accounts.all_accounts(conn, paging.limit, paging.offset))
