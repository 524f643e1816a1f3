"""Coherence controls of the contrat (S21.G00.40) and its changes (S21.G00.41): dates, contract nature against
public schemes, unemployment insurance management, work quota, [FP] public-service rubriques, work places, and
the change blocks' recalculation depth."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd

from ..registry import rule
from .conditions import (CHANGEMENT_CONTRAT, CONTRAT, INDIVIDU, allowed, differs, findings, has, isin, lines_by, lookup,
                         matches, month_end, month_start, of_envoi, pairs_in, siret, to_lines, truth, words)

TEST = "tests/rules/coherence/test_contract.py::test_control"
_PRINCIPLE = ("refers to a principle of §4.4.14 of the cahier technique (list of modalities, one change block per "
              "modality), whose text is not in the norm data available to us")
NOT_APPLICABLE = {
    "S21.G00.40.005/CCH-16": "needs the NEH nomenclature (hospital medical staff), an external referential",
    "S21.G00.40.005/CCH-18": "needs the nomenclature of entertainment jobs, an external referential",
    "S21.G00.41.001/CCH-13": _PRINCIPLE,
    "S21.G00.41.028/CCH-11": _PRINCIPLE,
}

FIN, ACTIVITE, REMUNERATION, SUSPENSION, RETRAITE, LIEU = (
    "S21.G00.62", "S21.G00.53", "S21.G00.51", "S21.G00.65", "S21.G00.71", "S21.G00.85")
NOT_CONCERNED = "99"  # S21.G00.40.026: not a public-service employee
SNCF = "134"
# Identifying data of a contract in S21.G00.41: former establishment SIRET, contract number, start date.
IDENTIFYING = ("S21.G00.41.012", "S21.G00.41.014", "S21.G00.41.021")

Predicate = Callable[[object, pd.DataFrame, pd.DataFrame], np.ndarray]


def _contract_rule(code: str, rubrique: str, predicate: Predicate, related: tuple[str, ...] = ()) -> None:
    """Register a contract control whose offending rows are ``predicate(ctx, text table, typed table)``."""
    def check(ctx):
        return findings(ctx, CONTRAT, predicate(ctx, ctx.text(CONTRAT), ctx.table(CONTRAT)), rubrique, related)
    check.__name__ = "check_" + code.replace(".", "_").replace("/", "_").replace("-", "_")
    rule(code, scope="block", test=TEST)(check)


# Values reserved for the change blocks (S21.G00.41): forbidden in the contract itself.
for _code, _rubrique, _value in [
        ("S21.G00.40.005/CCH-21", "S21.G00.40.005", "999999"), ("S21.G00.40.022/CCH-11", "S21.G00.40.022", "99"),
        ("S21.G00.40.041/CCH-11", "S21.G00.40.041", "ZZZ"), ("S21.G00.40.057/CCH-12", "S21.G00.40.057", "ZZ9"),
        ("S21.G00.40.060/CCH-12", "S21.G00.40.060", "ZZ9"), ("S21.G00.40.061/CCH-12", "S21.G00.40.061", "ZZ9"),
        ("S21.G00.40.063/CCH-12", "S21.G00.40.063", "ZZ9"), ("S21.G00.40.064/CCH-12", "S21.G00.40.064", "ZZ9"),
        ("S21.G00.40.065/CCH-12", "S21.G00.40.065", "ZZ9"), ("S21.G00.40.069/CCH-11", "S21.G00.40.069", "ZZZ"),
        ("S21.G00.40.071/CCH-11", "S21.G00.40.071", "000"), ("S21.G00.40.079/CCH-11", "S21.G00.40.079", "99999"),
        ("S21.G00.40.080/CCH-12", "S21.G00.40.080", "999"), ("S21.G00.40.081/CCH-11", "S21.G00.40.081", "999999999")]:
    _contract_rule(_code, _rubrique, lambda ctx, t, _, r=_rubrique, v=_value: isin(t, r, [v]))

# [FP] rubriques forbidden outside the public service (S21.G00.40.026 = 99).
for _code, _rubrique in [
        ("S21.G00.40.052/CCH-11", "S21.G00.40.052"), ("S21.G00.40.057/CCH-11", "S21.G00.40.057"),
        ("S21.G00.40.058/CCH-11", "S21.G00.40.058"), ("S21.G00.40.059/CCH-11", "S21.G00.40.059"),
        ("S21.G00.40.060/CCH-11", "S21.G00.40.060"), ("S21.G00.40.061/CCH-11", "S21.G00.40.061"),
        ("S21.G00.40.062/CCH-11", "S21.G00.40.062"), ("S21.G00.40.064/CCH-11", "S21.G00.40.064"),
        ("S21.G00.40.065/CCH-11", "S21.G00.40.065"), ("S21.G00.40.080/CCH-11", "S21.G00.40.080")]:
    _contract_rule(_code, _rubrique,
                   lambda ctx, t, _, r=_rubrique: has(t, r) & isin(t, "S21.G00.40.026", [NOT_CONCERNED]),
                   ("S21.G00.40.026",))

# Public schemes (S21.G00.40.008) allowed only for some contract natures (S21.G00.40.007).
for _code, _schemes, _natures in [
        ("S21.G00.40.008/CCH-11", "81", "02 92"), ("S21.G00.40.008/CCH-12", "70", "02 92"),
        ("S21.G00.40.008/CCH-13", "80", "01 82 91"), ("S21.G00.40.008/CCH-14", "64 65", "01 02 03 08 91 92"),
        ("S21.G00.40.008/CCH-15", "21 41 42 61", "01 02 82 91 92"), ("S21.G00.40.008/CCH-16", "71", "02 03 92")]:
    _contract_rule(_code, "S21.G00.40.008",
                   lambda ctx, t, _, s=words(_schemes), n=words(_natures):
                   isin(t, "S21.G00.40.008", s) & has(t, "S21.G00.40.007") & ~isin(t, "S21.G00.40.007", n),
                   ("S21.G00.40.007",))

# PCS-ESE complements (S21.G00.40.005) that go with one PCS-ESE code (S21.G00.40.004), if and only if.
for _code, _pcs, _complements in [
        ("S21.G00.40.005/CCH-11", "389b", "T389N T389M C389N C389M"), ("S21.G00.40.005/CCH-12", "352a", "NP352 P352"),
        ("S21.G00.40.005/CCH-13", "463a 463b 463c 463d 463e", "06 07 08 09"),
        ("S21.G00.40.005/CCH-14", "643a", "C643 L643")]:
    _contract_rule(_code, "S21.G00.40.005",
                   lambda ctx, t, _, p=words(_pcs), c=words(_complements):
                   isin(t, "S21.G00.40.004", p) != isin(t, "S21.G00.40.005", c), ("S21.G00.40.004",))

# Rubriques required if and only if a condition holds.
for _code, _rubrique, _condition in [
        ("S21.G00.40.030/CCH-11", "S21.G00.40.030", lambda t: isin(t, "S21.G00.40.029", ["03", "04"])),
        ("S21.G00.40.033/CCH-11", "S21.G00.40.033", lambda t: isin(t, "S21.G00.40.029", ["02"])),
        ("S21.G00.40.042/CCH-11", "S21.G00.40.042", lambda t: isin(t, "S21.G00.40.018", ["300"])),
        ("S21.G00.40.054/CCH-11", "S21.G00.40.054", lambda t: isin(t, "S21.G00.40.053", ["02"])),
        ("S21.G00.40.063/CCH-11", "S21.G00.40.063", lambda t: has(t, "S21.G00.40.062")),
        ("S21.G00.40.066/CCH-11", "S21.G00.40.066", lambda t: isin(t, "S21.G00.40.007", ["20", "21"])),
        ("S21.G00.40.076/CCH-11", "S21.G00.40.076", lambda t: isin(t, "S21.G00.40.007", ["93"]))]:
    _contract_rule(_code, _rubrique, lambda ctx, t, _, r=_rubrique, c=_condition: c(t) != has(t, r))

# Rubriques required when a condition holds.
for _code, _rubrique, _condition in [
        ("S21.G00.40.010/CCH-12", "S21.G00.40.010", lambda t: isin(t, "S21.G00.40.007", words("02 03 10 29 70 92"))),
        ("S21.G00.40.027/CCH-12", "S21.G00.40.027",
         lambda t: has(t, "S21.G00.40.033") & ~truth(t["S21.G00.40.033"].str.startswith("C"))),
        ("S21.G00.40.046/CCH-11", "S21.G00.40.046", lambda t: isin(t, "S21.G00.40.007", ["03"])),
        ("S21.G00.40.046/CCH-12", "S21.G00.40.046", lambda t: isin(t, "S21.G00.40.007", ["08"]))]:
    _contract_rule(_code, _rubrique, lambda ctx, t, _, r=_rubrique, c=_condition: c(t) & ~has(t, r),
                   ("S21.G00.40.007",))

# Rubriques forbidden when a condition holds.
for _code, _rubrique, _condition in [
        ("S21.G00.40.027/CCH-11", "S21.G00.40.027", lambda t: differs(t, "S21.G00.40.029", ["02"])),
        ("S21.G00.40.031/CCH-11", "S21.G00.40.031", lambda t: isin(t, "S21.G00.40.029", ["01", "02", "04", "05"])),
        ("S21.G00.40.032/CCH-11", "S21.G00.40.032", lambda t: differs(t, "S21.G00.40.029", ["02"])),
        ("S21.G00.40.050/CCH-11", "S21.G00.40.050", lambda t: ~isin(t, "S21.G00.40.007", ["02", "10"])),
        ("S21.G00.40.053/CCH-11", "S21.G00.40.053",
         lambda t: isin(t, "S21.G00.40.026", [NOT_CONCERNED]) & differs(t, "S21.G00.40.020", [SNCF])),
        ("S21.G00.40.075/CCH-11", "S21.G00.40.075", lambda t: differs(t, "S21.G00.40.020", ["136"]))]:
    _contract_rule(_code, _rubrique, lambda ctx, t, _, r=_rubrique, c=_condition: has(t, r) & c(t))

# Values allowed only under a condition.
for _code, _rubrique, _values, _allowed, _related in [
        ("S21.G00.40.003/CCH-11", "S21.G00.40.003", ["01"], lambda t: isin(t, "S21.G00.40.002", ["03", "04", "08"]),
         ("S21.G00.40.002",)),
        ("S21.G00.40.005/CCH-19", "S21.G00.40.005", ["S001"], lambda t: isin(t, "S21.G00.40.004", ["424a"]),
         ("S21.G00.40.004",)),
        ("S21.G00.40.011/CCH-11", "S21.G00.40.011", ["31"], lambda t: isin(t, "S21.G00.40.004", ["352a"]),
         ("S21.G00.40.004",)),
        ("S21.G00.40.014/CCH-11", "S21.G00.40.014", ["40", "41", "42"],
         lambda t: ~isin(t, "S21.G00.40.026", [NOT_CONCERNED]) | ~differs(t, "S21.G00.40.020", [SNCF]),
         ("S21.G00.40.026", "S21.G00.40.020")),
        ("S21.G00.40.020/CCH-12", "S21.G00.40.020", ["120"],
         lambda t: ~isin(t, "S21.G00.40.007", words("01 02 03 07 08 09 10 29 32 60 70 80 81 82 89 90 91 92 93")),
         ("S21.G00.40.007",)),
        ("S21.G00.40.021/CCH-12", "S21.G00.40.021", ["11"],
         lambda t: isin(t, "S21.G00.40.007", ["03"]) | isin(t, "S21.G00.40.008", ["64", "65", "81"]),
         ("S21.G00.40.007", "S21.G00.40.008")),
        ("S21.G00.40.021/CCH-13", "S21.G00.40.021", ["14"], lambda t: isin(t, "S21.G00.40.007", ["92"]),
         ("S21.G00.40.007",)),
        ("S21.G00.40.029/CCH-11", "S21.G00.40.029", ["05"], lambda t: isin(t, "S21.G00.40.008", ["81"]),
         ("S21.G00.40.008",)),
        ("S21.G00.40.039/CCH-11", "S21.G00.40.039", ["300"],
         lambda t: truth(t["S21.G00.40.040"].str.startswith("RA")) | isin(t, "S21.G00.40.040", ["999ZZ"]),
         ("S21.G00.40.040",))]:
    _contract_rule(_code, _rubrique, lambda ctx, t, _, r=_rubrique, v=_values, a=_allowed: isin(t, r, v) & ~a(t),
                   _related)


def _retirement_scheme(ctx, t: pd.DataFrame, schemes: list[str]) -> np.ndarray:
    """Contracts with a retraite complémentaire block (S21.G00.71) of one of ``schemes``."""
    ret = ctx.text(RETRAITE)
    return t["id"].isin(ret.loc[isin(ret, "S21.G00.71.002", schemes), "parent_id"]).to_numpy(dtype=bool)


def _workplace_known(ctx, t: pd.DataFrame, code: str) -> np.ndarray:
    """Contracts whose ``code`` (a SIRET) is declared in a work place block (S21.G00.85.001) of the déclaration."""
    places = ctx.text(LIEU)
    return pairs_in(t["declaration_id"], t[code], places["declaration_id"], places["S21.G00.85.001"])


def _ended_before_month(ctx, c: pd.DataFrame) -> np.ndarray:
    """Contracts with an end (S21.G00.62, not an annulment 099) before the main month."""
    fin = ctx.table(FIN)
    ended = truth(fin["S21.G00.62.001"] < month_start(ctx, fin)) & ~isin(fin, "S21.G00.62.002", ["099"])
    return c["id"].isin(fin.loc[ended, "parent_id"]).to_numpy(dtype=bool)


def _pay_of_contract(ctx, c: pd.DataFrame, where: np.ndarray | None = None) -> np.ndarray:
    """Contracts with a rémunération (S21.G00.51, optionally selected by ``where``) bearing their number."""
    pay = ctx.text(REMUNERATION)
    rows = pay if where is None else pay[where]
    return pairs_in(c["individu_id"], c["S21.G00.40.009"], rows["individu_id"], rows["S21.G00.51.010"])


_contract_rule("S21.G00.40.003/CCH-16", "S21.G00.40.003",
               lambda ctx, t, _: isin(t, "S21.G00.40.003", ["01", "02"]) & differs(t, "S21.G00.40.020", [SNCF]) &
               ~_retirement_scheme(ctx, t, ["RETC", "RUAA", "CNBF"]) & allowed(ctx, t, RETRAITE))
_contract_rule("S21.G00.40.003/CCH-17", "S21.G00.40.003",
               lambda ctx, t, _: isin(t, "S21.G00.40.003", ["04"]) & differs(t, "S21.G00.40.002", ["04"]) &
               differs(t, "S21.G00.40.020", [SNCF]) & ~_retirement_scheme(ctx, t, ["RETA", "RUAA"]) &
               allowed(ctx, t, RETRAITE), ("S21.G00.40.002",))
_contract_rule("S21.G00.40.009/CCH-12", "S21.G00.40.009",
               lambda ctx, t, _: has(t, "S21.G00.40.009") &
               t.duplicated(["individu_id", "S21.G00.40.009"], keep=False).to_numpy(dtype=bool))
_contract_rule("S21.G00.40.009/CCH-13", "S21.G00.40.009",
               lambda ctx, t, _: has(t, "S21.G00.40.009") & ~_pay_of_contract(ctx, t) &
               allowed(ctx, t, "S21.G00.50") & allowed(ctx, t, REMUNERATION))
_contract_rule("S21.G00.40.009/CCH-15", "S21.G00.40.009",
               lambda ctx, t, _: isin(t, "S21.G00.40.007", ["03"]) & matches(t, "S21.G00.40.009", "0+"),
               ("S21.G00.40.007",))
_contract_rule("S21.G00.40.010/CCH-11", "S21.G00.40.010",
               lambda ctx, t, c: truth(c["S21.G00.40.010"] < c["S21.G00.40.001"]), ("S21.G00.40.001",))
_contract_rule("S21.G00.40.011/CCH-12", "S21.G00.40.011",
               lambda ctx, t, c: isin(t, "S21.G00.40.011", ["12", "20"]) &
               (truth(c["S21.G00.40.012"] > Decimal(31)) | truth(c["S21.G00.40.013"] > Decimal(31))),
               ("S21.G00.40.012", "S21.G00.40.013"))
_contract_rule("S21.G00.40.011/CCH-13", "S21.G00.40.011",
               lambda ctx, t, c: isin(t, "S21.G00.40.011", ["10", "21"]) &
               (truth(c["S21.G00.40.012"] > Decimal(250)) | truth(c["S21.G00.40.013"] > Decimal(250))),
               ("S21.G00.40.012", "S21.G00.40.013"))
_contract_rule("S21.G00.40.011/CCH-15", "S21.G00.40.011",
               lambda ctx, t, _: isin(t, "S21.G00.40.011", ["10", "12"]) & ~_ended_before_month(ctx, t) &
               ~_pay_of_contract(ctx, t, ctx.text(REMUNERATION)["id"].isin(ctx.text(ACTIVITE)["parent_id"])
                                 .to_numpy(dtype=bool)) & allowed(ctx, t, "S21.G00.50"))
_contract_rule("S21.G00.40.012/CCH-11", "S21.G00.40.012",
               lambda ctx, t, c: truth(pd.to_numeric(t["S21.G00.40.011"], errors="coerce") <= 21) &
               truth(c["S21.G00.40.012"] == 0), ("S21.G00.40.011",))
_contract_rule("S21.G00.40.018/CCH-14", "S21.G00.40.018",
               lambda ctx, t, _: has(t, "S21.G00.40.018") &
               (isin(t, "S21.G00.40.018", ["300"]) != truth(of_envoi(ctx, t, "S10.G00.00.007") == "02")))
_contract_rule("S21.G00.40.019/CCH-11", "S21.G00.40.019",
               lambda ctx, t, _: has(t, "S21.G00.40.019") & truth(t["S21.G00.40.019"] != siret(ctx, t)) &
               ~_workplace_known(ctx, t, "S21.G00.40.019"))
_contract_rule("S21.G00.40.019/CCH-12", "S21.G00.40.019",
               lambda ctx, t, _: isin(t, "S21.G00.40.007", ["03"]) &
               ~truth(t["S21.G00.40.019"] != siret(ctx, t)), ("S21.G00.40.007",))
_contract_rule("S21.G00.40.033/CCH-12", "S21.G00.40.033",
               lambda ctx, t, c: truth(c["S21.G00.40.032"] < pd.Timestamp(2010, 1, 1)) &
               ~matches(t, "S21.G00.40.033", "C.{3}"), ("S21.G00.40.032",))
_contract_rule("S21.G00.40.040/CCH-11", "S21.G00.40.040",
               lambda ctx, t, _: isin(t, "S21.G00.40.039", ["147"]) & ~has(t, "S21.G00.40.046") &
               ~isin(t, "S21.G00.40.040", ["401ZE"]), ("S21.G00.40.039",))
_contract_rule("S21.G00.40.040/CCH-12", "S21.G00.40.040",
               lambda ctx, t, _: isin(t, "S21.G00.40.039", ["200", "402"]) & has(t, "S21.G00.40.046") &
               ~isin(t, "S21.G00.40.040", ["745BD", "745BE"]), ("S21.G00.40.039", "S21.G00.40.046"))
_contract_rule("S21.G00.40.040/CCH-15", "S21.G00.40.040",
               lambda ctx, t, _: truth(t["S21.G00.40.040"].str.startswith("RA")) & ~isin(t, "S21.G00.40.039", ["300"]),
               ("S21.G00.40.039",))
_contract_rule("S21.G00.40.046/CCH-13", "S21.G00.40.046",
               lambda ctx, t, _: has(t, "S21.G00.40.046") & ~_workplace_known(ctx, t, "S21.G00.40.046"))
_contract_rule("S21.G00.40.074/CCH-11", "S21.G00.40.074",
               lambda ctx, t, _: isin(t, "S21.G00.40.074", ["03"]) & ~truth(t["S21.G00.40.019"] != siret(ctx, t)),
               ("S21.G00.40.019",))


@rule("S21.G00.40.001/CCH-13", scope="block", test=TEST)
def start_before_end(ctx):
    contrat, fin = ctx.table(CONTRAT), ctx.table(FIN)
    real = ~isin(fin, "S21.G00.62.002", ["099"])
    last_end = fin[real].groupby("parent_id")["S21.G00.62.001"].max()
    end = pd.Series(last_end.reindex(contrat["id"].to_numpy()).to_numpy(), index=contrat.index)
    lines = to_lines(contrat, "id", lines_by(fin, "parent_id", real, "S21.G00.62.001"))
    return findings(ctx, CONTRAT, truth(contrat["S21.G00.40.001"] > end), "S21.G00.40.001", lines=lines)


@rule("S21.G00.40.001/CCH-15", scope="block", test=TEST)
def start_after_birth(ctx):
    contrat = ctx.table(CONTRAT)
    text = lookup(contrat, "individu_id", ctx.text(INDIVIDU), "S21.G00.30.006").astype(pd.StringDtype())
    known = text.str.slice(0, 4).str.replace("99", "01") + text.str.slice(4, 8)  # unknown day or month: the 1st
    birth = pd.to_datetime(known, format="%d%m%Y", errors="coerce")
    return findings(ctx, CONTRAT, truth(contrat["S21.G00.40.001"] <= birth), "S21.G00.40.001")


@rule("S21.G00.40.078/CCH-11", scope="block", test=TEST)
def partial_activity_hours(ctx):
    contrat, pay = ctx.text(CONTRAT), ctx.table(REMUNERATION)
    hours = isin(pay, "S21.G00.51.011", ["019"]) & truth(pay["S21.G00.51.012"] > 0)
    bad = has(contrat, "S21.G00.40.078") & ~contrat["individu_id"].isin(pay.loc[hours, "individu_id"]).to_numpy(bool)
    return findings(ctx, CONTRAT, bad, "S21.G00.40.078")


@rule("S21.G00.40.078/CCH-12", scope="block", test=TEST)
def partial_activity_suspension(ctx):
    contrat, susp = ctx.text(CONTRAT), ctx.text(SUSPENSION)
    unemployed = isin(susp, "S21.G00.65.001", ["602"]) & has(susp, "S21.G00.65.002")
    bad = has(contrat, "S21.G00.40.078") & \
        ~contrat["individu_id"].isin(susp.loc[unemployed, "individu_id"]).to_numpy(dtype=bool)
    return findings(ctx, CONTRAT, bad, "S21.G00.40.078")


def _changes(ctx) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The change blocks with masks: some identifying data changed; some modality changed."""
    change = ctx.text(CHANGEMENT_CONTRAT)
    codes = [r.code for r in ctx.catalog.rubriques_of(CHANGEMENT_CONTRAT)]
    modalities = [c for c in codes if c not in (*IDENTIFYING, "S21.G00.41.001", "S21.G00.41.028")]
    identifying = change[[c for c in IDENTIFYING if c in change]].notna().any(axis=1).to_numpy(dtype=bool)
    return change, identifying, change[modalities].notna().any(axis=1).to_numpy(dtype=bool)


@rule("S21.G00.41.001/CCH-12", scope="block", test=TEST)
def change_not_only_date(ctx):
    change, identifying, modality = _changes(ctx)
    bad = ~identifying & ~modality & ~has(change, "S21.G00.41.028")
    return findings(ctx, CHANGEMENT_CONTRAT, bad, "S21.G00.41.001")


@rule("S21.G00.41.001/CCH-14", scope="block", test=TEST)
def change_not_only_date_and_depth(ctx):
    change, identifying, modality = _changes(ctx)
    bad = ~identifying & ~modality & has(change, "S21.G00.41.028")
    return findings(ctx, CHANGEMENT_CONTRAT, bad, "S21.G00.41.001", related=["S21.G00.41.028"])


@rule("S21.G00.41.001/CCH-15", scope="block", test=TEST)
def change_date_within_month(ctx):
    change = ctx.table(CHANGEMENT_CONTRAT)
    return findings(ctx, CHANGEMENT_CONTRAT, truth(change["S21.G00.41.001"] > month_end(ctx, change)),
                    "S21.G00.41.001")


@rule("S21.G00.41.001/CCH-16", scope="block", test=TEST)
def identifying_and_modality_apart(ctx):
    _change, identifying, modality = _changes(ctx)
    return findings(ctx, CHANGEMENT_CONTRAT, identifying & modality, "S21.G00.41.001", related=IDENTIFYING)


@rule("S21.G00.41.028/CCH-12", scope="block", test=TEST)
def no_depth_for_identifying_change(ctx):
    change, identifying, _modality = _changes(ctx)
    return findings(ctx, CHANGEMENT_CONTRAT, has(change, "S21.G00.41.028") & identifying, "S21.G00.41.028",
                    related=IDENTIFYING)


def _contract_start(ctx, change: pd.DataFrame) -> pd.Series:
    return lookup(change, "parent_id", ctx.table(CONTRAT), "S21.G00.40.001")


@rule("S21.G00.41.028/CCH-13", scope="block", test=TEST)
def depth_on_month_start(ctx):
    change = ctx.table(CHANGEMENT_CONTRAT)
    depth = change["S21.G00.41.028"]  # a date column: NaT where absent, whose day (NaN) differs from 1
    bad = has(change, "S21.G00.41.028") & truth(depth.dt.day != 1) & ~truth(depth == _contract_start(ctx, change))
    return findings(ctx, CHANGEMENT_CONTRAT, bad, "S21.G00.41.028")


@rule("S21.G00.41.028/CCH-14", scope="block", test=TEST)
def depth_after_contract_start(ctx):
    change = ctx.table(CHANGEMENT_CONTRAT)
    bad = truth(change["S21.G00.41.028"] < _contract_start(ctx, change))
    return findings(ctx, CHANGEMENT_CONTRAT, bad, "S21.G00.41.028")


@rule("S21.G00.41.028/CCH-15", scope="block", test=TEST)
def depth_before_change(ctx):
    change = ctx.table(CHANGEMENT_CONTRAT)
    bad = truth(change["S21.G00.41.028"] > change["S21.G00.41.001"])
    return findings(ctx, CHANGEMENT_CONTRAT, bad, "S21.G00.41.028", related=["S21.G00.41.001"])
