"""End-of-cover rule per contract (referential YAML ``products: affiliations:``) and portabilité length."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.products.affiliations_rules import end_rule, guarantee, months_rounded_up, portability_end
from rules.fpoc import load_referential

SHEET = """
sheets:
  - id: FP-AFF-1
    company: {{siren: "552100554"}}
    producer: {{code: P1030, name: Institution}}
    groups:
      - number: "1"
        label: Tous
        contracts:
          - reference: SANTE-1
            label: Frais de santé
            organism: P1030
            valid_from: 2025-01-01
{sante}
          - reference: PREV-1
            label: Prévoyance
            organism: P1030
            valid_from: 2025-01-01
{prev}
"""


def _referential(tmp_path, sante="", prev=""):
    path = tmp_path / "ref.yaml"
    path.write_text(SHEET.format(sante=sante, prev=prev), encoding="utf-8")
    result = load_referential(path)
    assert not result.errors, result.problems
    return result.referential


def test_default_rule_by_guarantee_and_the_contract_parameter(tmp_path):
    plain = _referential(tmp_path)
    assert end_rule(plain, "552100554", "SANTE-1", "P1030") == "fin_de_mois"
    assert end_rule(plain, "552100554", "PREV-1", "P1030") == "date_de_fin"
    given = _referential(tmp_path, sante="            products: {affiliations: {fin_de_couverture: date_de_fin}}",
                         prev="            products: {affiliations: {fin_de_couverture: fin_de_mois}}")
    assert end_rule(given, "552100554", "SANTE-1", "P1030") == "date_de_fin"
    assert end_rule(given, "552100554", "PREV-1", "P1030") == "fin_de_mois"


def test_guarantee_from_the_referential_else_from_the_label(tmp_path):
    plain = _referential(tmp_path)
    assert (guarantee(plain, "552100554", "SANTE-1", "P1030"), guarantee(plain, "552100554", "PREV-1", "P1030"),
            guarantee(plain, "552100554", "SANTE-1", "P9999")) == ("santé", "prévoyance", "santé")
    swapped = _referential(tmp_path, sante="            products: {affiliations: {garantie: prévoyance}}",
                           prev="            products: {affiliations: {garantie: sante}}")
    assert guarantee(swapped, "552100554", "SANTE-1", "P1030") == "prévoyance"
    assert guarantee(swapped, "552100554", "PREV-1", "P1030") == "santé"
    assert end_rule(swapped, "552100554", "PREV-1", "P1030") == "fin_de_mois"  # santé by the referential


@pytest.mark.parametrize("parameters", ["{affiliations: {fin_de_couverture: demain}}",
                                        "{affiliations: {garantie: retraite}}",
                                        "{affiliations: {fin: fin_de_mois}}"])
def test_a_bad_parameter_names_the_contract(tmp_path, parameters):
    referential = _referential(tmp_path, prev=f"            products: {parameters}")
    with pytest.raises(ValueError, match="PREV-1"):
        end_rule(referential, "552100554", "PREV-1", "P1030")
        guarantee(referential, "552100554", "PREV-1", "P1030")


@pytest.mark.parametrize("start, end, months", [
    (date(2025, 1, 15), date(2025, 12, 14), 11),   # exactly 11 months
    (date(2025, 1, 15), date(2025, 12, 15), 12),   # one day more: a started month counts
    (date(2025, 3, 1), date(2025, 3, 31), 1),
    (date(2023, 9, 1), date(2025, 4, 30), 20),
])
def test_contract_length_rounded_up(start, end, months):
    assert months_rounded_up(start, end) == months


def test_portability_end_capped_and_cut_by_a_return():
    assert portability_end(date(2025, 1, 15), date(2025, 12, 14), None) == date(2026, 11, 14)
    assert portability_end(date(2023, 9, 1), date(2025, 4, 30), None) == date(2026, 4, 30)
    assert portability_end(date(2023, 9, 1), date(2025, 4, 30), date(2025, 7, 1)) == date(2025, 6, 30)
    assert portability_end(date(2023, 9, 1), date(2025, 4, 30), date(2027, 1, 1)) == date(2026, 4, 30)
