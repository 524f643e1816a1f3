"""The salary history of an arrêt: the 12 mensuelles (nature 01, current) of the employee whose month precedes
the month of the arrêt start. :func:`derive_salary` copies their figures into ``arret_salary`` at each
recompute (set-based, only the differences written), so showing an arrêt reads a dozen rows;
:func:`salary_history` builds the 12 lines from them, a month with no mensuelle a line flagged ``missing``.

Gross pay is S21.G00.51.013 summed per type S21.G00.51.011; primes S21.G00.52 and other gross income
S21.G00.54 are kept one by one (type, amount, period); the tranches A / B / C split the gross 001 with the
month's PMSS (A up to 1 PMSS, B from 1 to 4, C from 4 to 8); composants S21.G00.79 are those of the bases 31,
per insurer contract (S21.G00.15.001, reached through the affiliation S21.G00.70.012 = S21.G00.78.005).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from ..store.schema_arrets import arret_salary
from .arrets_derive import Scope, sync
from .arrets_records import OtherIncome, Prime, ReferenceSalary, SalaryMonth
from .records import CENT, Month

PMSS_FILE = Path(__file__).with_name("data") / "pmss.yaml"
HISTORY_MONTHS = 12
GROSS = "001"  # S21.G00.51.011: rémunération brute non plafonnée
TRANCHES = (("A", 0, 1), ("B", 1, 4), ("C", 4, 8))  # bounds in PMSS


class MissingPmss(LookupError):
    """No PMSS value for a year."""

    def __init__(self, year: int):
        super().__init__(f"PMSS de l'année {year} absent de {PMSS_FILE.name} : ajouter la valeur de cette année")
        self.year = year


@cache
def pmss_table() -> dict[int, Decimal]:
    """Year → PMSS, from the dated parameter table."""
    import yaml

    data = yaml.safe_load(PMSS_FILE.read_text(encoding="utf-8"))
    return {int(year): Decimal(str(value)) for year, value in data["pmss"].items()}


def pmss(month: date) -> Decimal:
    """The PMSS of ``month``; :class:`MissingPmss` when its year has no value."""
    value = pmss_table().get(month.year)
    if value is None:
        raise MissingPmss(month.year)
    return value


def tranches(gross: Decimal, ceiling: Decimal) -> dict[str, Decimal]:
    """The gross pay split into tranches A / B / C of ``ceiling`` (the PMSS)."""
    return {name: min(max(gross - low * ceiling, Decimal(0)), (high - low) * ceiling)
            for name, low, high in TRANCHES}


def window(start: date) -> list[Month]:
    """The 12 months before the month of ``start``, oldest first."""
    index = start.year * 12 + start.month - 1
    return [Month((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(HISTORY_MONTHS, 0, -1)]


_temporary = sa.MetaData()
_months = sa.Table(  # the mensuelle of each arrêt × month of its window
    "derived_arret_months", _temporary, sa.Column("arret_id", sa.String(32)), sa.Column("siren", sa.String(9)),
    sa.Column("month", sa.Date()), sa.Column("submission_id", sa.String(36)),
    sa.Column("declaration_id", sa.String(36)), sa.Column("individu_id", sa.BigInteger()),
    sa.Column("filename", sa.String()), sa.Column("net_taxable", sa.Numeric(21, 3)),
    sa.Column("net_paid", sa.Numeric(21, 3)), prefixes=["TEMPORARY"])
_wanted = sa.Table("derived_arret_salary", _temporary, *(sa.Column(c.name, c.type) for c in arret_salary.c),
                   prefixes=["TEMPORARY"])
COLUMNS = [c.name for c in arret_salary.c]
_START = "CAST(date_trunc('month', a.start) AS DATE)"
MONTHS = """
INSERT INTO derived_arret_months
SELECT arret_id, siren, month, submission_id, declaration_id, individu_id, filename, net_taxable, net_paid FROM (
    SELECT a.arret_id, a.siren, em.month, em.submission_id, em.declaration_id, em.individu_id, s.filename,
           em.net_taxable, em.net_paid,
           ROW_NUMBER() OVER (PARTITION BY a.arret_id, em.month ORDER BY s.filename, em.individu_id) AS n
    FROM arrets a
    JOIN employee_months em ON em.employee_id = a.employee_id
    JOIN declarations d ON d.id = em.declaration_id AND d.state = 'current' AND d.nature = '01'
    JOIN submissions s ON s.id = em.submission_id
    WHERE a.siren IN :sirens{scope} AND em.month < {start}
      AND em.month >= CAST({start} - INTERVAL '{months} months' AS DATE)
) m WHERE n = 1
"""
_ITEM = f"INSERT INTO derived_arret_salary ({', '.join(COLUMNS)}) "
_M = "m.arret_id, m.siren, m.month, m.submission_id, m.filename"
# {only}: for an ingest, the window's submissions as a literal list on each block table read, which lets DuckDB
# skip the row groups of every other submission (a join alone reads the whole table)
_JOIN = ("JOIN {table} x ON x.declaration_id = m.declaration_id AND x.submission_id = m.submission_id "
         "AND x.individu_id = m.individu_id{only}")
_ONLY = " AND {alias}.submission_id IN :submissions"
ITEMS = [
    _ITEM + f"SELECT {_M}, 'source', NULL, NULL, NULL, NULL, NULL, NULL FROM derived_arret_months m",
    _ITEM + f"SELECT {_M}, 'net_taxable', NULL, NULL, m.net_taxable, NULL, NULL, NULL FROM derived_arret_months m",
    _ITEM + f"SELECT {_M}, 'net_paid', NULL, NULL, m.net_paid, NULL, NULL, NULL FROM derived_arret_months m",
    _ITEM + f"""SELECT {_M}, 'gross', x.s21_g00_51_011, NULL, SUM(x.s21_g00_51_013), NULL, NULL, NULL
    FROM derived_arret_months m {_JOIN.format(table="remuneration", only="{x}")}
    GROUP BY {_M}, x.s21_g00_51_011""",
    _ITEM + f"""SELECT {_M}, 'prime', x.s21_g00_52_001, NULL, x.s21_g00_52_002, x.s21_g00_52_003,
           x.s21_g00_52_004, x.line
    FROM derived_arret_months m {_JOIN.format(table="prime", only="{x}")}""",
    _ITEM + f"""SELECT {_M}, 'other_income', x.s21_g00_54_001, NULL, x.s21_g00_54_002, x.s21_g00_54_003,
           x.s21_g00_54_004, x.line
    FROM derived_arret_months m {_JOIN.format(table="autre_element_brut", only="{x}")}""",
    _ITEM + f"""SELECT {_M}, 'composant', k.s21_g00_79_001, h.s21_g00_15_001, SUM(k.s21_g00_79_004), NULL, NULL,
           NULL
    FROM derived_arret_months m {_JOIN.format(table="base_assujettie", only="{x}")}
    JOIN composant_base k ON k.submission_id = x.submission_id AND k.base_assujettie_id = x.instance_id{{k}}
    JOIN affiliation f ON f.submission_id = x.submission_id AND f.individu_id = x.individu_id
                      AND f.s21_g00_70_012 = x.s21_g00_78_005{{f}}
    JOIN adhesion h ON h.submission_id = f.submission_id AND h.etablissement_id = f.etablissement_id
                   AND h.s21_g00_15_005 = f.s21_g00_70_013{{h}}
    WHERE x.s21_g00_78_001 = '31'
    GROUP BY {_M}, k.s21_g00_79_001, h.s21_g00_15_001""",
]


def derive_salary(conn: sa.Connection, scope: Scope) -> int:
    """Bring ``arret_salary`` in ``scope`` in line with the current mensuelles (after the ``arrets`` rows);
    rows written."""
    _months.create(conn)
    try:
        scope.run(conn, MONTHS.format(scope=scope.arrets("a.arret_id"), start=_START, months=HISTORY_MONTHS))
        submissions = list(conn.execute(sa.text(
            "SELECT DISTINCT submission_id FROM derived_arret_months ORDER BY 1")).scalars()) if scope.partial else []
        params = {"submissions": submissions}
        only = {alias: _ONLY.format(alias=alias) if submissions else "" for alias in "xkfh"}
        return sync(conn, scope, arret_salary, _wanted, [sql.format(**only) for sql in ITEMS],
                    scope.arrets("s.arret_id"), params)
    finally:
        _months.drop(conn)


def _rows(conn: sa.Connection, ids: list[str]) -> dict[str, list]:
    """The stored salary rows of the arrêts ``ids`` (a query per thousand), by arrêt."""
    t = arret_salary.c
    by_arret: dict[str, list] = defaultdict(list)
    for n in range(0, len(ids), 1000):
        query = (sa.select(arret_salary).where(t.arret_id.in_(ids[n:n + 1000]))
                 .order_by(t.arret_id, t.month, t.item, t.contract, t.code, t.line))
        for row in conn.execute(query):
            by_arret[row.arret_id].append(row)
    return by_arret


def salary_history(conn: sa.Connection, arret_id: str, start: date) -> list[SalaryMonth]:
    """The 12 salary lines before the month of ``start``, oldest first (missing months flagged)."""
    return _lines(_rows(conn, [arret_id]).get(arret_id, []), start)


def salary_histories(conn: sa.Connection, starts: dict[str, date]) -> dict[str, list[SalaryMonth]]:
    """Arrêt id → its 12 salary lines, for the arrêts of ``starts`` (arrêt id → start), read together."""
    rows = _rows(conn, list(starts))
    return {arret_id: _lines(rows.get(arret_id, []), start) for arret_id, start in starts.items()}


def _lines(rows: list, start: date) -> list[SalaryMonth]:
    by_month: dict[Month, list] = defaultdict(list)
    for row in rows:
        by_month[Month.of(row.month)].append(row)
    lines = []
    for month in window(start):
        ceiling = pmss(month)
        items = by_month.get(month)
        if not items:
            lines.append(SalaryMonth(month, None, None, True, {}, [], [], {}, None, None, ceiling, None))
            continue
        values = {row.item: row.amount for row in items if row.item in ("net_taxable", "net_paid")}
        pay = {row.code: Decimal(row.amount) for row in items if row.item == "gross"}
        composants: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for row in items:
            if row.item == "composant":
                composants[row.contract][row.code] = Decimal(row.amount)
        primes = [Prime(r.code, r.amount, r.period_start, r.period_end) for r in items if r.item == "prime"]
        others = [OtherIncome(r.code, r.amount, r.period_start, r.period_end)
                  for r in items if r.item == "other_income"]
        lines.append(SalaryMonth(
            month, Path(items[0].filename).name, items[0].submission_id, False, pay, primes, others,
            dict(composants), values.get("net_taxable"), values.get("net_paid"), ceiling,
            tranches(pay[GROSS], ceiling) if GROSS in pay else None))
    return lines


def reference_salary(lines: list[SalaryMonth]) -> ReferenceSalary:
    """Totals of the salary lines (gross 001, primes, tranches) and their average per declared month."""
    declared = [line for line in lines if not line.missing]
    gross = sum((line.gross.get(GROSS, Decimal(0)) for line in declared), Decimal(0))
    primes = sum((p.amount or Decimal(0) for line in declared for p in line.primes), Decimal(0))
    split = {name: sum((line.tranches[name] for line in declared if line.tranches), Decimal(0))
             for name, _, _ in TRANCHES}
    count = len(declared)
    return ReferenceSalary(
        count, [line.month for line in lines if line.missing], gross,
        (gross / count).quantize(CENT) if count else None, primes, split,
        {k: (v / count).quantize(CENT) for k, v in split.items()} if count else None)
