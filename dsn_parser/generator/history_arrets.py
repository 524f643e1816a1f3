"""A 14-month history of one company around a sick leave, with the truth the arrêts product must find.

The scenario employee stops work in month 13: a signalement 04 (planned end in month 13), the mensuelle of
month 13 repeating it, the mensuelle of month 14 declaring a prolongation (a later planned end) and a reprise,
and a signalement 05 of that reprise. Month 11 is corrected by an annule-et-remplace (a higher salary of the
scenario employee), and month 7 is never declared (missing from the store). Besides the generator's own other
gross income (S21.G00.54 type 93, the employer's prévoyance share), the scenario employee's mensuelle of month 9
declares an avantage en nature (:data:`OTHER_INCOME`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..writer import Record, render
from .errors import fix_line_counts
from .generated import GeneratedCompany, generate_company
from .monthly import monthly_records
from .people import Arret, Employee
from .signalements import arret_signalement, reprise_signalement
from .values import add_months, d8, month_end

SEED = 77
START = date(2024, 1, 1)
MONTHS = 14
SCENARIO_INDEX = 5
MISSING_MONTH = add_months(START, 6)
CORRECTED_MONTH = add_months(START, 10)
CORRECTION = Decimal("250.00")
OTHER_INCOME_MONTH = add_months(START, 8)
OTHER_INCOME = ("02", Decimal("95.40"))  # S21.G00.54.001 avantage en nature : repas, .002


@dataclass(frozen=True)
class ArretHistory:
    """The files (name → bytes, in the order they are declared) and the inputs behind them."""

    company: GeneratedCompany
    files: dict[str, bytes]
    employee: Employee  # the scenario employee as first declared (planned end of the signalement 04)
    prolonged: Employee  # the same, as declared in month 14 (prolonged arrêt, reprise)
    corrected: Employee  # the same, as declared in the annule-et-remplace of CORRECTED_MONTH
    months: list[date]  # every month of the history (MISSING_MONTH included)

    @property
    def stored_months(self) -> list[date]:
        return [m for m in self.months if m != MISSING_MONTH]

    def employees_in(self, month: date) -> list[Employee]:
        """The employees as declared in ``month``'s mensuelle."""
        who = self.prolonged if month == self.months[-1] else self.employee
        return [who if e.index == SCENARIO_INDEX else e for e in self.company.employees]


def with_other_income(records: list[Record], employee: Employee, month: date) -> list[Record]:
    """``records`` with an S21.G00.54 block of :data:`OTHER_INCOME` over ``month`` in ``employee``'s versement
    (after its S21.G00.51 to .54 blocks), the S90 line count fixed."""
    start = records.index(("S21.G00.30.001", employee.nir))
    versement = next(i for i in range(start, len(records)) if records[i][0] == "S21.G00.50.001")
    at = next(i for i in range(versement + 1, len(records))
              if not records[i][0].startswith(("S21.G00.50", "S21.G00.51", "S21.G00.52", "S21.G00.53",
                                                "S21.G00.54")))
    kind, value = OTHER_INCOME
    block = [("S21.G00.54.001", kind), ("S21.G00.54.002", f"{value:.2f}"),
             ("S21.G00.54.003", d8(month)), ("S21.G00.54.004", d8(month_end(month)))]
    out = records[:at] + block + records[at:]
    fix_line_counts(out)
    return out


def arret_history(seed: int = SEED, employees: int = 12) -> ArretHistory:
    """The scenario's company and files."""
    company = generate_company(seed, employees=employees, months=MONTHS, start_month=START)
    months = company.months
    base = company.employees[SCENARIO_INDEX]
    stop_month, last_month = months[12], months[13]
    ldw = stop_month.replace(day=9)
    arret = Arret("01", ldw, stop_month.replace(day=24), None, subrogation=True)
    employee = dataclasses.replace(base, arret=arret)
    prolonged = dataclasses.replace(base, arret=dataclasses.replace(
        arret, expected_end=last_month.replace(day=20), resume=last_month.replace(day=16)))
    corrected = dataclasses.replace(employee, salary=employee.salary + CORRECTION)
    history = ArretHistory(company, {}, employee, prolonged, corrected, months)

    def dsn(records: list[Record]) -> bytes:
        return render(records).encode("iso-8859-1")

    files = history.files
    for month in months:
        if month == MISSING_MONTH:
            continue
        if month == stop_month:
            files["signalement_04_arret.dsn"] = dsn(arret_signalement(company.company, employee))
        records = monthly_records(company.company, month, employees=history.employees_in(month))
        if month == OTHER_INCOME_MONTH:
            records = with_other_income(records, employee, month)
        files[f"mensuelle_{month:%Y%m}.dsn"] = dsn(records)
        if month == CORRECTED_MONTH:
            pool = [corrected if e.index == SCENARIO_INDEX else e for e in history.employees_in(month)]
            files[f"mensuelle_{month:%Y%m}_annule_remplace.dsn"] = dsn(
                monthly_records(company.company, month, "03", employees=pool))
        if month == last_month:
            files["signalement_05_reprise.dsn"] = dsn(reprise_signalement(company.company, prolonged))
    return history
