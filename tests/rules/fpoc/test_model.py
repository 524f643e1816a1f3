"""Referential lookups used by the FPOC controls."""

from datetime import date
from decimal import Decimal

import pytest

from rules.fpoc import Periodicity, RangeCriterion, ValueCriterion, load_referential
from tests.rules.fpoc.support import FIXTURES


@pytest.fixture(scope="module")
def lot():
    return load_referential(FIXTURES / "lot_two_sheets.xml").referential


@pytest.fixture(scope="module")
def simple():
    return load_referential(FIXTURES / "sheet_two_contracts.xml").referential


def test_contracts_valid_at_follow_establishment_and_date(lot):
    def refs(nic, at):
        return sorted(line.contract.reference for line in lot.contracts_valid_at("552100554", nic, at))

    assert refs("00029", date(2024, 6, 1)) == ["PREV-NC"]
    assert refs("00037", date(2024, 6, 1)) == []
    assert refs("00037", date(2025, 6, 1)) == ["MUT-USINE", "MUT-USINE"]
    assert refs("00099", date(2025, 6, 1)) == []
    assert lot.contracts_valid_at("999999999", "00011", date(2025, 6, 1)) == ()


def test_find_matches_the_adhesion_keys(lot):
    assert len(lot.find("MUT-USINE", "123456789", "G0A1B2", nic="00037", at=date(2025, 1, 1))) == 2
    assert lot.find("MUT-USINE", "123456789", None, nic="00037") == ()
    assert lot.find("MUT-USINE", "123456789", "G0A1B2", nic="00011") == ()
    (line,) = lot.find("PREV-NC", "P1030", at=date(2024, 12, 31))
    assert line.valid_to == date(2024, 12, 31)


def test_find_former_codes(simple):
    (line,) = simple.find_former("PREV-CAD", "P0942", date(2025, 3, 1))
    assert line.contract.reference == "PREV-CAD-2025"
    assert simple.find_former("SANTE-2025", "A12345") == ()


def test_options_populations(lot):
    assert lot.options_populations("MUT-USINE") == {("ISOLE", None), ("FAMILLE", None)}
    assert lot.options_populations("PREV-NC") == {(None, "NC")}


def test_expected_composants_change_with_the_validity_period(lot):
    in_2024 = lot.expected_composants("PREV-NC", None, "NC", date(2024, 3, 1))
    in_2025 = lot.expected_composants("PREV-NC", None, "NC", date(2025, 3, 1))

    assert [(c.type_code, c.rate) for c in in_2024] == [("11", Decimal("0.95"))]
    assert [(c.type_code, c.rate) for c in in_2025] == [("11", Decimal("1.05")), ("12", Decimal("1.05"))]


def test_specific_base_composants_carry_nature_and_value(lot):
    (family,) = lot.expected_composants("MUT-USINE", "FAMILLE", None, date(2025, 3, 1), nic="00037")
    (single,) = lot.expected_composants("MUT-USINE", "ISOLE", None, date(2025, 3, 1))

    assert (family.type_code, family.amount, family.rate) == ("20", Decimal("88"), None)
    assert (single.type_code, single.rate) == ("18", Decimal("2.5"))


def test_periodicity(lot):
    assert lot.periodicity("PREV-NC", "P1030", date(2024, 5, 1)) is Periodicity.QUARTERLY
    assert lot.periodicity("PREV-NC", "P1030", date(2025, 5, 1), population="NC") is Periodicity.MONTHLY
    assert lot.periodicity("PREV-NC", "P1030", date(2023, 5, 1)) is None


def test_change_history_is_kept(simple, lot):
    cadres = simple.sheets[0].parameters[0]
    assert (cadres.contract.former_reference, cadres.organisme.former_code, cadres.change) == ("PREV-CAD", "P0942", "01")
    assert lot.sheets[0].parameters[1].change == "02"


def test_criteria_of_the_group(simple):
    criteria = simple.sheets[0].parameters[0].group.criteria
    by_name = {c.name: c for c in criteria.values + criteria.ranges}

    assert by_name["StatutCategoriel"].accepts("01") and not by_name["StatutCategoriel"].accepts("04")
    assert by_name["NatureContrat"].accepts("01") and not by_name["NatureContrat"].accepts("29")
    assert by_name["QuotiteDeTravail"].accepts(Decimal("151.67")) and not by_name["QuotiteDeTravail"].accepts(Decimal(40))
    assert by_name["DateAffiliation"].accepts(date(2021, 1, 1)) and not by_name["DateAffiliation"].accepts(date(2019, 1, 1))


@pytest.mark.parametrize(
    ("criterion", "value", "accepted"),
    [
        (ValueCriterion("NatureContrat", included=("01",)), None, False),
        (ValueCriterion("NatureContrat", excluded=("29",)), None, True),
        (RangeCriterion("AncienneteDansLePoste", "02", upper=Decimal(12)), Decimal(12), True),
    ],
)
def test_criterion_edges(criterion, value, accepted):
    assert criterion.accepts(value) is accepted
