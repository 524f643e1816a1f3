"""Indemnisation periods of an arrêt (the portal's "avis de paiement"), per insurer contract the employee is
affiliated to on the arrêt start.

Guarantee parameters come from the contract's ``products: arrets:`` mapping in the referential's YAML form
(docs/fpoc.md): ``franchise_days`` (default 0), ``continuous`` (default true: the franchise runs in calendar
days from the arrêt start; false is not computed from the DSN and leaves the amounts out), ``daily_rates`` (per
cent of the reference salary by tranche ``A``/``B``/``C``) and ``end`` (``reprise``, the default: up to the
day before the reprise, else the planned end; or ``planned_end``). Periods run from the end of the franchise to
that end or the as-of date, split by month. The daily benefit is the annual reference salary by tranche
(the 12 months' tranches, brought to 12 months when some are missing) × rate / 365.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from .arrets_records import ArretDetail
from .records import CENT, Record

DAYS_PER_YEAR = Decimal(365)
END_RULES = ("reprise", "planned_end")
TRANCHE_NAMES = ("A", "B", "C")


@dataclass(frozen=True)
class Period(Record):
    start: date
    end: date
    days: int
    amount: Decimal | None


@dataclass(frozen=True)
class Indemnisation(Record):
    contract_reference: str | None
    franchise_days: int
    franchise_end: date
    daily_amount: Decimal | None
    periods: list[Period]
    total: Decimal | None
    no_amount_reason: str | None  # why the amounts are absent (None when they are given)
    problems: list[str] = field(default_factory=list)  # parameter values ignored


@dataclass(frozen=True)
class Guarantee:
    franchise_days: int = 0
    continuous: bool = True
    daily_rates: dict[str, Decimal] | None = None
    end: str = "reprise"


def guarantee(parameters: dict) -> tuple[Guarantee, list[str]]:
    """The guarantee of a contract's ``products: arrets:`` mapping, and the French problems of bad values."""
    problems, values = [], {}
    if "franchise_days" in parameters:
        try:
            values["franchise_days"] = int(str(parameters["franchise_days"]))
            if values["franchise_days"] < 0:
                raise ValueError
        except ValueError:
            values.pop("franchise_days", None)
            problems.append(f"franchise_days « {parameters['franchise_days']} » : entier positif attendu")
    if "continuous" in parameters:
        text = str(parameters["continuous"]).lower()
        if text in ("true", "false"):
            values["continuous"] = text == "true"
        else:
            problems.append(f"continuous « {parameters['continuous']} » : true ou false attendu")
    if "daily_rates" in parameters:
        rates = parameters["daily_rates"]
        try:
            if not isinstance(rates, dict) or not set(rates) <= set(TRANCHE_NAMES):
                raise InvalidOperation
            values["daily_rates"] = {t: Decimal(str(rates.get(t, 0))) for t in TRANCHE_NAMES}
        except InvalidOperation:
            problems.append(f"daily_rates « {rates} » : pourcentages par tranche A, B, C attendus")
    if "end" in parameters:
        if str(parameters["end"]) in END_RULES:
            values["end"] = str(parameters["end"])
        else:
            problems.append(f"end « {parameters['end']} » : {' ou '.join(END_RULES)} attendu")
    return Guarantee(**values), problems


_PARSED: dict[tuple, object] = {}  # stored referential ids → their parsed referential (stored rows never change)


def _referential(conn: sa.Connection, siren: str):
    """The stored referential of ``siren`` (:func:`pipeline.referentials.stored_referential`), parsed once per
    set of stored rows."""
    from ..referentials import stored_referential
    from ..store.schema import referentials

    r = referentials.c
    key = (siren, *conn.execute(sa.select(r.id).where(r.sirens.like(f"%{siren}%")).order_by(r.id)).scalars())
    if key not in _PARSED:
        if len(_PARSED) > 32:
            _PARSED.clear()
        _PARSED[key] = stored_referential(conn, siren)
    return _PARSED[key]


def _parameters(referential, siren: str, reference: str | None, day: date) -> dict | None:
    """The ``products: arrets:`` mapping of the contract line in force on ``day`` (None when there is none)."""
    for line in referential.lines(siren):
        if line.contract.reference == reference and line.valid_at(day) and line.product("arrets"):
            return dict(line.product("arrets"))
    return None


def _months(first: date, last: date) -> list[tuple[date, date]]:
    """``first``…``last`` split at month ends."""
    out, day = [], first
    while day <= last:
        nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        out.append((day, min(last, nxt - timedelta(days=1))))
        day = nxt
    return out


def indemnisation(conn: sa.Connection, detail: ArretDetail, as_of: date) -> list[Indemnisation]:
    """The indemnisation periods of the arrêt for each contract it is affiliated to on its start date."""
    references = sorted({a.contract_reference for a in detail.affiliations})
    referential = _referential(conn, detail.siren) if references else None
    out = []
    for reference in references:
        parameters = _parameters(referential, detail.siren, reference, detail.start)
        terms, problems = guarantee(parameters or {})
        franchise_end = detail.start + timedelta(days=terms.franchise_days - 1) if terms.franchise_days else \
            detail.start - timedelta(days=1)
        if detail.reprise is not None and terms.end == "reprise":
            end = detail.reprise.date - timedelta(days=1)
        else:
            end = detail.planned_end or as_of
        end = min(end, as_of)
        spans = _months(franchise_end + timedelta(days=1), end)
        daily, reason = None, None
        reference_salary = detail.reference_salary
        if parameters is None:
            reason = "aucun paramètre de garantie arrêts pour ce contrat dans le référentiel (products: arrets:)"
        elif not terms.continuous:
            reason = "franchise discontinue : les arrêts antérieurs ne sont pas connus de la DSN, montant non calculé"
        elif terms.daily_rates is None:
            reason = "taux d'indemnisation (daily_rates) absents des paramètres du contrat"
        elif reference_salary is None or not reference_salary.months_declared:
            reason = "aucun mois de salaire dans les 12 mois de référence"
        else:
            annual = {t: reference_salary.tranches[t] * 12 / reference_salary.months_declared for t in TRANCHE_NAMES}
            daily = (sum((annual[t] * terms.daily_rates[t] / 100 for t in TRANCHE_NAMES), Decimal(0))
                     / DAYS_PER_YEAR).quantize(CENT)
        periods = [Period(first, last, (last - first).days + 1,
                          None if daily is None else daily * ((last - first).days + 1)) for first, last in spans]
        total = None if daily is None else sum((p.amount for p in periods), Decimal(0))
        out.append(Indemnisation(reference, terms.franchise_days, franchise_end, daily, periods, total, reason,
                                 problems))
    return out
