"""The affiliation register's derived rows, recomputed in SQL from the stored block tables.

Three steps, each derived into a temporary table for its scope, then compared with the stored rows of that scope
(every column, ``IS NOT DISTINCT FROM``): stale rows are deleted and missing ones inserted, so an intact store is
left untouched.

1. ``affiliation_months`` and ``affiliation_dependants``: one row per S21.G00.70 (S21.G00.73) of a current
   mensuelle (nature 01, state ``current``); scope: the declarations given (an ingest's, see
   :func:`pipeline.products.touched`), else every declaration of the companies;
2. ``affiliation_anomalies`` (:mod:`pipeline.products.affiliations_checks`); scope: the findings of those
   declarations, and the disappearances of their employees from their first month;
3. ``affiliation_states``: per employee × contract × month declared, window functions over the employee's whole
   history; scope: the same employees, rows from the month before the first month of the declarations, and the
   rows an ingest can change earlier (the last one of a contract, exits: ``next_month``, ``back_*``).

Without declarations (the nightly run) every scope is the whole companies, which repairs any drift.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..store.schema import column_name, employee_months
from ..store.schema import declarations as stored
from ..store.schema_affiliations import (affiliation_anomalies, affiliation_dependants, affiliation_months,
                                         affiliation_states)
from . import touched
from .affiliations_checks import CODES, DISAPPEARED, stage_findings
from .affiliations_rules import PORTABILITY_KEPT

_temporary = sa.MetaData()
BEGINNING = date(1900, 1, 1)


def _work_copy(table: sa.Table) -> sa.Table:
    return sa.Table(f"derived_{table.name}", _temporary, *(sa.Column(c.name, c.type) for c in table.c),
                    prefixes=["TEMPORARY"])


TABLES = (affiliation_months, affiliation_dependants, affiliation_anomalies, affiliation_states)
WORK = {table.name: _work_copy(table) for table in TABLES}
scope_declarations = sa.Table("derived_affiliation_scope", _temporary, sa.Column("id", sa.String(36)),
                              prefixes=["TEMPORARY"])
scope_people = sa.Table("derived_affiliation_people", _temporary, sa.Column("employee_id", sa.String(36)),
                        prefixes=["TEMPORARY"])
SCOPES = (scope_declarations, scope_people)

A = {n: column_name(f"S21.G00.70.{n}") for n in ("004", "005", "007", "008", "009", "010", "011", "012", "013",
                                                 "014", "015")}
_IN_SCOPE = "declaration_id IN (SELECT id FROM derived_affiliation_scope)"
CURRENT_MENSUELLES = ("d.state = 'current' AND d.nature = '01' AND d.siren IN :sirens "
                      "AND d.id IN (SELECT id FROM derived_affiliation_scope)")

MONTHS = f"""
INSERT INTO derived_affiliation_months ({", ".join(c.name for c in affiliation_months.c)})
SELECT af.declaration_id, af.instance_id, d.siren, d.nic, d.month, em.employee_id, em.matricule,
       i.{column_name("S21.G00.30.002")}, i.{column_name("S21.G00.30.004")},
       ad.{column_name("S21.G00.15.001")}, ad.{column_name("S21.G00.15.002")}, ad.{column_name("S21.G00.15.003")},
       af.{A["012"]}, af.{A["004"]}, af.{A["005"]},
       CAST(af.{A["007"]} AS INTEGER), CAST(af.{A["008"]} AS INTEGER), CAST(af.{A["009"]} AS INTEGER),
       CAST(af.{A["010"]} AS INTEGER), CAST(af.{A["011"]} AS INTEGER), af.{A["014"]}, af.{A["015"]},
       c.{column_name("S21.G00.40.001")}, c.{column_name("S21.G00.40.003")},
       f.exit_date, f.exit_motif, f.portability, k.amount, k.rate, af.{A["013"]}
FROM (SELECT * FROM affiliation WHERE {_IN_SCOPE}) af
JOIN declarations d ON d.id = af.declaration_id
JOIN (SELECT * FROM employee_months WHERE {_IN_SCOPE}) em
     ON em.declaration_id = af.declaration_id AND em.individu_id = af.individu_id
JOIN (SELECT * FROM individu WHERE {_IN_SCOPE}) i ON i.declaration_id = af.declaration_id AND i.instance_id = af.individu_id
LEFT JOIN (SELECT * FROM contrat WHERE {_IN_SCOPE}) c
     ON c.declaration_id = af.declaration_id AND c.instance_id = af.contrat_id
LEFT JOIN (SELECT * FROM adhesion WHERE {_IN_SCOPE}) ad
     ON ad.declaration_id = af.declaration_id AND ad.etablissement_id = af.etablissement_id
                     AND ad.{column_name("S21.G00.15.005")} = af.{A["013"]}
LEFT JOIN (SELECT declaration_id, contrat_id, MAX({column_name("S21.G00.62.001")}) AS exit_date,
                  MAX({column_name("S21.G00.62.002")}) AS exit_motif, MAX({column_name("S21.G00.62.016")}) AS portability
           FROM fin_contrat WHERE declaration_id IN (SELECT id FROM derived_affiliation_scope)
           GROUP BY declaration_id, contrat_id) f
       ON f.declaration_id = af.declaration_id AND f.contrat_id = af.contrat_id
LEFT JOIN (SELECT b.declaration_id, b.individu_id, b.{column_name("S21.G00.78.005")} AS ident,
                  SUM(x.{column_name("S21.G00.81.004")}) AS amount, MAX(x.{column_name("S21.G00.81.007")}) AS rate
           FROM base_assujettie b
           JOIN cotisation_individuelle x ON x.declaration_id = b.declaration_id AND x.base_assujettie_id = b.instance_id
           WHERE b.{column_name("S21.G00.78.001")} = '31' AND x.{column_name("S21.G00.81.001")} = '059'
             AND b.declaration_id IN (SELECT id FROM derived_affiliation_scope)
           GROUP BY b.declaration_id, b.individu_id, b.{column_name("S21.G00.78.005")}) k
       ON k.declaration_id = af.declaration_id AND k.individu_id = af.individu_id AND k.ident = af.{A["012"]}
WHERE {CURRENT_MENSUELLES}
"""
T = {n: column_name(f"S21.G00.73.{n}") for n in ("003", "004", "005", "006", "007", "009", "011")}
DEPENDANTS = f"""
INSERT INTO derived_affiliation_dependants ({", ".join(c.name for c in affiliation_dependants.c)})
SELECT m.declaration_id, m.affiliation_instance, t.instance_id, m.siren, m.month, m.employee_id, m.contract,
       t.{T["003"]}, t.{T["006"]}, t.{T["009"]}, t.{T["005"]}, t.{T["007"]}, t.{T["004"]}, t.{T["011"]}
FROM (SELECT * FROM ayant_droit WHERE {_IN_SCOPE}) t
JOIN derived_affiliation_months m ON m.declaration_id = t.declaration_id AND m.affiliation_instance = t.affiliation_id
"""
#: The contract of an affiliation as one value (S21.G00.15.001|.002|.003), for joins and partitions.
_K = "COALESCE({t}contract, '') || '|' || COALESCE({t}organisme, '') || '|' || COALESCE({t}delegataire, '')"
_BY_KEY = "PARTITION BY employee_id, k"
_ROWS = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
_PEOPLE = "employee_id IN (SELECT employee_id FROM derived_affiliation_people)"
_STATE_COLUMNS = [c.name for c in affiliation_states.c]
#: The state rows a recomputation from month :first owns: its months, the row each contract stands on before
#: it (its ``next_month`` and disappearance can change) and the portabilités (a return to work shortens them).
STATES_SCOPE = ("({t}.month >= :first OR {t}.next_month IS NULL OR {t}.next_month >= :first "
                "OR ({t}.exit_date IS NOT NULL AND {t}.portability = :portability))")
#: Rows from :first are folded onto the stored state each contract stands on before :first (its ``seed``:
#: spell, first month, last 059 carried over), so an ingest reads its months, not the whole history; the
#: stored rows before :first keep their values but ``next_month``, disappearance and return to work.
STATES = f"""
INSERT INTO derived_affiliation_states ({", ".join(_STATE_COLUMNS)})
WITH one AS (
    SELECT * FROM (
        SELECT m.*, {_K.format(t="m.")} AS k,
               ROW_NUMBER() OVER (PARTITION BY employee_id, contract, organisme, delegataire, month
                                  ORDER BY declaration_id, affiliation_instance) AS n
        FROM affiliation_months m WHERE m.siren IN :sirens AND m.month >= :first AND m.{_PEOPLE}) r
    WHERE n = 1
), kept AS (
    SELECT st.*, {_K.format(t="st.")} AS k,
           CASE WHEN st.next_month IS NULL OR st.next_month >= :first THEN 1 ELSE 0 END AS seed
    FROM affiliation_states st
    WHERE st.siren IN :sirens AND st.month < :first AND st.{_PEOPLE} AND {STATES_SCOPE.format(t="st")}
), src AS (
    SELECT siren, employee_id, k, month, first_month, spell_start AS start_date,
           spell_end AS end_date, spell_nic AS nic, spell_contract_start AS contract_start, exit_date,
           contribution_month, contribution, contribution_rate, option, population, declaration_id,
           affiliation_instance, kept.exit_date IS NOT NULL OR kept.end_date IS NOT NULL AS closed, 1 AS seed
    FROM kept WHERE seed = 1
    UNION ALL
    SELECT siren, employee_id, k, month, month, start_date, end_date, nic,
           contract_start, exit_date, CASE WHEN contribution IS NOT NULL THEN month END, contribution,
           contribution_rate, option, population, declaration_id, affiliation_instance,
           one.exit_date IS NOT NULL OR one.end_date IS NOT NULL, 0
    FROM one
), spelled AS (
    SELECT src.*,
           COALESCE(SUM(CASE WHEN exit_date IS NOT NULL THEN 1 ELSE 0 END)
                    OVER ({_BY_KEY} ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS spell,
           MAX(contribution_month) OVER ({_BY_KEY} ORDER BY month {_ROWS}) AS last_contribution
    FROM src
), cumulated AS (
    SELECT spelled.*,
           LAG(month) OVER ({_BY_KEY} ORDER BY month) AS previous_month,
           LAG(option) OVER ({_BY_KEY} ORDER BY month) AS previous_option,
           LAG(population) OVER ({_BY_KEY} ORDER BY month) AS previous_population,
           LAG(declaration_id) OVER ({_BY_KEY} ORDER BY month) AS previous_declaration_id,
           LAG(affiliation_instance) OVER ({_BY_KEY} ORDER BY month) AS previous_instance,
           LAG(closed) OVER ({_BY_KEY} ORDER BY month) AS previous_closed,
           LEAD(month) OVER ({_BY_KEY} ORDER BY month) AS next_month,
           MIN(first_month) OVER ({_BY_KEY}) AS first_seen,
           MIN(start_date) OVER ({_BY_KEY}, spell ORDER BY month {_ROWS}) AS spell_start,
           MAX(end_date) OVER ({_BY_KEY}, spell ORDER BY month {_ROWS}) AS spell_end,
           FIRST_VALUE(nic) OVER ({_BY_KEY}, spell ORDER BY month {_ROWS}) AS spell_nic,
           FIRST_VALUE(contract_start) OVER ({_BY_KEY}, spell ORDER BY month {_ROWS}) AS spell_contract_start
    FROM spelled
), carried AS (
    SELECT employee_id, k, contribution_month AS month, contribution,
           contribution_rate
    FROM src WHERE contribution_month IS NOT NULL
), findings AS (
    SELECT employee_id, contract, month, STRING_AGG(code, ' ' ORDER BY code) AS codes
    FROM (SELECT DISTINCT employee_id, contract, month, code FROM affiliation_anomalies
          WHERE siren IN :sirens AND code <> :disappeared AND month >= :first AND {_PEOPLE}) x
    GROUP BY employee_id, contract, month
), gone AS (
    SELECT DISTINCT employee_id, contract, month FROM affiliation_anomalies
    WHERE siren IN :sirens AND code = :disappeared AND month >= :first AND {_PEOPLE}
), exits AS (
    SELECT siren, employee_id, k, month, exit_date FROM one
    WHERE exit_date IS NOT NULL AND portability = :portability
    UNION ALL
    SELECT siren, employee_id, k, month, exit_date FROM kept
    WHERE exit_date IS NOT NULL AND portability = :portability
), returns AS (
    SELECT c.employee_id, c.k, c.month, MIN(em.month) AS back_month, MIN(em.contract_start) AS back_start
    FROM exits c
    JOIN employee_months em ON em.employee_id = c.employee_id AND em.siren = c.siren
         AND em.contract_start > c.exit_date
    JOIN declarations d ON d.id = em.declaration_id AND d.state = 'current' AND d.nature = '01'
    GROUP BY c.employee_id, c.k, c.month
), derived AS (
    SELECT c.siren, c.employee_id, o.contract, o.organisme, o.delegataire, c.k, c.month, c.previous_month,
           c.previous_option, c.previous_population, c.previous_declaration_id, c.previous_instance,
           c.previous_closed, c.next_month,
           c.first_seen AS first_month, c.spell_start, c.spell_end, c.spell_nic, c.spell_contract_start,
           o.declaration_id, o.affiliation_instance, o.matricule, o.last_name, o.option, o.population, o.children,
           o.adults, o.beneficiaries, o.others, o.child_beneficiaries, o.start_date, o.end_date, o.contract_start,
           o.exit_date, o.exit_motif, o.portability, c.last_contribution AS contribution_month, k.contribution,
           k.contribution_rate, f.codes AS anomalies, CAST(NULL AS DATE) AS disappeared
    FROM cumulated c
    JOIN one o ON o.employee_id = c.employee_id AND o.month = c.month AND o.k = c.k
    LEFT JOIN carried k ON k.employee_id = c.employee_id AND k.month = c.last_contribution AND k.k = c.k
    LEFT JOIN findings f ON f.employee_id = c.employee_id AND f.month = c.month
         AND COALESCE(f.contract, '') = COALESCE(o.contract, '')
    WHERE c.seed = 0
    UNION ALL
    SELECT t.siren, t.employee_id, t.contract, t.organisme, t.delegataire, t.k, t.month, t.previous_month,
           t.previous_option, t.previous_population, t.previous_declaration_id, t.previous_instance,
           t.previous_closed,
           CASE WHEN t.seed = 1 THEN c.next_month ELSE t.next_month END, t.first_month, t.spell_start,
           t.spell_end, t.spell_nic, t.spell_contract_start, t.declaration_id, t.affiliation_instance, t.matricule,
           t.last_name, t.option, t.population, t.children, t.adults, t.beneficiaries, t.others,
           t.child_beneficiaries, t.start_date, t.end_date, t.contract_start, t.exit_date, t.exit_motif,
           t.portability, t.contribution_month, t.contribution, t.contribution_rate, t.anomalies,
           t.disappeared_month
    FROM kept t
    LEFT JOIN (SELECT employee_id, k, month, next_month FROM cumulated WHERE seed = 1) c
         ON c.employee_id = t.employee_id AND c.month = t.month AND c.k = t.k
)
SELECT {", ".join(f"x.{c}" for c in _STATE_COLUMNS[:-3])},
       CASE WHEN CAST(x.month + INTERVAL '1 month' AS DATE) >= :first THEN g.month ELSE x.disappeared END,
       r.back_month, r.back_start
FROM derived x
LEFT JOIN gone g ON g.employee_id = x.employee_id AND COALESCE(g.contract, '') = COALESCE(x.contract, '')
     AND g.month = CAST(x.month + INTERVAL '1 month' AS DATE)
LEFT JOIN returns r ON r.employee_id = x.employee_id AND r.month = x.month AND r.k = x.k
"""
#: Per table: the stored rows a recomputation of the scope owns (``s`` the stored table), and the columns a
#: stored row and a derived one must share to be compared (an equality join, the rest IS NOT DISTINCT FROM).
OWNED = {
    affiliation_months.name: ("s.declaration_id IN (SELECT id FROM derived_affiliation_scope)",
                              ("declaration_id", "affiliation_instance")),
    affiliation_dependants.name: ("s.declaration_id IN (SELECT id FROM derived_affiliation_scope)",
                                  ("declaration_id", "dependant_instance")),
    affiliation_anomalies.name: ("(s.code = :disappeared AND s.month >= :first AND s.employee_id IN "
                                 "(SELECT employee_id FROM derived_affiliation_people) OR s.code <> :disappeared "
                                 "AND s.declaration_id IN (SELECT id FROM derived_affiliation_scope))", ("month",)),
    affiliation_states.name: ("s.employee_id IN (SELECT employee_id FROM derived_affiliation_people) AND "
                              + STATES_SCOPE.format(t="s"), ("employee_id", "month")),
}


def _same(table: sa.Table, left: str, right: str, equal: tuple[str, ...]) -> str:
    return " AND ".join(f"{left}.{c.name} = {right}.{c.name}" if c.name in equal else
                        f"{left}.{c.name} IS NOT DISTINCT FROM {right}.{c.name}" for c in table.c)


def _execute(conn: sa.Connection, sql: str, params: dict) -> int:
    statement = sa.text(sql)
    if ":sirens" in sql:
        statement = statement.bindparams(sa.bindparam("sirens", expanding=True))
    return conn.execute(statement, {k: v for k, v in params.items() if f":{k}" in sql}).rowcount


def _sync(conn: sa.Connection, table: sa.Table, params: dict) -> int:
    """Delete the stored rows of the scope the derivation does not have, insert those it adds; rows written."""
    work = WORK[table.name].name
    owned, equal = OWNED[table.name]
    stale = _execute(conn, f"""
        DELETE FROM {table.name} s WHERE s.siren IN :sirens AND {owned}
          AND NOT EXISTS (SELECT 1 FROM {work} w WHERE {_same(table, 'w', 's', equal)})""", params)
    columns = ", ".join(c.name for c in table.c)
    missing = _execute(conn, f"""
        INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {work} w
        WHERE NOT EXISTS (SELECT 1 FROM {table.name} s WHERE s.siren IN :sirens AND {owned}
                          AND {_same(table, 'w', 's', equal)})""", params)
    return stale + missing


def _fill_scope(conn: sa.Connection, sirens: list[str], declarations: list[str] | None) -> date:
    """The scope tables: the declarations (given, else every one of ``sirens``) and their employees; returns
    the first month of those declarations."""
    d = stored.c
    query = sa.select(d.id).where(d.siren.in_(sirens))
    if declarations is not None:
        query = query.where(d.id.in_(touched(conn, declarations)))
    conn.execute(scope_declarations.insert().from_select(["id"], query))
    e = employee_months.c
    if declarations is None:
        people = sa.select(e.employee_id).distinct().where(e.siren.in_(sirens))
    else:
        people = sa.select(e.employee_id).distinct().where(e.declaration_id.in_(
            sa.select(scope_declarations.c.id)))
    conn.execute(scope_people.insert().from_select(["employee_id"], people))
    if declarations is None:
        return BEGINNING
    first = conn.execute(sa.select(sa.func.min(d.month)).where(d.id.in_(sa.select(scope_declarations.c.id)))).scalar()
    return first or BEGINNING


def derive_register(conn: sa.Connection, sirens: list[str], declarations: list[str] | None = None) -> int:
    """Recompute the register's rows of ``sirens`` (only what ``declarations`` can change, when given) inside the
    caller's transaction; rows written."""
    for table in (*SCOPES, *WORK.values()):
        table.create(conn)
    first = _fill_scope(conn, sirens, declarations)
    params = {"sirens": sirens, "first": first, "disappeared": CODES[DISAPPEARED], "portability": PORTABILITY_KEPT}
    _execute(conn, MONTHS, params)
    _execute(conn, DEPENDANTS, params)
    written = sum(_sync(conn, table, params) for table in (affiliation_months, affiliation_dependants))
    stage_findings(conn, sirens, params)
    written += _sync(conn, affiliation_anomalies, params)
    _execute(conn, STATES, params)
    written += _sync(conn, affiliation_states, params)
    for table in reversed((*SCOPES, *WORK.values())):
        table.drop(conn)
    return written
