"""load_referential dispatches on the file suffix."""

from rules.fpoc import load_referential
from tests.rules.fpoc.support import FIXTURES


def test_dispatch_on_suffix():
    assert load_referential(FIXTURES / "sheet_two_contracts.xml").referential.sheets
    assert load_referential(FIXTURES / "referential_simple.yaml").referential.sheets


def test_unsupported_suffix_is_a_problem(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("SIREN;NIC\n", encoding="utf-8")

    result = load_referential(path)

    assert [p.code for p in result.problems] == ["FPOC-REF-02"]
    assert result.referential.sheets == ()
