"""Every generated value is valid for its rubrique's type in the 2024 workbook, and blocks follow the tree."""
from __future__ import annotations

from datetime import date

import pytest

from dsn_parser import load_catalog
from dsn_parser.generator import generate_company

from .helpers import block_bounds, build_tree, field_types

ALLOWED_PUNCTUATION = set(" \"&'()*+,-./:=@_")
NOT_IN_2024 = {"S10.G00.00.006"}  # the 2024 enumeration only lists P24V01


def allowed_char(char: str) -> bool:
    return char.isalnum() and ord(char) < 256 and char not in "ªµºÆÐ×ØÞßæð÷øþ" or char in ALLOWED_PUNCTUATION


def check_values(records):
    types = field_types()
    problems = []
    for line, (code, value) in enumerate(records):
        if code[:3] in ("S05", "S06", "S95", "S96"):
            continue
        assert code in types, f"unknown rubrique {code}"
        kind = types[code]
        if not value or "\n" in value or not all(allowed_char(c) for c in value):
            problems.append((line, code, value, "characters"))
        if not kind.min_length <= len(value) <= kind.max_length:
            problems.append((line, code, value, "length"))
        if kind.regexp is not None and not kind.regexp.fullmatch(value):
            problems.append((line, code, value, "regexp"))
        if kind.values and code not in NOT_IN_2024 and value not in kind.values:
            problems.append((line, code, value, "enumeration"))
        value.encode("iso-8859-1")
    return problems


def documents(company, two_sites):
    yield "series", [r for month in company.series() for r in month]
    yield "two_sites", [r for month in two_sites.series() for r in month]
    yield "arret", company.arret_signalement()
    yield "reprise", company.reprise_signalement()
    yield "fctu", company.fctu_signalement()
    yield "P24V01", generate_company(3, 15, 1, date(2024, 12, 1), "P24V01").monthly(date(2024, 12, 1))


def test_every_value_matches_its_2024_type(company, two_sites):
    for name, records in documents(company, two_sites):
        assert check_values(records) == [], name


def test_norm_version_written_as_given():
    records = generate_company(3, 4, 1, date(2024, 12, 1), "P24V01").monthly(date(2024, 12, 1))
    assert dict(records)["S10.G00.00.006"] == "P24V01"
    assert field_types()["S10.G00.00.006"].values == {"P24V01"}


def mensuelle_forbidden_blocks() -> set[str]:
    """Blocks the DSN-Val "DSN Mensuelle" model forbids, whatever the workbook's cardinality says."""
    refinements = load_catalog("P24V01").usage["models"]["DSN Mensuelle"]["refinements"]
    return {target for target, r in refinements.items() if r["kind"] == "block" and r["usage"] == "Forbidden"}


def test_blocks_in_tree_order_with_norm_cardinalities(company, two_sites):
    bounds = block_bounds()
    for name, records in documents(company, two_sites):
        for envoi in build_tree(records):  # build_tree asserts the tree order
            if name in ("arret", "reprise", "fctu"):
                continue  # the workbook's cardinalities describe the mensuelle (04/05 forbid 50/71)
            nodes = [envoi] + [n for block in bounds for n in envoi.all(block)]
            forbidden = mensuelle_forbidden_blocks()
            for node in nodes:
                for block, (parent, low, high) in bounds.items():
                    if parent == node.block and block[:3] != "S89":
                        count = sum(1 for child in node.children if child.block == block)
                        if block in forbidden:  # the mensuelle model forbids it (DSN-Val usage)
                            low, high = 0, 0
                        assert low <= count <= high, (name, node.block, node.line, block, count)


@pytest.mark.parametrize("nature,builder", [("04", "arret_signalement"), ("05", "reprise_signalement"),
                                            ("07", "fctu_signalement")])
def test_signalement_blocks(company, nature, builder):
    envoi = build_tree(getattr(company, builder)())[0]
    assert envoi.all("S20.G00.05")[0].get("001") == nature
    assert len(envoi.all("S21.G00.30")) == 1 and len(envoi.all("S21.G00.40")) == 1
    if nature in ("04", "05"):
        arrets = envoi.all("S21.G00.60")
        assert len(arrets) == 1
        assert ("010" in arrets[0].values) == (nature == "05")
        assert ("005" in arrets[0].values) == (arrets[0].get("004") == "01")
        for forbidden in ("S21.G00.70", "S21.G00.71", "S21.G00.50", "S21.G00.20", "S21.G00.62"):
            assert not envoi.all(forbidden)
    else:
        assert len(envoi.all("S21.G00.62")) == 1 and envoi.all("S21.G00.63")
        assert envoi.all("S21.G00.50") and envoi.all("S21.G00.51") and envoi.all("S21.G00.71")
        assert not envoi.all("S21.G00.78") and not envoi.all("S21.G00.79") and not envoi.all("S21.G00.20")
