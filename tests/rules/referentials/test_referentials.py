"""CRE controls on organism codes against the shipped 2021 referentials, and their compiler."""
from __future__ import annotations

import pandas as pd
import pytest

from rules.referential_compiler import OUTPUT, compile_referentials, dumps, read_table
from rules.referentials import known, organism_family, referential
from tests.conftest import SHARED
from tests.rules.catalog.records import add_block, clean, put, validate_own
from tests.rules.support import codes

SOURCE = SHARED / "norm" / "dsnval-P21V01" / "referentiels"
CODES = {"S21.G00.15.002/CRE-11", "S21.G00.16.002/CRE-11", "S21.G00.20.001/CRE-11", "DSN-REF-01",
         "S21.G00.20.008/CCH-11", "S21.G00.20.008/CCH-12", "S21.G00.20.008/CCH-13", "S21.G00.20.008/CCH-14"}


def _warned(records, tmp_path, code):
    found = [a for a in validate_own(records, tmp_path).anomalies if a.code == code]
    assert all(a.severity == "warning" and "2021" in a.message for a in found)
    return [a.value for a in found]


def test_clean_file_passes(tmp_path):
    assert not codes(validate_own(clean(), tmp_path)) & CODES


def test_unknown_adhesion_organism(tmp_path):
    assert _warned(put(clean(), "S21.G00.15.002", "P9999"), tmp_path, "S21.G00.15.002/CRE-11") == ["P9999"]


def test_unknown_former_organism(tmp_path):
    records = add_block(clean(), "S21.G00.15", [("S21.G00.16.001", "01012025"), ("S21.G00.16.002", "P9999")])
    assert _warned(records, tmp_path, "S21.G00.16.002/CRE-11") == ["P9999"]


def test_unknown_payee(tmp_path):
    assert _warned(put(clean(), "S21.G00.20.001", "P9999"), tmp_path, "S21.G00.20.001/CRE-11") == ["P9999"]


@pytest.mark.parametrize(("code", "organism"), [("S21.G00.20.008/CCH-11", "P0012"),
                                                ("S21.G00.20.008/CCH-12", "A10101"),
                                                ("S21.G00.20.008/CCH-13", "222222222"),
                                                ("S21.G00.20.008/CCH-14", "MUT830EMO")])
def test_unknown_payment_delegate(tmp_path, code, organism):
    records = put(put(clean(), "S21.G00.20.001", organism), "S21.G00.20.008", "DZZZZ9")
    assert _warned(records, tmp_path, code) == ["DZZZZ9"]
    assert code not in codes(validate_own(put(records, "S21.G00.20.008", _first_delegate(code)), tmp_path))


def _first_delegate(code):
    table = {"11": "DLGPREV", "12": "DLGASSU", "13": "DLGMUT", "14": "DLGOCI"}[code[-2:]]
    return next(iter(referential()[table]["codes"]))


def test_unknown_adhesion_delegate(tmp_path):
    assert _warned(put(clean(), "S21.G00.15.003", "DZZZZ9"), tmp_path, "DSN-REF-01") == ["DZZZZ9"]


def test_organism_family():
    values = pd.Series(["P0012", "A10101", "222222222", "MUT830EMO", "MUTIDX", None])
    assert organism_family(values).tolist() == ["PREV", "ASSU", "MUT", "OCI", pd.NA, pd.NA]


def test_expired_code_is_unknown_after_its_end():
    code, (_start, end) = next((c, v) for c, v in referential()["MUT"]["codes"].items() if v[1])
    before, after = f"{int(end[:4]) - 1}{end[4:]}", f"{int(end[:4]) + 1}{end[4:]}"
    assert known(pd.Series([code, code]), ("MUT",), pd.Series([before, after])).tolist() == [True, False]


@pytest.mark.needs_shared("norm/dsnval-P21V01/referentiels")
def test_shipped_snapshot_is_the_compiled_source():
    assert OUTPUT.read_text(encoding="utf-8") == dumps(compile_referentials(SOURCE))


def test_read_table(tmp_path):
    path = tmp_path / "NEODESP21-PREV-P99V01.csv"
    path.write_text("code;libellé;trigramme;date de début de validité;date de fin de validité;01/02/2030\r\n"
                    "P0001;UN;;01/01/2000;\nP0002;DEUX;;01/01/2000;31/12/2020\n\n", encoding="utf-8")
    assert read_table(path) == {"published": "2030-02-01",
                                "codes": {"P0001": ["2000-01-01", None], "P0002": ["2000-01-01", "2020-12-31"]}}
