"""The rule registry: every rule is data (code, family, severity, scope, French message, norms) plus its check.

Official controls keep their code from the workbook's Messages sheet (``S21.G00.30.001/CCH-14``) and, by
default, its official message; DSN-Val stage codes (``CSL00``, ``CST03`` …) name the generated format and
structure checks; our own rules use the ``DSN-`` prefix, the insurer-contract rules ``FPOC-``.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache

import pandas as pd

from dsn_parser import load_catalog

SCOPES = ("file", "envoi", "declaration", "block", "rubrique", "individu")
DEFAULT_SEVERITY = {"CSL": "blocking", "CST": "blocking", "CCH": "blocking", "CRE": "blocking",
                    "CME": "blocking", "CID": "blocking", "SIG": "warning", "DSN": "blocking", "FPOC": "blocking"}
REFERENCE_NORM = "P24V01"  # the catalog whose official messages serve as defaults


@dataclass
class Finding:
    """What a check reports; the engine adds code, severity, message, block path and employee."""

    line: int | None = None
    instance: int | None = None
    rubrique: str | None = None
    value: str | None = None
    fields: dict = field(default_factory=dict)
    lines: tuple[int, ...] = ()


Check = Callable[["Context"], Iterable[Finding] | pd.DataFrame]  # noqa: F821 (Context in rules.context)


@dataclass(frozen=True)
class Rule:
    """A rule as data. ``check`` is None for a registered control that is not implemented yet."""

    code: str
    family: str
    severity: str
    scope: str
    message: str
    check: Check | None = None
    norms: frozenset[str] | None = None  # None: every version where rules.versions lets it run
    block: str | None = None
    description: str = ""
    test: str | None = None  # the test that proves it, for docs/rules.md
    module: str | None = None  # the module that registers it, for docs/rules.md


REGISTRY: dict[str, Rule] = {}


def family_of(code: str) -> str:
    """``S21.G00.30.001/CCH-14`` → CCH; ``DSN-PAY-01`` → DSN; ``CSL00`` → CSL."""
    if "/" in code:
        return code.split("/", 1)[1].split("-", 1)[0]
    return code.split("-", 1)[0][:4] if code.startswith("FPOC") else code[:3]


@cache
def official_control(code: str) -> dict | None:
    """The workbook's entry for an official control code (description, message), or None."""
    return load_catalog(REFERENCE_NORM).controls.get(code)


def register(rule: Rule) -> Rule:
    """Add a rule; a code can be registered once."""
    if rule.code in REGISTRY:
        raise ValueError(f"règle {rule.code} déjà enregistrée")
    if rule.module is None:
        rule = replace(rule, module=sys._getframe(1).f_globals.get("__name__"))
    REGISTRY[rule.code] = rule
    return rule


def rule(code: str, *, scope: str, message: str | None = None, severity: str | None = None,
         norms: Iterable[str] | None = None, description: str | None = None, test: str | None = None,
         module: str | None = None):
    """Decorator registering a check function under ``code``.

    ``message`` is a French ``str.format`` template over the finding's fields plus ``value`` and
    ``rubrique``; official controls default to the workbook message. ``module``: the module that spells the
    code, by default the caller's (a decorator built over this one passes its own caller's).
    """
    family = family_of(code)
    official = official_control(code) if "/" in code else None
    if message is None:
        if official is None:
            raise ValueError(f"{code}: message requis pour une règle hors norme")
        message = official["message"].replace("{", "{{").replace("}", "}}")
    if scope not in SCOPES:
        raise ValueError(f"{code}: portée inconnue {scope}")
    module = module or sys._getframe(1).f_globals.get("__name__")

    def decorate(check: Check) -> Check:
        register(Rule(code=code, family=family, severity=severity or DEFAULT_SEVERITY[family], scope=scope,
                      message=message, check=check, norms=frozenset(norms) if norms else None,
                      block=code[:10] if code.startswith("S") else None,
                      description=description or (official or {}).get("description", "") or (check.__doc__ or ""),
                      test=test, module=module))
        return check

    return decorate
