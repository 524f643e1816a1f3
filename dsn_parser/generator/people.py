"""Employees of a generated company: stable identity, employment contract, salary history, events."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import names
from .keys import birth_department, make_nir
from .values import add_months, cents, month_end, month_start, shift

FULL_TIME = Decimal("151.67")
PART_TIME = Decimal("121.34")


@dataclass(frozen=True)
class Dependant:
    """An ayant droit (S21.G00.73): type 01 adult or 02 child."""

    kind: str
    first_name: str
    last_name: str
    birth_date: date
    nir: str | None


@dataclass(frozen=True)
class Arret:
    """A sick leave: motif (60.001), last day worked, expected end, optional return date, subrogation."""

    motif: str
    last_day_worked: date
    expected_end: date
    resume: date | None
    subrogation: bool

    @property
    def first_day(self) -> date:
        """First day off work."""
        return shift(self.last_day_worked, 1)

    def overlaps(self, month: date) -> bool:
        """True when the arrêt has to be declared in ``month``'s mensuelle."""
        return self.first_day <= month_end(month) and (self.resume is None or self.resume >= month_start(month))


@dataclass(frozen=True)
class Employee:
    """One employee with one employment contract; identity fields never change across months."""

    index: int
    establishment: int
    matricule: str
    sex: str
    last_name: str
    usage_name: str | None
    first_names: str
    birth_date: date
    birth_dept: str
    birth_place: str
    nir: str
    street: str
    postcode: str
    city: str
    email: str | None
    statut: str
    statut_conv: str
    pcs: str
    job: str
    nature: str
    contract_no: str
    start: date
    planned_end: date | None
    end: date | None
    end_motif: str | None
    salary: Decimal
    raise_month: date
    raise_rate: Decimal
    hours: Decimal
    pas_rate: Decimal
    dependants: tuple[Dependant, ...]
    arret: Arret | None
    prime_months: frozenset[int]

    @property
    def cadre(self) -> bool:
        """True for statut catégoriel 01/02."""
        return self.statut in ("01", "02")

    def present(self, month: date) -> bool:
        """True when the contract runs during part of ``month``."""
        return self.start <= month_end(month) and (self.end is None or self.end >= month_start(month))

    def ends_in(self, month: date) -> bool:
        """True when the contract ends during ``month``."""
        return self.end is not None and month_start(self.end) == month_start(month)

    def salary_in(self, month: date) -> Decimal:
        """Monthly base salary in ``month`` (after the raise once it applies)."""
        if month >= self.raise_month:
            return cents(self.salary * (1 + self.raise_rate))
        return self.salary

    def seniority_months(self, month: date) -> int:
        """Whole months of seniority at the end of ``month``."""
        end = month_end(month)
        return max(0, (end.year - self.start.year) * 12 + end.month - self.start.month - (end.day < self.start.day))


def _int(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in [low, high] (cheaper than ``randint`` on the 100,000-employee path)."""
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, items):
    """A uniform element of ``items``."""
    return items[int(rng.random() * len(items))]


def _role(index: int, rng: random.Random) -> str:
    """The scripted role of an employee: the first twelve cover every event, the others draw at random."""
    scripted = {1: "cdd", 2: "hired", 3: "resigns", 4: "arret", 7: "rupture", 9: "arret_open"}
    if index < 12:
        return scripted.get(index, "regular")
    draw = rng.random()
    for role, threshold in (("cdd", 0.04), ("hired", 0.06), ("resigns", 0.08), ("rupture", 0.09),
                            ("arret", 0.12), ("arret_open", 0.14)):
        if draw < threshold:
            return role
    return "regular"


def make_employee(seed: int, index: int, establishment: int, first_month: date, months: int) -> Employee:
    """Employee number ``index`` of a company, deterministic from (``seed``, ``index``).

    ``first_month`` and ``months`` give the declared window, so that scripted events (hiring, end of contract,
    arrêt) fall inside it.
    """
    rng = random.Random(seed * 1_000_003 + index)
    last_month = add_months(first_month, months - 1)
    second_month = add_months(first_month, min(1, months - 1))
    role = _role(index, rng)
    sex = _pick(rng, "12")
    birth = date(_int(rng, 1962, 2002), _int(rng, 1, 12), _int(rng, 1, 28))
    dept = birth_department(rng, birth.year)
    cadre = index == 0 or index == 6 or (index not in (1, 2, 3, 4) and rng.random() < 0.3)
    statut = "01" if cadre else "04"
    job, pcs = _pick(rng, names.JOBS["01" if cadre else "04"])
    last_name = _pick(rng, names.SURNAMES)
    postcode, city = _pick(rng, names.CITIES)

    start = date(_int(rng, max(2008, birth.year + 19), first_month.year - 1), _int(rng, 1, 12), _int(rng, 1, 28))
    nature, planned_end, end, motif = "01", None, None, None
    if role == "cdd":
        nature = "02"
        start = shift(add_months(first_month, -3), _int(rng, 0, 20))
        end = planned_end = date(second_month.year, second_month.month, 20)
        motif = "031"
    elif role == "hired":
        start = date(second_month.year, second_month.month, _int(rng, 2, 20))
    elif role == "resigns":
        end, motif = date(last_month.year, last_month.month, 15), "059"
    elif role == "rupture":
        end, motif = month_end(last_month), "043"

    arret = None
    if role in ("arret", "arret_open"):
        arret_month = first_month if role == "arret" else last_month
        ldw = date(arret_month.year, arret_month.month, _int(rng, 3, 18))
        expected = shift(ldw, _int(rng, 10, 40))
        resume = shift(expected, 1) if role == "arret" and months > 1 and shift(expected, 1) <= month_end(last_month) else None
        arret = Arret(_pick(rng, ("01", "01", "06")), ldw, expected, resume, subrogation=rng.random() < 0.7)

    dependants: tuple[Dependant, ...] = ()
    if rng.random() < 0.35:
        partner_sex = "2" if sex == "1" else "1"
        partner_birth = date(birth.year + _int(rng, -4, 4), _int(rng, 1, 12), _int(rng, 1, 28))
        kids = tuple(
            Dependant("02", _pick(rng, names.DEPENDANT_FIRST_NAMES), last_name,
                      date(min(birth.year + 24 + 2 * k, first_month.year - 1), _int(rng, 1, 12), _int(rng, 1, 28)), None)
            for k in range(_int(rng, 0, 3)))
        dependants = (Dependant("01", _pick(rng, names.FIRST_NAMES[partner_sex]), _pick(rng, names.SURNAMES),
                                partner_birth, make_nir(partner_sex, partner_birth,
                                                        birth_department(rng, partner_birth.year), rng)),) + kids
    part_time = not cadre and rng.random() < 0.1
    low, high = (3600, 9800) if cadre else (1800, 3300)
    return Employee(
        index=index, establishment=establishment, matricule=f"M{index + 1:06d}", sex=sex, last_name=last_name,
        usage_name=_pick(rng, names.SURNAMES) if sex == "2" and rng.random() < 0.3 else None,
        first_names=_pick(rng, names.FIRST_NAMES[sex]), birth_date=birth, birth_dept=dept,
        birth_place=_pick(rng, names.BIRTH_PLACES), nir=make_nir(sex, birth, dept, rng),
        street=f"{_int(rng, 1, 120)} {_pick(rng, names.STREETS)}", postcode=postcode, city=city,
        email=f"salarie.{index + 1}@exemple.fr" if rng.random() < 0.5 else None,
        statut=statut, statut_conv="04" if cadre else _pick(rng, ("05", "06", "07")), pcs=pcs, job=job,
        nature=nature, contract_no=f"CT{index + 1:06d}", start=start, planned_end=planned_end, end=end,
        end_motif=motif, salary=Decimal(_int(rng, low * 10, high * 10)) / 10,
        raise_month=add_months(first_month, _int(rng, -12, max(0, months - 1))),
        raise_rate=Decimal(_int(rng, 15, 50)) / 1000, hours=PART_TIME if part_time else FULL_TIME,
        pas_rate=_pick(rng, (Decimal("0.00"), Decimal("2.50"), Decimal("5.10"), Decimal("7.50"), Decimal("11.20"))),
        dependants=dependants, arret=arret,
        prime_months=frozenset(_int(rng, 1, 12) for _ in range(_int(rng, 1, 3))))
