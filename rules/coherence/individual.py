"""Coherence controls of the individu (S21.G00.30: birth date and place, address, apprentices' diploma) and of
its changes (S21.G00.31). The NIR and NTT controls (S21.G00.30.001/*, S21.G00.30.020/*) are in
``rules.identifiers``."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..registry import rule
from .conditions import (CHANGEMENT_INDIVIDU, CONTRAT, INDIVIDU, any_by, bad_address, birth_year, findings, has,
                         isin, lines_by, mask, model_allows, of_declaration, to_lines)

TEST = "tests/rules/coherence/test_individual.py::test_control"
NOT_APPLICABLE: dict[str, str] = {}

APPRENTICESHIPS = ("64", "65", "81")
MAX_AGE = 120


def _current_year(ctx, frame: pd.DataFrame) -> pd.Series:
    """The "current year" of the norm's age checks: the year the file was built (S20.G00.05.007)."""
    return of_declaration(ctx, frame, "S20.G00.05.007").dt.year.astype("Int64")


def _implausible_year(ctx, frame: pd.DataFrame, code: str) -> np.ndarray:
    year, current = birth_year(frame[code]), _current_year(ctx, frame)
    return mask(year > current) | mask(year <= current - MAX_AGE)


@rule("S21.G00.30.006/CCH-11", scope="block", test=TEST)
def nir_year_is_birth_year(ctx):
    ind = ctx.text(INDIVIDU)
    nir_year = pd.to_numeric(ind["S21.G00.30.001"].str.slice(1, 3), errors="coerce").astype("Int64")
    bad = mask(nir_year != birth_year(ind["S21.G00.30.006"]) % 100)
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
    ind = ctx.text(INDIVIDU)
    bad = bad_address(ind, "S21.G00.30.009", "S21.G00.30.011", "S21.G00.30.012") & mask(
        model_allows(ctx, ind, "S21.G00.30.009"))
    return findings(ctx, INDIVIDU, bad, "S21.G00.30.009", related=["S21.G00.30.011", "S21.G00.30.012"])


@rule("S21.G00.30.010/CCH-11", scope="block", test=TEST)
def individual_locality(ctx):
    ind = ctx.text(INDIVIDU)
    bad = has(ind, "S21.G00.30.009") & ~has(ind, "S21.G00.30.010")
    return findings(ctx, INDIVIDU, bad, "S21.G00.30.010", related=["S21.G00.30.009"])


@rule("S21.G00.30.014/CCH-11", scope="block", test=TEST)
def birth_department_and_year(ctx):
    ind = ctx.text(INDIVIDU)
    year = birth_year(ind["S21.G00.30.006"])
    bad = (isin(ind, "S21.G00.30.014", ["2A", "2B"]) & mask(year < 1976)) | \
        (isin(ind, "S21.G00.30.014", ["20"]) & mask(year >= 1976)) | \
        (isin(ind, "S21.G00.30.014", ["96"]) & mask(year >= 1968))
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
