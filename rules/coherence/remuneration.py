"""Coherence controls of the pay blocks: versement individu (S21.G00.50), rémunération (51), prime (52),
activité (53), autre élément brut (54), régularisation PAS (56), élément de revenu net (58)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..registry import rule
from .conditions import (CONTRAT, ETABLISSEMENT, FCTU, MENSUELLES, by_id, contract_by_number, contract_end, day,
                         declaration_attribute, declarations, end_of_contract, found, has, isin, later_duplicates,
                         missing_child, nature_in, nonzero, num, previous_numbers, table, truth, txt)

# ---------------------------------------------------------------------------------------------------------
# S21.G00.50 Versement individu

VERSEMENT, REMUNERATION, PRIME, ACTIVITE, AUTRE_BRUT, REGUL_PAS, NET = (
    "S21.G00.50", "S21.G00.51", "S21.G00.52", "S21.G00.53", "S21.G00.54", "S21.G00.56", "S21.G00.58")
TEST = "tests/rules/coherence/test_remuneration.py::"


def _net_social_missing(ctx, versement: pd.DataFrame) -> pd.Series:
    """True for the versements of a non-Monaco establishment without a 58 of type 03 (montant net social)."""
    etab = ctx.table(ETABLISSEMENT)
    postcode = versement["etablissement_id"].map(pd.Series(txt(etab, "S21.G00.11.004").to_numpy(),
                                                           index=etab["id"].to_numpy()))
    not_monaco = truth(postcode.notna() & ~postcode.astype("string").str.startswith("98").fillna(True))
    net = table(ctx, NET)
    return pd.Series(not_monaco, index=versement.index) & missing_child(
        versement, net, "versement_individu_id", isin(net, "S21.G00.58.003", ["03"]) if len(net) else None)


@rule("S21.G00.50.001/CCH-13", scope="block", test=TEST + "test_fails")
def payment_after_next_month(ctx):
    versement = ctx.table(VERSEMENT)
    return found(ctx, VERSEMENT, versement,
                 day(versement, "S21.G00.50.001") > declaration_attribute(ctx, versement, "next_month_end"),
                 "S21.G00.50.001")


@rule("S21.G00.50.001/CCH-14", scope="block", test=TEST + "test_fails")
def net_social_current_month(ctx):
    versement = ctx.table(VERSEMENT)
    paid = day(versement, "S21.G00.50.001")
    month_end = declaration_attribute(ctx, versement, "month_end")
    late = pd.Series(truth(paid > month_end), index=versement.index)
    shifted = late.groupby(versement["individu_id"]).transform("any")
    return found(ctx, VERSEMENT, versement, truth(paid >= declaration_attribute(ctx, versement, "month_start"))
                 & ~shifted & _net_social_missing(ctx, versement), "S21.G00.50.001")


@rule("S21.G00.50.001/CCH-15", scope="block", test=TEST + "test_fails")
def net_social_shifted_pay(ctx):
    versement = ctx.table(VERSEMENT)
    late = truth(day(versement, "S21.G00.50.001") > declaration_attribute(ctx, versement, "month_end"))
    return found(ctx, VERSEMENT, versement, late & _net_social_missing(ctx, versement), "S21.G00.50.001")


@rule("S21.G00.50.003/CCH-11", scope="block", test=TEST + "test_fails")
def duplicate_payment_number(ctx):
    versement = ctx.table(VERSEMENT)
    numbered = has(versement, "S21.G00.50.003")
    twice = later_duplicates(versement, [versement["individu_id"], txt(versement, "S21.G00.50.003")])
    return found(ctx, VERSEMENT, versement, numbered & twice, "S21.G00.50.003")


@rule("S21.G00.50.003/CCH-12", scope="block", test=TEST + "test_fails")
def payment_number_required(ctx):
    versement = ctx.table(VERSEMENT)
    several = versement.groupby("individu_id")["id"].transform("size") > 1
    return found(ctx, VERSEMENT, versement, several & ~has(versement, "S21.G00.50.003"), "S21.G00.50.003")


@rule("S21.G00.50.007/CCH-11", scope="block", test=TEST + "test_fails")
def no_pas_rate_for_old_overpayment(ctx):
    versement = ctx.table(VERSEMENT)
    nonzero = truth(num(versement, "S21.G00.50.006").fillna(0) != 0) | truth(
        num(versement, "S21.G00.50.009").fillna(0) != 0)
    return found(ctx, VERSEMENT, versement, isin(versement, "S21.G00.50.007", ["99"]) & nonzero, "S21.G00.50.007")


@rule("S21.G00.50.008/CCH-11", scope="block", test=TEST + "test_fails")
def pas_rate_id_iff_dgfip_rate(ctx):
    versement = ctx.table(VERSEMENT)
    return found(ctx, VERSEMENT, versement,
                 isin(versement, "S21.G00.50.007", ["01"]) != has(versement, "S21.G00.50.008"), "S21.G00.50.008")


@rule("S21.G00.50.009/CCH-11", scope="block", test=TEST + "test_fails")
def pas_amount_is_rate_times_base(ctx):
    versement = ctx.table(VERSEMENT)
    expected = num(versement, "S21.G00.50.013") * num(versement, "S21.G00.50.006") / 100
    gap = (num(versement, "S21.G00.50.009") - expected).abs()
    return found(ctx, VERSEMENT, versement, truth(gap > 1.0), "S21.G00.50.009")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.51 Rémunération

GROSS_TYPES = ("001", "002")
REQUIRED_TYPES = ("001", "002", "003", "010")


def _remuneration(ctx, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rémunération table and, per row, ``codes`` of the contract its number (51.010) designates."""
    rem = ctx.table(REMUNERATION)
    return rem, contract_by_number(ctx, REMUNERATION, codes)


def _in_month(ctx, frame: pd.DataFrame, dates: pd.Series) -> np.ndarray:
    return truth(dates >= declaration_attribute(ctx, frame, "month_start")) & truth(
        dates <= declaration_attribute(ctx, frame, "month_end"))


@rule("S21.G00.51.001/CCH-11", scope="block", test=TEST + "test_fails")
def pay_period_before_contract(ctx):
    rem, contract = _remuneration(ctx, ["S21.G00.40.001"])
    start = day(rem, "S21.G00.51.001")
    gross = isin(rem, "S21.G00.51.011", GROSS_TYPES) & nonzero(rem, "S21.G00.51.013")
    early = truth(start < pd.to_datetime(contract["S21.G00.40.001"]) - pd.Timedelta(days=2))
    return found(ctx, REMUNERATION, rem, gross & _in_month(ctx, rem, start) & early, "S21.G00.51.001")


@rule("S21.G00.51.002/CCH-11", scope="block", test=TEST + "test_fails")
def pay_period_order(ctx):
    rem = ctx.table(REMUNERATION)
    return found(ctx, REMUNERATION, rem, day(rem, "S21.G00.51.002") < day(rem, "S21.G00.51.001"), "S21.G00.51.002")


@rule("S21.G00.51.002/CCH-13", scope="block", test=TEST + "test_fails")
def pay_period_after_contract_end(ctx):
    rem, contract = _remuneration(ctx, [])
    end = day(rem, "S21.G00.51.002")
    contract_end_day = pd.to_datetime(by_id(contract["contrat_id"], contract_end(ctx)["effective_end"]))
    gross = isin(rem, "S21.G00.51.011", GROSS_TYPES) & nonzero(rem, "S21.G00.51.013")
    late = truth(end > contract_end_day + pd.Timedelta(days=2))
    return found(ctx, REMUNERATION, rem, gross & _in_month(ctx, rem, end) & late, "S21.G00.51.002")


@rule("S21.G00.51.010/CCH-11", scope="block", test=TEST + "test_fails")
def pay_contract_exists(ctx):
    rem, contract = _remuneration(ctx, [])
    unknown = has(rem, "S21.G00.51.010") & contract["contrat_id"].isna()
    return found(ctx, REMUNERATION, rem, nature_in(ctx, rem, MENSUELLES) & unknown, "S21.G00.51.010")


def _unknown_in_fctu(ctx, frame: pd.DataFrame, number: str, contract: pd.DataFrame) -> np.ndarray:
    if FCTU not in set(declarations(ctx)["nature"]):
        return np.zeros(len(frame), dtype=bool)
    previous = previous_numbers(ctx)
    in_previous = np.array([(i, n) in previous for i, n in zip(frame["individu_id"], txt(frame, number))], dtype=bool)
    return truth(nature_in(ctx, frame, [FCTU]) & has(frame, number) & contract["contrat_id"].isna()) & ~in_previous


@rule("S21.G00.51.010/CCH-12", scope="block", test=TEST + "test_fails")
def pay_contract_exists_fctu(ctx):
    rem, contract = _remuneration(ctx, [])
    return found(ctx, REMUNERATION, rem, _unknown_in_fctu(ctx, rem, "S21.G00.51.010", contract), "S21.G00.51.010")


def _missing_types(ctx, natures, required, exclude_natures=()) -> pd.DataFrame:
    """First rémunération of each (versement, contract) pair that lacks one of the ``required`` types."""
    rem, contract = _remuneration(ctx, ["S21.G00.40.007"])
    scope = truth(nature_in(ctx, rem, natures) & contract["contrat_id"].notna()
                  & ~contract["S21.G00.40.007"].isin(list(exclude_natures)))
    rem, contract = rem.loc[scope], contract.loc[scope]
    if rem.empty:
        return found(ctx, REMUNERATION, rem, [], "S21.G00.51.011")
    pair = [rem["versement_individu_id"], contract["contrat_id"]]
    kinds = txt(rem, "S21.G00.51.011")
    present_all = pd.Series(True, index=rem.index)
    for kind in required:
        present_all &= pd.Series((kinds == kind).fillna(False).to_numpy(dtype=bool), index=rem.index).groupby(
            pair).transform("any")
    first = ~later_duplicates(rem, pair)
    return found(ctx, REMUNERATION, rem, first & ~present_all, "S21.G00.51.011")


@rule("S21.G00.51.011/CCH-11", scope="block", test=TEST + "test_fails")
def required_pay_types(ctx):
    return _missing_types(ctx, MENSUELLES, REQUIRED_TYPES, exclude_natures=("93",))


def _service_lines(ctx) -> pd.DataFrame:
    """Maritime service lines (contract nature 93) of mensuelles, one row each with: ``row`` (index in the
    contract table), ``nonzero_002`` (the main contract its 40.076 designates has a non-zero 002 pay; NA when
    that contract has no 002 pay), and ``types`` (the pay types declared for the service line itself)."""
    contrat = ctx.table(CONTRAT)
    if not isin(contrat, "S21.G00.40.007", ["93"]).any():
        return pd.DataFrame({"row": [], "nonzero_002": pd.Series(dtype=bool), "types": []})
    rem = ctx.table(REMUNERATION)
    pay = pd.DataFrame({"individu_id": rem["individu_id"], "number": txt(rem, "S21.G00.51.010"),
                        "kind": txt(rem, "S21.G00.51.011"),
                        "nonzero": truth(num(rem, "S21.G00.51.013").fillna(0) != 0)})
    main_numbers = txt(contrat, "S21.G00.40.009").where(isin(contrat, "S21.G00.40.007", ["91", "92"]))
    mains = pd.DataFrame({"individu_id": contrat["individu_id"], "main": main_numbers}).dropna()
    gross = pay.loc[truth(pay["kind"] == "002")].merge(mains, left_on=["individu_id", "number"],
                                                       right_on=["individu_id", "main"])
    nonzero = gross.groupby(["individu_id", "main"])["nonzero"].any().rename("nonzero_002").reset_index()
    service = truth(nature_in(ctx, contrat, MENSUELLES) & isin(contrat, "S21.G00.40.007", ["93"]))
    lines = pd.DataFrame({"row": contrat.index[service], "individu_id": contrat["individu_id"][service].to_numpy(),
                          "main": txt(contrat, "S21.G00.40.076")[service].to_numpy(),
                          "number": txt(contrat, "S21.G00.40.009")[service].to_numpy()})
    lines = lines.merge(nonzero, on=["individu_id", "main"], how="inner")
    kinds = pay.dropna(subset=["number", "kind"]).groupby(["individu_id", "number"])["kind"].agg(frozenset)
    lines["types"] = [kinds.get((i, n), frozenset()) for i, n in zip(lines["individu_id"], lines["number"])]
    return lines


def _service_line_findings(ctx, bad_rows) -> pd.DataFrame:
    contrat = ctx.table(CONTRAT)
    return found(ctx, CONTRAT, contrat, contrat.index.isin(list(bad_rows)), "S21.G00.40.076").assign(
        rubrique="S21.G00.51.011")


@rule("S21.G00.51.011/CCH-12", scope="block", test=TEST + "test_fails")
def service_line_needs_002(ctx):
    lines = _service_lines(ctx)
    return _service_line_findings(ctx, lines.loc[lines["nonzero_002"] & ~lines["types"].map(
        lambda t: "002" in t).astype(bool), "row"])


@rule("S21.G00.51.011/CCH-13", scope="block", test=TEST + "test_fails")
def service_line_needs_all_types(ctx):
    lines = _service_lines(ctx)
    return _service_line_findings(ctx, lines.loc[~lines["nonzero_002"] & ~lines["types"].map(
        lambda t: set(REQUIRED_TYPES) <= t).astype(bool), "row"])


@rule("S21.G00.51.011/CCH-15", scope="block", test=TEST + "test_fails")
def required_pay_types_fctu(ctx):
    return _missing_types(ctx, [FCTU], ("001", "002", "010"))


def _typed_after_2024(ctx, kind: str) -> pd.DataFrame:
    rem = ctx.table(REMUNERATION)
    since = pd.Timestamp(2024, 1, 1)
    recent = truth(day(rem, "S21.G00.51.001") >= since) | truth(day(rem, "S21.G00.51.002") >= since)
    return found(ctx, REMUNERATION, rem, nature_in(ctx, rem, MENSUELLES) & isin(rem, "S21.G00.51.011", [kind])
                 & recent, "S21.G00.51.011")


@rule("S21.G00.51.011/CCH-16", scope="block", test=TEST + "test_fails")
def exempt_overtime_moved_to_58(ctx):
    return _typed_after_2024(ctx, "026")


@rule("S21.G00.51.011/CCH-17", scope="block", test=TEST + "test_fails")
def net_social_moved_to_58(ctx):
    return _typed_after_2024(ctx, "027")


@rule("S21.G00.51.012/CCH-12", scope="block", test=TEST + "test_fails")
def zero_hours_forbidden(ctx):
    rem = ctx.table(REMUNERATION)
    return found(ctx, REMUNERATION, rem, isin(rem, "S21.G00.51.011", REQUIRED_TYPES)
                 & truth(num(rem, "S21.G00.51.012") == 0), "S21.G00.51.012")


@rule("S21.G00.51.014/CCH-11", scope="block", test=TEST + "test_fails")
def public_rate_needs_status(ctx):
    rem, contract = _remuneration(ctx, ["S21.G00.40.026"])
    return found(ctx, REMUNERATION, rem, has(rem, "S21.G00.51.014")
                 & truth(contract["S21.G00.40.026"].astype("string") == "99"), "S21.G00.51.014")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.52 Prime, gratification et indemnité

LAYOFF_MOTIFS = ("011", "012", "014", "015", "020", "025", "026", "082", "086", "087", "089", "091", "092", "093",
                 "098", "099", "111", "112", "113", "114", "115", "117")
CONCILIATION_MOTIFS = ("011", "012", "014", "015", "020", "025", "026", "065", "082", "086", "087", "088", "089",
                       "091", "092", "093", "098", "099", "113", "114", "115", "117")
# prime types → end-of-contract motifs allowed with them, when the contract has an S21.G00.62
PRIME_MOTIFS = {
    "S21.G00.52.001/CCH-21": (("001",), ("043", "110", "099")),
    "S21.G00.52.001/CCH-22": (("003", "004"), ("038", "099")),
    "S21.G00.52.001/CCH-23": (("005", "006"), ("039", "059", "099")),
    "S21.G00.52.001/CCH-24": (("007", "008", "009", "010"), LAYOFF_MOTIFS),
    "S21.G00.52.001/CCH-27": (("016",), ("081", "084", "097", "099")),
    "S21.G00.52.001/CCH-29": (("032",), ("033", "091", "092", "099")),
    "S21.G00.52.001/CCH-31": (("033",), CONCILIATION_MOTIFS),
}
STATE_FUNDED_FORBIDDEN = ("01", "02", "03", "07", "08", "60", "82", "91", "92")
SPECIFIC_PERIOD_PRIMES = ("026", "027", "029")


def _prime(ctx, codes: list[str], kinds=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The primes (only those of ``kinds`` when given) and ``codes`` of the contract their 52.006 designates."""
    prime = ctx.table(PRIME)
    if kinds is None:
        return prime, contract_by_number(ctx, PRIME, codes)
    kept = isin(prime, "S21.G00.52.001", kinds)
    return prime.loc[kept], contract_by_number(ctx, PRIME, codes, kept)


@rule("S21.G00.52.001/CCH-11", scope="block", test=TEST + "test_fails")
def end_indemnity_once(ctx):
    prime = ctx.table(PRIME)
    kind = txt(prime, "S21.G00.52.001")
    end_types = kind.isin([f"{n:03d}" for n in range(1, 26)]).astype(bool)
    twice = later_duplicates(prime, [prime["versement_individu_id"], txt(prime, "S21.G00.52.006"), kind])
    return found(ctx, PRIME, prime, end_types & twice, "S21.G00.52.001")


@rule("S21.G00.52.001/CCH-20", scope="block", test=TEST + "test_fails")
def special_and_specific_layoff(ctx):
    prime = ctx.table(PRIME)
    kind = txt(prime, "S21.G00.52.001")
    group = [prime["individu_id"], txt(prime, "S21.G00.52.006").fillna("")]
    has009 = pd.Series(truth(kind == "009"), index=prime.index).groupby(group).transform("any")
    return found(ctx, PRIME, prime, truth(kind == "010") & has009, "S21.G00.52.001")


def _prime_motif_check(code: str, kinds, motifs):
    def check(ctx):
        prime, contract = _prime(ctx, [], kinds)
        motif = end_of_contract(ctx, contract, "motif")
        wrong = truth(motif.notna() & ~motif.isin(list(motifs)))
        return found(ctx, PRIME, prime, isin(prime, "S21.G00.52.001", kinds) & wrong, "S21.G00.52.001")
    check.__name__ = "prime_motif_" + code.rsplit("-", 1)[1]
    return check


for _code, (_kinds, _motifs) in PRIME_MOTIFS.items():
    rule(_code, scope="block", test=TEST + "test_fails")(_prime_motif_check(_code, _kinds, _motifs))


@rule("S21.G00.52.001/CCH-32", scope="block", test=TEST + "test_fails")
def state_funded_complement(ctx):
    prime, contract = _prime(ctx, ["S21.G00.40.007"], ["039"])
    return found(ctx, PRIME, prime, isin(prime, "S21.G00.52.001", ["039"])
                 & contract["S21.G00.40.007"].isin(list(STATE_FUNDED_FORBIDDEN)), "S21.G00.52.001")


@rule("S21.G00.52.001/CCH-33", scope="block", test=TEST + "test_fails")
def mission_contract_damages(ctx):
    prime, contract = _prime(ctx, ["S21.G00.40.007"], ["045"])
    nature = contract["S21.G00.40.007"]
    return found(ctx, PRIME, prime, isin(prime, "S21.G00.52.001", ["045"]) & truth(nature.notna() & (nature != "03")),
                 "S21.G00.52.001")


@rule("S21.G00.52.003/CCH-12", scope="block", test=TEST + "test_fails")
def prime_period_start_required(ctx):
    prime = ctx.table(PRIME)
    return found(ctx, PRIME, prime, isin(prime, "S21.G00.52.001", SPECIFIC_PERIOD_PRIMES)
                 & ~has(prime, "S21.G00.52.003"), "S21.G00.52.003")


@rule("S21.G00.52.004/CCH-11", scope="block", test=TEST + "test_fails")
def prime_period_order(ctx):
    prime = ctx.table(PRIME)
    return found(ctx, PRIME, prime, day(prime, "S21.G00.52.004") < day(prime, "S21.G00.52.003"), "S21.G00.52.004")


@rule("S21.G00.52.004/CCH-13", scope="block", test=TEST + "test_fails")
def prime_period_end_required(ctx):
    prime = ctx.table(PRIME)
    return found(ctx, PRIME, prime, isin(prime, "S21.G00.52.001", SPECIFIC_PERIOD_PRIMES)
                 & ~has(prime, "S21.G00.52.004"), "S21.G00.52.004")


@rule("S21.G00.52.006/CCH-11", scope="block", test=TEST + "test_fails")
def prime_contract_exists(ctx):
    prime, contract = _prime(ctx, [])
    unknown = has(prime, "S21.G00.52.006") & contract["contrat_id"].isna()
    return found(ctx, PRIME, prime, nature_in(ctx, prime, ["01"]) & unknown, "S21.G00.52.006")


@rule("S21.G00.52.006/CCH-12", scope="block", test=TEST + "test_fails")
def prime_contract_exists_fctu(ctx):
    prime, contract = _prime(ctx, [])
    return found(ctx, PRIME, prime, _unknown_in_fctu(ctx, prime, "S21.G00.52.006", contract), "S21.G00.52.006")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.53 Activité, S21.G00.54 Autre élément de revenu brut

HOURS, DAYS = ("10", "21"), ("12", "20")
MAX_HOURS, MAX_DAYS = 3250.0, 403.0


def _activity(ctx, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The activité table with its parent rémunération's type and ``codes`` of that rémunération's contract."""
    activity = ctx.table(ACTIVITE)
    parent = ctx.table(REMUNERATION).set_index("id")
    contract = contract_by_number(ctx, ACTIVITE, codes)
    contract["kind"] = activity["remuneration_id"].map(txt(parent, "S21.G00.51.011"))
    return activity, contract


@rule("S21.G00.53.001/CCH-11", scope="block", test=TEST + "test_fails")
def activity_only_under_002(ctx):
    """Under 002 only; a relax override may admit some units under other types (``also_under``)."""
    activity, parent = _activity(ctx, [])
    allowed = truth(parent["kind"] == "002")
    for kind, units in ctx.parameters.get("also_under", {}).items():
        allowed = allowed | (truth(parent["kind"] == kind) & isin(activity, "S21.G00.53.003", units))
    return found(ctx, ACTIVITE, activity, truth(parent["kind"].notna()) & ~allowed, "S21.G00.53.001")


def _measure_without_unit(units, limit):
    def check(ctx):
        activity, contract = _activity(ctx, ["S21.G00.40.011"])
        return found(ctx, ACTIVITE, activity, ~has(activity, "S21.G00.53.003")
                     & contract["S21.G00.40.011"].isin(list(units)) & truth(num(activity, "S21.G00.53.002") > limit),
                     "S21.G00.53.002")
    return check


rule("S21.G00.53.002/CCH-11", scope="block", test=TEST + "test_fails")(_measure_without_unit(HOURS, MAX_HOURS))
rule("S21.G00.53.002/CCH-12", scope="block", test=TEST + "test_fails")(_measure_without_unit(DAYS, MAX_DAYS))


@rule("S21.G00.53.003/CCH-12", scope="block", test=TEST + "test_fails")
def freelance_only_journalists(ctx):
    activity, contract = _activity(ctx, ["S21.G00.40.004"])
    return found(ctx, ACTIVITE, activity, isin(activity, "S21.G00.53.003", ["31"])
                 & truth(contract["S21.G00.40.004"].astype("string") != "352a"), "S21.G00.53.003")


def _measure_with_unit(units, limit):
    def check(ctx):
        activity = ctx.table(ACTIVITE)
        return found(ctx, ACTIVITE, activity, isin(activity, "S21.G00.53.003", units)
                     & truth(num(activity, "S21.G00.53.002") > limit), "S21.G00.53.003")
    return check


rule("S21.G00.53.003/CCH-13", scope="block", test=TEST + "test_fails")(_measure_with_unit(HOURS, MAX_HOURS))
rule("S21.G00.53.003/CCH-14", scope="block", test=TEST + "test_fails")(_measure_with_unit(DAYS, MAX_DAYS))


@rule("S21.G00.53.003/CCH-15", scope="block", test=TEST + "test_fails")
def ceiling_days_only_for_paid_work(ctx):
    activity = ctx.table(ACTIVITE)
    return found(ctx, ACTIVITE, activity, isin(activity, "S21.G00.53.003", ["40"])
                 & truth(txt(activity, "S21.G00.53.001") != "01"), "S21.G00.53.003")


@rule("S21.G00.54.004/CCH-11", scope="block", test=TEST + "test_fails")
def other_gross_period_order(ctx):
    other = ctx.table(AUTRE_BRUT)
    return found(ctx, AUTRE_BRUT, other, day(other, "S21.G00.54.004") < day(other, "S21.G00.54.003"),
                 "S21.G00.54.004")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.56 Régularisation du prélèvement à la source

def _regul(ctx) -> tuple[pd.DataFrame, pd.Series]:
    regul = ctx.table(REGUL_PAS)
    return regul, txt(regul, "S21.G00.56.002")


def _requires(error_types, codes):
    def check(ctx):
        regul, kind = _regul(ctx)
        missing = np.zeros(len(regul), dtype=bool)
        for code in codes:
            missing |= truth(~has(regul, code))
        return found(ctx, REGUL_PAS, regul, truth(kind.isin(list(error_types))) & missing, "S21.G00.56.002")
    return check


def _forbids(error_types, codes):
    def check(ctx):
        regul, kind = _regul(ctx)
        present_any = np.zeros(len(regul), dtype=bool)
        for code in codes:
            present_any |= truth(has(regul, code))
        return found(ctx, REGUL_PAS, regul, truth(kind.isin(list(error_types))) & present_any, "S21.G00.56.002")
    return check


def _error_month(regul: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(txt(regul, "S21.G00.56.001"), format="%m%Y", errors="coerce")


@rule("S21.G00.56.001/CCH-11", scope="block", test=TEST + "test_fails")
def error_month_not_future(ctx):
    regul = ctx.table(REGUL_PAS)
    return found(ctx, REGUL_PAS, regul, _error_month(regul) > pd.to_datetime(declaration_attribute(ctx, regul, "month_start")),
                 "S21.G00.56.001")


rule("S21.G00.56.002/CCH-11", scope="block", test=TEST + "test_fails")(
    _requires(["01"], ["S21.G00.56.003", "S21.G00.56.006", "S21.G00.56.010"]))
rule("S21.G00.56.002/CCH-12", scope="block", test=TEST + "test_fails")(
    _requires(["02"], ["S21.G00.56.005", "S21.G00.56.015"]))
rule("S21.G00.56.002/CCH-13", scope="block", test=TEST + "test_fails")(
    _requires(["03"], ["S21.G00.56.003", "S21.G00.56.006", "S21.G00.56.010"]))
rule("S21.G00.56.002/CCH-15", scope="block", test=TEST + "test_fails")(
    _forbids(["01", "03", "04"], ["S21.G00.56.004", "S21.G00.56.005", "S21.G00.56.015"]))
rule("S21.G00.56.002/CCH-18", scope="block", test=TEST + "test_fails")(
    _forbids(["02"], ["S21.G00.56.003", "S21.G00.56.006", "S21.G00.56.008", "S21.G00.56.009", "S21.G00.56.010"]))
rule("S21.G00.56.002/CCH-26", scope="block", test=TEST + "test_fails")(
    _requires(["04"], ["S21.G00.56.003", "S21.G00.56.010"]))


@rule("S21.G00.56.002/CCH-14", scope="block", test=TEST + "test_fails")
def overpayment_amounts_not_positive(ctx):
    regul, kind = _regul(ctx)
    positive = truth(num(regul, "S21.G00.56.003") > 0) | truth(num(regul, "S21.G00.56.010") > 0)
    return found(ctx, REGUL_PAS, regul, truth(kind == "03") & positive, "S21.G00.56.002")


def _error_year_check(january: bool, years_back: int):
    def check(ctx):
        regul, kind = _regul(ctx)
        month = pd.to_datetime(declaration_attribute(ctx, regul, "month_start"))
        is_january = truth(month.dt.month == 1)
        too_old = truth(_error_month(regul).dt.year < month.dt.year - years_back)
        scope = is_january if january else ~is_january & truth(month.notna())
        return found(ctx, REGUL_PAS, regul, truth(kind.isin(["01", "02"])) & scope & too_old, "S21.G00.56.001")
    return check


rule("S21.G00.56.002/CCH-16", scope="block", test=TEST + "test_fails")(_error_year_check(False, 0))
rule("S21.G00.56.002/CCH-17", scope="block", test=TEST + "test_fails")(_error_year_check(True, 1))


@rule("S21.G00.56.002/CCH-27", scope="block", test=TEST + "test_fails")
def no_pas_regularisation_without_pas(ctx):
    regul, kind = _regul(ctx)
    return found(ctx, REGUL_PAS, regul, truth(kind == "04") & nonzero(regul, "S21.G00.56.007"),
                 "S21.G00.56.007")


def _requires_when_present(trigger: str, codes: list[str]):
    def check(ctx):
        regul = ctx.table(REGUL_PAS)
        missing = np.zeros(len(regul), dtype=bool)
        for code in codes:
            missing |= truth(~has(regul, code))
        return found(ctx, REGUL_PAS, regul, truth(has(regul, trigger)) & missing, trigger)
    return check


rule("S21.G00.56.008/CCH-11", scope="block", test=TEST + "test_fails")(
    _requires_when_present("S21.G00.56.008", ["S21.G00.56.003", "S21.G00.56.010"]))
rule("S21.G00.56.010/CCH-11", scope="block", test=TEST + "test_fails")(
    _requires_when_present("S21.G00.56.010", ["S21.G00.56.003"]))


# ---------------------------------------------------------------------------------------------------------
# S21.G00.58 Elément de revenu calculé en net

@rule("S21.G00.58.002/CCH-11", scope="block", test=TEST + "test_fails")
def net_period_order(ctx):
    net = table(ctx, NET)
    return found(ctx, NET, net, day(net, "S21.G00.58.002") < day(net, "S21.G00.58.001"), "S21.G00.58.002")


@rule("S21.G00.58.002/CCH-12", scope="block", test=TEST + "test_fails")
def net_period_not_after_next_month(ctx):
    net = table(ctx, NET)
    return found(ctx, NET, net, day(net, "S21.G00.58.002") > declaration_attribute(ctx, net, "next_month_end"),
                 "S21.G00.58.002")


@rule("S21.G00.58.002/CCH-13", scope="block", test=TEST + "test_fails")
def net_period_same_year(ctx):
    net = table(ctx, NET)
    return found(ctx, NET, net, truth(day(net, "S21.G00.58.002").dt.year != day(net, "S21.G00.58.001").dt.year)
                 & truth(has(net, "S21.G00.58.001") & has(net, "S21.G00.58.002")), "S21.G00.58.002")


@rule("S21.G00.58.002/CCH-14", scope="block", test=TEST + "test_fails")
def net_period_both_dates(ctx):
    net = table(ctx, NET)
    return found(ctx, NET, net, has(net, "S21.G00.58.001") != has(net, "S21.G00.58.002"), "S21.G00.58.002")
