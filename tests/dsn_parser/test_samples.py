"""The three public samples parse with zero syntax anomalies and give the counts of samples/README.md."""
from __future__ import annotations

import pytest

from dsn_parser import read_dsn

from .conftest import SAMPLES

pytestmark = pytest.mark.needs_shared("samples")

JIKENLABS = SAMPLES / "Jikenlabs__open-neodes__sample_dsn_P25V01.dsn"
INSEE = SAMPLES / "InseeFr__ARC__siera_ano.xml"
FIBRE44 = SAMPLES / "Fibre44__poc-analyse__1672392228367_demo.dsn"


def counts(parsed) -> dict[str, int]:
    return {block: len(frame) for block, frame in parsed.tables().items()}


def test_lot_sample_has_three_fctu_in_a_lot_envelope():
    parsed = read_dsn(JIKENLABS)
    assert parsed.issues == []
    assert (parsed.encoding, parsed.norm, parsed.rubrique_count) == ("utf-8", "P25V01", 443)
    declarations = parsed.declarations()
    assert [(d["nature"], d["type"], d["individus"]) for d in declarations] == [("07", "01", 1)] * 3
    c = counts(parsed)
    assert (c["S05.G51.00"], c["S06.G51.00"], c["S96.G51.00"], c["S95.G51.00"]) == (1, 4, 4, 1)
    assert (c["S10.G00.95"], c["S20.G00.96"], c["S21.G00.60"], c["S21.G00.62"], c["S21.G00.65"]) == (3, 3, 3, 3, 1)
    assert parsed.values_of("S90.G00.90.001") == ["161", "155", "107"]
    # platform rubriques are kept, not rejected
    assert parsed.values_of("S21.G00.06.903") and parsed.values_of("S21.G00.11.904")
    # the U+FFFD of line 124 survives decoding
    assert any("\ufffd" in v for v in parsed.values_of("S21.G00.40.006"))


def test_xml_sample_matches_readme_counts():
    parsed = read_dsn(INSEE)
    assert parsed.issues == []
    assert (parsed.form, parsed.declared_norm, parsed.norm, parsed.rubrique_count) == ("xml", "P21V01", "P22V01", 992)
    assert parsed.warnings and "P21V01" in parsed.warnings[0]
    c = counts(parsed)
    expected = {"S21.G00.30": 4, "S21.G00.40": 8, "S21.G00.41": 25, "S21.G00.50": 6, "S21.G00.51": 29,
                "S21.G00.52": 4, "S21.G00.53": 14, "S21.G00.54": 7, "S21.G00.78": 17, "S21.G00.79": 5,
                "S21.G00.81": 35, "S21.G00.62": 3, "S21.G00.71": 8, "S21.G00.86": 13, "S21.G00.85": 7}
    assert {k: c[k] for k in expected} == expected
    assert parsed.declarations()[0]["month"] == "2021-10"
    # dates come from originalValue (JJMMAAAA), not from the ISO rewrite
    assert parsed.values_of("S20.G00.05.005") == ["01102021"]
    assert sorted(parsed.table("S21.G00.62", typed=False)["S21.G00.62.002"]) == ["039", "999", "999"]


def test_fibre44_sample_crlf_utf8_without_final_newline():
    parsed = read_dsn(FIBRE44)
    assert parsed.issues == []
    assert (parsed.encoding, parsed.newline, parsed.final_newline) == ("utf-8", "\r\n", False)
    assert parsed.rubrique_count == 9253
    c = counts(parsed)
    expected = {"S21.G00.30": 40, "S21.G00.40": 40, "S21.G00.50": 40, "S21.G00.51": 160, "S21.G00.53": 120,
                "S21.G00.52": 2, "S21.G00.54": 39, "S21.G00.78": 317, "S21.G00.79": 198, "S21.G00.81": 748,
                "S21.G00.71": 40, "S21.G00.86": 200, "S21.G00.20": 3, "S21.G00.22": 1, "S21.G00.23": 17,
                "S21.G00.62": 1}
    assert {k: c[k] for k in expected} == expected
    individus = parsed.table("S21.G00.30", typed=False)
    assert individus["S21.G00.30.001"].isna().sum() == 1 and individus["S21.G00.30.020"].notna().sum() == 1
    contrats = parsed.table("S21.G00.40", typed=False)
    assert sorted(contrats["S21.G00.40.007"].value_counts().items()) == [("01", 39), ("02", 1)]
    # the accented letter is decoded as UTF-8 (one character), not as two Latin-1 characters
    first_names = parsed.values_of("S21.G00.30.004")
    assert sum("È" in v for v in first_names) == 2 and not any("Ã" in v for v in first_names)


@pytest.mark.parametrize("path", [JIKENLABS, INSEE, FIBRE44], ids=lambda p: p.name[:12])
def test_every_rubrique_lands_in_exactly_one_instance(path):
    parsed = read_dsn(path)
    assert (parsed.instances.row_instance >= 0).all()
    assert parsed.instances.row_known.all()
    # tables hold every known rubrique exactly once
    total = sum(frame.filter(like=".").notna().sum().sum() for frame in parsed.tables(typed=False).values())
    assert total == parsed.rubrique_count
