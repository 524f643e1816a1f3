"""Declaration states from the annule-et-remplace chain, replayed in order of reception.

A declaration is ``current`` from its reception (``valid_from``, the ``received_at`` of its submission). A type
03 or 05 (annule et remplace) marks the current declaration it targets ``superseded`` and a type 04 (annule)
marks it ``cancelled``, with ``valid_to`` = the reception of the replacing declaration and ``replaces_id``
pointing at the target. The target shares the replacing declaration's nature, SIREN, NIC, fraction and month;
among the declarations still current at that moment, the latest received whose file date and order number
form ``S20.G00.05.006`` wins, else the latest received; without a month (signalements) only the
``S20.G00.05.006`` match counts. An annulment is itself ``cancelled`` with an empty validity interval.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa

from ..store.schema import declarations, submissions

REPLACING_TYPES = {"03": "superseded", "05": "superseded", "04": "cancelled"}
ANNULMENT = "04"
KEY = ("nature", "siren", "nic", "fraction", "month")
DERIVED = ("state", "valid_from", "valid_to", "replaces_id")


def _d8(day) -> str:
    return day.strftime("%d%m%Y") if day else ""


def _same(column: sa.Column, value) -> sa.ColumnElement:
    """``column = value``, or ``IS NULL`` for None (equality keeps the PostgreSQL key index usable)."""
    return column.is_(None) if value is None else column == value


def replay(rows: list) -> dict[str, dict]:
    """Declaration id → its derived columns, for the declarations of one key in order of reception."""
    out: dict[str, dict] = {}
    current: list = []  # declarations still current, oldest first
    for row in rows:
        annulment = row.type == ANNULMENT
        out[row.id] = {"state": "cancelled" if annulment else "current", "valid_from": row.received_at,
                       "valid_to": row.received_at if annulment else None, "replaces_id": None}
        new_state = REPLACING_TYPES.get(row.type)
        if new_state is not None:
            named = [c for c in reversed(current)
                     if row.replaces and f"{_d8(c.file_date)}{c.order_number}" == row.replaces]
            target = named[0] if named else (current[-1] if current and row.month is not None else None)
            if target is not None:
                out[row.id]["replaces_id"] = target.id
                out[target.id].update(state=new_state, valid_to=row.received_at)
                current.remove(target)
        if not annulment:
            current.append(row)
    return out


def replay_states(conn: sa.Connection, submission_ids: Iterable[str]) -> int:
    """Set the derived columns of every declaration sharing a key with the submissions' declarations.

    Whole chains are replayed, so declarations of other submissions in the same chains are repaired too.
    Returns how many declaration rows changed.
    """
    d = declarations.c
    keys = conn.execute(sa.select(*(d[k] for k in KEY)).distinct()
                        .where(d.submission_id.in_(list(submission_ids)))).all()
    if not keys:
        return 0
    rows = conn.execute(
        sa.select(d.id, d.type, d.replaces, d.file_date, d.order_number, *(d[k] for k in KEY),
                  *(d[k] for k in DERIVED), submissions.c.received_at)
        .join(submissions, submissions.c.id == d.submission_id)
        .where(sa.or_(*(sa.and_(*(_same(d[k], v) for k, v in zip(KEY, key))) for key in keys)))
        .order_by(submissions.c.received_at, d.submission_id, d.instance_id)).all()
    chains = defaultdict(list)
    for row in rows:
        chains[tuple(getattr(row, k) for k in KEY)].append(row)
    stored = {row.id: {k: getattr(row, k) for k in DERIVED} for row in rows}
    changed = 0
    for chain in chains.values():
        for declaration_id, wanted in replay(chain).items():
            # only the differing columns: DuckDB refuses to write the replaces_id of a referenced row
            values = {k: v for k, v in wanted.items() if v != stored[declaration_id][k]}
            if values:
                conn.execute(declarations.update().where(d.id == declaration_id).values(**values))
                changed += 1
    return changed
