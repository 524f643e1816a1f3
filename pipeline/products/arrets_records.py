"""Records of the arrêts product: an arrêt (what ``dsn arrets list`` prints), and the pre-filled declaration
with its salary history (``dsn arrets show``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .records import Month, Record, personal


@dataclass(frozen=True)
class ArretEmployee(Record):
    matricule: str | None = None
    nir: str | None = personal("nir")
    nom: str | None = personal("name")
    prenoms: str | None = personal("name")
    birth_date: date | str | None = personal("birth_date")


@dataclass(frozen=True)
class ArretContract(Record):
    number: str | None = None
    start: date | None = None
    statut_conventionnel: str | None = None  # S21.G00.40.002
    statut_categoriel: str | None = None  # S21.G00.40.003
    nature: str | None = None  # S21.G00.40.007
    quotite_reference: Decimal | None = None  # S21.G00.40.012
    quotite: Decimal | None = None  # S21.G00.40.013


@dataclass(frozen=True)
class Subrogation(Record):
    flag: bool = False  # S21.G00.60.004 = 01
    start: date | None = None
    end: date | None = None
    iban: str | None = personal("iban")
    bic: str | None = personal("bic")


@dataclass(frozen=True)
class Reprise(Record):
    date: date
    motif: str | None
    source: str  # "signalement 05" or "mensuelle"


@dataclass(frozen=True)
class Arret(Record):
    arret_id: str
    siren: str
    siret: str | None
    employee: ArretEmployee
    contract: ArretContract
    motif: str
    last_day_worked: date
    start: date
    planned_end: date | None
    accident_date: date | None
    subrogation: Subrogation
    reprise: Reprise | None
    declared_in: list[str]
    submissions: list[str]
    seniority_days: int | None
    seniority_months: int | None
    status: str


@dataclass(frozen=True)
class Prime(Record):
    type: str | None
    amount: Decimal | None
    start: date | None
    end: date | None


@dataclass(frozen=True)
class OtherIncome(Record):
    """An autre élément de revenu brut (S21.G00.54)."""

    type: str | None  # S21.G00.54.001
    amount: Decimal | None  # S21.G00.54.002
    start: date | None  # S21.G00.54.003
    end: date | None  # S21.G00.54.004


@dataclass(frozen=True)
class Affiliation(Record):
    contract_reference: str | None
    organisme: str | None
    option: str | None
    population: str | None


@dataclass(frozen=True)
class SalaryMonth(Record):
    month: Month
    source_file: str | None
    source_submission: str | None
    missing: bool
    gross: dict[str, Decimal]
    primes: list[Prime]
    other_income: list[OtherIncome]
    composants: dict[str, dict[str, Decimal]]
    net_taxable: Decimal | None
    net_paid: Decimal | None
    pmss: Decimal
    tranches: dict[str, Decimal] | None


@dataclass(frozen=True)
class ReferenceSalary(Record):
    months_declared: int
    months_missing: list[Month]
    gross: Decimal  # sum of the gross 001 of the declared months
    gross_average: Decimal | None  # per declared month
    primes: Decimal
    tranches: dict[str, Decimal]
    tranches_average: dict[str, Decimal] | None


@dataclass(frozen=True)
class ArretDetail(Arret):
    affiliations: list[Affiliation] = field(default_factory=list)
    anomalies: list = field(default_factory=list)  # rules.anomaly.Anomaly of the DSN-ARR checks
    salary_history: list[SalaryMonth] = field(default_factory=list)
    reference_salary: ReferenceSalary | None = None
    indemnisation: list = field(default_factory=list)  # arrets_indemnities.Indemnisation per contract
