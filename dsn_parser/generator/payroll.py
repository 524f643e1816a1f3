"""One employee's pay for one month: gross, URSSAF bases and contributions, PAS, OC affiliations and base 31."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .contracts import Contract, ContractReferential, Option, Population, composant_bases, contribution
from .people import Employee
from .values import cents, days, month_end, month_start

#: Individual URSSAF contributions per base 78.001: (81.001 code, rate %).
URSSAF_RATES = {
    "02": (("076", Decimal("15.450")),),
    "03": (("074", Decimal("3.450")), ("075", Decimal("7.000")), ("076", Decimal("2.300")), ("100", Decimal("0.100"))),
    "04": (("072", Decimal("6.800")), ("072", Decimal("2.400")), ("079", Decimal("0.500"))),
}
#: Bordereau line (23.001 code, 23.002 qualifiant) aggregating each base.
URSSAF_CTP = {"02": ("100", "921"), "03": ("100", "920"), "04": ("260", "920")}
CSG_SHARE = Decimal("0.9825")


@dataclass(frozen=True)
class Affiliation:
    """An employee's S21.G00.70: stable id (70.012) per contract, option, population, start."""

    ident: str
    contract: Contract
    option: Option
    population: Population
    start: date


@dataclass(frozen=True)
class OcLine:
    """A base 31 for one affiliation: composant assiettes, the 059 rate and amount."""

    affiliation: Affiliation
    composants: tuple[tuple[str, Decimal], ...]
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class UrssafBase:
    """A base 02/03/04 with its individual contributions (code, rate, amount)."""

    code: str
    assiette: Decimal
    contributions: tuple[tuple[str, Decimal, Decimal], ...]


@dataclass(frozen=True)
class PayMonth:
    """Everything the mensuelle declares about one employee's month."""

    month: date
    period_start: date
    period_end: date
    base: Decimal
    prime: Decimal
    gross: Decimal
    hours: Decimal
    absence_hours: Decimal
    urssaf: tuple[UrssafBase, ...]
    net_fiscal: Decimal
    pas: Decimal
    net_paid: Decimal
    oc: tuple[OcLine, ...]
    employer_prevoyance: Decimal


def affiliations(employee: Employee, referential: ContractReferential, month: date) -> list[Affiliation]:
    """The employee's affiliations active in ``month``; 70.012 is the contract's rank, so it never changes."""
    return [Affiliation(ident, contract, option, population, max(employee.start, contract.start))
            for ident, contract, option, population in referential.plan(employee.statut, bool(employee.dependants),
                                                                        month)]


def gross_pay(employee: Employee, month: date) -> tuple[Decimal, Decimal, Decimal]:
    """(base, prime, gross) of ``month``; the base is prorated over calendar days for a partial month."""
    first, last = max(employee.start, month_start(month)), month_end(month)
    if employee.end is not None:
        last = min(last, employee.end)
    base = employee.salary_in(month)
    if (first, last) != (month_start(month), month_end(month)):
        base = cents(base * days(first, last) / days(month_start(month), month_end(month)))
    prime = cents(employee.salary_in(month) * Decimal("0.12")) if month.month in employee.prime_months else Decimal(0)
    return base, prime, base + prime


def oc_lines(employee: Employee, referential: ContractReferential, month: date, gross: Decimal) -> tuple[OcLine, ...]:
    """Base 31 contents for each affiliation, from the month's gross pay and PMSS."""
    bases = composant_bases(gross, month.year)
    lines = []
    for affiliation in affiliations(employee, referential, month):
        expected = affiliation.contract.expected_composants(affiliation.option, affiliation.population)
        composants = tuple((c.code, c.amount if c.rate is None else bases[c.code]) for c in expected)
        lines.append(OcLine(affiliation, composants, affiliation.population.rate, contribution(bases, expected)))
    return tuple(lines)


def oc_amounts(employee: Employee, referential: ContractReferential, month: date) -> dict[str, Decimal]:
    """059 amounts per contract reference for ``month`` (empty when the employee is absent)."""
    if not employee.present(month):
        return {}
    gross = gross_pay(employee, month)[2]
    return {line.affiliation.contract.reference: line.amount for line in oc_lines(employee, referential, month, gross)}


def pay_month(employee: Employee, referential: ContractReferential, month: date) -> PayMonth:
    """The employee's pay for ``month`` (the employee must be present)."""
    base, prime, gross = gross_pay(employee, month)
    first = max(employee.start, month_start(month))
    last = month_end(month) if employee.end is None else min(month_end(month), employee.end)
    ratio = Decimal(days(first, last)) / days(month_start(month), month_end(month))
    absence = Decimal(0)
    if employee.arret is not None and employee.arret.overlaps(month):
        off_first = max(employee.arret.first_day, first)
        off_last = min(employee.arret.resume or last, last)
        absence = Decimal(max(0, days(off_first, off_last) - 1) * 5 // 7 * 7)
    bases = composant_bases(gross, month.year)
    assiettes = {"02": bases["11"], "03": cents(gross), "04": cents(gross * CSG_SHARE)}
    urssaf = tuple(UrssafBase(code, assiettes[code],
                              tuple((c, r, cents(assiettes[code] * r / 100)) for c, r in URSSAF_RATES[code]))
                   for code in ("02", "03", "04"))
    oc = oc_lines(employee, referential, month, gross)
    oc_total = sum((line.amount for line in oc), Decimal(0))
    employee_share = cents(assiettes["02"] * Decimal("0.069") + gross * Decimal("0.004")
                           + assiettes["04"] * Decimal("0.097") + bases["11"] * Decimal("0.0401")
                           + bases["13"] * Decimal("0.0972") + oc_total / 2)
    net_fiscal = gross - employee_share + cents(assiettes["04"] * Decimal("0.029"))
    pas = cents(net_fiscal * employee.pas_rate / 100)
    prevoyance = sum((line.amount for line in oc if line.affiliation.contract.kind == "PREVOYANCE"), Decimal(0))
    return PayMonth(month, first, last, base, prime, gross, cents(employee.hours * ratio), absence, urssaf,
                    net_fiscal, pas, gross - employee_share - pas, oc, cents(prevoyance / 2))
