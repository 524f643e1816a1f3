"""Norm catalogs: one per version, compiled from the reference data, selected by S10.G00.00.006."""
from __future__ import annotations

import json

import pytest

from dsn_parser.catalog import available_versions, load_catalog, nearest_version, select_catalog
from dsn_parser.norm_compiler import CATALOG_DIR, build_from_workbook, read_workbook

from .conftest import NORM

WORKBOOK_2024 = NORM / "official-xlsx" / "dsn-datatypes-CT2024.xlsx"


def test_every_supported_version_has_a_catalog():
    assert available_versions() == ["P22V01", "P23V01", "P24V01", "P25V01", "P26V01"]


@pytest.mark.parametrize("declared,expected", [
    ("P24V01", ("P24V01", None)),
    ("P21V01", ("P22V01", "norme P21V01 inconnue : catalogue le plus proche P22V01 utilisé")),
    ("P27V01", ("P26V01", "norme P27V01 inconnue : catalogue le plus proche P26V01 utilisé")),
])
def test_selection_by_declared_version(declared, expected):
    assert nearest_version(declared) == expected


@pytest.mark.parametrize("declared", [None, "", "2025", "PXXV01"])
def test_unreadable_version_gives_the_latest_catalog_and_a_warning(declared):
    catalog, warning = select_catalog(declared)
    assert catalog.version == "P26V01" and "illisible" in warning


@pytest.mark.needs_shared("norm/official-xlsx")
def test_p24_catalog_holds_the_whole_2024_workbook():
    catalog = load_catalog("P24V01")
    sheets = read_workbook(WORKBOOK_2024)
    assert len(catalog.controls) == len(sheets["Messages"]) - 1 == 643
    families = [c["family"] for c in catalog.controls.values()]
    assert (families.count("CCH"), families.count("SIG"), families.count("CSL")) == (488, 60, 41)
    # malformed names of the workbook are normalised
    assert "S21.G00.30.020/CCH-14" in catalog.controls and "S21.G00.30.025/CCH-11" in catalog.controls
    workbook_fields = {f"{r[0]}.{r[1]}" for r in sheets["Fields"][1:]}
    assert workbook_fields <= set(catalog.rubriques)
    assert catalog.blocks["S21.G00.85"].parent == "S20.G00.05"
    assert catalog.blocks["S21.G00.40"].parent == "S21.G00.30" and catalog.blocks["S21.G00.40"].min == 1
    nir = catalog.rubriques["S21.G00.30.001"].type
    assert nir.min == 13 and nir.max == 13 and nir.regexp.startswith("[1-2][0-9]{2}")


def test_catalogs_carry_the_lot_envelope_and_platform_blocks():
    catalog = load_catalog("P25V01")
    assert catalog.blocks["S06.G51.00"].parent == "S05.G51.00"
    assert catalog.blocks["S10.G00.95"].origin == "dsnval-platform"
    assert {"S10.G00.95.900", "S20.G00.96.902", "S21.G00.06.903", "S21.G00.11.904", "S21.G00.85.850"} <= set(
        catalog.rubriques)


def test_later_versions_apply_the_yearly_changes():
    p24, p25, p26 = (load_catalog(v) for v in ("P24V01", "P25V01", "P26V01"))
    assert "S21.G00.62.021" not in p24.rubriques and "S21.G00.62.021" in p25.rubriques
    assert "119" in p25.rubriques["S21.G00.62.002"].type.values
    assert "119" not in p24.rubriques["S21.G00.62.002"].type.values
    assert {"S21.G00.30.030", "S21.G00.40.082", "S21.G00.11.025"} <= set(p26.rubriques)
    assert "S21.G00.06.009" in p25.rubriques and "S21.G00.06.009" not in p26.rubriques
    assert "10" in p26.rubriques["S20.G00.05.001"].type.values  # nature 10 DPAE
    # controls on removed rubriques go with them
    assert not any(c["target"] == "S21.G00.06.009" for c in p26.controls.values())
    # each version accepts only its own S10.G00.00.006 value
    assert list(p25.rubriques["S10.G00.00.006"].type.values) == ["P25V01"]


def test_older_versions_are_documented_approximations():
    for version in ("P22V01", "P23V01"):
        provenance = load_catalog(version).provenance
        assert provenance["approximations"] and "2024 workbook" in provenance["approximations"][0]


@pytest.mark.needs_shared("norm/official-xlsx")
def test_importing_the_2024_workbook_reproduces_the_shipped_p24_catalog():
    rebuilt = build_from_workbook(WORKBOOK_2024, NORM)
    shipped = json.loads((CATALOG_DIR / "P24V01.json").read_text(encoding="utf-8"))
    assert rebuilt == shipped
