"""Coherence controls of the S89 blocks: bénéficiaire des honoraires (S89.G00.32 with 33, 35, 43), droits de
retraite supplémentaire (S89.G00.67), actions gratuites (87), stock options (88), BSPCE (89), individu non salarié
(91) with its bases spécifiques (92), régularisations PAS (93) and cotisations (94).

Most files have none of these blocks: every rule looks at its own S89 table first and returns at once when it is
empty, before it touches a salaried-side table (S21.G00.30, S21.G00.06). Every check is a column operation.

The S89.G00.67/87/88/89 blocks hang under the déclaration, not under an individu: "the individu concerned" of
their NIR / NTT controls is the déclaration's S21.G00.30 with the same NIR (resp. NTT), and the birth year of the
NIR département control comes from that individu's birth date (S21.G00.30.006); when no individu of the
déclaration has that NIR the year is unknown and the control stays silent.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..identifier_keys import birth_department_consistent, siret_valid
from ..identifiers import PLACEHOLDER_NIRS
from ..registry import rule
from .conditions import (bad_address, by_id, day, declaration_attribute, found, has, isin, later_duplicates, main_year,
                         missing_child, num, pairs_in, per_run, truth, txt)

HONORAIRES, RETRAITE_SUP, ACTIONS, OPTIONS, BSPCE = "S89.G00.32", "S89.G00.67", "S89.G00.87", "S89.G00.88", "S89.G00.89"
NON_SALARIE, BASE_SPECIFIQUE, REGUL_PAS, COTISATION = "S89.G00.91", "S89.G00.92", "S89.G00.93", "S89.G00.94"
INDIVIDU, ENTREPRISE = "S21.G00.30", "S21.G00.06"
TEST = "tests/rules/coherence/test_non_salaries.py::test_control"

NOT_APPLICABLE: dict[str, str] = {}

NIR_SHAPE = "[12][0-9]{4}(2A|2B|[0-9]{2})[0-9]{6}"
UNCAPPED = "50"  # 92.002 "Assiette brute déplafonnée"
ACQUISITION = "02"  # 87.001 / 88.001 "Code contexte" 02 - non: an acquisition (87) or a levée d'option (88)
WITHOUT_STATUS = "10"  # 91.018 "sans statut catégoriel"
ALLOWANCES = ("01", "02", "03")  # 92.001: chômage auto-assurance, amiante, pré-retraite
THIRD_PARTY = "05"  # 92.001: somme versée à un tiers


def _rows(ctx, block: str) -> pd.DataFrame:
    """The typed table of an S89 block (empty when the file has none)."""
    return ctx.table(block)


def _by_parent(frame: pd.DataFrame, key: str, parent: pd.DataFrame, values: pd.Series) -> pd.Series:
    """``values`` (a column of ``parent``) for each row of ``frame``, by the parent id column ``key``."""
    return by_id(frame[key], pd.Series(values.to_numpy(), index=parent["id"].to_numpy()))


# ---------------------------------------------------------------------------------------------------------
# The déclaration's individus and company, for the NIR / NTT controls of the S89 blocks

def _individus(ctx) -> pd.DataFrame:
    """Per S21.G00.30 row: déclaration id, NIR, NTT and birth date as raw text (computed once per run)."""
    def build(ctx) -> pd.DataFrame:
        ind = ctx.text(INDIVIDU)
        return pd.DataFrame({"declaration": ind["declaration_id"].to_numpy(dtype=np.int64),
                             "nir": txt(ind, "S21.G00.30.001").array, "ntt": txt(ind, "S21.G00.30.020").array,
                             "birth": txt(ind, "S21.G00.30.006").array})
    return per_run(ctx, "s89 individus", build)


def _declared(ctx, frame: pd.DataFrame, values: pd.Series, what: str) -> np.ndarray:
    """True where (déclaration, value) is the NIR (``what`` = nir) or NTT (ntt) of an individu of the déclaration."""
    known = _individus(ctx)
    return pairs_in(frame["declaration_id"], values, pd.Series(known["declaration"]), pd.Series(known[what]))


def _birth_of(ctx, frame: pd.DataFrame, nir: pd.Series) -> pd.Series:
    """Birth date (S21.G00.30.006, raw) of the déclaration's individu with this NIR; NA when there is none."""
    known = _individus(ctx).dropna(subset=["nir"]).drop_duplicates(["declaration", "nir"])
    left = pd.DataFrame({"declaration": frame["declaration_id"].to_numpy(dtype=np.int64), "nir": nir.array})
    return pd.Series(left.merge(known[["declaration", "nir", "birth"]], how="left", on=["declaration", "nir"])
                     ["birth"].to_numpy(), index=frame.index, dtype=pd.StringDtype())


def _siren(ctx, frame: pd.DataFrame) -> pd.Series:
    """The SIREN (S21.G00.06.001) of each row's déclaration."""
    ent = ctx.text(ENTREPRISE)
    sirens = pd.Series(txt(ent, "S21.G00.06.001").to_numpy(), index=ent["declaration_id"].to_numpy())
    return by_id(frame["declaration_id"], sirens[~sirens.index.duplicated()]).astype(pd.StringDtype())


def _nir_department(block: str, nir_code: str, birth_code: str | None = None):
    """Département of the NIR existing in the birth year: 2A/2B from 1976, 20 before 1976, 96 before 1968. The
    birth date is ``birth_code`` of the same block, else that of the déclaration's individu with this NIR."""
    def check(ctx):
        frame = _rows(ctx, block)
        if frame.empty:
            return None
        nir = txt(frame, nir_code)
        birth = txt(frame, birth_code) if birth_code else _birth_of(ctx, frame, nir)
        shaped = truth(nir.str.fullmatch(NIR_SHAPE))
        return found(ctx, block, frame, shaped & ~birth_department_consistent(nir, birth), nir_code)
    return check


def _nir_placeholder(block: str, nir_code: str):
    """NIR 1999999999999 or 2999999999999."""
    def check(ctx):
        frame = _rows(ctx, block)
        return found(ctx, block, frame, isin(frame, nir_code, PLACEHOLDER_NIRS), nir_code)
    return check


def _nir_trailing_nines(block: str, nir_code: str):
    """NIR ending with more than five "9"."""
    def check(ctx):
        frame = _rows(ctx, block)
        if frame.empty:
            return None
        return found(ctx, block, frame, truth(txt(frame, nir_code).str.endswith("999999")), nir_code)
    return check


def _nir_or_ntt(block: str, nir_code: str, ntt_code: str, rubrique: str):
    """Neither NIR nor NTT."""
    def check(ctx):
        frame = _rows(ctx, block)
        return found(ctx, block, frame, ~has(frame, nir_code) & ~has(frame, ntt_code), rubrique)
    return check


def _ntt_siren(block: str, ntt_code: str):
    """Characters 2 to 10 of the NTT differ from the SIREN of the déclaration's company (S21.G00.06.001)."""
    def check(ctx):
        frame = _rows(ctx, block)
        if frame.empty:
            return None
        siren = _siren(ctx, frame)
        differs = truth(txt(frame, ntt_code).str.slice(1, 10) != siren)
        return found(ctx, block, frame, has(frame, ntt_code) & truth(siren.notna()) & differs, ntt_code)
    return check


def _same_as_individu(block: str, code: str, what: str):
    """The NIR (``what`` = nir) or NTT (ntt) is not that of an individu (S21.G00.30.001 / .020) of the
    déclaration. Scope: the déclaration holding the S89 block, the only place its individu can be declared."""
    def check(ctx):
        frame = _rows(ctx, block)
        if frame.empty:
            return None
        present = has(frame, code)
        return found(ctx, block, frame, truth(present) & ~_declared(ctx, frame, txt(frame, code), what), code)
    return check


# The identity controls of the S89 beneficiaries, per block (NIR, then NTT).
for _code, _build in [
        ("S89.G00.67.001/CCH-11", lambda: _nir_department(RETRAITE_SUP, "S89.G00.67.001")),
        ("S89.G00.67.001/CCH-12", lambda: _nir_placeholder(RETRAITE_SUP, "S89.G00.67.001")),
        ("S89.G00.67.001/CCH-13", lambda: _same_as_individu(RETRAITE_SUP, "S89.G00.67.001", "nir")),
        ("S89.G00.67.001/CCH-14", lambda: _nir_or_ntt(RETRAITE_SUP, "S89.G00.67.001", "S89.G00.67.002", "S89.G00.67.001")),
        ("S89.G00.67.001/CCH-15", lambda: _nir_trailing_nines(RETRAITE_SUP, "S89.G00.67.001")),
        ("S89.G00.67.002/CCH-11", lambda: _ntt_siren(RETRAITE_SUP, "S89.G00.67.002")),
        ("S89.G00.67.002/CCH-12", lambda: _same_as_individu(RETRAITE_SUP, "S89.G00.67.002", "ntt")),
        ("S89.G00.87.007/CCH-11", lambda: _nir_department(ACTIONS, "S89.G00.87.007")),
        ("S89.G00.87.007/CCH-12", lambda: _nir_placeholder(ACTIONS, "S89.G00.87.007")),
        ("S89.G00.87.007/CCH-13", lambda: _same_as_individu(ACTIONS, "S89.G00.87.007", "nir")),
        ("S89.G00.87.007/CCH-14", lambda: _nir_or_ntt(ACTIONS, "S89.G00.87.007", "S89.G00.87.008", "S89.G00.87.007")),
        ("S89.G00.87.007/CCH-15", lambda: _nir_trailing_nines(ACTIONS, "S89.G00.87.007")),
        ("S89.G00.87.008/CCH-12", lambda: _ntt_siren(ACTIONS, "S89.G00.87.008")),
        ("S89.G00.87.008/CCH-13", lambda: _same_as_individu(ACTIONS, "S89.G00.87.008", "ntt")),
        ("S89.G00.88.008/CCH-11", lambda: _nir_department(OPTIONS, "S89.G00.88.008")),
        ("S89.G00.88.008/CCH-12", lambda: _nir_placeholder(OPTIONS, "S89.G00.88.008")),
        ("S89.G00.88.008/CCH-13", lambda: _same_as_individu(OPTIONS, "S89.G00.88.008", "nir")),
        ("S89.G00.88.008/CCH-14", lambda: _nir_or_ntt(OPTIONS, "S89.G00.88.008", "S89.G00.88.009", "S89.G00.88.008")),
        ("S89.G00.88.008/CCH-15", lambda: _nir_trailing_nines(OPTIONS, "S89.G00.88.008")),
        ("S89.G00.88.009/CCH-12", lambda: _ntt_siren(OPTIONS, "S89.G00.88.009")),
        ("S89.G00.88.009/CCH-13", lambda: _same_as_individu(OPTIONS, "S89.G00.88.009", "ntt")),
        ("S89.G00.89.007/CCH-11", lambda: _nir_department(BSPCE, "S89.G00.89.007")),
        ("S89.G00.89.007/CCH-12", lambda: _nir_placeholder(BSPCE, "S89.G00.89.007")),
        ("S89.G00.89.007/CCH-13", lambda: _same_as_individu(BSPCE, "S89.G00.89.007", "nir")),
        ("S89.G00.89.007/CCH-14", lambda: _nir_or_ntt(BSPCE, "S89.G00.89.007", "S89.G00.89.008", "S89.G00.89.007")),
        ("S89.G00.89.007/CCH-15", lambda: _nir_trailing_nines(BSPCE, "S89.G00.89.007")),
        ("S89.G00.89.008/CCH-12", lambda: _ntt_siren(BSPCE, "S89.G00.89.008")),
        ("S89.G00.89.008/CCH-13", lambda: _same_as_individu(BSPCE, "S89.G00.89.008", "ntt"))]:
    rule(_code, scope="block", test=TEST)(_build())

def _vintage_after_main_year(block: str, code: str):
    """Millésime de rattachement later than the year of the main month (S20.G00.05.005)."""
    def check(ctx):
        frame = _rows(ctx, block)
        if frame.empty:
            return None
        year = pd.to_numeric(txt(ctx.text(block), code), errors="coerce").set_axis(frame.index)
        return found(ctx, block, frame, truth(year > main_year(ctx, frame)), code)
    return check


rule("S89.G00.67.005/CCH-11", scope="block", test=TEST)(_vintage_after_main_year(RETRAITE_SUP, "S89.G00.67.005"))


# ---------------------------------------------------------------------------------------------------------
# S89.G00.32 Bénéficiaire des honoraires

_HONORAIRE_AMOUNTS = (("S89.G00.33", "S89.G00.33.002"), ("S89.G00.35", "S89.G00.35.002"),
                      ("S89.G00.43", "S89.G00.43.002"))


@rule("S89.G00.32.001/CCH-12", scope="block", test=TEST)
def fees_need_a_positive_amount(ctx):
    frame = _rows(ctx, HONORAIRES)
    if frame.empty:
        return None
    paid = set()
    for block, amount in _HONORAIRE_AMOUNTS:
        child = ctx.table(block)
        if len(child):
            paid.update(child.loc[truth(num(child, amount) > 0), "s89_g00_32_id"].tolist())
    return found(ctx, HONORAIRES, frame, ~frame["id"].isin(paid), "S89.G00.32.001")


def _together(block: str, codes: tuple[str, ...], rubrique: str):
    """The rubriques ``codes`` are all present or all absent."""
    def check(ctx):
        frame = _rows(ctx, block)
        if frame.empty:
            return None
        count = sum(truth(has(frame, c)).astype(np.int8) for c in codes)
        return found(ctx, block, frame, (count > 0) & (count < len(codes)), rubrique)
    return check


rule("S89.G00.32.003/CCH-11", scope="block", test=TEST)(
    _together(HONORAIRES, ("S89.G00.32.002", "S89.G00.32.003"), "S89.G00.32.003"))
rule("S89.G00.32.006/CCH-11", scope="block", test=TEST)(
    _together(HONORAIRES, ("S89.G00.32.004", "S89.G00.32.005", "S89.G00.32.006"), "S89.G00.32.006"))


@rule("S89.G00.32.003/CCH-12", scope="block", test=TEST)
def fees_person_or_company(ctx):
    # A set is "present" when any of its rubriques is: a beneficiary must be a person (name, first name) or a
    # company (SIREN, NIC, raison sociale), never both nor neither; incomplete sets are CCH-11 / 006/CCH-11's.
    frame = _rows(ctx, HONORAIRES)
    if frame.empty:
        return None
    person = truth(has(frame, "S89.G00.32.002")) | truth(has(frame, "S89.G00.32.003"))
    company = truth(has(frame, "S89.G00.32.004")) | truth(has(frame, "S89.G00.32.005")) | truth(
        has(frame, "S89.G00.32.006"))
    return found(ctx, HONORAIRES, frame, person == company, "S89.G00.32.003")


@rule("S89.G00.32.005/CCH-11", scope="block", test=TEST)
def fees_nic_key(ctx):
    frame = _rows(ctx, HONORAIRES)
    if frame.empty:
        return None
    siret = (txt(frame, "S89.G00.32.004") + txt(frame, "S89.G00.32.005")).astype(pd.StringDtype())
    shaped = truth(siret.str.fullmatch("[0-9]{14}"))
    return found(ctx, HONORAIRES, frame, shaped & ~siret_valid(siret), "S89.G00.32.005")


# The norm's message settles the case of a block without any address part: "si le code postal est absent, le
# code pays et le code de distribution à l'étranger doivent être présents simultanément" (as S21.G00.30.009/CCH-12).
@rule("S89.G00.32.011/CCH-12", scope="block", test=TEST)
def fees_address(ctx):
    frame = _rows(ctx, HONORAIRES)
    if frame.empty:
        return None
    return found(ctx, HONORAIRES, frame, bad_address(frame, "S89.G00.32.011", "S89.G00.32.013", "S89.G00.32.014"),
                 "S89.G00.32.011")


def _locality(block: str, postal: str, locality: str):
    def check(ctx):
        frame = _rows(ctx, block)
        return found(ctx, block, frame, has(frame, postal) & ~has(frame, locality), locality)
    return check


rule("S89.G00.32.012/CCH-11", scope="block", test=TEST)(_locality(HONORAIRES, "S89.G00.32.011", "S89.G00.32.012"))
rule("S89.G00.32.017/CCH-11", scope="block", test=TEST)(_vintage_after_main_year(HONORAIRES, "S89.G00.32.017"))


# ---------------------------------------------------------------------------------------------------------
# S89.G00.87 Actions gratuites, S89.G00.88 Options sur titres

def _in_acquisition(block: str, context: str, code: str, only_if: bool = False):
    """``code`` present if (and, unless ``only_if``, only if) the code contexte is 02 (acquisition / levée)."""
    def check(ctx):
        frame = _rows(ctx, block)
        if frame.empty:
            return None
        acquisition, present = truth(isin(frame, context, [ACQUISITION])), truth(has(frame, code))
        return found(ctx, block, frame, (acquisition & ~present) if only_if else (acquisition != present), code)
    return check


rule("S89.G00.87.004/CCH-11", scope="block", test=TEST)(
    _in_acquisition(ACTIONS, "S89.G00.87.001", "S89.G00.87.004", only_if=True))
rule("S89.G00.87.005/CCH-11", scope="block", test=TEST)(_in_acquisition(ACTIONS, "S89.G00.87.001", "S89.G00.87.005"))
rule("S89.G00.87.006/CCH-11", scope="block", test=TEST)(_in_acquisition(ACTIONS, "S89.G00.87.001", "S89.G00.87.006"))
rule("S89.G00.88.005/CCH-11", scope="block", test=TEST)(_in_acquisition(OPTIONS, "S89.G00.88.001", "S89.G00.88.005"))
rule("S89.G00.88.006/CCH-11", scope="block", test=TEST)(_in_acquisition(OPTIONS, "S89.G00.88.001", "S89.G00.88.006"))
rule("S89.G00.88.007/CCH-11", scope="block", test=TEST)(_in_acquisition(OPTIONS, "S89.G00.88.001", "S89.G00.88.007"))


# ---------------------------------------------------------------------------------------------------------
# S89.G00.91 Individu non salarié

NS_NIR, NS_BIRTH, NS_NTT = "S89.G00.91.001", "S89.G00.91.006", "S89.G00.91.021"

rule("S89.G00.91.001/CCH-11", scope="block", test=TEST)(_nir_department(NON_SALARIE, NS_NIR, NS_BIRTH))
rule("S89.G00.91.001/CCH-12", scope="block", test=TEST)(_nir_placeholder(NON_SALARIE, NS_NIR))
rule("S89.G00.91.001/CCH-15", scope="block", test=TEST)(_nir_trailing_nines(NON_SALARIE, NS_NIR))
rule("S89.G00.91.021/CCH-12", scope="block", test=TEST)(_nir_or_ntt(NON_SALARIE, NS_NIR, NS_NTT, NS_NTT))
rule("S89.G00.91.021/CCH-13", scope="block", test=TEST)(_ntt_siren(NON_SALARIE, NS_NTT))


def _unique_in_declaration(code: str):
    def check(ctx):
        frame = _rows(ctx, NON_SALARIE)
        if frame.empty:
            return None
        twice = later_duplicates(frame, [frame["declaration_id"], txt(frame, code)])
        return found(ctx, NON_SALARIE, frame, has(frame, code) & twice, code)
    return check


rule("S89.G00.91.001/CCH-13", scope="block", test=TEST)(_unique_in_declaration(NS_NIR))
rule("S89.G00.91.021/CCH-14", scope="block", test=TEST)(_unique_in_declaration(NS_NTT))


def _amorcage_with_individu(code: str):
    """In a signalement amorçage (nature 08), a non-salarié with ``code`` forbids any S21.G00.30."""
    def check(ctx):
        frame = _rows(ctx, NON_SALARIE)
        if frame.empty:
            return None
        amorcage = truth(declaration_attribute(ctx, frame, "nature") == "08")
        with_individu = frame["declaration_id"].isin(set(_individus(ctx)["declaration"].tolist()))
        return found(ctx, NON_SALARIE, frame, amorcage & truth(with_individu) & truth(has(frame, code)), code)
    return check


rule("S89.G00.91.001/CCH-14", scope="block", test=TEST)(_amorcage_with_individu(NS_NIR))
rule("S89.G00.91.021/CCH-15", scope="block", test=TEST)(_amorcage_with_individu(NS_NTT))


def _birth_year(frame: pd.DataFrame) -> pd.Series:
    text = txt(frame, NS_BIRTH)
    return pd.to_numeric(text.str.slice(4, 8).where(text.str.fullmatch("[0-9]{8}")), errors="coerce")


@rule("S89.G00.91.006/CCH-11", scope="block", test=TEST)
def non_employee_nir_year(ctx):
    frame = _rows(ctx, NON_SALARIE)
    if frame.empty:
        return None
    nir_year = pd.to_numeric(txt(frame, NS_NIR).str.slice(1, 3), errors="coerce")
    return found(ctx, NON_SALARIE, frame, truth(nir_year != _birth_year(frame) % 100), NS_BIRTH)


@rule("S89.G00.91.006/CCH-12", scope="block", test=TEST)
def non_employee_plausible_birth_year(ctx):
    # "L'année en cours": the year the file was built (S20.G00.05.007), as for S21.G00.30.006/CCH-12.
    frame = _rows(ctx, NON_SALARIE)
    if frame.empty:
        return None
    year, current = _birth_year(frame), pd.to_datetime(declaration_attribute(ctx, frame, "file_date")).dt.year
    return found(ctx, NON_SALARIE, frame, truth(year > current) | truth(year <= current - 120), NS_BIRTH)


@rule("S89.G00.91.009/CCH-11", scope="block", test=TEST)
def non_employee_address(ctx):
    frame = _rows(ctx, NON_SALARIE)
    if frame.empty:
        return None
    return found(ctx, NON_SALARIE, frame, bad_address(frame, "S89.G00.91.009", "S89.G00.91.011", "S89.G00.91.012"),
                 "S89.G00.91.009")


rule("S89.G00.91.010/CCH-11", scope="block", test=TEST)(_locality(NON_SALARIE, "S89.G00.91.009", "S89.G00.91.010"))


@rule("S89.G00.91.018/CCH-11", scope="block", test=TEST)
def executive_status_needs_executive_position(ctx):
    frame = _rows(ctx, NON_SALARIE)
    return found(ctx, NON_SALARIE, frame, isin(frame, "S89.G00.91.018", ["01"])
                 & ~isin(frame, "S89.G00.91.017", ["03", "04"]), "S89.G00.91.018")


@rule("S89.G00.91.019/CCH-11", scope="block", test=TEST)
def non_employee_birth_department(ctx):
    frame = _rows(ctx, NON_SALARIE)
    if frame.empty:
        return None
    year = _birth_year(frame)
    department = txt(frame, "S89.G00.91.019")
    bad = (truth(department.isin(["2A", "2B"])) & truth(year < 1976)) | (truth(department == "20") & truth(
        year >= 1976)) | (truth(department == "96") & truth(year >= 1968))
    return found(ctx, NON_SALARIE, frame, bad, "S89.G00.91.019")


# ---------------------------------------------------------------------------------------------------------
# S89.G00.92 Bases spécifiques individu non salarié

def _bases(ctx) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """The 92 table, its type (92.001) and its code de base spécifique (92.002)."""
    frame = _rows(ctx, BASE_SPECIFIQUE)
    return frame, txt(frame, "S89.G00.92.001"), txt(frame, "S89.G00.92.002")


def _of_non_salarie(ctx, frame: pd.DataFrame, code: str) -> pd.Series:
    """Rubrique ``code`` of each row's individu non salarié (S89.G00.91)."""
    parent = ctx.table(NON_SALARIE)
    return _by_parent(frame, "s89_g00_91_id", parent, txt(parent, code)).astype(pd.StringDtype())


def _with_status(ctx, frame: pd.DataFrame) -> np.ndarray:
    """Rows whose non-salarié has a statut catégoriel (91.018) other than 10."""
    status = _of_non_salarie(ctx, frame, "S89.G00.91.018")
    return truth(status.notna() & (status != WITHOUT_STATUS))


@rule("S89.G00.92.001/CCH-11", scope="block", test=TEST)
def statuses_required(ctx):
    frame, kind, _ = _bases(ctx)
    if frame.empty:
        return None
    missing = _of_non_salarie(ctx, frame, "S89.G00.91.017").isna() | _of_non_salarie(
        ctx, frame, "S89.G00.91.018").isna()
    return found(ctx, BASE_SPECIFIQUE, frame, truth(kind.isin([*ALLOWANCES, THIRD_PARTY])) & truth(missing),
                 "S89.G00.92.001")


def _sibling_bases(required: tuple[str, ...], kinds: tuple[str, ...]):
    """A type ``kinds`` base of a non-salarié with a statut catégoriel (not 10) needs, among the bases of that
    non-salarié, one of each code ``required`` (92.002). The norm does not tie them to one period: any base of
    the non-salarié counts."""
    def check(ctx):
        frame, kind, code = _bases(ctx)
        if frame.empty:
            return None
        lacking = np.zeros(len(frame), dtype=bool)
        for wanted in required:
            lacking |= ~frame["s89_g00_91_id"].isin(frame.loc[truth(code == wanted), "s89_g00_91_id"]).to_numpy()
        return found(ctx, BASE_SPECIFIQUE, frame, truth(kind.isin(list(kinds))) & _with_status(ctx, frame) & lacking,
                     "S89.G00.92.001")
    return check


rule("S89.G00.92.001/CCH-12", scope="block", test=TEST)(_sibling_bases(("23", "43"), ALLOWANCES))
rule("S89.G00.92.001/CCH-13", scope="block", test=TEST)(_sibling_bases(("51", "52", "53"), (THIRD_PARTY,)))


@rule("S89.G00.92.001/CCH-14", scope="block", test=TEST)
def other_types_only_uncapped(ctx):
    frame, kind, code = _bases(ctx)
    return found(ctx, BASE_SPECIFIQUE, frame, truth(kind.notna() & ~kind.isin([*ALLOWANCES, THIRD_PARTY]))
                 & truth(code.notna() & (code != UNCAPPED)), "S89.G00.92.001")


@rule("S89.G00.92.001/CCH-15", scope="block", test=TEST)
def uncapped_base_per_payment(ctx):
    frame, kind, code = _bases(ctx)
    if frame.empty:
        return None
    key = pd.DataFrame({"ns": frame["s89_g00_91_id"].to_numpy(), "kind": kind.array,
                        "start": day(frame, "S89.G00.92.004").to_numpy(),
                        "end": day(frame, "S89.G00.92.005").to_numpy(), "paid": day(frame, "S89.G00.92.011").to_numpy(),
                        "uncapped": truth(code == UNCAPPED)}, index=frame.index)
    covered = key.groupby(["ns", "kind", "start", "end", "paid"], dropna=False)["uncapped"].transform("any")
    first = ~later_duplicates(frame, [key["ns"], key["kind"], key["start"], key["end"], key["paid"]])
    return found(ctx, BASE_SPECIFIQUE, frame, ~truth(covered) & truth(first), "S89.G00.92.001")


@rule("S89.G00.92.005/CCH-11", scope="block", test=TEST)
def base_period_order(ctx):
    frame = _rows(ctx, BASE_SPECIFIQUE)
    return found(ctx, BASE_SPECIFIQUE, frame, day(frame, "S89.G00.92.005") < day(frame, "S89.G00.92.004"),
                 "S89.G00.92.005")


def _iff_uncapped(code: str):
    """``code`` is required on a base 50 (assiette brute déplafonnée) and forbidden on the other codes; a base
    without code (92.002 is mandatory: the structure check reports it) is left alone."""
    def check(ctx):
        frame, _, base = _bases(ctx)
        if frame.empty:
            return None
        uncapped, present = truth(base == UNCAPPED), truth(has(frame, code))
        return found(ctx, BASE_SPECIFIQUE, frame, truth(base.notna()) & (uncapped != present), code)
    return check


for _code, _rubrique in [
        ("S89.G00.92.006/CCH-12", "S89.G00.92.006"), ("S89.G00.92.007/CCH-11", "S89.G00.92.007"),
        ("S89.G00.92.008/CCH-12", "S89.G00.92.008"), ("S89.G00.92.010/CCH-12", "S89.G00.92.010"),
        ("S89.G00.92.013/CCH-11", "S89.G00.92.013"), ("S89.G00.92.016/CCH-11", "S89.G00.92.016"),
        ("S89.G00.92.017/CCH-11", "S89.G00.92.017")]:
    rule(_code, scope="block", test=TEST)(_iff_uncapped(_rubrique))


@rule("S89.G00.92.008/CCH-11", scope="block", test=TEST)
def no_rate_for_old_overpayment(ctx):
    frame = _rows(ctx, BASE_SPECIFIQUE)
    if frame.empty:
        return None
    nonzero = truth(num(frame, "S89.G00.92.007").fillna(0) != 0) | truth(num(frame, "S89.G00.92.010").fillna(0) != 0)
    return found(ctx, BASE_SPECIFIQUE, frame, truth(isin(frame, "S89.G00.92.008", ["99"])) & nonzero,
                 "S89.G00.92.008")


@rule("S89.G00.92.009/CCH-11", scope="block", test=TEST)
def rate_id_iff_dgfip_rate(ctx):
    frame = _rows(ctx, BASE_SPECIFIQUE)
    return found(ctx, BASE_SPECIFIQUE, frame, isin(frame, "S89.G00.92.008", ["01"]) != has(frame, "S89.G00.92.009"),
                 "S89.G00.92.009")


@rule("S89.G00.92.010/CCH-11", scope="block", test=TEST)
def pas_amount_is_rate_times_base(ctx):
    frame = _rows(ctx, BASE_SPECIFIQUE)
    if frame.empty:
        return None
    expected = num(frame, "S89.G00.92.013") * num(frame, "S89.G00.92.007") / 100
    return found(ctx, BASE_SPECIFIQUE, frame, truth((num(frame, "S89.G00.92.010") - expected).abs() > 1.0),
                 "S89.G00.92.010")


@rule("S89.G00.92.011/CCH-12", scope="block", test=TEST)
def payment_after_next_month(ctx):
    frame = _rows(ctx, BASE_SPECIFIQUE)
    if frame.empty:
        return None
    return found(ctx, BASE_SPECIFIQUE, frame,
                 day(frame, "S89.G00.92.011") > declaration_attribute(ctx, frame, "next_month_end"), "S89.G00.92.011")


@rule("S89.G00.92.015/CCH-11", scope="block", test=TEST)
def crm_only_for_past_periods(ctx):
    # The period (92.004–92.005) is "inférieure au mois principal" when it ends before the main month starts.
    frame = _rows(ctx, BASE_SPECIFIQUE)
    if frame.empty:
        return None
    month_start = pd.to_datetime(declaration_attribute(ctx, frame, "month_start"))
    current = truth(day(frame, "S89.G00.92.005") >= month_start)  # no period end (mandatory): not judged
    return found(ctx, BASE_SPECIFIQUE, frame, truth(has(frame, "S89.G00.92.015")) & current, "S89.G00.92.015")


# ---------------------------------------------------------------------------------------------------------
# S89.G00.93 Régularisation de prélèvement à la source

def _regul(ctx) -> tuple[pd.DataFrame, pd.Series]:
    frame = _rows(ctx, REGUL_PAS)
    return frame, txt(frame, "S89.G00.93.002")


# The description allows a régularisation only under a base 50; the message also allows it under a base 23
# (base exceptionnelle Agirc-Arrco) and under a base without code. The reading kept reports only what both
# forbid: a régularisation under a base 43, 51, 52 or 53.
@rule("S89.G00.93.001/CCH-11", scope="block", test=TEST)
def regularisation_only_under_uncapped_base(ctx):
    frame = _rows(ctx, REGUL_PAS)
    if frame.empty:
        return None
    bases, _, code = _bases(ctx)
    parent = _by_parent(frame, "s89_g00_92_id", bases, code).astype(pd.StringDtype())
    return found(ctx, REGUL_PAS, frame, truth(parent.notna() & ~parent.isin([UNCAPPED, "23"])), "S89.G00.93.001")


def _error_month(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(year, month) of the mois de l'erreur (93.001, MMAAAA), NaN when malformed."""
    text = txt(frame, "S89.G00.93.001").where(lambda s: s.str.fullmatch("[0-9]{6}").fillna(False))
    return (pd.to_numeric(text.str.slice(2, 6), errors="coerce").astype("float64"),
            pd.to_numeric(text.str.slice(0, 2), errors="coerce").astype("float64"))


@rule("S89.G00.93.001/CCH-12", scope="block", test=TEST)
def error_month_not_future(ctx):
    frame = _rows(ctx, REGUL_PAS)
    if frame.empty:
        return None
    year, month = _error_month(frame)
    main = pd.to_datetime(declaration_attribute(ctx, frame, "month_start"))
    return found(ctx, REGUL_PAS, frame, truth(year * 12 + month > main.dt.year * 12 + main.dt.month),
                 "S89.G00.93.001")


def _required_with_error(kinds: tuple[str, ...], codes: tuple[str, ...], present: bool = False):
    """For errors of type ``kinds`` (93.002), all of ``codes`` are required (or, ``present``, all forbidden)."""
    def check(ctx):
        frame, kind = _regul(ctx)
        if frame.empty:
            return None
        filled = [truth(has(frame, c)) for c in codes]
        wrong = np.logical_or.reduce(filled) if present else ~np.logical_and.reduce(filled)
        return found(ctx, REGUL_PAS, frame, truth(kind.isin(list(kinds))) & wrong, "S89.G00.93.002")
    return check


_NET, _RATE_REGUL, _RATE, _PAS_REGUL = "S89.G00.93.003", "S89.G00.93.005", "S89.G00.93.006", "S89.G00.93.009"
_NET_THEN, _UNTAXED, _ABATEMENT, _BASE_THEN = "S89.G00.93.004", "S89.G00.93.008", "S89.G00.93.010", "S89.G00.93.013"

rule("S89.G00.93.002/CCH-11", scope="block", test=TEST)(_required_with_error(("01",), (_NET, _RATE, _PAS_REGUL)))
rule("S89.G00.93.002/CCH-12", scope="block", test=TEST)(_required_with_error(("02",), (_RATE_REGUL, _BASE_THEN)))
rule("S89.G00.93.002/CCH-13", scope="block", test=TEST)(_required_with_error(("03",), (_NET, _RATE, _PAS_REGUL)))
rule("S89.G00.93.002/CCH-18", scope="block", test=TEST)(
    _required_with_error(("01", "03", "04"), (_NET_THEN, _RATE_REGUL, _BASE_THEN), present=True))
rule("S89.G00.93.002/CCH-19", scope="block", test=TEST)(
    _required_with_error(("02",), (_NET, _RATE, _UNTAXED, _ABATEMENT, _PAS_REGUL), present=True))
rule("S89.G00.93.002/CCH-20", scope="block", test=TEST)(_required_with_error(("04",), (_NET, _PAS_REGUL)))


@rule("S89.G00.93.002/CCH-14", scope="block", test=TEST)
def overpayment_amounts_not_positive(ctx):
    frame, kind = _regul(ctx)
    if frame.empty:
        return None
    positive = truth(num(frame, _NET) > 0) | truth(num(frame, _PAS_REGUL) > 0)
    return found(ctx, REGUL_PAS, frame, truth(kind == "03") & positive, "S89.G00.93.002")


def _error_year_check(january: bool):
    """Types 01/02: outside January, no error month of an earlier year (CCH-16); in January, only error months
    of the previous year (CCH-17)."""
    def check(ctx):
        frame, kind = _regul(ctx)
        if frame.empty:
            return None
        year, _ = _error_month(frame)
        main = pd.to_datetime(declaration_attribute(ctx, frame, "month_start"))
        in_january = truth(main.dt.month == 1)
        wrong = truth(year != main.dt.year - 1) if january else truth(year < main.dt.year)
        scope = in_january if january else ~in_january & truth(main.notna())
        return found(ctx, REGUL_PAS, frame, truth(kind.isin(["01", "02"])) & scope & wrong & truth(year.notna()),
                     "S89.G00.93.002")
    return check


rule("S89.G00.93.002/CCH-16", scope="block", test=TEST)(_error_year_check(january=False))
rule("S89.G00.93.002/CCH-17", scope="block", test=TEST)(_error_year_check(january=True))


@rule("S89.G00.93.002/CCH-21", scope="block", test=TEST)
def no_pas_regularisation_without_pas(ctx):
    # 93.007 is mandatory: a missing amount is the structure check's (CST), a non-zero one is reported here.
    frame, kind = _regul(ctx)
    if frame.empty:
        return None
    return found(ctx, REGUL_PAS, frame, truth(kind == "04") & truth(num(frame, "S89.G00.93.007").fillna(0) != 0),
                 "S89.G00.93.002")


def _needs(code: str, required: tuple[str, ...]):
    def check(ctx):
        frame = _rows(ctx, REGUL_PAS)
        if frame.empty:
            return None
        missing = ~np.logical_and.reduce([truth(has(frame, c)) for c in required])
        return found(ctx, REGUL_PAS, frame, truth(has(frame, code)) & missing, code)
    return check


rule("S89.G00.93.008/CCH-11", scope="block", test=TEST)(_needs(_UNTAXED, (_NET, _PAS_REGUL)))
rule("S89.G00.93.009/CCH-11", scope="block", test=TEST)(_needs(_PAS_REGUL, (_NET,)))


# ---------------------------------------------------------------------------------------------------------
# S89.G00.94 Cotisation individu non salarié

@rule("S89.G00.94.001/CCH-11", scope="block", test=TEST)
def allowance_needs_contribution(ctx):
    # The norm does not say which of the allowance's bases (23, 43, 50…) carries the cotisation: the reading
    # kept asks for one S89.G00.94 under any type 01–03 base of the non-salarié, reported on his first one.
    frame, kind, _ = _bases(ctx)
    if frame.empty:
        return None
    allowance = truth(kind.isin(list(ALLOWANCES))) & _with_status(ctx, frame)
    with_94 = truth(~missing_child(frame, ctx.table(COTISATION), "s89_g00_92_id"))
    covered = frame["s89_g00_91_id"].isin(frame.loc[allowance & with_94, "s89_g00_91_id"]).to_numpy()
    first = ~truth(later_duplicates(frame, [frame["s89_g00_91_id"], pd.Series(allowance, index=frame.index)]))
    return found(ctx, BASE_SPECIFIQUE, frame, allowance & ~covered & first, "S89.G00.92.001").assign(
        rubrique="S89.G00.94.001")


@rule("S89.G00.94.001/CCH-12", scope="block", test=TEST)
def third_party_uncapped_base_needs_contribution(ctx):
    frame, kind, code = _bases(ctx)
    if frame.empty:
        return None
    scope = truth(kind == THIRD_PARTY) & truth(code == UNCAPPED) & _with_status(ctx, frame)
    return found(ctx, BASE_SPECIFIQUE, frame, scope & truth(missing_child(frame, ctx.table(COTISATION),
                                                                          "s89_g00_92_id")),
                 "S89.G00.92.002").assign(rubrique="S89.G00.94.001")
