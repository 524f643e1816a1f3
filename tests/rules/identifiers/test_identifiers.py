"""Official key and format controls of identifiers (SIREN, SIRET, IBAN/BBAN, NTT, dates with 99, job label)."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.identifier_keys import (calendar_valid, iban_valid, luhn_valid, rib_key_valid, siret_valid)
from tests.rules.catalog.records import add_block, before_total, break_key, clean, put, validate_own, value
from tests.rules.support import codes


def _reference_luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char) * (2 if position % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if _reference_luhn(prefix + d))


def _bad_rib_iban() -> str:
    """A French IBAN whose ISO key is right and whose RIB key is wrong."""
    bban = "30006000011234567890188"
    check = 98 - int(bban + "152700") % 97
    return f"FR{check:02d}{bban}"


def _siren(records):
    return value(records, "S21.G00.06.001")


def _siret_of(records):
    return _siren(records) + value(records, "S21.G00.11.001")


def _s89(records, block, rubriques):
    return before_total(records, [(f"{block}.{n}", v) for n, v in rubriques])


CASES = {
    "S10.G00.01.001/CSL-11": lambda r: put(r, "S10.G00.01.001", break_key(value(r, "S10.G00.01.001"))),
    "S10.G00.01.002/CCH-11": lambda r: put(r, "S10.G00.01.002", break_key(value(r, "S10.G00.01.002"))),
    "S21.G00.06.001/CSL-11": lambda r: put(r, "S21.G00.06.001", "123456789"),
    "S21.G00.06.002/CSL-11": lambda r: put(r, "S21.G00.06.002", break_key(value(r, "S21.G00.06.002"))),
    "S21.G00.11.001/CSL-12": lambda r: put(r, "S21.G00.11.001", break_key(value(r, "S21.G00.11.001"))),
    "S20.G00.05.012/CSL-12": lambda r: put(r, "S20.G00.05.012", break_key(_siret_of(r))),
    "S21.G00.41.012/CSL-11": lambda r: add_block(r, "S21.G00.40", [("S21.G00.41.001", "01032025"),
                                                                   ("S21.G00.41.012", "12345678900017")]),
    "S21.G00.41.012/CSL-12": lambda r: add_block(r, "S21.G00.40", [("S21.G00.41.001", "01032025"),
                                                                   ("S21.G00.41.012", break_key(_siret_of(r)))]),
    "S21.G00.45.001/CSL-11": lambda r: add_block(r, "S21.G00.40", [("S21.G00.45.001", "12345678900017")]),
    "S21.G00.45.001/CSL-12": lambda r: add_block(r, "S21.G00.40", [("S21.G00.45.001", break_key(_siret_of(r)))]),
    "S89.G00.32.004/CSL-12": lambda r: _s89(r, "S89.G00.32", [("004", "123456789")]),
    "S21.G00.20.004/CSL-11": lambda r: put(r, "S21.G00.20.004", "FR7630006000011234567890188"),
    "S21.G00.20.004/CSL-13": lambda r: put(r, "S21.G00.20.004", _bad_rib_iban()),
    "S21.G00.12.003/CSL-11": lambda r: add_block(r, "S21.G00.11", [("S21.G00.12.001", "02"),
                                                                   ("S21.G00.12.003", "FR7630006000011234567890188")]),
    "S21.G00.12.003/CSL-12": lambda r: add_block(r, "S21.G00.11", [("S21.G00.12.001", "02"),
                                                                   ("S21.G00.12.003", _bad_rib_iban())]),
    "S21.G00.30.006/CSL-11": lambda r: put(r, "S21.G00.30.006", "30021990"),
    "S21.G00.31.011/CSL-11": lambda r: add_block(r, "S21.G00.30", [("S21.G00.31.001", "01032025"),
                                                                   ("S21.G00.31.011", "31041990")]),
    "S89.G00.91.006/CSL-11": lambda r: _s89(r, "S89.G00.91", [("006", "00011990")]),
    "S89.G00.87.005/CSL-12": lambda r: _s89(r, "S89.G00.87", [("005", "29022023")]),
    "S89.G00.87.006/CSL-12": lambda r: _s89(r, "S89.G00.87", [("006", "32012023")]),
    "S89.G00.89.005/CSL-11": lambda r: _s89(r, "S89.G00.89", [("005", "31062023")]),
    "S21.G00.40.006/CSL-11": lambda r: put(r, "S21.G00.40.006", "Technicien   de maintenance"),
}
NTT_CODES = {"S21.G00.30.020": ("CSL-11", "CSL-12"), "S89.G00.67.002": ("CSL-11", "CSL-12"),
             "S89.G00.87.008": ("CSL-11", "CSL-12"), "S89.G00.88.009": ("CSL-11", "CSL-12"),
             "S89.G00.89.008": ("CSL-11", "CSL-12"), "S89.G00.91.021": ("CSL-11", "CSL-15")}
for _code, (_start, _space) in NTT_CODES.items():
    if _code == "S21.G00.30.020":
        CASES[f"{_code}/{_start}"] = lambda r: put(r, "S21.G00.30.020", "3" + _siren(r) + "X01")
        CASES[f"{_code}/{_space}"] = lambda r: put(r, "S21.G00.30.020", "1" + _siren(r) + " X1")
    else:
        CASES[f"{_code}/{_start}"] = lambda r, c=_code: _s89(r, c[:10], [(c[-3:], "3" + _siren(r) + "X01")])
        CASES[f"{_code}/{_space}"] = lambda r, c=_code: _s89(r, c[:10], [(c[-3:], "1" + _siren(r) + " X1")])


def test_clean_file_passes_every_identifier_control(tmp_path):
    assert not codes(validate_own(clean(), tmp_path)) & set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_control_fails(tmp_path, code):
    report = validate_own(CASES[code](clean()), tmp_path)
    found = [a for a in report.anomalies if a.code == code]
    assert len(found) == 1 and found[0].rubrique == code[:14] and found[0].severity == "blocking"


@pytest.mark.parametrize(("rubrique", "good"), [
    ("S21.G00.30.006", "99021980"), ("S21.G00.30.006", "15991980"), ("S21.G00.30.006", "29022000"),
    ("S21.G00.40.006", "Chef iii de projet"), ("S21.G00.40.006", "Agent 1000"),
])
def test_admitted_values(tmp_path, rubrique, good):
    assert not {c for c in codes(validate_own(put(clean(), rubrique, good), tmp_path)) & set(CASES)
                if c.startswith(rubrique)}


def test_la_poste_siret_uses_digit_sum():
    sirets = pd.Series(["35600000000048", "35600000000049", _complete("3560000000001")])
    digit_sum_ok = [sum(map(int, s)) % 5 == 0 for s in sirets]
    assert siret_valid(sirets).tolist() == digit_sum_ok


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_luhn_matches_reference(digits):
    assert luhn_valid(pd.Series([digits]), 9)[0] == _reference_luhn(digits)


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.integers(0, 13), st.integers(1, 9))
def test_luhn_detects_any_single_digit_change(prefix, position, shift):
    siret = _complete(prefix)
    changed = siret[:position] + str((int(siret[position]) + shift) % 10) + siret[position + 1:]
    assert luhn_valid(pd.Series([siret, changed]), 14).tolist() == [True, False]


def test_luhn_rejects_wrong_shapes():
    assert not luhn_valid(pd.Series(["12345678", "1234567890", "A23456789", None]), 9).any()


@given(st.text(alphabet="0123456789", min_size=21, max_size=21))
def test_iban_and_rib_keys(digits):
    key = 97 - (89 * int(digits[:5]) + 15 * int(digits[5:10]) + 3 * int(digits[10:])) % 97
    bban = f"{digits}{key:02d}"
    iban = f"FR{98 - int(bban + '152700') % 97:02d}{bban}"
    assert iban_valid(iban) and rib_key_valid(iban)
    assert not iban_valid(iban[:4] + break_key(iban[4:]))


def test_calendar_with_unknown_day_or_month():
    values = pd.Series(["99991980", "31021980", "00991980", "2902200A", "29021900"])
    assert calendar_valid(values, allow_99=True).tolist() == [True, False, False, False, False]
    assert calendar_valid(values).tolist() == [False] * 5
