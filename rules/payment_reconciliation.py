"""Our payment coherence rules (DSN-PAY-): what the employer pays each organism against what it declares.

Amounts are compared with the run's tolerance (``ValidationOptions.tolerance``, 0.01 € by default); each
anomaly shows both amounts and their difference, and lists the lines the amounts come from. A comparison with
a missing amount is not a difference: a total one of whose amounts is absent is unknown, and is not compared.
"""
from __future__ import annotations

from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .coherence.conditions import (ADHESION, BORDEREAU, COMPOSANT, COTISATION_AGREGEE, VERSEMENT, findings, has,
                                   is_prevoyance, isin, lines_by, lookup, month_end, month_start, to_lines, truth)
from .coherence.organism_payments import PERIOD_MONTHS, period_start
from .registry import rule

# Not DSN-Val controls: the collection platform does not reject a file for these gaps, so they warn (a blocking
# anomaly is a claim that DSN-Val would reject the file); the insurer's reconciliation reads them.
SEVERITY = "warning"
TEST = "tests/rules/test_payment_reconciliation.py::"
VERSEMENT_INDIVIDU, AFFILIATION, BASE, COTISATION = "S21.G00.50", "S21.G00.70", "S21.G00.78", "S21.G00.81"
OC_CONTRIBUTION, OC_BASE = "059", "31"
#: S21.G00.20.006/.007 of a payment to an OC: "donnée non exploitée par les Organismes de Prévoyance, à renseigner
#: au 01012000" (cahier technique).
OC_PLACEHOLDER = pd.Timestamp(2000, 1, 1)
OTHER_PAYER = "06"  # S21.G00.20.010: versement réalisé par un autre établissement (this one declares 0.00)
_GAP = "écart de {difference} € (tolérance {tolerance} €)"
_ROUNDED = "({expected} €, soit {rounded} € à l'euro le plus proche) : écart de {difference} € avec le montant " \
           "arrondi (tolérance {tolerance} €)"
_FIELDS = ("paid", "expected", "rounded", "difference", "tolerance")


def _amount(value) -> Decimal | None:
    return None if value is None or pd.isna(value) else Decimal(str(value))


def _amounts(values) -> list[Decimal | None]:
    return [_amount(v) for v in values]


def _total(values) -> Decimal | None:
    """Σ of the amounts; None (unknown) when one of them is missing."""
    amounts = _amounts(values)
    return None if any(a is None for a in amounts) else sum(amounts, Decimal(0))


def _totals(keys, values) -> dict:
    """key → Σ of its amounts (None when one is missing); rows without a key are left out."""
    out: dict = {}
    for key, value in zip(keys, values):
        if key is None or (not isinstance(key, tuple) and pd.isna(key)):
            continue
        known, amount = out.get(key, Decimal(0)), _amount(value)
        out[key] = None if known is None or amount is None else known + amount
    return out


def _euros(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _gaps(ctx, frame: pd.DataFrame, paid, expected, where: np.ndarray, rounded: bool = False) -> np.ndarray:
    """Rows of ``where`` whose two amounts are known and differ by more than the tolerance; adds the message fields
    to ``frame``. With ``rounded`` (an amount the norm rounds to the nearest euro) the expected total rounded to the
    euro is what is compared, and the exact total is accepted too (an x.50 total may be rounded either way)."""
    tolerance, bad = ctx.options.tolerance, []
    fields: dict[str, list[str]] = {name: [] for name in _FIELDS}
    for p, e, w in zip(_amounts(paid), list(expected), where):
        e = _amount(e)
        near = e.quantize(Decimal(1), ROUND_HALF_UP) if rounded and e is not None else e
        known = bool(w) and p is not None and e is not None
        targets = (e, near, e.quantize(Decimal(1), ROUND_HALF_DOWN)) if known and rounded else (e,)
        bad.append(known and all(abs(p - t) > tolerance for t in targets))
        for name, value in zip(_FIELDS, (p, e, near, p - near if known else None, tolerance)):
            fields[name].append(_euros(value))
    for name, values in fields.items():
        frame[name] = values
    return np.array(bad, dtype=bool)


def _fields(frame: pd.DataFrame, index: pd.Index, *extra: str) -> dict[str, pd.Series]:
    return {name: frame[name].set_axis(index) for name in _FIELDS + extra}


def _first_of(keys: pd.Series, where: np.ndarray) -> np.ndarray:
    """The first row of ``where`` for each key (a total compared once, on its first block)."""
    return where & ~keys.where(where).duplicated().to_numpy(dtype=bool)


def _paid_here(keys: pd.Series, pay: pd.DataFrame, where: np.ndarray) -> np.ndarray:
    """Rows whose key has no payment of ``where`` made by another establishment (S21.G00.20.010 = 06): such a
    payment is 0.00 here by instruction of the cahier technique, the amount is paid elsewhere."""
    elsewhere = set(keys[where & isin(pay, "S21.G00.20.010", [OTHER_PAYER])])
    return ~keys.isin(elsewhere).to_numpy(dtype=bool)


def _oc_placeholder(pay: pd.DataFrame) -> np.ndarray:
    """Payments to an OC whose period S21.G00.20.006–007 is the prescribed 01/01/2000 – 01/01/2000."""
    return is_prevoyance(pay["S21.G00.20.001"]) & truth(pay["S21.G00.20.006"] == OC_PLACEHOLDER) & \
        truth(pay["S21.G00.20.007"] == OC_PLACEHOLDER)


@rule("DSN-PAY-01", scope="block", severity=SEVERITY, test=TEST + "test_dgfip_payment",
      message="Le versement à la DGFIP ({paid} €) ne correspond pas à la somme des montants de prélèvement à la "
              "source (S21.G00.50.009) de l'établissement " + _ROUNDED + ".",
      description="DGFIP payment (S21.G00.20.005, S21.G00.20.001 = DGFIP, except DGFIP_SATD) = Σ S21.G00.50.009 "
                  "of the establishment rounded to the nearest euro (cahier technique, S21.G00.20.005 for the "
                  "DGFiP: \"montant, arrondi à l'entier le plus proche\"); the exact sum is accepted too. Checked "
                  "once per establishment, when every amount is present and no DGFIP payment is made by another "
                  "establishment (S21.G00.20.010 = 06: 0.00 here by instruction).")
def dgfip_payment(ctx):
    pay, paid_ind = ctx.table(VERSEMENT), ctx.table(VERSEMENT_INDIVIDU)
    index = pay.index
    pay = pay.reset_index(drop=True)
    dgfip = truth(pay["S21.G00.20.001"].str.upper() == "DGFIP") & ~truth(pay["S21.G00.20.002"] == "DGFIP_SATD")
    paid = _totals(pay["etablissement_id"][dgfip], pay["S21.G00.20.005"][dgfip])
    pas = _totals(paid_ind["etablissement_id"], paid_ind["S21.G00.50.009"])
    keys = pay["etablissement_id"].tolist()
    where = _first_of(pay["etablissement_id"], dgfip) & _paid_here(pay["etablissement_id"], pay, dgfip)
    bad = _gaps(ctx, pay, [paid.get(k) for k in keys], [pas.get(k, Decimal(0)) for k in keys], where,
                rounded=True)
    lines = to_lines(pay, "etablissement_id",
                     lines_by(paid_ind, "etablissement_id", np.ones(len(paid_ind), dtype=bool), "S21.G00.50.009"))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005", lines=lines.set_axis(index),
                    fields=_fields(pay, index))


@rule("DSN-PAY-02", scope="block", severity=SEVERITY, test=TEST + "test_insurer_payment",
      message="Le versement à l'organisme ({paid} €) ne correspond pas à la somme de ses composants de versement "
              "S21.G00.55.001 ({expected} €) : " + _GAP + ".",
      description="Insurer payment S21.G00.20.005 = Σ S21.G00.55.001 of its components (0 when that sum is "
                  "negative); not compared when an amount is missing.")
def insurer_payment(ctx):
    pay, comp = ctx.table(VERSEMENT), ctx.table(COMPOSANT)
    index = pay.index
    pay = pay.reset_index(drop=True)
    total = _totals(comp["parent_id"], comp["S21.G00.55.001"])
    expected = [None if total.get(k) is None else max(total[k], Decimal(0)) for k in pay["id"]]
    where = is_prevoyance(pay["S21.G00.20.001"]) & pay["id"].isin(list(total)).to_numpy(dtype=bool)
    bad = _gaps(ctx, pay, pay["S21.G00.20.005"], expected, where)
    lines = to_lines(pay, "id", lines_by(comp, "parent_id", np.ones(len(comp), dtype=bool), "S21.G00.55.001"))
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005", lines=lines.set_axis(index), fields=_fields(pay, index))


def _oc_contributions(ctx) -> pd.DataFrame:
    """Every 059 contribution of a base 31 with its establishment, month and, when the links hold (78.005 → 70.012,
    70.013 → 15.005), its contract and organism; an unlinked one has them missing."""
    cot, base, aff, adh = (ctx.table(COTISATION), ctx.table(BASE), ctx.text(AFFILIATION), ctx.text(ADHESION))
    cot = cot[truth(cot["S21.G00.81.001"] == OC_CONTRIBUTION)]
    cot = cot[truth(lookup(cot, "base_assujettie_id", base, "S21.G00.78.001") == OC_BASE)]
    affiliation = lookup(cot, "base_assujettie_id", base, "S21.G00.78.005")
    month = lookup(cot, "base_assujettie_id", base, "S21.G00.78.002")
    keys = pd.DataFrame({"individu_id": aff["individu_id"], "affiliation": aff["S21.G00.70.012"],
                         "adhesion": aff["S21.G00.70.013"]}).dropna().drop_duplicates(["individu_id", "affiliation"])
    out = pd.DataFrame({"etablissement_id": cot["etablissement_id"].to_numpy(),
                        "individu_id": cot["individu_id"].to_numpy(),
                        "affiliation": affiliation.astype(pd.StringDtype()).to_numpy(),
                        "month": (month.dt.year * 12 + month.dt.month - 1).astype("Int64").to_numpy(),
                        "amount": cot["S21.G00.81.004"].to_numpy(), "line": cot["S21.G00.81.004#line"].to_numpy()})
    out = out.merge(keys.astype({"affiliation": pd.StringDtype(), "adhesion": pd.StringDtype()}),
                    on=["individu_id", "affiliation"], how="left")
    adhesions = pd.DataFrame({"etablissement_id": adh["etablissement_id"], "adhesion": adh["S21.G00.15.005"],
                              "contract": adh["S21.G00.15.001"], "organism": adh["S21.G00.15.002"]})
    adhesions = adhesions.dropna(subset=["adhesion"]).drop_duplicates(["etablissement_id", "adhesion"])
    return out.merge(adhesions.astype({"adhesion": pd.StringDtype(), "contract": pd.StringDtype(),
                                       "organism": pd.StringDtype()}),
                     on=["etablissement_id", "adhesion"], how="left")


def _joined_lines(values) -> tuple[int, ...]:
    return tuple(int(n) for n in values if not pd.isna(n))


@rule("DSN-PAY-03", scope="block", severity=SEVERITY, test=TEST + "test_contract_allocation",
      message="Le montant versé pour le contrat {contract} sur la période {period} ({paid} €) ne correspond pas à la "
              "somme des cotisations individuelles 059 qui s'y rattachent ({expected} €) : " + _GAP + ".",
      description="For the current period, Σ S21.G00.55.001 of a contract (55.003 = 15.001) = Σ S21.G00.81.004 of "
                  "code 059 linked through 78.005 → 70.012, 70.013 → 15.005, over the months of 55.004; a "
                  "multi-month period is checked only when the file holds each of its months. Not compared when "
                  "an amount is missing, when no 059 links to the contract (the payment may be of establishment "
                  "contributions), or when a 059 of the establishment cannot be linked to its contract.")
def contract_allocation(ctx):
    comp = ctx.table(COMPOSANT)
    index = comp.index
    comp = comp.reset_index(drop=True)
    start = period_start(comp["S21.G00.55.004"])
    length = comp["S21.G00.55.004"].astype(pd.StringDtype()).str.slice(4, 5).map(PERIOD_MONTHS).astype("Int64")
    first = month_start(ctx, comp)
    current = first.dt.year.astype("Int64") * 12 + first.dt.month.astype("Int64") - 1
    comp["organism"] = lookup(comp, "parent_id", ctx.text(VERSEMENT), "S21.G00.20.001").astype(
        pd.StringDtype()).to_numpy()
    comp["contract"] = comp["S21.G00.55.003"].astype(pd.StringDtype())
    comp["start"], comp["end"], comp["row"] = start, start + length, range(len(comp))
    declared = _oc_contributions(ctx)
    unlinked = declared[declared[["month", "amount", "contract", "organism"]].isna().any(axis=1)]
    keep = truth((start <= current) & (current < start + length)) & ~has(comp, "S21.G00.55.005") & \
        has(comp, "S21.G00.55.003") & truth(comp["organism"].notna()) & \
        ~comp["etablissement_id"].isin(set(unlinked["etablissement_id"])).to_numpy(dtype=bool)
    key = ["etablissement_id", "organism", "contract", "S21.G00.55.004"]
    groups = comp[keep].groupby(key).agg(
        paid=("S21.G00.55.001", _total), row=("row", "first"), start=("start", "first"), end=("end", "first"),
        lines=("S21.G00.55.001#line", _joined_lines)).reset_index()
    matched = groups.merge(declared.dropna(subset=["contract", "organism"]),
                           on=["etablissement_id", "organism", "contract"], how="inner")
    matched = matched[truth((matched["month"] >= matched["start"]) & (matched["month"] < matched["end"]))]
    sums = matched.groupby(key).agg(expected=("amount", _total), months=("month", "nunique"),
                                    declared_lines=("line", _joined_lines))
    groups = groups.join(sums, on=key, how="inner")
    # A multi-month period is checked only when the file holds every month of it (a quarterly payment in the
    # quarter's last month usually covers bases declared in earlier files).
    span = (groups["end"] - groups["start"]).astype("Int64")
    groups = groups[truth((span == 1) | (groups["months"].astype("Int64") == span))]
    rows = groups["row"].to_numpy(dtype=int)
    paid, expected = [None] * len(comp), [None] * len(comp)
    lines = pd.Series([()] * len(comp), dtype=object)
    for row, p, e, own, linked in zip(rows, groups["paid"], groups["expected"], groups["lines"],
                                      groups["declared_lines"]):
        paid[row], expected[row], lines.iloc[row] = p, e, own + linked
    reported = np.zeros(len(comp), dtype=bool)
    reported[rows] = True
    report = comp[["row"]].copy()
    report["contract"], report["period"] = comp["S21.G00.55.003"], comp["S21.G00.55.004"]
    bad = _gaps(ctx, report, paid, expected, reported)
    return findings(ctx, COMPOSANT, bad, "S21.G00.55.001", lines=lines.set_axis(index),
                    fields=_fields(report, index, "contract", "period"))


@rule("DSN-PAY-04", scope="block", severity=SEVERITY, test=TEST + "test_urssaf_slip",
      message="Le montant total du bordereau Urssaf S21.G00.22.005 ({paid} €) ne correspond pas à la somme des "
              "montants S21.G00.23.005 de ses cotisations agrégées " + _ROUNDED + ".",
      description="URSSAF slip: S21.G00.22.005 = Σ S21.G00.23.005 of its aggregated contributions, rounded to the "
                  "nearest euro (cahier technique, S21.G00.22.005 for the Urssaf: \"montant, arrondi à l'entier le "
                  "plus proche\"; the exact sum is accepted too). Compared only when every S21.G00.23 of the slip "
                  "carries its amount .005: a line with an assiette only is priced by the Urssaf at its own rates "
                  "(the rate .003 is only the variable part, e.g. AT or versement mobilité), so the total cannot "
                  "be rebuilt from the file. Amounts are summed with the sign they are written with.")
def urssaf_slip(ctx):
    slip, cot = ctx.table(BORDEREAU), ctx.table(COTISATION_AGREGEE)
    index = slip.index
    slip = slip.reset_index(drop=True)
    total = _totals(cot["parent_id"], cot["S21.G00.23.005"])
    bad = _gaps(ctx, slip, slip["S21.G00.22.005"], [total.get(k) for k in slip["id"]],
                slip["id"].isin(list(total)).to_numpy(dtype=bool), rounded=True)
    lines = to_lines(slip, "id", lines_by(cot, "parent_id", np.ones(len(cot), dtype=bool), "S21.G00.23.005"))
    return findings(ctx, BORDEREAU, bad, "S21.G00.22.005", lines=lines.set_axis(index), fields=_fields(slip, index))


@rule("DSN-PAY-05", scope="block", severity=SEVERITY, test=TEST + "test_urssaf_payment",
      message="Les versements à l'Urssaf {organism} (S21.G00.20.005, {paid} €) ne correspondent pas au total de ses "
              "bordereaux S21.G00.22.005 ({expected} €) : " + _GAP + ".",
      description="Σ S21.G00.20.005 of the establishment's payments to an organism that is the 22.001 of one of "
                  "its slips = Σ S21.G00.22.005 of those slips; checked once, on the first payment, when every "
                  "amount is present and none of those payments is made by another establishment (20.010 = 06).")
def urssaf_payment(ctx):
    pay, slip = ctx.table(VERSEMENT), ctx.table(BORDEREAU)
    index = pay.index
    pay = pay.reset_index(drop=True)
    keys = pd.Series(list(zip(pay["etablissement_id"], pay["S21.G00.20.001"].astype(object))), dtype=object)
    slip_keys = list(zip(slip["etablissement_id"], slip["S21.G00.22.001"].astype(object)))
    known = [k for k in slip_keys if not pd.isna(k[1])]
    due = _totals([k if not pd.isna(k[1]) else None for k in slip_keys], slip["S21.G00.22.005"])
    paid = _totals([k if k in due else None for k in keys], pay["S21.G00.20.005"])
    to_slip = keys.isin(set(known)).to_numpy(dtype=bool)
    where = _first_of(keys, to_slip) & _paid_here(keys, pay, to_slip)
    bad = _gaps(ctx, pay, [paid.get(k) for k in keys], [due.get(k) for k in keys], where)
    related: dict = {}
    for k, n in [*zip(slip_keys, slip["S21.G00.22.005#line"]), *zip(keys, pay["S21.G00.20.005#line"])]:
        related.setdefault(k, []).extend([] if pd.isna(n) else [int(n)])
    lines = pd.Series([tuple(related.get(k, ())) for k in keys], index=index, dtype=object)
    pay["organism"] = pay["S21.G00.20.001"]
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.005", lines=lines, fields=_fields(pay, index, "organism"))


@rule("DSN-PAY-06", scope="block", severity=SEVERITY, test=TEST + "test_payment_period",
      message="La période de rattachement du versement ({start} – {end}) ne couvre pas le mois principal déclaré "
              "({month}) alors qu'aucun identifiant de CRM de régularisation (S21.G00.20.013) n'est renseigné.",
      description="A payment's period (S21.G00.20.006–007) overlaps the main declared month, unless it is a "
                  "regularisation (S21.G00.20.013), or a payment to an OC (S21.G00.20.001 of a prévoyance, "
                  "mutuelle, assurance or OC isolé code) dated 01012000 – 01012000: for an OC the cahier technique "
                  "says \"donnée non exploitée par les Organismes de Prévoyance, à renseigner au 01012000\". For "
                  "any other payee (Urssaf, DGFiP, Agirc-Arrco…) the period is a real date and is compared.")
def payment_period(ctx):
    pay, text = ctx.table(VERSEMENT), ctx.text(VERSEMENT)
    first, last = month_start(ctx, pay), month_end(ctx, pay)
    bad = (truth(pay["S21.G00.20.006"] > last) | truth(pay["S21.G00.20.007"] < first)) & \
        ~has(pay, "S21.G00.20.013") & ~_oc_placeholder(pay)
    return findings(ctx, VERSEMENT, bad, "S21.G00.20.006", related=["S21.G00.20.007"],
                    fields={"start": text["S21.G00.20.006"], "end": text["S21.G00.20.007"],
                            "month": first.dt.strftime("%m/%Y")})


@rule("DSN-PAY-07", scope="block", severity=SEVERITY, test=TEST + "test_component_period",
      message="La période d'affectation {value} du composant de versement est en dehors de la période de "
              "rattachement de son versement ({start} – {end}).",
      description="A payment component's period (S21.G00.55.004) overlaps its payment's period (S21.G00.20.006–007), "
                  "unless it is a regularisation (S21.G00.55.005) or the payment carries the 01012000 – 01012000 "
                  "the cahier technique prescribes for an OC (no period to compare with).")
def component_period(ctx):
    comp, pay, text = ctx.table(COMPOSANT), ctx.table(VERSEMENT), ctx.text(VERSEMENT)
    start = period_start(comp["S21.G00.55.004"])
    length = comp["S21.G00.55.004"].astype(pd.StringDtype()).str.slice(4, 5).map(PERIOD_MONTHS).astype("Int64")
    pay_start = lookup(comp, "parent_id", pay, "S21.G00.20.006")
    pay_end = lookup(comp, "parent_id", pay, "S21.G00.20.007")
    first = pay_start.dt.year.astype("Int64") * 12 + pay_start.dt.month.astype("Int64") - 1
    last = pay_end.dt.year.astype("Int64") * 12 + pay_end.dt.month.astype("Int64") - 1
    placeholder = comp["parent_id"].isin(set(pay["id"][_oc_placeholder(pay)])).to_numpy(dtype=bool)
    bad = (truth(start > last) | truth(start + length - 1 < first)) & ~has(comp, "S21.G00.55.005") & ~placeholder
    lines = pd.Series([(int(a),) if not pd.isna(a) else () for a in
                       lookup(comp, "parent_id", pay, "S21.G00.20.006#line")], index=comp.index, dtype=object)
    return findings(ctx, COMPOSANT, bad, "S21.G00.55.004", lines=lines,
                    fields={"start": lookup(comp, "parent_id", text, "S21.G00.20.006"),
                            "end": lookup(comp, "parent_id", text, "S21.G00.20.007")})
