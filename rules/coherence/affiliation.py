"""Coherence controls of the OC affiliation blocks: affiliation prévoyance (S21.G00.70) and ayant droit (S21.G00.73)."""
from __future__ import annotations

import pandas as pd

from ..registry import rule
from .conditions import (by_contract_id, col, day, declaration_attribute, found, has, later_duplicates, nature_in,
                         truth, txt)

AFFILIATION, AYANT_DROIT, ADHESION = "S21.G00.70", "S21.G00.73", "S21.G00.15"
TEST = "tests/rules/coherence/test_affiliation.py::"

NOT_APPLICABLE: dict[str, str] = {}

# contract rubriques that must agree for mission contracts to share one affiliation id (70.012/CCH-11)
SHARED_CONTRACT_FIELDS = ("S21.G00.40.002", "S21.G00.40.003", "S21.G00.40.008", "S21.G00.40.017")


@rule("S21.G00.70.012/CCH-11", scope="block", test=TEST + "test_fails")
def affiliation_id_unique_per_individual(ctx):
    aff = ctx.table(AFFILIATION)
    ident = txt(aff, "S21.G00.70.012")
    keys = pd.DataFrame({"individu_id": aff["individu_id"], "ident": ident,
                         "mission": by_contract_id(ctx, aff, "S21.G00.40.007").astype("string") == "03",
                         **{c: txt(aff, c) for c in ("S21.G00.70.013", "S21.G00.70.004", "S21.G00.70.005")},
                         **{c: by_contract_id(ctx, aff, c).astype("string") for c in SHARED_CONTRACT_FIELDS}})
    keys = keys.loc[truth(nature_in(ctx, aff, ["01"]) & ident.notna())]
    keys = keys.loc[keys.duplicated(["individu_id", "ident"], keep=False)]
    keys["mission"] = keys["mission"].fillna(False).astype(bool)
    groups = keys.groupby(["individu_id", "ident"])
    same = groups["mission"].transform("all").astype(bool)
    for code in ("S21.G00.70.013", "S21.G00.70.004", "S21.G00.70.005", *SHARED_CONTRACT_FIELDS):
        same &= groups[code].transform("nunique", dropna=False) == 1
    repeated = later_duplicates(keys, [keys["individu_id"], keys["ident"]])
    bad = keys.index[truth(~same & repeated)]
    return found(ctx, AFFILIATION, aff, aff.index.isin(bad), "S21.G00.70.012")


@rule("S21.G00.70.013/CCH-11", scope="block", test=TEST + "test_fails")
def affiliation_points_to_adhesion(ctx):
    aff = ctx.table(AFFILIATION)
    adhesion = ctx.table(ADHESION)
    known = pd.MultiIndex.from_arrays([adhesion["etablissement_id"], txt(adhesion, "S21.G00.15.005")])
    refs = pd.MultiIndex.from_arrays([aff["etablissement_id"], txt(aff, "S21.G00.70.013")])
    return found(ctx, AFFILIATION, aff, has(aff, "S21.G00.70.013") & ~refs.isin(known), "S21.G00.70.013")


@rule("S21.G00.70.013/CCH-12", scope="block", test=TEST + "test_fails")
def option_population_adhesion_unique(ctx):
    aff = ctx.table(AFFILIATION)
    twice = later_duplicates(aff, [aff["contrat_id"], txt(aff, "S21.G00.70.004"), txt(aff, "S21.G00.70.005"),
                                   txt(aff, "S21.G00.70.013")])
    return found(ctx, AFFILIATION, aff, twice, "S21.G00.70.013")


@rule("S21.G00.70.015/CCH-11", scope="block", test=TEST + "test_fails")
def affiliation_period_order(ctx):
    aff = ctx.table(AFFILIATION)
    return found(ctx, AFFILIATION, aff, day(aff, "S21.G00.70.015") < day(aff, "S21.G00.70.014"), "S21.G00.70.015")


def _birth_year(frame: pd.DataFrame) -> pd.Series:
    """Year of the ayant droit's birth date (73.005), read from the raw text (day and month may be 99)."""
    return pd.to_numeric(col(frame, "S21.G00.73.005").astype("string").str[4:8], errors="coerce")


@rule("S21.G00.73.005/CCH-11", scope="block", test=TEST + "test_fails")
def dependant_age(ctx):
    dependant = ctx.text(AYANT_DROIT)
    year = _birth_year(dependant)
    current = pd.to_datetime(declaration_attribute(ctx, dependant, "file_date")).dt.year
    return found(ctx, AYANT_DROIT, dependant, truth(year > current) | truth(year <= current - 120), "S21.G00.73.005")


@rule("S21.G00.73.007/CCH-11", scope="block", test=TEST + "test_fails")
def dependant_nir_department(ctx):
    dependant = ctx.text(AYANT_DROIT)
    nir = col(dependant, "S21.G00.73.007").astype("string")
    department = nir.str[5:7]
    year = _birth_year(dependant)
    corsica = truth(department.isin(["2A", "2B"])) & truth(year < 1976)
    old_corsica = truth(department == "20") & truth(year >= 1976)
    algeria = truth(department == "96") & truth(year >= 1968)
    return found(ctx, AYANT_DROIT, dependant, corsica | old_corsica | algeria, "S21.G00.73.007")


@rule("S21.G00.73.007/CCH-12", scope="block", test=TEST + "test_fails")
def dependant_nir_trailing_nines(ctx):
    dependant = ctx.text(AYANT_DROIT)
    nir = col(dependant, "S21.G00.73.007").astype("string")
    return found(ctx, AYANT_DROIT, dependant, truth(nir.str.contains("9{6}$", regex=True)), "S21.G00.73.007")


@rule("S21.G00.73.011/CCH-11", scope="block", test=TEST + "test_fails")
def dependant_period_order(ctx):
    dependant = ctx.table(AYANT_DROIT)
    return found(ctx, AYANT_DROIT, dependant, day(dependant, "S21.G00.73.011") < day(dependant, "S21.G00.73.004"),
                 "S21.G00.73.011")

