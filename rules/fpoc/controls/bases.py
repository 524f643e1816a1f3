"""Bases 31 (S21.G00.78) against the affiliations and the composants the contract expects (S21.G00.79)."""
from __future__ import annotations

from rules.registry import Finding, rule

from .dsn import BASE, VERSEMENT_INDIVIDU, lines_of, view

TEST = "tests/rules/fpoc/test_controls.py::"
NO_COMPOSANT = "23"  # "sans composant de base assujettie en paie": nothing to compare


@rule("FPOC-BAS-01", scope="rubrique",
      message="La base 31 renvoie à l'affiliation {value}, absente des affiliations S21.G00.70 du salarié",
      description="Each base 31 must be linked to an affiliation of the employee (78.005 = 70.012; also the "
                  "official S21.G00.78.005/CCH-11).",
      test=TEST + "test_injected_error_reports_its_code")
def base_without_affiliation(ctx):
    """Bases 31 whose 78.005 matches no 70.012 of the employee."""
    fpoc = view(ctx)
    if fpoc is None:
        return []
    return [Finding(line=b.ident_line or b.line, instance=b.instance, rubrique="S21.G00.78.005", value=b.ident,
                    lines=(b.line,))
            for b in fpoc.bases if b.affiliation is None and b.establishment.covered]


@rule("FPOC-BAS-02", scope="block",
      message="L'affiliation {ident} au contrat {contract} n'a pas de base assujettie 31 pour le mois",
      description="Each affiliation in force during the month of an employee paid that month needs its base 31 "
                  "(78.001 = 31, 78.005 = 70.012).",
      test=TEST + "test_affiliation_without_base31")
def affiliation_without_base(ctx):
    """Affiliations of paid employees with no base 31 pointing to them."""
    fpoc = view(ctx)
    if fpoc is None:
        return []
    linked = {(b.individu, b.ident) for b in fpoc.bases}
    versements = ctx.table(VERSEMENT_INDIVIDU)
    paid = set(versements["individu_id"]) if not versements.empty else set()
    findings = []
    for a in fpoc.affiliations:
        month = a.establishment.month
        if (a.adhesion is None or not a.adhesion.resolved or a.individu not in paid
                or (a.individu, a.ident) in linked or (a.end is not None and month and a.end < month)):
            continue
        findings.append(Finding(instance=a.instance, rubrique=BASE + ".005", value=a.ident,
                                lines=lines_of(a.line, a.adhesion.line),
                                fields={"ident": a.ident or "?", "contract": a.adhesion.reference}))
    return findings


@rule("FPOC-BAS-03", scope="block",
      message="Composants de la base 31 du contrat {contract} ({option} / {population}) non conformes à la fiche "
              "FPOC : {detail} (types déclarés : {value})",
      description="A base 31 carries exactly the composant types S21.G00.79.001 of the contract line (BrutPrev 10, "
                  "TAPrev 11, T2Prev 12, TBPrev 13, TCPrev 14, TDPrev 15, TD1Prev 16, T2UPrev 24, "
                  "BaseMontantSpecifique 17–21); type 23 (no composant in payroll) is accepted alone.",
      test=TEST + "test_injected_error_reports_its_code")
def wrong_composants(ctx):
    """Bases 31 missing an expected composant type or carrying an unexpected one."""
    fpoc = view(ctx)
    if fpoc is None:
        return []
    findings = []
    for b in fpoc.bases:
        if b.affiliation is None:
            continue
        expected = [c.type_code for c in b.affiliation.expected_composants()]
        declared = [code for code, *_rest in b.composants]
        if not expected or NO_COMPOSANT in declared:
            continue
        missing = [code for code in expected if code not in declared]
        extra = [code for code in declared if code not in expected]
        if not missing and not extra:
            continue
        parts = []
        if missing:
            parts.append("type(s) attendu(s) absent(s) " + ", ".join(missing))
        if extra:
            parts.append("type(s) non prévu(s) " + ", ".join(c or "?" for c in extra))
        a = b.affiliation
        findings.append(Finding(
            instance=b.instance, rubrique="S21.G00.79.001", value=", ".join(c or "?" for c in declared),
            lines=lines_of(b.line, *(c[2] for c in b.composants), a.line),
            fields={"contract": a.adhesion.reference, "option": a.option or "-", "population": a.population or "-",
                    "detail": " ; ".join(parts)}))
    return findings
