"""Signalements for one employee: arrêt de travail (04), reprise (05), fin de contrat unique (07, FCTU)."""
from __future__ import annotations

from datetime import date

from ..writer import Record
from .certified import ceiling_days, existing
from .company import Company
from .envelope import declaration_header, employer_records, envoi
from .individual import (affiliation_records, arret_records, contract_records, end_records, identity_records,
                         remuneration_records, seniority_records)
from .payroll import affiliations, pay_month
from .people import Employee
from .usage import allowed
from .values import amount, d8, month_end, month_start, shift


def signalement_order(file_date: date, employee: Employee) -> int:
    """A never-restarting order number (S20.G00.05.004): file date ``AAMMJJ`` then the employee's rank."""
    return int(f"{file_date:%y%m%d}") * 100000 + employee.index + 1


def _declaration(company: Company, employee: Employee, nature: str, file_date: date, body: list[Record],
                 adhesions: list[Record] | None = None) -> list[Record]:
    """One signalement declaration of ``employee`` around ``body`` (its blocks under S21.G00.30)."""
    establishment = company.establishments[employee.establishment]
    headcount = sum(1 for i in company.employee_indices(establishment.index)
                    if company.employee(i).present(month_start(file_date)))
    order = signalement_order(file_date, employee)
    records = (declaration_header(nature, "01", order, file_date, currency=nature == "07")
               + employer_records(company, establishment, headcount) + (adhesions or [])
               + identity_records(employee) + contract_records(company, establishment, employee) + body)
    return existing(company, allowed(records, company.norm, nature, "01"))


def arret_signalement(company: Company, employee: Employee) -> list[Record]:
    """Envoi of a signalement arrêt de travail (nature 04), built two days after the first day off."""
    if employee.arret is None:
        raise ValueError(f"employee {employee.index} has no arrêt")
    file_date = shift(employee.arret.first_day, 2)
    return envoi(company, [_declaration(company, employee, "04", file_date, arret_records(company, employee, None))])


def reprise_signalement(company: Company, employee: Employee) -> list[Record]:
    """Envoi of a signalement reprise suite à arrêt (nature 05), built on the return date."""
    if employee.arret is None or employee.arret.resume is None:
        raise ValueError(f"employee {employee.index} has no reprise")
    file_date = employee.arret.resume
    return envoi(company, [_declaration(company, employee, "05", file_date,
                                        arret_records(company, employee, file_date))])


def fctu_signalement(company: Company, employee: Employee) -> list[Record]:
    """Envoi of a signalement fin du contrat de travail unique (nature 07): 62/63, 70, 71, 50/51 of the last month,
    86 (ancienneté, required for an individu with a prévoyance affiliation)."""
    if employee.end is None:
        raise ValueError(f"employee {employee.index} has no end of contract")
    file_date = shift(employee.end, 3)
    month = month_start(employee.end)
    pay = pay_month(employee, company.referential, month)
    organisme = company.referential.organisme
    adhesions: list[Record] = []
    for affiliation in affiliations(employee, company.referential, month):
        adhesions += [("S21.G00.15.001", affiliation.contract.reference), ("S21.G00.15.002", organisme.code)]
        if organisme.delegataire:
            adhesions.append(("S21.G00.15.003", organisme.delegataire))
        adhesions += [("S21.G00.15.004", "01"),
                      ("S21.G00.15.005", company.referential.adhesion_id(affiliation.contract.reference))]
    body = (end_records(employee, fctu=True) + affiliation_records(employee, company, month)
            + [("S21.G00.71.002", "RUAA"),
               ("S21.G00.50.001", d8(month_end(month))), ("S21.G00.50.002", amount(pay.net_fiscal)),
               ("S21.G00.50.003", "01"), ("S21.G00.50.004", amount(pay.net_paid)),
               ("S21.G00.50.006", f"{employee.pas_rate:.2f}"), ("S21.G00.50.007", "01"),
               ("S21.G00.50.009", amount(pay.pas)), ("S21.G00.50.013", amount(pay.net_fiscal))]
            + remuneration_records(employee, pay, ceiling_days(company)) + seniority_records(employee, month))
    return envoi(company, [_declaration(company, employee, "07", file_date, body, adhesions)])
