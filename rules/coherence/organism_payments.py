"""Coherence controls of the payments to social protection organisms (S21.G00.20) and their components
(S21.G00.55), and of the Urssaf contribution slips (S21.G00.22) and aggregated contributions (S21.G00.23)."""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from ..referentials import PAYEE_TABLES, payee_family, referential_rule
from ..registry import rule
from .conditions import (ADHESION, BORDEREAU, COMPOSANT, CONTRAT, COTISATION_AGREGEE, DECLARATION, VERSEMENT, any_by,
                         count_by, counted, findings, has, is_prevoyance, isin, lines_by, lookup, month_end,
                         month_start, siret, to_lines, truth, words)

TEST = "tests/rules/coherence/test_organism_payments.py::test_control"
NOT_APPLICABLE: dict[str, str] = {}
# payee families of the IVO table (trigram): Urssaf (and CGSS), Agirc-Arrco, DGFIP, Caisse des Congés spectacles,
# and the prévoyance organisms (institutions, mutuelles, assureurs, other OC)
URSSAF, AGIRC_ARRCO, TAX_OFFICE, ENTERTAINMENT_LEAVE = "URS", "AAR", "FIP", "AUD"
PREVOYANCE_FAMILIES = ("CTI", "FNM", "FFS", "OCI")
WITHOUT_EMPTY_SLIPS = ("02", "05")  # S20.G00.05.002: déclarations sans individu

DGFIP = "DGFIP"
CNIEG = ("CNIEG_COT_RS", "CNIEG_COT_POOL", "CNIEG_COT_RDC")
MOBILITY = words("900 901 911 917 921 927")
PERIOD_MONTHS = {"M": 1, "T": 3, "S": 6, "A": 12, "E": 12}


def _payments(ctx) -> pd.DataFrame:
    return ctx.table(VERSEMENT)


def _dgfip(pay: pd.DataFrame) -> np.ndarray:
    return truth(pay["S21.G00.20.001"].str.upper() == DGFIP)


def _other_payer(ctx, pay: pd.DataFrame) -> np.ndarray:
    """Payments whose payer SIRET (20.012) is given and differs from the establishment's SIRET."""
    return has(pay, "S21.G00.20.012") & truth(pay["S21.G00.20.012"] != siret(ctx, pay))


def _component_count(ctx, pay: pd.DataFrame) -> np.ndarray:
    return counted(pay, "id", count_by(ctx.table(COMPOSANT), "parent_id"))


def _not_before_month(ctx, frame: pd.DataFrame, start: pd.Series, end: pd.Series) -> np.ndarray:
    """Rows whose period (start, end) reaches the main declared month; a period with a missing date (both are
    mandatory: the structure checks report it) is not judged."""
    first = month_start(ctx, frame)
    return truth(start >= first) | truth(end >= first)


def _cnieg_without_regime(ctx, frame: pd.DataFrame, code: str) -> np.ndarray:
    contrat = ctx.text(CONTRAT)
    ieg = any_by(contrat, "declaration_id", isin(contrat, "S21.G00.40.020", ["147"]))
    return isin(frame, code, CNIEG) & ~frame["declaration_id"].isin(ieg).to_numpy(dtype=bool)


@rule("S21.G00.20.001/CCH-12", scope="block", test=TEST)
def prevoyance_payment_has_components(ctx):
    pay = _payments(ctx)
    own_payer = ~has(pay, "S21.G00.20.012") | truth(pay["S21.G00.20.012"] == siret(ctx, pay))
    needs = is_prevoyance(pay["S21.G00.20.001"]) & (truth(pay["S21.G00.20.005"] != 0) | own_payer)
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


@referential_rule("S21.G00.20.004/CCH-13", tables=PAYEE_TABLES, scope="block", test=TEST)
def account_in_france(ctx):
    """IBAN (20.004) of a French account (country FR) unless the payee is a prévoyance organism, the DGFIP, an
    Urssaf, an Agirc-Arrco institution or the Caisse des Congés spectacles (organism shape, or IVO family)."""
    pay = _payments(ctx)
    family = payee_family(pay["S21.G00.20.001"])
    exempt = is_prevoyance(pay["S21.G00.20.001"]) | _dgfip(pay) | truth(family.isin(
        [URSSAF, AGIRC_ARRCO, TAX_OFFICE, ENTERTAINMENT_LEAVE, *PREVOYANCE_FAMILIES]))
    abroad = has(pay, "S21.G00.20.004") & ~truth(pay["S21.G00.20.004"].str.upper().str.startswith("FR"))
    return findings(ctx, VERSEMENT, abroad & ~exempt, "S21.G00.20.004", related=["S21.G00.20.001"])


@rule("S21.G00.20.005/CCH-12", scope="block", test=TEST)
def prevoyance_amount_is_components_sum(ctx):
    pay, comp = _payments(ctx), ctx.table(COMPOSANT)
    total = comp.groupby("parent_id")["S21.G00.55.001"].sum()
    expected = pd.Series(total.reindex(pay["id"].to_numpy()).to_numpy(), index=pay.index)
    expected = expected.where(truth(expected >= 0), Decimal(0))
    # a component without amount (55.001 is mandatory: the structure checks report it) leaves the sum unknown,
    # not zero: such a payment is not compared
    unknown = pay["id"].isin(comp.loc[~has(comp, "S21.G00.55.001"), "parent_id"]).to_numpy(dtype=bool)
    bad = is_prevoyance(pay["S21.G00.20.001"]) & (_component_count(ctx, pay) > 0) & ~unknown & \
        truth(pay["S21.G00.20.005"] != expected)
    lines = to_lines(pay, "id", lines_by(comp, "parent_id", np.ones(len(comp), dtype=bool), "S21.G00.55.001"))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005", lines=lines)


@rule("S21.G00.20.005/CCH-13", scope="block", test=TEST)
def dgfip_amount_cap(ctx):
    pay = _payments(ctx)
    bad = _dgfip(pay) & truth(pay["S21.G00.20.005"] > Decimal("999999999.00"))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005")


@rule("S21.G00.20.007/CCH-11", scope="block", test=TEST)
def payment_period_order(ctx):
    pay = _payments(ctx)
    bad = truth(pay["S21.G00.20.007"] < pay["S21.G00.20.006"])
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.007", related=["S21.G00.20.006"])


@rule("S21.G00.20.007/CCH-13", scope="block", test=TEST)
def payment_period_within_month(ctx):
    pay = _payments(ctx)
    return findings(ctx, VERSEMENT, truth(pay["S21.G00.20.007"] > month_end(ctx, pay)), "S21.G00.20.007")


def _months_apart(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Both dates known and in different calendar months."""
    return truth(start.notna() & end.notna() & ((start.dt.year != end.dt.year) | (start.dt.month != end.dt.month)))


def _years_apart(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Both dates known and in different calendar years."""
    return truth(start.notna() & end.notna() & (start.dt.year != end.dt.year))


def _of_family(frame: pd.DataFrame, code: str, family: str) -> np.ndarray:
    """Rows whose organism ``code`` is a payee of ``family`` in the shipped IVO table."""
    return truth(payee_family(frame[code]) == family)


@referential_rule("S21.G00.20.006/CCH-11", tables=PAYEE_TABLES, scope="block", test=TEST)
def urssaf_payment_one_month(ctx):
    pay = _payments(ctx)
    bad = _of_family(pay, "S21.G00.20.001", URSSAF) & _months_apart(pay["S21.G00.20.006"], pay["S21.G00.20.007"])
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.006", related=["S21.G00.20.001", "S21.G00.20.007"])


def _agirc_arrco_years_apart(ctx) -> np.ndarray:
    """Agirc-Arrco payments whose period (20.006 – 20.007) spans two calendar years."""
    pay = _payments(ctx)
    return _of_family(pay, "S21.G00.20.001", AGIRC_ARRCO) & _years_apart(pay["S21.G00.20.006"], pay["S21.G00.20.007"])


@referential_rule("S21.G00.20.006/CCH-12", tables=PAYEE_TABLES, scope="block", test=TEST)
def agirc_arrco_payment_start_year(ctx):
    return findings(ctx, VERSEMENT, _agirc_arrco_years_apart(ctx), "S21.G00.20.006", related=["S21.G00.20.001", "S21.G00.20.007"])


@referential_rule("S21.G00.20.007/CCH-12", tables=PAYEE_TABLES, scope="block", test=TEST)
def agirc_arrco_payment_end_year(ctx):
    return findings(ctx, VERSEMENT, _agirc_arrco_years_apart(ctx), "S21.G00.20.007", related=["S21.G00.20.001", "S21.G00.20.006"])


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
        truth(pay["S21.G00.20.005"] != 0)
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
        truth(pay["S21.G00.20.012"].str.slice(0, 9) != siret(ctx, pay).str.slice(0, 9))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.012")


@rule("S21.G00.20.013/CCH-11", scope="block", test=TEST)
def payment_crm_only_for_past_periods(ctx):
    pay = _payments(ctx)
    bad = has(pay, "S21.G00.20.013") & _not_before_month(ctx, pay, pay["S21.G00.20.006"], pay["S21.G00.20.007"])
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


@referential_rule("S21.G00.22.003/CCH-11", tables=PAYEE_TABLES, scope="block", test=TEST)
def urssaf_slip_one_month(ctx):
    slip = ctx.table(BORDEREAU)
    bad = _of_family(slip, "S21.G00.22.001", URSSAF) & _months_apart(slip["S21.G00.22.003"], slip["S21.G00.22.004"])
    return findings(ctx, BORDEREAU, bad, "S21.G00.22.003", related=["S21.G00.22.001", "S21.G00.22.004"])


@referential_rule("S21.G00.22.005/CCH-11", tables=PAYEE_TABLES, scope="block", test=TEST)
def urssaf_slip_not_negative_for_current_pay(ctx):
    """A negative Urssaf slip (22.005 < 0) whose period ends (22.004) on or after the déclaration's latest
    payment date (50.001), in a déclaration with individus (type other than 02 / 05)."""
    slip, paid = ctx.table(BORDEREAU), ctx.table("S21.G00.50")
    latest = paid.groupby("declaration_id")["S21.G00.50.001"].max()
    latest = pd.Series(latest.reindex(slip["declaration_id"].to_numpy()).to_numpy(), index=slip.index,
                       dtype="datetime64[ms]")
    kind = lookup(slip, "declaration_id", ctx.text(DECLARATION), "S20.G00.05.002")
    bad = _of_family(slip, "S21.G00.22.001", URSSAF) & truth(slip["S21.G00.22.005"] < 0) & \
        truth(slip["S21.G00.22.004"] >= latest) & ~truth(kind.isin(WITHOUT_EMPTY_SLIPS))
    return findings(ctx, BORDEREAU, bad, "S21.G00.22.005", related=["S21.G00.22.004"])


@rule("S21.G00.22.004/CCH-11", scope="block", test=TEST)
def slip_period_order(ctx):
    slip = ctx.table(BORDEREAU)
    bad = truth(slip["S21.G00.22.004"] < slip["S21.G00.22.003"])
    return findings(ctx, BORDEREAU, bad, "S21.G00.22.004", related=["S21.G00.22.003"])


@rule("S21.G00.22.004/CCH-12", scope="block", test=TEST)
def slip_period_within_month(ctx):
    slip = ctx.table(BORDEREAU)
    return findings(ctx, BORDEREAU, truth(slip["S21.G00.22.004"] > month_end(ctx, slip)), "S21.G00.22.004")


@rule("S21.G00.22.006/CCH-11", scope="block", test=TEST)
def slip_crm_only_for_past_periods(ctx):
    slip = ctx.table(BORDEREAU)
    bad = has(slip, "S21.G00.22.006") & _not_before_month(ctx, slip, slip["S21.G00.22.003"], slip["S21.G00.22.004"])
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
    bad = has(cot, "S21.G00.23.007") & _not_before_month(ctx, cot, start, end)
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
    bad = truth(period_start(text) > latest)
    return findings(ctx, COMPOSANT, bad, "S21.G00.55.004")


@rule("S21.G00.55.005/CCH-11", scope="block", test=TEST)
def component_crm_only_for_past_periods(ctx):
    comp, pay = ctx.table(COMPOSANT), ctx.table(VERSEMENT)
    start = lookup(comp, "parent_id", pay, "S21.G00.20.006")
    end = lookup(comp, "parent_id", pay, "S21.G00.20.007")
    bad = has(comp, "S21.G00.55.005") & _not_before_month(ctx, comp, start, end)
    return findings(ctx, COMPOSANT, bad, "S21.G00.55.005")
