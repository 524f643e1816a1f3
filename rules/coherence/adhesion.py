"""Coherence controls of the adhésions prévoyance (S21.G00.15) and their changes (S21.G00.16): uniqueness
and the link between covered staff and the affiliations (S21.G00.70) that reference each adhésion."""
from __future__ import annotations

import numpy as np

from ..registry import rule
from .conditions import ADHESION, ETABLISSEMENT, allowed, findings, isin, lookup, pairs_in, truth

TEST = "tests/rules/coherence/test_adhesion.py::test_control"
AFFILIATION = "S21.G00.70"
TEMPORARY_WORK_AGENCY = "7820Z"
_DELEGATES = "needs the official table of management delegates ({}), an external referential"
NOT_APPLICABLE = {
    "S21.G00.15.003/CCH-11": _DELEGATES.format("DLGASSU"),
    "S21.G00.15.003/CCH-12": _DELEGATES.format("DLGPREV"),
    "S21.G00.15.003/CCH-13": _DELEGATES.format("DLGMUT"),
    "S21.G00.15.003/CCH-14": _DELEGATES.format("DLGOCI"),
}


def _referenced(ctx, adh) -> np.ndarray:
    """Adhésions whose technical id (15.005) is referenced by an affiliation (70.013) of the déclaration."""
    aff = ctx.text(AFFILIATION)
    return pairs_in(adh["declaration_id"], adh["S21.G00.15.005"], aff["declaration_id"], aff["S21.G00.70.013"])


def _not_temporary_work(ctx, adh) -> np.ndarray:
    return ~truth(lookup(adh, "etablissement_id", ctx.text(ETABLISSEMENT), "S21.G00.11.002") == TEMPORARY_WORK_AGENCY)


def _duplicated(adh, columns: list[str]) -> np.ndarray:
    complete = adh[columns].notna().all(axis=1).to_numpy(dtype=bool)
    return complete & adh.duplicated(["declaration_id", *columns], keep=False).to_numpy(dtype=bool)


@rule("S21.G00.15.001/CCH-11", scope="block", test=TEST)
def unique_contract_and_organism(ctx):
    adh = ctx.text(ADHESION)
    bad = _duplicated(adh, ["S21.G00.15.001", "S21.G00.15.002"])
    return findings(ctx, ADHESION, bad, "S21.G00.15.001", related=["S21.G00.15.002"])


@rule("S21.G00.15.001/CCH-13", scope="block", test=TEST)
def covered_adhesion_is_referenced(ctx):
    adh = ctx.text(ADHESION)
    bad = isin(adh, "S21.G00.15.004", ["01"]) & ~_referenced(ctx, adh) & _not_temporary_work(ctx, adh) & \
        allowed(ctx, adh, AFFILIATION)
    return findings(ctx, ADHESION, bad, "S21.G00.15.001", related=["S21.G00.15.004", "S21.G00.15.005"])


@rule("S21.G00.15.001/CCH-14", scope="block", test=TEST)
def uncovered_adhesion_not_referenced(ctx):
    adh = ctx.text(ADHESION)
    bad = isin(adh, "S21.G00.15.004", ["02"]) & _referenced(ctx, adh) & _not_temporary_work(ctx, adh)
    return findings(ctx, ADHESION, bad, "S21.G00.15.001", related=["S21.G00.15.004", "S21.G00.15.005"])


@rule("S21.G00.15.005/CCH-11", scope="block", test=TEST)
def unique_technical_id(ctx):
    adh = ctx.text(ADHESION)
    return findings(ctx, ADHESION, _duplicated(adh, ["S21.G00.15.005"]), "S21.G00.15.005")
