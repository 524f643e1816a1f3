"""Usage per declaration model (CST03, CST04) and block cardinalities (CST02_1, CST02_2, CST02_3)."""
from __future__ import annotations

from dsn_parser import load_catalog
from rules.catalog_checks import block_bounds, rubrique_usage
from tests.rules.support import codes

from .records import add_block, clean, instance_span, put, remove, validate_own

USAGE_CODES = {"CST02_1", "CST02_2", "CST02_3", "CST03", "CST04"}


def _found(records, tmp_path, code):
    return [a for a in validate_own(records, tmp_path).anomalies if a.code == code]


def test_clean_file_passes_usage_rules(tmp_path):
    assert not codes(validate_own(clean(), tmp_path)) & USAGE_CODES


def test_missing_mandatory_rubrique(tmp_path):
    found = _found(remove(clean(), "S21.G00.30.002", 1), tmp_path, "CST03")
    assert [a.rubrique for a in found] == ["S21.G00.30.002"]
    assert "DSN Mensuelle" in found[0].message and found[0].employee


def test_mandatory_rubrique_of_absent_optional_block_is_not_required(tmp_path):
    """S21.G00.16 is optional: its mandatory rubriques are only required when it is there."""
    records = clean()
    assert not any(c.startswith("S21.G00.16.") for c, _v in records)
    assert "CST03" not in codes(validate_own(records, tmp_path))


def test_forbidden_rubrique(tmp_path):
    found = _found(put(clean(), "S20.G00.05.006", "01012025"), tmp_path, "CST04")
    assert [(a.rubrique, a.value) for a in found] == [("S20.G00.05.006", "01012025")]


def test_missing_mandatory_block(tmp_path):
    records = clean()
    first, last = instance_span(records, "S10.G00.02")
    found = _found(records[:first] + records[last:], tmp_path, "CST02_1")
    assert len(found) == 1 and "S10.G00.02" in found[0].message


def test_forbidden_block(tmp_path):
    records = add_block(clean(), "S21.G00.62", [("S21.G00.63.001", "90")])
    found = _found(records, tmp_path, "CST02_2")
    assert len(found) == 1 and "S21.G00.63" in found[0].message


def test_too_many_blocks(tmp_path):
    records = clean()
    first, last = instance_span(records, "S10.G00.01")
    found = _found(records[:last] + records[first:last] + records[last:], tmp_path, "CST02_3")
    assert len(found) == 1 and "S10.G00.01" in found[0].message and "2 fois" in found[0].message


def test_refinement_overrides_base_usage():
    catalog = load_catalog("P25V01")
    assert rubrique_usage(catalog, "S21.G00.15.004", None) == "Mandatory"
    assert rubrique_usage(catalog, "S21.G00.15.004", "DSN SIGNAL FIN CONTRAT UNIQUE") == "Forbidden"
    assert block_bounds(catalog, "S21.G00.30", None) == (0, None)
    assert block_bounds(catalog, "S21.G00.30", "DSN SIGNAL ARRET TRAVAIL") == (1, 1)
    assert block_bounds(catalog, "S21.G00.50", "DSN SIGNAL ARRET TRAVAIL") == (0, 0)
