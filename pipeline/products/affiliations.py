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

import gc
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
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


#: The columns of a state row the register reads (the NIR comes from ``employees``).
REGISTER_COLUMNS = ("employee_id", "contract", "organisme", "delegataire", "month", "first_month", "spell_start",
                    "spell_end", "spell_nic", "spell_contract_start", "declaration_id", "affiliation_instance",
                    "matricule", "last_name", "option", "population", "children", "adults", "beneficiaries",
                    "others", "child_beneficiaries", "contract_start", "exit_date", "exit_motif", "portability",
                    "contribution_month", "contribution", "contribution_rate", "anomalies", "disappeared_month",
                    "back_month", "back_start")


_EPOCH = date(1970, 1, 1).toordinal()


def _values(column) -> list:
    """An Arrow column as Python values. Texts, integers and booleans: Arrow's own conversion; dates and
    amounts (slow to convert one by one): each distinct value converted once, dates from their day number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    count, kind = len(column), column.type
    if column.null_count == count:
        return [None] * count
    if not (pa.types.is_date32(kind) or pa.types.is_decimal(kind)):
        return column.to_pylist()
    encoded = pc.dictionary_encode(column).combine_chunks()
    if pa.types.is_date32(kind):
        fromordinal = date.fromordinal
        distinct = [fromordinal(_EPOCH + day) for day in encoded.dictionary.cast(pa.int32()).to_pylist()]
    else:
        distinct = list(map(Decimal, encoded.dictionary.cast(pa.string()).to_pylist()))
    distinct.append(None)
    return list(map(distinct.__getitem__, encoded.indices.fill_null(len(distinct) - 1).to_numpy().tolist()))


def _columns(conn: sa.Connection, query: sa.Select) -> dict[str, list]:
    """The rows of ``query`` as columns (label → values). DuckDB: fetched as Arrow and converted column by
    column, each distinct value once (no per-cell conversion of rows); PostgreSQL: the rows transposed."""
    if conn.dialect.name == "duckdb":
        compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        result = conn.connection.driver_connection.execute(
            str(compiled), [compiled.params[name] for name in compiled.positiontup])
        table = result.to_arrow_table() if hasattr(result, "to_arrow_table") else result.fetch_arrow_table()
        return {name: _values(table.column(i)) for i, name in enumerate(table.column_names)}
    result = conn.execute(query)
    names, rows = list(result.keys()), result.all()
    return {name: list(values) for name, values in zip(names, zip(*rows))} if rows else {n: [] for n in names}


def _built(cls, columns: list[list]) -> list:
    """Records of the frozen dataclass ``cls`` from one list per field (in field order), without the
    generated ``__init__`` (one ``object.__setattr__`` per field and record): the same records, each one
    dict assignment."""
    names = [f.name for f in fields(cls)]
    new, assign = object.__new__, object.__setattr__
    out = []
    for values in zip(*columns):
        record = new(cls)
        assign(record, "__dict__", dict(zip(names, values)))
        out.append(record)
    return out


def _standing(siren: str, last: date, contract: str | None, matricule: str | None):
    """The state rows standing on month ``last`` (declared up to it, not declared again by then)."""
    where = [s.siren == siren, s.month <= last, sa.or_(s.next_month.is_(None), s.next_month > last)]
    if contract is not None:
        where.append(s.contract == contract)
    if matricule is not None:
        where.append(s.matricule == matricule)
    return where


def _states(conn: sa.Connection, siren: str, last: date, contract: str | None, matricule: str | None) -> dict:
    """The columns (:data:`REGISTER_COLUMNS` and ``nir``) of the state rows standing on month ``last``."""
    standing = _standing(siren, last, contract, matricule)
    query = (sa.select(*(s[name] for name in REGISTER_COLUMNS)).where(*standing)
             .order_by(*(sa.func.coalesce(s[name], "") for name in ("matricule", "contract", "organisme")),
                       s.delegataire, s.employee_id))  # the register's order (sorted again: collations vary)
    found = _columns(conn, query)
    # The NIRs apart (a join of the wide rows costs more than this second, narrow read).
    people = _columns(conn, sa.select(employees.c.id, employees.c.nir).where(
        employees.c.id.in_(sa.select(s.employee_id).where(*standing))))
    nirs = dict(zip(people["id"], people["nir"]))
    if len(nirs) < len(set(found["employee_id"])):  # a state row without its employee: left out, as by a join
        kept = [i for i, e in enumerate(found["employee_id"]) if e in nirs]
        found = {name: [values[i] for i in kept] for name, values in found.items()}
    found["nir"] = [nirs[e] for e in found["employee_id"]]
    return found


def _dependants(conn: sa.Connection, siren: str, last: date, contract: str | None, matricule: str | None) -> dict:
    """(declaration_id, affiliation_instance) → dependant records of the state rows standing on ``last``
    (one query, joined to those rows)."""
    t = affiliation_dependants.c
    standing = (sa.select(s.declaration_id, s.affiliation_instance)
                .where(*_standing(siren, last, contract, matricule)).distinct().subquery())
    query = (sa.select(t.declaration_id, t.affiliation_instance, t.kind, t.last_name, t.first_names, t.birth_date,
                       t.nir, t.start_date, t.end_date)
             .join(standing, (standing.c.declaration_id == t.declaration_id)
                   & (standing.c.affiliation_instance == t.affiliation_instance))
             .where(t.siren == siren).order_by(t.dependant_instance))
    if contract is not None:
        query = query.where(t.contract == contract)
    found = _columns(conn, query)
    people = _built(Dependant, [found[name] for name in ("kind", "last_name", "first_names", "birth_date", "nir",
                                                           "start_date", "end_date")])
    out: dict[tuple, list] = {}
    for key, person in zip(zip(found["declaration_id"], found["affiliation_instance"]), people):
        out.setdefault(key, []).append(person)
    return {key: tuple(persons) for key, persons in out.items()}


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
    end of contract followed by a return, the new one).

    Built column by column (:func:`collector_paused`: tens of thousands of new objects, none cyclic, would
    otherwise start several full collections): the values shared by many records (months, labels, rules,
    dependants counts, the contribution and the referential's rates) are computed once per distinct value;
    only the rows with an end of contract, a missing start or a finding go through the full per-row rules
    (:func:`_dated`)."""
    with collector_paused():
        return _register(conn, siren, as_of, contract, matricule)


@contextmanager
def collector_paused():
    """The cyclic garbage collector off inside the block (a bulk of new acyclic objects: records, cells),
    back on after it if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _register(conn: sa.Connection, siren: str, as_of: date, contract: str | None,
              matricule: str | None) -> list[Affiliation]:
    last = date(as_of.year, as_of.month, 1)
    c = _states(conn, siren, last, contract, matricule)
    referential = _Referential(conn, siren)
    dependants = _dependants(conn, siren, last, contract, matricule)
    employee_ids, refs, organismes, delegataires = c["employee_id"], c["contract"], c["organisme"], c["delegataire"]
    carrying = _carrying(conn, siren, last, sorted(set(employee_ids))) if matricule is not None else {}
    contracts = list(zip(refs, organismes))
    rules = {key: referential.rules(*key) for key in set(contracts)}
    months = {day: Month.of(day) for day in {*c["month"], *c["first_month"], *c["contribution_month"]}}
    counts: dict[tuple, DependantCounts] = {}
    for key in set(zip(c["children"], c["adults"], c["beneficiaries"], c["others"], c["child_beneficiaries"])):
        counts[key] = DependantCounts(*key)
    contribution_keys = list(zip(c["contribution_month"], c["contribution"], c["contribution_rate"], refs,
                                 c["option"], c["population"]))
    distinct = list(set(contribution_keys))
    rate_texts = {rate: _rate_text(rate) for rate in set(c["contribution_rate"])}
    expected = {key: referential.expected(*key[1:], key[0]) for key in {(k[0], *k[3:]) for k in distinct}}
    contributions = dict(zip(distinct, _built(Contribution, [
        [months[k[0]] for k in distinct], [k[1] for k in distinct], [rate_texts[k[2]] for k in distinct],
        [expected[(k[0], *k[3:])][0] for k in distinct], [expected[(k[0], *k[3:])][1] for k in distinct]])))
    # The common row: a start, no end of contract, no finding: affilié unless a declared end has passed.
    starts, ends = list(c["spell_start"]), list(c["spell_end"])
    statuses = [RADIE if end is not None and end < as_of else AFFILIE for end in ends]
    portability_ends, anomalies = [None] * len(refs), [()] * len(refs)
    adhesions: list = []
    for i, (start, exit_date, codes, gone) in enumerate(zip(starts, c["exit_date"], c["anomalies"],
                                                           c["disappeared_month"])):
        if start is None or exit_date is not None or codes or gone is not None:
            starts[i], ends[i], portability_ends[i], anomalies[i], statuses[i] = _dated(
                conn, siren, as_of, last, referential, rules[contracts[i]][1], adhesions, _Row(c, i))
    columns = [
        c["matricule"], c["nir"], c["last_name"], refs, organismes, delegataires,
        [rules[key][0] for key in contracts], c["option"],
        list(map(referential.options.get, zip(refs, organismes, c["option"]))), c["population"],
        list(map(referential.populations.get, zip(refs, organismes, c["population"]))), starts, ends,
        [months[day] for day in c["first_month"]], [months[day] for day in c["month"]], statuses, c["exit_date"],
        c["exit_motif"], portability_ends,
        [counts[key] for key in zip(c["children"], c["adults"], c["beneficiaries"], c["others"],
                                    c["child_beneficiaries"])],
        [contributions[key] for key in contribution_keys],
        [dependants.get(key, ()) for key in zip(c["declaration_id"], c["affiliation_instance"])], anomalies,
        [carrying.get(key, ()) for key in zip(employee_ids, refs, organismes, delegataires)] if carrying
        else [()] * len(refs), employee_ids]
    records = _built(Affiliation, columns)
    records += _to_affiliate(conn, siren, last, referential.referential, contract, matricule,
                             set(zip(employee_ids, refs)))
    keys = [(r.matricule or "", r.contract or "", r.organisme or "") for r in records]
    return [records[i] for i in sorted(range(len(records)), key=keys.__getitem__)]


class _Row:
    """Row ``i`` of columns: ``row[name]``."""

    __slots__ = ("columns", "i")

    def __init__(self, columns: dict, i: int):
        self.columns, self.i = columns, i

    def __getitem__(self, name: str):
        return self.columns[name][self.i]


def _dated(conn: sa.Connection, siren: str, as_of: date, last: date, referential: _Referential, rule: str,
           adhesions: list, row: _Row) -> tuple:
    """(affiliation start, end, end of portabilité, finding codes, status) of one state row."""
    start, end, exit_date = row["spell_start"], row["spell_end"], row["exit_date"]
    if start is None:
        adhesion = referential.starts.get((row["contract"], row["organisme"]))
        if adhesion is None:
            if not adhesions:
                adhesions.append(_adhesion_starts(conn, siren, last))
            adhesion = adhesions[0].get((row["spell_nic"], row["contract"], row["organisme"], row["delegataire"]))
        known = [d for d in (row["spell_contract_start"], adhesion) if d is not None]
        start = max(known) if known else None
    if end is None and exit_date is not None:
        end = cover_end(rule, exit_date)
    porta_end = None
    if exit_date is not None and row["portability"] == PORTABILITY_KEPT:
        back = row["back_start"] if row["back_month"] is not None and row["back_month"] <= last else None
        porta_end = portability_end(row["contract_start"], exit_date, back)
    codes = row["anomalies"].split() if row["anomalies"] else []
    if row["disappeared_month"] is not None and row["disappeared_month"] <= last:
        codes = sorted({*codes, CODES[DISAPPEARED]})
    if codes:
        status = ANOMALIE
    elif end is not None and end < as_of:
        status = PORTABILITE if porta_end is not None and as_of <= porta_end else RADIE
    else:
        status = AFFILIE
    return start, end, porta_end, tuple(codes), status


def _to_affiliate(conn, siren: str, last: date, referential, contract: str | None, matricule: str | None,
                  affiliated: set) -> list:
    """Employees of the latest mensuelle up to ``last`` whom a contract line's StatutCategoriel criterion takes
    in and who have no affiliation to that contract (the lines of each establishment × statut sorted once)."""
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
    query = (sa.select(e.employee_id, e.matricule, e.nic, employees.c.nir,
                       i[column_name("S21.G00.30.002")].label("name"), c[column_name("S21.G00.40.003")].label("statut"))
             .join(declarations, d.id == e.declaration_id).join(employees, employees.c.id == e.employee_id)
             .join(BLOCK_TABLES["S21.G00.30"], (i.declaration_id == e.declaration_id)
                   & (i.instance_id == e.individu_id))
             .join(BLOCK_TABLES["S21.G00.40"], (c.declaration_id == e.declaration_id)
                   & (c.individu_id == e.individu_id))
             .where(d.state == "current", d.nature == "01", d.siren == siren, d.month == month))
    if matricule is not None:
        query = query.where(e.matricule == matricule)
    day = add_months(month, 1) - timedelta(days=1)
    found = _columns(conn, query)
    taking: dict[tuple, list] = {}  # (nic, statut) → the lines whose criteria take the statut in, in order

    def lines_taking(nic, statut) -> list:
        out = []
        for line in referential.contracts_valid_at(siren, nic, day):
            if contract is not None and line.contract.reference != contract:
                continue
            criteria = [v for v in (line.group.criteria.values if line.group.criteria else ())
                        if v.name == STATUT_CRITERION]
            if criteria and all(v.accepts(statut) for v in criteria):
                out.append(line)
        return out

    out, seen = [], set()
    for employee_id, matricule_, nic, nir, name, statut in zip(found["employee_id"], found["matricule"],
                                                               found["nic"], found["nir"], found["name"],
                                                               found["statut"]):
        key = (nic, statut)
        if key not in taking:
            taking[key] = lines_taking(nic, statut)
        for line in taking[key]:
            ref = line.contract.reference
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
     AND t.affiliation_instance = c.{{mine_instance}} AND t.siren = :siren AND t.month = c.{{mine}}month
WHERE c.siren = :siren AND c.month = :month AND c.previous_month IS NOT NULL AND NOT c.previous_closed {{contract}}
  AND NOT EXISTS (SELECT 1 FROM affiliation_dependants o WHERE o.declaration_id = c.{{other}}declaration_id
                  AND o.affiliation_instance = c.{{other_instance}} AND o.siren = :siren
                  AND o.month = c.{{other}}month AND {_SAME_PERSON})
"""
#: The state rows of a month that show a movement (the others: same option and population as the previous
#: month declared, no end): what :func:`movements` compares, filtered in SQL.
MOVED = sa.or_(s.previous_month.is_(None), s.previous_closed.is_(True), s.previous_option.is_distinct_from(s.option),
               s.previous_population.is_distinct_from(s.population), s.exit_date.is_not(None),
               s.end_date.is_not(None))


def movements(conn: sa.Connection, siren: str, month: date, contract: str | None = None) -> list[Movement]:
    """The movements of ``month`` for ``siren``: each contract declared that month compared with the previous
    month it was declared (a first month, or one after an end of contract, is an entrée)."""
    month = date(month.year, month.month, 1)
    query = sa.select(s.matricule, s.contract, s.declaration_id, s.option, s.population, s.start_date,
                      s.end_date, s.contract_start, s.exit_date, s.exit_motif, s.portability, s.previous_month,
                      s.previous_option, s.previous_population, s.previous_closed).where(
        s.siren == siren, s.month == month, MOVED)
    if contract is not None:
        query = query.where(s.contract == contract)
    label = Month.of(month)
    out = []
    c = _columns(conn, query)
    for (matricule, ref, declaration_id, option, population, start_date, end_date, contract_start, exit_date,
         exit_motif, portability, previous_month, previous_option, previous_population,
         previous_closed) in zip(*c.values()):
        def add(kind, day, detail=None):
            out.append(Movement(label, kind, matricule, ref, day, detail, declaration_id))

        if previous_month is None or previous_closed:
            add(ENTREE, start_date or contract_start or month)
        else:
            if previous_option != option:
                add(OPTION, month, f"{previous_option} → {option}")
            if previous_population != population:
                add(POPULATION, month, f"{previous_population} → {population}")
        if exit_date is not None or end_date is not None:
            add(SORTIE, end_date or exit_date, exit_motif)
            if exit_date is not None and portability == PORTABILITY_KEPT:
                add(PORTA_START, exit_date + timedelta(days=1))
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
