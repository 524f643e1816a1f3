"""Set-based queries of the contribution account over the stored block tables, for current declarations or for
those current at a given time (naive UTC).

- declared: Σ S21.G00.81.004 of code 059 under bases 31, linked 81 → 78.005 → 70.012 → 70.013 → 15.005, per
  affiliation then per contract and month;
- due: per affiliation, Σ S21.G00.79.004 of its base 31 × the referential rate of the composant type, plus the
  flat amounts of its line, rounded to the cent, summed per contract and month;
- composants: every S21.G00.55 with its S21.G00.20 (organism, amount, mode, date) for the apportionment.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from ..store.schema import BLOCK_TABLES, declarations

END_OF_TIME = date(9999, 12, 31)
RATE = sa.Numeric(16, 8)
AMOUNT = sa.Numeric(21, 3)
ADHESION, PAYMENT, COMPOSANT = BLOCK_TABLES["S21.G00.15"], BLOCK_TABLES["S21.G00.20"], BLOCK_TABLES["S21.G00.55"]
AFFILIATION, BASE, COMPOSANT_BASE = BLOCK_TABLES["S21.G00.70"], BLOCK_TABLES["S21.G00.78"], BLOCK_TABLES["S21.G00.79"]
COTISATION = BLOCK_TABLES["S21.G00.81"]


def monthly_declarations(sirens: list[str], when: datetime | None, months: list[date] | None = None) -> sa.Subquery:
    """The mensuelles (nature 01) of ``sirens`` current now (``when`` None) or at ``when`` (of ``months`` only when
    given)."""
    d = declarations.c
    conditions = [d.siren.in_(sirens), d.nature == "01", d.month.is_not(None)]
    if months is not None:
        conditions.append(d.month.in_(months))
    if when is None:
        conditions.append(d.state == "current")
    else:
        conditions += [d.valid_from <= when, sa.or_(d.valid_to.is_(None), d.valid_to > when)]
    return sa.select(d.id, d.siren, d.month, d.file_date, d.individus).where(*conditions).subquery("decl")


def _affiliations(decl: sa.Subquery) -> sa.CTE:
    """Affiliations (S21.G00.70) with the contract of their adhésion (S21.G00.15)."""
    a, ad = AFFILIATION.c, ADHESION.c
    return (sa.select(decl.c.siren, decl.c.month, a.declaration_id, a.individu_id, a.s21_g00_70_012.label("ident"),
                      ad.s21_g00_15_001.label("contract"), ad.s21_g00_15_002.label("organisme"),
                      sa.func.coalesce(a.s21_g00_70_004, "").label("option"),
                      sa.func.coalesce(a.s21_g00_70_005, "").label("population"))
            .distinct()
            .select_from(AFFILIATION)
            .join(decl, decl.c.id == a.declaration_id)
            .join(ADHESION, sa.and_(ad.declaration_id == a.declaration_id, ad.etablissement_id == a.etablissement_id,
                                    ad.s21_g00_15_005 == a.s21_g00_70_013))
            .cte("aff"))


def _literal_table(name: str, columns: dict[str, sa.types.TypeEngine], rows: list[tuple]) -> sa.Subquery:
    """A small table of literal rows (always one never-matching row, so it is never empty)."""
    blank = tuple(None for _ in columns)
    selects = [sa.select(*(sa.cast(sa.literal(v, type_), type_).label(col)
                           for v, (col, type_) in zip(row, columns.items())))
               for row in [blank, *rows]]
    return sa.union_all(*selects).subquery(name)


RATE_COLUMNS = {"siren": sa.String(), "contract": sa.String(), "option": sa.String(), "population": sa.String(),
                "type": sa.String(), "valid_from": sa.Date(), "valid_to": sa.Date(), "rate": RATE}
FLAT_COLUMNS = {"siren": sa.String(), "contract": sa.String(), "option": sa.String(), "population": sa.String(),
                "valid_from": sa.Date(), "valid_to": sa.Date(), "amount": AMOUNT}


def _line_match(table: sa.Subquery, aff: sa.CTE) -> sa.ColumnElement[bool]:
    t = table.c
    return sa.and_(t.siren == aff.c.siren, t.contract == aff.c.contract, t.option == aff.c.option,
                   t.population == aff.c.population, t.valid_from <= aff.c.month, t.valid_to >= aff.c.month)


def month_rows(conn: sa.Connection, sirens: list[str], rates: list[tuple], flats: list[tuple],
               when: datetime | None = None, months: list[date] | None = None) -> list:
    """(siren, contract, month, organisme, declared, lines, due, heads) per contract and month, over the
    affiliations (one pass; ``months`` only when given).

    ``rates``: (siren, contract, option, population, 79.001 type, valid_from, valid_to, rate as a fraction);
    ``flats``: (siren, contract, option, population, valid_from, valid_to, flat amount per affiliation); option
    and population ``""`` when the line has none.
    """
    decl = monthly_declarations(sirens, when, months)
    aff = _affiliations(decl)
    rate_table, flat_table = _literal_table("rates", RATE_COLUMNS, rates), _literal_table("flats", FLAT_COLUMNS, flats)
    b, cb, c = BASE.c, COMPOSANT_BASE.c, COTISATION.c
    key = (aff.c.declaration_id, aff.c.individu_id, aff.c.ident)
    declared = (sa.select(b.declaration_id, b.individu_id, b.s21_g00_78_005.label("ident"),
                          sa.func.sum(c.s21_g00_81_004).label("declared"), sa.func.count().label("lines"))
                .select_from(COTISATION)
                .join(BASE, sa.and_(b.declaration_id == c.declaration_id, b.instance_id == c.base_assujettie_id))
                .join(decl, decl.c.id == c.declaration_id)
                .where(c.s21_g00_81_001 == "059", b.s21_g00_78_001 == "31")
                .group_by(b.declaration_id, b.individu_id, b.s21_g00_78_005).subquery("declared"))
    rated = (sa.select(*key, sa.func.sum(cb.s21_g00_79_004 * rate_table.c.rate).label("rated"))
             .select_from(aff)
             .join(BASE, sa.and_(b.declaration_id == aff.c.declaration_id, b.individu_id == aff.c.individu_id,
                                 b.s21_g00_78_005 == aff.c.ident, b.s21_g00_78_001 == "31"))
             .join(COMPOSANT_BASE, sa.and_(cb.declaration_id == b.declaration_id,
                                           cb.base_assujettie_id == b.instance_id))
             .join(rate_table, sa.and_(_line_match(rate_table, aff), rate_table.c.type == cb.s21_g00_79_001))
             .group_by(*key).subquery("rated"))
    flat = (sa.select(*key, sa.func.sum(flat_table.c.amount).label("flat"))
            .select_from(aff).join(flat_table, _line_match(flat_table, aff)).group_by(*key).subquery("flat"))
    per_affiliation = (
        sa.select(aff.c.siren, aff.c.contract, aff.c.month, aff.c.organisme, declared.c.declared, declared.c.lines,
                  sa.func.round(sa.func.coalesce(rated.c.rated, 0) + sa.func.coalesce(flat.c.flat, 0), 2)
                  .label("due"))
        .select_from(aff)
        .outerjoin(declared, sa.and_(declared.c.declaration_id == aff.c.declaration_id,
                                     declared.c.individu_id == aff.c.individu_id, declared.c.ident == aff.c.ident))
        .outerjoin(rated, sa.and_(rated.c.declaration_id == aff.c.declaration_id,
                                  rated.c.individu_id == aff.c.individu_id, rated.c.ident == aff.c.ident))
        .outerjoin(flat, sa.and_(flat.c.declaration_id == aff.c.declaration_id,
                                 flat.c.individu_id == aff.c.individu_id, flat.c.ident == aff.c.ident))
        .subquery("per_affiliation"))
    p = per_affiliation.c
    query = (sa.select(p.siren, p.contract, p.month, sa.func.min(p.organisme).label("organisme"),
                       sa.func.sum(p.declared).label("declared"),
                       sa.func.coalesce(sa.func.sum(p.lines), 0).label("lines"),
                       sa.func.sum(p.due).label("due"), sa.func.count().label("heads"))
             .group_by(p.siren, p.contract, p.month))
    return conn.execute(query).all()


def composant_rows(conn: sa.Connection, sirens: list[str], when: datetime | None = None,
                   periods: list[str] | None = None) -> list:
    """Every S21.G00.55 of the mensuelles with its payment block: siren, declaration id, month, file date,
    payment instance, 20.001 organism, 20.005 amount, 20.010 mode, 20.011 date, 55.001, 55.003, 55.004, 55.005;
    in declaration and line order. ``periods``: only the payments holding a composant of one of them."""
    decl = monthly_declarations(sirens, when)
    v, c = PAYMENT.c, COMPOSANT.c
    query = (sa.select(decl.c.siren, decl.c.id.label("declaration_id"), decl.c.month, decl.c.file_date,
                       v.instance_id.label("payment"), v.line.label("payment_line"),
                       v.s21_g00_20_001.label("organisme"), v.s21_g00_20_005.label("payment_amount"),
                       v.s21_g00_20_010.label("mode"), v.s21_g00_20_011.label("paid_on"),
                       c.s21_g00_55_001.label("amount"), c.s21_g00_55_003.label("contract"),
                       c.s21_g00_55_004.label("period"), c.s21_g00_55_005.label("crm"), c.line.label("line"))
             .select_from(COMPOSANT)
             .join(decl, decl.c.id == c.declaration_id)
             .join(PAYMENT, sa.and_(v.declaration_id == c.declaration_id, v.instance_id == c.versement_ops_id)))
    if periods is not None:
        held = COMPOSANT.alias("held")
        holding = (sa.select(held.c.declaration_id, held.c.versement_ops_id).distinct()
                   .where(held.c.s21_g00_55_004.in_(periods)).subquery("holding"))
        query = query.join(holding, sa.and_(holding.c.declaration_id == c.declaration_id,
                                            holding.c.versement_ops_id == c.versement_ops_id))
    return conn.execute(query.order_by(decl.c.month, decl.c.id, c.line)).all()


def contract_periods(conn: sa.Connection, sirens: list[str], when: datetime | None = None) -> list:
    """The distinct (siren, 55.003 contract, 55.004 period) of the current mensuelles' composants."""
    decl = monthly_declarations(sirens, when)
    c = COMPOSANT.c
    return conn.execute(sa.select(decl.c.siren, c.s21_g00_55_003, c.s21_g00_55_004).distinct()
                        .select_from(COMPOSANT).join(decl, decl.c.id == c.declaration_id)).all()


def touched_scope(conn: sa.Connection, declaration_ids: list[str]) -> tuple[list[date], list[str]]:
    """The months of ``declaration_ids`` and the periods (55.004) of their composants, sorted."""
    d, c = declarations.c, COMPOSANT.c
    months = conn.execute(sa.select(d.month).distinct().where(d.id.in_(declaration_ids), d.month.is_not(None)))
    periods = conn.execute(sa.select(c.s21_g00_55_004).distinct()
                           .where(c.declaration_id.in_(declaration_ids), c.s21_g00_55_004.is_not(None)))
    return sorted(months.scalars()), sorted(periods.scalars())


def filing_rows(conn: sa.Connection, siren: str, when: datetime | None = None) -> dict[date, tuple[date | None, int]]:
    """Month → (earliest file date S20.G00.05.007, staff) of the company's mensuelles."""
    decl = monthly_declarations([siren], when)
    query = (sa.select(decl.c.month, sa.func.min(decl.c.file_date), sa.func.sum(decl.c.individus))
             .group_by(decl.c.month))
    return {month: (file_day, int(staff or 0)) for month, file_day, staff in conn.execute(query)}


def decimal(value) -> Decimal:
    """A stored amount as an exact Decimal (None → 0)."""
    return Decimal(0) if value is None else Decimal(str(value))
