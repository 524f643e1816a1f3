"""Coherence controls of the individual's side blocks: compte professionnel de prévention (S21.G00.34),
ancienneté (S21.G00.86) and saisie administrative à tiers détenteur (S21.G00.98).

Column operations only; the rules on 34 and 98 return at once when their block is absent from the file.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..registry import rule
from .remuneration import (CONTRAT, found, has, is_in, later_duplicates, num, of_declaration, table, truth, txt)

PENIBILITE, ANCIENNETE, SATD, INDIVIDU, AFFILIATION = (
    "S21.G00.34", "S21.G00.86", "S21.G00.98", "S21.G00.30", "S21.G00.70")
TEST = "tests/rules/coherence/test_individual_extras.py::test_control"

NOT_APPLICABLE: dict[str, str] = {}

PREVENTION_SCHEMES = ("157", "200", "300", "905")  # 40.020 base old-age schemes of the prevention account
MISSION = "03"
COMPANY_OR_GROUP = ("06", "07")
IN_COMPANY = "07"
SENIORITY_NATURES = ("01", "07", "08")  # 86.001/CCH-12: mensuelle, FCTU, amorçage
PRIVATE_LAW_CONTRACTS = ("01", "02", "03", "07", "08", "82", "91", "92")  # 86.001/CCH-14
NONZERO_TYPES = ("02", "03", "04", "06", "07")
# 86.003/CCH-11: 99 years, 99 × 12 months, 99 × 366 days, by unit (01 days, 02 months, 03 years)
MAX_SENIORITY = {"01": 36234, "02": 1188, "03": 99}


def _contract_numbers(ctx, key: str, where=None) -> pd.MultiIndex:
    """(``key`` id, contract number 40.009) of the contracts (optionally only those selected by ``where``)."""
    contrat = ctx.table(CONTRAT)
    keys = pd.MultiIndex.from_arrays([contrat[key], txt(contrat, "S21.G00.40.009")])
    return keys if where is None else keys[truth(where)]


def _numbered(frame: pd.DataFrame, key: str, code: str, known: pd.MultiIndex) -> np.ndarray:
    """True where the row's (``key`` id, contract number ``code``) is one of ``known``."""
    return truth(pd.MultiIndex.from_arrays([frame[key], txt(frame, code)]).isin(known))


# ---------------------------------------------------------------------------------------------------------
# S21.G00.34 Compte professionnel de prévention

@rule("S21.G00.34.001/CCH-11", scope="block", test=TEST)
def prevention_account_needs_general_scheme(ctx):
    exposure = table(ctx, PENIBILITE)
    if exposure.empty:
        return None
    contrat = ctx.table(CONTRAT)
    eligible = _contract_numbers(ctx, "individu_id", is_in(contrat, "S21.G00.40.020", PREVENTION_SCHEMES))
    # a missing 34.002 (mandatory) is reported by the structure checks
    bad = has(exposure, "S21.G00.34.002") & ~_numbered(exposure, "individu_id", "S21.G00.34.002", eligible)
    return found(ctx, PENIBILITE, exposure, bad, "S21.G00.34.001")


@rule("S21.G00.34.002/CCH-11", scope="block", test=TEST)
def prevention_account_contract_exists(ctx):
    exposure = table(ctx, PENIBILITE)
    if exposure.empty:
        return None
    # "un numéro de contrat de la déclaration": any contract of the déclaration (the looser reading)
    known = _contract_numbers(ctx, "declaration_id")
    bad = has(exposure, "S21.G00.34.002") & ~_numbered(exposure, "declaration_id", "S21.G00.34.002", known)
    return found(ctx, PENIBILITE, exposure, bad, "S21.G00.34.002")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.86 Ancienneté

def _seniority(ctx) -> tuple[pd.DataFrame, pd.Series]:
    seniority = table(ctx, ANCIENNETE)
    return seniority, txt(seniority, "S21.G00.86.001")


@rule("S21.G00.86.001/CCH-12", scope="block", test=TEST)
def affiliated_individual_has_company_seniority(ctx):
    ind = ctx.table(INDIVIDU)
    if ind.empty:
        return None
    seniority, kind = _seniority(ctx)
    contrat = ctx.table(CONTRAT)
    nature = txt(contrat, "S21.G00.40.007")
    not_mission = contrat.loc[truth(nature.notna() & (nature != MISSION)), "individu_id"]
    with_seniority = seniority.loc[truth(kind.isin(COMPANY_OR_GROUP)), "individu_id"]
    bad = (truth(of_declaration(ctx, ind, "nature").isin(SENIORITY_NATURES))
           & ind["id"].isin(table(ctx, AFFILIATION)["individu_id"]).to_numpy(dtype=bool)
           & ind["id"].isin(not_mission).to_numpy(dtype=bool) & ~ind["id"].isin(with_seniority).to_numpy(dtype=bool))
    return found(ctx, INDIVIDU, ind, bad).assign(rubrique="S21.G00.86.001")


@rule("S21.G00.86.001/CCH-13", scope="block", test=TEST)
def one_seniority_per_type_and_contract(ctx):
    seniority, kind = _seniority(ctx)
    twice = later_duplicates(seniority, [seniority["individu_id"], txt(seniority, "S21.G00.86.005"), kind])
    return found(ctx, ANCIENNETE, seniority, truth(kind.notna()) & truth(twice), "S21.G00.86.001")


@rule("S21.G00.86.001/CCH-14", scope="block", test=TEST)
def private_contract_has_company_seniority(ctx):
    contrat = ctx.table(CONTRAT)
    if contrat.empty:
        return None
    seniority, kind = _seniority(ctx)
    with_seniority = seniority.loc[truth(kind == IN_COMPANY), "individu_id"]
    # "dans une DSN mensuelle": nature 01 only (not the substitution DSN 09), the reading that reports less
    bad = (truth(of_declaration(ctx, contrat, "nature") == "01") & is_in(contrat, "S21.G00.40.007",
                                                                        PRIVATE_LAW_CONTRACTS).to_numpy(dtype=bool)
           & ~contrat["individu_id"].isin(with_seniority).to_numpy(dtype=bool))
    return found(ctx, CONTRAT, contrat, bad, "S21.G00.40.007").assign(rubrique="S21.G00.86.001")


@rule("S21.G00.86.003/CCH-11", scope="block", test=TEST)
def seniority_below_99_years(ctx):
    seniority, _ = _seniority(ctx)
    if seniority.empty:
        return None
    limit = txt(seniority, "S21.G00.86.002").map(MAX_SENIORITY).astype("float64")
    # "inférieure à 99 (ans)" but "supérieure à 99 ans" in the message: only values above the bound are reported
    return found(ctx, ANCIENNETE, seniority, truth(num(seniority, "S21.G00.86.003") > limit), "S21.G00.86.003")


@rule("S21.G00.86.003/CCH-12", scope="block", test=TEST)
def seniority_not_zero(ctx):
    seniority, kind = _seniority(ctx)
    bad = truth(kind.isin(NONZERO_TYPES)) & truth(num(seniority, "S21.G00.86.003") == 0)
    return found(ctx, ANCIENNETE, seniority, bad, "S21.G00.86.003")


@rule("S21.G00.86.005/CCH-11", scope="block", test=TEST)
def seniority_contract_exists(ctx):
    seniority, _ = _seniority(ctx)
    if seniority.empty:
        return None
    known = _contract_numbers(ctx, "individu_id")
    bad = has(seniority, "S21.G00.86.005") & ~_numbered(seniority, "individu_id", "S21.G00.86.005", known)
    return found(ctx, ANCIENNETE, seniority, bad, "S21.G00.86.005")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.98 Saisie administrative à tiers détenteur

@rule("S21.G00.98.004/CCH-11", scope="block", test=TEST)
def satd_error_month_before_main_month(ctx):
    satd = table(ctx, SATD)
    if satd.empty:
        return None
    text = txt(satd, "S21.G00.98.004")
    shaped = text.str.fullmatch(r"(0[1-9]|1[0-2])[0-9]{4}").fillna(False).astype(bool)
    error = pd.to_numeric(text.str.slice(2, 6), errors="coerce") * 12 + pd.to_numeric(text.str.slice(0, 2),
                                                                                       errors="coerce")
    month = pd.to_datetime(of_declaration(ctx, satd, "month_start"))
    main = month.dt.year * 12 + month.dt.month
    return found(ctx, SATD, satd, truth(shaped) & truth(error.astype("float64") >= main), "S21.G00.98.004")
