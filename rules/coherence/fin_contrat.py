"""Coherence controls of the end-of-contract blocks: fin du contrat (S21.G00.62) and préavis (S21.G00.63)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..registry import rule
from .conditions import (CANCELLED_END, FCTU, by_contract_id, by_id, day, found, has, isin, model_allows, nature_in,
                         truth, txt)

FIN, PREAVIS = "S21.G00.62", "S21.G00.63"
TEST = "tests/rules/coherence/test_fin_contrat.py::"

NOT_APPLICABLE: dict[str, str] = {}

_PERMANENT = ("01", "07", "08", "09", "82", "91")
_EARLY_BREAK = {"01": ("61", "64", "65"), "02": None, "03": None, "08": ("64", "65"), "10": None, "53": None,
                "54": None, "60": None, "91": ("61", "64", "65"), "92": None}
_APPRENTICESHIP = {n: ("64", "65") for n in ("01", "03", "08", "91")} | {n: ("64", "65", "81") for n in ("02", "92")}
# S21.G00.62.002/CCH-11: motif → contract natures (40.007) allowed, each with the dispositifs (40.008) it needs
# (None: any dispositif)
MOTIF_NATURES: dict[str, dict[str, tuple[str, ...] | None]] = {
    motif: {n: None for n in natures} for motif, natures in {
        "011": _PERMANENT, "012": _PERMANENT, "014": ("01", "07", "08", "09", "50", "91"),
        "015": ("01", "07", "08", "09", "82"), "020": ("01", "07", "08", "09", "10", "50", "82", "91"),
        "025": ("01", "07", "08", "09", "91"), "026": ("01", "09", "91"), "031": ("02", "10", "60", "92"),
        "033": ("02", "03", "10", "92", "53", "54"),
        "034": ("01", "02", "03", "07", "08", "09", "10", "50", "82", "91", "92"),
        "035": ("01", "02", "03", "07", "08", "09", "10", "50", "82", "91", "92"),
        "038": ("01", "07", "08", "09", "50", "82", "91"), "039": ("01", "07", "08", "09", "50", "82", "91"),
        "043": ("01", "07", "08", "09", "50", "82", "91"), "058": _PERMANENT,
        "059": ("01", "03", "07", "08", "09", "50", "82", "91"),
        "065": ("01", "02", "08", "09", "10", "82", "91", "92"),
        "083": ("01", "02", "03", "09", "10", "91", "92", "53", "54"), "086": _PERMANENT,
        "087": ("01", "07", "08", "09", "50", "82", "91"), "088": ("01", "07", "08", "09", "50", "82", "91"),
        "089": _PERMANENT, "091": ("01", "07", "08", "09", "50", "82", "91"),
        "092": ("01", "07", "08", "09", "50", "82", "91"), "095": ("02", "03", "10", "92"),
        "096": ("02", "03", "10", "92"), "097": ("02", "03", "10", "92"),
        "098": ("01", "02", "09", "10", "91", "92"), "110": ("01", "07", "08", "09", "50", "82", "91"),
        "111": _PERMANENT, "112": _PERMANENT, "113": ("01", "07", "08", "09", "91"),
        "114": ("01", "07", "08", "09", "91"), "115": ("01", "09", "91"), "117": ("01", "09", "91"), "118": ("32",),
        "998": ("01", "02", "03", "07", "08", "09", "10", "91", "92"),
        "999": ("20", "21", "29", "32", "50", "51", "52", "53", "54", "70", "80", "81", "89", "90"),
    }.items()
} | {"036": _EARLY_BREAK, "037": {k: v for k, v in _EARLY_BREAK.items() if k not in ("53", "54")},
     "084": _EARLY_BREAK, "081": _APPRENTICESHIP}
NOTIFICATION_MOTIFS = ("011", "012", "014", "015", "020", "025", "034", "035", "036", "037", "058", "059", "082",
                       "083", "087", "088", "089", "095", "096", "097", "111", "112", "113", "115")
PROCEDURE_MOTIFS = ("011", "012", "014", "015", "020", "026", "086", "087", "088", "089", "091", "092", "093",
                    "111", "112", "113", "114", "115")
NOTICE_TYPES = ("01", "02", "03", "10", "50", "51", "60", "61")
NOT_WORKED_NOTICE = ("02", "03", "10", "50", "51", "61")


def _fin(ctx) -> tuple[pd.DataFrame, pd.Series]:
    fin = ctx.table(FIN)
    return fin, txt(fin, "S21.G00.62.002")


def _contract(ctx, frame: pd.DataFrame, code: str) -> pd.Series:
    """Rubrique ``code`` of each row's contract, as strings: NA stays NA in comparisons (in an object column
    ``NA != "136"`` is True, a missing value would count as a different one)."""
    return by_contract_id(ctx, frame, code).astype(pd.StringDtype())


@rule("S21.G00.62.001/CCH-11", scope="block", test=TEST + "test_fails")
def end_after_agreement_signature(ctx):
    fin, _ = _fin(ctx)
    return found(ctx, FIN, fin, day(fin, "S21.G00.62.001") <= day(fin, "S21.G00.62.004"), "S21.G00.62.001")


@rule("S21.G00.62.002/CCH-11", scope="block", test=TEST + "test_fails")
def motif_allowed_for_contract_nature(ctx):
    fin, motif = _fin(ctx)
    nature = _contract(ctx, fin, "S21.G00.40.007")
    dispositif = _contract(ctx, fin, "S21.G00.40.008")
    wrong = np.zeros(len(fin), dtype=bool)
    for i, (m, n, d) in enumerate(zip(motif.astype("object"), nature, dispositif)):
        allowed = MOTIF_NATURES.get(m) if isinstance(m, str) else None
        if allowed is None or not isinstance(n, str):
            continue
        needs = allowed.get(n, ())
        wrong[i] = n not in allowed or (needs is not None and not (isinstance(d, str) and d in needs))
    return found(ctx, FIN, fin, wrong, "S21.G00.62.002")


@rule("S21.G00.62.002/CCH-12", scope="block", test=TEST + "test_fails")
def no_transfer_motif_in_fctu(ctx):
    fin, motif = _fin(ctx)
    return found(ctx, FIN, fin, nature_in(ctx, fin, [FCTU]) & truth(motif.isin(["100", "116", "998", "999"])),
                 "S21.G00.62.002")


@rule("S21.G00.62.002/CCH-13", scope="block", test=TEST + "test_fails")
def cancellation_only_in_monthly(ctx):
    fin, motif = _fin(ctx)
    return found(ctx, FIN, fin, truth(motif == CANCELLED_END) & ~nature_in(ctx, fin, ["01"]), "S21.G00.62.002")


@rule("S21.G00.62.002/CCH-14", scope="block", test=TEST + "test_fails")
def service_line_end_only_enim(ctx):
    fin, motif = _fin(ctx)
    return found(ctx, FIN, fin, truth(motif == "116") & truth(_contract(ctx, fin, "S21.G00.40.020") != "136"),
                 "S21.G00.62.002")


@rule("S21.G00.62.003/CCH-11", scope="block", test=TEST + "test_fails")
def notification_within_contract(ctx):
    fin, _ = _fin(ctx)
    notified = day(fin, "S21.G00.62.003")
    start = pd.to_datetime(by_contract_id(ctx, fin, "S21.G00.40.001"))
    return found(ctx, FIN, fin, truth(notified < start) | truth(notified > day(fin, "S21.G00.62.001")),
                 "S21.G00.62.003")


def _required_for(motifs, code: str):
    def check(ctx):
        fin, motif = _fin(ctx)
        return found(ctx, FIN, fin, truth(motif.isin(list(motifs))) & ~has(fin, code) & model_allows(ctx, fin, code),
                     code)
    return check


def _iff_motif(motifs, code: str):
    def check(ctx):
        fin, motif = _fin(ctx)
        return found(ctx, FIN, fin, truth(motif.isin(list(motifs))) != has(fin, code), code)
    return check


rule("S21.G00.62.003/CCH-12", scope="block", test=TEST + "test_fails")(
    _required_for(NOTIFICATION_MOTIFS, "S21.G00.62.003"))
rule("S21.G00.62.004/CCH-11", scope="block", test=TEST + "test_fails")(
    _required_for(("043", "110", "111"), "S21.G00.62.004"))
rule("S21.G00.62.005/CCH-12", scope="block", test=TEST + "test_fails")(
    _required_for(PROCEDURE_MOTIFS, "S21.G00.62.005"))
rule("S21.G00.62.011/CCH-11", scope="block", test=TEST + "test_fails")(_iff_motif(("026",), "S21.G00.62.011"))
rule("S21.G00.62.013/CCH-11", scope="block", test=TEST + "test_fails")(
    _required_for(("026", "114"), "S21.G00.62.013"))
rule("S21.G00.62.018/CCH-11", scope="block", test=TEST + "test_fails")(_iff_motif(("114",), "S21.G00.62.018"))


@rule("S21.G00.62.005/CCH-11", scope="block", test=TEST + "test_fails")
def procedure_before_end(ctx):
    fin, _ = _fin(ctx)
    return found(ctx, FIN, fin, day(fin, "S21.G00.62.005") > day(fin, "S21.G00.62.001"), "S21.G00.62.005")


@rule("S21.G00.62.006/CCH-12", scope="block", test=TEST + "test_fails")
def last_paid_day_before_unworked_notice(ctx):
    fin, _ = _fin(ctx)
    notice = ctx.table(PREAVIS)
    unworked = notice.loc[isin(notice, "S21.G00.63.001", NOT_WORKED_NOTICE)]
    last_paid = by_id(unworked["fin_contrat_id"], pd.Series(day(fin, "S21.G00.62.006").to_numpy(), index=fin["id"]))
    bad = unworked.loc[truth(pd.to_datetime(last_paid) >= day(unworked, "S21.G00.63.002")), "fin_contrat_id"]
    return found(ctx, FIN, fin, fin["id"].isin(bad), "S21.G00.62.006")


@rule("S21.G00.62.006/CCH-14", scope="block", test=TEST + "test_fails")
def last_paid_day_for_mission(ctx):
    fin, _ = _fin(ctx)
    return found(ctx, FIN, fin, truth(_contract(ctx, fin, "S21.G00.40.007") == "03") & ~has(fin, "S21.G00.62.006"),
                 "S21.G00.62.006")


@rule("S21.G00.62.006/CCH-15", scope="block", test=TEST + "test_fails")
def last_paid_day_within_contract(ctx):
    fin, motif = _fin(ctx)
    last = day(fin, "S21.G00.62.006")
    start = pd.to_datetime(by_contract_id(ctx, fin, "S21.G00.40.001"))
    after_end = truth(motif != CANCELLED_END) & truth(last > day(fin, "S21.G00.62.001"))
    return found(ctx, FIN, fin, truth(last < start) | after_end, "S21.G00.62.006")


def _usage_contract(ctx, fin: pd.DataFrame) -> np.ndarray:
    return truth(_contract(ctx, fin, "S21.G00.40.007").isin(["02", "10"])) & truth(
        _contract(ctx, fin, "S21.G00.40.021") == "05")


@rule("S21.G00.62.006/CCH-16", scope="block", test=TEST + "test_fails")
def last_paid_day_for_usage_contract(ctx):
    fin, motif = _fin(ctx)
    return found(ctx, FIN, fin, truth(motif != CANCELLED_END) & truth(_contract(ctx, fin, "S21.G00.40.021") == "05")
                 & ~has(fin, "S21.G00.62.006"), "S21.G00.62.006")


@rule("S21.G00.62.017/CCH-11", scope="block", test=TEST + "test_fails")
def usage_contract_end_mode_required(ctx):
    fin, motif = _fin(ctx)
    return found(ctx, FIN, fin, _usage_contract(ctx, fin) & truth(motif != CANCELLED_END) & has(fin, "S21.G00.62.001")
                 & ~has(fin, "S21.G00.62.017"), "S21.G00.62.017")


@rule("S21.G00.62.017/CCH-12", scope="block", test=TEST + "test_fails")
def derogatory_circuit_conditions(ctx):
    fin, motif = _fin(ctx)
    allowed = _usage_contract(ctx, fin) & truth(motif.isin(["031", CANCELLED_END])) & has(fin, "S21.G00.62.006")
    return found(ctx, FIN, fin, isin(fin, "S21.G00.62.017", ["01"]) & ~allowed, "S21.G00.62.017")


@rule("S21.G00.62.019/CCH-12", scope="block", test=TEST + "test_fails")
def enim_leave_balance(ctx):
    fin, _ = _fin(ctx)
    return found(ctx, FIN, fin, has(fin, "S21.G00.62.019") & truth(_contract(ctx, fin, "S21.G00.40.020") != "136"),
                 "S21.G00.62.019")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.63 Préavis

def _notice(ctx) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """The préavis table, its type, and the motif of its parent fin du contrat."""
    notice = ctx.table(PREAVIS)
    fin, motif = _fin(ctx)
    parent_motif = notice["fin_contrat_id"].map(pd.Series(motif.to_numpy(), index=fin["id"].to_numpy()))
    return notice, txt(notice, "S21.G00.63.001"), parent_motif.astype("object")


def _of_parent(ctx, notice: pd.DataFrame, code: str) -> pd.Series:
    fin = ctx.table(FIN)
    return pd.to_datetime(by_id(notice["fin_contrat_id"], pd.Series(day(fin, code).to_numpy(), index=fin["id"])))


def _over_three_months(notice: pd.DataFrame) -> np.ndarray:
    start, end = day(notice, "S21.G00.63.002"), day(notice, "S21.G00.63.003")
    return truth(end > start + pd.DateOffset(months=3))


@rule("S21.G00.63.001/CCH-11", scope="block", test=TEST + "test_fails")
def trial_period_end_without_notice(ctx):
    notice, kind, motif = _notice(ctx)
    return found(ctx, PREAVIS, notice, truth(motif.isin(["034", "035"])) & ~truth(kind.isin(["60", "90"])),
                 "S21.G00.63.001")


@rule("S21.G00.63.001/CCH-12", scope="block", test=TEST + "test_fails")
def conventional_break_without_notice(ctx):
    notice, kind, motif = _notice(ctx)
    return found(ctx, PREAVIS, notice, truth(motif.isin(["043", "110"])) & ~truth(kind == "90"), "S21.G00.63.001")


@rule("S21.G00.63.001/CCH-13", scope="block", test=TEST + "test_fails")
def csp_notice_type(ctx):
    notice, kind, motif = _notice(ctx)
    over = _over_three_months(notice)
    is_csp = truth(kind == "10")
    return found(ctx, PREAVIS, notice, truth(motif == "026") & ((~over & ~is_csp) | (over & is_csp)),
                 "S21.G00.63.001")


@rule("S21.G00.63.001/CCH-14", scope="block", test=TEST + "test_fails")
def pap_notice_type(ctx):
    notice, kind, motif = _notice(ctx)
    expected = truth(motif == "114") & ~_over_three_months(notice)
    return found(ctx, PREAVIS, notice, expected != truth(kind == "61"), "S21.G00.63.001")


def _dated_iff_notice(code: str):
    def check(ctx):
        notice, kind, _ = _notice(ctx)
        return found(ctx, PREAVIS, notice, truth(kind.isin(NOTICE_TYPES)) != has(notice, code), code)
    return check


rule("S21.G00.63.002/CCH-11", scope="block", test=TEST + "test_fails")(_dated_iff_notice("S21.G00.63.002"))
rule("S21.G00.63.003/CCH-14", scope="block", test=TEST + "test_fails")(_dated_iff_notice("S21.G00.63.003"))


@rule("S21.G00.63.002/CCH-13", scope="block", test=TEST + "test_fails")
def notice_after_notification(ctx):
    notice, kind, _ = _notice(ctx)
    early = truth(day(notice, "S21.G00.63.002") < _of_parent(ctx, notice, "S21.G00.62.003"))
    return found(ctx, PREAVIS, notice, truth(kind != "90") & early, "S21.G00.63.002")


@rule("S21.G00.63.002/CCH-14", scope="block", test=TEST + "test_fails")
def notice_after_procedure(ctx):
    notice, kind, _ = _notice(ctx)
    early = truth(day(notice, "S21.G00.63.002") <= _of_parent(ctx, notice, "S21.G00.62.005"))
    return found(ctx, PREAVIS, notice, truth(kind != "90") & early, "S21.G00.63.002")


@rule("S21.G00.63.002/CCH-15", scope="block", test=TEST + "test_fails")
def notices_contiguous(ctx):
    notice, _, _ = _notice(ctx)
    dated = notice.assign(_start=day(notice, "S21.G00.63.002"), _end=day(notice, "S21.G00.63.003")).dropna(
        subset=["_start", "_end"]).sort_values(["fin_contrat_id", "_start"])
    previous_end = dated.groupby("fin_contrat_id")["_end"].shift()
    gap = truth(previous_end.notna() & (dated["_start"] != previous_end + pd.Timedelta(days=1)))
    return found(ctx, PREAVIS, notice, notice.index.isin(dated.index[gap]), "S21.G00.63.002")


@rule("S21.G00.63.002/CCH-16", scope="block", test=TEST + "test_fails")
def notice_after_contract_start(ctx):
    notice, _, _ = _notice(ctx)
    start = pd.to_datetime(by_contract_id(ctx, notice, "S21.G00.40.001"))
    return found(ctx, PREAVIS, notice, truth(day(notice, "S21.G00.63.002") < start), "S21.G00.63.002")


@rule("S21.G00.63.003/CCH-13", scope="block", test=TEST + "test_fails")
def notice_period_order(ctx):
    notice, _, _ = _notice(ctx)
    return found(ctx, PREAVIS, notice, day(notice, "S21.G00.63.003") < day(notice, "S21.G00.63.002"), "S21.G00.63.003")
