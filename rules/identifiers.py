"""Identifier controls: SIREN/SIRET/NIC keys, IBAN/BBAN keys, NIR and NTT rules, dates with 99, job label.

Official codes of the workbook's Messages sheet (CSL controls and the CCH controls of S21.G00.30.001 and
S21.G00.30.020). Every check is vectorised over the rubrique's column; a value whose shape is wrong (not 9
digits for a SIREN…) is left to the format checks (CSL00/CSL01) and not reported twice here.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .context import Context
from .identifier_keys import (RIB_COUNTRIES, birth_department_consistent, calendar_valid, iban_valid, luhn_valid,
                              rib_key_valid, siret_valid)
from .registry import rule

TEST = "tests/rules/identifiers/"
PLACEHOLDER_NIRS = ("1999999999999", "2999999999999")
_JOB_LABEL = re.compile(r"^[^0-9A-Za-zÀ-ÖØ-öø-ÿ]|([^0-9i])\1\1|i{4}", re.IGNORECASE)

# CSL controls of the workbook that this module does not implement, with the reason (read by the docs).
NOT_APPLICABLE = {
    "S21.G00.30.018/CSL-11": "the e-mail rule is in the CT editorial chapter, which the workbook does not include",
    "S21.G00.34.002/CSL-11": "the contract-number rule is in the CT editorial chapter, not in the workbook",
    "S21.G00.40.009/CSL-11": "the contract-number rule is in the CT editorial chapter, not in the workbook",
    "S21.G00.51.010/CSL-11": "the contract-number rule is in the CT editorial chapter, not in the workbook",
    "S21.G00.52.006/CSL-11": "the contract-number rule is in the CT editorial chapter, not in the workbook",
    "S21.G00.86.005/CSL-11": "the contract-number rule is in the CT editorial chapter, not in the workbook",
    "S89.G00.32.002/CSL-11": "the identity rule is in the CT editorial chapter, not in the workbook",
}


# ------------------------------------------------------------------------------------------ helpers

def _flag(table: pd.DataFrame, code: str, bad: np.ndarray, **fields) -> pd.DataFrame:
    """Finding rows for the values of ``code`` where ``bad`` is True."""
    if not bad.any():
        return pd.DataFrame(columns=["line", "instance", "rubrique", "value"])
    picked = table[bad]
    return pd.DataFrame({"line": picked[f"{code}#line"].to_numpy(), "instance": picked["id"].to_numpy(),
                         "rubrique": code, "value": picked[code].to_numpy(dtype=object),
                         **{k: v[bad] if isinstance(v, np.ndarray) else v for k, v in fields.items()}})


def _column(ctx: Context, code: str) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    """The raw table of a rubrique's block, the rubrique's values and the mask of present ones."""
    table = ctx.text(code[:10])
    values = table[code] if code in table else pd.Series(pd.NA, index=table.index, dtype=pd.StringDtype())
    return table, values, values.notna().to_numpy(dtype=bool)


def _shaped(values: pd.Series, pattern: str) -> np.ndarray:
    return values.str.fullmatch(pattern).to_numpy(dtype=bool, na_value=False)


def _siren_check(code: str, part: slice = slice(0, 9)):
    def check(ctx: Context) -> pd.DataFrame:
        table, values, present = _column(ctx, code)
        siren = values.str.slice(part.start, part.stop)
        return _flag(table, code, present & _shaped(siren, "[0-9]{9}") & ~luhn_valid(siren, 9))
    return check


def _siret_check(code: str, siren_code: str | None = None, siren_parent: str | None = None):
    """SIRET key of ``code`` (14 digits), or of the SIREN of the same or parent block followed by a NIC."""
    def check(ctx: Context) -> pd.DataFrame:
        table, values, present = _column(ctx, code)
        if siren_code is None:
            siret = values
        elif siren_parent is None:
            siret = table[siren_code] + values
        else:
            parents = ctx.text(siren_code[:10]).set_index("id")[siren_code]
            siret = table[siren_parent].map(parents).astype(pd.StringDtype()) + values
        siret = siret.astype(pd.StringDtype())
        return _flag(table, code, present & _shaped(siret, "[0-9]{14}") & ~siret_valid(siret), siret=siret.to_numpy())
    return check


def _date_check(code: str, allow_99: bool):
    def check(ctx: Context) -> pd.DataFrame:
        table, values, present = _column(ctx, code)
        return _flag(table, code, present & ~calendar_valid(values, allow_99))
    return check


def _ntt_start_check(code: str):
    def check(ctx: Context) -> pd.DataFrame:
        table, values, present = _column(ctx, code)
        return _flag(table, code, present & ~values.str.match("[12]").to_numpy(dtype=bool, na_value=False))
    return check


def _ntt_space_check(code: str):
    def check(ctx: Context) -> pd.DataFrame:
        table, values, present = _column(ctx, code)
        return _flag(table, code, present & values.str.contains(" ", regex=False).to_numpy(dtype=bool, na_value=False))
    return check


def _iban_check(code: str):
    def check(ctx: Context) -> pd.DataFrame:
        table, values, present = _column(ctx, code)
        valid = np.array([iban_valid(v) if isinstance(v, str) else True for v in values.astype(object)], dtype=bool)
        return _flag(table, code, present & ~valid)
    return check


def _bban_check(code: str):
    def check(ctx: Context) -> pd.DataFrame:
        table, values, present = _column(ctx, code)
        french = present & _shaped(values, f"({'|'.join(RIB_COUNTRIES)})[0-9]{{2}}[A-Z0-9]{{23}}")
        valid = np.array([rib_key_valid(v) if ok else True for v, ok in zip(values.astype(object), french)],
                         dtype=bool)
        return _flag(table, code, french & ~valid)
    return check


# ----------------------------------------------------------------------------------- registrations

_KEY_MESSAGES = {
    "S20.G00.05.012/CSL-12": "Le dernier SIRET connu pour l'ancien numéro de contrat ne respecte pas la clé SIRET.",
    "S21.G00.12.003/CSL-11": "Les coordonnées bancaires spécifiques ne respectent pas la clé IBAN.",
    "S21.G00.12.003/CSL-12": "Les coordonnées bancaires spécifiques ne respectent pas la clé RIB (BBAN).",
    "S21.G00.20.004/CSL-13": "Les coordonnées bancaires du compte visé par le télérèglement des cotisations "
                             "sociales ne respectent pas la clé RIB (BBAN).",
}
_CHECKS = {
    "S10.G00.01.001/CSL-11": ("SIREN de l'émetteur : clé de Luhn.", _siren_check("S10.G00.01.001")),
    "S21.G00.06.001/CSL-11": ("SIREN de l'entreprise : clé de Luhn.", _siren_check("S21.G00.06.001")),
    "S89.G00.32.004/CSL-12": ("SIREN du bénéficiaire des honoraires : clé de Luhn.", _siren_check("S89.G00.32.004")),
    "S21.G00.41.012/CSL-11": ("SIREN (9 premiers caractères) de l'ancien SIRET d'affectation : clé de Luhn.",
                              _siren_check("S21.G00.41.012")),
    "S21.G00.45.001/CSL-11": ("SIREN (9 premiers caractères) du SIRET déclarant précédent : clé de Luhn.",
                              _siren_check("S21.G00.45.001")),
    "S10.G00.01.002/CCH-11": ("SIRET de l'émetteur (S10.G00.01.001 + S10.G00.01.002) : clé de Luhn (La Poste : "
                              "somme des chiffres divisible par 5).", _siret_check("S10.G00.01.002", "S10.G00.01.001")),
    "S21.G00.06.002/CSL-11": ("SIRET du siège (S21.G00.06.001 + S21.G00.06.002) : clé SIRET.",
                              _siret_check("S21.G00.06.002", "S21.G00.06.001")),
    "S21.G00.11.001/CSL-12": ("SIRET de l'établissement (SIREN S21.G00.06.001 de l'entreprise + NIC "
                              "S21.G00.11.001) : clé SIRET.", _siret_check("S21.G00.11.001", "S21.G00.06.001",
                                                                         "entreprise_id")),
    "S20.G00.05.012/CSL-12": ("Dernier SIRET connu : clé SIRET.", _siret_check("S20.G00.05.012")),
    "S21.G00.41.012/CSL-12": ("Ancien SIRET d'affectation : clé SIRET.", _siret_check("S21.G00.41.012")),
    "S21.G00.45.001/CSL-12": ("SIRET déclarant précédent : clé SIRET.", _siret_check("S21.G00.45.001")),
    "S21.G00.12.003/CSL-11": ("IBAN des coordonnées bancaires spécifiques : clé ISO 13616 (modulo 97).",
                              _iban_check("S21.G00.12.003")),
    "S21.G00.20.004/CSL-11": ("IBAN du télérèglement : clé ISO 13616 (modulo 97).", _iban_check("S21.G00.20.004")),
    "S21.G00.12.003/CSL-12": ("Clé RIB du BBAN des IBAN français et monégasques.", _bban_check("S21.G00.12.003")),
    "S21.G00.20.004/CSL-13": ("Clé RIB du BBAN des IBAN français et monégasques.", _bban_check("S21.G00.20.004")),
    "S21.G00.30.006/CSL-11": ("Date de naissance du calendrier, jour ou mois 99 admis.",
                              _date_check("S21.G00.30.006", True)),
    "S21.G00.31.011/CSL-11": ("Ancienne date de naissance du calendrier, jour ou mois 99 admis.",
                              _date_check("S21.G00.31.011", True)),
    "S21.G00.85.016/CSL-11": ("Date de naissance du calendrier, jour ou mois 99 admis.",
                              _date_check("S21.G00.85.016", True)),
    "S89.G00.91.006/CSL-11": ("Date de naissance du calendrier, jour ou mois 99 admis.",
                              _date_check("S89.G00.91.006", True)),
    "S89.G00.87.005/CSL-12": ("Date d'attribution du calendrier.", _date_check("S89.G00.87.005", False)),
    "S89.G00.87.006/CSL-12": ("Date d'acquisition définitive du calendrier.", _date_check("S89.G00.87.006", False)),
    "S89.G00.89.005/CSL-11": ("Date d'acquisition des titres du calendrier.", _date_check("S89.G00.89.005", False)),
}
_CHECKS.update({
    "S21.G00.30.020/CSL-11": ("NTT commençant par 1 ou 2.", _ntt_start_check("S21.G00.30.020")),
    "S21.G00.30.020/CSL-12": ("NTT sans espace.", _ntt_space_check("S21.G00.30.020")),
    "S89.G00.67.002/CSL-11": ("NTT commençant par 1 ou 2.", _ntt_start_check("S89.G00.67.002")),
    "S89.G00.67.002/CSL-12": ("NTT sans espace.", _ntt_space_check("S89.G00.67.002")),
    "S89.G00.87.008/CSL-11": ("NTT commençant par 1 ou 2.", _ntt_start_check("S89.G00.87.008")),
    "S89.G00.87.008/CSL-12": ("NTT sans espace.", _ntt_space_check("S89.G00.87.008")),
    "S89.G00.88.009/CSL-11": ("NTT commençant par 1 ou 2.", _ntt_start_check("S89.G00.88.009")),
    "S89.G00.88.009/CSL-12": ("NTT sans espace.", _ntt_space_check("S89.G00.88.009")),
    "S89.G00.89.008/CSL-11": ("NTT commençant par 1 ou 2.", _ntt_start_check("S89.G00.89.008")),
    "S89.G00.89.008/CSL-12": ("NTT sans espace.", _ntt_space_check("S89.G00.89.008")),
    "S89.G00.91.021/CSL-11": ("NTT commençant par 1 ou 2.", _ntt_start_check("S89.G00.91.021")),
    "S89.G00.91.021/CSL-15": ("NTT sans espace.", _ntt_space_check("S89.G00.91.021")),
})

for _code, (_description, _check) in _CHECKS.items():
    _test = f"{TEST}test_identifiers.py::test_control_fails"
    _check.__name__ = "check_" + re.sub(r"\W", "_", _code).lower()
    rule(_code, scope="rubrique", message=_KEY_MESSAGES.get(_code), test=_test,
         description=f"{_description} (contrôle officiel {_code})")(_check)


@rule("S21.G00.40.006/CSL-11", scope="rubrique", test=f"{TEST}test_identifiers.py::test_control_fails")
def check_job_label(ctx: Context) -> pd.DataFrame:
    """Libellé d'emploi : pas plus de deux fois de suite le même caractère (chiffres libres, « i » trois fois),
    et pas de caractère spécial en tête."""
    table, values, present = _column(ctx, "S21.G00.40.006")
    labels = values[present].unique()
    wrong = {v for v in labels if _JOB_LABEL.search(v)}
    return _flag(table, "S21.G00.40.006", present & values.isin(wrong).to_numpy(dtype=bool, na_value=False))


# ------------------------------------------------------------------------------------- NIR and NTT

NIR = "S21.G00.30.001"
NTT = "S21.G00.30.020"
BIRTH_DATE = "S21.G00.30.006"


@rule("S21.G00.30.001/CCH-11", scope="individu", test=f"{TEST}test_nir.py::test_nir_control_fails")
def check_nir_department(ctx: Context) -> pd.DataFrame:
    """Département de naissance du NIR existant l'année de naissance (S21.G00.30.006)."""
    table, values, present = _column(ctx, NIR)
    births = table[BIRTH_DATE] if BIRTH_DATE in table else pd.Series(pd.NA, index=table.index)
    ok = _shaped(values, "[12][0-9]{4}(2A|2B|[0-9]{2})[0-9]{6}")
    return _flag(table, NIR, present & ok & ~birth_department_consistent(values, births))


@rule("S21.G00.30.001/CCH-13", scope="individu", test=f"{TEST}test_nir.py::test_nir_control_fails")
def check_nir_placeholder(ctx: Context) -> pd.DataFrame:
    """NIR 1999999999999 et 2999999999999 interdits."""
    table, values, present = _column(ctx, NIR)
    return _flag(table, NIR, present & values.isin(PLACEHOLDER_NIRS).to_numpy(dtype=bool, na_value=False))


@rule("S21.G00.30.001/CCH-16", scope="individu", test=f"{TEST}test_nir.py::test_nir_control_fails")
def check_nir_trailing_nines(ctx: Context) -> pd.DataFrame:
    """NIR terminé par plus de cinq « 9 »."""
    table, values, present = _column(ctx, NIR)
    return _flag(table, NIR, present & values.str.endswith("999999").to_numpy(dtype=bool, na_value=False))


def _duplicates(ctx: Context, code: str) -> pd.DataFrame:
    """Every repeat (after the first) of a value of ``code`` within one déclaration, with all its lines."""
    table, values, present = _column(ctx, code)
    keyed = pd.DataFrame({"declaration": table["declaration_id"], "value": values,
                          "line": table[f"{code}#line"]})[present]
    keyed = keyed[keyed.duplicated(["declaration", "value"], keep=False).to_numpy(dtype=bool)]
    repeat = keyed.duplicated(["declaration", "value"], keep="first").to_numpy(dtype=bool)
    lines = keyed.groupby(["declaration", "value"])["line"].agg(lambda s: tuple(int(n) for n in s))
    bad = np.zeros(len(table), dtype=bool)
    bad[keyed.index.to_numpy()[repeat]] = True
    found = _flag(table, code, bad)
    found["lines"] = [lines[(d, v)] for d, v in zip(table["declaration_id"][bad], values[bad])]
    return found


@rule("S21.G00.30.001/CCH-14", scope="declaration", test=f"{TEST}test_nir.py::test_nir_control_fails")
def check_nir_unique(ctx: Context) -> pd.DataFrame:
    """Un même NIR déclaré dans plusieurs blocs individu d'une déclaration (chaque répétition est signalée)."""
    return _duplicates(ctx, NIR)


@rule("S21.G00.30.020/CCH-14", scope="declaration", test=f"{TEST}test_nir.py::test_nir_control_fails")
def check_ntt_unique(ctx: Context) -> pd.DataFrame:
    """Un même NTT déclaré deux fois dans une déclaration (chaque répétition est signalée)."""
    return _duplicates(ctx, NTT)


@rule("S21.G00.30.020/CCH-12", scope="individu", test=f"{TEST}test_nir.py::test_nir_control_fails")
def check_nir_or_ntt(ctx: Context) -> pd.DataFrame:
    """Individu sans NIR ni NTT."""
    table, nir, has_nir = _column(ctx, NIR)
    _, _, has_ntt = _column(ctx, NTT)
    bad = ~has_nir & ~has_ntt
    return pd.DataFrame({"line": table["line"][bad].to_numpy(), "instance": table["id"][bad].to_numpy(),
                         "rubrique": NTT, "value": None})


@rule("S21.G00.30.020/CCH-13", scope="individu", test=f"{TEST}test_nir.py::test_nir_control_fails")
def check_ntt_siren(ctx: Context) -> pd.DataFrame:
    """Caractères 2 à 10 du NTT égaux au SIREN de l'entreprise (S21.G00.06.001)."""
    table, values, present = _column(ctx, NTT)
    sirens = ctx.text("S21.G00.06").set_index("id")["S21.G00.06.001"]
    siren = table["entreprise_id"].map(sirens).astype(pd.StringDtype())
    differs = (values.str.slice(1, 10) != siren).to_numpy(dtype=bool, na_value=False)
    return _flag(table, NTT, present & siren.notna().to_numpy(dtype=bool) & differs)


def _amorcage_with_non_salarie(ctx: Context, code: str) -> pd.DataFrame:
    """Individus with ``code`` in a nature 08 déclaration that also has an S89.G00.91 block."""
    table, _, present = _column(ctx, code)
    declarations = ctx.text("S20.G00.05")
    amorcage = set(declarations["id"][declarations["S20.G00.05.001"] == "08"].tolist())
    with_91 = set(ctx.text("S89.G00.91")["declaration_id"].tolist())
    in_scope = table["declaration_id"].isin(amorcage & with_91).to_numpy(dtype=bool)
    return _flag(table, code, present & in_scope)


@rule("S21.G00.30.001/CCH-15", scope="declaration", test=f"{TEST}test_nir.py::test_amorcage_with_non_salarie")
def check_amorcage_nir(ctx: Context) -> pd.DataFrame:
    """Signalement amorçage (08) : un individu avec NIR interdit un bloc S89.G00.91."""
    return _amorcage_with_non_salarie(ctx, NIR)


@rule("S21.G00.30.020/CCH-15", scope="declaration", test=f"{TEST}test_nir.py::test_amorcage_with_non_salarie")
def check_amorcage_ntt(ctx: Context) -> pd.DataFrame:
    """Signalement amorçage (08) : un individu avec NTT interdit un bloc S89.G00.91."""
    return _amorcage_with_non_salarie(ctx, NTT)
