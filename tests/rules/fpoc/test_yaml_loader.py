"""YAML form: same model as the XML, same checks, key paths and lines in problems, round trip."""

import pytest

from rules.fpoc import dump_yaml, load_fpoc_xml, load_referential, load_yaml
from tests.rules.fpoc.support import FIXTURES, line_of

SIMPLE = FIXTURES / "referential_simple.yaml"


def test_yaml_and_xml_describe_the_same_model():
    from_yaml = load_yaml(SIMPLE)
    from_xml = load_fpoc_xml(FIXTURES / "sheet_two_contracts.xml")

    assert from_yaml.problems == ()
    assert from_yaml.referential == from_xml.referential


@pytest.mark.parametrize("name", ["sheet_two_contracts.xml", "lot_two_sheets.xml"])
def test_xml_to_yaml_to_model_round_trip(tmp_path, name):
    original = load_fpoc_xml(FIXTURES / name).referential
    path = tmp_path / "dumped.yaml"
    path.write_text(dump_yaml(original), encoding="utf-8")

    reloaded = load_referential(path)

    assert reloaded.problems == ()
    assert reloaded.referential == original


def test_contract_without_lines_is_one_line_without_option(tmp_path):
    text = SIMPLE.read_text(encoding="utf-8")
    start = text.index("            lines:\n              - option: {code: OPT1")
    end = text.index("                  - {base: BrutPrev}\n") + len("                  - {base: BrutPrev}\n")
    path = tmp_path / "no_lines.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")

    result = load_yaml(path)

    assert result.problems == ()
    line = result.referential.sheets[0].parameters[-1]
    assert (line.contract.reference, line.option, line.population, line.composants) == ("SANTE-2025", None, None, ())


# (old, new, code, text on the expected line, key path, key)
CASES = {
    "malformed": ("label: Cadres", "label: @Cadres", "FPOC-REF-01", None, None, None),
    "list expected": ('included: ["01", "02"]', "included: {code: '01'}", "FPOC-REF-03", "included", "sheets[0].groups[0].criteria.StatutCategoriel", "included"),
    "missing organism": ("            organism: A12345\n", "", "FPOC-REF-05", "reference: SANTE-2025", "sheets[0].groups[0].contracts[1]", "organism"),
    "unknown key": ("            periodicity: Trimestriel", "            periodicite: Trimestriel", "FPOC-REF-06", "periodicite", "sheets[0].groups[0].contracts[1]", "periodicite"),
    "bad organism": ("organism: A12345", "organism: A1234", "FPOC-REF-09", "A1234", "sheets[0].groups[0].contracts[1]", "organism"),
    "day-first date": ("valid_to: 2025-12-31", "valid_to: 31122025", "FPOC-REF-13", "31122025", "sheets[0].groups[0].contracts[1]", "valid_to"),
    "rate of 100": ("rate: 1.17", "rate: 100", "FPOC-REF-17", "rate: 100", "sheets[0].groups[0].contracts[0].lines[0].composants[1]", "rate"),
    "included and excluded": ('{excluded: ["29"]}', '{excluded: ["29"], included: ["01"]}', "FPOC-REF-21", "NatureContrat", "sheets[0].groups[0].criteria.NatureContrat", None),
    "unknown base": ("{base: BrutPrev}", "{base: BrutPrevoyance}", "FPOC-REF-06", "BrutPrevoyance", "sheets[0].groups[0].contracts[1].lines[0].composants[1]", "base"),
}


@pytest.mark.parametrize(("old", "new", "code", "needle", "path", "key"), CASES.values(), ids=CASES.keys())
def test_problems_carry_line_and_key_path(tmp_path, old, new, code, needle, path, key):
    text = SIMPLE.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    file = tmp_path / "edited.yaml"
    file.write_text(text, encoding="utf-8")

    result = load_yaml(file)

    (problem,) = [p for p in result.problems if p.code == code]
    assert problem.line == line_of(text, needle or new)
    assert (problem.element, problem.attribute) == (path, key)
