"""The FastAPI application: the store engine (migrated), the guard on every route, errors as JSON."""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from pipeline.portal.errors import PortalError

from . import (routes_affiliations, routes_arrets, routes_auth, routes_companies, routes_cotisations,
               routes_submissions)
from .cache import AnswerCache
from .callers import CallerCache, watch
from .guard import guard
from .settings import Settings


POOL_SIZE = 20  # store connections kept open (as many again opened when busy): the requests' threads share them


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API over the store of ``settings.db_url`` (migrated to the newest revision when opened)."""
    from pipeline.ingest import store_engine
    from pipeline.store import make_engine

    settings = settings or Settings()
    app = FastAPI(title="Portail DSN", version="1", description="API du portail entreprises : comptes, "
                  "habilitations, dépôts DSN et anomalies, produits du stock.", dependencies=[Depends(guard)],
                  lifespan=_held_store)
    app.state.settings = settings
    app.state.cache = AnswerCache(settings.cache_ttl)
    store_engine(settings.db_url)  # migrated
    app.state.engine = make_engine(settings.db_url, pool_size=POOL_SIZE)
    app.state.callers = CallerCache(settings.caller_ttl)
    watch(app.state.engine, app.state.callers)
    for module in (routes_auth, routes_companies, routes_submissions, routes_arrets, routes_cotisations,
                   routes_affiliations):
        app.include_router(module.router)
    app.add_exception_handler(PortalError, _portal_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    return app


@asynccontextmanager
async def _held_store(app: FastAPI):
    """On DuckDB, one connection held open while the app serves: the requests' pooled connections (opened from
    several threads) then share the open database instead of each attaching the file anew, which races when
    one closes the file as another opens it. The pool is closed when the app stops."""
    engine = app.state.engine
    anchor = engine.raw_connection() if engine.dialect.name == "duckdb" else None
    try:
        yield
    finally:
        if anchor is not None:
            anchor.close()
        engine.dispose()


def _portal_error(_request: Request, err: PortalError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
    return JSONResponse(err.as_dict(), status_code=err.status, headers=headers)


def _invalid_request(_request: Request, err: RequestValidationError) -> JSONResponse:
    details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg")} for e in err.errors()]
    return JSONResponse({"error": "requete_invalide", "message": "requête invalide : " + "; ".join(
        f"{d['where']} : {d['message']}" for d in details), "details": details}, status_code=422)
