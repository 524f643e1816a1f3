"""The certified-software style: an explicit option, valid values in tree order, the same bytes when streamed."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dsn_parser.generator import generate_company, write_monthly_file
from dsn_parser.generator.certified import BELOW_PMSS
from dsn_parser.generator.company import make_company
from dsn_parser.generator.contracts import composant_bases, pmss
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import render

from .helpers import build_tree
from .test_norm_validity import check_values


@pytest.fixture(scope="module")
def certified():
    return generate_company(11, employees=12, months=3, start_month=date(2025, 1, 1), style="certified")


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="style de génération inconnu"):
        make_company(1, 4, 1, date(2025, 1, 1), style="certifie")


def test_default_style_is_the_default():
    company = make_company(11, 12, 3, date(2025, 1, 1))
    assert company.style == "default" and not company.certified
    assert monthly_records(company, date(2025, 2, 1)) == monthly_records(
        make_company(11, 12, 3, date(2025, 1, 1), style="default"), date(2025, 2, 1))


@pytest.mark.parametrize("norm,first", [("P22V01", date(2022, 1, 1)), ("P25V01", date(2025, 1, 1))])
def test_certified_values_are_valid_and_in_tree_order(norm, first):
    generated = generate_company(11, employees=12, months=3, start_month=first, norm=norm, style="certified")
    for records in [*generated.series(), generated.arret_signalement(), generated.fctu_signalement()]:
        assert check_values(records) == []
        assert build_tree(records)  # asserts the tree order


def test_certified_cadre_below_the_pmss(certified):
    employee = certified.employees[BELOW_PMSS]
    assert employee.cadre and employee.salary < pmss(2025)
    default = generate_company(11, employees=12, months=3, start_month=date(2025, 1, 1)).employees
    changed = [i for i, (a, b) in enumerate(zip(default, certified.employees)) if a != b]
    assert changed == [BELOW_PMSS]  # the option changes that one salary only
    assert composant_bases(Decimal("4000"), 2022)["13"] == Decimal("572.00")  # 2022 PMSS: 3,428 €


def test_certified_stream_equals_in_memory(tmp_path: Path):
    company = make_company(9, 20, 1, date(2023, 6, 1), "P23V01", 2, style="certified")
    path = tmp_path / "stream.dsn"
    lines = write_monthly_file(path, employees=20, month=date(2023, 6, 1), seed=9, norm="P23V01", establishments=2,
                               style="certified")
    expected = render(monthly_records(company, date(2023, 6, 1))).encode("iso-8859-1")
    assert path.read_bytes() == expected and b"S21.G00.58" not in expected and b"01012000" in expected
    assert lines == expected.count(b"\n")
