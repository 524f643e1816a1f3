"""Bases 31 (S21.G00.78) against the affiliations and the composants the contract expects (S21.G00.79)."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from rules.fpoc.model import ExpectedComposant
from rules.registry import Finding, rule

from .dsn import BASE, OC_BASE, VERSEMENT_INDIVIDU, decimal, lines_of, over_view

TEST = "tests/rules/fpoc/test_controls.py::"
NO_COMPOSANT = "23"  # "sans composant de base assujettie en paie": nothing to compare
CAPPED, GROSS = "02", "03"  # S21.G00.78.001: assiette brute plafonnée, assiette brute déplafonnée
GROSS_PAY = ("10", "11")  # salaire brut, tranche A: zero only when the gross pay is
#: Tranche composant → number of plafonds below which it is zero (oc-domain.md §3.3: TB from 1 PMSS, TC from 4;
#: T2 and T2 unifiée, in Agirc-Arrco terms, from 1).
ABOVE_CEILINGS = {"12": 1, "13": 1, "24": 1, "14": 4}
FLAT_BASE, FLAT_AMOUNT = "18", "20"  # base forfaitaire, montant forfaitaire: not pay-dependent


@rule("FPOC-BAS-01", scope="rubrique",
      message="La base 31 renvoie à l'affiliation {value}, absente des affiliations S21.G00.70 du salarié",
      description="Each base 31 must be linked to an affiliation of the employee (78.005 = 70.012; also the "
                  "official S21.G00.78.005/CCH-11).",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def base_without_affiliation(ctx, fpoc):
    """Bases 31 whose 78.005 matches no 70.012 of the employee."""
    yield from (Finding(line=b.ident_line or b.line, instance=b.instance, rubrique="S21.G00.78.005", value=b.ident,
                    lines=(b.line,))
            for b in fpoc.bases if b.affiliation is None and b.establishment.covered)


@rule("FPOC-BAS-02", scope="block",
      message="L'affiliation {ident} au contrat {contract} n'a pas de base assujettie 31 pour le mois",
      description="Each affiliation in force during the month of an employee paid that month needs its base 31 "
                  "(78.001 = 31, 78.005 = 70.012).",
      test=TEST + "test_affiliation_without_base31")
@over_view
def affiliation_without_base(ctx, fpoc):
    """Affiliations of paid employees with no base 31 pointing to them."""
    linked = {(b.individu, b.ident) for b in fpoc.bases}
    versements = ctx.table(VERSEMENT_INDIVIDU)
    paid = set(versements["individu_id"]) if not versements.empty else set()
    for a in fpoc.affiliations:
        month = a.establishment.month
        if (a.adhesion is None or not a.adhesion.resolved or a.individu not in paid
                or (a.individu, a.ident) in linked or (a.end is not None and month and a.end < month)):
            continue
        yield Finding(instance=a.instance, rubrique=BASE + ".005", value=a.ident,
                                lines=lines_of(a.line, a.adhesion.line),
                                fields={"ident": a.ident or "?", "contract": a.adhesion.reference})


def _month_pay(ctx) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """Base 31 instance → (capped, gross): Σ of the bases 02 and 03 of the same S21.G00.50 and month, None when
    there is none or one of their amounts is missing."""
    frame = ctx.table(BASE)
    if frame.empty:
        return {}
    months = frame["S21.G00.78.002"].dt.strftime("%Y%m")
    codes = frame["S21.G00.78.001"].fillna("")  # a missing code is no code (``NA in (…)`` would raise)
    sums: dict = {}
    for parent, month, code, amount in zip(frame["versement_individu_id"], months, codes, frame["S21.G00.78.004"]):
        if code in (CAPPED, GROSS) and not pd.isna(month):
            key, value = (int(parent), month, code), decimal(amount)
            known = sums.get(key, Decimal(0))
            sums[key] = None if known is None or value is None else known + value
    return {int(i): (sums.get((int(parent), month, CAPPED)), sums.get((int(parent), month, GROSS)))
            for i, parent, month, code in zip(frame["id"], frame["versement_individu_id"], months, codes)
            if code == OC_BASE and not pd.isna(month)}


def _non_zero(composant: ExpectedComposant, capped: Decimal | None, gross: Decimal | None) -> bool | None:
    """Whether the composant's base is non-zero for the month's pay; None when the file cannot tell (no or
    negative bases 02/03, contract-defined tranches TD/TD1, specific bases 17/19/21)."""
    code = composant.type_code
    if code == FLAT_BASE:
        return True
    if code == FLAT_AMOUNT:
        return None if composant.amount is None else composant.amount != 0
    if gross is None or gross < 0:
        return None
    if code in GROSS_PAY:
        return gross > 0
    if code in ABOVE_CEILINGS and capped is not None and capped >= 0:
        return gross > capped and gross > ABOVE_CEILINGS[code] * capped
    return None


def _composant_gaps(ctx, fpoc):
    """For each base 31 whose declared composant types differ from its contract line's: (base, missing types
    whose base is non-zero, missing types the file cannot judge, types the line does not list). A missing type
    whose base is zero for the month (tranche B below the plafond…) is not expected (the norm, S21.G00.79.001/
    CCH-11 and CCH-12, only requires one composant of type 10–21, 23 or 24)."""
    pay = _month_pay(ctx)
    for b in fpoc.bases:
        if b.affiliation is None:
            continue
        expected = b.affiliation.expected_composants()
        declared = [code for code, *_rest in b.composants]
        if not expected or NO_COMPOSANT in declared:
            continue
        capped, gross = pay.get(b.instance, (None, None))
        missing = [(c.type_code, _non_zero(c, capped, gross)) for c in expected if c.type_code not in declared]
        extra = [code for code in declared if code not in {c.type_code for c in expected}]
        yield (b, [code for code, due in missing if due], [code for code, due in missing if due is None], extra)


def _finding(b, detail: str) -> Finding:
    a = b.affiliation
    return Finding(instance=b.instance, rubrique="S21.G00.79.001",
                   value=", ".join(code or "?" for code, *_rest in b.composants),
                   lines=lines_of(b.line, *(c[2] for c in b.composants), a.line),
                   fields={"contract": a.adhesion.reference, "option": a.option or "-",
                           "population": a.population or "-", "detail": detail})


@rule("FPOC-BAS-03", scope="block",
      message="Composants de la base 31 du contrat {contract} ({option} / {population}) non conformes à la fiche "
              "FPOC : {detail} (types déclarés : {value})",
      description="A base 31 carries the composant types S21.G00.79.001 of the contract line (BrutPrev 10, "
                  "TAPrev 11, T2Prev 12, TBPrev 13, TCPrev 14, TDPrev 15, TD1Prev 16, T2UPrev 24, "
                  "BaseMontantSpecifique 17–21) whose base is non-zero for the month, and no other; type 23 (no "
                  "composant in payroll) is accepted alone. A tranche is zero when the gross pay (base 03) is not "
                  "above its plafonds (base 02: 1 for TB, T2, T2U; 4 for TC); a type the file cannot judge is "
                  "FPOC-BAS-04.",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def wrong_composants(ctx, fpoc):
    """Bases 31 missing an expected composant whose base is non-zero, or carrying an unexpected one."""
    for b, missing, _unknown, extra in _composant_gaps(ctx, fpoc):
        parts = []
        if missing:
            parts.append("type(s) attendu(s) absent(s) " + ", ".join(missing))
        if extra:
            parts.append("type(s) non prévu(s) " + ", ".join(c or "?" for c in extra))
        if parts:
            yield _finding(b, " ; ".join(parts))


@rule("FPOC-BAS-04", scope="block", severity="info",
      message="Base 31 du contrat {contract} ({option} / {population}) : type(s) de composant {detail} prévu(s) "
              "par la fiche FPOC non déclaré(s), contrôle non fait : le fichier ne permet pas de savoir si leur "
              "base est non nulle ce mois (types déclarés : {value})",
      description="Information: a composant type the contract line lists is not declared and the file cannot tell "
                  "whether its base is zero (no bases 02/03 of the month, tranche TD/TD1, specific base 17/19/21).",
      test=TEST + "test_composant_of_unknown_base_is_information")
@over_view
def unjudged_composants(ctx, fpoc):
    """Bases 31 missing an expected composant whose base the file cannot establish."""
    for b, _missing, unknown, _extra in _composant_gaps(ctx, fpoc):
        if unknown:
            yield _finding(b, ", ".join(unknown))
