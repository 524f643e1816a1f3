"""A generated company: SIREN, establishments, bank details, OC contract referential, employees by index."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from . import names
from .certified import check_style, employee as certified_employee
from .contracts import ContractReferential, make_referential
from .keys import make_iban, make_siren, make_siret
from .people import Employee, make_employee


#: Sample Urssaf SIRETs (S21.G00.20.001 / 22.001 / 81.002), copied from the DSN-Val 2021 table IVO of organismes
#: destinataires de versements (compiled in rules/data/organisms.json); each passes the Luhn check.
URSSAF_SIRETS = ("78299314100038", "78427591900040", "78542230400192", "78861779300013", "78877877700011")


@dataclass(frozen=True)
class Establishment:
    """An establishment (S21.G00.11) of the company."""

    index: int
    nic: str
    siret: str
    street: str
    postcode: str
    city: str
    apet: str


@dataclass(frozen=True)
class Company:
    """Static data of a generated company; employees are rebuilt from (seed, index) on demand."""

    seed: int
    siren: str
    name: str
    apen: str
    idcc: str
    establishments: tuple[Establishment, ...]
    referential: ContractReferential
    iban: str
    bic: str
    urssaf_siret: str
    first_month: date
    months: int
    employee_count: int
    norm: str
    style: str = "default"  # or "certified": the form certified payroll software writes (see ``certified``)

    @property
    def certified(self) -> bool:
        """True for the certified-software form."""
        return self.style == "certified"

    @property
    def head_office(self) -> Establishment:
        """The siège (first establishment)."""
        return self.establishments[0]

    def establishment_of(self, index: int) -> int:
        """Establishment number of employee ``index`` (contiguous ranges, so each one streams in order)."""
        return index * len(self.establishments) // self.employee_count

    def employee(self, index: int) -> Employee:
        """Employee number ``index`` (deterministic)."""
        built = make_employee(self.seed, index, self.establishment_of(index), self.first_month, self.months)
        return certified_employee(self, built)

    def employee_indices(self, establishment: int) -> range:
        """Indices of the employees of establishment number ``establishment``."""
        count, total = len(self.establishments), self.employee_count
        return range(-(-establishment * total // count), -(-(establishment + 1) * total // count))


def make_company(seed: int, employees: int, months: int, start_month: date, norm: str = "P25V01",
                 establishments: int = 1, style: str = "default") -> Company:
    """Deterministic company data from ``seed``; ``style="certified"`` for the certified-software form."""
    check_style(style)
    if employees < 1 or months < 1 or establishments < 1 or establishments > employees:
        raise ValueError("need employees >= establishments >= 1 and months >= 1")
    rng = random.Random(seed)
    siren = make_siren(rng)
    sites = []
    nics: set[str] = set()
    while len(sites) < establishments:
        siret = make_siret(siren, rng)
        if siret[9:] in nics:
            continue
        nics.add(siret[9:])
        postcode, city = rng.choice(names.CITIES)
        sites.append(Establishment(len(sites), siret[9:], siret, f"{rng.randint(1, 200)} {rng.choice(names.STREETS)}",
                                   postcode, city, rng.choice(("6201Z", "7112B", "4669B", "5210B"))))
    name = f"{rng.choice(names.COMPANY_WORDS)} {rng.choice(names.COMPANY_NAMES)}"
    bank = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
    return Company(
        seed=seed, siren=siren, name=name, apen=sites[0].apet, idcc=rng.choice(("1486", "2216", "0573")),
        establishments=tuple(sites), referential=make_referential(rng, start_month), iban=make_iban(rng),
        bic=f"{bank}FRPPXXX", urssaf_siret=rng.choice(URSSAF_SIRETS),
        first_month=start_month.replace(day=1), months=months, employee_count=employees, norm=norm,
        style=style)
