"""The ``arrets`` table recomputed in SQL from the current declarations (signalements 04/05 and mensuelles), and
the affiliations of each arrêt on its start (``arret_affiliations``).

One arrêt per (employee, last day worked S21.G00.60.002, motif S21.G00.60.001); its id is the md5 of those
three (the employee by its primary identity, ``nir:…``), so it is stable across recomputes, ingest orders and
stores. The declarations carrying it are ordered by file
date (S20.G00.05.007), nature, file name: the last one gives the arrêt's fields (planned end, subrogation,
identity, contract), the reprise (S21.G00.60.010/.011) comes from a signalement 05 when there is one, else from
the latest declaration carrying it. The wanted rows are built in a temporary table, then the stored rows that
differ are deleted and the missing ones inserted (:func:`sync`).

:class:`Scope`: what a recompute covers. The nightly covers every arrêt of the companies; an ingest only what the
declarations it touched (:func:`pipeline.products.touched`) can change: the arrêts of the employees with an
S21.G00.60 in them, and the arrêts of their other employees whose salary window, affiliations or checks look
at their month (everything of an arrêt depends only on its employee's declarations).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..store.schema import ID
from ..store.schema_arrets import ARRET_ID, arret_affiliations, arrets

_temporary = sa.MetaData()
wanted = sa.Table("derived_arrets", _temporary, *(sa.Column(c.name, c.type) for c in arrets.c),
                  prefixes=["TEMPORARY"])
_employees = sa.Table("derived_arret_employees", _temporary, sa.Column("employee_id", ID), prefixes=["TEMPORARY"])
_arrets = sa.Table("derived_arret_scope", _temporary, sa.Column("arret_id", ARRET_ID), prefixes=["TEMPORARY"])
COLUMNS = [c.name for c in arrets.c]
ORDER = "file_date, nature, filename, submission_id"
ORDER_DESC = "file_date DESC, nature DESC, filename DESC, submission_id DESC"
KEY = "employee_id, ldw, motif"

SCOPE_EMPLOYEES = """
INSERT INTO derived_arret_employees
SELECT DISTINCT em.employee_id FROM arret x
JOIN employee_months em ON em.submission_id = x.submission_id AND em.individu_id = x.individu_id
WHERE x.declaration_id IN :touched AND em.siren IN :sirens
"""
SCOPE_ARRETS = """
INSERT INTO derived_arret_scope
SELECT a.arret_id FROM arrets a
WHERE a.siren IN :sirens AND a.arret_id NOT IN (SELECT arret_id FROM derived_arret_scope)
  AND (a.employee_id IN (SELECT employee_id FROM derived_arret_employees)
       OR EXISTS (SELECT 1 FROM employee_months em
                  WHERE em.declaration_id IN :touched AND em.employee_id = a.employee_id
                    AND em.month <= GREATEST(a.start, COALESCE(a.planned_end, a.start))))
"""


@dataclass(frozen=True)
class Scope:
    """The companies of a recompute and, for an ingest, the employees and arrêts it is restricted to."""

    sirens: list[str]
    touched: list[str] | None = None  # the declarations of an ingest (None: everything)

    @property
    def partial(self) -> bool:
        return self.touched is not None

    def employees(self, column: str) -> str:
        """A condition (`` AND …``, empty when whole) keeping the rows of ``column`` (an employee id) in scope:
        the employees with an S21.G00.60 in a touched declaration, whose arrêts are derived again."""
        return f" AND {column} IN (SELECT employee_id FROM derived_arret_employees)" if self.partial else ""

    def arrets(self, column: str) -> str:
        """A condition keeping the rows of ``column`` (an arrêt id) in scope: the arrêts of those employees
        (stored before the recompute or after) and the arrêts a touched declaration's month can change (its
        month on or before the arrêt's start month, for the salary window, affiliations and DSN-ARR-01, or
        before its planned end, for DSN-ARR-04)."""
        return f" AND {column} IN (SELECT arret_id FROM derived_arret_scope)" if self.partial else ""

    def run(self, conn: sa.Connection, sql: str, params: dict | None = None) -> int:
        """Execute ``sql`` (``:sirens``, ``:touched`` and the list ``params`` expanded); rows it wrote."""
        statement = sa.text(sql)
        values = {"sirens": self.sirens, "touched": self.touched, **(params or {})}
        for name, value in values.items():
            if f":{name}" in sql and isinstance(value, list):
                statement = statement.bindparams(sa.bindparam(name, expanding=True))
        return conn.execute(statement, values).rowcount


def open_scope(conn: sa.Connection, sirens: list[str], touched: list[str] | None) -> Scope | None:
    """The scope of a recompute (``touched``: the declarations of an ingest, None: everything); None when an
    ingest can change no arrêt. :func:`close_scope` drops its temporary tables."""
    if touched is None:
        return Scope(sirens)
    scope = Scope(sirens, touched)
    if not touched:
        return None
    _employees.create(conn)
    _arrets.create(conn)
    if not scope.run(conn, SCOPE_EMPLOYEES) + scope.run(conn, SCOPE_ARRETS):
        close_scope(conn, scope)
        return None
    return scope


def close_scope(conn: sa.Connection, scope: Scope) -> None:
    if scope.partial:
        _arrets.drop(conn)
        _employees.drop(conn)


def sync(conn: sa.Connection, scope: Scope, table: sa.Table, derived: sa.Table, fill: list[str],
         in_scope: str, params: dict | None = None, key: str | None = None) -> int:
    """Bring ``table`` in line with the rows the ``fill`` statements put in the temporary ``derived``: delete
    the stored rows of the companies (and ``in_scope``) no longer wanted, insert the wanted ones missing (by
    ``key`` when given, else by every column); rows written."""
    columns = [c.name for c in table.c]
    same = " AND ".join(f"e.{c} IS NOT DISTINCT FROM s.{c}" for c in columns)
    present = f"s.{key} = e.{key}" if key else same
    derived.create(conn)
    try:
        for sql in fill:
            scope.run(conn, sql, params)
        stale = (f"DELETE FROM {table.name} s WHERE s.siren IN :sirens{in_scope} "
                 f"AND NOT EXISTS (SELECT 1 FROM {derived.name} e WHERE {same})")
        missing = (f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(columns)} "
                   f"FROM {derived.name} e WHERE NOT EXISTS (SELECT 1 FROM {table.name} s WHERE {present})")
        return scope.run(conn, stale) + scope.run(conn, missing)
    finally:
        derived.drop(conn)


def _wanted_sql(scope: Scope) -> str:
    return f"""
INSERT INTO derived_arrets ({", ".join(COLUMNS)})
WITH src AS (
    SELECT em.employee_id, a.submission_id, a.individu_id, a.contrat_id, d.nature, d.file_date, d.month,
           d.siren, d.nic, s.filename, a.s21_g00_60_001 AS motif, a.s21_g00_60_002 AS ldw,
           a.s21_g00_60_003 AS planned_end, a.s21_g00_60_004 AS subrogation, a.s21_g00_60_005 AS subrogation_start,
           a.s21_g00_60_006 AS subrogation_end, a.s21_g00_60_007 AS iban, a.s21_g00_60_008 AS bic,
           a.s21_g00_60_010 AS reprise_date, a.s21_g00_60_011 AS reprise_motif, a.s21_g00_60_012 AS accident_date
    FROM arret a
    JOIN declarations d ON d.id = a.declaration_id
    JOIN submissions s ON s.id = a.submission_id
    JOIN employee_months em ON em.submission_id = a.submission_id AND em.individu_id = a.individu_id
    WHERE d.state = 'current' AND d.nature IN ('01', '04', '05') AND d.siren IN :sirens
      AND a.s21_g00_60_001 IS NOT NULL AND a.s21_g00_60_002 IS NOT NULL{scope.employees("em.employee_id")}
), latest AS (
    SELECT * FROM (SELECT src.*, ROW_NUMBER() OVER (PARTITION BY {KEY} ORDER BY {ORDER_DESC}) AS n FROM src) r
    WHERE n = 1
), reprises AS (
    SELECT * FROM (
        SELECT {KEY}, reprise_date, reprise_motif, nature AS reprise_nature,
               ROW_NUMBER() OVER (PARTITION BY {KEY} ORDER BY CASE WHEN nature = '05' THEN 0 ELSE 1 END,
                                                            {ORDER_DESC}) AS n
        FROM src WHERE reprise_date IS NOT NULL) r
    WHERE n = 1
), carried AS (
    SELECT {KEY}, string_agg(filename, '|' ORDER BY {ORDER}) AS declared_in,
           string_agg(submission_id, '|' ORDER BY {ORDER}) AS submissions,
           MAX(CASE WHEN nature = '04' THEN 1 ELSE 0 END) = 1 AS signalement,
           MAX(CASE WHEN nature = '01' THEN month END) AS last_month
    FROM src GROUP BY {KEY}
)
SELECT md5(p.identity || '|' || CAST(l.ldw AS VARCHAR) || '|' || l.motif), l.siren, l.siren || l.nic,
       l.employee_id, i.s21_g00_30_019, i.s21_g00_30_001, i.s21_g00_30_002, i.s21_g00_30_004, i.s21_g00_30_006,
       c.s21_g00_40_009, c.s21_g00_40_001, c.s21_g00_40_002, c.s21_g00_40_003, c.s21_g00_40_007,
       c.s21_g00_40_012, c.s21_g00_40_013,
       l.motif, l.ldw, l.ldw + 1, l.planned_end, l.accident_date, l.subrogation, l.subrogation_start,
       l.subrogation_end, l.iban, l.bic, r.reprise_date, r.reprise_motif, r.reprise_nature,
       k.signalement, k.last_month, k.declared_in, l.filename, k.submissions
FROM latest l
JOIN employees p ON p.id = l.employee_id
JOIN carried k ON k.employee_id = l.employee_id AND k.ldw = l.ldw AND k.motif = l.motif
LEFT JOIN reprises r ON r.employee_id = l.employee_id AND r.ldw = l.ldw AND r.motif = l.motif
LEFT JOIN individu i ON i.submission_id = l.submission_id AND i.instance_id = l.individu_id
LEFT JOIN contrat c ON c.submission_id = l.submission_id AND c.instance_id = l.contrat_id
"""


def derive_arrets(conn: sa.Connection, scope: Scope) -> int:
    """Bring the ``arrets`` rows in ``scope`` in line with the current declarations; rows written. A partial
    scope then takes in the arrêts its employees gained."""
    written = sync(conn, scope, arrets, wanted, [_wanted_sql(scope)], scope.employees("s.employee_id"),
                   key="arret_id")
    if scope.partial:
        scope.run(conn, SCOPE_ARRETS)
    return written


_affiliations = sa.Table("derived_arret_affiliations", _temporary,
                         *(sa.Column(c.name, c.type) for c in arret_affiliations.c), prefixes=["TEMPORARY"])


def _affiliations_sql(scope: Scope) -> str:
    return f"""
INSERT INTO derived_arret_affiliations
SELECT a.arret_id, a.siren, h.s21_g00_15_001, h.s21_g00_15_002, f.s21_g00_70_004, f.s21_g00_70_005
FROM (SELECT a.arret_id, a.siren, a.start, a.employee_id, em.declaration_id,
             ROW_NUMBER() OVER (PARTITION BY a.arret_id ORDER BY em.month DESC, em.declaration_id) AS n
      FROM arrets a
      JOIN employee_months em ON em.employee_id = a.employee_id AND em.month <= a.start
      JOIN declarations d ON d.id = em.declaration_id AND d.state = 'current' AND d.nature = '01'
      WHERE a.siren IN :sirens{scope.arrets("a.arret_id")}) a
JOIN employee_months em ON em.declaration_id = a.declaration_id AND em.employee_id = a.employee_id
JOIN affiliation f ON f.declaration_id = em.declaration_id AND f.submission_id = em.submission_id
                  AND f.individu_id = em.individu_id
LEFT JOIN adhesion h ON h.submission_id = f.submission_id AND h.etablissement_id = f.etablissement_id
                    AND h.s21_g00_15_005 = f.s21_g00_70_013
WHERE a.n = 1 AND (f.s21_g00_70_014 IS NULL OR f.s21_g00_70_014 <= a.start)
  AND (f.s21_g00_70_015 IS NULL OR f.s21_g00_70_015 >= a.start)
"""


def derive_affiliations(conn: sa.Connection, scope: Scope) -> int:
    """Bring ``arret_affiliations`` in ``scope`` in line with the latest current mensuelle of each arrêt's start
    month or before (S21.G00.70 running on the start, with its S21.G00.15); rows written."""
    return sync(conn, scope, arret_affiliations, _affiliations, [_affiliations_sql(scope)],
                scope.arrets("s.arret_id"))
