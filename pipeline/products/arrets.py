"""Sick-leave arrêts (arrêts de travail) pre-filled from the stored DSN history.

:func:`recompute` rebuilds the ``arrets`` table of the companies with each arrêt's affiliations on its start
(:mod:`.arrets_derive`), its salary lines (:mod:`.arrets_salary`) and its cross-declaration checks
(:mod:`.arrets_checks`), all of them or only what an ingest's declarations touch; :func:`list_arrets` and
:func:`get_arret` return the records of :mod:`.arrets_records` read from those tables (the detail adds the
affiliations, the 12-month salary history and the reference salary, and the indemnisation periods,
:mod:`.arrets_indemnities`).

Status: the status of the arrêt's draft when a user saved one (:mod:`.arrets_drafts`), else ``clos`` once a
reprise is declared (on or before the as-of date), else ``à compléter``.
"""
from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from ..store.schema_arrets import arret_affiliations, arrets
from . import touched
from .arrets_checks import anomalies_of, derive_checks
from .arrets_derive import close_scope, derive_affiliations, derive_arrets, open_scope
from .arrets_drafts import draft_statuses
from .arrets_indemnities import indemnisation
from .arrets_records import Affiliation, Arret, ArretContract, ArretDetail, ArretEmployee, Reprise, Subrogation
from .arrets_salary import derive_salary, reference_salary, salary_history

OPEN, CLOSED = "à compléter", "clos"
REPRISE_SOURCES = {"05": "signalement 05"}


def recompute(conn: sa.Connection, sirens: list[str], as_of: date,
              declarations: list[str] | None = None) -> int:
    """Recompute the arrêts of ``sirens``, their affiliations, salary lines and checks as of ``as_of``; rows
    written (0 when intact). ``declarations`` (an ingest's): only the employees they touch (see
    :class:`.arrets_derive.Scope`); None: everything."""
    if not sirens:
        return 0
    scope = open_scope(conn, sirens, None if declarations is None else touched(conn, declarations))
    if scope is None:
        return 0
    try:
        return (derive_arrets(conn, scope) + derive_affiliations(conn, scope) + derive_salary(conn, scope)
                + derive_checks(conn, scope, as_of))
    finally:
        close_scope(conn, scope)


def run_summary(conn: sa.Connection) -> list[str]:
    """French lines for ``dsn run``: arrêts stored, with and without a declared reprise, and their checks."""
    from ..store.schema_arrets import arret_anomalies

    a, t = arrets.c, arret_anomalies.c
    total, closed = conn.execute(sa.select(sa.func.count(), sa.func.count(a.reprise_date))).one()
    lines = [f"arrêts de travail : {total} ({total - closed} sans reprise déclarée, {closed} avec reprise)"]
    counts = conn.execute(sa.select(t.code, sa.func.count()).group_by(t.code).order_by(t.code)).all()
    if counts:
        lines.append("anomalies de suivi des arrêts : " + ", ".join(f"{code} × {n}" for code, n in counts))
    return lines


def _seniority(contract_start: date | None, start: date) -> tuple[int | None, int | None]:
    """Seniority at ``start``: days since the contract start, and completed months."""
    if contract_start is None:
        return None, None
    months = (start.year - contract_start.year) * 12 + start.month - contract_start.month \
        - (start.day < contract_start.day)
    return (start - contract_start).days, max(months, 0)


def _birth_date(text: str | None) -> date | str | None:
    """S21.G00.30.006 (JJMMAAAA) as a date when it is one, else as declared."""
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2])) if text else None
    except ValueError:
        return text


def _record(row, as_of: date | None, status: str | None = None, cls=Arret, **extra) -> Arret:
    reprise = None
    if row.reprise_date is not None and (as_of is None or row.reprise_date <= as_of):
        reprise = Reprise(row.reprise_date, row.reprise_motif, REPRISE_SOURCES.get(row.reprise_nature, "mensuelle"))
    days, months = _seniority(row.contract_start, row.start)
    return cls(
        arret_id=row.arret_id, siren=row.siren, siret=row.siret,
        employee=ArretEmployee(row.matricule, row.nir, row.nom, row.prenoms, _birth_date(row.birth_date)),
        contract=ArretContract(row.contract_number, row.contract_start, row.statut_conventionnel,
                               row.statut_categoriel, row.contract_nature, row.quotite_reference, row.quotite),
        motif=row.motif, last_day_worked=row.last_day_worked, start=row.start, planned_end=row.planned_end,
        accident_date=row.accident_date,
        subrogation=Subrogation(row.subrogation == "01", row.subrogation_start, row.subrogation_end, row.iban,
                                row.bic),
        reprise=reprise, declared_in=[Path(name).name for name in row.declared_in.split("|")],
        submissions=row.submissions.split("|"), seniority_days=days, seniority_months=months,
        status=status or (CLOSED if reprise else OPEN), **extra)


def list_arrets(conn: sa.Connection, siren: str | None = None, siret: str | None = None,
                employee: str | None = None, status: str | None = None, period: tuple[date, date] | None = None,
                as_of: date | None = None) -> list[Arret]:
    """The arrêts matching the filters, by SIREN, start, matricule: ``employee`` is a matricule or an
    employee id; ``period`` (first, last) keeps the arrêts running during it; ``as_of`` keeps those started on
    or before that day and counts only the reprises declared by then."""
    a = arrets.c
    query = sa.select(arrets).order_by(a.siren, a.start, a.matricule, a.arret_id)
    if siren:
        query = query.where(a.siren == siren)
    if siret:
        query = query.where(a.siret == siret)
    if employee:
        query = query.where(sa.or_(a.matricule == employee, a.employee_id == employee))
    if as_of:
        query = query.where(a.start <= as_of)
    if period:
        first, last = period
        query = query.where(a.start <= last, sa.func.coalesce(a.reprise_date, a.planned_end, last) >= first)
    rows = conn.execute(query).all()
    drafts = draft_statuses(conn, [row.arret_id for row in rows])
    records = [_record(row, as_of, drafts.get(row.arret_id)) for row in rows]
    return [r for r in records if status is None or r.status == status]


def affiliations_of(conn: sa.Connection, arret_id: str) -> list[Affiliation]:
    """The affiliations of the arrêt's employee on its start (stored by the recompute)."""
    f = arret_affiliations.c
    rows = conn.execute(sa.select(f.contract_reference, f.organisme, f.option, f.population)
                        .where(f.arret_id == arret_id).order_by(f.contract_reference, f.option))
    return [Affiliation(*row) for row in rows]


def get_arret(conn: sa.Connection, arret_id: str, as_of: date | None = None) -> ArretDetail | None:
    """One arrêt with its affiliations, checks, 12-month salary history, reference salary and indemnisation
    periods as of ``as_of`` (default today); None if unknown."""
    row = conn.execute(sa.select(arrets).where(arrets.c.arret_id == arret_id)).first()
    if row is None:
        return None
    history = salary_history(conn, arret_id, row.start)
    detail = _record(row, as_of, draft_statuses(conn, [arret_id]).get(arret_id), ArretDetail,
                     affiliations=affiliations_of(conn, arret_id),
                     anomalies=anomalies_of(conn, arret_id=arret_id), salary_history=history,
                     reference_salary=reference_salary(history))
    return dataclasses.replace(detail, indemnisation=indemnisation(conn, detail, as_of or date.today()))
