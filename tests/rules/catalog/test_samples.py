"""The three public samples: no engine error, and the known findings of samples/README.md."""
from __future__ import annotations

from collections import Counter

import pytest

from dsn_parser import read_dsn
from rules import validate
from tests.conftest import SHARED

from .records import own_rules

SAMPLES = SHARED / "samples"
JIKENLABS = SAMPLES / "Jikenlabs__open-neodes__sample_dsn_P25V01.dsn"
ARC = SAMPLES / "InseeFr__ARC__siera_ano.xml"
FIBRE44 = SAMPLES / "Fibre44__poc-analyse__1672392228367_demo.dsn"

pytestmark = pytest.mark.needs_shared("samples")


@pytest.fixture(scope="module")
def reports():
    return {path.name: validate(read_dsn(path), rules=own_rules()) for path in (JIKENLABS, ARC, FIBRE44)}


def _by_code(report) -> Counter:
    return Counter(a.code for a in report.anomalies)


def test_no_engine_error(reports):
    for report in reports.values():
        assert "DSN-ENGINE-01" not in _by_code(report)


def test_totals_of_the_samples_hold(reports):
    for report in reports.values():
        assert not {"DSN-TOT-01", "DSN-TOT-02", "DSN-LOT-01", "DSN-LOT-02"} & set(_by_code(report))


def test_fibre44_known_findings(reports):
    report = reports[FIBRE44.name]
    found = _by_code(report)
    assert found["S21.G00.30.001/CCH-16"] == 39  # every NIR ends with six 9s or more
    assert found["S21.G00.30.001/CCH-14"] == 32  # 39 NIRs, 7 distinct values
    siret = [a for a in report.anomalies if a.code == "S21.G00.11.001/CSL-12"]
    assert [a.value for a in siret] == ["00020"]
    bics = [a for a in report.anomalies if a.code == "CSL00" and a.rubrique == "S21.G00.20.003"]
    assert len(bics) == 3


def test_jikenlabs_known_findings(reports):
    report = reports[JIKENLABS.name]
    found = _by_code(report)
    for code in ("S21.G00.06.001/CSL-11", "S21.G00.11.001/CSL-12", "S10.G00.01.001/CSL-11"):
        assert found[code] == 3  # placeholder SIREN/SIRET, one per DSN
    assert [a.rubrique for a in report.anomalies if a.code == "CSL00"] == ["S21.G00.30.001"] * 3
    assert {a.value for a in report.anomalies if a.code == "S21.G00.15.002/CRE-11"} == {"MUTIDX"}
    assert {a.severity for a in report.anomalies if a.code == "S21.G00.15.002/CRE-11"} == {"warning"}
    assert [a.line for a in report.anomalies if a.code == "DSN-CHAR-01"] == [124]  # U+FFFD in a job label


def test_arc_xml_known_findings(reports):
    report = reports[ARC.name]
    found = _by_code(report)
    assert found["S21.G00.30.001/CCH-14"] == 1  # two individuals share a NIR
    assert {a.message for a in report.anomalies if a.code == "CST02_1"} == {
        "Bloc obligatoire S10.G00.01 absent", "Bloc obligatoire S10.G00.02 absent"}
