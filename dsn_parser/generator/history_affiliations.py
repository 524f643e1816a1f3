"""An affiliation history over 16 months (January 2025 – April 2026) for the affiliation register's tests.

Ten scripted employees of one company (one prévoyance contract by population, one santé contract ISOLE /
FAMILLE, see :func:`contracts.make_referential`), each with one story:

- ``regular``: covered throughout, his prévoyance declared once (February 2025) in the population of another
  statut (a finding, and two population changes); ``hired``: hired mid-month (12 March 2025);
- ``portability_11``: an 11-month contract (15 January – 14 December 2025) ended by a rupture conventionnelle
  (62.016 = 01): 11 months of portabilité; ``portability_20``: a 20-month one (1 September 2023 – 30 April
  2025): 12 months;
- ``resigns``: a démission on 20 June 2025 (no portabilité) whose mensuelle omits 70.015, so the end of cover
  comes from the end-of-cover rule;
- ``option_change``: a first dependant from May 2025, santé option ISOLE → FAMILLE;
- ``dependant_added``: a child added in July 2025 to a FAMILLE affiliation;
- ``disappears``: his santé S21.G00.70 is no longer declared from August 2025 while he stays;
- ``unaffiliated``: never declared in the prévoyance contract his statut belongs to;
- ``returns``: contract 1 June 2024 – 31 March 2025 (rupture, portabilité of 10 months), hired again on
  1 September 2025, which ends his portabilité on 31 August 2025.

:func:`affiliation_history` returns the mensuelles as (name, bytes), the FPOC sheet and these inputs;
:func:`flawed_month` one more mensuelle (``FLAWED_MONTH``) in which ``regular``'s santé affiliation is declared
twice and ``hired``'s prévoyance one points at an adhésion the establishment does not declare (70.013
``ORPHAN_ADHESION``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..writer import Record, render
from .errors import fix_line_counts
from .generated import GeneratedCompany, generate_company
from .monthly import monthly_records
from .people import Dependant, Employee
from .values import add_months

FIRST_MONTH = date(2025, 1, 1)
MONTHS = 16
OPTION_CHANGE_MONTH = date(2025, 5, 1)
DEPENDANT_MONTH = date(2025, 7, 1)
DISAPPEARS_MONTH = date(2025, 8, 1)
RETURN_START = date(2025, 9, 1)
POPULATION_SLIP_MONTH = date(2025, 2, 1)
FLAWED_MONTH = date(2026, 5, 1)
ORPHAN_ADHESION = "9"
PARTNER = Dependant("01", "CLAIRE", "DUMONT", date(1990, 4, 2), None)
CHILD = Dependant("02", "LEO", "DUMONT", date(2016, 9, 14), None)
ROLES = ("regular", "hired", "portability_11", "portability_20", "resigns", "option_change", "dependant_added",
         "disappears", "unaffiliated", "returns")


@dataclass
class AffiliationHistory:
    """The generated files and the inputs they were made from."""

    company: GeneratedCompany
    people: dict[str, Employee]  # role → employee (``returns``: his first contract)
    returned: Employee  # the ``returns`` employee's second contract
    files: list[tuple[str, bytes]]
    fpoc: bytes

    @property
    def months(self) -> list[date]:
        return [add_months(FIRST_MONTH, i) for i in range(MONTHS)]

    @property
    def slipped_population(self) -> str:
        """The prévoyance population ``regular`` is declared in for POPULATION_SLIP_MONTH (not his statut's)."""
        own = self.prévoyance.population_for(self.people["regular"].statut)
        return next(p.code for p in self.prévoyance.populations if p != own)

    @property
    def santé(self):
        return next(c for c in self.company.referential.contracts if c.kind == "SANTE")

    @property
    def prévoyance(self):
        return next(c for c in self.company.referential.contracts if c.kind != "SANTE")

    def roster(self, month: date) -> list[Employee]:
        """The employees as the mensuelle of ``month`` declares them."""
        people = dict(self.people)
        if month >= OPTION_CHANGE_MONTH:
            people["option_change"] = replace(people["option_change"], dependants=(PARTNER,))
        if month >= DEPENDANT_MONTH:
            people["dependant_added"] = replace(people["dependant_added"], dependants=(PARTNER, CHILD))
        if month >= RETURN_START:
            people["returns"] = self.returned
        return [people[role] for role in ROLES]


def _scripted(base: list[Employee]) -> dict[str, Employee]:
    plain = [replace(e, arret=None, end=None, end_motif=None, planned_end=None, nature="01", dependants=(),
                     start=date(2020, 3, 1)) for e in base]
    people = dict(zip(ROLES, plain))
    people["hired"] = replace(people["hired"], start=date(2025, 3, 12))
    people["portability_11"] = replace(people["portability_11"], start=date(2025, 1, 15), end=date(2025, 12, 14),
                                       end_motif="043")
    people["portability_20"] = replace(people["portability_20"], start=date(2023, 9, 1), end=date(2025, 4, 30),
                                       end_motif="043")
    people["resigns"] = replace(people["resigns"], start=date(2019, 5, 1), end=date(2025, 6, 20), end_motif="059")
    people["dependant_added"] = replace(people["dependant_added"], dependants=(PARTNER,))
    people["returns"] = replace(people["returns"], start=date(2024, 6, 1), end=date(2025, 3, 31), end_motif="043")
    return people


def _spans(records: list[Record], nir: str):
    """(start, end) index ranges of each S21.G00.70 (with its S21.G00.73) of the individu of ``nir``."""
    inside = False
    i = 0
    while i < len(records):
        code, value = records[i]
        if code == "S21.G00.30.001":
            inside = value == nir
        elif inside and code == "S21.G00.70.004":
            j = i + 1
            while j < len(records) and records[j][0].startswith(("S21.G00.70.", "S21.G00.73.")) and \
                    records[j][0] != "S21.G00.70.004":
                j += 1
            yield i, j
            i = j
            continue
        i += 1


def _drop(records: list[Record], nir: str, adhesion: str | None = None, rubrique: str | None = None) -> list[Record]:
    """Without the employee's affiliations to ``adhesion`` (70.013), or only without their ``rubrique``."""
    removed: set[int] = set()
    for start, end in list(_spans(records, nir)):
        block = records[start:end]
        if adhesion is not None and ("S21.G00.70.013", adhesion) not in block:
            continue
        removed |= {k for k in range(start, end) if rubrique is None or records[k][0] == rubrique}
    kept = [r for k, r in enumerate(records) if k not in removed]
    fix_line_counts(kept)
    return kept


def _repopulate(records: list[Record], nir: str, adhesion: str, population: str) -> list[Record]:
    """The employee's affiliations to ``adhesion`` declared in ``population`` (70.005)."""
    out = list(records)
    for start, end in list(_spans(records, nir)):
        if ("S21.G00.70.013", adhesion) in records[start:end]:
            out[start:end] = [(c, population if c == "S21.G00.70.005" else v) for c, v in records[start:end]]
    return out


def affiliation_history(seed: int = 18) -> AffiliationHistory:
    """The scenario of the module docstring."""
    company = generate_company(seed, employees=len(ROLES), months=MONTHS, start_month=FIRST_MONTH)
    people = _scripted(company.employees)
    returned = replace(people["returns"], start=RETURN_START, end=None, end_motif=None,
                       contract_no=people["returns"].contract_no + "B")
    history = AffiliationHistory(company, people, returned, [], company.fpoc_xml())
    referential = company.referential
    santé = referential.adhesion_id(history.santé.reference)
    prévoyance = referential.adhesion_id(history.prévoyance.reference)
    for month in history.months:
        records = monthly_records(company.company, month, employees=history.roster(month))
        if month >= DISAPPEARS_MONTH:
            records = _drop(records, people["disappears"].nir, santé)
        records = _drop(records, people["unaffiliated"].nir, prévoyance)
        records = _drop(records, people["resigns"].nir, rubrique="S21.G00.70.015")
        if month == POPULATION_SLIP_MONTH:
            records = _repopulate(records, people["regular"].nir, prévoyance, history.slipped_population)
        history.files.append((f"mensuelle_{month:%Y%m}.dsn", render(records).encode("iso-8859-1")))
    return history


def _repeat(records: list[Record], nir: str, adhesion: str) -> list[Record]:
    """The employee's affiliation to ``adhesion`` (with its ayants droit) declared twice in a row."""
    for start, end in _spans(records, nir):
        if ("S21.G00.70.013", adhesion) in records[start:end]:
            out = records[:end] + records[start:end] + records[end:]
            fix_line_counts(out)
            return out
    raise ValueError(f"no affiliation to adhésion {adhesion}")


def _point(records: list[Record], nir: str, adhesion: str, to: str) -> list[Record]:
    """The employee's affiliation to ``adhesion`` pointing at adhésion ``to`` (70.013) instead."""
    out = list(records)
    for start, end in _spans(records, nir):
        if ("S21.G00.70.013", adhesion) in records[start:end]:
            out[start:end] = [(c, to if c == "S21.G00.70.013" else v) for c, v in records[start:end]]
    return out


def flawed_month(history: AffiliationHistory) -> tuple[str, bytes]:
    """The mensuelle of FLAWED_MONTH described in the module docstring, as (name, bytes)."""
    referential, people = history.company.referential, history.people
    records = monthly_records(history.company.company, FLAWED_MONTH, employees=history.roster(FLAWED_MONTH))
    records = _repeat(records, people["regular"].nir, referential.adhesion_id(history.santé.reference))
    records = _point(records, people["hired"].nir, referential.adhesion_id(history.prévoyance.reference),
                     ORPHAN_ADHESION)
    return f"mensuelle_{FLAWED_MONTH:%Y%m}.dsn", render(records).encode("iso-8859-1")
