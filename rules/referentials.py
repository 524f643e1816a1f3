"""Controls backed by the shipped organism referentials (``rules/data/organisms.json``), and their severity.

The tables are a 2021 snapshot of the DSN-Val reference lists (organisms merge, codes are created). Every
control that reads them is registered with ``referential_rule``, which records the tables it reads and makes
it a **warning** by default (stated in its description), although the norm makes it blocking: an unknown code
may be a code created since, a payee's family may have changed. A run restores the norm's severity (or picks
another) with ``ValidationOptions.referential_severity``, or per rule with ``ValidationOptions.severity_overrides``;
the engine applies ``effective_severity``. Refresh the snapshot with ``python -m rules.referential_compiler DIR``.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pandas as pd

from dsn_parser import load_catalog

from .anomaly import SEVERITIES
from .context import Context, ValidationOptions
from .referential_compiler import OUTPUT
from .registry import DEFAULT_SEVERITY, Rule, family_of, official_control, rule
from .versions import use

TEST = "tests/rules/referentials/test_referentials.py"
ORGANISM_TABLES = ("PREV", "MUT", "ASSU", "OCI")
PAYEE_TABLES = ("IVO", "IVO2")
# Organism family of a code (dsn-format.md §6) → the table of its délégataires de gestion.
DELEGATE_TABLES = {"PREV": "DLGPREV", "ASSU": "DLGASSU", "MUT": "DLGMUT", "OCI": "DLGOCI"}
SNAPSHOT_NOTE = " (référentiel DSN-Val de 2021, non actualisé : le code a pu être créé depuis)"
STALE_SEVERITY = "warning"  # default severity of a control read against the 2021 snapshot


@dataclass(frozen=True)
class ReferentialUse:
    """What a referential-backed control reads, and the severity the norm gives it."""

    tables: tuple[str, ...]
    norm_severity: str


REFERENTIAL_CONTROLS: dict[str, ReferentialUse] = {}  # rule code → its use of the shipped tables


def referential_rule(code: str, *, tables: tuple[str, ...], scope: str, message: str | None = None,
                     description: str | None = None, test: str | None = None):
    """``rules.registry.rule`` for a control that reads the shipped ``tables``: registered at ``STALE_SEVERITY``
    with a description that says so, and listed in ``REFERENTIAL_CONTROLS`` for ``effective_severity``."""
    module = sys._getframe(1).f_globals.get("__name__")

    def decorate(check):
        official = official_control(code) if "/" in code else None
        text = description or (official or {}).get("description", "") or (check.__doc__ or "")
        without = _FRENCH[DEFAULT_SEVERITY[family_of(code)]]
        note = (f" Gravité : non bloquant par défaut, car le contrôle lit les tables {', '.join(tables)} de DSN-Val "
                f"2021, possiblement périmées ({'la norme le rend' if official else 'sans cette réserve, il serait'} "
                f"{without}) ; réglable par ValidationOptions.referential_severity ou severity_overrides.")
        REFERENTIAL_CONTROLS[code] = ReferentialUse(tuple(tables), DEFAULT_SEVERITY[family_of(code)])
        return rule(code, scope=scope, message=message, severity=STALE_SEVERITY, description=text.strip() + note,
                    test=test, module=module)(check)
    return decorate


_FRENCH = {"blocking": "bloquant", "warning": "non bloquant", "info": "informatif"}


def _checked(severity: str, what: str) -> str:
    if severity not in SEVERITIES:
        raise ValueError(f"{what} : gravité inconnue « {severity} » (attendu : {', '.join(SEVERITIES)})")
    return severity


def effective_severity(rule: Rule, options: ValidationOptions, version: str, severity: str | None = None) -> str:
    """The severity of ``rule``'s anomalies in a run on a file of ``version``, where ``severity`` is what the
    version rules decided (``rules.versions.use(...).severity``; None: the rule's own).

    A per-rule ``options.severity_overrides`` entry wins (the operator's explicit choice). A control of
    ``REFERENTIAL_CONTROLS`` runs at ``options.referential_severity`` when set, put through the same version
    rules (a text not confirmed for ``version`` stays a warning). Any other rule keeps ``severity``."""
    override = options.severity_overrides.get(rule.code)
    if override is not None:
        return _checked(override, f"ValidationOptions.severity_overrides[{rule.code}]")
    if rule.code in REFERENTIAL_CONTROLS and options.referential_severity is not None:
        chosen = _checked(options.referential_severity, "ValidationOptions.referential_severity")
        return use(replace(rule, severity=chosen), version).severity
    return severity or rule.severity


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


def payee_family(codes: pd.Series) -> pd.Series:
    """The family trigram of each payee (S21.G00.20.001, S21.G00.22.001) in the IVO table: URS (Urssaf, CGSS),
    AAR (Agirc-Arrco), CTI, FNM, FFS, OCI, MSA …; NA for a code the table does not know."""
    families = {**referential()["IVO2"].get("families", {}), **referential()["IVO"].get("families", {})}
    text = codes.astype(object)
    return pd.Series([families.get(c) if isinstance(c, str) else None for c in text], index=codes.index,
                     dtype=pd.StringDtype())


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


@referential_rule("S21.G00.15.002/CRE-11", tables=ORGANISM_TABLES, scope="rubrique",
                  message=_ORGANISM_MESSAGE,
                  test=f"{TEST}::test_unknown_adhesion_organism")
def check_adhesion_organism(ctx: Context) -> pd.DataFrame:
    """Code organisme de l'adhésion présent dans les tables PREV, MUT, ASSU ou OCI."""
    return _unknown(ctx, "S21.G00.15.002", ORGANISM_TABLES)


@referential_rule("S21.G00.16.002/CRE-11", tables=ORGANISM_TABLES, scope="rubrique",
                  message=_ORGANISM_MESSAGE,
                  test=f"{TEST}::test_unknown_former_organism")
def check_former_organism(ctx: Context) -> pd.DataFrame:
    """Ancien code organisme (changement d'adhésion) présent dans les tables PREV, MUT, ASSU ou OCI."""
    return _unknown(ctx, "S21.G00.16.002", ORGANISM_TABLES)


@referential_rule("S21.G00.20.001/CRE-11", tables=PAYEE_TABLES, scope="rubrique",
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
for _code, _family in (("S21.G00.20.008/CCH-11", "PREV"), ("S21.G00.20.008/CCH-12", "ASSU"),
                      ("S21.G00.20.008/CCH-13", "MUT"), ("S21.G00.20.008/CCH-14", "OCI")):
    def _payment_delegates(ctx: Context, family: str = _family) -> pd.DataFrame:
        return _delegates(ctx, "S21.G00.20.008", "S21.G00.20.001", family)
    _payment_delegates.__name__ = f"check_payment_delegate_{_family.lower()}"
    referential_rule(_code, tables=(DELEGATE_TABLES[_family],), scope="rubrique",
                     message=_DELEGATE_MESSAGE, test=f"{TEST}::test_unknown_payment_delegate")(_payment_delegates)


@referential_rule("DSN-REF-01", tables=tuple(DELEGATE_TABLES.values()), scope="rubrique",
                  message=_DELEGATE_MESSAGE,
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
