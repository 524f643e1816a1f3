"""Routes of the sick-leave arrêts (pipeline.products.arrets): a company's arrêts, one arrêt with its salary
history, and the declaration drafts (create, correct a salary line, duplicate one, change the status)."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParameter
from pydantic import BaseModel, Field

from pipeline.portal.errors import Conflict, Invalid, NotFound
from pipeline.portal.habilitations import Caller

from .guard import current_caller
from .paging import Page, page
from .products import MONTH_PATTERN, cached, paged, unmasked

router = APIRouter(prefix="/v1", tags=["arrêts de travail"])
DOMAIN = "arret_travail"
STATUSES = ("à compléter", "document manquant", "transmise", "en cours", "clos")


class Correction(BaseModel):
    month: str = Field(pattern=MONTH_PATTERN, description="mois de la ligne de salaire (AAAA-MM)")
    field: str = Field(description="gross.001, gross.002, gross.003, gross.010, net_taxable ou net_paid")
    value: str = Field(description="montant saisi")


class StatusChange(BaseModel):
    status: str = Field(description=", ".join(STATUSES))


def _siren(conn, arret_id: str) -> str:
    from pipeline.store.schema_arrets import arrets

    return conn.execute(arrets.select().with_only_columns(arrets.c.siren)
                        .where(arrets.c.arret_id == arret_id)).scalar_one()


@router.get("/companies/{siren}/arrets")
def company_arrets(request: Request, siren: str, paging: Page = Depends(page),
                   caller: Caller = Depends(current_caller), siret: str | None = None,
                   matricule: str | None = Query(None, description="matricule ou identifiant du salarié"),
                   status: str | None = Query(None, enum=list(STATUSES)), as_of: date | None = None,
                   unmask: bool = False) -> dict:
    """The company's arrêts, as ``dsn arrets list --siren S --format json`` with the same filters."""
    from pipeline.products.arrets import list_arrets

    with request.app.state.engine.begin() as conn:
        clear = unmasked(request, conn, caller, siren, DOMAIN, unmask)
        items = cached(request, conn, lambda: [r.as_dict(clear) for r in list_arrets(
            conn, siren=siren, siret=siret, employee=matricule, status=status, as_of=as_of)],
                       siren, siret, matricule, status, as_of, clear)
    return paged(paging, items)


@router.get("/arrets/{arret_id}")
def arret(request: Request, arret_id: str, caller: Caller = Depends(current_caller), as_of: date | None = None,
          unmask: bool = False) -> dict:
    """One arrêt with its 12-month salary history, as ``dsn arrets show ID --format json``."""
    from pipeline.products.arrets import get_arret
    from pipeline.products.arrets_salary import MissingPmss

    with request.app.state.engine.begin() as conn:
        clear = unmasked(request, conn, caller, _siren(conn, arret_id), DOMAIN, unmask)
        try:
            return cached(request, conn, lambda: get_arret(conn, arret_id, as_of).as_dict(clear), arret_id, as_of,
                          clear)
        except MissingPmss as err:
            raise Invalid("pmss_manquant", str(err)) from None


def _draft_call(request: Request, caller: Caller, arret_id: str, unmask: bool, action, exists: bool = True,
                status: int = 200):
    from pipeline.products.arrets_drafts import DraftError, draft_statuses

    with request.app.state.engine.begin() as conn:
        clear = unmasked(request, conn, caller, _siren(conn, arret_id), DOMAIN, unmask)
        found = arret_id in draft_statuses(conn, [arret_id])
        if exists and not found:
            raise NotFound("brouillon_inconnu", f"aucun brouillon pour l'arrêt {arret_id}")
        if not exists and found:
            raise Conflict("brouillon_existant", f"un brouillon existe déjà pour l'arrêt {arret_id}")
        try:
            return action(conn).as_dict(clear)
        except DraftError as err:
            raise Invalid("brouillon_refuse", str(err)) from None


@router.get("/arrets/{arret_id}/draft")
def draft(request: Request, arret_id: str, caller: Caller = Depends(current_caller), unmask: bool = False) -> dict:
    """The arrêt's draft: the pre-filled declaration, the user's corrections, the change log."""
    from pipeline.products.arrets_drafts import get_draft

    return _draft_call(request, caller, arret_id, unmask, lambda conn: get_draft(conn, arret_id))


@router.post("/arrets/{arret_id}/draft", status_code=201)
def create_draft(request: Request, arret_id: str, caller: Caller = Depends(current_caller),
                 unmask: bool = False) -> dict:
    """Save the pre-filled declaration as a draft (status « à compléter »)."""
    from pipeline.products.arrets_drafts import create_draft as create

    return _draft_call(request, caller, arret_id, unmask, lambda conn: create(conn, arret_id, caller.email),
                       exists=False)


@router.patch("/arrets/{arret_id}/draft")
def correct_draft(request: Request, arret_id: str, body: Correction, caller: Caller = Depends(current_caller),
                  unmask: bool = False) -> dict:
    """Record the user's value of one field of a salary line (the DSN value is kept beside it)."""
    from pipeline.products.arrets_drafts import correct_line

    return _draft_call(request, caller, arret_id, unmask, lambda conn: correct_line(
        conn, arret_id, caller.email, body.month, body.field, body.value))


@router.post("/arrets/{arret_id}/draft/lines/{month}/duplicate")
def duplicate_draft_line(request: Request, arret_id: str, month: str = PathParameter(pattern=MONTH_PATTERN),
                         caller: Caller = Depends(current_caller), unmask: bool = False) -> dict:
    """Add a copy of the salary line of ``month`` (YYYY-MM)."""
    from pipeline.products.arrets_drafts import duplicate_line

    return _draft_call(request, caller, arret_id, unmask,
                       lambda conn: duplicate_line(conn, arret_id, caller.email, month))


@router.post("/arrets/{arret_id}/draft/status")
def change_draft_status(request: Request, arret_id: str, body: StatusChange,
                        caller: Caller = Depends(current_caller), unmask: bool = False) -> dict:
    """Move the draft to another status (transitions checked)."""
    from pipeline.products.arrets_drafts import set_status

    return _draft_call(request, caller, arret_id, unmask,
                       lambda conn: set_status(conn, arret_id, caller.email, body.status))
