"""Store products: what the portal shows, derived from the stored declarations.

One module per product (``arrets``, ``affiliations``, ``cotisations``), each with the same shape:

- its derived tables, declared on the store's one metadata (``pipeline.store.schema_<product>``) and created by
  an Alembic revision;
- ``recompute(conn, sirens, as_of, declarations=None) -> int``: set-based SQL over the stored block tables, for
  the companies (SIREN) given, inside the caller's transaction; it writes only what differs (rows missing or
  stale) and returns how many rows it wrote, so a recomputation of an intact store returns 0. It runs in each
  ingest transaction (:func:`recompute_products`, the SIRENs of the submission, ``declarations`` the ids of the
  declarations just stored: a product may restrict its work to what they can change, see :func:`touched`) and in
  the nightly reconciliation (every SIREN as of the run's day, ``declarations=None``: everything), which repairs
  drift, so an incremental recompute that missed something is caught there;
- query functions returning typed records (:mod:`pipeline.products.records`) whose ``as_dict()`` is exactly the
  JSON the CLI prints and the portal API serves.

Products are registered in :data:`PRODUCTS` (module names, imported when used: the ingest of a file imports
them, ``dsn --help`` does not).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import import_module

import sqlalchemy as sa

PRODUCTS = ("arrets", "affiliations", "cotisations")


@dataclass
class ProductChanges:
    """Rows written per product by a recomputation (all zero when the store was consistent)."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def as_dict(self) -> dict:
        return dict(self.rows)


def product_module(name: str):
    """The module of a registered product."""
    if name not in PRODUCTS:
        raise KeyError(name)
    return import_module(f"{__name__}.{name}")


def available_products() -> list[str]:
    """The products a recomputation runs, in order (tests and benchmarks narrow it to the product they measure)."""
    return list(PRODUCTS)


def sirens_of(conn: sa.Connection, declaration_ids: list[str]) -> list[str]:
    """The distinct SIRENs of the given declarations, sorted."""
    from ..store.schema import declarations

    if not declaration_ids:
        return []
    d = declarations.c
    rows = conn.execute(sa.select(d.siren).distinct().where(d.id.in_(declaration_ids), d.siren.is_not(None)))
    return sorted(rows.scalars())


def all_sirens(conn: sa.Connection) -> list[str]:
    """Every SIREN the store holds a declaration of, sorted."""
    from ..store.schema import declarations

    d = declarations.c
    return sorted(conn.execute(sa.select(d.siren).distinct().where(d.siren.is_not(None))).scalars())


def touched(conn: sa.Connection, declaration_ids: list[str]) -> list[str]:
    """The declarations an ingest of ``declaration_ids`` can change the products of: those declarations and every
    other declaration (any state) of the same SIREN, establishment and month, among them the ones they replace or
    cancel. Sorted ids."""
    from ..store.schema import declarations

    if not declaration_ids:
        return []
    d, new = declarations.alias("d"), declarations.alias("new")
    same = sa.and_(d.c.siren == new.c.siren, d.c.nic == new.c.nic, d.c.month == new.c.month)
    query = (sa.select(d.c.id).distinct().join(new, same).where(new.c.id.in_(declaration_ids)))
    return sorted(set(conn.execute(query).scalars()) | set(declaration_ids))


def recompute_products(conn: sa.Connection, sirens: list[str], as_of: date | None = None,
                       declarations: list[str] | None = None) -> ProductChanges:
    """Recompute every product for ``sirens`` on ``conn`` (inside the caller's transaction); ``declarations``:
    the ids just stored by an ingest (None: recompute everything of ``sirens``)."""
    changes = ProductChanges()
    if not sirens:
        return changes
    for name in available_products():
        changes.rows[name] = product_module(name).recompute(conn, sirens, as_of or date.today(),
                                                            declarations=declarations)
    return changes
