"""Coherence controls of the individu (S21.G00.30: birth date and place, address, apprentices' diploma), of
its changes (S21.G00.31) and of its side blocks: compte professionnel de prévention (S21.G00.34), ancienneté
(S21.G00.86) and saisie administrative à tiers détenteur (S21.G00.98; the rules on 34 and 98 return at once when
their block is absent). The NIR and NTT controls (S21.G00.30.001/*, S21.G00.30.020/*) are in
``rules.identifiers``."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..registry import rule
from .conditions import (CHANGEMENT_INDIVIDU, CONTRAT, INDIVIDU, address_findings, any_by, birth_year,
                         declaration_attribute, declaration_rubrique, findings, found, has, isin, later_duplicates,
                         lines_by, locality_findings, num, table, to_lines, truth, txt)

TEST = "tests/rules/coherence/test_individual.py::test_control"
NOT_APPLICABLE: dict[str, str] = {}

APPRENTICESHIPS = ("64", "65", "81")
MAX_AGE = 120


def _current_year(ctx, frame: pd.DataFrame) -> pd.Series:
    """The "current year" of the norm's age checks: the year the file was built (S20.G00.05.007)."""
    return declaration_rubrique(ctx, frame, "S20.G00.05.007").dt.year.astype("Int64")


def _implausible_year(ctx, frame: pd.DataFrame, code: str) -> np.ndarray:
    year, current = birth_year(frame[code]), _current_year(ctx, frame)
    return truth(year > current) | truth(year <= current - MAX_AGE)


@rule("S21.G00.30.006/CCH-11", scope="block", test=TEST)
def nir_year_is_birth_year(ctx):
    ind = ctx.text(INDIVIDU)
    nir_year = pd.to_numeric(ind["S21.G00.30.001"].str.slice(1, 3), errors="coerce").astype("Int64")
    bad = truth(nir_year != birth_year(ind["S21.G00.30.006"]) % 100)
    return findings(ctx, INDIVIDU, bad, "S21.G00.30.006", related=["S21.G00.30.001"])


@rule("S21.G00.30.006/CCH-12", scope="block", test=TEST)
def plausible_birth_year(ctx):
    ind = ctx.text(INDIVIDU)
    return findings(ctx, INDIVIDU, _implausible_year(ctx, ind, "S21.G00.30.006"), "S21.G00.30.006")


@rule("S21.G00.30.007/CCH-11", scope="block", test=TEST)
def birthplace_in_france(ctx):
    ind = ctx.text(INDIVIDU)
    bad = has(ind, "S21.G00.30.014") & ~isin(ind, "S21.G00.30.014", ["99"]) & ~has(ind, "S21.G00.30.007")
    return findings(ctx, INDIVIDU, bad, "S21.G00.30.007", related=["S21.G00.30.014"])


@rule("S21.G00.30.009/CCH-12", scope="block", test=TEST)
def individual_address(ctx):
    return address_findings(ctx, INDIVIDU, "S21.G00.30.009", "S21.G00.30.011", "S21.G00.30.012", by_model=True)


@rule("S21.G00.30.010/CCH-11", scope="block", test=TEST)
def individual_locality(ctx):
    return locality_findings(ctx, INDIVIDU, "S21.G00.30.009", "S21.G00.30.010")


@rule("S21.G00.30.014/CCH-11", scope="block", test=TEST)
def birth_department_and_year(ctx):
    ind = ctx.text(INDIVIDU)
    year = birth_year(ind["S21.G00.30.006"])
    bad = (isin(ind, "S21.G00.30.014", ["2A", "2B"]) & truth(year < 1976)) | \
        (isin(ind, "S21.G00.30.014", ["20"]) & truth(year >= 1976)) | \
        (isin(ind, "S21.G00.30.014", ["96"]) & truth(year >= 1968))
    return findings(ctx, INDIVIDU, bad, "S21.G00.30.014", related=["S21.G00.30.006"])


@rule("S21.G00.30.025/CCH-11", scope="block", test=TEST)
def apprentice_diploma(ctx):
    ind, contrat = ctx.text(INDIVIDU), ctx.text(CONTRAT)
    apprentice = isin(contrat, "S21.G00.40.008", APPRENTICESHIPS)
    bad = ind["id"].isin(any_by(contrat, "individu_id", apprentice)).to_numpy(dtype=bool) & \
        ~has(ind, "S21.G00.30.025")
    lines = to_lines(ind, "id", lines_by(contrat, "individu_id", apprentice, "S21.G00.40.008"))
    return findings(ctx, INDIVIDU, bad, "S21.G00.30.025", lines=lines)


@rule("S21.G00.30.029/CCH-11", scope="block", test=TEST)
def birth_country_label(ctx):
    ind = ctx.text(INDIVIDU)
    bad = isin(ind, "S21.G00.30.014", ["99"]) & ~has(ind, "S21.G00.30.007") & ~has(ind, "S21.G00.30.029")
    return findings(ctx, INDIVIDU, bad, "S21.G00.30.029", related=["S21.G00.30.014"])


@rule("S21.G00.31.001/CCH-12", scope="block", test=TEST)
def change_with_content(ctx):
    change = ctx.text(CHANGEMENT_INDIVIDU)
    others = [r.code for r in ctx.catalog.rubriques_of(CHANGEMENT_INDIVIDU) if r.code != "S21.G00.31.001"]
    empty = ~change[others].notna().any(axis=1).to_numpy(dtype=bool)
    return findings(ctx, CHANGEMENT_INDIVIDU, empty, "S21.G00.31.001")


@rule("S21.G00.31.011/CCH-12", scope="block", test=TEST)
def plausible_former_birth_year(ctx):
    change = ctx.text(CHANGEMENT_INDIVIDU)
    return findings(ctx, CHANGEMENT_INDIVIDU, _implausible_year(ctx, change, "S21.G00.31.011"), "S21.G00.31.011")


# ---------------------------------------------------------------------------------------------------------
# Side blocks of the individu: S21.G00.34, S21.G00.86, S21.G00.98

PENIBILITE, ANCIENNETE, SATD, AFFILIATION = "S21.G00.34", "S21.G00.86", "S21.G00.98", "S21.G00.70"
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
    eligible = _contract_numbers(ctx, "individu_id", isin(contrat, "S21.G00.40.020", PREVENTION_SCHEMES))
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
    bad = (truth(declaration_attribute(ctx, ind, "nature").isin(SENIORITY_NATURES))
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
    bad = (truth(declaration_attribute(ctx, contrat, "nature") == "01") & isin(contrat, "S21.G00.40.007",
                                                                        PRIVATE_LAW_CONTRACTS)
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
    month = pd.to_datetime(declaration_attribute(ctx, satd, "month_start"))
    main = month.dt.year * 12 + month.dt.month
    return found(ctx, SATD, satd, truth(shaped) & truth(error.astype("float64") >= main), "S21.G00.98.004")
