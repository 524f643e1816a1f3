"""Coherence controls of the payments to social protection organisms (S21.G00.20) and their components
(S21.G00.55), and of the Urssaf contribution slips (S21.G00.22) and aggregated contributions (S21.G00.23)."""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from ..registry import rule
from .conditions import (ADHESION, BORDEREAU, COMPOSANT, CONTRAT, COTISATION_AGREGEE, VERSEMENT, any_by, count_by,
                         counted, findings, has, is_prevoyance, isin, lines_by, lookup, mask, month_end, month_start,
                         siret, to_lines, words)

TEST = "tests/rules/coherence/test_payments_ops.py::test_control"
_URSSAF = "needs the referential of organisms (IVO) to know that the organism is an Urssaf"
_AGIRC_ARRCO = "needs the referential of organisms (IVO) to know that the organism is an Agirc-Arrco institution"
NOT_APPLICABLE = {
    "S21.G00.20.004/CCH-13": "needs the referential of organisms (IVO) to know the organisms exempted from the "
                             "French account rule (Urssaf, Agirc-Arrco, Congés spectacles)",
    "S21.G00.20.006/CCH-11": _URSSAF,
    "S21.G00.20.006/CCH-12": _AGIRC_ARRCO,
    "S21.G00.20.007/CCH-12": _AGIRC_ARRCO,
    "S21.G00.22.003/CCH-11": _URSSAF,
    "S21.G00.22.005/CCH-11": _URSSAF,
}

DGFIP = "DGFIP"
CNIEG = ("CNIEG_COT_RS", "CNIEG_COT_POOL", "CNIEG_COT_RDC")
MOBILITY = words("900 901 911 917 921 927")
PERIOD_MONTHS = {"M": 1, "T": 3, "S": 6, "A": 12, "E": 12}


def _payments(ctx) -> pd.DataFrame:
    return ctx.table(VERSEMENT)


def _dgfip(pay: pd.DataFrame) -> np.ndarray:
    return mask(pay["S21.G00.20.001"].str.upper() == DGFIP)


def _other_payer(ctx, pay: pd.DataFrame) -> np.ndarray:
    """Payments whose payer SIRET (20.012) is given and differs from the establishment's SIRET."""
    return has(pay, "S21.G00.20.012") & mask(pay["S21.G00.20.012"] != siret(ctx, pay))


def _component_count(ctx, pay: pd.DataFrame) -> np.ndarray:
    return counted(pay, "id", count_by(ctx.table(COMPOSANT), "parent_id"))


def _before_month(ctx, frame: pd.DataFrame, start: pd.Series, end: pd.Series) -> np.ndarray:
    """Rows whose period (start, end) lies entirely before the main declared month."""
    first = month_start(ctx, frame)
    return mask(start < first) & mask(end < first)


def _cnieg_without_regime(ctx, frame: pd.DataFrame, code: str) -> np.ndarray:
    contrat = ctx.text(CONTRAT)
    ieg = any_by(contrat, "declaration_id", isin(contrat, "S21.G00.40.020", ["147"]))
    return isin(frame, code, CNIEG) & ~frame["declaration_id"].isin(ieg).to_numpy(dtype=bool)


@rule("S21.G00.20.001/CCH-12", scope="block", test=TEST)
def prevoyance_payment_has_components(ctx):
    pay = _payments(ctx)
    own_payer = ~has(pay, "S21.G00.20.012") | mask(pay["S21.G00.20.012"] == siret(ctx, pay))
    needs = is_prevoyance(pay["S21.G00.20.001"]) & (mask(pay["S21.G00.20.005"] != 0) | own_payer)
    return findings(ctx, VERSEMENT, needs & (_component_count(ctx, pay) == 0), "S21.G00.20.001",
                    related=["S21.G00.20.005", "S21.G00.20.012"])


@rule("S21.G00.20.001/CCH-13", scope="block", test=TEST)
def payment_without_components_matches_adhesion(ctx):
    pay, adh = ctx.text(VERSEMENT), ctx.text(ADHESION)
    pairs = set(zip(adh["etablissement_id"], adh["S21.G00.15.002"].fillna(""), adh["S21.G00.15.003"].fillna("")))
    known = np.array([p in pairs for p in zip(pay["etablissement_id"], pay["S21.G00.20.001"].fillna(""),
                                              pay["S21.G00.20.008"].fillna(""))], dtype=bool)
    bad = is_prevoyance(pay["S21.G00.20.001"]) & (_component_count(ctx, pay) == 0) & ~known
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.001", related=["S21.G00.20.008"])


@rule("S21.G00.20.002/CCH-11", scope="block", test=TEST)
def dgfip_entity(ctx):
    pay = _payments(ctx)
    bad = _dgfip(pay) & ~isin(pay, "S21.G00.20.002", ["DGFIP_PAS", "DGFIP_SATD"])
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.002", related=["S21.G00.20.001"])


@rule("S21.G00.20.002/CCH-12", scope="block", test=TEST)
def payment_cnieg_entity(ctx):
    pay = _payments(ctx)
    return findings(ctx, VERSEMENT, _cnieg_without_regime(ctx, pay, "S21.G00.20.002"), "S21.G00.20.002")


@rule("S21.G00.20.003/CCH-12", scope="block", test=TEST)
def bic_only_for_own_payer(ctx):
    pay = _payments(ctx)
    bad = has(pay, "S21.G00.20.003") & _other_payer(ctx, pay)
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.003", related=["S21.G00.20.012"])


@rule("S21.G00.20.004/CCH-12", scope="block", test=TEST)
def iban_only_for_own_payer(ctx):
    pay = _payments(ctx)
    bad = has(pay, "S21.G00.20.004") & _other_payer(ctx, pay)
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.004", related=["S21.G00.20.012"])


@rule("S21.G00.20.005/CCH-12", scope="block", test=TEST)
def prevoyance_amount_is_components_sum(ctx):
    pay, comp = _payments(ctx), ctx.table(COMPOSANT)
    total = comp.groupby("parent_id")["S21.G00.55.001"].sum()
    expected = pd.Series(total.reindex(pay["id"].to_numpy()).to_numpy(), index=pay.index)
    expected = expected.where(mask(expected >= 0), Decimal(0))
    bad = is_prevoyance(pay["S21.G00.20.001"]) & (_component_count(ctx, pay) > 0) & \
        mask(pay["S21.G00.20.005"] != expected)
    lines = to_lines(pay, "id", lines_by(comp, "parent_id", np.ones(len(comp), dtype=bool), "S21.G00.55.001"))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005", lines=lines)


@rule("S21.G00.20.005/CCH-13", scope="block", test=TEST)
def dgfip_amount_cap(ctx):
    pay = _payments(ctx)
    bad = _dgfip(pay) & mask(pay["S21.G00.20.005"] > Decimal("999999999.00"))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005")


@rule("S21.G00.20.007/CCH-11", scope="block", test=TEST)
def payment_period_order(ctx):
    pay = _payments(ctx)
    bad = mask(pay["S21.G00.20.007"] < pay["S21.G00.20.006"])
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.007", related=["S21.G00.20.006"])


@rule("S21.G00.20.007/CCH-13", scope="block", test=TEST)
def payment_period_within_month(ctx):
    pay = _payments(ctx)
    return findings(ctx, VERSEMENT, mask(pay["S21.G00.20.007"] > month_end(ctx, pay)), "S21.G00.20.007")


@rule("S21.G00.20.008/CCH-15", scope="block", test=TEST)
def delegate_only_for_prevoyance(ctx):
    pay = _payments(ctx)
    bad = has(pay, "S21.G00.20.008") & ~is_prevoyance(pay["S21.G00.20.001"])
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.008", related=["S21.G00.20.001"])


@rule("S21.G00.20.010/CCH-12", scope="block", test=TEST)
def sepa_needs_iban(ctx):
    pay = _payments(ctx)
    bad = isin(pay, "S21.G00.20.010", ["05"]) & ~has(pay, "S21.G00.20.004")
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.010")


@rule("S21.G00.20.010/CCH-14", scope="block", test=TEST)
def dgfip_payment_mode(ctx):
    pay = _payments(ctx)
    bad = _dgfip(pay) & ~isin(pay, "S21.G00.20.010", ["05", "06"])
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.010", related=["S21.G00.20.001"])


@rule("S21.G00.20.012/CCH-11", scope="block", test=TEST)
def other_payer_only_for_zero(ctx):
    pay = _payments(ctx)
    bad = (is_prevoyance(pay["S21.G00.20.001"]) | _dgfip(pay)) & _other_payer(ctx, pay) & \
        mask(pay["S21.G00.20.005"] != 0)
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.012", related=["S21.G00.20.005"])


@rule("S21.G00.20.012/CCH-12", scope="block", test=TEST)
def other_establishment_needs_payer(ctx):
    pay = _payments(ctx)
    bad = isin(pay, "S21.G00.20.010", ["06"]) & ~_other_payer(ctx, pay)
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.012", related=["S21.G00.20.010"])


@rule("S21.G00.20.012/CCH-13", scope="block", test=TEST)
def dgfip_sepa_without_payer(ctx):
    pay = _payments(ctx)
    bad = _dgfip(pay) & isin(pay, "S21.G00.20.010", ["05"]) & has(pay, "S21.G00.20.012")
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.012", related=["S21.G00.20.010"])


@rule("S21.G00.20.012/CCH-14", scope="block", test=TEST)
def dgfip_payer_same_siren(ctx):
    pay = _payments(ctx)
    bad = _dgfip(pay) & has(pay, "S21.G00.20.012") & \
        mask(pay["S21.G00.20.012"].str.slice(0, 9) != siret(ctx, pay).str.slice(0, 9))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.012")


@rule("S21.G00.20.013/CCH-11", scope="block", test=TEST)
def payment_crm_only_for_past_periods(ctx):
    pay = _payments(ctx)
    bad = has(pay, "S21.G00.20.013") & ~_before_month(ctx, pay, pay["S21.G00.20.006"], pay["S21.G00.20.007"])
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.013", related=["S21.G00.20.006", "S21.G00.20.007"])


@rule("S21.G00.20.014/CCH-11", scope="block", test=TEST)
def satd_needs_payment_id(ctx):
    pay = _payments(ctx)
    bad = isin(pay, "S21.G00.20.002", ["DGFIP_SATD"]) & ~has(pay, "S21.G00.20.014")
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.014", related=["S21.G00.20.002"])


@rule("S21.G00.22.002/CCH-13", scope="block", test=TEST)
def slip_cnieg_entity(ctx):
    slip = ctx.table(BORDEREAU)
    return findings(ctx, BORDEREAU, _cnieg_without_regime(ctx, slip, "S21.G00.22.002"), "S21.G00.22.002")


@rule("S21.G00.22.004/CCH-11", scope="block", test=TEST)
def slip_period_order(ctx):
    slip = ctx.table(BORDEREAU)
    bad = mask(slip["S21.G00.22.004"] < slip["S21.G00.22.003"])
    return findings(ctx, BORDEREAU, bad, "S21.G00.22.004", related=["S21.G00.22.003"])


@rule("S21.G00.22.004/CCH-12", scope="block", test=TEST)
def slip_period_within_month(ctx):
    slip = ctx.table(BORDEREAU)
    return findings(ctx, BORDEREAU, mask(slip["S21.G00.22.004"] > month_end(ctx, slip)), "S21.G00.22.004")


@rule("S21.G00.22.006/CCH-11", scope="block", test=TEST)
def slip_crm_only_for_past_periods(ctx):
    slip = ctx.table(BORDEREAU)
    bad = has(slip, "S21.G00.22.006") & ~_before_month(ctx, slip, slip["S21.G00.22.003"], slip["S21.G00.22.004"])
    return findings(ctx, BORDEREAU, bad, "S21.G00.22.006", related=["S21.G00.22.003", "S21.G00.22.004"])


@rule("S21.G00.23.006/CCH-11", scope="block", test=TEST)
def mobility_needs_commune(ctx):
    cot = ctx.text(COTISATION_AGREGEE)
    bad = isin(cot, "S21.G00.23.001", MOBILITY) & ~has(cot, "S21.G00.23.006")
    return findings(ctx, COTISATION_AGREGEE, bad, "S21.G00.23.006", related=["S21.G00.23.001"])


@rule("S21.G00.23.007/CCH-11", scope="block", test=TEST)
def aggregated_crm_only_for_past_periods(ctx):
    cot, slip = ctx.table(COTISATION_AGREGEE), ctx.table(BORDEREAU)
    start = lookup(cot, "parent_id", slip, "S21.G00.22.003")
    end = lookup(cot, "parent_id", slip, "S21.G00.22.004")
    bad = has(cot, "S21.G00.23.007") & ~_before_month(ctx, cot, start, end)
    return findings(ctx, COTISATION_AGREGEE, bad, "S21.G00.23.007")


@rule("S21.G00.55.003/CCH-11", scope="block", test=TEST)
def component_matches_adhesion(ctx):
    comp, pay, adh = ctx.text(COMPOSANT), ctx.text(VERSEMENT), ctx.text(ADHESION)
    triples = set(zip(adh["etablissement_id"], adh["S21.G00.15.002"].fillna(""), adh["S21.G00.15.003"].fillna(""),
                      adh["S21.G00.15.001"].fillna("")))
    organism = lookup(comp, "parent_id", pay, "S21.G00.20.001").fillna("")
    delegate = lookup(comp, "parent_id", pay, "S21.G00.20.008").fillna("")
    known = np.array([t in triples for t in zip(comp["etablissement_id"], organism, delegate,
                                                comp["S21.G00.55.003"].fillna(""))], dtype=bool)
    return findings(ctx, COMPOSANT, has(comp, "S21.G00.55.003") & ~known, "S21.G00.55.003")


def period_start(values: pd.Series) -> pd.Series:
    """Months since year 0 of the first month of a 55.004 period (``2025M03``, ``2025T01`` …), null if malformed."""
    text = values.astype(pd.StringDtype())
    parts = text.str.extract(r"^([0-9]{4})([MTSAE])([0-9]{2})$")
    year = pd.to_numeric(parts[0], errors="coerce")
    length = parts[1].map(PERIOD_MONTHS).astype("Int64")
    rank = pd.to_numeric(parts[2], errors="coerce").clip(lower=1)
    return (year * 12 + (rank - 1) * length).astype("Int64")


@rule("S21.G00.55.004/CCH-11", scope="block", test=TEST)
def component_period_not_too_late(ctx):
    comp = ctx.table(COMPOSANT)
    text = comp["S21.G00.55.004"].astype(pd.StringDtype())
    length = text.str.slice(4, 5).map(PERIOD_MONTHS).astype("Int64")
    first = month_start(ctx, comp)
    month = first.dt.month.astype("Int64") - 1  # 0-based month of the main month
    completed = (month + 1) // length - 1  # rank (0-based) of the last period ended on the month's last day
    latest = first.dt.year.astype("Int64") * 12 + (completed + 1) * length
    bad = mask(period_start(text) > latest)
    return findings(ctx, COMPOSANT, bad, "S21.G00.55.004")


@rule("S21.G00.55.005/CCH-11", scope="block", test=TEST)
def component_crm_only_for_past_periods(ctx):
    comp, pay = ctx.table(COMPOSANT), ctx.table(VERSEMENT)
    start = lookup(comp, "parent_id", pay, "S21.G00.20.006")
    end = lookup(comp, "parent_id", pay, "S21.G00.20.007")
    bad = has(comp, "S21.G00.55.005") & ~_before_month(ctx, comp, start, end)
    return findings(ctx, COMPOSANT, bad, "S21.G00.55.005")
