"""Coherence controls of the sick-leave and suspension blocks: arrêt de travail (S21.G00.60), temps partiel
thérapeutique (S21.G00.66, its only control is a SIG, in signals), autre suspension (S21.G00.65)."""
from __future__ import annotations

import pandas as pd

from ..registry import rule
from .conditions import (MENSUELLES, by_contract_id, day, declaration_attribute, end_of_contract, found, has, isin,
                         model_allows, nature_in, truth, txt)

ARRET, SUSPENSION = "S21.G00.60", "S21.G00.65"
THERAPEUTIC = ("15", "16", "17", "18")
MENSUELLE_OR_FCTU = ("01", "07")
TEST = "tests/rules/coherence/test_arret.py::"

NOT_APPLICABLE: dict[str, str] = {}


def _arret(ctx) -> pd.DataFrame:
    return ctx.table(ARRET)


def _motif(arret: pd.DataFrame) -> pd.Series:
    return txt(arret, "S21.G00.60.001")


def _contract_start(ctx, frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(by_contract_id(ctx, frame, "S21.G00.40.001"))


@rule("S21.G00.60.001/CCH-12", scope="block", test=TEST + "test_fails")
def cancellation_only_in_monthly_or_fctu(ctx):
    arret = _arret(ctx)
    return found(ctx, ARRET, arret, truth(_motif(arret) == "99") & ~nature_in(ctx, arret, MENSUELLE_OR_FCTU),
                 "S21.G00.60.001")


@rule("S21.G00.60.001/CCH-14", scope="block", test=TEST + "test_fails")
def therapeutic_only_in_monthly_or_fctu(ctx):
    arret = _arret(ctx)
    return found(ctx, ARRET, arret, truth(_motif(arret).isin(THERAPEUTIC)) & ~nature_in(ctx, arret, MENSUELLE_OR_FCTU),
                 "S21.G00.60.001")


@rule("S21.G00.60.002/CCH-12", scope="block", test=TEST + "test_fails")
def last_day_before_expected_end(ctx):
    arret = _arret(ctx)
    return found(ctx, ARRET, arret, day(arret, "S21.G00.60.002") > day(arret, "S21.G00.60.003"), "S21.G00.60.002")


@rule("S21.G00.60.002/CCH-13", scope="block", test=TEST + "test_fails")
def last_day_after_contract_start(ctx):
    arret = _arret(ctx)
    applies = (nature_in(ctx, arret, MENSUELLE_OR_FCTU) & ~_motif(arret).isin(["99", *THERAPEUTIC]).astype(bool)
               & ~truth(txt(arret, "S21.G00.60.011") == "02"))
    civil = truth(by_contract_id(ctx, arret, "S21.G00.40.007").astype("string") != "50")
    early = truth(day(arret, "S21.G00.60.002") < _contract_start(ctx, arret))
    return found(ctx, ARRET, arret, applies & civil & early, "S21.G00.60.002")


@rule("S21.G00.60.002/CCH-16", scope="block", test=TEST + "test_fails")
def last_day_in_main_month(ctx):
    arret = _arret(ctx)
    return found(ctx, ARRET, arret, nature_in(ctx, arret, MENSUELLES)
                 & truth(day(arret, "S21.G00.60.002") > declaration_attribute(ctx, arret, "month_end")), "S21.G00.60.002")


@rule("S21.G00.60.002/CCH-17", scope="block", test=TEST + "test_fails")
def last_day_before_contract_end(ctx):
    arret = _arret(ctx)
    end = pd.to_datetime(end_of_contract(ctx, arret, "effective_end"))
    return found(ctx, ARRET, arret, truth(_motif(arret) != "99") & truth(day(arret, "S21.G00.60.002") > end),
                 "S21.G00.60.002")


@rule("S21.G00.60.002/CCH-18", scope="block", test=TEST + "test_fails")
def signalement_last_day_after_contract_start(ctx):
    arret = _arret(ctx)
    early = truth(day(arret, "S21.G00.60.002") < _contract_start(ctx, arret))
    return found(ctx, ARRET, arret, ~nature_in(ctx, arret, MENSUELLE_OR_FCTU) & early, "S21.G00.60.002")


def _iff_subrogation(code: str):
    def check(ctx):
        arret = _arret(ctx)
        return found(ctx, ARRET, arret, isin(arret, "S21.G00.60.004", ["01"]) != has(arret, code), code)
    return check


def _with_subrogation(code: str):
    def check(ctx):
        arret = _arret(ctx)
        return found(ctx, ARRET, arret, isin(arret, "S21.G00.60.004", ["01"]) & ~has(arret, code), code)
    return check


rule("S21.G00.60.005/CCH-11", scope="block", test=TEST + "test_fails")(_iff_subrogation("S21.G00.60.005"))
rule("S21.G00.60.006/CCH-11", scope="block", test=TEST + "test_fails")(_iff_subrogation("S21.G00.60.006"))
rule("S21.G00.60.007/CCH-11", scope="block", test=TEST + "test_fails")(_with_subrogation("S21.G00.60.007"))
rule("S21.G00.60.008/CCH-11", scope="block", test=TEST + "test_fails")(_with_subrogation("S21.G00.60.008"))


@rule("S21.G00.60.006/CCH-12", scope="block", test=TEST + "test_fails")
def subrogation_period_order(ctx):
    arret = _arret(ctx)
    return found(ctx, ARRET, arret, day(arret, "S21.G00.60.006") < day(arret, "S21.G00.60.005"), "S21.G00.60.006")


@rule("S21.G00.60.010/CCH-11", scope="block", test=TEST + "test_fails")
def return_after_start_and_last_day(ctx):
    arret = _arret(ctx)
    back = day(arret, "S21.G00.60.010")
    early = truth(back < _contract_start(ctx, arret)) | truth(back < day(arret, "S21.G00.60.002"))
    return found(ctx, ARRET, arret, early, "S21.G00.60.010")


@rule("S21.G00.60.011/CCH-12", scope="block", test=TEST + "test_fails")
def therapeutic_return_only_in_monthly_or_fctu(ctx):
    arret = _arret(ctx)
    return found(ctx, ARRET, arret, truth(txt(arret, "S21.G00.60.011") == "02")
                 & ~nature_in(ctx, arret, MENSUELLE_OR_FCTU), "S21.G00.60.011")


@rule("S21.G00.60.012/CCH-11", scope="block", test=TEST + "test_fails")
def accident_date_iff_work_related(ctx):
    arret = _arret(ctx)
    mismatch = truth(_motif(arret).isin(["04", "05", "06"])) != truth(has(arret, "S21.G00.60.012"))
    return found(ctx, ARRET, arret, mismatch & truth(model_allows(ctx, arret, "S21.G00.60.012")), "S21.G00.60.012")


@rule("S21.G00.65.002/CCH-11", scope="block", test=TEST + "test_fails")
def suspension_after_contract_start(ctx):
    suspension = ctx.table(SUSPENSION)
    return found(ctx, SUSPENSION, suspension,
                 truth(day(suspension, "S21.G00.65.002") < _contract_start(ctx, suspension)), "S21.G00.65.002")


@rule("S21.G00.65.002/CCH-13", scope="block", test=TEST + "test_fails")
def suspension_before_contract_end(ctx):
    suspension = ctx.table(SUSPENSION)
    end = pd.to_datetime(end_of_contract(ctx, suspension, "effective_end"))
    return found(ctx, SUSPENSION, suspension, truth(txt(suspension, "S21.G00.65.001") != "998")
                 & truth(day(suspension, "S21.G00.65.002") > end), "S21.G00.65.002")


@rule("S21.G00.65.003/CCH-11", scope="block", test=TEST + "test_fails")
def suspension_period_order(ctx):
    suspension = ctx.table(SUSPENSION)
    return found(ctx, SUSPENSION, suspension,
                 day(suspension, "S21.G00.65.003") < day(suspension, "S21.G00.65.002"), "S21.G00.65.003")


@rule("S21.G00.65.004/CCH-11", scope="block", test=TEST + "test_fails")
def secondment_position_iff_secondment(ctx):
    suspension = ctx.table(SUSPENSION)
    return found(ctx, SUSPENSION, suspension, isin(suspension, "S21.G00.65.001", ["655", "674"])
                 != has(suspension, "S21.G00.65.004"), "S21.G00.65.004")
