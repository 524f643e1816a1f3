"""The certified-software form (``style="certified"``): what real payroll software writes where the default
generator writes the fullest form of a file.

* a payment to the OC (S21.G00.20 to an organisme de prévoyance) has S21.G00.20.006 = S21.G00.20.007 =
  ``01012000`` (cahier technique: "donnée non exploitée… à renseigner au 01012000");
* from P25V01, the rémunération of type 001 carries one Activité S21.G00.53 of unit 40 (jours calendaires de la
  période d'emploi pris en compte dans le calcul du plafond de la Sécurité sociale) measuring those days;
* the URSSAF bordereau lines S21.G00.23 carry their assiette only (URSSAF applies its own rates), except the
  CSG/CRDS line, which keeps its rate and amount; S21.G00.22.005 and the URSSAF payment are the total the employer
  computed, rounded to the euro as the cahier technique asks of an Urssaf bordereau, and so is the DGFiP payment;
* a composant S21.G00.79 is written only where its assiette is non-zero, and one cadre (employee 6) is paid below
  the PMSS (so his tranche B composant is left out);
* one contract (employee 5) is renumbered in the second declared month: that mensuelle carries a change block
  S21.G00.41 with only the date and the former number (an identifying change, which takes no S21.G00.41.028);
* a P22V01 or P23V01 file holds only blocks and rubriques of that version: none of those P24V01 brought.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from ..writer import Record
from .contracts import pmss
from .people import Employee
from .values import add_months, d8

if TYPE_CHECKING:
    from .company import Company

STYLES = ("default", "certified")
OC_PERIOD = "01012000"
CEILING_DAYS_FROM = "P25V01"  # first version whose certified files declare the unit-40 Activité under 001
AMOUNT_CTP = "260"  # the one bordereau line (CSG/CRDS) that keeps its rate S21.G00.23.003 and amount .005
RENUMBERED = 5  # index of the employee whose contract number changes
BELOW_PMSS = 6  # index of the cadre paid below the PMSS (index 6 is always a cadre)

#: Blocks and rubriques present in P24V01 but not in P21V01 (2024 workbook against the DSN-Val 2021 structure):
#: taken as absent from P22V01 and P23V01, which have no published norm of their own.
NEW_IN_P24V01 = frozenset({
    "S20.G00.05.013", "S21.G00.11.023", "S21.G00.11.024", "S21.G00.20.014", "S21.G00.30.029", "S21.G00.40.079",
    "S21.G00.40.080", "S21.G00.40.081", "S21.G00.41.063", "S21.G00.41.064", "S21.G00.41.065", "S21.G00.44.004",
    "S21.G00.45", "S21.G00.50.020", "S21.G00.51.020", "S21.G00.58", "S21.G00.85.012", "S21.G00.85.013",
    "S21.G00.85.014", "S21.G00.85.015", "S21.G00.85.016", "S21.G00.85.017", "S21.G00.98", "S89.G00.92.016",
    "S89.G00.92.017"})


def check_style(style: str) -> str:
    """``style`` when it is a known generator style."""
    if style not in STYLES:
        raise ValueError(f"style de génération inconnu : {style!r} (connus : {', '.join(STYLES)})")
    return style


def existing(company: Company, records: list[Record]) -> list[Record]:
    """``records`` without what the company's norm version did not have yet (certified form before P24V01)."""
    if not company.certified or company.norm >= "P24V01":
        return records
    return [(code, value) for code, value in records if code not in NEW_IN_P24V01 and code[:10] not in NEW_IN_P24V01]


def employee(company: Company, built: Employee) -> Employee:
    """The employee as the certified form declares it: the ``BELOW_PMSS`` cadre earns 88 % of the PMSS."""
    if not company.certified or built.index != BELOW_PMSS:
        return built
    return dataclasses.replace(built, salary=Decimal(int(pmss(company.first_month.year) * Decimal("0.88"))))


def renumbering_month(company: Company) -> date:
    """The month the ``RENUMBERED`` employee's contract gets its current number (the second declared month)."""
    return add_months(company.first_month, min(1, company.months - 1))


def former_number(person: Employee) -> str:
    """The contract number before the renumbering."""
    return f"A{person.index + 1:05d}"


def as_of(company: Company, person: Employee, month: date) -> Employee:
    """``person`` as declared in ``month``: with the former contract number before the renumbering."""
    if company.certified and person.index == RENUMBERED and month < renumbering_month(company):
        return dataclasses.replace(person, contract_no=former_number(person))
    return person


def change_records(company: Company, person: Employee, month: date) -> list[Record]:
    """The change block S21.G00.41 of ``month``: the renumbering, with its date and the former number only."""
    if company.certified and person.index == RENUMBERED and month == renumbering_month(company):
        return [("S21.G00.41.001", d8(month)), ("S21.G00.41.014", former_number(person))]
    return []


def ceiling_days(company: Company) -> bool:
    """Whether the rémunérations 001 carry the unit-40 Activité."""
    return company.certified and company.norm >= CEILING_DAYS_FROM


def oc_period(company: Company, start: str, end: str) -> tuple[str, str]:
    """S21.G00.20.006/.007 of an OC payment."""
    return (OC_PERIOD, OC_PERIOD) if company.certified else (start, end)


def priced(company: Company, ctp: str) -> bool:
    """Whether the bordereau line of code ``ctp`` carries its rate S21.G00.23.003 and amount S21.G00.23.005."""
    return not company.certified or ctp == AMOUNT_CTP


def total(company: Company, amounts: Iterable[Decimal]) -> Decimal:
    """An Urssaf bordereau total (S21.G00.22.005) or DGFiP payment from the amounts the employer computed: their
    sum, rounded to the euro in the certified form ("arrondi à l'entier le plus proche", cahier technique)."""
    summed = sum(amounts, Decimal(0))
    return summed.quantize(Decimal(1), rounding=ROUND_HALF_UP) if company.certified else summed
