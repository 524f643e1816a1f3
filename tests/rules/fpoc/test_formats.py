"""Rates, amounts and organism codes: properties and boundaries."""

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.fpoc.formats import CODE_DELEG, CODE_OC, JJMMAAAA, parse_amount, parse_datetime, parse_rate

TEN_THOUSANDTHS = Decimal("0.0001")
#: (decimals, value in units of 10^-decimals) for every rate strictly between 0 and 100.
RATES_BELOW_100 = st.integers(0, 4).flatmap(lambda d: st.tuples(st.just(d), st.integers(1, 100 * 10**d - 1)))


@given(RATES_BELOW_100)
def test_any_rate_strictly_between_0_and_100_with_at_most_4_decimals_is_accepted(rate):
    decimals, units = rate
    text = f"{Decimal(units).scaleb(-decimals):.{decimals}f}"

    assert parse_rate(text) == Decimal(text)


@given(st.integers(1_000_000, 10**9), st.integers(0, 4))
def test_rates_of_100_or_more_are_rejected(units, decimals):
    text = f"{Decimal(units) * TEN_THOUSANDTHS:.{decimals}f}"

    assert Decimal(text) >= 100
    assert parse_rate(text) is None


@pytest.mark.parametrize("text", ["0", "0.0000", "1,5", "-1", "1.23456", "1e1", "", " 1"])
def test_rate_format_rejections(text):
    assert parse_rate(text) is None


@pytest.mark.parametrize(("text", "expected"), [("45.5", Decimal("45.5")), ("0", None), ("1.234", None)])
def test_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("code", "valid"),
    [("P1030", True), ("A1010B", True), ("222222222", True), ("ABC123456", True), ("P103", False), ("B12345", False), ("12345678", False)],
)
def test_organism_code(code, valid):
    assert bool(CODE_OC.fullmatch(code)) is valid


@pytest.mark.parametrize(("code", "valid"), [("D12345", True), ("G0A1B2", True), ("E12345", False), ("D1234", False)])
def test_delegataire_code(code, valid):
    assert bool(CODE_DELEG.fullmatch(code)) is valid


@pytest.mark.parametrize(("text", "valid"), [("29022024", True), ("29022025", False), ("1012025", False), ("2025-01-01", False)])
def test_jjmmaaaa_dates(text, valid):
    assert (JJMMAAAA.parse(text) is not None) is valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02012025101500", datetime(2025, 1, 2, 10, 15)),
        ("2025-01-02T10:15:00", datetime(2025, 1, 2, 10, 15)),
        ("32012025101500", None),
        ("02/01/2025", None),
    ],
)
def test_creation_datetime(text, expected):
    assert parse_datetime(text) == expected
