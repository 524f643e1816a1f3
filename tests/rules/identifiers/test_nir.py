"""NIR and NTT controls of S21.G00.30.001 and S21.G00.30.020 (CCH), and the NIR pattern as a property."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsn_parser import load_catalog
from rules.identifier_keys import birth_department_consistent
from tests.rules.catalog.records import before_total, clean, put, remove, validate_own, value
from tests.rules.support import codes

NIR, NTT = "S21.G00.30.001", "S21.G00.30.020"


def _ntt(records, suffix="A1"):
    return "1" + value(records, "S21.G00.06.001") + suffix


def _nir_with_department(records, department):
    nir = value(records, NIR)
    return nir[:5] + department + nir[7:]


def _as_ntt(records, ntt, occurrence=0):
    return put(remove(records, NIR, occurrence), NTT, ntt, occurrence)


CASES = {
    f"{NIR}/CCH-11": lambda r: put(r, NIR, _nir_with_department(r, "20")),  # born 1991: Corsica is 2A/2B
    f"{NIR}/CCH-13": lambda r: put(r, NIR, "2999999999999"),
    f"{NIR}/CCH-14": lambda r: put(r, NIR, value(r, NIR), 1),
    f"{NIR}/CCH-16": lambda r: put(r, NIR, value(r, NIR)[:7] + "999999"),
    f"{NTT}/CCH-12": lambda r: remove(r, NIR, 1),
    f"{NTT}/CCH-13": lambda r: _as_ntt(r, "1123456789A1"),
    f"{NTT}/CCH-14": lambda r: _as_ntt(_as_ntt(r, _ntt(r)), _ntt(r), 1),
}


def test_clean_file_passes_nir_controls(tmp_path):
    report = validate_own(clean(), tmp_path)
    assert not codes(report) & (set(CASES) | {f"{NIR}/CCH-15", f"{NTT}/CCH-15"})


@pytest.mark.parametrize("code", sorted(CASES))
def test_nir_control_fails(tmp_path, code):
    report = validate_own(CASES[code](clean()), tmp_path)
    found = [a for a in report.anomalies if a.code == code]
    assert len(found) == 1 and found[0].rubrique == code[:14] and found[0].employee


def test_duplicate_nir_lists_every_line(tmp_path):
    report = validate_own(CASES[f"{NIR}/CCH-14"](clean()), tmp_path)
    found = next(a for a in report.anomalies if a.code == f"{NIR}/CCH-14")
    assert len(found.lines) == 2 and found.line == found.lines[1]


def test_valid_ntt_and_corsica_pass(tmp_path):
    records = _as_ntt(put(clean(), NIR, _nir_with_department(clean(), "2A")), _ntt(clean()), 1)
    assert not codes(validate_own(records, tmp_path)) & set(CASES)


@pytest.mark.parametrize("identifier", [NIR, NTT])
def test_amorcage_with_non_salarie(tmp_path, identifier):
    records = put(clean(1), "S20.G00.05.001", "08")
    if identifier == NTT:
        records = _as_ntt(records, _ntt(records))
    code = f"{identifier}/CCH-15"
    assert code not in codes(validate_own(records, tmp_path))
    records = before_total(records, [("S89.G00.91.001", "DUPONT")])
    assert [a.rubrique for a in validate_own(records, tmp_path).anomalies if a.code == code] == [identifier]


NIR_REGEXP = "^(?:" + load_catalog("P25V01").rubriques[NIR].type.regexp + ")$"
DEPARTMENTS = [f"{n:02d}" for n in range(1, 100) if n != 20] + ["2A", "2B"]


@given(sex=st.sampled_from("12"), year=st.integers(0, 99), month=st.integers(1, 12),
       department=st.sampled_from(DEPARTMENTS), commune=st.integers(1, 999), order=st.integers(1, 999))
def test_well_formed_nirs_match_the_norm_pattern(sex, year, month, department, commune, order):
    nir = f"{sex}{year:02d}{month:02d}{department}{commune:03d}{order:03d}"
    assert pc.match_substring_regex(pa.array([nir]), NIR_REGEXP)[0].as_py()
    broken = "3" + nir[1:]
    assert not pc.match_substring_regex(pa.array([broken]), NIR_REGEXP)[0].as_py()


@given(year=st.integers(1900, 2025), department=st.sampled_from(["2A", "2B", "20", "96", "75"]))
def test_department_rule_follows_the_workbook(year, department):
    expected = not ((department in ("2A", "2B") and year < 1976) or (department == "20" and year >= 1976)
                    or (department == "96" and year >= 1968))
    nir, birth = pd.Series([f"19001{department}123456"]), pd.Series([f"0101{year}"])
    assert birth_department_consistent(nir, birth).tolist() == [expected]
