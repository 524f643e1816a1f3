"""Cross-declaration checks of the arrêts (``DSN-ARR-NN``), set-based over the ``arrets`` table and the current
mensuelles, stored in ``arret_anomalies`` with the validator's anomaly columns (:class:`rules.anomaly.Anomaly`).

Each check is a SELECT of (arret_id, siren, file, employee, value) registered in :data:`CHECKS`; the recompute
builds every finding of the companies in a temporary table, deletes the stored findings that are no longer
found and inserts the new ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from rules.anomaly import ANOMALY_COLUMN_NAMES, Anomaly

from ..store.schema_arrets import arret_anomalies
from .arrets_derive import Scope, sync

FAMILY, BLOCK = "DSN", "S21.G00.60"
START_MONTH = "CAST(date_trunc('month', a.start) AS DATE)"
MONTHLIES = """(SELECT em.employee_id, em.individu_id, em.month, em.declaration_id, s.filename
                FROM employee_months em
                JOIN declarations d ON d.id = em.declaration_id AND d.state = 'current' AND d.nature = '01'
                JOIN submissions s ON s.id = em.submission_id)"""


@dataclass(frozen=True)
class Check:
    code: str
    severity: str
    rubrique: str
    message: str
    select: str  # arret_id, siren, file, employee, value of each finding, over ``arrets a`` of :sirens


CHECKS = (
    Check("DSN-ARR-01", "warning", "S21.G00.60.002",
          "signalement d'arrêt (nature 04) non repris dans la mensuelle du mois de l'arrêt (bloc S21.G00.60 absent)",
          f"""SELECT a.arret_id, a.siren, m.filename, a.matricule, CAST(a.start AS VARCHAR)
              FROM arrets a JOIN {MONTHLIES} m ON m.employee_id = a.employee_id AND m.month = {START_MONTH}
              WHERE a.siren IN :sirens AND a.signalement AND NOT EXISTS (
                  SELECT 1 FROM arret x WHERE x.declaration_id = m.declaration_id AND x.individu_id = m.individu_id
                     AND x.s21_g00_60_002 = a.last_day_worked AND x.s21_g00_60_001 = a.motif)"""),
    Check("DSN-ARR-02", "warning", "S21.G00.60.003",
          "fin prévisionnelle de l'arrêt dépassée sans reprise ni prolongation déclarée",
          """SELECT a.arret_id, a.siren, a.last_file, a.matricule, CAST(a.planned_end AS VARCHAR)
             FROM arrets a WHERE a.siren IN :sirens AND a.reprise_date IS NULL AND a.planned_end < :as_of"""),
    Check("DSN-ARR-03", "warning", "S21.G00.60.010",
          "nouvel arrêt ouvert alors qu'un arrêt antérieur du salarié n'est pas clos (reprise S21.G00.60.010 absente)",
          """SELECT a.arret_id, a.siren, a.last_file, a.matricule, MIN(CAST(b.start AS VARCHAR))
             FROM arrets a JOIN arrets b ON b.employee_id = a.employee_id AND b.start < a.start
                                        AND (b.reprise_date IS NULL OR b.reprise_date > a.last_day_worked)
             WHERE a.siren IN :sirens GROUP BY a.arret_id, a.siren, a.last_file, a.matricule"""),
    Check("DSN-ARR-04", "warning", "S21.G00.60.010",
          "mensuelle sans l'arrêt en cours du salarié, sans reprise déclarée",
          f"""SELECT arret_id, siren, filename, matricule, CAST(month AS VARCHAR) FROM (
                  SELECT a.arret_id, a.siren, m.filename, a.matricule, m.month,
                         ROW_NUMBER() OVER (PARTITION BY a.arret_id ORDER BY m.month, m.filename) AS n
                  FROM arrets a JOIN {MONTHLIES} m ON m.employee_id = a.employee_id AND m.month > a.last_month
                                                   AND m.month <= a.planned_end
                  WHERE a.siren IN :sirens AND a.reprise_date IS NULL) dropped
              WHERE n = 1"""),
)

_temporary = sa.MetaData()
found = sa.Table("derived_arret_anomalies", _temporary, *(sa.Column(c.name, c.type) for c in arret_anomalies.c),
                 prefixes=["TEMPORARY"])
COLUMNS = [c.name for c in arret_anomalies.c]
COMPANIES = "a.siren IN :sirens"  # in each check's select: where the scope's condition goes


def _insert(check: Check, n: int, scope: Scope) -> str:
    select = check.select.replace(COMPANIES, COMPANIES + scope.arrets("a.arret_id"))
    return (f"INSERT INTO derived_arret_anomalies ({', '.join(COLUMNS)}) "
            f"SELECT f.arret_id, f.siren, CAST(:code{n} AS VARCHAR), '{FAMILY}', CAST(:severity{n} AS VARCHAR), "
            f"CAST(:message{n} AS VARCHAR), f.file, CAST(NULL AS BIGINT), CAST(:rubrique{n} AS VARCHAR), "
            f"'{BLOCK}', f.employee, f.value, CAST(NULL AS VARCHAR) "
            f"FROM ({select}) f (arret_id, siren, file, employee, value)")


def derive_checks(conn: sa.Connection, scope: Scope, as_of: date) -> int:
    """Bring ``arret_anomalies`` in ``scope`` in line with the checks as of ``as_of``; rows written."""
    params = {"as_of": as_of}
    for n, check in enumerate(CHECKS):
        params.update({f"code{n}": check.code, f"severity{n}": check.severity, f"message{n}": check.message,
                       f"rubrique{n}": check.rubrique})
    fill = [_insert(check, n, scope) for n, check in enumerate(CHECKS)]
    return sync(conn, scope, arret_anomalies, found, fill, scope.arrets("s.arret_id"), params)


def anomalies_of(conn: sa.Connection, siren: str | None = None, arret_id: str | None = None) -> list[Anomaly]:
    """The stored findings (of a company, of an arrêt), by arrêt and code; ``file`` is the file's name."""
    t = arret_anomalies.c
    query = sa.select(arret_anomalies).order_by(t.siren, t.arret_id, t.code, t.value)
    if siren:
        query = query.where(t.siren == siren)
    if arret_id:
        query = query.where(t.arret_id == arret_id)
    return [Anomaly(**{k: row[k] for k in ANOMALY_COLUMN_NAMES if k not in ("lines", "file")},
                    file=Path(row["file"]).name) for row in conn.execute(query).mappings()]
