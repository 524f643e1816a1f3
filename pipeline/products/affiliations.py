"""The affiliation register (santé and prévoyance): who is covered by which insurer contract, since when, and
what changed in a month.

:func:`recompute` keeps the derived rows (:mod:`pipeline.products.affiliations_derive`) in step with the stored
mensuelles. :func:`register` reads, per employee × contract (S21.G00.15.001/.002/.003), the state row of the
last month declared up to the date (``affiliation_states``, an indexed read) and adds what the referential says
(labels, adhésion start, end-of-cover rule, expected rates); :func:`movements` compares the rows of a month with
the previous month each contract was declared. Status on the date:
``affilié``; ``radié`` once the cover has ended; ``portabilité`` after an end of contract with 62.016 = 01
(:func:`pipeline.products.affiliations_rules.portability_end`); ``anomalie`` while a ``DSN-AFF`` finding
stands (an affiliation gone while the employee stays, two affiliations to one contract, a population the
referential refuses for the statut, no adhésion); ``à affilier`` for an employee of the date's month whom a
contract's population criteria (StatutCategoriel) take in, without an affiliation to it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ..referentials import stored_referential
from ..store.schema import column_name, employees
from ..store.schema_affiliations import affiliation_dependants, affiliation_months, affiliation_states
from .affiliations_checks import CODES, DISAPPEARED, STATUT_CRITERION
from .affiliations_derive import derive_register
from .affiliations_rules import (PORTABILITY_KEPT, PORTABILITY_MAX_MONTHS, add_months, cover_end, end_rule,
                                 guarantee, portability_end)
from .records import Month, Record, personal

AFFILIE, RADIE, PORTABILITE, A_AFFILIER, ANOMALIE = "affilié", "radié", "portabilité", "à affilier", "anomalie"
STATUSES = (AFFILIE, RADIE, PORTABILITE, A_AFFILIER, ANOMALIE)
ENTREE, SORTIE, OPTION, POPULATION = "entrée", "sortie", "changement d'option", "changement de population"
ADDED, REMOVED, PORTA_START, PORTA_END = ("ayant droit ajouté", "ayant droit retiré", "début de portabilité",
                                         "fin de portabilité")
MOVEMENTS = (ENTREE, SORTIE, OPTION, POPULATION, ADDED, REMOVED, PORTA_START, PORTA_END)


@dataclass(frozen=True)
class DependantCounts(Record):
    """S21.G00.70.007–.011 as declared in the last month."""

    enfants_a_charge: int | None = None
    adultes: int | None = None
    ayants_droit: int | None = None
    autres: int | None = None
    enfants: int | None = None


@dataclass(frozen=True)
class Dependant(Record):
    """An ayant droit (S21.G00.73) of the last declared month."""

    type: str | None
    nom: str | None = personal("name")
    prenoms: str | None = personal("name")
    date_naissance: date | None = personal("birth_date")
    nir: str | None = personal("nir")
    debut: date | None = None
    fin: date | None = None


@dataclass(frozen=True)
class Rate(Record):
    """A rate of the referential (% of a composant type S21.G00.79.001), kept as written (a string)."""

    type: str
    rate: str


@dataclass(frozen=True)
class Contribution(Record):
    """The contribution of the affiliation's option: the last declared S21.G00.81 code 059 under its base 31
    (amount .004, rate .007) and what the referential expects for its option and population that month."""

    month: Month | None = None
    amount: Decimal | None = None
    declared_rate: str | None = None
    rates: tuple[Rate, ...] = ()
    flat_amount: Decimal | None = None


@dataclass(frozen=True)
class Affiliation(Record):
    """One employee × insurer contract on the as-of date."""

    matricule: str | None
    nir: str | None = personal("nir")
    nom: str | None = personal("name")
    contract: str | None = None
    organisme: str | None = None
    delegataire: str | None = None
    guarantee: str | None = None
    option: str | None = None
    option_label: str | None = None
    population: str | None = None
    population_label: str | None = None
    affiliation_start: date | None = None
    affiliation_end: date | None = None
    first_month: Month | None = None
    last_month: Month | None = None
    status: str = AFFILIE
    exit_date: date | None = None
    exit_motif: str | None = None
    portabilite_end: date | None = None
    dependants: DependantCounts = field(default_factory=DependantCounts)
    contribution: Contribution | None = None
    ayants_droit: tuple[Dependant, ...] = ()
    anomalies: tuple[str, ...] = ()
    declarations: tuple[str, ...] = ()
    employee_id: str | None = None


@dataclass(frozen=True)
class Movement(Record):
    """One change of a month, with the declaration that shows it."""

    month: Month
    movement: str
    matricule: str | None
    contract: str | None
    date: date | None
    detail: str | None = None
    declaration_id: str | None = None


def recompute(conn: sa.Connection, sirens: list[str], as_of: date,
              declarations: list[str] | None = None) -> int:
    """Bring the register's rows of ``sirens`` in step with the store, only what ``declarations`` (an ingest's)
    can change when given (the status is computed when asked, so ``as_of`` changes nothing stored); rows
    written, 0 on an intact store."""
    return derive_register(conn, sirens, declarations) if sirens else 0


s = affiliation_states.c
KEY = ("employee_id", "contract", "organisme", "delegataire")


#: The columns of a state row the register reads, in the order :func:`register` unpacks them.
REGISTER_COLUMNS = ("employee_id", "contract", "organisme", "delegataire", "month", "first_month", "spell_start",
                    "spell_end", "spell_nic", "spell_contract_start", "declaration_id", "affiliation_instance",
                    "matricule", "last_name", "option", "population", "children", "adults", "beneficiaries",
                    "others", "child_beneficiaries", "contract_start", "exit_date", "exit_motif", "portability",
                    "contribution_month", "contribution", "contribution_rate", "anomalies", "disappeared_month",
                    "back_month", "back_start")


def _states(conn: sa.Connection, siren: str, last: date, contract: str | None, matricule: str | None) -> list:
    """The state rows standing on month ``last`` (declared up to it, not declared again by then), as tuples of
    :data:`REGISTER_COLUMNS` and the NIR."""
    query = (sa.select(*(s[name] for name in REGISTER_COLUMNS), employees.c.nir)
             .join(employees, employees.c.id == s.employee_id)
             .where(s.siren == siren, s.month <= last, sa.or_(s.next_month.is_(None), s.next_month > last)))
    if contract is not None:
        query = query.where(s.contract == contract)
    if matricule is not None:
        query = query.where(s.matricule == matricule)
    return conn.execute(query).all()


def _dependants(conn: sa.Connection, siren: str, months: set[date], contract: str | None) -> dict:
    """(declaration_id, affiliation_instance) → dependant records, for the months given."""
    if not months:
        return {}
    t = affiliation_dependants.c
    query = sa.select(t.declaration_id, t.affiliation_instance, t.kind, t.last_name, t.first_names, t.birth_date,
                      t.nir, t.start_date, t.end_date).where(t.siren == siren, t.month.in_(sorted(months)))
    if contract is not None:
        query = query.where(t.contract == contract)
    out: dict[tuple, list] = {}
    for declaration_id, instance, *person in conn.execute(query.order_by(t.dependant_instance)):
        out.setdefault((declaration_id, instance), []).append(Dependant(*person))
    return {key: tuple(found) for key, found in out.items()}


def _carrying(conn: sa.Connection, siren: str, last: date, employee_ids: list[str]) -> dict[tuple, tuple]:
    """Key → the declarations carrying the affiliation up to month ``last`` (for ``show``)."""
    m = affiliation_months.c
    out: dict[tuple, set] = {}
    for row in conn.execute(sa.select(*(m[name] for name in KEY), m.declaration_id).where(
            m.siren == siren, m.month <= last, m.employee_id.in_(employee_ids))):
        out.setdefault(tuple(row[:len(KEY)]), set()).add(row.declaration_id)
    return {key: tuple(sorted(ids)) for key, ids in out.items()}


def _adhesion_starts(conn: sa.Connection, siren: str, last: date) -> dict[tuple, date]:
    """(nic, contract, organisme, délégataire) → first day of the first month the store holds that adhésion."""
    from ..store.schema import BLOCK_TABLES, declarations

    a, d = BLOCK_TABLES["S21.G00.15"].c, declarations.c
    ref, oc, dlg = (a[column_name(f"S21.G00.15.{n}")] for n in ("001", "002", "003"))
    rows = conn.execute(sa.select(d.nic, ref, oc, dlg, sa.func.min(d.month)).join(
        declarations, d.id == a.declaration_id).where(d.state == "current", d.nature == "01", d.siren == siren,
                                                      d.month <= last).group_by(d.nic, ref, oc, dlg))
    return {(nic, r, o, g): first for nic, r, o, g, first in rows}


def _rate_text(rate: Decimal | None) -> str | None:
    """A rate as written: its digits, at least two decimals (1.5 → "1.50", 0.4525 → "0.4525")."""
    if rate is None:
        return None
    text = format(rate.normalize(), "f")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


class _Referential:
    """What the register asks the stored referential of one company, each answer computed once."""

    def __init__(self, conn: sa.Connection, siren: str):
        self.siren, self.referential = siren, stored_referential(conn, siren)
        self.options, self.populations, self.starts = {}, {}, {}
        for line in self.referential.lines(siren):
            key = (line.contract.reference, line.organisme.code)
            if line.option and line.option.label:
                self.options[key + (line.option.code,)] = line.option.label
            if line.population and line.population.label:
                self.populations[key + (line.population.code,)] = line.population.label
            self.starts[key] = min(self.starts.get(key, line.valid_from), line.valid_from)
        self._rules: dict[tuple, tuple[str, str]] = {}
        self._expected: dict[tuple, tuple] = {}

    def rules(self, contract: str | None, organisme: str | None) -> tuple[str, str]:
        """(guarantee, end-of-cover rule) of a contract."""
        key = (contract, organisme)
        if key not in self._rules:
            self._rules[key] = (guarantee(self.referential, self.siren, contract, organisme),
                                end_rule(self.referential, self.siren, contract, organisme))
        return self._rules[key]

    def expected(self, contract: str | None, option: str | None, population: str | None,
                 month: date | None) -> tuple[tuple[Rate, ...], Decimal | None]:
        """(rates, flat amount) the referential expects for an option and population in ``month``."""
        key = (contract, option, population, month)
        if key not in self._expected:
            composants = () if contract is None or month is None else self.referential.expected_composants(
                contract, option, population, month, siren=self.siren)
            rates = tuple(Rate(c.type_code, _rate_text(c.rate)) for c in composants if c.rate is not None)
            amounts = [c.amount for c in composants if c.amount is not None]
            self._expected[key] = (rates, sum(amounts, Decimal(0)) if amounts else None)
        return self._expected[key]


def register(conn: sa.Connection, siren: str, as_of: date, contract: str | None = None,
             matricule: str | None = None) -> list[Affiliation]:
    """The register of ``siren`` on ``as_of``: one record per employee × contract (ordered by matricule, then
    contract), and the employees ``à affilier``; ``matricule``: one employee's only, with the declarations that
    carry each of his affiliations (``show``). The affiliation's dates are those of its latest spell (after an
    end of contract followed by a return, the new one)."""
    last = date(as_of.year, as_of.month, 1)
    rows = _states(conn, siren, last, contract, matricule)
    referential = _Referential(conn, siren)
    adhesions = None
    dependants = _dependants(conn, siren, {r[4] for r in rows}, contract)
    carrying = _carrying(conn, siren, last, sorted({r[0] for r in rows})) if matricule is not None else {}
    months: dict[date | None, Month | None] = {}
    rate_texts: dict[Decimal | None, str | None] = {}
    disappeared = CODES[DISAPPEARED]
    records = []
    for (employee_id, ref, organisme, delegataire, month, first_month, start, end, spell_nic, spell_contract_start,
         declaration_id, instance, matricule_, last_name, option, population, children, adults, beneficiaries,
         others, child_beneficiaries, contract_start, exit_date, exit_motif, portability, contribution_month,
         contribution, contribution_rate, anomalies, disappeared_month, back_month, back_start, nir) in rows:
        if start is None:
            adhesion = referential.starts.get((ref, organisme))
            if adhesion is None:
                adhesions = _adhesion_starts(conn, siren, last) if adhesions is None else adhesions
                adhesion = adhesions.get((spell_nic, ref, organisme, delegataire))
            known = [d for d in (spell_contract_start, adhesion) if d is not None]
            start = max(known) if known else None
        kind, rule = referential.rules(ref, organisme)
        if end is None and exit_date is not None:
            end = cover_end(rule, exit_date)
        porta_end = None
        if exit_date is not None and portability == PORTABILITY_KEPT:
            back = back_start if back_month is not None and back_month <= last else None
            porta_end = portability_end(contract_start, exit_date, back)
        codes = anomalies.split() if anomalies else []
        if disappeared_month is not None and disappeared_month <= last:
            codes = sorted({*codes, disappeared})
        if codes:
            status = ANOMALIE
        elif end is not None and end < as_of:
            status = PORTABILITE if porta_end is not None and as_of <= porta_end else RADIE
        else:
            status = AFFILIE
        for day in (month, first_month, contribution_month):
            if day not in months:
                months[day] = Month.of(day)
        if contribution_rate not in rate_texts:
            rate_texts[contribution_rate] = _rate_text(contribution_rate)
        rates, flat = referential.expected(ref, option, population, contribution_month)
        records.append(Affiliation(
            matricule_, nir, last_name, ref, organisme, delegataire, kind, option,
            referential.options.get((ref, organisme, option)), population,
            referential.populations.get((ref, organisme, population)), start, end, months[first_month],
            months[month], status, exit_date, exit_motif, porta_end,
            DependantCounts(children, adults, beneficiaries, others, child_beneficiaries),
            Contribution(months[contribution_month], contribution, rate_texts[contribution_rate], rates, flat),
            dependants.get((declaration_id, instance), ()), tuple(codes),
            carrying.get((employee_id, ref, organisme, delegataire), ()), employee_id))
    records += _to_affiliate(conn, siren, last, referential.referential, contract, matricule,
                             {(r[0], r[1]) for r in rows})
    return sorted(records, key=lambda r: (r.matricule or "", r.contract or "", r.organisme or ""))


def _to_affiliate(conn, siren: str, last: date, referential, contract: str | None, matricule: str | None,
                  affiliated: set) -> list:
    """Employees of the latest mensuelle up to ``last`` whom a contract line's StatutCategoriel criterion takes
    in and who have no affiliation to that contract."""
    from ..store.schema import BLOCK_TABLES, declarations, employee_months

    if not any(v.name == STATUT_CRITERION for line in referential.lines(siren) if line.group.criteria
               for v in line.group.criteria.values):
        return []
    e, d = employee_months.c, declarations.c
    month = conn.execute(sa.select(sa.func.max(d.month)).where(
        d.state == "current", d.nature == "01", d.siren == siren, d.month <= last)).scalar()
    if month is None:
        return []
    i, c = BLOCK_TABLES["S21.G00.30"].c, BLOCK_TABLES["S21.G00.40"].c
    query = (sa.select(e.employee_id, e.matricule, e.nic, employees.c.nir, i[column_name("S21.G00.30.002")],
                       c[column_name("S21.G00.40.003")])
             .join(declarations, d.id == e.declaration_id).join(employees, employees.c.id == e.employee_id)
             .join(BLOCK_TABLES["S21.G00.30"], (i.declaration_id == e.declaration_id)
                   & (i.instance_id == e.individu_id))
             .join(BLOCK_TABLES["S21.G00.40"], (c.declaration_id == e.declaration_id)
                   & (c.individu_id == e.individu_id))
             .where(d.state == "current", d.nature == "01", d.siren == siren, d.month == month))
    if matricule is not None:
        query = query.where(e.matricule == matricule)
    day = add_months(month, 1) - timedelta(days=1)
    lines = referential.contracts_valid_at
    out, seen = [], set()
    for employee_id, matricule_, nic, nir, name, statut in conn.execute(query):
        for line in lines(siren, nic, day):
            ref = line.contract.reference
            if contract is not None and ref != contract:
                continue
            criteria = [v for v in (line.group.criteria.values if line.group.criteria else ())
                        if v.name == STATUT_CRITERION]
            if not criteria or not all(v.accepts(statut) for v in criteria):
                continue
            if (employee_id, ref) in affiliated or (employee_id, ref) in seen:
                continue
            seen.add((employee_id, ref))
            out.append(Affiliation(matricule=matricule_, nir=nir, nom=name, contract=ref,
                                   organisme=line.organisme.code, delegataire=line.organisme.delegataire,
                                   guarantee=guarantee(referential, siren, ref, line.organisme.code),
                                   population=line.population_code,
                                   population_label=line.population.label if line.population else None,
                                   status=A_AFFILIER, employee_id=employee_id))
    return out


_SAME_PERSON = " AND ".join(f"o.{c} IS NOT DISTINCT FROM t.{c}" for c in ("kind", "last_name", "first_names",
                                                                         "birth_date"))
#: Ayants droit of a month's affiliations absent from the previous month it was declared (added), and the
#: reverse (removed); ``{mine}``/``{other}`` the state columns of the two sides.
DEPENDANT_CHANGES = f"""
SELECT c.matricule, c.contract, c.declaration_id, t.kind, t.start_date, t.end_date
FROM affiliation_states c
JOIN affiliation_dependants t ON t.declaration_id = c.{{mine}}declaration_id
     AND t.affiliation_instance = c.{{mine_instance}}
WHERE c.siren = :siren AND c.month = :month AND c.previous_month IS NOT NULL AND NOT c.previous_closed {{contract}}
  AND NOT EXISTS (SELECT 1 FROM affiliation_dependants o WHERE o.declaration_id = c.{{other}}declaration_id
                  AND o.affiliation_instance = c.{{other_instance}} AND {_SAME_PERSON})
"""


def movements(conn: sa.Connection, siren: str, month: date, contract: str | None = None) -> list[Movement]:
    """The movements of ``month`` for ``siren``: each contract declared that month compared with the previous
    month it was declared (a first month, or one after an end of contract, is an entrée)."""
    month = date(month.year, month.month, 1)
    query = sa.select(s.matricule, s.contract, s.declaration_id, s.option, s.population, s.start_date,
                      s.end_date, s.contract_start, s.exit_date, s.exit_motif, s.portability, s.previous_month,
                      s.previous_option, s.previous_population, s.previous_closed).where(
        s.siren == siren, s.month == month)
    if contract is not None:
        query = query.where(s.contract == contract)
    label = Month.of(month)
    out = []
    for row in conn.execute(query):
        def add(kind, day, detail=None):
            out.append(Movement(label, kind, row.matricule, row.contract, day, detail, row.declaration_id))

        if row.previous_month is None or row.previous_closed:
            add(ENTREE, row.start_date or row.contract_start or month)
        else:
            if row.previous_option != row.option:
                add(OPTION, month, f"{row.previous_option} → {row.option}")
            if row.previous_population != row.population:
                add(POPULATION, month, f"{row.previous_population} → {row.population}")
        if row.exit_date is not None or row.end_date is not None:
            add(SORTIE, row.end_date or row.exit_date, row.exit_motif)
            if row.exit_date is not None and row.portability == PORTABILITY_KEPT:
                add(PORTA_START, row.exit_date + timedelta(days=1))
    params = {"siren": siren, "month": month} | ({"contract": contract} if contract is not None else {})
    only = "AND c.contract = :contract" if contract is not None else ""
    for kind, sides in ((ADDED, ("", "affiliation_instance", "previous_", "previous_instance")),
                        (REMOVED, ("previous_", "previous_instance", "", "affiliation_instance"))):
        sql = DEPENDANT_CHANGES.format(mine=sides[0], mine_instance=sides[1], other=sides[2],
                                       other_instance=sides[3], contract=only)
        for row in conn.execute(sa.text(sql), params):
            day = _in_month(row.start_date if kind == ADDED else row.end_date, month)
            out.append(Movement(label, kind, row.matricule, row.contract, day, row.kind, row.declaration_id))
    out += _portability_ends(conn, siren, month, contract)
    return sorted(out, key=lambda x: (x.matricule or "", x.contract or "", MOVEMENTS.index(x.movement)))


def _in_month(day: date | None, month: date) -> date:
    """``day`` when it falls in ``month``, else the month's first day (the DSN that shows the change)."""
    return day if day is not None and (day.year, day.month) == (month.year, month.month) else month


def _portability_ends(conn: sa.Connection, siren: str, month: date, contract: str | None) -> list[Movement]:
    """``fin de portabilité`` for each portabilité whose last day falls in ``month`` (a return to work any
    later DSN shows cuts it short)."""
    last = add_months(month, 1) - timedelta(days=1)
    query = sa.select(s.matricule, s.contract, s.contract_start, s.exit_date, s.back_start).where(
        s.siren == siren, s.portability == PORTABILITY_KEPT, s.exit_date.is_not(None), s.month <= month,
        s.exit_date >= add_months(month, -PORTABILITY_MAX_MONTHS - 1))
    if contract is not None:
        query = query.where(s.contract == contract)
    out = []
    for row in conn.execute(query):
        end = portability_end(row.contract_start, row.exit_date, row.back_start)
        if month <= end <= last:
            out.append(Movement(Month.of(month), PORTA_END, row.matricule, row.contract, end, None, None))
    return out


def status_counts(records: list[Affiliation]) -> dict[str, int]:
    """How many records of each status, in :data:`STATUSES` order."""
    counts = Counter(r.status for r in records)
    return {status: counts[status] for status in STATUSES}


def run_summary(conn: sa.Connection) -> list[str]:
    """One French line per company of the register: counts per status as of today."""
    sirens = sorted(conn.execute(sa.select(s.siren).distinct()).scalars())
    lines = []
    for siren in sirens:
        counts = status_counts(register(conn, siren, date.today()))
        lines.append(f"Affiliations SIREN {siren} : " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    return lines
