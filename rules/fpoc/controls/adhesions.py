"""Adhésions S21.G00.15 against the referential: known contract, right organisme, nothing missing."""
from __future__ import annotations

from rules.registry import Finding, rule

from .dsn import french_date, lines_of, over_view, overlaps

TEST = "tests/rules/fpoc/test_controls.py::"


@rule("FPOC-ETA-01", scope="block", severity="warning",
      message="Aucune fiche de paramétrage FPOC ne couvre l'établissement {siret} : ses adhésions ne sont pas "
              "contrôlées",
      description="An establishment declaring adhésions that no sheet of the referential covers (SIREN + NIC).",
      test=TEST + "test_establishment_without_sheet_is_one_warning")
@over_view
def establishment_without_sheet(ctx, fpoc):
    """Establishments with adhésions but no sheet for their SIREN and NIC."""
    seen = {a.establishment.instance: a for a in fpoc.adhesions if not a.establishment.covered}
    for instance, adhesion in seen.items():
        yield Finding(instance=instance, lines=(adhesion.line,), fields={"siret": adhesion.establishment.siret})


@rule("FPOC-ADH-01", scope="block",
      message="Le contrat « {value} » de l'organisme {oc} n'existe pas dans la fiche de paramétrage FPOC de "
              "l'établissement {siret}{month}{detail}",
      description="Each adhésion (15.001 contract, 15.002 organisme) must be a contract of the referential in "
                  "force for the establishment (SIREN + NIC) during the declared month (S20.G00.05.005); a "
                  "signalement, which has no month, only needs a contract the sheet knows at some period.",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def unknown_adhesion(ctx, fpoc):
    """Adhésions whose contract reference has no referential line in force for the establishment and month."""
    for adhesion in fpoc.adhesions:
        if not adhesion.establishment.covered or adhesion.resolved:
            continue
        if adhesion.known and adhesion.establishment.month is None:  # a signalement: no month to date it by
            continue
        detail = ""
        if adhesion.known:
            periods = ", ".join(f"du {french_date(p.valid_from)} au {french_date(p.valid_to)}"
                                for p in adhesion.known)
            detail = f" (contrat paramétré {periods})"
        else:
            renamed = fpoc.referential.find_former(adhesion.reference or "", adhesion.oc or "",
                                                   adhesion.establishment.month)
            if renamed:
                detail = (f" (ancienne référence : déclarer « {renamed[0].contract.reference} » "
                          f"de l'organisme {renamed[0].organisme.code})")
        yield Finding(
            line=adhesion.lines_of.get("S21.G00.15.001", adhesion.line), instance=adhesion.instance,
            rubrique="S21.G00.15.001", value=adhesion.reference, lines=(adhesion.line,),
            fields={"oc": adhesion.oc or "?", "siret": adhesion.establishment.siret,
                    "month": f" pour le mois {adhesion.establishment.month:%m/%Y}" if adhesion.establishment.month else "",
                    "detail": detail})


@rule("FPOC-ADH-02", scope="rubrique",
      message="L'adhésion au contrat {contract} déclare l'organisme {value}{declared_delegataire} alors que la "
              "fiche FPOC attend l'organisme {expected}",
      description="The organisme (15.002) and délégataire (15.003) of a known contract must be those of the sheet.",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def wrong_organisme(ctx, fpoc):
    """Adhésions of a known contract declared with another organisme or délégataire."""
    for adhesion in fpoc.adhesions:
        if not adhesion.resolved or adhesion.matching:
            continue
        expected = sorted({p.organisme.code + (f" (délégataire {p.organisme.delegataire})"
                                               if p.organisme.delegataire else " (sans délégataire)")
                           for p in adhesion.in_force})
        wrong_oc = all(p.organisme.code != adhesion.oc for p in adhesion.in_force)
        rubrique = "S21.G00.15.002" if wrong_oc else "S21.G00.15.003"
        yield Finding(
            line=adhesion.lines_of.get(rubrique, adhesion.line), instance=adhesion.instance, rubrique=rubrique,
            value=adhesion.oc, lines=(adhesion.line,),
            fields={"contract": adhesion.reference, "expected": " ou ".join(expected),
                    "declared_delegataire": f" (délégataire {adhesion.delegataire})" if adhesion.delegataire
                    else " (sans délégataire)"})


@rule("FPOC-ADH-03", scope="block",
      message="Le contrat {contract} de l'organisme {oc} de la fiche FPOC (en vigueur au {start}) n'est pas "
              "déclaré en adhésion S21.G00.15 de l'établissement {siret}",
      description="Every referential contract in force for the establishment during the month must be declared "
                  "in an S21.G00.15 (with 15.004 = 02 when nobody is covered). Not reported when the "
                  "establishment declares an unknown contract of the same organisme (reported by FPOC-ADH-01).",
      test=TEST + "test_undeclared_contract_of_the_sheet")
@over_view
def missing_adhesion(ctx, fpoc):
    """Contracts of the sheet in force for an establishment but absent from its adhésions."""
    for instance, establishment in fpoc.establishments.items():
        if not establishment.covered or establishment.month is None:
            continue
        adhesions = fpoc.adhesions_of(instance)
        declared = {a.reference for a in adhesions}
        unknown_ocs = {a.oc for a in adhesions if not a.resolved}
        expected = {}
        for parameters in fpoc.referential.lines(establishment.siren, establishment.nic):
            if parameters.contract.reference not in declared and overlaps(parameters, establishment.month):
                expected.setdefault(parameters.contract.reference, parameters)
        for reference, parameters in expected.items():
            if parameters.organisme.code in unknown_ocs:
                continue
            yield Finding(
                instance=instance, rubrique="S21.G00.15.001", lines=lines_of(*(a.line for a in adhesions)),
                fields={"contract": reference, "oc": parameters.organisme.code, "siret": establishment.siret,
                        "start": french_date(max(parameters.valid_from, establishment.month))})

