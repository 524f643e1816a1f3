"""Our payment coherence rules (DSN-PAY-): what the employer pays each organism against what it declares.

Amounts are compared with the run's tolerance (``ValidationOptions.tolerance``, 0.01 € by default); each
anomaly shows both amounts and their difference, and lists the lines the amounts come from.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from .coherence.conditions import (ADHESION, BORDEREAU, COMPOSANT, COTISATION_AGREGEE, VERSEMENT, findings, has,
                                   is_prevoyance, lines_by, lookup, mask, month_end, month_start, to_lines)
from .coherence.payments_ops import PERIOD_MONTHS, period_start
from .registry import rule

TEST = "tests/rules/test_payments.py::"
VERSEMENT_INDIVIDU, AFFILIATION, BASE, COTISATION = "S21.G00.50", "S21.G00.70", "S21.G00.78", "S21.G00.81"
OC_CONTRIBUTION, OC_BASE = "059", "31"
_GAP = "écart de {difference} € (tolérance {tolerance} €)"


def _euros(values) -> list[str]:
    return [f"{Decimal(v):.2f}" for v in values]


def _decimals(values: pd.Series) -> pd.Series:
    """Amounts as Decimal objects, missing ones as 0."""
    return pd.Series([Decimal(0) if pd.isna(v) else Decimal(str(v)) for v in values], index=values.index,
                     dtype=object)


def _gaps(ctx, frame: pd.DataFrame, paid: pd.Series, expected: pd.Series, where: np.ndarray) -> np.ndarray:
    """Rows of ``where`` whose amounts differ by more than the tolerance; adds the message fields to ``frame``."""
    paid, expected = _decimals(paid), _decimals(expected)
    difference = paid - expected
    frame["paid"], frame["expected"] = _euros(paid), _euros(expected)
    frame["difference"], frame["tolerance"] = _euros(difference), f"{ctx.options.tolerance:.2f}"
    return where & (difference.abs() > ctx.options.tolerance).to_numpy(dtype=bool)


def _fields(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {name: frame[name] for name in ("paid", "expected", "difference", "tolerance")}


def _sum_by(frame: pd.DataFrame, key: str, code: str, where: np.ndarray | None = None) -> pd.Series:
    rows = frame if where is None else frame[where]
    return _decimals(rows.groupby(key)[code].sum())


def _aligned(totals: pd.Series, keys) -> pd.Series:
    return pd.Series(totals.reindex(list(keys)).to_numpy(), dtype=object)


@rule("DSN-PAY-01", scope="block", test=TEST + "test_dgfip_payment",
      message="Le versement à la DGFIP ({paid} €) ne correspond pas à la somme des montants de prélèvement à la "
              "source (S21.G00.50.009) de l'établissement ({expected} €) : " + _GAP + ".",
      description="DGFIP payment (S21.G00.20.005, S21.G00.20.001 = DGFIP, except DGFIP_SATD) = Σ S21.G00.50.009 "
                  "of the establishment.")
def dgfip_payment(ctx):
    pay, paid_ind = ctx.table(VERSEMENT).copy(), ctx.table(VERSEMENT_INDIVIDU)
    dgfip = mask(pay["S21.G00.20.001"].str.upper() == "DGFIP") & ~mask(pay["S21.G00.20.002"] == "DGFIP_SATD")
    paid = _sum_by(pay, "etablissement_id", "S21.G00.20.005", dgfip)
    pas = _sum_by(paid_ind, "etablissement_id", "S21.G00.50.009")
    pay.index = range(len(pay))
    bad = _gaps(ctx, pay, _aligned(paid, pay["etablissement_id"]), _aligned(pas, pay["etablissement_id"]), dgfip)
    lines = to_lines(pay, "etablissement_id",
                     lines_by(paid_ind, "etablissement_id", np.ones(len(paid_ind), dtype=bool), "S21.G00.50.009"))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005", lines=lines.set_axis(ctx.text(VERSEMENT).index),
                    fields={k: v.set_axis(ctx.text(VERSEMENT).index) for k, v in _fields(pay).items()})


@rule("DSN-PAY-02", scope="block", test=TEST + "test_insurer_payment",
      message="Le versement à l'organisme ({paid} €) ne correspond pas à la somme de ses composants de versement "
              "S21.G00.55.001 ({expected} €) : " + _GAP + ".",
      description="Insurer payment S21.G00.20.005 = Σ S21.G00.55.001 of its components (0 when that sum is negative).")
def insurer_payment(ctx):
    pay, comp = ctx.table(VERSEMENT), ctx.table(COMPOSANT)
    index = pay.index
    pay = pay.reset_index(drop=True)
    total = _sum_by(comp, "parent_id", "S21.G00.55.001")
    expected = _aligned(total, pay["id"]).map(lambda v: max(v, Decimal(0)) if isinstance(v, Decimal) else v)
    where = is_prevoyance(pay["S21.G00.20.001"]) & pay["id"].isin(total.index).to_numpy(dtype=bool)
    bad = _gaps(ctx, pay, pay["S21.G00.20.005"], expected, where)
    lines = to_lines(pay, "id", lines_by(comp, "parent_id", np.ones(len(comp), dtype=bool), "S21.G00.55.001"))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005", lines=lines.set_axis(index),
                    fields={k: v.set_axis(index) for k, v in _fields(pay).items()})


def _oc_contributions(ctx) -> pd.DataFrame:
    """Every 059 contribution of a base 31 with its establishment, adhésion (contract, organism) and month."""
    cot, base, aff, adh = (ctx.table(COTISATION), ctx.table(BASE), ctx.text(AFFILIATION), ctx.text(ADHESION))
    cot = cot[mask(cot["S21.G00.81.001"] == OC_CONTRIBUTION)]
    cot = cot[mask(lookup(cot, "base_assujettie_id", base, "S21.G00.78.001") == OC_BASE)]
    affiliation = lookup(cot, "base_assujettie_id", base, "S21.G00.78.005")
    month = lookup(cot, "base_assujettie_id", base, "S21.G00.78.002")
    keys = pd.DataFrame({"individu_id": aff["individu_id"], "affiliation": aff["S21.G00.70.012"],
                         "adhesion": aff["S21.G00.70.013"]}).drop_duplicates(["individu_id", "affiliation"])
    out = pd.DataFrame({"etablissement_id": cot["etablissement_id"].to_numpy(),
                        "individu_id": cot["individu_id"].to_numpy(), "affiliation": affiliation.to_numpy(),
                        "month": (month.dt.year * 12 + month.dt.month - 1).to_numpy(),
                        "amount": cot["S21.G00.81.004"].to_numpy(), "line": cot["S21.G00.81.004#line"].to_numpy()})
    out = out.merge(keys, on=["individu_id", "affiliation"], how="inner")
    adhesions = pd.DataFrame({"etablissement_id": adh["etablissement_id"], "adhesion": adh["S21.G00.15.005"],
                              "contract": adh["S21.G00.15.001"], "organism": adh["S21.G00.15.002"]})
    return out.merge(adhesions, on=["etablissement_id", "adhesion"], how="inner")


@rule("DSN-PAY-03", scope="block", test=TEST + "test_contract_allocation",
      message="Le montant versé pour le contrat {contract} sur la période {period} ({paid} €) ne correspond pas à la "
              "somme des cotisations individuelles 059 qui s'y rattachent ({expected} €) : " + _GAP + ".",
      description="For the current period, Σ S21.G00.55.001 of a contract (55.003 = 15.001) = Σ S21.G00.81.004 of "
                  "code 059 linked through 78.005 → 70.012, 70.013 → 15.005, over the months of 55.004; a "
                  "multi-month period is checked only when the file holds each of its months.")
def contract_allocation(ctx):
    comp = ctx.table(COMPOSANT)
    index = comp.index
    comp = comp.reset_index(drop=True)
    start = period_start(comp["S21.G00.55.004"])
    length = comp["S21.G00.55.004"].astype(pd.StringDtype()).str.slice(4, 5).map(PERIOD_MONTHS).astype("Int64")
    first = month_start(ctx, comp)
    current = first.dt.year.astype("Int64") * 12 + first.dt.month.astype("Int64") - 1
    comp["organism"] = lookup(comp, "parent_id", ctx.text(VERSEMENT), "S21.G00.20.001").to_numpy()
    comp["start"], comp["end"], comp["row"] = start, start + length, range(len(comp))
    keep = mask((start <= current) & (current < start + length)) & ~has(comp, "S21.G00.55.005") & \
        has(comp, "S21.G00.55.003")
    key = ["etablissement_id", "organism", "S21.G00.55.003", "S21.G00.55.004"]
    groups = comp[keep].groupby(key, dropna=False).agg(
        paid=("S21.G00.55.001", "sum"), row=("row", "first"), start=("start", "first"), end=("end", "first"),
        lines=("S21.G00.55.001#line", lambda s: tuple(int(n) for n in s.dropna()))).reset_index()
    declared = _oc_contributions(ctx).rename(columns={"contract": "S21.G00.55.003"})
    matched = groups.merge(declared, on=["etablissement_id", "organism", "S21.G00.55.003"], how="inner")
    matched = matched[mask((matched["month"] >= matched["start"]) & (matched["month"] < matched["end"]))]
    sums = matched.groupby(key, dropna=False).agg(
        expected=("amount", "sum"), months=("month", "nunique"),
        declared_lines=("line", lambda s: tuple(int(n) for n in s.dropna())))
    groups = groups.join(sums, on=key)
    # A multi-month period is checked only when the file holds every month of it (a quarterly payment in the
    # quarter's last month usually covers bases declared in earlier files).
    span = (groups["end"] - groups["start"]).astype("Int64")
    groups = groups[mask((span == 1) | (groups["months"].astype("Int64") == span))]
    report = comp[["row"]].copy()
    report["contract"], report["period"] = comp["S21.G00.55.003"], comp["S21.G00.55.004"]
    paid = pd.Series([None] * len(comp), dtype=object)
    expected = pd.Series([None] * len(comp), dtype=object)
    lines = pd.Series([()] * len(comp), dtype=object)
    rows = groups["row"].to_numpy(dtype=int)
    paid.iloc[rows] = groups["paid"].to_numpy()
    expected.iloc[rows] = groups["expected"].to_numpy()
    lines.iloc[rows] = [a + (b if isinstance(b, tuple) else ()) for a, b in zip(groups["lines"],
                                                                              groups["declared_lines"])]
    reported = np.zeros(len(comp), dtype=bool)
    reported[rows] = True
    bad = _gaps(ctx, report, paid, expected, reported)
    fields = {k: v.set_axis(index) for k, v in {**_fields(report), "contract": report["contract"],
                                                  "period": report["period"]}.items()}
    return findings(ctx, COMPOSANT, bad, "S21.G00.55.001", lines=lines.set_axis(index), fields=fields)


def _slip_amounts(cot: pd.DataFrame) -> pd.Series:
    """Contribution amount of each aggregated line: S21.G00.23.005, else base × rate (S21.G00.23.004 × .003 %)."""
    computed = [None if pd.isna(b) or pd.isna(r) else (Decimal(b) * Decimal(r) / 100).quantize(Decimal("0.01"))
                for b, r in zip(cot["S21.G00.23.004"], cot["S21.G00.23.003"])]
    return pd.Series([Decimal(a) if not pd.isna(a) else c for a, c in zip(cot["S21.G00.23.005"], computed)],
                     index=cot.index, dtype=object)


@rule("DSN-PAY-04", scope="block", test=TEST + "test_urssaf_slip",
      message="Le montant total du bordereau Urssaf S21.G00.22.005 ({paid} €) ne correspond pas à la somme de ses "
              "cotisations agrégées S21.G00.23 ({expected} €) : " + _GAP + ".",
      description="URSSAF slip: S21.G00.22.005 = Σ of its aggregated contributions S21.G00.23.005 (else base × rate).")
def urssaf_slip(ctx):
    slip, cot = ctx.table(BORDEREAU), ctx.table(COTISATION_AGREGEE)
    index = slip.index
    slip = slip.reset_index(drop=True)
    amounts = _slip_amounts(cot)
    total = amounts.groupby(cot["parent_id"]).sum()
    where = slip["id"].isin(total.index).to_numpy(dtype=bool)
    bad = _gaps(ctx, slip, slip["S21.G00.22.005"], _aligned(total, slip["id"]), where)
    lines = to_lines(slip, "id", lines_by(cot, "parent_id", np.ones(len(cot), dtype=bool), "S21.G00.23.001"))
    return findings(ctx, BORDEREAU, bad, "S21.G00.22.005", lines=lines.set_axis(index),
                    fields={k: v.set_axis(index) for k, v in _fields(slip).items()})


@rule("DSN-PAY-05", scope="block", test=TEST + "test_urssaf_payment",
      message="Le versement à l'Urssaf S21.G00.20.005 ({paid} €) ne correspond pas au total de ses bordereaux "
              "S21.G00.22.005 ({expected} €) : " + _GAP + ".",
      description="URSSAF payment S21.G00.20.005 (20.001 = the 22.001 of a slip of the establishment) = "
                  "Σ S21.G00.22.005 of the establishment's slips for that organism.")
def urssaf_payment(ctx):
    pay, slip = ctx.table(VERSEMENT), ctx.table(BORDEREAU)
    index = pay.index
    pay = pay.reset_index(drop=True)
    total = slip.groupby(["etablissement_id", "S21.G00.22.001"])["S21.G00.22.005"].sum()
    keys = list(zip(pay["etablissement_id"], pay["S21.G00.20.001"]))
    expected = pd.Series([total.get(k) for k in keys], dtype=object)
    where = np.array([k in total.index for k in keys], dtype=bool)
    bad = _gaps(ctx, pay, pay["S21.G00.20.005"], expected, where)
    slip_lines = {k: tuple(int(n) for n in g) for k, g in
                  slip.groupby(["etablissement_id", "S21.G00.22.001"])["S21.G00.22.005#line"]}
    lines = pd.Series([slip_lines.get(k, ()) for k in keys], index=index, dtype=object)
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005", lines=lines,
                    fields={k: v.set_axis(index) for k, v in _fields(pay).items()})


@rule("DSN-PAY-06", scope="block", test=TEST + "test_payment_period",
      message="La période de rattachement du versement ({start} – {end}) ne couvre pas le mois principal déclaré "
              "({month}) alors qu'aucun identifiant de CRM de régularisation (S21.G00.20.013) n'est renseigné.",
      description="A payment's period (S21.G00.20.006–007) overlaps the main declared month, unless it is a "
                  "regularisation (S21.G00.20.013).")
def payment_period(ctx):
    pay, text = ctx.table(VERSEMENT), ctx.text(VERSEMENT)
    first, last = month_start(ctx, pay), month_end(ctx, pay)
    bad = (mask(pay["S21.G00.20.006"] > last) | mask(pay["S21.G00.20.007"] < first)) & ~has(pay, "S21.G00.20.013")
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.006", related=["S21.G00.20.007"],
                    fields={"start": text["S21.G00.20.006"], "end": text["S21.G00.20.007"],
                            "month": first.dt.strftime("%m/%Y")})


@rule("DSN-PAY-07", scope="block", test=TEST + "test_component_period",
      message="La période d'affectation {value} du composant de versement est en dehors de la période de "
              "rattachement de son versement ({start} – {end}).",
      description="A payment component's period (S21.G00.55.004) overlaps its payment's period (S21.G00.20.006–007), "
                  "unless it is a regularisation (S21.G00.55.005).")
def component_period(ctx):
    comp, pay, text = ctx.table(COMPOSANT), ctx.table(VERSEMENT), ctx.text(VERSEMENT)
    start = period_start(comp["S21.G00.55.004"])
    length = comp["S21.G00.55.004"].astype(pd.StringDtype()).str.slice(4, 5).map(PERIOD_MONTHS).astype("Int64")
    pay_start = lookup(comp, "parent_id", pay, "S21.G00.20.006")
    pay_end = lookup(comp, "parent_id", pay, "S21.G00.20.007")
    first = pay_start.dt.year.astype("Int64") * 12 + pay_start.dt.month.astype("Int64") - 1
    last = pay_end.dt.year.astype("Int64") * 12 + pay_end.dt.month.astype("Int64") - 1
    bad = (mask(start > last) | mask(start + length - 1 < first)) & ~has(comp, "S21.G00.55.005")
    lines = pd.Series([(int(a),) if not pd.isna(a) else () for a in
                       lookup(comp, "parent_id", pay, "S21.G00.20.006#line")], index=comp.index, dtype=object)
    return findings(ctx, COMPOSANT, bad, "S21.G00.55.004", lines=lines,
                    fields={"start": lookup(comp, "parent_id", text, "S21.G00.20.006"),
                            "end": lookup(comp, "parent_id", text, "S21.G00.20.007")})
