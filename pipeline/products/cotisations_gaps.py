"""The decomposition of ``declared − due`` by cause, per affiliation and month, with the employee and the DSN line
behind each gap (computed on demand, not stored).

For each affiliation (S21.G00.70) of a contract in a month:

- ``affiliation``: no 059 contribution declared for it, the whole due amount is missing;
- ``population``: its option × population has no line of the referential in force, or that line rates none of its
  declared composants (they are another population's, e.g. a non-cadre declared in the cadres population), the
  whole declared amount is unexpected;
- ``taux``: Σ rated composants × (declared rate S21.G00.81.007 − referential rate);
- ``forfait``: declared flat composants (S21.G00.79 types 20, 21) − the referential's flat amounts;
- ``base``: the rest (the 059 amount differs from its own composants × rate: tranche split, proration, rounding).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ..store.schema import BLOCK_TABLES
from .cotisations import end_of
from .cotisations_compute import CENT, rate_rows, referentials
from .cotisations_sql import (BASE, COMPOSANT_BASE, COTISATION, FLAT_COLUMNS, RATE_COLUMNS, _affiliations,
                              _line_match, _literal_table, decimal, monthly_declarations)
from .records import Month, Record, personal

FLAT_TYPES = ("20", "21")
INDIVIDU = BLOCK_TABLES["S21.G00.30"]


@dataclass(frozen=True)
class Gap(Record):
    """One cause of ``declared − due`` for one employee's affiliation in one month; ``line``: the first 059
    S21.G00.81 of the affiliation, or its base 31 (S21.G00.78) when it has no 059."""

    contract: str
    month: Month
    cause: str
    amount: Decimal
    declared: Decimal
    due: Decimal
    option: str | None
    population: str | None
    nir: str | None = personal("nir")
    line: int | None = None


def _rows(conn: sa.Connection, siren: str, rates: list, flats: list, when) -> list:
    decl = monthly_declarations([siren], when)
    aff = _affiliations(decl)
    rate_table, flat_table = _literal_table("rates", RATE_COLUMNS, rates), _literal_table("flats", FLAT_COLUMNS, flats)
    b, cb, c, i = BASE.c, COMPOSANT_BASE.c, COTISATION.c, INDIVIDU.c
    key = (aff.c.declaration_id, aff.c.individu_id, aff.c.ident)
    base_join = sa.and_(b.declaration_id == aff.c.declaration_id, b.individu_id == aff.c.individu_id,
                        b.s21_g00_78_005 == aff.c.ident, b.s21_g00_78_001 == "31")
    declared = (sa.select(*key, sa.func.sum(c.s21_g00_81_004).label("declared"),
                          sa.func.max(c.s21_g00_81_007).label("rate"), sa.func.min(c.line).label("line"))
                .select_from(aff).join(BASE, base_join)
                .join(COTISATION, sa.and_(c.declaration_id == b.declaration_id, c.base_assujettie_id == b.instance_id,
                                          c.s21_g00_81_001 == "059"))
                .group_by(*key).subquery("declared"))
    percent = sa.cast(sa.literal(Decimal("0.01")), sa.Numeric(3, 2))
    rated = (sa.select(*key, sa.func.sum(cb.s21_g00_79_004 * rate_table.c.rate).label("rated"),
                       sa.func.sum(cb.s21_g00_79_004 * declared.c.rate * percent).label("at_declared_rate"))
             .select_from(aff).join(BASE, base_join)
             .join(COMPOSANT_BASE, sa.and_(cb.declaration_id == b.declaration_id,
                                           cb.base_assujettie_id == b.instance_id))
             .join(rate_table, sa.and_(_line_match(rate_table, aff), rate_table.c.type == cb.s21_g00_79_001))
             .outerjoin(declared, sa.and_(declared.c.declaration_id == aff.c.declaration_id,
                                          declared.c.individu_id == aff.c.individu_id,
                                          declared.c.ident == aff.c.ident))
             .group_by(*key).subquery("rated"))
    flat = cb.s21_g00_79_001.in_(FLAT_TYPES)
    flat_declared = (sa.select(*key, sa.func.sum(sa.case((flat, cb.s21_g00_79_004))).label("flat"),
                               sa.func.count(sa.case((sa.not_(flat), cb.s21_g00_79_001))).label("composants"),
                               sa.func.min(b.line).label("base_line"))
                     .select_from(aff).join(BASE, base_join)
                     .outerjoin(COMPOSANT_BASE, sa.and_(cb.declaration_id == b.declaration_id,
                                                        cb.base_assujettie_id == b.instance_id))
                     .group_by(*key).subquery("flat_declared"))
    flat_due = (sa.select(*key, sa.func.sum(flat_table.c.amount).label("flat"))
                .select_from(aff).join(flat_table, _line_match(flat_table, aff)).group_by(*key).subquery("flat_due"))
    matched = (sa.select(*key).distinct().select_from(aff)
               .join(rate_table, _line_match(rate_table, aff)).subquery("matched"))
    matched_flat = (sa.select(*key).distinct().select_from(aff)
                    .join(flat_table, _line_match(flat_table, aff)).subquery("matched_flat"))

    def on(sub):
        return sa.and_(sub.c.declaration_id == aff.c.declaration_id, sub.c.individu_id == aff.c.individu_id,
                       sub.c.ident == aff.c.ident)

    query = (sa.select(aff.c.contract, aff.c.month, aff.c.option, aff.c.population, i.s21_g00_30_001.label("nir"),
                       declared.c.declared, declared.c.line, rated.c.rated, rated.c.at_declared_rate,
                       flat_declared.c.flat.label("flat_declared"), flat_declared.c.composants,
                       flat_declared.c.base_line, flat_due.c.flat.label("flat_due"),
                       matched.c.ident.is_not(None).label("rate_line"),
                       sa.or_(matched.c.ident.is_not(None), matched_flat.c.ident.is_not(None)).label("matched"))
             .select_from(aff)
             .join(INDIVIDU, sa.and_(i.declaration_id == aff.c.declaration_id, i.instance_id == aff.c.individu_id))
             .outerjoin(declared, on(declared)).outerjoin(rated, on(rated))
             .outerjoin(flat_declared, on(flat_declared)).outerjoin(flat_due, on(flat_due))
             .outerjoin(matched, on(matched)).outerjoin(matched_flat, on(matched_flat))
             .order_by(aff.c.contract, aff.c.month, declared.c.line))
    return conn.execute(query).all()


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def gaps(conn: sa.Connection, siren: str, contract: str | None = None, start: date | None = None,
         end: date | None = None, as_of: date | None = None) -> list[Gap]:
    """Every non-zero cause of ``declared − due`` of the company's affiliations (months ``start``…``end``)."""
    known = referentials(conn, [siren])
    rates, flats = rate_rows(known)
    out = []
    for row in _rows(conn, siren, rates, flats, end_of(as_of) if as_of else None):
        if (contract and row.contract != contract) or (start and row.month < start) or (end and row.month > end):
            continue
        due = _cents(decimal(row.rated) + decimal(row.flat_due))
        declared = decimal(row.declared)
        if row.declared is None:
            causes = {"affiliation": -due}
        elif not row.matched or (row.rate_line and row.rated is None and row.composants):
            causes = {"population": declared - due}
        else:
            rate = _cents(decimal(row.at_declared_rate) - decimal(row.rated))
            flat = decimal(row.flat_declared) - decimal(row.flat_due)
            causes = {"taux": rate, "forfait": flat, "base": declared - due - rate - flat}
        month = Month.of(row.month)
        out += [Gap(row.contract, month, cause, amount, declared, due, row.option or None, row.population or None,
                    row.nir, row.line if row.line is not None else row.base_line)
                for cause, amount in causes.items() if amount]
    return out

