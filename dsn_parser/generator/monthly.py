"""DSN mensuelle (nature 01): per-establishment declarations with OC, URSSAF and DGFIP payments.

Employees are rendered one at a time while the establishment totals accumulate, so the same code builds a
12-employee file in memory and streams a 100,000-employee file to disk.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import starmap
from pathlib import Path

from ..writer import Record, format_line
from . import certified
from .company import Company, Establishment
from .envelope import declaration_header, employer_records, envoi_header, total_records
from .individual import (affiliation_records, arret_records, contract_records, end_records, identity_records,
                         pay_records, seniority_records)
from .payroll import URSSAF_CTP, oc_amounts, pay_month
from .people import Employee
from .usage import allowed
from .values import amount, d8, month_end, shift

DGFIP, DGFIP_PAS = "DGFIP", "DGFIP_PAS"


@dataclass
class EstablishmentTotals:
    """Sums an establishment's header blocks need, accumulated employee by employee."""

    urssaf: dict[tuple[str, str], list[Decimal]] = field(default_factory=dict)
    pas: Decimal = Decimal(0)
    oc: dict[str, Decimal] = field(default_factory=dict)
    covered: set[str] = field(default_factory=set)
    headcount: int = 0


def file_date(month: date) -> date:
    """Date a mensuelle of ``month`` is built: the 5th of the next month."""
    return shift(month_end(month), 5)


def employee_month_records(company: Company, establishment: Establishment, employee: Employee, month: date,
                           totals: EstablishmentTotals) -> list[Record]:
    """All blocks of ``employee`` for ``month`` (S21.G00.30 … S21.G00.86), adding its amounts to ``totals``."""
    employee = certified.as_of(company, employee, month)
    pay = pay_month(employee, company.referential, month)
    records = (identity_records(employee) + contract_records(company, establishment, employee)
               + certified.change_records(company, employee, month))
    if employee.arret is not None and employee.arret.overlaps(month):
        records += arret_records(company, employee, month_end(month))
    if employee.ends_in(month):
        records += end_records(employee)
    records += affiliation_records(employee, company, month)
    records.append(("S21.G00.71.002", "RUAA"))
    records += pay_records(company, employee, pay)
    records += seniority_records(employee, month)

    totals.headcount += 1
    totals.pas += pay.pas
    for base in pay.urssaf:
        line = totals.urssaf.setdefault(URSSAF_CTP[base.code], [Decimal(0), Decimal(0), Decimal(0)])
        line[0] += base.assiette
        line[1] = sum((rate for _, rate, _ in base.contributions), Decimal(0))
        line[2] += sum((value for _, _, value in base.contributions), Decimal(0))
    for oc in pay.oc:
        reference = oc.affiliation.contract.reference
        totals.covered.add(reference)
        if oc.affiliation.contract.is_due(month):
            totals.oc[reference] = totals.oc.get(reference, Decimal(0)) + oc.amount
    return records


def add_earlier_months(company: Company, employee: Employee, month: date, totals: EstablishmentTotals) -> None:
    """Add to ``totals`` the employee's 059 amounts of the quarter's earlier months for quarterly contracts due now."""
    due = [c for c in company.referential.contracts if c.is_due(month) and len(c.paid_months(month)) > 1]
    for earlier in sorted({m for c in due for m in c.paid_months(month)[:-1]}):
        amounts = oc_amounts(employee, company.referential, earlier)
        for contract in due:
            if contract.reference in amounts and earlier in contract.paid_months(month):
                totals.oc[contract.reference] = totals.oc.get(contract.reference, Decimal(0)) + amounts[contract.reference]


def establishment_records(company: Company, establishment: Establishment, month: date,
                          totals: EstablishmentTotals) -> list[Record]:
    """S21.G00.11's header part: adhésions 15, payments 20 (OC + 55, URSSAF, DGFIP), bordereau 22 + 23."""
    organisme = company.referential.organisme
    records = employer_records(company, establishment, totals.headcount)
    for contract in company.referential.contracts:
        records += [("S21.G00.15.001", contract.reference), ("S21.G00.15.002", organisme.code)]
        if organisme.delegataire:
            records.append(("S21.G00.15.003", organisme.delegataire))
        records += [("S21.G00.15.004", "01" if contract.reference in totals.covered else "02"),
                    ("S21.G00.15.005", company.referential.adhesion_id(contract.reference))]
    first, last = d8(month), d8(month_end(month))
    due = [c for c in company.referential.contracts if c.is_due(month) and c.active(month)]
    if due:
        paid = sum((totals.oc.get(c.reference, Decimal(0)) for c in due), Decimal(0))
        start, end = certified.oc_period(company, d8(min(c.paid_months(month)[0] for c in due)), last)
        records += [("S21.G00.20.001", organisme.code), ("S21.G00.20.003", company.bic),
                    ("S21.G00.20.004", company.iban), ("S21.G00.20.005", amount(paid)),
                    ("S21.G00.20.006", start), ("S21.G00.20.007", end)]
        if organisme.delegataire:
            records.append(("S21.G00.20.008", organisme.delegataire))
        records.append(("S21.G00.20.010", "05"))
        for contract in due:
            records += [("S21.G00.55.001", amount(totals.oc.get(contract.reference, Decimal(0)))),
                        ("S21.G00.55.003", contract.reference), ("S21.G00.55.004", contract.period_code(month))]
    urssaf_total = certified.total(company, (line[2] for line in totals.urssaf.values()))
    for payee, value in ((company.urssaf_siret, urssaf_total), (DGFIP, certified.total(company, [totals.pas]))):
        records += [("S21.G00.20.001", payee),
                    ("S21.G00.20.002", DGFIP_PAS if payee == DGFIP else establishment.siret),
                    ("S21.G00.20.003", company.bic), ("S21.G00.20.004", company.iban),
                    ("S21.G00.20.005", amount(value)), ("S21.G00.20.006", first), ("S21.G00.20.007", last),
                    ("S21.G00.20.010", "05")]
    records += [("S21.G00.22.001", company.urssaf_siret), ("S21.G00.22.002", establishment.siret),
                ("S21.G00.22.003", first), ("S21.G00.22.004", last), ("S21.G00.22.005", amount(urssaf_total))]
    for (ctp, qualifier), (assiette, rate, value) in sorted(totals.urssaf.items()):
        if certified.priced(company, ctp):
            records += [("S21.G00.23.001", ctp), ("S21.G00.23.002", qualifier), ("S21.G00.23.003", f"{rate:.2f}"),
                        ("S21.G00.23.004", amount(assiette)), ("S21.G00.23.005", amount(value))]
        else:
            records += [("S21.G00.23.001", ctp), ("S21.G00.23.002", qualifier), ("S21.G00.23.004", amount(assiette))]
    return records


def establishment_body(company: Company, establishment: Establishment, month: date, totals: EstablishmentTotals,
                       employees: Iterable[Employee] | None = None) -> Iterator[list[Record]]:
    """Records of each employee of ``establishment`` present in ``month``, accumulating ``totals``."""
    pool = employees if employees is not None else map(company.employee, company.employee_indices(establishment.index))
    for employee in pool:
        if employee.establishment != establishment.index:
            continue
        add_earlier_months(company, employee, month, totals)
        if employee.present(month):
            yield employee_month_records(company, establishment, employee, month, totals)


def declaration_records(company: Company, establishment: Establishment, month: date, order: int,
                        decl_type: str = "01", replaces: str | None = None,
                        employees: Iterable[Employee] | None = None, keep_forbidden: bool = False) -> list[Record]:
    """One S20 mensuelle declaration for ``establishment`` (S20.G00.05 … last individual), without what the
    mensuelle model forbids (so ``replaces`` is dropped: a mensuelle replaces the one of the same month and SIRET).

    ``keep_forbidden`` keeps those rubriques and blocks (notice periods S21.G00.63, 62.003 …): rule tests use it
    to build end-of-contract cases under a signalement nature that allows them."""
    totals = EstablishmentTotals()
    body: list[Record] = []
    for records in establishment_body(company, establishment, month, totals, employees):
        body += records
    records = (declaration_header("01", decl_type, order, file_date(month), month, replaces)
               + establishment_records(company, establishment, month, totals) + body)
    return certified.existing(company, records if keep_forbidden else allowed(records, company.norm, "01", decl_type))


def monthly_records(company: Company, month: date, decl_type: str = "01", replaces: str | None = None,
                    employees: Iterable[Employee] | None = None, essai: str = "01",
                    keep_forbidden: bool = False) -> list[Record]:
    """A full mensuelle envoi for ``month``: one declaration per establishment (order numbers 1, 2, …)."""
    pool = list(employees) if employees is not None else None
    records = envoi_header(company, essai)
    for establishment in company.establishments:
        records += declaration_records(company, establishment, month, establishment.index + 1, decl_type,
                                       replaces, pool, keep_forbidden)
    return records + total_records(len(records), len(company.establishments))


def _write(handle, records: list[Record]) -> int:
    """Write ``records`` as lines to a text handle; return how many."""
    if not records:
        return 0
    handle.write("\n".join(starmap(format_line, records)))
    handle.write("\n")
    return len(records)


def stream_monthly(company: Company, month: date, path: str | Path, essai: str = "01") -> int:
    """Write ``month``'s mensuelle to ``path`` employee by employee (bounded memory); return its line count.

    Each establishment's individuals go to a temporary file first, since its payment blocks (which precede
    them) need their totals.
    """
    path = Path(path)
    with path.open("w", encoding="iso-8859-1", newline="\n") as out:
        lines = _write(out, envoi_header(company, essai))
        for establishment in company.establishments:
            totals = EstablishmentTotals()
            with tempfile.TemporaryFile("w+", encoding="iso-8859-1", newline="\n", dir=path.parent) as body:
                body_lines = 0
                for records in establishment_body(company, establishment, month, totals):
                    body_lines += _write(body, certified.existing(company, allowed(records, company.norm, "01", "01")))
                header = (declaration_header("01", "01", establishment.index + 1, file_date(month), month)
                          + establishment_records(company, establishment, month, totals))
                lines += _write(out, certified.existing(company, allowed(header, company.norm, "01", "01")))
                body.seek(0)
                shutil.copyfileobj(body, out, 1 << 20)
                lines += body_lines
        lines += _write(out, total_records(lines, len(company.establishments)))
    return lines
