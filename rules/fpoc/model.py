"""Insurer contract referential built from FPOC sheets, with the lookups used by the FPOC controls."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

#: FPOC element of ElementsDeCalculAttendus → composant type S21.G00.79.001.
COMPOSANT_TYPES: dict[str, str] = {
    "BrutPrev": "10",
    "TAPrev": "11",
    "T2Prev": "12",
    "TBPrev": "13",
    "TCPrev": "14",
    "TDPrev": "15",
    "TD1Prev": "16",
    "T2UPrev": "24",
}
#: Element whose 79.001 type is given by its ValeurCodeNature attribute.
SPECIFIC_BASE = "BaseMontantSpecifique"
SPECIFIC_NATURES: tuple[str, ...] = ("17", "18", "19", "20", "21")

#: Criteria carried as lists of included or excluded DSN codes.
VALUE_CRITERIA: tuple[str, ...] = (
    "NICAffectation",
    "NatureContrat",
    "ModaliteExercice",
    "MotifDeRecours",
    "StatutConventionnel",
    "StatutCategoriel",
    "RegimeMaladie",
    "RegimeVieillesse",
    "ComplementRegimeBase",
    "CodePCSESE",
    "ComplementPCSESE",
    "ConventionCollective",
    "StatutEmploiSalarie",
    "DetacheExpatrieFrontalier",
)
#: Criteria carried as a range, with the attribute naming their unit (None: dates, no unit).
RANGE_CRITERIA: dict[str, str | None] = {
    "QuotiteDeTravail": "UniteTempsDeTravail",
    "DateAffiliation": None,
    "AncienneteEntrepriseGroupe": "UniteAnciennete",
    "AncienneteBrancheSecteur": "UniteAnciennete",
    "AncienneteCollegeCategorie": "UniteAnciennete",
    "AncienneteDansLePoste": "UniteAnciennete",
    "AncienneteProfessionBTP": "UniteAnciennete",
}
#: Seniority units: 01 days, 02 months, 03 years (inferred from the FPOC enumeration).
SENIORITY_UNITS: tuple[str, ...] = ("01", "02", "03")
CHANGE_CODES: tuple[str, ...] = ("01", "02", "03", "04", "05", "99")


class Periodicity(StrEnum):
    """Cadence of the S21.G00.20 / 55 payments for a contract line."""

    MONTHLY = "Mensuel"
    QUARTERLY = "Trimestriel"
    HALF_YEARLY = "Semestriel"
    YEARLY = "Annuel"


@dataclass(frozen=True)
class Producer:
    """ProducteurFiche: who issued the sheet."""

    code: str | None = None
    name: str | None = None
    risk_carrier: str | None = None


@dataclass(frozen=True)
class Organisme:
    """Organisme: OC code (S21.G00.15.002), délégataire (15.003) and their former values."""

    code: str
    delegataire: str | None = None
    former_code: str | None = None
    former_delegataire: str | None = None


@dataclass(frozen=True)
class Contract:
    """Contrat: reference (S21.G00.15.001), label and former reference."""

    reference: str
    label: str
    former_reference: str | None = None


@dataclass(frozen=True)
class Option:
    """Option (S21.G00.70.004)."""

    code: str
    label: str | None = None
    former_code: str | None = None


@dataclass(frozen=True)
class Population:
    """Population (S21.G00.70.005)."""

    code: str
    label: str | None = None
    former_code: str | None = None


@dataclass(frozen=True)
class ExpectedComposant:
    """An expected composant of base 31: its FPOC element, 79.001 type, and rate (%) or amount."""

    element: str
    type_code: str
    rate: Decimal | None = None
    amount: Decimal | None = None
    label: str | None = None


@dataclass(frozen=True)
class ValueCriterion:
    """A criterion met when the value is among `included`, or not among `excluded`."""

    name: str
    included: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    def accepts(self, value: str | None) -> bool:
        """Whether an employee's value meets the criterion."""
        if self.included:
            return value in self.included
        return value not in self.excluded


@dataclass(frozen=True)
class RangeCriterion:
    """A criterion met when the value lies within [lower, upper] (bounds optional, inclusive)."""

    name: str
    unit: str | None = None
    lower: Decimal | date | None = None
    upper: Decimal | date | None = None

    def accepts(self, value: Decimal | date) -> bool:
        """Whether an employee's value (in the criterion's unit) lies within the bounds."""
        return (self.lower is None or self.lower <= value) and (
            self.upper is None or value <= self.upper
        )


@dataclass(frozen=True)
class Criteria:
    """CriteresSalaries of a group: which employees the group's contract lines cover."""

    values: tuple[ValueCriterion, ...] = ()
    ranges: tuple[RangeCriterion, ...] = ()


@dataclass(frozen=True)
class Group:
    """GROUPE: number, label and the employee criteria shared by its contract lines."""

    number: str
    label: str
    criteria: Criteria | None = None


@dataclass(frozen=True)
class ContractParameters:
    """ParametresContrats: one contract × option × population over a validity period."""

    group: Group
    organisme: Organisme
    contract: Contract
    valid_from: date
    valid_to: date | None = None
    periodicity: Periodicity | None = None
    change: str | None = None
    option: Option | None = None
    population: Population | None = None
    composants: tuple[ExpectedComposant, ...] = ()
    # Optional parameters of the store products (YAML form only), by product name (``arrets``,
    # ``cotisations``, ``affiliations``): plain YAML data that each product module reads and checks itself.
    products: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)

    def product(self, name: str) -> Mapping[str, Any]:
        """The parameters of one store product for this contract line (empty when none are given)."""
        return (self.products or {}).get(name) or {}

    @property
    def option_code(self) -> str | None:
        """Option code, or None when the line has no option."""
        return self.option.code if self.option else None

    @property
    def population_code(self) -> str | None:
        """Population code, or None when the line has no population."""
        return self.population.code if self.population else None

    def valid_at(self, at: date) -> bool:
        """Whether the line is in force on `at` (bounds inclusive)."""
        return self.valid_from <= at and (self.valid_to is None or at <= self.valid_to)


@dataclass(frozen=True)
class Sheet:
    """FICHE: one company (SIREN) and one NIC or a set of NICs (empty: the whole company)."""

    identifier: str
    siren: str
    created_at: datetime | None = None
    nics: tuple[str, ...] = ()
    company_name: str | None = None
    producer: Producer | None = None
    parameters: tuple[ContractParameters, ...] = ()

    def covers(self, siren: str | None, nic: str | None) -> bool:
        """Whether the sheet applies to SIREN and NIC (None matches any)."""
        return (siren is None or siren == self.siren) and (
            nic is None or not self.nics or nic in self.nics
        )


@dataclass(frozen=True)
class Referential:
    """All loaded sheets, and the lookups the FPOC controls ask."""

    sheets: tuple[Sheet, ...] = field(default_factory=tuple)

    def lines(self, siren: str | None = None, nic: str | None = None) -> Iterator[ContractParameters]:
        """Every contract line, optionally only those of the sheets covering SIREN and NIC."""
        for sheet in self.sheets:
            if sheet.covers(siren, nic):
                yield from sheet.parameters

    def contracts_valid_at(self, siren: str, nic: str | None, at: date) -> tuple[ContractParameters, ...]:
        """Contract lines in force on `at` for the establishment."""
        return tuple(line for line in self.lines(siren, nic) if line.valid_at(at))

    def find(
        self,
        contract_ref: str,
        oc_code: str,
        delegataire: str | None = None,
        nic: str | None = None,
        at: date | None = None,
        siren: str | None = None,
    ) -> tuple[ContractParameters, ...]:
        """Lines matching an adhésion (15.001, 15.002, 15.003), optionally for an establishment and date."""
        return tuple(
            line
            for line in self.lines(siren, nic)
            if line.contract.reference == contract_ref
            and line.organisme.code == oc_code
            and line.organisme.delegataire == delegataire
            and (at is None or line.valid_at(at))
        )

    def find_former(
        self, contract_ref: str, oc_code: str, at: date | None = None
    ) -> tuple[ContractParameters, ...]:
        """Lines whose former reference and former OC code (Ancien*) match an adhésion still using them."""
        return tuple(
            line
            for line in self.lines()
            if (line.contract.former_reference or line.contract.reference) == contract_ref
            and (line.organisme.former_code or line.organisme.code) == oc_code
            and (line.contract.former_reference or line.organisme.former_code)
            and (at is None or line.valid_at(at))
        )

    def options_populations(
        self, contract_ref: str, at: date | None = None
    ) -> frozenset[tuple[str | None, str | None]]:
        """(option, population) code pairs declared for a contract reference."""
        return frozenset(
            (line.option_code, line.population_code)
            for line in self.lines()
            if line.contract.reference == contract_ref and (at is None or line.valid_at(at))
        )

    def expected_composants(
        self,
        contract_ref: str,
        option: str | None,
        population: str | None,
        at: date,
        siren: str | None = None,
        nic: str | None = None,
    ) -> tuple[ExpectedComposant, ...]:
        """Composants expected on base 31 for an affiliation, without duplicates, in sheet order."""
        found = (
            composant
            for line in self.lines(siren, nic)
            if line.contract.reference == contract_ref
            and line.option_code == option
            and line.population_code == population
            and line.valid_at(at)
            for composant in line.composants
        )
        return tuple(dict.fromkeys(found))

    def periodicity(
        self,
        contract_ref: str,
        oc_code: str,
        at: date,
        population: str | None = None,
    ) -> Periodicity | None:
        """Payment periodicity of a contract on `at` (for one population if given), None if unknown."""
        for line in self.lines():
            if (
                line.contract.reference == contract_ref
                and line.organisme.code == oc_code
                and line.valid_at(at)
                and (population is None or line.population_code == population)
                and line.periodicity is not None
            ):
                return line.periodicity
        return None
