"""CRE controls backed by the shipped organism referentials (``rules/data/organisms.json``).

The tables are a 2021 snapshot of the DSN-Val reference lists (organisms merge, codes are created), so an
unknown code is reported as a **warning** whose message says so, although the norm makes these controls
blocking. Refresh the snapshot with ``python -m rules.referential_compiler DIR``.
"""
from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd

from dsn_parser import load_catalog

from .context import Context
from .referential_compiler import OUTPUT
from .registry import rule

TEST = "tests/rules/referentials/test_referentials.py"
ORGANISM_TABLES = ("PREV", "MUT", "ASSU", "OCI")
PAYEE_TABLES = ("IVO", "IVO2")
# Organism family of a code (dsn-format.md §6) → the table of its délégataires de gestion.
DELEGATE_TABLES = {"PREV": "DLGPREV", "ASSU": "DLGASSU", "MUT": "DLGMUT", "OCI": "DLGOCI"}
SNAPSHOT_NOTE = " (référentiel DSN-Val de 2021, non actualisé : le code a pu être créé depuis)"


@cache
def referential() -> dict:
    """The compiled tables: name → {published, codes: {code: [validity start, validity end]}}."""
    return json.loads(OUTPUT.read_text(encoding="utf-8"))["tables"]


def organism_family(codes: pd.Series) -> pd.Series:
    """PREV (``P`` + 4 digits), ASSU (``A`` + 5 characters), MUT (9 digits), OCI (9 characters, a letter)."""
    text = codes.astype(pd.StringDtype())
    family = pd.Series(pd.NA, index=codes.index, dtype=pd.StringDtype())
    family[text.str.fullmatch("P[0-9]{4}").fillna(False)] = "PREV"
    family[text.str.fullmatch("A[A-Z0-9]{5}").fillna(False)] = "ASSU"
    family[text.str.fullmatch("[0-9]{9}").fillna(False)] = "MUT"
    family[text.str.fullmatch("(?=.*[A-Z])[A-Z0-9]{9}").fillna(False)] = "OCI"
    return family


@cache
def _validity(tables: tuple[str, ...]) -> dict[str, str | None]:
    """Code → end of validity (ISO, None when still open) over several tables."""
    out: dict[str, str | None] = {}
    for name in tables:
        for code, (_start, end) in referential()[name]["codes"].items():
            if code not in out:
                out[code] = end
            elif out[code] is not None:
                out[code] = None if end is None else max(end, out[code])
    return out


def known(codes: pd.Series, tables: tuple[str, ...], months: pd.Series | None = None) -> np.ndarray:
    """True where a code is in one of ``tables`` and, given the declared month (ISO), still valid then."""
    validity = _validity(tables)
    text = codes.astype(object)
    present = np.array([isinstance(c, str) and c in validity for c in text], dtype=bool)
    if months is None:
        return present
    expired = [ok and validity[c] is not None and isinstance(m, str) and validity[c] < m
               for c, ok, m in zip(text, present, months)]
    return present & ~np.array(expired, dtype=bool)


def _months(ctx: Context, table: pd.DataFrame) -> pd.Series:
    """ISO first day of the declared month (S20.G00.05.005) of each row's déclaration."""
    declarations = ctx.text("S20.G00.05").set_index("id")["S20.G00.05.005"]
    raw = table["declaration_id"].map(declarations).astype(pd.StringDtype())
    return (raw.str.slice(4, 8) + "-" + raw.str.slice(2, 4) + "-" + raw.str.slice(0, 2)).astype(object)


def _unknown(ctx: Context, code: str, tables: tuple[str, ...]) -> pd.DataFrame:
    table = ctx.text(code[:10])
    values = table[code]
    present = values.notna().to_numpy(dtype=bool)
    bad = present & ~known(values, tables, _months(ctx, table))
    return pd.DataFrame({"line": table[f"{code}#line"][bad].to_numpy(), "instance": table["id"][bad].to_numpy(),
                         "rubrique": code, "value": values[bad].to_numpy(dtype=object)})


_ORGANISM_MESSAGE = ("Le code organisme « {value} » est absent des référentiels des institutions de prévoyance, "
                     "mutuelles, sociétés d'assurance et organismes complémentaires isolés" + SNAPSHOT_NOTE)


@rule("S21.G00.15.002/CRE-11", scope="rubrique", severity="warning", message=_ORGANISM_MESSAGE,
      test=f"{TEST}::test_unknown_adhesion_organism")
def check_adhesion_organism(ctx: Context) -> pd.DataFrame:
    """Code organisme de l'adhésion présent dans les tables PREV, MUT, ASSU ou OCI."""
    return _unknown(ctx, "S21.G00.15.002", ORGANISM_TABLES)


@rule("S21.G00.16.002/CRE-11", scope="rubrique", severity="warning", message=_ORGANISM_MESSAGE,
      test=f"{TEST}::test_unknown_former_organism")
def check_former_organism(ctx: Context) -> pd.DataFrame:
    """Ancien code organisme (changement d'adhésion) présent dans les tables PREV, MUT, ASSU ou OCI."""
    return _unknown(ctx, "S21.G00.16.002", ORGANISM_TABLES)


@rule("S21.G00.20.001/CRE-11", scope="rubrique", severity="warning",
      message="L'identifiant d'organisme de protection sociale « {value} » est absent de la table des "
              "organismes destinataires de versements (IVO)" + SNAPSHOT_NOTE,
      test=f"{TEST}::test_unknown_payee")
def check_payee(ctx: Context) -> pd.DataFrame:
    """Identifiant de l'organisme destinataire du versement présent dans les tables IVO."""
    return _unknown(ctx, "S21.G00.20.001", PAYEE_TABLES)


def _delegates(ctx: Context, code: str, organism_code: str, family: str) -> pd.DataFrame:
    """Délégataires of organisms of one family that are not in that family's table."""
    table = ctx.text(code[:10])
    values = table[code]
    of_family = (organism_family(table[organism_code]) == family).to_numpy(dtype=bool, na_value=False)
    bad = values.notna().to_numpy(dtype=bool) & of_family & ~known(values, (DELEGATE_TABLES[family],),
                                                                    _months(ctx, table))
    return pd.DataFrame({"line": table[f"{code}#line"][bad].to_numpy(), "instance": table["id"][bad].to_numpy(),
                         "rubrique": code, "value": values[bad].to_numpy(dtype=object), "table": DELEGATE_TABLES[family]})


_DELEGATE_MESSAGE = ("Le code délégataire de gestion « {value} » est absent de la table {table} des délégataires "
                     "de l'organisme" + SNAPSHOT_NOTE)
for _number, _family in (("11", "PREV"), ("12", "ASSU"), ("13", "MUT"), ("14", "OCI")):
    def _payment_delegates(ctx: Context, family: str = _family) -> pd.DataFrame:
        return _delegates(ctx, "S21.G00.20.008", "S21.G00.20.001", family)
    _payment_delegates.__name__ = f"check_payment_delegate_{_family.lower()}"
    rule(f"S21.G00.20.008/CCH-{_number}", scope="rubrique", severity="warning", message=_DELEGATE_MESSAGE,
         test=f"{TEST}::test_unknown_payment_delegate")(_payment_delegates)


@rule("DSN-REF-01", scope="rubrique", severity="warning", message=_DELEGATE_MESSAGE,
      description="Code délégataire de gestion de l'adhésion (S21.G00.15.003) présent dans la table des "
                  "délégataires de la famille de l'organisme S21.G00.15.002 (DLGPREV, DLGASSU, DLGMUT, DLGOCI). "
                  "La norme n'a pas de contrôle officiel sur cette rubrique ; référentiel de 2021.",
      test=f"{TEST}::test_unknown_adhesion_delegate")
def check_adhesion_delegate(ctx: Context) -> pd.DataFrame:
    frames = [_delegates(ctx, "S21.G00.15.003", "S21.G00.15.002", family) for family in DELEGATE_TABLES]
    return pd.concat(frames, ignore_index=True)


def _external_referential_controls() -> dict[str, str]:
    """The workbook's CRE controls this module cannot run: their referential (NAF, PCS-ESE, INSEE communes,
    IDCC, countries…) is not shipped here, only the organism and payee tables are."""
    implemented = {"S21.G00.15.002/CRE-11", "S21.G00.16.002/CRE-11", "S21.G00.20.001/CRE-11"}
    return {code: f"needs the external referential of {control['target']} (not shipped; only the 2021 organism "
                  "and payee tables are)"
            for code, control in load_catalog("P24V01").controls.items()
            if control["family"] == "CRE" and code not in implemented}


NOT_APPLICABLE = _external_referential_controls()
