"""Affiliations S21.G00.70 against their adhésion and the contract's options, populations and validity."""
from __future__ import annotations

from rules.registry import Finding, rule

from .dsn import french_date, lines_of, over_view

TEST = "tests/rules/fpoc/test_controls.py::"


def _codes(values) -> str:
    return ", ".join(sorted(v or "(aucun)" for v in values)) or "(aucun)"


@rule("FPOC-AFF-01", scope="rubrique",
      message="L'affiliation {ident} renvoie à l'adhésion {value} qui n'est déclarée dans aucun bloc S21.G00.15 "
              "de l'établissement",
      description="Each affiliation's 70.013 must be the 15.005 of an adhésion of its establishment "
                  "(also the official S21.G00.70.013/CCH-11).",
      test=TEST + "test_affiliation_to_an_undeclared_adhesion")
@over_view
def affiliation_without_adhesion(ctx, fpoc):
    """Affiliations whose 70.013 matches no 15.005 of the establishment."""
    yield from (Finding(line=a.lines_of.get("S21.G00.70.013", a.line), instance=a.instance, rubrique="S21.G00.70.013",
                    value=a.adhesion_ident, lines=(a.line,), fields={"ident": a.ident or "?"})
            for a in fpoc.affiliations if a.adhesion is None and a.establishment.covered)


@rule("FPOC-AFF-02", scope="rubrique",
      message="Option « {value} » inconnue pour le contrat {contract} : options de la fiche FPOC {expected}",
      description="The option 70.004 must be an option of the adhésion's contract in the referential.",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def unknown_option(ctx, fpoc):
    """Affiliations whose option is not an option of the contract."""
    for a in fpoc.affiliations:
        if a.adhesion is None or not a.adhesion.resolved:
            continue
        options = {p.option_code for p in a.adhesion.lines}
        if a.option not in options:
            yield Finding(
                line=a.lines_of.get("S21.G00.70.004", a.line), instance=a.instance, rubrique="S21.G00.70.004",
                value=a.option, lines=(a.line, a.adhesion.line),
                fields={"contract": a.adhesion.reference, "expected": _codes(options)})


@rule("FPOC-AFF-03", scope="rubrique",
      message="Population « {value} » non prévue pour l'option {option} du contrat {contract} : populations de "
              "la fiche FPOC {expected}",
      description="The (option 70.004, population 70.005) pair must be a line of the adhésion's contract.",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def population_not_allowed(ctx, fpoc):
    """Affiliations with a known option but a population the contract does not have for it."""
    for a in fpoc.affiliations:
        if a.adhesion is None or not a.adhesion.resolved:
            continue
        populations = {p.population_code for p in a.adhesion.lines if p.option_code == a.option}
        if populations and a.population not in populations:
            yield Finding(
                line=a.lines_of.get("S21.G00.70.005", a.line), instance=a.instance, rubrique="S21.G00.70.005",
                value=a.population, lines=(a.line, a.adhesion.line),
                fields={"contract": a.adhesion.reference, "option": a.option or "(aucune)",
                        "expected": _codes(populations)})


@rule("FPOC-AFF-04", scope="rubrique",
      message="L'affiliation au contrat {contract} {what} le {value}, hors de la période de validité du contrat "
              "dans la fiche FPOC (du {start} au {end})",
      description="The affiliation's start (70.014) and end (70.015) must lie within the contract's validity "
                  "(all its lines for the establishment).",
      test=TEST + "test_affiliation_dates_outside_the_contract")
@over_view
def affiliation_dates(ctx, fpoc):
    """Affiliations starting before the contract or ending after it."""
    for a in fpoc.affiliations:
        if a.adhesion is None or not a.adhesion.resolved:
            continue
        known = a.adhesion.known
        start = min(p.valid_from for p in known)
        end = None if any(p.valid_to is None for p in known) else max(p.valid_to for p in known)
        checks = (("S21.G00.70.014", "commence", a.start, a.start is not None and a.start < start),
                  ("S21.G00.70.015", "se termine", a.end, a.end is not None and end is not None and a.end > end))
        for rubrique, what, value, wrong in checks:
            if wrong:
                yield Finding(
                    line=a.lines_of.get(rubrique, a.line), instance=a.instance, rubrique=rubrique,
                    value=french_date(value), lines=lines_of(a.line, a.adhesion.line),
                    fields={"contract": a.adhesion.reference, "what": what, "start": french_date(start),
                            "end": french_date(end)})
