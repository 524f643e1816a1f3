"""Cotisations 059 (S21.G00.81) against the contract's rates and flat amounts."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from rules.registry import Finding, rule

from .dsn import Base31, decimal, euros, line, lines_of, over_view, rate_text

TEST = "tests/rules/fpoc/test_controls.py::"
FLAT_TYPES = ("20", "21")  # montant forfaitaire, montant libre: counted as they are
CENT = Decimal("0.01")


def contract_rate(base: Base31) -> Decimal | None:
    """The single rate of the contract line's rated composants (None when none, or several different)."""
    rates = {c.rate for c in base.affiliation.expected_composants() if c.rate is not None}
    return rates.pop() if len(rates) == 1 else None


def _rate_is_wrong(declared: Decimal | None, expected: Decimal | None) -> bool:
    return declared is not None and expected is not None and declared != expected


def expected_amount(base: Base31, declared_rate: Decimal | None) -> Decimal | None:
    """Σ composant × rate / 100 + flat amounts over the declared composants, to the cent.

    Rates come from the sheet; when the declared 81.007 differs from the contract rate (reported by FPOC-COT-01)
    the declared rate is used, so one wrong rate is one anomaly. Unexpected rated types use the declared rate.
    """
    expected = {c.type_code: c for c in base.affiliation.expected_composants()}
    wrong_rate = _rate_is_wrong(declared_rate, contract_rate(base))
    total = Decimal(0)
    for code, amount, *_lines in base.composants:
        if amount is None:
            return None
        composant = expected.get(code)
        if (composant is not None and composant.rate is None) or (composant is None and code in FLAT_TYPES):
            total += amount
            continue
        rate = declared_rate if composant is None or wrong_rate else composant.rate
        if rate is None:
            return None
        total += amount * rate / 100
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def _cotisations(fpoc):
    """(base 31, 059 cotisation row) of the bases whose contract line expects composants."""
    for base in fpoc.bases:
        if base.affiliation is not None and base.affiliation.expected_composants():
            for row in base.cotisations:
                yield base, row


@rule("FPOC-COT-01", scope="rubrique",
      message="Taux de cotisation {value} % du contrat {contract} ({population}) différent du taux de la fiche "
              "FPOC {expected}",
      description="The 059 rate 81.007 must equal the contract line's rate (when its rated composants share one).",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def wrong_rate(ctx, fpoc):
    """059 cotisations whose rate differs from the contract rate."""
    for base, row in _cotisations(fpoc):
        declared, expected = decimal(row.get("S21.G00.81.007")), contract_rate(base)
        if _rate_is_wrong(declared, expected):
            a = base.affiliation
            at = line(row.get("S21.G00.81.007#line"))
            yield Finding(
                line=at, instance=int(row["id"]), rubrique="S21.G00.81.007", value=f"{declared:f}",
                lines=lines_of(at, base.line, a.line),
                fields={"contract": a.adhesion.reference, "population": a.population or "-",
                        "expected": rate_text(expected)})


@rule("FPOC-COT-02", scope="rubrique",
      message="Montant de cotisation « {value} » du contrat {contract} ({population}) : attendu {expected}, "
              "déclaré {declared}, écart {difference}",
      description="The 059 amount 81.004 must equal Σ composant × rate / 100 + flat amounts within the tolerance "
                  "(ValidationOptions.tolerance, 0.01 € by default).",
      test=TEST + "test_injected_error_reports_its_code")
@over_view
def wrong_amount(ctx, fpoc):
    """059 cotisations whose amount is not the contract's computation."""
    for base, row in _cotisations(fpoc):
        declared = decimal(row.get("S21.G00.81.004"))
        expected = expected_amount(base, decimal(row.get("S21.G00.81.007")))
        if declared is None or expected is None or abs(declared - expected) <= ctx.options.tolerance:
            continue
        at = line(row.get("S21.G00.81.004#line"))
        a = base.affiliation
        yield Finding(
            line=at, instance=int(row["id"]), rubrique="S21.G00.81.004", value=f"{declared:.2f}",
            lines=lines_of(at, base.line, *(c[2] for c in base.composants), a.line),
            fields={"contract": a.adhesion.reference, "population": a.population or "-",
                    "expected": euros(expected), "declared": euros(declared),
                    "difference": euros(declared - expected)})


@rule("FPOC-COT-03", scope="rubrique", severity="warning",
      message="Montant forfaitaire « {value} » (composant {type}) du contrat {contract} : déclaré {declared}, "
              "la fiche FPOC prévoit {expected} pour l'option {option}",
      description="A composant the sheet gives as a Montant (BaseMontantSpecifique 20/21) must carry that amount.",
      test=TEST + "test_flat_amount_differs_from_the_sheet")
@over_view
def wrong_flat_amount(ctx, fpoc):
    """Flat composants whose 79.004 differs from the sheet's Montant."""
    for base in fpoc.bases:
        if base.affiliation is None:
            continue
        flats = {c.type_code: c.amount for c in base.affiliation.expected_composants() if c.amount is not None}
        for code, amount, block_line, at in base.composants:
            if code in flats and amount is not None and abs(amount - flats[code]) > ctx.options.tolerance:
                a = base.affiliation
                yield Finding(
                    line=at, instance=base.instance, rubrique="S21.G00.79.004", value=f"{amount:.2f}",
                    lines=lines_of(block_line, base.line, a.line),
                    fields={"type": code, "contract": a.adhesion.reference, "declared": euros(amount),
                            "expected": euros(flats[code]), "option": a.option or "-"})
