"""Derived tables, computed from the stored declarations and block tables: declaration states, employees,
their identities and their months, then the store products (:mod:`pipeline.products`) of the companies
concerned.

The ingestion transaction derives them for its submission (:func:`derive`, ``fresh=True``);
:func:`recompute_day` derives them again for the submissions received on a day, in one transaction, and
repairs what differs. Both run the same code, so a recomputation of an intact store changes nothing.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

import sqlalchemy as sa

from ..products import ProductChanges, all_sirens, recompute_products, sirens_of
from ..store import make_engine, migrate
from ..store.history import submissions_received
from ..store.schema import declarations
from .employees import EmployeeChanges, derive_employees
from .states import replay_states


@dataclass
class DerivedChanges(EmployeeChanges):
    """Rows written by a derivation: those of :class:`EmployeeChanges`, the declarations whose state,
    validity or replaced declaration changed, and the product rows per product."""

    declarations: int = 0
    products: ProductChanges = field(default_factory=ProductChanges)

    @property
    def total(self) -> int:
        return sum(v for k, v in self.as_dict().items() if k != "products") + self.products.total

    def as_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "products"}
        return {**out, "products": self.products.as_dict()}


def derive(conn: sa.Connection, submission_ids: list[str], fresh: bool, as_of: date | None = None,
           with_products: bool = True) -> DerivedChanges:
    """Derive the tables of the submissions on ``conn`` (inside the caller's transaction), then the products
    of their companies as of ``as_of`` (default today).

    ``fresh``: the submissions were just stored and have no employee months yet.
    """
    declaration_ids = conn.execute(sa.select(declarations.c.id)
                                   .where(declarations.c.submission_id.in_(submission_ids))).scalars().all()
    states = replay_states(conn, submission_ids)
    employees = derive_employees(conn, declaration_ids, fresh)
    products = recompute_products(conn, sirens_of(conn, declaration_ids) if with_products else [], as_of,
                                  declarations=list(declaration_ids))
    return DerivedChanges(declarations=states, products=products, **asdict(employees))


def recompute_day(url: str | sa.Engine, day: date) -> tuple[list[str], DerivedChanges]:
    """Recompute the derived tables of the submissions loaded on ``day`` (Paris time), and the products of
    every company as of ``day``, in one transaction.

    Returns the submissions' ids and what had to be repaired (all zero when the store was consistent).
    """
    engine = url if isinstance(url, sa.Engine) else make_engine(url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            ids = submissions_received(conn, day, "loaded")
            changes = derive(conn, ids, fresh=False, with_products=False)
            changes.products = recompute_products(conn, all_sirens(conn), day)
            return ids, changes
    finally:
        if engine is not url:
            engine.dispose()
