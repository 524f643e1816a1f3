"""Employees, their identities and their months, derived in SQL from the stored block tables.

Set-based on both engines (temporary tables, ``INSERT … SELECT``; no loop over individus). Each individu of
the declarations gets candidate identities ranked 0 former NIR (S21.G00.31.008), 1 NIR, 2 NTT
(S21.G00.30.020), 3 SIREN + matricule, and goes to the employee of its best-ranked identity already known in
``employee_identities``. An NTT or a matricule never brings an individu that has a NIR to an employee that
already has a NIR (a reused matricule is another person). An individu with no usable known identity starts
a new employee under its primary identity (NIR, else NTT, else SIREN + matricule). A NIR identity is
``nir:`` and the NIR's keyed hash when the store encrypts NIRs (:mod:`pipeline.sealing`), so a
resolution never needs the clear NIR; ``employees.nir`` keeps the sealed NIR. Then each candidate
identity still unknown is recorded for the individu's employee; an identity held by another employee stays
with it, so two known employees are never merged (the individu keeps its best-ranked one). Rows are
inserted in identity order, so concurrent PostgreSQL loads take the unique-index locks in the same order.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

from ..sealing import LOOKUP_LENGTH
from ..store.bulk import staged
from ..store.schema import ID, column_name, employee_months

NIR, MATRICULE, NTT = (column_name(f"S21.G00.30.{n}") for n in ("001", "019", "020"))
FORMER_NIR = column_name("S21.G00.31.008")
CONTRACT_NUMBER, CONTRACT_START, CONTRACT_NATURE = (column_name(f"S21.G00.40.{n}") for n in ("009", "001", "007"))
NET_TAXABLE, NET_PAID = column_name("S21.G00.50.002"), column_name("S21.G00.50.004")
PAY_TYPE, PAY_AMOUNT = column_name("S21.G00.51.011"), column_name("S21.G00.51.013")
GROSS_PAY_TYPE = "001"  # S21.G00.51.011: rémunération brute non plafonnée
MONTH_COLUMNS = [c.name for c in employee_months.c]

_temporary = sa.MetaData()
persons = sa.Table(  # one row per identifiable individu, with its month's figures
    "derived_persons", _temporary,
    *(sa.Column(c.name, c.type) for c in employee_months.c if c.name != "employee_id"),
    sa.Column("received_at", sa.DateTime()), sa.Column("nir", sa.String()), sa.Column("ntt", sa.String()),
    sa.Column("former_nir", sa.String()), sa.Column("identity", sa.String()), sa.Column("kind", sa.String()),
    prefixes=["TEMPORARY"])
candidates = sa.Table(  # one row per (individu, candidate identity)
    "derived_candidates", _temporary,
    sa.Column("submission_id", ID), sa.Column("individu_id", sa.BigInteger()), sa.Column("identity", sa.String()),
    sa.Column("kind", sa.String()), sa.Column("rank", sa.Integer()), sa.Column("has_nir", sa.Boolean()),
    sa.Column("since", sa.Date()), sa.Column("declaration_id", ID), sa.Column("recorded_at", sa.DateTime()),
    prefixes=["TEMPORARY"])
links = sa.Table(  # individu → employee
    "derived_links", _temporary,
    sa.Column("submission_id", ID), sa.Column("individu_id", sa.BigInteger()), sa.Column("employee_id", ID),
    prefixes=["TEMPORARY"])
unlinked = sa.Table(  # the new employees: first individu of each primary identity no known identity links
    "derived_unlinked", _temporary, sa.Column("identity", sa.String()), sa.Column("n", sa.BigInteger()),
    *(sa.Column(name, persons.c[name].type) for name in ("kind", "nir", "ntt", "siren", "matricule", "month",
                                                         "declaration_id", "received_at")),
    prefixes=["TEMPORARY"])
new_ids = sa.Table(  # shape of the staged ids of new employees (n → id)
    "derived_new_ids", _temporary, sa.Column("n", sa.BigInteger()), sa.Column("id", ID))
months = sa.Table(  # the employee months the declarations should have
    "derived_months", _temporary, *(sa.Column(c.name, c.type) for c in employee_months.c), prefixes=["TEMPORARY"])

_IN_SCOPE = "declaration_id IN :declarations"


def _lookup(nir: str) -> str:
    """The keyed hash of a stored NIR (the start of its token; a NIR stored in clear is shorter, so itself)."""
    return f"substr({nir}, 1, {LOOKUP_LENGTH})"


PERSONS = f"""
INSERT INTO derived_persons ({", ".join(c.name for c in persons.c)})
WITH contracts AS (
    SELECT submission_id, individu_id, {CONTRACT_NUMBER} AS contract_number, {CONTRACT_START} AS contract_start,
           {CONTRACT_NATURE} AS contract_nature,
           ROW_NUMBER() OVER (PARTITION BY submission_id, individu_id ORDER BY instance_id) AS n,
           COUNT(*) OVER (PARTITION BY submission_id, individu_id) AS contracts
    FROM contrat WHERE {_IN_SCOPE}
), pay AS (
    SELECT submission_id, individu_id,
           SUM(CASE WHEN {PAY_TYPE} = '{GROSS_PAY_TYPE}' THEN {PAY_AMOUNT} END) AS gross_pay
    FROM remuneration WHERE {_IN_SCOPE} GROUP BY submission_id, individu_id
), paid AS (
    SELECT submission_id, individu_id, SUM({NET_TAXABLE}) AS net_taxable, SUM({NET_PAID}) AS net_paid
    FROM versement_individu WHERE {_IN_SCOPE} GROUP BY submission_id, individu_id
), changes AS (
    SELECT submission_id, individu_id, MIN({_lookup(FORMER_NIR)}) AS former_nir
    FROM changement_individu WHERE {_IN_SCOPE} AND {FORMER_NIR} IS NOT NULL GROUP BY submission_id, individu_id
)
SELECT i.declaration_id, i.submission_id, i.instance_id, d.month, d.siren, d.nic, i.{MATRICULE},
       c.contract_number, c.contract_start, c.contract_nature, COALESCE(c.contracts, 0),
       pay.gross_pay, paid.net_taxable, paid.net_paid, s.received_at, i.{NIR}, i.{NTT}, changes.former_nir,
       CASE WHEN i.{NIR} IS NOT NULL THEN 'nir:' || {_lookup(f"i.{NIR}")}
            WHEN i.{NTT} IS NOT NULL THEN 'ntt:' || i.{NTT}
            ELSE 'mat:' || d.siren || ':' || i.{MATRICULE} END,
       CASE WHEN i.{NIR} IS NOT NULL THEN 'nir' WHEN i.{NTT} IS NOT NULL THEN 'ntt' ELSE 'matricule' END
FROM individu i
JOIN declarations d ON d.id = i.declaration_id
JOIN submissions s ON s.id = i.submission_id
LEFT JOIN contracts c ON c.submission_id = i.submission_id AND c.individu_id = i.instance_id AND c.n = 1
LEFT JOIN pay ON pay.submission_id = i.submission_id AND pay.individu_id = i.instance_id
LEFT JOIN paid ON paid.submission_id = i.submission_id AND paid.individu_id = i.instance_id
LEFT JOIN changes ON changes.submission_id = i.submission_id AND changes.individu_id = i.instance_id
WHERE i.{_IN_SCOPE}
  AND (i.{NIR} IS NOT NULL OR i.{NTT} IS NOT NULL OR (i.{MATRICULE} IS NOT NULL AND d.siren IS NOT NULL))
"""
_CANDIDATE = ("SELECT submission_id, individu_id, {identity}, '{kind}', {rank}, nir IS NOT NULL, month, "
              "declaration_id, received_at FROM derived_persons WHERE {present}")
CANDIDATES = f"INSERT INTO derived_candidates ({', '.join(c.name for c in candidates.c)})\n" + "\nUNION ALL ".join(
    _CANDIDATE.format(identity=identity, kind=kind, rank=rank, present=present) for identity, kind, rank, present in (
        ("'nir:' || former_nir", "nir", 0, "former_nir IS NOT NULL"),
        (f"'nir:' || {_lookup('nir')}", "nir", 1, "nir IS NOT NULL"),
        ("'ntt:' || ntt", "ntt", 2, "ntt IS NOT NULL"),
        ("'mat:' || siren || ':' || matricule", "matricule", 3, "siren IS NOT NULL AND matricule IS NOT NULL")))
KNOWN_LINKS = """
INSERT INTO derived_links (submission_id, individu_id, employee_id)
SELECT submission_id, individu_id, employee_id FROM (
    SELECT c.submission_id, c.individu_id, i.employee_id,
           ROW_NUMBER() OVER (PARTITION BY c.submission_id, c.individu_id ORDER BY c.rank, i.employee_id) AS n
    FROM derived_candidates c JOIN employee_identities i ON i.identity = c.identity
    WHERE c.rank <= 1 OR NOT c.has_nir
       OR NOT EXISTS (SELECT 1 FROM employee_identities o WHERE o.employee_id = i.employee_id AND o.kind = 'nir')
) best WHERE n = 1
"""
UNLINKED = """
INSERT INTO derived_unlinked (identity, n, kind, nir, ntt, siren, matricule, month, declaration_id, received_at)
SELECT identity, ROW_NUMBER() OVER (ORDER BY identity), kind, nir, ntt, siren, matricule, month, declaration_id,
       received_at
FROM (
    SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.identity
                                   ORDER BY p.received_at, p.submission_id, p.individu_id) AS first
    FROM derived_persons p
    LEFT JOIN derived_links l ON l.submission_id = p.submission_id AND l.individu_id = p.individu_id
    WHERE l.employee_id IS NULL
) u WHERE first = 1
"""
NEW_EMPLOYEES = """
INSERT INTO employees (id, identity, kind, nir, ntt, siren, matricule, created_at)
SELECT i.id, u.identity, u.kind, u.nir, u.ntt, u.siren, u.matricule, u.received_at
FROM derived_unlinked u JOIN {stage} i ON i.n = u.n
ORDER BY u.identity
ON CONFLICT (identity) DO NOTHING
"""
NEW_LINKS = """
INSERT INTO derived_links (submission_id, individu_id, employee_id)
SELECT p.submission_id, p.individu_id, e.id
FROM derived_persons p JOIN derived_unlinked u ON u.identity = p.identity JOIN employees e ON e.identity = p.identity
WHERE NOT EXISTS (SELECT 1 FROM derived_links l WHERE l.submission_id = p.submission_id
                                                  AND l.individu_id = p.individu_id)
"""
# The primary identities of the new employees first, then every other candidate identity still unknown.
IDENTITIES = """
INSERT INTO employee_identities (identity, employee_id, kind, since, declaration_id, recorded_at)
SELECT identity, employee_id, kind, since, declaration_id, recorded_at FROM (
    SELECT found.*, ROW_NUMBER() OVER (PARTITION BY identity
                                       ORDER BY priority, recorded_at, submission_id, individu_id) AS n
    FROM (
        SELECT e.identity, e.id AS employee_id, e.kind, u.month AS since, u.declaration_id,
               u.received_at AS recorded_at, 0 AS priority, '' AS submission_id, 0 AS individu_id
        FROM derived_unlinked u JOIN employees e ON e.identity = u.identity
        UNION ALL
        SELECT c.identity, l.employee_id, c.kind, c.since, c.declaration_id, c.recorded_at, 1 + c.rank,
               c.submission_id, c.individu_id
        FROM derived_candidates c
        JOIN derived_links l ON l.submission_id = c.submission_id AND l.individu_id = c.individu_id
    ) found
    WHERE NOT EXISTS (SELECT 1 FROM employee_identities i WHERE i.identity = found.identity)
) unknown WHERE n = 1
ORDER BY identity
ON CONFLICT (identity) DO NOTHING
"""
_COLUMNS = ", ".join(MONTH_COLUMNS)
MONTHS = f"""
SELECT {", ".join(f"l.{c}" if c == "employee_id" else f"p.{c}" for c in MONTH_COLUMNS)}
FROM derived_persons p JOIN derived_links l ON l.submission_id = p.submission_id AND l.individu_id = p.individu_id
"""
_SAME_MONTH = " AND ".join(
    f"e.{c} = m.{c}" if employee_months.c[c].nullable is False else f"e.{c} IS NOT DISTINCT FROM m.{c}"
    for c in MONTH_COLUMNS)
STALE_MONTHS = f"""
DELETE FROM employee_months m WHERE m.{_IN_SCOPE} AND (
    NOT EXISTS (SELECT 1 FROM derived_months e WHERE {_SAME_MONTH})
    OR (m.submission_id, m.individu_id) IN (SELECT submission_id, individu_id FROM employee_months
                                            WHERE {_IN_SCOPE} GROUP BY submission_id, individu_id
                                            HAVING COUNT(*) > 1))
"""
MISSING_MONTHS = f"""
INSERT INTO employee_months ({_COLUMNS})
SELECT {", ".join(f"e.{c}" for c in MONTH_COLUMNS)} FROM derived_months e
WHERE NOT EXISTS (SELECT 1 FROM employee_months m WHERE m.{_IN_SCOPE} AND {_SAME_MONTH})
"""


@dataclass
class EmployeeChanges:
    """Rows written: employees created, identities recorded, employee months added and removed."""

    employees: int = 0
    identities: int = 0
    months_added: int = 0
    months_removed: int = 0


def derive_employees(conn: sa.Connection, declaration_ids: list[str], fresh: bool) -> EmployeeChanges:
    """Link the individus of the declarations to employees and write their months.

    ``fresh``: the declarations have no employee months yet (ingestion), so they are inserted; otherwise the
    stored months of the declarations are compared with the derived ones, and stale, duplicated or missing
    rows are repaired.
    """
    changes = EmployeeChanges()
    if not declaration_ids:
        return changes
    scope = {"declarations": declaration_ids}
    work = [persons, candidates, links, unlinked] + ([] if fresh else [months])
    for table in work:
        table.create(conn)
    _run(conn, PERSONS, scope)
    _run(conn, CANDIDATES)
    _run(conn, KNOWN_LINKS)
    changes.employees = _new_employees(conn)
    changes.identities = _run(conn, IDENTITIES)
    if fresh:
        changes.months_added = _run(conn, f"INSERT INTO employee_months ({_COLUMNS}) {MONTHS}")
    else:
        _run(conn, f"INSERT INTO derived_months ({_COLUMNS}) {MONTHS}")
        changes.months_removed = _run(conn, STALE_MONTHS, scope)
        changes.months_added = _run(conn, MISSING_MONTHS, scope)
    for table in reversed(work):
        table.drop(conn)
    return changes


def _run(conn: sa.Connection, sql: str, scope: dict | None = None) -> int:
    """Execute one statement (``:declarations`` expanded to a list); its row count."""
    statement = sa.text(sql)
    if scope:
        statement = statement.bindparams(sa.bindparam("declarations", expanding=True))
    return conn.execute(statement, scope or {}).rowcount


def _new_employees(conn: sa.Connection) -> int:
    """Employees for the individus no known identity links (ids made here, none fetched), then their links;
    how many were created."""
    count = _run(conn, UNLINKED)
    if not count:
        return 0
    ids = pa.table({"n": pa.array(np.arange(1, count + 1, dtype=np.int64)), "id": uuid4_strings(count)})
    with staged(conn, ids, like=new_ids) as stage:
        created = _run(conn, NEW_EMPLOYEES.format(stage=stage))
    _run(conn, NEW_LINKS)
    return created


def uuid4_strings(count: int) -> pa.StringArray:
    """``count`` random (version 4) UUIDs as text, made at once with numpy (``uuid.uuid4()`` one by one is
    ten times slower, which shows on a 100,000-employee file)."""
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = raw[:, 6] & 0x0F | 0x40  # version 4
    raw[:, 8] = raw[:, 8] & 0x3F | 0x80  # RFC 4122 variant
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    hexed = np.empty((count, 32), dtype=np.uint8)
    hexed[:, 0::2], hexed[:, 1::2] = digits[raw >> 4], digits[raw & 15]
    text = np.full((count, 36), ord("-"), dtype=np.uint8)
    for start, end, at in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        text[:, at:at + end - start] = hexed[:, start:end]
    offsets = np.arange(0, 36 * (count + 1), 36, dtype=np.int32)
    return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(text))
