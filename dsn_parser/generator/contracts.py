"""Contract referential of one organisme complémentaire (OC): the generator's side of an FPOC sheet."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .keys import make_siren
from .values import add_months, cents, quarter_months

#: Plafond mensuel de la sécurité sociale per year (oc-domain.md §3.3; 2022 and 2023 from their yearly arrêtés).
PMSS = {2022: Decimal("3428"), 2023: Decimal("3666"), 2024: Decimal("3864"), 2025: Decimal("3925"),
        2026: Decimal("4005")}

MENSUEL = "Mensuel"
TRIMESTRIEL = "Trimestriel"

BRUT, TA, TB, FORFAIT = "10", "11", "13", "20"
CADRE_STATUTS = ("01", "02")

#: Sample institution de prévoyance codes (S21.G00.15.002 / 20.001) and délégataires de gestion (15.003 / 20.008),
#: copied from the DSN-Val 2021 referentials (tables PREV + IVO, and DLGPREV; compiled in rules/data/organisms.json),
#: valid from 2021 at the latest with no end date, so the generated files pass the referential checks.
ORGANISM_CODES = ("P0012", "P0223", "P0395", "P0675", "P0942")
DELEGATE_CODES = ("DAGGE1", "DALPP1", "DAPRC1", "DCIPR1")
NON_CADRE_STATUTS = ("04",)


def pmss(year: int) -> Decimal:
    """PMSS of ``year`` (the nearest known year outside 2022-2026)."""
    return PMSS[min(max(year, min(PMSS)), max(PMSS))]


def composant_bases(gross: Decimal, year: int) -> dict[str, Decimal]:
    """Assiettes of the composant types for one month's gross pay: brut, TA = min(PMSS, gross), TB up to 4 PMSS."""
    ceiling = pmss(year)
    return {BRUT: cents(gross), TA: cents(min(ceiling, gross)),
            TB: cents(min(3 * ceiling, max(Decimal(0), gross - ceiling)))}


@dataclass(frozen=True)
class Composant:
    """An expected S21.G00.79 composant: type (79.001) with a rate (%) or a flat amount (type 20)."""

    code: str
    rate: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class Option:
    """A contract option (S21.G00.70.004); ``flat_amount`` adds a composant 20 montant forfaitaire."""

    code: str
    label: str
    flat_amount: Decimal | None = None


@dataclass(frozen=True)
class Population:
    """A population (S21.G00.70.005) with its statut catégoriel criteria (40.003) and rated composants."""

    code: str
    label: str
    statuts: tuple[str, ...]
    composants: tuple[Composant, ...]

    def admits(self, statut: str) -> bool:
        """True when an employee of statut catégoriel ``statut`` belongs to this population."""
        return statut in self.statuts

    @property
    def rate(self) -> Decimal:
        """The single rate of the rated composants, declared in S21.G00.81.007."""
        rates = {c.rate for c in self.composants if c.rate is not None}
        if len(rates) != 1:
            raise ValueError(f"population {self.code} needs exactly one rate, has {sorted(rates)}")
        return rates.pop()


@dataclass(frozen=True)
class Contract:
    """An OC collective contract: reference (15.001 / 55.003), options, populations, validity and periodicity."""

    reference: str
    label: str
    kind: str
    options: tuple[Option, ...]
    populations: tuple[Population, ...]
    start: date
    end: date | None
    periodicity: str

    def active(self, month: date) -> bool:
        """True when the contract is valid during ``month``."""
        return self.start < add_months(month, 1) and (self.end is None or self.end >= month)

    def population_for(self, statut: str) -> Population | None:
        """The population an employee of statut catégoriel ``statut`` belongs to, if any."""
        return next((p for p in self.populations if p.admits(statut)), None)

    def option(self, code: str) -> Option:
        """The option of code ``code``."""
        return next(o for o in self.options if o.code == code)

    def expected_composants(self, option: Option, population: Population) -> tuple[Composant, ...]:
        """Composants expected under base 31 for ``option`` and ``population``."""
        flat = (Composant(FORFAIT, amount=option.flat_amount),) if option.flat_amount is not None else ()
        return population.composants + flat

    def is_due(self, month: date) -> bool:
        """True when a payment (S21.G00.55) for this contract is declared in ``month``'s DSN."""
        return self.periodicity == MENSUEL or month.month % 3 == 0

    def paid_months(self, month: date) -> list[date]:
        """Months whose contributions the payment declared in ``month`` covers."""
        return [month] if self.periodicity == MENSUEL else quarter_months(month)

    def period_code(self, month: date) -> str:
        """S21.G00.55.004 of the payment declared in ``month``: ``AAAAMmm`` or ``AAAATn``."""
        if self.periodicity == MENSUEL:
            return f"{month.year}M{month.month:02d}"
        return f"{month.year}T{(month.month - 1) // 3 + 1:02d}"


@dataclass(frozen=True)
class Organisme:
    """The OC: organism code (``P`` + 4 digits), SIREN, optional délégataire de gestion (``D`` + 5 characters)."""

    code: str
    name: str
    siren: str
    delegataire: str | None = None


@dataclass(frozen=True)
class ContractReferential:
    """All contracts a company holds with one OC."""

    organisme: Organisme
    contracts: tuple[Contract, ...]
    _plans: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def contract(self, reference: str) -> Contract | None:
        """The contract of reference ``reference``, or None."""
        return next((c for c in self.contracts if c.reference == reference), None)

    def adhesion_id(self, reference: str) -> str:
        """S21.G00.15.005 of a contract: its rank in the referential (1, 2, ...)."""
        return str(next(rank for rank, c in enumerate(self.contracts, start=1) if c.reference == reference))

    def plan(self, statut: str, family: bool, month: date) -> tuple[tuple[str, Contract, Option, Population], ...]:
        """(70.012 id, contract, option, population) of each contract an employee of statut catégoriel ``statut``
        joins in ``month``; santé members with dependants take option FAMILLE, others ISOLE. Cached."""
        key = (statut, family, month)
        if key not in self._plans:
            plans = []
            for rank, contract in enumerate(self.contracts, start=1):
                population = contract.population_for(statut)
                if population is None or not contract.active(month):
                    continue
                option = contract.options[0] if contract.kind != "SANTE" else contract.option(
                    "FAMILLE" if family else "ISOLE")
                plans.append((str(rank), contract, option, population))
            self._plans[key] = tuple(plans)
        return self._plans[key]


def contribution(composants: dict[str, Decimal], expected: tuple[Composant, ...]) -> Decimal:
    """The 059 amount: Σ composant × rate / 100 plus flat amounts, rounded to the cent."""
    total = Decimal(0)
    for composant in expected:
        total += composant.amount if composant.rate is None else composants[composant.code] * composant.rate / 100
    return cents(total)


def make_referential(rng: random.Random, start: date) -> ContractReferential:
    """A deterministic referential: one prévoyance contract (cadres / non-cadres, monthly) and one santé
    contract (all employees, options isolé / famille, quarterly), valid from January of the year before ``start``."""
    valid_from = date(start.year - 1, 1, 1)
    organisme = Organisme(code=rng.choice(ORGANISM_CODES), name="PREVOYANCE MUTUELLE DES METIERS",
                          siren=make_siren(rng), delegataire=rng.choice(DELEGATE_CODES) if rng.random() < 0.5 else None)
    cadre_rate = rng.choice((Decimal("1.50"), Decimal("1.65"), Decimal("1.80")))
    prevoyance = Contract(
        reference=f"PREV-{rng.randint(100000, 999999)}/CAD-NCAD", label="Prévoyance collective incapacité décès",
        kind="PREVOYANCE", options=(Option("BASE", "Garanties de base"),),
        populations=(
            Population("CADRES", "Personnel cadre", CADRE_STATUTS,
                       (Composant(TA, rate=cadre_rate), Composant(TB, rate=cadre_rate))),
            Population("NCADRES", "Personnel non cadre", NON_CADRE_STATUTS,
                       (Composant(BRUT, rate=rng.choice((Decimal("0.85"), Decimal("0.95"), Decimal("1.10")))),)),
        ),
        start=valid_from, end=None, periodicity=MENSUEL)
    sante = Contract(
        reference=f"SANTE-{rng.randint(100000, 999999)}", label="Frais de santé l'ensemble du personnel",
        kind="SANTE",
        options=(Option("ISOLE", "Salarié seul", Decimal(rng.choice(("38.50", "41.20", "44.00")))),
                 Option("FAMILLE", "Salarié et ayants droit", Decimal(rng.choice(("96.00", "104.40", "112.80"))))),
        populations=(Population("ENSEMBLE", "Ensemble du personnel", CADRE_STATUTS + NON_CADRE_STATUTS,
                                (Composant(TA, rate=Decimal("0.45")),)),),
        start=valid_from, end=None, periodicity=TRIMESTRIEL)
    return ContractReferential(organisme, (prevoyance, sante))
