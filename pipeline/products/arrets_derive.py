"""The ``arrets`` table recomputed in SQL from the current declarations (signalements 04/05 and mensuelles).

One arrêt per (employee, last day worked S21.G00.60.002, motif S21.G00.60.001); its id is the md5 of those
three (the employee by its primary identity, ``nir:…``), so it is stable across recomputes, ingest orders and
stores. The declarations carrying it are ordered by file
date (S20.G00.05.007), nature, file name: the last one gives the arrêt's fields (planned end, subrogation,
identity, contract), the reprise (S21.G00.60.010/.011) comes from a signalement 05 when there is one, else from
the latest declaration carrying it. The wanted rows are built in a temporary table, then the stored rows that
differ are deleted and the missing ones inserted.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..store.schema_arrets import arrets

_temporary = sa.MetaData()
wanted = sa.Table("derived_arrets", _temporary, *(sa.Column(c.name, c.type) for c in arrets.c),
                  prefixes=["TEMPORARY"])
COLUMNS = [c.name for c in arrets.c]
ORDER = "file_date, nature, filename, submission_id"
ORDER_DESC = "file_date DESC, nature DESC, filename DESC, submission_id DESC"
KEY = "employee_id, ldw, motif"

WANTED = f"""
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
      AND a.s21_g00_60_001 IS NOT NULL AND a.s21_g00_60_002 IS NOT NULL
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
_SAME = " AND ".join(f"e.{c} IS NOT DISTINCT FROM a.{c}" for c in COLUMNS)
STALE = f"""
DELETE FROM arrets a WHERE a.siren IN :sirens AND NOT EXISTS (SELECT 1 FROM derived_arrets e WHERE {_SAME})
"""
MISSING = f"""
INSERT INTO arrets ({", ".join(COLUMNS)})
SELECT {", ".join(COLUMNS)} FROM derived_arrets e
WHERE NOT EXISTS (SELECT 1 FROM arrets a WHERE a.arret_id = e.arret_id)
"""


def _run(conn: sa.Connection, sql: str, sirens: list[str]) -> int:
    statement = sa.text(sql).bindparams(sa.bindparam("sirens", expanding=True))
    return conn.execute(statement, {"sirens": sirens}).rowcount


def derive_arrets(conn: sa.Connection, sirens: list[str]) -> int:
    """Bring the ``arrets`` rows of ``sirens`` in line with the current declarations; rows written."""
    if not sirens:
        return 0
    wanted.create(conn)
    try:
        _run(conn, WANTED, sirens)
        return _run(conn, STALE, sirens) + conn.execute(sa.text(MISSING)).rowcount
    finally:
        wanted.drop(conn)
