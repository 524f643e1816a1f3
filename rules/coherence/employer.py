"""Coherence controls of the company (S21.G00.06) and establishment (S21.G00.11) blocks and of their side blocks:
coordonnées bancaires spécifiques (S21.G00.12), complément OETH (S21.G00.13, under the company), assujettissement
fiscal (S21.G00.44), cotisation établissement (S21.G00.82) and lieu de travail ou établissement utilisateur
(S21.G00.85, under the déclaration). The rules on the side blocks return at once when their block is absent."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..identifier_keys import luhn_valid, siret_valid
from ..registry import rule
from .conditions import (CONTRAT, ENTREPRISE, ETABLISSEMENT, address_findings, any_by, bad_address, birth_year, day,
                         declaration_attribute, declaration_rubrique, findings, found, has, isin, locality_findings,
                         main_year, num, table, truth, txt)

TEST = "tests/rules/coherence/test_employer.py::test_control"
NOT_APPLICABLE: dict[str, str] = {}


@rule("S21.G00.06.005/CCH-11", scope="block", test=TEST)
def company_address(ctx):
    return address_findings(ctx, ENTREPRISE, "S21.G00.06.005", "S21.G00.06.010", "S21.G00.06.011", by_model=True)


@rule("S21.G00.06.006/CCH-11", scope="block", test=TEST)
def company_locality(ctx):
    return locality_findings(ctx, ENTREPRISE, "S21.G00.06.005", "S21.G00.06.006")


@rule("S21.G00.11.004/CCH-11", scope="block", test=TEST)
def establishment_address(ctx):
    return address_findings(ctx, ETABLISSEMENT, "S21.G00.11.004", "S21.G00.11.015", "S21.G00.11.016")


@rule("S21.G00.11.005/CCH-11", scope="block", test=TEST)
def establishment_locality(ctx):
    return locality_findings(ctx, ETABLISSEMENT, "S21.G00.11.004", "S21.G00.11.005")


@rule("S21.G00.11.017/CCH-11", scope="block", test=TEST)
def legal_nature_iff_adhering_employer(ctx):
    etab, contrat = ctx.text(ETABLISSEMENT), ctx.text(CONTRAT)
    adhering = any_by(contrat, "etablissement_id", isin(contrat, "S21.G00.40.029", ["03", "04"]))
    needed = etab["id"].isin(adhering).to_numpy(dtype=bool)
    return findings(ctx, ETABLISSEMENT, needed != has(etab, "S21.G00.11.017"), "S21.G00.11.017")


@rule("S21.G00.11.024/CCH-11", scope="block", test=TEST)
def exit_request_only_without_individuals(ctx):
    etab = ctx.text(ETABLISSEMENT)
    kind = declaration_rubrique(ctx, etab, "S20.G00.05.002", typed=False)
    bad = has(etab, "S21.G00.11.024") & ~truth(kind.isin(["02", "05"]))
    return findings(ctx, ETABLISSEMENT, bad, "S21.G00.11.024")


# ---------------------------------------------------------------------------------------------------------
# Side blocks of the company and the establishment: S21.G00.12, 13, 44, 82, 85

BANQUE, OETH, FISCAL, COTISATION, LIEU = "S21.G00.12", "S21.G00.13", "S21.G00.44", "S21.G00.82", "S21.G00.85"
ADHESION = "S21.G00.15"
AMORCAGE, HIRING = "08", "01"


def _codes(*spans: tuple[int, int] | int) -> tuple[str, ...]:
    """Three-digit codes from inclusive ranges ``(first, last)`` and single numbers."""
    out: list[str] = []
    for span in spans:
        first, last = span if isinstance(span, tuple) else (span, span)
        out += [f"{n:03d}" for n in range(first, last + 1)]
    return tuple(out)


CIBTP_FUNDS = tuple(f"{n:02d}" for n in range(1, 38))  # RRC table: the CIBTP funds are codes 01 to 37
DUE_NEXT_MONTH = _codes((1, 7), (9, 12), (17, 20), (36, 40), 46, 90)  # 82.003/CCH-11
DUE_THIS_MONTH = _codes((21, 35), (41, 45), (47, 50), 54)  # 82.003/CCH-12
NOT_FOR_ADHESION = _codes((21, 23), (25, 35), (41, 45), (47, 50))  # 82.002/CCH-14
FOR_ADHESION = _codes((1, 20), (36, 40), 46, 90)  # 82.005/CCH-14
CIBTP_CONTRIBUTIONS = ("024", "054")  # 82.005/CCH-12
OETH_CODES = _codes((60, 68), (71, 73))  # 82.002/CCH-21
TAX_NEEDS_AMOUNT = ("005", "009", "015", "016")
TAX_WITHOUT_AMOUNT = ("002", "004", "006", "008", "010", "014")
NO_APPRENTICESHIP_TAX = "002"
ESTABLISHMENT, AT_HOME, PRIVATE_EMPLOYER = "01", "03", "05"
MAX_AGE = 120


# ---------------------------------------------------------------------------------------------------------
# S21.G00.12 Coordonnées bancaires spécifiques

@rule("S21.G00.12.001/CCH-11", scope="block", test=TEST)
def asp_aid_only_in_amorcage(ctx):
    bank = table(ctx, BANQUE)
    if bank.empty:
        return None
    bad = isin(bank, "S21.G00.12.001", ["01"]) & ~truth(declaration_attribute(ctx, bank, "nature") == AMORCAGE)
    return found(ctx, BANQUE, bank, bad, "S21.G00.12.001")


@rule("S21.G00.12.001/CCH-12", scope="block", test=TEST)
def asp_aid_only_on_hiring(ctx):
    bank = table(ctx, BANQUE)
    if bank.empty:
        return None
    trigger = declaration_rubrique(ctx, bank, "S20.G00.05.011", typed=False)
    bad = isin(bank, "S21.G00.12.001", ["01"]) & ~truth(trigger == HIRING)
    return found(ctx, BANQUE, bank, bad, "S21.G00.12.001")


@rule("S21.G00.12.001/CCH-13", scope="block", test=TEST)
def one_account_per_usage(ctx):
    """Per establishment and type d'usage, the (BIC, IBAN) couples must all be the same (a missing BIC is a
    value of the couple); the same couple declared twice is not a second account and is not reported."""
    bank = table(ctx, BANQUE)
    if bank.empty:
        return None
    keys = pd.DataFrame({"etab": bank["etablissement_id"].to_numpy(), "usage": txt(bank, "S21.G00.12.001").array,
                         "bic": txt(bank, "S21.G00.12.002").fillna("").array,
                         "iban": txt(bank, "S21.G00.12.003").fillna("").array}, index=bank.index)
    first = keys.groupby(["etab", "usage"], dropna=False)[["bic", "iban"]].transform("first")
    other = truth((first["bic"] != keys["bic"]) | (first["iban"] != keys["iban"]))
    return found(ctx, BANQUE, bank, other, "S21.G00.12.001")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.13 Complément OETH

@rule("S21.G00.13.003/CCH-11", scope="block", test=TEST)
def boeth_type_iff_count(ctx):
    oeth = table(ctx, OETH)
    return found(ctx, OETH, oeth, has(oeth, "S21.G00.13.002") != has(oeth, "S21.G00.13.003"), "S21.G00.13.003")


@rule("S21.G00.13.004/CCH-11", scope="block", test=TEST)
def oeth_year_not_after_main_month(ctx):
    oeth = table(ctx, OETH)
    if oeth.empty:
        return None
    return found(ctx, OETH, oeth, truth(num(oeth, "S21.G00.13.004") > main_year(ctx, oeth)), "S21.G00.13.004")


@rule("S21.G00.13.004/CCH-12", scope="block", test=TEST)
def oeth_year_not_alone(ctx):
    oeth = table(ctx, OETH)
    bad = has(oeth, "S21.G00.13.004") & ~has(oeth, "S21.G00.13.001") & ~has(oeth, "S21.G00.13.002")
    return found(ctx, OETH, oeth, bad, "S21.G00.13.004")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.44 Assujettissement fiscal

@rule("S21.G00.44.001/CCH-11", scope="block", test=TEST)
def taxed_needs_amount(ctx):
    tax = table(ctx, FISCAL)
    bad = isin(tax, "S21.G00.44.001", TAX_NEEDS_AMOUNT) & ~has(tax, "S21.G00.44.002")
    return found(ctx, FISCAL, tax, bad, "S21.G00.44.001")


@rule("S21.G00.44.001/CCH-12", scope="block", test=TEST)
def untaxed_has_no_amount(ctx):
    tax = table(ctx, FISCAL)
    bad = isin(tax, "S21.G00.44.001", TAX_WITHOUT_AMOUNT) & has(tax, "S21.G00.44.002")
    return found(ctx, FISCAL, tax, bad, "S21.G00.44.002")


@rule("S21.G00.44.003/CCH-11", scope="block", test=TEST)
def tax_year_not_after_main_month(ctx):
    tax = table(ctx, FISCAL)
    if tax.empty:
        return None
    return found(ctx, FISCAL, tax, truth(num(tax, "S21.G00.44.003") > main_year(ctx, tax)), "S21.G00.44.003")


@rule("S21.G00.44.004/CCH-11", scope="block", test=TEST)
def apprenticeship_reason_iff_not_taxed(ctx):
    tax = table(ctx, FISCAL)
    bad = isin(tax, "S21.G00.44.001", [NO_APPRENTICESHIP_TAX]) != has(tax, "S21.G00.44.004")
    return found(ctx, FISCAL, tax, bad, "S21.G00.44.004")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.82 Cotisation établissement

def _cotisation(ctx) -> tuple[pd.DataFrame, pd.Series]:
    cotisation = table(ctx, COTISATION)
    return cotisation, txt(cotisation, "S21.G00.82.002")


def _adhesion_ids(ctx, cotisation: pd.DataFrame, key: str) -> np.ndarray:
    """True where 82.005 is the technical id (15.005) of an adhésion of the same ``key`` (establishment or
    déclaration)."""
    adhesion = table(ctx, ADHESION)
    known = pd.MultiIndex.from_arrays([adhesion[key], txt(adhesion, "S21.G00.15.005")])
    return truth(pd.MultiIndex.from_arrays([cotisation[key], txt(cotisation, "S21.G00.82.005")]).isin(known))


@rule("S21.G00.82.002/CCH-14", scope="block", test=TEST)
def adhesion_reference_forbids_codes(ctx):
    cotisation, code = _cotisation(ctx)
    if cotisation.empty:
        return None
    # the adhésions are those of the same establishment (82 and 15 are both under S21.G00.11)
    reference = _adhesion_ids(ctx, cotisation, "etablissement_id") | isin(cotisation, "S21.G00.82.005", CIBTP_FUNDS)
    return found(ctx, COTISATION, cotisation, reference & truth(code.isin(NOT_FOR_ADHESION)), "S21.G00.82.002")


@rule("S21.G00.82.002/CCH-21", scope="block", test=TEST)
def oeth_period_in_one_year(ctx):
    cotisation, code = _cotisation(ctx)
    if cotisation.empty:
        return None
    start, end = day(cotisation, "S21.G00.82.003"), day(cotisation, "S21.G00.82.004")
    bad = truth(code.isin(OETH_CODES)) & truth(start.notna() & end.notna()) & truth(start.dt.year != end.dt.year)
    return found(ctx, COTISATION, cotisation, bad, "S21.G00.82.002")


def _unpaired(ctx, one: str, other: str) -> pd.DataFrame:
    """Cotisation établissement rows of code ``one`` (and of code ``other``) without a row of the other code for
    the same establishment and period (82.003, 82.004)."""
    cotisation, code = _cotisation(ctx)
    if cotisation.empty:
        return None
    keys = pd.MultiIndex.from_arrays([cotisation["etablissement_id"], txt(cotisation, "S21.G00.82.003"),
                                      txt(cotisation, "S21.G00.82.004")])
    is_one, is_other = truth(code == one), truth(code == other)
    bad = (is_one & ~truth(keys.isin(keys[is_other]))) | (is_other & ~truth(keys.isin(keys[is_one])))
    return found(ctx, COTISATION, cotisation, bad, "S21.G00.82.002")


@rule("S21.G00.82.002/CCH-22", scope="block", test=TEST)
def oeth_gross_with_net_before_cap(ctx):
    return _unpaired(ctx, "065", "066")


@rule("S21.G00.82.002/CCH-23", scope="block", test=TEST)
def oeth_net_before_with_after_cap(ctx):
    return _unpaired(ctx, "066", "067")


@rule("S21.G00.82.002/CCH-24", scope="block", test=TEST)
def oeth_due_with_gross(ctx):
    return _unpaired(ctx, "068", "065")


def _period_starts_by(codes: tuple[str, ...], bound: str):
    """82.003 (period start) of the contributions of ``codes`` no later than the declaration's ``bound``."""
    def check(ctx):
        cotisation, code = _cotisation(ctx)
        if cotisation.empty:
            return None
        late = day(cotisation, "S21.G00.82.003") > pd.to_datetime(declaration_attribute(ctx, cotisation, bound))
        return found(ctx, COTISATION, cotisation, truth(code.isin(codes)) & truth(late), "S21.G00.82.003")
    return check


rule("S21.G00.82.003/CCH-11", scope="block", test=TEST)(_period_starts_by(DUE_NEXT_MONTH, "next_month_end"))
rule("S21.G00.82.003/CCH-12", scope="block", test=TEST)(_period_starts_by(DUE_THIS_MONTH, "month_end"))


@rule("S21.G00.82.005/CCH-12", scope="block", test=TEST)
def cibtp_contribution_needs_fund(ctx):
    cotisation, code = _cotisation(ctx)
    bad = truth(code.isin(CIBTP_CONTRIBUTIONS)) & ~isin(cotisation, "S21.G00.82.005", CIBTP_FUNDS)
    return found(ctx, COTISATION, cotisation, bad, "S21.G00.82.005")


@rule("S21.G00.82.005/CCH-14", scope="block", test=TEST)
def contribution_references_adhesion(ctx):
    cotisation, code = _cotisation(ctx)
    if cotisation.empty:
        return None
    # "dans le ou l'un des blocs S21.G00.15 de la déclaration": any adhésion of the déclaration
    bad = truth(code.isin(FOR_ADHESION)) & ~_adhesion_ids(ctx, cotisation, "declaration_id")
    return found(ctx, COTISATION, cotisation, bad, "S21.G00.82.005")


@rule("S21.G00.82.006/CCH-11", scope="block", test=TEST)
def crm_only_for_past_periods(ctx):
    cotisation, _ = _cotisation(ctx)
    if cotisation.empty:
        return None
    # the period is before the main month when its end (82.004; its start when the end is missing) is
    end = day(cotisation, "S21.G00.82.004").fillna(day(cotisation, "S21.G00.82.003"))
    current = truth(end >= pd.to_datetime(declaration_attribute(ctx, cotisation, "month_start")))  # no period: not judged
    return found(ctx, COTISATION, cotisation, has(cotisation, "S21.G00.82.006") & current, "S21.G00.82.006")


# ---------------------------------------------------------------------------------------------------------
# S21.G00.85 Lieu de travail ou établissement utilisateur

def _lieu(ctx) -> tuple[pd.DataFrame, pd.Series]:
    lieu = table(ctx, LIEU)
    return lieu, txt(lieu, "S21.G00.85.010")


@rule("S21.G00.85.001/CCH-11", scope="block", test=TEST)
def establishment_place_siren_key(ctx):
    lieu, nature = _lieu(ctx)
    if lieu.empty:
        return None
    siren = txt(lieu, "S21.G00.85.001").str.slice(0, 9)
    return found(ctx, LIEU, lieu, truth(nature == ESTABLISHMENT) & ~luhn_valid(siren, 9), "S21.G00.85.001")


@rule("S21.G00.85.001/CCH-12", scope="block", test=TEST)
def establishment_place_siret_key(ctx):
    lieu, nature = _lieu(ctx)
    if lieu.empty:
        return None
    bad = truth(nature == ESTABLISHMENT) & ~siret_valid(txt(lieu, "S21.G00.85.001"))
    return found(ctx, LIEU, lieu, bad, "S21.G00.85.001")


@rule("S21.G00.85.001/CCH-13", scope="block", test=TEST)
def home_place_is_not_a_siret(ctx):
    lieu, nature = _lieu(ctx)
    if lieu.empty:
        return None
    bad = truth(nature == AT_HOME) & siret_valid(txt(lieu, "S21.G00.85.001"))
    return found(ctx, LIEU, lieu, bad, "S21.G00.85.001")


@rule("S21.G00.85.002/CCH-11", scope="block", test=TEST)
def establishment_place_needs_ape(ctx):
    lieu, nature = _lieu(ctx)
    return found(ctx, LIEU, lieu, truth(nature == ESTABLISHMENT) & ~has(lieu, "S21.G00.85.002"), "S21.G00.85.002")


@rule("S21.G00.85.002/CCH-12", scope="block", test=TEST)
def user_establishment_needs_ape(ctx):
    lieu, _ = _lieu(ctx)
    if lieu.empty:
        return None
    contrat = ctx.table(CONTRAT)
    users = pd.MultiIndex.from_arrays([contrat["declaration_id"], txt(contrat, "S21.G00.40.046")])
    used = truth(pd.MultiIndex.from_arrays([lieu["declaration_id"], txt(lieu, "S21.G00.85.001")]).isin(users))
    return found(ctx, LIEU, lieu, used & ~has(lieu, "S21.G00.85.002"), "S21.G00.85.002")


@rule("S21.G00.85.004/CCH-12", scope="block", test=TEST)
def place_address(ctx):
    lieu, _ = _lieu(ctx)
    if lieu.empty:
        return None
    # same wording, and the same reading, as the company and establishment addresses (employer.py)
    return found(ctx, LIEU, lieu, bad_address(lieu, "S21.G00.85.004", "S21.G00.85.006", "S21.G00.85.007"),
                 "S21.G00.85.004")


@rule("S21.G00.85.005/CCH-11", scope="block", test=TEST)
def place_locality(ctx):
    lieu, _ = _lieu(ctx)
    return found(ctx, LIEU, lieu, has(lieu, "S21.G00.85.004") & ~has(lieu, "S21.G00.85.005"), "S21.G00.85.005")


@rule("S21.G00.85.011/CCH-11", scope="block", test=TEST)
def place_commune_without_country(ctx):
    lieu, _ = _lieu(ctx)
    return found(ctx, LIEU, lieu, ~has(lieu, "S21.G00.85.006") & ~has(lieu, "S21.G00.85.011"), "S21.G00.85.011")


def _private_employer_iff(code: str):
    """Rubrique ``code`` of the lieu de travail is required for a particulier employeur (85.010 = 05) and
    forbidden otherwise."""
    def check(ctx):
        lieu, nature = _lieu(ctx)
        return found(ctx, LIEU, lieu, truth(nature == PRIVATE_EMPLOYER) != has(lieu, code), code)
    check.__name__ = f"private_employer_iff_{code[-3:]}"
    return check


for _code, _rubrique in [
        ("S21.G00.85.012/CCH-11", "S21.G00.85.012"), ("S21.G00.85.013/CCH-11", "S21.G00.85.013"),
        ("S21.G00.85.015/CCH-11", "S21.G00.85.015"), ("S21.G00.85.016/CCH-11", "S21.G00.85.016"),
        ("S21.G00.85.017/CCH-11", "S21.G00.85.017")]:
    rule(_code, scope="block", test=TEST)(_private_employer_iff(_rubrique))


@rule("S21.G00.85.014/CCH-11", scope="block", test=TEST)
def usage_name_only_for_private_employer(ctx):
    lieu, nature = _lieu(ctx)
    bad = truth(nature.notna()) & truth(nature != PRIVATE_EMPLOYER) & has(lieu, "S21.G00.85.014")
    return found(ctx, LIEU, lieu, bad, "S21.G00.85.014")


@rule("S21.G00.85.016/CCH-12", scope="block", test=TEST)
def private_employer_age(ctx):
    lieu = ctx.text(LIEU)
    if lieu.empty:
        return None
    # the "current year" of the norm's age checks: the year of the file date (S20.G00.05.007), as for 73.005
    year = birth_year(lieu["S21.G00.85.016"]).astype("float64")
    current = pd.to_datetime(declaration_attribute(ctx, lieu, "file_date")).dt.year
    return found(ctx, LIEU, lieu, truth(year > current) | truth(year <= current - MAX_AGE), "S21.G00.85.016")
