"""Coherence controls of the retraite complémentaire blocks: retraite complémentaire (S21.G00.71), affiliation à
tort (S21.G00.72), période d'affiliation à tort (S21.G00.83) and base déclarée à tort (S21.G00.84).

Column operations only; every rule returns at once when its block is absent (the usual case: 72, 83 and 84
only appear in corrections).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..registry import rule
from .conditions import by_contract_id, by_id, day, declaration_attribute, found, later_duplicates, table, truth, txt

RETRAITE, A_TORT, PERIODE_A_TORT, BASE_A_TORT = "S21.G00.71", "S21.G00.72", "S21.G00.83", "S21.G00.84"
NO_SCHEME, AGIRC_ARRCO, IRCANTEC = "90000", "RETC", "IRCANTEC"
TEST = "tests/rules/coherence/test_retirement.py::test_control"

NOT_APPLICABLE: dict[str, str] = {}


def _parent(child: pd.DataFrame, key: str, parent: pd.DataFrame, code: str, typed_date: bool = False) -> pd.Series:
    """Rubrique ``code`` of each row's parent block (``key``: the parent id column of the child table)."""
    values = day(parent, code) if typed_date else txt(parent, code)
    return by_id(child[key], pd.Series(values.to_numpy(), index=parent["id"].to_numpy()))


# ---------------------------------------------------------------------------------------------------------
# S21.G00.71 Retraite complémentaire

@rule("S21.G00.71.002/CCH-12", scope="block", test=TEST)
def no_scheme_excludes_other_schemes(ctx):
    retraite = ctx.table(RETRAITE)
    if retraite.empty:
        return found(ctx, RETRAITE, retraite, np.zeros(0, dtype=bool))
    code = txt(retraite, "S21.G00.71.002")
    none = pd.Series(truth(code == NO_SCHEME), index=retraite.index)
    with_none = none.groupby(retraite["contrat_id"]).transform("any").to_numpy(dtype=bool)
    several = (retraite.groupby("contrat_id")["id"].transform("size") > 1).to_numpy(dtype=bool)
    # every block of such a contract but its first "90000" one: the other schemes, and repeated "90000" blocks
    first_none = none.to_numpy() & ~truth(later_duplicates(retraite, [retraite["contrat_id"], none]))
    return found(ctx, RETRAITE, retraite, with_none & several & ~first_none, "S21.G00.71.002")


@rule("S21.G00.71.002/CCH-13", scope="block", test=TEST)
def agirc_arrco_needs_retirement_status(ctx):
    retraite = ctx.table(RETRAITE)
    code = txt(retraite, "S21.G00.71.002")
    rc = truth(code == AGIRC_ARRCO)
    if not rc.any():
        return found(ctx, RETRAITE, retraite, rc)
    status = by_contract_id(ctx, retraite, "S21.G00.40.003").astype("string")
    conventional = by_contract_id(ctx, retraite, "S21.G00.40.002").astype("string")
    allowed = truth(status.isin(["01", "02"])) | (truth(status == "04") & truth(conventional == "04"))
    # a missing 40.003 is reported by the structure checks (mandatory rubrique), not here
    return found(ctx, RETRAITE, retraite, rc & truth(status.notna()) & ~allowed, "S21.G00.71.002")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.72 Affiliation à tort

@rule("S21.G00.72.001/CCH-11", scope="block", test=TEST)
def wrong_scheme_differs_from_scheme(ctx):
    wrong = table(ctx, A_TORT)
    if wrong.empty:
        return found(ctx, A_TORT, wrong, np.zeros(0, dtype=bool))
    scheme = _parent(wrong, "retraite_complementaire_id", ctx.table(RETRAITE), "S21.G00.71.002")
    same = truth(txt(wrong, "S21.G00.72.001") == scheme) & truth(scheme != IRCANTEC)
    return found(ctx, A_TORT, wrong, same, "S21.G00.72.001")


@rule("S21.G00.72.002/CCH-11", scope="block", test=TEST)
def wrong_membership_differs_from_membership(ctx):
    wrong = table(ctx, A_TORT)
    if wrong.empty:
        return found(ctx, A_TORT, wrong, np.zeros(0, dtype=bool))
    reference = _parent(wrong, "retraite_complementaire_id", ctx.table(RETRAITE), "S21.G00.71.003")
    return found(ctx, A_TORT, wrong, truth(txt(wrong, "S21.G00.72.002") == reference), "S21.G00.72.002")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.83 Période d'affiliation à tort, S21.G00.84 Base déclarée à tort

@rule("S21.G00.83.001/CCH-11", scope="block", test=TEST)
def wrong_affiliation_iff_wrong_period(ctx):
    """Read per individual: the affiliation à tort (72, under a contract) and its period (83, under a
    versement) belong to the same individu."""
    wrong, period = table(ctx, A_TORT), table(ctx, PERIODE_A_TORT)
    if wrong.empty and period.empty:
        return found(ctx, A_TORT, wrong, np.zeros(0, dtype=bool))
    no_period = found(ctx, A_TORT, wrong, ~wrong["individu_id"].isin(period["individu_id"]).to_numpy(dtype=bool),
                      "S21.G00.72.001")
    no_wrong = found(ctx, PERIODE_A_TORT, period,
                     ~period["individu_id"].isin(wrong["individu_id"]).to_numpy(dtype=bool), "S21.G00.83.001")
    return pd.concat([no_period.assign(rubrique="S21.G00.83.001"), no_wrong], ignore_index=True)


@rule("S21.G00.83.002/CCH-11", scope="block", test=TEST)
def wrong_period_order(ctx):
    period = table(ctx, PERIODE_A_TORT)
    return found(ctx, PERIODE_A_TORT, period, day(period, "S21.G00.83.002") < day(period, "S21.G00.83.001"),
                 "S21.G00.83.002")


def _before_main_month(ctx, frame: pd.DataFrame, block: str, rubrique: str) -> pd.DataFrame:
    """Rows whose date ``rubrique`` is on or after the first day of the main month."""
    if frame.empty:
        return found(ctx, block, frame, np.zeros(0, dtype=bool))
    month_start = pd.to_datetime(declaration_attribute(ctx, frame, "month_start"))
    return found(ctx, block, frame, day(frame, rubrique) >= month_start, rubrique)


@rule("S21.G00.83.002/CCH-12", scope="block", test=TEST)
def wrong_period_before_main_month(ctx):
    return _before_main_month(ctx, table(ctx, PERIODE_A_TORT), PERIODE_A_TORT, "S21.G00.83.002")


def _period_bound(ctx, base: pd.DataFrame, code: str) -> pd.Series:
    """A date of the parent période à tort (83) of each base déclarée à tort (84)."""
    return pd.to_datetime(_parent(base, "s21_g00_83_id", table(ctx, PERIODE_A_TORT), code, typed_date=True))


@rule("S21.G00.84.002/CCH-11", scope="block", test=TEST)
def wrong_base_starts_in_period(ctx):
    base = table(ctx, BASE_A_TORT)
    if base.empty:
        return found(ctx, BASE_A_TORT, base, np.zeros(0, dtype=bool))
    return found(ctx, BASE_A_TORT, base, day(base, "S21.G00.84.002") < _period_bound(ctx, base, "S21.G00.83.001"),
                 "S21.G00.84.002")


@rule("S21.G00.84.003/CCH-11", scope="block", test=TEST)
def wrong_base_period_order(ctx):
    base = table(ctx, BASE_A_TORT)
    return found(ctx, BASE_A_TORT, base, day(base, "S21.G00.84.003") < day(base, "S21.G00.84.002"),
                 "S21.G00.84.003")


@rule("S21.G00.84.003/CCH-12", scope="block", test=TEST)
def wrong_base_before_main_month(ctx):
    # the description says "inférieure au premier jour du mois principal": the first day itself is refused
    return _before_main_month(ctx, table(ctx, BASE_A_TORT), BASE_A_TORT, "S21.G00.84.003")


@rule("S21.G00.84.003/CCH-13", scope="block", test=TEST)
def wrong_base_ends_in_period(ctx):
    base = table(ctx, BASE_A_TORT)
    if base.empty:
        return found(ctx, BASE_A_TORT, base, np.zeros(0, dtype=bool))
    return found(ctx, BASE_A_TORT, base, day(base, "S21.G00.84.003") > _period_bound(ctx, base, "S21.G00.83.002"),
                 "S21.G00.84.003")

