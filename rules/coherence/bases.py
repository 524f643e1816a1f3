"""Coherence controls of the contribution blocks: base assujettie (S21.G00.78), composant de base assujettie
(S21.G00.79) and cotisation individuelle (S21.G00.81), with the OC rules of base 31 and cotisation 059.

Written for millions of rows: every check is a column operation, a ``map`` on ids or a merge.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ..registry import rule
from .conditions import (CONTRAT, FCTU, by_id, contract_by_number, day, declaration_attribute, found, has, isin,
                         later_duplicates, missing_child, nature_in, nonzero, num, per_run, table, truth, txt)

BASE, COMPOSANT, COTISATION, AFFILIATION = "S21.G00.78", "S21.G00.79", "S21.G00.81", "S21.G00.70"
OC_BASE, OC_COTISATION = "31", "059"
TEST = "tests/rules/coherence/test_bases.py::"

NOT_APPLICABLE: dict[str, str] = {}

CIBTP_BASES = ("21", "34", "35", "36", "39", "40")
CIBTP_FUNDS = tuple(f"{n:02d}" for n in range(1, 38))
OC_COMPOSANTS = tuple(str(n) for n in range(10, 22)) + ("23", "24")
UNIQUE_OC_COMPOSANTS = ("10", "11", "12", "13", "14", "15", "16", "24")
NON_OC_COMPOSANTS = ("01", "02", "03", "04", "05", "06", "22", "90", "91")


def _base(ctx) -> tuple[pd.DataFrame, pd.Series]:
    base = ctx.table(BASE)
    return base, txt(base, "S21.G00.78.001")


def _parent_code(ctx, block: str) -> pd.Series:
    """The base code (78.001) of the parent base of each row of the composant or cotisation table (computed once
    per run, as Arrow strings: a million rows are not turned into Python objects)."""
    def build(ctx) -> pd.Series:
        base, code = _base(ctx)
        child = ctx.table(block)
        ids, parents = base["id"].to_numpy(), child["base_assujettie_id"].to_numpy()
        position = np.minimum(np.searchsorted(ids, parents), max(len(ids) - 1, 0))  # base ids ascend
        known = (ids[position] == parents) if len(ids) else np.zeros(len(parents), dtype=bool)
        codes = pa.array(code.array).cast(pa.string()).take(pa.array(position, mask=~known))
        return pd.Series(pd.arrays.ArrowStringArray(codes), index=child.index)
    return per_run(ctx, f"parent_code {block}", build)


def _parent_date(ctx, child: pd.DataFrame, rubrique: str) -> pd.Series:
    base = ctx.table(BASE)
    return pd.to_datetime(by_id(child["base_assujettie_id"], pd.Series(day(base, rubrique).to_numpy(),
                                                                         index=base["id"].to_numpy())))


def _individuals_with(ctx, contract_codes: dict[str, tuple[str, ...] | None],
                      change_codes: dict[str, tuple[str, ...] | None]) -> set:
    """Individu ids with a contract (40) or a contract change (41) whose rubrique has one of the values given
    (None: any value)."""
    out: set = set()
    for block, codes in ((CONTRAT, contract_codes), ("S21.G00.41", change_codes)):
        frame = table(ctx, block)
        for code, values in codes.items():
            if code not in frame.columns:
                continue
            hit = has(frame, code) if values is None else isin(frame, code, values)
            out |= set(frame.loc[truth(hit), "individu_id"])
    return out


# ---------------------------------------------------------------------------------------------------------
# S21.G00.78 Base assujettie

@rule("S21.G00.78.001/CCH-11", scope="block", test=TEST + "test_fails")
def cibtp_bases_need_cibtp_fund(ctx):
    base, code = _base(ctx)
    funded = _individuals_with(ctx, {"S21.G00.40.022": CIBTP_FUNDS}, {"S21.G00.41.023": (*CIBTP_FUNDS, "99")})
    return found(ctx, BASE, base, truth(code.isin(CIBTP_BASES)) & ~base["individu_id"].isin(funded), "S21.G00.78.001")


@rule("S21.G00.78.001/CCH-13", scope="block", test=TEST + "test_fails")
def every_affiliation_has_base_31(ctx):
    base, code = _base(ctx)
    aff = ctx.table(AFFILIATION)
    covered = pd.MultiIndex.from_arrays([base["individu_id"], txt(base, "S21.G00.78.005")])[truth(code == OC_BASE)]
    keys = pd.MultiIndex.from_arrays([aff["individu_id"], txt(aff, "S21.G00.70.012")])
    first = ~later_duplicates(aff, [aff["individu_id"], txt(aff, "S21.G00.70.012")])
    bad = nature_in(ctx, aff, ["01"]) & has(aff, "S21.G00.70.012") & ~keys.isin(covered) & first
    return found(ctx, AFFILIATION, aff, bad, "S21.G00.70.012").assign(rubrique="S21.G00.78.001")


@rule("S21.G00.78.001/CCH-14", scope="block", test=TEST + "test_fails")
def no_base_31_in_fctu(ctx):
    base, code = _base(ctx)
    return found(ctx, BASE, base, nature_in(ctx, base, [FCTU]) & truth(code == OC_BASE), "S21.G00.78.001")


@rule("S21.G00.78.001/CCH-24", scope="block", test=TEST + "test_fails")
def paid_leave_base_needs_fund(ctx):
    base, code = _base(ctx)
    funded = _individuals_with(ctx, {"S21.G00.40.022": None}, {"S21.G00.41.023": None})
    return found(ctx, BASE, base, truth(code == "20") & ~base["individu_id"].isin(funded), "S21.G00.78.001")


@rule("S21.G00.78.001/CCH-25", scope="block", test=TEST + "test_fails")
def cibtp_bases_need_cibtp_fund_fctu(ctx):
    base, code = _base(ctx)
    funded = _individuals_with(ctx, {"S21.G00.40.022": CIBTP_FUNDS}, {})
    return found(ctx, BASE, base, nature_in(ctx, base, [FCTU]) & truth(code.isin(CIBTP_BASES))
                 & ~base["individu_id"].isin(funded), "S21.G00.78.001")


@rule("S21.G00.78.001/CCH-26", scope="block", test=TEST + "test_fails")
def paid_leave_base_needs_fund_fctu(ctx):
    base, code = _base(ctx)
    funded = _individuals_with(ctx, {"S21.G00.40.022": None}, {})
    return found(ctx, BASE, base, nature_in(ctx, base, [FCTU]) & truth(code == "20")
                 & ~base["individu_id"].isin(funded), "S21.G00.78.001")


@rule("S21.G00.78.003/CCH-12", scope="block", test=TEST + "test_fails")
def base_period_order(ctx):
    base, _ = _base(ctx)
    return found(ctx, BASE, base, day(base, "S21.G00.78.003") < day(base, "S21.G00.78.002"), "S21.G00.78.003")


@rule("S21.G00.78.003/CCH-15", scope="block", test=TEST + "test_fails")
def base_period_in_main_month(ctx):
    base, _ = _base(ctx)
    return found(ctx, BASE, base, day(base, "S21.G00.78.003") > declaration_attribute(ctx, base, "month_end"),
                 "S21.G00.78.003")


@rule("S21.G00.78.003/CCH-16", scope="block", test=TEST + "test_fails")
def base_period_same_year(ctx):
    base, _ = _base(ctx)
    start, end = day(base, "S21.G00.78.002"), day(base, "S21.G00.78.003")
    return found(ctx, BASE, base, truth(start.notna() & end.notna()) & truth(start.dt.year != end.dt.year),
                 "S21.G00.78.003")


@rule("S21.G00.78.004/CCH-11", scope="block", test=TEST + "test_fails")
def base_31_amount_zero(ctx):
    base, code = _base(ctx)
    return found(ctx, BASE, base, truth(code == OC_BASE) & nonzero(base, "S21.G00.78.004"), "S21.G00.78.004")


@rule("S21.G00.78.005/CCH-11", scope="block", test=TEST + "test_fails")
def affiliation_id_iff_base_31(ctx):
    base, code = _base(ctx)
    aff = ctx.table(AFFILIATION)
    ident = txt(base, "S21.G00.78.005")
    known = pd.MultiIndex.from_arrays([aff["individu_id"], txt(aff, "S21.G00.70.012")])
    unknown = ~pd.MultiIndex.from_arrays([base["individu_id"], ident]).isin(known)
    is31 = truth(code == OC_BASE)
    return found(ctx, BASE, base, (is31 != has(base, "S21.G00.78.005")) | (is31 & truth(ident.notna()) & unknown),
                 "S21.G00.78.005")


@rule("S21.G00.78.005/CCH-12", scope="block", test=TEST + "test_fails")
def affiliation_of_paid_contract(ctx):
    base, code = _base(ctx)
    rem = ctx.table("S21.G00.51")
    paid = contract_by_number(ctx, "S21.G00.51", [])
    pairs = pd.DataFrame({"versement": rem["versement_individu_id"].to_numpy(),
                          "contrat_id": paid["contrat_id"].to_numpy()}).dropna().drop_duplicates()
    aff = ctx.table(AFFILIATION)
    idents = pd.DataFrame({"contrat_id": aff["contrat_id"].to_numpy(), "ident": txt(aff, "S21.G00.70.012").to_numpy()})
    allowed = pairs.astype({"contrat_id": "int64"}).merge(idents, on="contrat_id")
    allowed_keys = pd.MultiIndex.from_arrays([allowed["versement"], allowed["ident"]])
    ident = txt(base, "S21.G00.78.005")
    keys = pd.MultiIndex.from_arrays([base["versement_individu_id"], ident])
    return found(ctx, BASE, base, truth(code == OC_BASE) & truth(ident.notna()) & ~keys.isin(allowed_keys),
                 "S21.G00.78.005")


def _crm_before_main_month(ctx, frame: pd.DataFrame, block: str, rubrique: str, period_end: pd.Series):
    """``rubrique`` (a CRM id) on a period that ends in or after the main month; a period without a known end
    (78.003 is mandatory: the structure checks report it) is not judged."""
    month_start = pd.to_datetime(declaration_attribute(ctx, frame, "month_start"))
    return found(ctx, block, frame, has(frame, rubrique) & truth(period_end >= month_start), rubrique)


@rule("S21.G00.78.007/CCH-11", scope="block", test=TEST + "test_fails")
def base_crm_only_for_past_periods(ctx):
    base, _ = _base(ctx)
    return _crm_before_main_month(ctx, base, BASE, "S21.G00.78.007", day(base, "S21.G00.78.003"))


# ---------------------------------------------------------------------------------------------------------
# S21.G00.79 Composant de base assujettie

def _composant(ctx) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    composant = ctx.table(COMPOSANT)
    return composant, txt(composant, "S21.G00.79.001"), _parent_code(ctx, COMPOSANT)


@rule("S21.G00.79.001/CCH-11", scope="block", test=TEST + "test_fails")
def base_31_has_composant(ctx):
    base, code = _base(ctx)
    return found(ctx, BASE, base, truth(code == OC_BASE) & missing_child(base, ctx.table(COMPOSANT),
                                                                         "base_assujettie_id"), "S21.G00.78.001"
                 ).assign(rubrique="S21.G00.79.001")


@rule("S21.G00.79.001/CCH-12", scope="block", test=TEST + "test_fails")
def oc_composant_iff_base_31(ctx):
    composant, kind, parent = _composant(ctx)
    return found(ctx, COMPOSANT, composant, truth(parent == OC_BASE) != truth(kind.isin(OC_COMPOSANTS)),
                 "S21.G00.79.001")


@rule("S21.G00.79.001/CCH-13", scope="block", test=TEST + "test_fails")
def no_composant_means_no_contribution(ctx):
    composant, kind, _ = _composant(ctx)
    cotisation = ctx.table(COTISATION)
    nonzero = cotisation.loc[truth(num(cotisation, "S21.G00.81.004").fillna(0) != 0), "base_assujettie_id"]
    return found(ctx, COMPOSANT, composant, truth(kind == "23") & composant["base_assujettie_id"].isin(nonzero),
                 "S21.G00.79.001")


@rule("S21.G00.79.001/CCH-14", scope="block", test=TEST + "test_fails")
def smic_composant_under_gross_base(ctx):
    composant, kind, parent = _composant(ctx)
    other_base = truth(parent.notna()) & ~truth(parent.isin(["03", "19"]))  # a base without code is not "other"
    return found(ctx, COMPOSANT, composant, truth(kind == "01") & other_base, "S21.G00.79.001")


@rule("S21.G00.79.001/CCH-16", scope="block", test=TEST + "test_fails")
def oc_composant_once_per_base(ctx):
    composant, kind, parent = _composant(ctx)
    twice = later_duplicates(composant, [composant["base_assujettie_id"], kind])
    return found(ctx, COMPOSANT, composant, truth(parent == OC_BASE) & truth(kind.isin(UNIQUE_OC_COMPOSANTS)) & twice,
                 "S21.G00.79.001")


@rule("S21.G00.79.001/CCH-17", scope="block", test=TEST + "test_fails")
def non_oc_composant_under_base_31(ctx):
    composant, kind, parent = _composant(ctx)
    return found(ctx, COMPOSANT, composant, truth(parent == OC_BASE) & truth(kind.isin(NON_OC_COMPOSANTS)),
                 "S21.G00.79.001")


@rule("S21.G00.79.005/CCH-11", scope="block", test=TEST + "test_fails")
def composant_crm_only_for_past_periods(ctx):
    composant = ctx.table(COMPOSANT)
    return _crm_before_main_month(ctx, composant, COMPOSANT, "S21.G00.79.005",
                                  _parent_date(ctx, composant, "S21.G00.78.003"))


# ---------------------------------------------------------------------------------------------------------
# S21.G00.81 Cotisation individuelle

def _cotisation(ctx) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    cotisation = ctx.table(COTISATION)
    return cotisation, txt(cotisation, "S21.G00.81.001"), _parent_code(ctx, COTISATION)


@rule("S21.G00.81.001/CCH-11", scope="block", test=TEST + "test_fails")
def ircantec_base_has_contribution(ctx):
    base, code = _base(ctx)
    cotisation, kind, _ = _cotisation(ctx)
    return found(ctx, BASE, base, truth(code == "28") & missing_child(base, cotisation, "base_assujettie_id",
                                                                      kind.isin(["060", "061"])),
                 "S21.G00.78.001").assign(rubrique="S21.G00.81.001")


@rule("S21.G00.81.001/CCH-13", scope="block", test=TEST + "test_fails")
def oc_contribution_only_under_base_31(ctx):
    cotisation, kind, parent = _cotisation(ctx)
    return found(ctx, COTISATION, cotisation, truth(kind == OC_COTISATION) & truth(parent != OC_BASE),
                 "S21.G00.81.001")


@rule("S21.G00.81.001/CCH-15", scope="block", test=TEST + "test_fails")
def one_oc_contribution_per_base_31(ctx):
    base, code = _base(ctx)
    cotisation, kind, _ = _cotisation(ctx)
    counts = cotisation.loc[truth(kind == OC_COTISATION), "base_assujettie_id"].value_counts()
    per_base = base["id"].map(counts).fillna(0)
    return found(ctx, BASE, base, truth(code == OC_BASE) & truth(per_base != 1), "S21.G00.78.001").assign(
        rubrique="S21.G00.81.001")


_REDUCTIONS = ("018", "106")


@rule("S21.G00.81.001/CCH-16", scope="block", test=TEST + "test_fails")
def reduction_needs_amounts(ctx):
    cotisation, kind, _ = _cotisation(ctx)
    missing = ~has(cotisation, "S21.G00.81.003") | ~has(cotisation, "S21.G00.81.004")
    return found(ctx, COTISATION, cotisation, truth(kind.isin(_REDUCTIONS)) & missing, "S21.G00.81.001")


@rule("S21.G00.81.001/CCH-17", scope="block", test=TEST + "test_fails")
def reduction_under_gross_base_with_smic(ctx):
    cotisation, kind, parent = _cotisation(ctx)
    composant = ctx.table(COMPOSANT)
    with_smic = composant.loc[isin(composant, "S21.G00.79.001", ["01"]), "base_assujettie_id"]
    wrong = truth(parent != "03") | ~cotisation["base_assujettie_id"].isin(with_smic)
    return found(ctx, COTISATION, cotisation, truth(kind.isin(_REDUCTIONS)) & wrong, "S21.G00.81.001")


def _oc_contribution_rule(rubrique: str, present: bool):
    """059 forbids (``present`` True) or requires (False) ``rubrique``."""
    def check(ctx):
        cotisation, kind, _ = _cotisation(ctx)
        filled = has(cotisation, rubrique)
        return found(ctx, COTISATION, cotisation, truth(kind == OC_COTISATION) & (filled if present else ~filled),
                     rubrique)
    return check


rule("S21.G00.81.002/CCH-11", scope="block", test=TEST + "test_fails")(_oc_contribution_rule("S21.G00.81.002", True))
rule("S21.G00.81.003/CCH-12", scope="block", test=TEST + "test_fails")(_oc_contribution_rule("S21.G00.81.003", True))
rule("S21.G00.81.004/CCH-11", scope="block", test=TEST + "test_fails")(_oc_contribution_rule("S21.G00.81.004", False))
rule("S21.G00.81.005/CCH-11", scope="block", test=TEST + "test_fails")(_oc_contribution_rule("S21.G00.81.005", True))


def _required_for_codes(codes, rubrique: str):
    def check(ctx):
        cotisation, kind, _ = _cotisation(ctx)
        return found(ctx, COTISATION, cotisation, truth(kind.isin(list(codes))) & ~has(cotisation, rubrique), rubrique)
    return check


rule("S21.G00.81.003/CCH-11", scope="block", test=TEST + "test_fails")(
    _required_for_codes(("060", "061"), "S21.G00.81.003"))
rule("S21.G00.81.004/CCH-12", scope="block", test=TEST + "test_fails")(
    _required_for_codes(("063", "064", "105", "131", "132"), "S21.G00.81.004"))
rule("S21.G00.81.004/CCH-13", scope="block", test=TEST + "test_fails")(
    _required_for_codes(("060", "061"), "S21.G00.81.004"))


@rule("S21.G00.81.006/CCH-11", scope="block", test=TEST + "test_fails")
def contribution_crm_only_for_past_periods(ctx):
    cotisation = ctx.table(COTISATION)
    return _crm_before_main_month(ctx, cotisation, COTISATION, "S21.G00.81.006",
                                  _parent_date(ctx, cotisation, "S21.G00.78.003"))

