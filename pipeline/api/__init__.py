"""The portal's HTTP JSON API (FastAPI, served by uvicorn through ``dsn serve``).

Routes are thin: each calls a library function (:mod:`pipeline.portal`, the store products) and returns its
``as_dict()``. Every route is declared in :data:`pipeline.api.table.ROUTES` with the domain and access it
needs; one dependency (:func:`pipeline.api.guard.guard`) enforces that table on every request.
"""
from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
