"""Blocks of one individual: S21.G00.30 identity, S21.G00.40 contract and its children, pay blocks, ancienneté."""
from __future__ import annotations

from datetime import date

from ..writer import Record
from .certified import ceiling_days
from .company import Company, Establishment
from .payroll import PayMonth, affiliations
from .people import FULL_TIME, Employee
from .values import add_months, amount, d8, days, main_month, month_end, rate3, shift


def identity_records(employee: Employee) -> list[Record]:
    """S21.G00.30 individu."""
    records: list[Record] = [("S21.G00.30.001", employee.nir), ("S21.G00.30.002", employee.last_name)]
    if employee.usage_name:
        records.append(("S21.G00.30.003", employee.usage_name))
    records += [("S21.G00.30.004", employee.first_names), ("S21.G00.30.005", "0" + employee.sex),
                ("S21.G00.30.006", d8(employee.birth_date)), ("S21.G00.30.007", employee.birth_place),
                ("S21.G00.30.008", employee.street), ("S21.G00.30.009", employee.postcode),
                ("S21.G00.30.010", employee.city), ("S21.G00.30.013", "01"),
                ("S21.G00.30.014", employee.birth_dept), ("S21.G00.30.015", "FR")]
    if employee.email:
        records.append(("S21.G00.30.018", employee.email))
    records.append(("S21.G00.30.019", employee.matricule))
    return records


def contract_records(company: Company, establishment: Establishment, employee: Employee) -> list[Record]:
    """S21.G00.40 contrat de travail."""
    records: list[Record] = [
        ("S21.G00.40.001", d8(employee.start)), ("S21.G00.40.002", employee.statut_conv),
        ("S21.G00.40.003", employee.statut), ("S21.G00.40.004", employee.pcs), ("S21.G00.40.006", employee.job),
        ("S21.G00.40.007", employee.nature), ("S21.G00.40.008", "99"), ("S21.G00.40.009", employee.contract_no)]
    if employee.planned_end is not None:
        records.append(("S21.G00.40.010", d8(employee.planned_end)))
    records += [("S21.G00.40.011", "10"), ("S21.G00.40.012", "151.67"), ("S21.G00.40.013", f"{employee.hours:.2f}"),
                ("S21.G00.40.014", "10" if employee.hours == FULL_TIME else "20"), ("S21.G00.40.016", "99"),
                ("S21.G00.40.017", company.idcc), ("S21.G00.40.018", "200"), ("S21.G00.40.019", establishment.siret),
                ("S21.G00.40.020", "200")]
    if employee.nature == "02":
        records.append(("S21.G00.40.021", "02"))
    records += [("S21.G00.40.024", "99"), ("S21.G00.40.026", "99"), ("S21.G00.40.036", "01"),
                ("S21.G00.40.037", "01"), ("S21.G00.40.039", "200"), ("S21.G00.40.040", "741GA"),
                ("S21.G00.40.043", "0.90")]
    return records


def arret_records(company: Company, employee: Employee, known_on: date | None) -> list[Record]:
    """S21.G00.60 arrêt de travail; the reprise (.010/.011) only when it is known on ``known_on`` (None: never)."""
    arret = employee.arret
    assert arret is not None
    records: list[Record] = [("S21.G00.60.001", arret.motif), ("S21.G00.60.002", d8(arret.last_day_worked)),
                             ("S21.G00.60.003", d8(arret.expected_end)),
                             ("S21.G00.60.004", "01" if arret.subrogation else "02")]
    if arret.subrogation:
        records += [("S21.G00.60.005", d8(arret.first_day)), ("S21.G00.60.006", d8(arret.expected_end)),
                    ("S21.G00.60.007", company.iban), ("S21.G00.60.008", company.bic)]
    if arret.resume is not None and known_on is not None and arret.resume <= known_on:
        records += [("S21.G00.60.010", d8(arret.resume)), ("S21.G00.60.011", "01")]
    if arret.motif in ("04", "05", "06"):
        records.append(("S21.G00.60.012", d8(arret.last_day_worked)))
    return records


def end_records(employee: Employee, fctu: bool = False) -> list[Record]:
    """S21.G00.62 fin du contrat with its S21.G00.63 préavis (62.006, 62.008 and 62.020 only in an FCTU).

    A mensuelle forbids 62.003, 62.004 and the préavis: :func:`usage.allowed` drops them there.
    """
    end, motif = employee.end, employee.end_motif
    assert end is not None and motif is not None
    notified = add_months(end, -1).replace(day=min(end.day, 28))
    records: list[Record] = [("S21.G00.62.001", d8(end)), ("S21.G00.62.002", motif)]
    if motif in ("059", "020"):
        records.append(("S21.G00.62.003", d8(notified)))
    if motif == "043":
        records.append(("S21.G00.62.004", d8(shift(end, -40))))
    if fctu:
        records += [("S21.G00.62.006", d8(end)), ("S21.G00.62.008", "02")]
    if motif != "059":
        records.append(("S21.G00.62.016", "01"))
    if fctu:
        records.append(("S21.G00.62.020", main_month(end)))
    if motif == "059":
        records += [("S21.G00.63.001", "01"), ("S21.G00.63.002", d8(notified)), ("S21.G00.63.003", d8(end))]
    else:
        records.append(("S21.G00.63.001", "90"))
    return records


def affiliation_records(employee: Employee, company: Company, month: date) -> list[Record]:
    """S21.G00.70 affiliations (with S21.G00.73 ayants droit for the santé option famille)."""
    records: list[Record] = []
    for affiliation in affiliations(employee, company.referential, month):
        records += [("S21.G00.70.004", affiliation.option.code), ("S21.G00.70.005", affiliation.population.code),
                    ("S21.G00.70.012", affiliation.ident),
                    ("S21.G00.70.013", company.referential.adhesion_id(affiliation.contract.reference)),
                    ("S21.G00.70.014", d8(affiliation.start))]
        if employee.ends_in(month):
            records.append(("S21.G00.70.015", d8(employee.end)))
        if affiliation.contract.kind == "SANTE":
            for dependant in employee.dependants:
                records += [("S21.G00.73.002", affiliation.option.code), ("S21.G00.73.003", dependant.kind),
                            ("S21.G00.73.004", d8(affiliation.start)), ("S21.G00.73.005", d8(dependant.birth_date)),
                            ("S21.G00.73.006", dependant.last_name)]
                records.append(("S21.G00.73.007", dependant.nir) if dependant.nir else ("S21.G00.73.008", employee.nir))
                records.append(("S21.G00.73.009", dependant.first_name))
    return records


def remuneration_records(employee: Employee, pay: PayMonth, ceiling: bool = False) -> list[Record]:
    """S21.G00.51 rémunérations 002 (with S21.G00.53 activité), 001, 003, 010; with ``ceiling``, the 001 carries
    an Activité of unit 40: the calendar days of employment counted for the PMSS (certified form from P25V01)."""
    start, end, no = d8(pay.period_start), d8(pay.period_end), employee.contract_no
    gross = amount(pay.gross)
    records: list[Record] = [("S21.G00.51.001", start), ("S21.G00.51.002", end), ("S21.G00.51.010", no),
                             ("S21.G00.51.011", "002"), ("S21.G00.51.013", gross),
                             ("S21.G00.53.001", "01"), ("S21.G00.53.002", f"{pay.hours:.2f}"),
                             ("S21.G00.53.003", "10")]
    if pay.absence_hours:
        records += [("S21.G00.53.001", "02"), ("S21.G00.53.002", f"{pay.absence_hours:.2f}"),
                    ("S21.G00.53.003", "10")]
    for kind, value in (("001", gross), ("003", gross), ("010", amount(pay.base))):
        records += [("S21.G00.51.001", start), ("S21.G00.51.002", end), ("S21.G00.51.010", no),
                    ("S21.G00.51.011", kind), ("S21.G00.51.013", value)]
        if ceiling and kind == "001":
            records += [("S21.G00.53.001", "01"), ("S21.G00.53.002", f"{days(pay.period_start, pay.period_end)}.00"),
                        ("S21.G00.53.003", "40")]
    return records


def pas_rate_id(employee: Employee, month: date) -> str:
    """S21.G00.50.008, the identifier of the PAS rate the DGFIP sent (CRM): month ``AAAAMM`` then employee rank."""
    return f"{month:%Y%m}{employee.index + 1:06d}"


def pay_records(company: Company, employee: Employee, pay: PayMonth) -> list[Record]:
    """S21.G00.50 versement with 51/53, 52 prime, 54, 58 net social, bases 02/03/04 + 81 and one base 31 (over
    the days of the contract in the month) per affiliation."""
    first, last = d8(pay.month), d8(month_end(pay.month))
    records: list[Record] = [
        ("S21.G00.50.001", last), ("S21.G00.50.002", amount(pay.net_fiscal)), ("S21.G00.50.003", "01"),
        ("S21.G00.50.004", amount(pay.net_paid)), ("S21.G00.50.006", f"{employee.pas_rate:.2f}"),
        ("S21.G00.50.007", "01"), ("S21.G00.50.008", pas_rate_id(employee, pay.month)),
        ("S21.G00.50.009", amount(pay.pas)), ("S21.G00.50.013", amount(pay.net_fiscal))]
    records += remuneration_records(employee, pay, ceiling_days(company))
    if pay.prime:
        records += [("S21.G00.52.001", "026"), ("S21.G00.52.002", amount(pay.prime)), ("S21.G00.52.003", first),
                    ("S21.G00.52.004", last), ("S21.G00.52.006", employee.contract_no)]
    if pay.employer_prevoyance:
        records += [("S21.G00.54.001", "93"), ("S21.G00.54.002", amount(pay.employer_prevoyance)),
                    ("S21.G00.54.003", first), ("S21.G00.54.004", last)]
    records += [("S21.G00.58.003", "03"), ("S21.G00.58.004", amount(pay.net_paid + pay.pas))]
    for base in pay.urssaf:
        records += [("S21.G00.78.001", base.code), ("S21.G00.78.002", first), ("S21.G00.78.003", last),
                    ("S21.G00.78.004", amount(base.assiette))]
        for code, rate, value in base.contributions:
            records += [("S21.G00.81.001", code), ("S21.G00.81.002", company.urssaf_siret),
                        ("S21.G00.81.003", amount(base.assiette)), ("S21.G00.81.004", amount(value)),
                        ("S21.G00.81.007", rate3(rate))]
    for line in pay.oc:
        records += [("S21.G00.78.001", "31"), ("S21.G00.78.002", d8(pay.period_start)),
                    ("S21.G00.78.003", d8(pay.period_end)),
                    ("S21.G00.78.004", "0.00"), ("S21.G00.78.005", line.affiliation.ident)]
        for code, value in line.composants:
            if value or not company.certified:  # the certified form leaves out a composant of zero assiette
                records += [("S21.G00.79.001", code), ("S21.G00.79.004", amount(value))]
        records += [("S21.G00.81.001", "059"), ("S21.G00.81.004", amount(line.amount)),
                    ("S21.G00.81.007", rate3(line.rate))]
    return records


def seniority_records(employee: Employee, month: date) -> list[Record]:
    """S21.G00.86 ancienneté dans l'entreprise at the end of ``month``: in months, or in days during the first
    month (the norm forbids a zero seniority, S21.G00.86.003/CCH-12)."""
    months = employee.seniority_months(month)
    unit, value = ("02", months) if months else ("01", (month_end(month) - employee.start).days + 1)
    return [("S21.G00.86.001", "07"), ("S21.G00.86.002", unit), ("S21.G00.86.003", str(value)),
            ("S21.G00.86.005", employee.contract_no)]
