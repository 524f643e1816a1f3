"""Derived tables, computed from the stored declarations and block tables: declaration states, employees,
their identities and their months.

The ingestion transaction derives them for its submission (:func:`derive`, ``fresh=True``);
:func:`recompute_day` derives them again for the submissions received on a day, in one transaction, and
repairs what differs. Both run the same code, so a recomputation of an intact store changes nothing.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa

from ..store import make_engine, migrate
from ..store.history import submissions_received
from ..store.schema import declarations
from .employees import EmployeeChanges, derive_employees
from .states import replay_states


@dataclass
class DerivedChanges(EmployeeChanges):
    """Rows written by a derivation: those of :class:`EmployeeChanges`, and the declarations whose state,
    validity or replaced declaration changed."""

    declarations: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())

    def as_dict(self) -> dict:
        return asdict(self)


def derive(conn: sa.Connection, submission_ids: list[str], fresh: bool) -> DerivedChanges:
    """Derive the tables of the submissions on ``conn`` (inside the caller's transaction).

    ``fresh``: the submissions were just stored and have no employee months yet.
    """
    declaration_ids = conn.execute(sa.select(declarations.c.id)
                                   .where(declarations.c.submission_id.in_(submission_ids))).scalars().all()
    states = replay_states(conn, submission_ids)
    return DerivedChanges(declarations=states, **asdict(derive_employees(conn, declaration_ids, fresh)))


def recompute_day(url: str | sa.Engine, day: date) -> tuple[list[str], DerivedChanges]:
    """Recompute the derived tables of the submissions loaded on ``day`` (Paris time) in one transaction.

    Returns the submissions' ids and what had to be repaired (all zero when the store was consistent).
    """
    engine = url if isinstance(url, sa.Engine) else make_engine(url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            ids = submissions_received(conn, day, "loaded")
            return ids, derive(conn, ids, fresh=False)
    finally:
        if engine is not url:
            engine.dispose()
