"""The dependency on every route: find the route in the declared table, authenticate the bearer token, and
authorize the caller for the route's company, domain and access (operators' accesses audited)."""
from __future__ import annotations

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from pipeline.portal.audit import audit
from pipeline.portal.errors import Forbidden, NotAuthenticated, NotFound
from pipeline.portal.habilitations import Caller, authorize
from pipeline.portal.queue import queued_upload
from pipeline.portal.submissions import submission_sirens

from .table import BY_KEY

UNKNOWN = {"submission": ("depot_inconnu", "dépôt inconnu"), "arret": ("arret_inconnu", "arrêt inconnu")}

bearer = OAuth2PasswordBearer(tokenUrl="/v1/auth/token", auto_error=False)


def guard(request: Request, token: str | None = Depends(bearer)) -> None:
    """Raise unless the request may be served; leaves ``request.state.caller`` and ``.token``."""
    route = BY_KEY.get((request.method, request.scope["route"].path))
    if route is None or route.pending:
        raise RuntimeError(f"route absente de la table des routes : {request.method} {request.scope['route'].path}")
    request.state.caller, request.state.token = None, token
    if route.scope == "public":
        return
    if not token:
        raise NotAuthenticated("non_authentifie", "authentification requise (jeton bearer)")
    engine = request.app.state.engine
    with engine.begin() as conn:
        caller = request.app.state.callers.caller(conn, token)
        request.state.caller = caller
        params = request.path_params
        if route.scope == "operator" and not caller.operator:
            raise Forbidden("operateur_requis", "réservé aux opérateurs de l'assureur")
        if route.scope == "tiers" and caller.role != "tiers":
            raise Forbidden("tiers_requis", "réservé aux tiers déclarants")
        sirens: list[str] = []
        if route.scope == "company":
            sirens = [params["siren"]]
        elif route.scope in UNKNOWN:
            found = _owners(request, conn, route.scope, params)
            if found is None or (not found and not caller.operator):
                raise NotFound(*UNKNOWN[route.scope])
            sirens = sorted(found)
        for siren in sirens:
            try:
                authorize(caller, siren, route.domain, route.access)
            except NotFound:
                if route.scope in UNKNOWN:
                    raise NotFound(*UNKNOWN[route.scope]) from None
                raise
        if caller.operator and sirens:
            audit(conn, caller.id, f"opérateur {request.method} {route.path}", sirens[0],
                  params.get("submission_id") or params.get("arret_id") or params.get("user_id"))


def _owners(request: Request, conn, scope: str, params: dict) -> set[str] | None:
    """The SIRENs the submission (stored or queued) or the arrêt of the path belongs to; None if unknown."""
    if scope == "arret":
        from pipeline.store.schema_arrets import arrets

        siren = conn.execute(sa.select(arrets.c.siren).where(arrets.c.arret_id == params["arret_id"])).first()
        return None if siren is None else {siren[0]}
    found = submission_sirens(conn, params["submission_id"])
    if found is None:
        upload = queued_upload(request.app.state.settings.queue_dir, params["submission_id"])
        found = None if upload is None else set(upload.sirens)
    return found


def current_caller(request: Request) -> Caller:
    """The caller authenticated by the guard."""
    return request.state.caller
