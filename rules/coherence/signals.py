"""The SIG controls of the norm (warnings), whatever their block, except the identity keys of S21.G00.30
(rules/identifiers.py). Most are datation rules: in a DSN mensuelle a date may not be later than the last day
of the main month (CT § 4.4.12), in a signalement not later than the file date (§ 4.4.13)."""
from __future__ import annotations

import pandas as pd

from ..registry import rule
from .conditions import (CONTRAT, ETABLISSEMENT, MENSUELLES, by_contract_id, by_id, contract_by_number, contract_end,
                         day, declaration_attribute, found, has, isin, later_duplicates, missing_child, model_allows,
                         nature_in, nonzero, num, table, truth, txt)
from .remuneration import REQUIRED_TYPES

TEST = "tests/rules/coherence/test_signals.py::"

NOT_APPLICABLE: dict[str, str] = {}

# § 4.4.12: (code, rubrique) of the dates bounded by the main month's last day in a mensuelle
MONTHLY_DATES = (
    "S21.G00.16.001/SIG-11", "S21.G00.31.001/SIG-11", "S21.G00.40.001/SIG-14", "S21.G00.40.030/SIG-12",
    "S21.G00.41.001/SIG-11", "S21.G00.41.021/SIG-11", "S21.G00.52.007/SIG-11", "S21.G00.54.004/SIG-12",
    "S21.G00.60.010/SIG-12", "S21.G00.62.001/SIG-13", "S21.G00.65.002/SIG-12", "S21.G00.70.014/SIG-11",
    "S21.G00.70.015/SIG-12", "S21.G00.73.004/SIG-11", "S89.G00.87.005/SIG-12", "S89.G00.87.006/SIG-12",
    "S89.G00.88.006/SIG-12", "S89.G00.88.007/SIG-12", "S89.G00.89.005/SIG-11", "S89.G00.92.005/SIG-12",
)
# § 4.4.13: the dates bounded by the file date (S20.G00.05.007) in a signalement
EVENT_DATES = ("S21.G00.40.031/SIG-13", "S21.G00.52.007/SIG-12", "S21.G00.60.002/SIG-14", "S21.G00.60.005/SIG-12",
               "S21.G00.60.010/SIG-13", "S21.G00.60.012/SIG-13")
# S21.G00.51.002/SIG-14 applies § 4.4.12 to these rémunération types only
DATED_PAY_TYPES = ("001", "002", "003", "010", "012", "013", "016", "017", "018", "019", "020", "021", "022", "025")
HOUR_TYPES = ("012", "013", "016", "017", "018", "019", "020", "025")


def _datation(code: str, monthly: bool, only=None):
    """Check of one datation rule: rubrique of ``code`` ≤ main month end (``monthly``) or ≤ file date."""
    rubrique = code.split("/")[0]
    block = rubrique[:10]

    def check(ctx):
        frame = table(ctx, block)
        if frame.empty:
            return None
        natures = nature_in(ctx, frame, MENSUELLES)
        limit = declaration_attribute(ctx, frame, "month_end" if monthly else "file_date")
        late = truth(day(frame, rubrique) > pd.to_datetime(limit))
        scope = natures if monthly else ~natures & truth(declaration_attribute(ctx, frame, "nature").notna())
        if only is not None:
            scope = scope & only(frame)
        return found(ctx, block, frame, scope & late, rubrique)
    check.__name__ = "datation_" + rubrique.replace(".", "_")
    return check


for _code in MONTHLY_DATES:
    rule(_code, scope="rubrique", test=TEST + "test_fails")(_datation(_code, True))
for _code in EVENT_DATES:
    rule(_code, scope="rubrique", test=TEST + "test_fails")(_datation(_code, False))
rule("S21.G00.51.002/SIG-14", scope="rubrique", test=TEST + "test_fails")(
    _datation("S21.G00.51.002/SIG-14", True, only=lambda frame: isin(frame, "S21.G00.51.011", DATED_PAY_TYPES)))


# ---------------------------------------------------------------------------------------------------------
# Déclaration, entreprise, établissement, versement OPS

@rule("S20.G00.05.010/SIG-11", scope="block", test=TEST + "test_fails")
def pacific_franc_needs_pacific_postcode(ctx):
    decl = ctx.table("S20.G00.05")
    company = ctx.table("S21.G00.06")
    postcodes = pd.Series(txt(company, "S21.G00.06.005").to_numpy(), index=company["declaration_id"].to_numpy())
    postcode = by_id(decl["id"], postcodes[~postcodes.index.duplicated()])  # a repeated entreprise: the first
    postcode = postcode.astype("string")
    other = truth(postcode.notna()) & ~truth(postcode.str[:3].isin(["986", "987", "988"]))  # absent: not "other"
    return found(ctx, "S20.G00.05", decl, isin(decl, "S20.G00.05.010", ["02"]) & other, "S20.G00.05.010")


@rule("S21.G00.06.012/SIG-11", scope="block", test=TEST + "test_fails")
def foreign_company_location(ctx):
    company = ctx.table("S21.G00.06")
    foreign = truth(has(company, "S21.G00.06.010") & (txt(company, "S21.G00.06.010") != "FR"))
    return found(ctx, "S21.G00.06", company, foreign & ~has(company, "S21.G00.06.012"), "S21.G00.06.012")


@rule("S21.G00.11.019/SIG-11", scope="block", test=TEST + "test_fails")
def tese_cea_membership_date(ctx):
    etab = ctx.table(ETABLISSEMENT)
    envoi = ctx.table("S10.G00.00")
    editor = etab["envoi_id"].map(pd.Series(txt(envoi, "S10.G00.00.002").to_numpy(), index=envoi["id"]))
    tese = truth(editor.astype("string").str.strip().str.upper().isin(["TESE", "CEA"]))
    return found(ctx, ETABLISSEMENT, etab, tese & nature_in(ctx, etab, ["01"]) & ~has(etab, "S21.G00.11.019"),
                 "S21.G00.11.019")


@rule("S21.G00.20.010/SIG-13", scope="block", test=TEST + "test_fails")
def sepa_debit_needs_bic(ctx):
    versement = ctx.table("S21.G00.20")
    return found(ctx, "S21.G00.20", versement, isin(versement, "S21.G00.20.010", ["05"])
                 & ~has(versement, "S21.G00.20.003"), "S21.G00.20.010")


@rule("S21.G00.20.010/SIG-14", scope="block", test=TEST + "test_fails")
def other_payer_mode(ctx):
    versement = ctx.table("S21.G00.20")
    etab = ctx.table(ETABLISSEMENT)
    company = ctx.table("S21.G00.06")
    siren = etab["entreprise_id"].map(pd.Series(txt(company, "S21.G00.06.001").to_numpy(), index=company["id"]))
    siret = pd.Series((siren.astype("string") + txt(etab, "S21.G00.11.001")).to_numpy(), index=etab["id"])
    own = versement["etablissement_id"].map(siret).astype("string")
    other = truth(has(versement, "S21.G00.20.012") & (txt(versement, "S21.G00.20.012") != own))
    return found(ctx, "S21.G00.20", versement, other & ~isin(versement, "S21.G00.20.010", ["06"]), "S21.G00.20.010")


# ---------------------------------------------------------------------------------------------------------
# Contrat and retraite complémentaire

def _pension_codes(ctx) -> pd.DataFrame:
    """One row per retraite complémentaire block: its contrat and individu ids and its régime code (71.002)."""
    pension = ctx.table("S21.G00.71")
    return pd.DataFrame({"contrat_id": pension["contrat_id"], "individu_id": pension["individu_id"],
                         "code": txt(pension, "S21.G00.71.002")})


@rule("S21.G00.40.003/SIG-12", scope="block", test=TEST + "test_fails")
def ircantec_crpnpac_status(ctx):
    contrat = ctx.table(CONTRAT)
    pension = _pension_codes(ctx)
    special = pension.loc[truth(pension["code"].isin(["IRCANTEC", "CRPNPAC"])), "contrat_id"]
    return found(ctx, CONTRAT, contrat, contrat["id"].isin(special)
                 & ~isin(contrat, "S21.G00.40.003", ["04", "98", "99"]), "S21.G00.40.003")


@rule("S21.G00.40.003/SIG-15", scope="block", test=TEST + "test_fails")
def executive_extension_status(ctx):
    contrat = ctx.table(CONTRAT)
    return found(ctx, CONTRAT, contrat, isin(contrat, "S21.G00.40.003", ["02"])
                 & ~isin(contrat, "S21.G00.40.002", ["05"]), "S21.G00.40.003")


@rule("S21.G00.40.005/SIG-20", scope="block", test=TEST + "test_fails")
def pilot_complement(ctx):
    contrat = ctx.table(CONTRAT)
    pilot = isin(contrat, "S21.G00.40.004", ["546d"])
    complement = isin(contrat, "S21.G00.40.005", ["546dN", "546dM"])
    return found(ctx, CONTRAT, contrat, (pilot & ~complement) | (~pilot & complement), "S21.G00.40.005")


@rule("S21.G00.40.011/SIG-14", scope="block", test=TEST + "test_fails")
def vacation_unit_only_dockers(ctx):
    contrat = ctx.table(CONTRAT)
    return found(ctx, CONTRAT, contrat, isin(contrat, "S21.G00.40.011", ["32"])
                 & ~isin(contrat, "S21.G00.40.005", ["49"]), "S21.G00.40.011")


@rule("S21.G00.40.021/SIG-11", scope="block", test=TEST + "test_fails")
def fixed_term_reason(ctx):
    contrat = ctx.table(CONTRAT)
    return found(ctx, CONTRAT, contrat, isin(contrat, "S21.G00.40.007", ["02", "03", "92"])
                 & isin(contrat, "S21.G00.40.008", ["99"]) & ~has(contrat, "S21.G00.40.021"), "S21.G00.40.021")


@rule("S21.G00.40.029/SIG-12", scope="block", test=TEST + "test_fails")
def public_employer_unemployment_management(ctx):
    contrat = ctx.table(CONTRAT)
    etab = ctx.table(ETABLISSEMENT)
    legal = contrat["etablissement_id"].map(pd.Series(txt(etab, "S21.G00.11.017").to_numpy(), index=etab["id"]))
    return found(ctx, CONTRAT, contrat, truth(legal.isin(["02", "03"])) & ~has(contrat, "S21.G00.40.029"),
                 "S21.G00.40.029")


@rule("S21.G00.40.043/SIG-11", scope="block", test=TEST + "test_fails")
def accident_rate_iff_risk(ctx):
    contrat = ctx.table(CONTRAT)
    mismatch = truth(isin(contrat, "S21.G00.40.040", ["999ZZ"])) == truth(has(contrat, "S21.G00.40.043"))
    return found(ctx, CONTRAT, contrat, mismatch & truth(model_allows(ctx, contrat, "S21.G00.40.043")),
                 "S21.G00.40.043")


@rule("S21.G00.71.002/SIG-11", scope="block", test=TEST + "test_fails")
def crpcen_needs_alsace_moselle(ctx):
    pension = ctx.table("S21.G00.71")
    local = by_contract_id(ctx, pension, "S21.G00.40.016").astype("string")
    return found(ctx, "S21.G00.71", pension, isin(pension, "S21.G00.71.002", ["CRPCEN"]) & truth(local != "01"),
                 "S21.G00.71.002")


@rule("S21.G00.71.002/SIG-14", scope="block", test=TEST + "test_fails")
def crpcen_base_regime_without_complementary(ctx):
    pension = ctx.table("S21.G00.71")
    regime = by_contract_id(ctx, pension, "S21.G00.40.020").astype("string")
    return found(ctx, "S21.G00.71", pension, truth(regime == "140") & ~isin(pension, "S21.G00.71.002", ["90000"]),
                 "S21.G00.71.002")


@rule("S21.G00.71.003/SIG-11", scope="block", test=TEST + "test_fails")
def ircantec_employer_reference(ctx):
    pension = ctx.table("S21.G00.71")
    return found(ctx, "S21.G00.71", pension, isin(pension, "S21.G00.71.002", ["IRCANTEC"])
                 != has(pension, "S21.G00.71.003"), "S21.G00.71.003")


@rule("S21.G00.72.002/SIG-12", scope="block", test=TEST + "test_fails")
def wrong_ircantec_employer_reference(ctx):
    wrong = table(ctx, "S21.G00.72")
    return found(ctx, "S21.G00.72", wrong, isin(wrong, "S21.G00.72.001", ["IRCANTEC"]) != has(wrong, "S21.G00.72.002"),
                 "S21.G00.72.002")


@rule("S89.G00.91.018/SIG-12", scope="block", test=TEST + "test_fails")
def non_employee_executive_extension(ctx):
    other = table(ctx, "S89.G00.91")
    if other.empty:
        return None
    return found(ctx, "S89.G00.91", other, isin(other, "S89.G00.91.018", ["02"])
                 & ~isin(other, "S89.G00.91.017", ["05"]), "S89.G00.91.018")


# ---------------------------------------------------------------------------------------------------------
# Rémunération and activité

@rule("S21.G00.51.012/SIG-11", scope="block", test=TEST + "test_fails")
def hours_required(ctx):
    rem = ctx.table("S21.G00.51")
    return found(ctx, "S21.G00.51", rem, isin(rem, "S21.G00.51.011", HOUR_TYPES) & ~has(rem, "S21.G00.51.012"),
                 "S21.G00.51.012")


@rule("S21.G00.51.012/SIG-13", scope="block", test=TEST + "test_fails")
def hours_forbidden(ctx):
    rem = ctx.table("S21.G00.51")
    return found(ctx, "S21.G00.51", rem, isin(rem, "S21.G00.51.011", REQUIRED_TYPES) & has(rem, "S21.G00.51.012"),
                 "S21.G00.51.012")


@rule("S21.G00.51.013/SIG-11", scope="block", test=TEST + "test_fails")
def gross_pay_needs_uncapped_base(ctx):
    rem = ctx.table("S21.G00.51")
    base = ctx.table("S21.G00.78")
    uncapped = base.loc[isin(base, "S21.G00.78.001", ["03"]), "versement_individu_id"]
    gross = isin(rem, "S21.G00.51.011", ["001"]) & truth(num(rem, "S21.G00.51.013").fillna(0) != 0)
    return found(ctx, "S21.G00.51", rem, gross & ~rem["versement_individu_id"].isin(uncapped), "S21.G00.51.013")


def _activity_contract(ctx, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return ctx.table("S21.G00.53"), contract_by_number(ctx, "S21.G00.53", codes)


@rule("S21.G00.53.003/SIG-11", scope="block", test=TEST + "test_fails")
def crpnpac_day_unit(ctx):
    contrat = ctx.table(CONTRAT)
    activity, contract = _activity_contract(ctx, [])
    with_day = contract.loc[isin(activity, "S21.G00.53.003", ["38"]), "contrat_id"]
    paid = ctx.table("S21.G00.50")["individu_id"]
    crew = isin(contrat, "S21.G00.40.004", ["389b", "546d"]) & contrat["individu_id"].isin(paid)
    return found(ctx, CONTRAT, contrat, crew & ~contrat["id"].isin(with_day.dropna()), "S21.G00.40.004").assign(
        rubrique="S21.G00.53.003")


@rule("S21.G00.53.003/SIG-13", scope="block", test=TEST + "test_fails")
def vacation_activity_only_dockers(ctx):
    activity, contract = _activity_contract(ctx, ["S21.G00.40.005"])
    other = truth(contract["contrat_id"].notna() & ~contract["S21.G00.40.005"].isin(["49"]))
    return found(ctx, "S21.G00.53", activity, isin(activity, "S21.G00.53.003", ["32"]) & other, "S21.G00.53.003")


# ---------------------------------------------------------------------------------------------------------
# Arrêt, suspension, temps partiel thérapeutique

@rule("S21.G00.60.001/SIG-13", scope="block", test=TEST + "test_fails")
def therapeutic_part_time_block(ctx):
    arret = ctx.table("S21.G00.60")
    return found(ctx, "S21.G00.60", arret, isin(arret, "S21.G00.60.001", ["15", "16", "17", "18"])
                 & missing_child(arret, ctx.table("S21.G00.66"), "arret_id"), "S21.G00.60.001")


@rule("S21.G00.60.012/SIG-14", scope="block", test=TEST + "test_fails")
def accident_after_contract_start(ctx):
    arret = ctx.table("S21.G00.60")
    start = pd.to_datetime(by_contract_id(ctx, arret, "S21.G00.40.001"))
    return found(ctx, "S21.G00.60", arret, truth(day(arret, "S21.G00.60.012") < start), "S21.G00.60.012")


@rule("S21.G00.65.001/SIG-11", scope="block", test=TEST + "test_fails")
def unemployment_suspension_needs_hours(ctx):
    suspension = ctx.table("S21.G00.65")
    rem = ctx.table("S21.G00.51")
    with_hours = rem.loc[isin(rem, "S21.G00.51.011", ["019", "025"]), "individu_id"]
    return found(ctx, "S21.G00.65", suspension, nature_in(ctx, suspension, ["01"])
                 & isin(suspension, "S21.G00.65.001", ["507", "602"]) & ~suspension["individu_id"].isin(with_hours),
                 "S21.G00.65.001")


@rule("S21.G00.66.002/SIG-11", scope="block", test=TEST + "test_fails")
def therapeutic_period_order(ctx):
    part_time = ctx.table("S21.G00.66")
    return found(ctx, "S21.G00.66", part_time, day(part_time, "S21.G00.66.002") < day(part_time, "S21.G00.66.001"),
                 "S21.G00.66.002")


# ---------------------------------------------------------------------------------------------------------
# Bases assujetties and composants

@rule("S21.G00.78.001/SIG-18", scope="block", test=TEST + "test_fails")
def crpnpac_needs_crpnpac_base(ctx):
    pension = ctx.table("S21.G00.71")
    base = ctx.table("S21.G00.78")
    with_base = base.loc[isin(base, "S21.G00.78.001", ["41", "42"]), "individu_id"]
    paid = ctx.table("S21.G00.50")["individu_id"]
    return found(ctx, "S21.G00.71", pension, isin(pension, "S21.G00.71.002", ["CRPNPAC"])
                 & pension["individu_id"].isin(paid) & ~pension["individu_id"].isin(with_base),
                 "S21.G00.71.002").assign(rubrique="S21.G00.78.001")


@rule("S21.G00.78.001/SIG-19", scope="block", test=TEST + "test_fails")
def capped_and_uncapped_together(ctx):
    base = ctx.table("S21.G00.78")
    code = txt(base, "S21.G00.78.001")
    start, end = day(base, "S21.G00.78.002"), day(base, "S21.G00.78.003")
    inside = truth(start >= pd.to_datetime(declaration_attribute(ctx, base, "month_start"))) & truth(
        end <= pd.to_datetime(declaration_attribute(ctx, base, "month_end")))
    keys = pd.MultiIndex.from_arrays([base["versement_individu_id"], code, start, end])
    partner = pd.MultiIndex.from_arrays([base["versement_individu_id"], code.map({"02": "03", "03": "02"}), start, end])
    return found(ctx, "S21.G00.78", base, truth(code.isin(["02", "03"])) & inside & ~partner.isin(keys),
                 "S21.G00.78.001")


@rule("S21.G00.78.001/SIG-23", scope="block", test=TEST + "test_fails")
def base_31_not_repeated(ctx):
    base = ctx.table("S21.G00.78")
    cotisation = ctx.table("S21.G00.81")
    oc = cotisation.loc[isin(cotisation, "S21.G00.81.001", ["059"])]
    amount = num(oc, "S21.G00.81.004").groupby(oc["base_assujettie_id"]).sum(min_count=1)
    sign = base["id"].map(amount.dropna() >= 0)  # no amount, no sign
    aff = ctx.table("S21.G00.70")
    missions = pd.MultiIndex.from_arrays([aff["individu_id"], txt(aff, "S21.G00.70.012")])[
        truth(by_contract_id(ctx, aff, "S21.G00.40.007").astype("string") == "03")]
    ident = txt(base, "S21.G00.78.005")
    mission = pd.MultiIndex.from_arrays([base["individu_id"], ident]).isin(missions)
    # a missing affiliation id or sign is not "the same" as another one: those bases are not compared
    is31 = truth(nature_in(ctx, base, ["01"]) & isin(base, "S21.G00.78.001", ["31"]) & ident.notna() & sign.notna())
    twice = later_duplicates(base, [base["versement_individu_id"], day(base, "S21.G00.78.002"),
                                    day(base, "S21.G00.78.003"), ident, sign]) & is31
    return found(ctx, "S21.G00.78", base, is31 & twice & ~mission, "S21.G00.78.001")


@rule("S21.G00.78.003/SIG-11", scope="block", test=TEST + "test_fails")
def base_31_one_calendar_month(ctx):
    base = ctx.table("S21.G00.78")
    start, end = day(base, "S21.G00.78.002"), day(base, "S21.G00.78.003")
    other_month = truth(start.dt.to_period("M") != end.dt.to_period("M")) & truth(start.notna() & end.notna())
    return found(ctx, "S21.G00.78", base, isin(base, "S21.G00.78.001", ["31"]) & other_month, "S21.G00.78.003")


@rule("S21.G00.78.003/SIG-17", scope="block", test=TEST + "test_fails")
def base_31_within_contract_activity(ctx):
    base = ctx.table("S21.G00.78")
    aff = ctx.table("S21.G00.70")
    oc = base.loc[truth(isin(base, "S21.G00.78.001", ["31"]) & has(base, "S21.G00.78.005"))]
    ends = contract_end(ctx)["effective_end"]
    links = pd.DataFrame({"individu_id": aff["individu_id"], "ident": txt(aff, "S21.G00.70.012"),
                          "nature": by_contract_id(ctx, aff, "S21.G00.40.007").astype("string"),
                          "start": pd.to_datetime(by_contract_id(ctx, aff, "S21.G00.40.001")),
                          "end": pd.to_datetime(by_id(aff["contrat_id"], ends)).fillna(
                              pd.to_datetime(declaration_attribute(ctx, aff, "month_end")))})
    pairs = pd.DataFrame({"row": oc.index, "individu_id": oc["individu_id"].to_numpy(),
                          "ident": txt(oc, "S21.G00.78.005").to_numpy(),
                          "from": day(oc, "S21.G00.78.002").to_numpy(), "to": day(oc, "S21.G00.78.003").to_numpy()})
    pairs = pairs.merge(links, on=["individu_id", "ident"])
    pairs["inside"] = truth(pairs["from"] >= pairs["start"]) & truth(pairs["to"] <= pairs["end"])
    pairs["mission"] = truth(pairs["nature"] == "03")
    per_base = pairs.groupby("row").agg(inside=("inside", "any"), missions=("mission", "all"))
    bad = per_base.index[~per_base["inside"] & ~per_base["missions"]]
    return found(ctx, "S21.G00.78", base, base.index.isin(bad), "S21.G00.78.002")


def _composant(ctx) -> tuple[pd.DataFrame, pd.Series]:
    composant = ctx.table("S21.G00.79")
    return composant, isin(composant, "S21.G00.79.001", ["23"])


@rule("S21.G00.79.001/SIG-18", scope="block", test=TEST + "test_fails")
def no_composant_alone(ctx):
    composant, empty = _composant(ctx)
    siblings = composant.groupby("base_assujettie_id")["id"].transform("size")
    return found(ctx, "S21.G00.79", composant, empty & truth(siblings > 1), "S21.G00.79.001")


@rule("S21.G00.79.001/SIG-19", scope="block", test=TEST + "test_fails")
def no_composant_zero_amount(ctx):
    composant, empty = _composant(ctx)
    return found(ctx, "S21.G00.79", composant, empty & nonzero(composant, "S21.G00.79.004"), "S21.G00.79.004")

