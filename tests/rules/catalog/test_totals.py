"""S90 totals (DSN-TOT-01/02) and lot envelope counts (DSN-LOT-01/02, warnings)."""
from __future__ import annotations

from tests.rules.support import codes, set_value

from .records import clean, validate_own

TOTAL_CODES = {"DSN-TOT-01", "DSN-TOT-02", "DSN-LOT-01", "DSN-LOT-02"}


def _lot(records, group_count="1", lot_count="1"):
    """The envoi wrapped in a lot envelope with one DSNOK group."""
    return ([("S05.G51.00.001", "V01R02"), ("S05.G51.00.002", "123456"), ("S05.G51.00.003", "01"),
             ("S05.G51.00.004", "01042025"), ("S05.G51.00.005", "101010"), ("S05.G51.00.006", lot_count),
             ("S06.G51.00.001", "DSNOK")] + records
            + [("S96.G51.00.001", "FINSL"), ("S96.G51.00.002", group_count),
               ("S95.G51.00.001", "123456"), ("S95.G51.00.002", lot_count)])


def test_clean_file_and_lot_pass(tmp_path):
    assert not codes(validate_own(clean(), tmp_path)) & TOTAL_CODES
    assert not codes(validate_own(_lot(clean()), tmp_path, "lot.dsn")) & TOTAL_CODES


def test_line_count(tmp_path):
    records = clean()
    wrong = str(len(records) + 1)
    found = [a for a in validate_own(set_value(records, "S90.G00.90.001", wrong), tmp_path).anomalies
             if a.code == "DSN-TOT-01"]
    assert [(a.value, a.severity) for a in found] == [(wrong, "blocking")]
    assert f"({len(records)})" in found[0].message


def test_line_count_ignores_lot_lines(tmp_path):
    report = validate_own(_lot(clean()), tmp_path, "lot.dsn")
    assert "DSN-TOT-01" not in codes(report)


def test_declaration_count(tmp_path):
    report = validate_own(set_value(clean(), "S90.G00.90.002", "2"), tmp_path)
    found = [a for a in report.anomalies if a.code == "DSN-TOT-02"]
    assert [(a.value, a.rubrique) for a in found] == [("2", "S90.G00.90.002")]


def test_lot_group_count(tmp_path):
    report = validate_own(_lot(clean(), group_count="2"), tmp_path, "lot.dsn")
    found = [a for a in report.anomalies if a.code == "DSN-LOT-01"]
    assert [(a.value, a.severity) for a in found] == [("2", "warning")]


def test_lot_count(tmp_path):
    report = validate_own(_lot(clean(), lot_count="4"), tmp_path, "lot.dsn")
    found = [a for a in report.anomalies if a.code == "DSN-LOT-02"]
    assert [(a.rubrique, a.severity) for a in found] == [("S05.G51.00.006", "warning"), ("S95.G51.00.002", "warning")]
