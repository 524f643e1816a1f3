"""Generated format checks (CSL00, CSL01_MINI/MAXI, CSL02_NATURE, CSL03_DATE, CSL11, DSN-CHAR-01)."""
from __future__ import annotations

import pytest

from rules.catalog_checks import FORMAT_CODES
from tests.rules.support import codes

from .records import clean, put, validate_own

CASES = [
    ("CSL00", "S21.G00.30.001", "3910360704270"),
    ("CSL01_MAXI", "S21.G00.30.002", "A" * 81),
    ("CSL01_MINI", "S21.G00.40.009", "C01"),
    ("CSL02_NATURE", "S21.G00.20.005", "12,50"),
    ("CSL03_DATE", "S21.G00.40.001", "31022025"),
    ("CSL11", "S21.G00.40.007", "77"),
    ("DSN-CHAR-01", "S21.G00.30.004", "Jean#"),
]


def test_clean_file_passes_every_format_rule(tmp_path):
    assert not codes(validate_own(clean(), tmp_path)) & set(FORMAT_CODES)


@pytest.mark.parametrize(("code", "rubrique", "bad"), CASES, ids=[c[0] for c in CASES])
def test_format_rule_fails(tmp_path, code, rubrique, bad):
    report = validate_own(put(clean(), rubrique, bad), tmp_path)
    found = [a for a in report.anomalies if a.code == code]
    assert [(a.rubrique, a.severity) for a in found] == [(rubrique, "blocking")]
    assert found[0].line is not None and found[0].block_path


def test_one_type_finding_per_value(tmp_path):
    """A too-long NIR is reported for its length only, not also for its pattern."""
    report = validate_own(put(clean(), "S21.G00.30.001", "29103607042701"), tmp_path)
    assert {a.code for a in report.anomalies if a.rubrique == "S21.G00.30.001"} == {"CSL01_MAXI"}


def test_version_rubrique_accepts_other_years(tmp_path):
    """Each catalog lists its own version only; another well-formed version is not a CSL11."""
    report = validate_own(put(clean(), "S10.G00.00.006", "P24V01"), tmp_path)
    assert not codes(report) & {"CSL11", "CSL00"}
    report = validate_own(put(clean(), "S10.G00.00.006", "2025"), tmp_path)
    assert "CSL00" in codes(report)


def test_personal_values_are_masked(tmp_path):
    report = validate_own(put(clean(), "S21.G00.30.001", "3910360704270"), tmp_path)
    anomaly = next(a for a in report.anomalies if a.code == "CSL00")
    assert anomaly.value == "391**********" and "3910360704270" not in anomaly.message
