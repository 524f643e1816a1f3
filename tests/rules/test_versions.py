"""Norm versions of the rules: existence per version, text confirmation, overrides, and what the report says."""
from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from dsn_parser import read_dsn
from dsn_parser.writer import write_records
from rules import REGISTRY, validate
from rules import versions
from rules.engine import ENGINE_ERROR
from rules.registry import Finding
from tests.rules.coherence.records import put
from tests.rules.support import clean_monthly, fix_totals


def test_existence_follows_the_official_sources():
    assert versions.exists("S21.G00.58.003", "P24V01")
    assert not versions.exists("S21.G00.58.003", "P21V01")
    # no published norm for P22V01: present on both sides (P21V01, P24V01) or taken as absent
    assert not versions.exists("S21.G00.58.003", "P22V01")
    assert versions.exists("S21.G00.30.001", "P22V01")
    assert versions.exists("S21.G00.58.003", "P27V01")  # after the last published version: as in P26V01


def test_the_2024_net_social_controls_do_not_run_before_the_block_existed():
    rule = REGISTRY["S21.G00.50.001/CCH-14"]
    for version in ("P21V01", "P22V01", "P23V01"):
        how = versions.use(rule, version)
        assert not how.runs and "S21.G00.58" in how.missing, version
    assert versions.use(rule, "P24V01").runs and versions.use(rule, "P26V01").runs


def test_a_control_whose_text_is_not_confirmed_for_the_version_runs_as_a_warning():
    new = next(r for r in REGISTRY.values() if r.check is not None and r.severity == "blocking"
               and versions.text_versions(r) == ("P24V01",) and versions.use(r, "P22V01").runs)
    how = versions.use(new, "P22V01")
    assert how.runs and how.severity == "warning" and how.status == "downgraded"
    assert versions.use(new, "P24V01").severity == "blocking"
    assert versions.use(new, "P25V01").severity == "blocking"  # the P24 text applies by default later on
    stable = REGISTRY["S21.G00.30.020/CCH-14"]  # same text in 2019 and 2024
    assert versions.text_versions(stable) == ("P19V01", "P24V01")
    assert versions.use(stable, "P22V01").severity == "blocking"


def test_override_rows_are_complete_and_name_registered_controls():
    rows = versions.overrides()
    assert rows and all(row.code in REGISTRY and row.reason and row.source for row in rows)


def test_an_invalid_override_row_is_refused(tmp_path, monkeypatch):
    (tmp_path / "overrides.yaml").write_text(yaml.safe_dump([{"code": "X", "from": "P25", "action": "relax",
                                                               "reason": "r", "source": "s"}]), encoding="utf-8")
    monkeypatch.setattr(versions, "DATA_DIR", tmp_path)
    versions.overrides.cache_clear()
    try:
        with pytest.raises(ValueError, match="overrides.yaml"):
            versions.overrides()
    finally:
        versions.overrides.cache_clear()


def _unit_40_under_001(norm: str) -> list:
    records = clean_monthly(norm=norm)
    records = put(records, "S21.G00.51.011", "001")
    return fix_totals(put(records, "S21.G00.53.003", "40"))


@pytest.mark.parametrize("norm, fires", [("P24V01", True), ("P25V01", False), ("P26V01", False)])
def test_activity_unit_40_under_type_001_is_accepted_from_p25(tmp_path, norm, fires):
    path = write_records(_unit_40_under_001(norm), tmp_path / "case.dsn")
    report = validate(read_dsn(path), rules=[REGISTRY["S21.G00.53.001/CCH-11"]])
    assert ("S21.G00.53.001/CCH-11" in {a.code for a in report.anomalies}) is fires
    assert report.uses["S21.G00.53.001/CCH-11"].status == ("applied" if fires else "relaxed")


def test_the_relaxed_control_still_refuses_other_units_under_001(tmp_path):
    records = fix_totals(put(clean_monthly(norm="P25V01"), "S21.G00.51.011", "001"))
    path = write_records(records, tmp_path / "case.dsn")
    report = validate(read_dsn(path), rules=[REGISTRY["S21.G00.53.001/CCH-11"]])
    assert "S21.G00.53.001/CCH-11" in {a.code for a in report.anomalies}


def test_the_report_says_which_text_each_family_was_checked_against(tmp_path):
    path = write_records(clean_monthly(norm="P25V01"), tmp_path / "case.dsn")
    data = validate(read_dsn(path)).as_dict()
    assert data["version"] == "P25V01" and data["complete"] is True
    entries = {(e["family"], e["text"], e["status"]) for e in data["norm_texts"]}
    assert ("CCH", "P24V01", "applied") in entries
    assert ("CCH", "P24V01", "relaxed") in entries
    assert ("FPOC", "fiche FPOC", "not_applied") in entries  # no sheet given
    assert sum(e["rules"] for e in data["norm_texts"]) == sum(1 for r in REGISTRY.values() if r.check is not None)


def test_the_readers_warning_reaches_the_report(tmp_path):
    records = [(c, "P99V01" if c == "S10.G00.00.006" else v) for c, v in clean_monthly()]
    report = validate(read_dsn(write_records(records, tmp_path / "case.dsn")))
    assert any("P99V01" in w for w in report.warnings)
    assert report.as_dict()["warnings"] == report.warnings


def _broken(ctx):
    raise RuntimeError("boom")


def _wrong_template(ctx):
    return [Finding(line=1, rubrique="S10.G00.00.001", value="x")]


@pytest.mark.parametrize("check, message", [(_broken, "boom"), (_wrong_template, "absent")])
def test_a_rule_that_cannot_run_makes_the_report_incomplete(tmp_path, check, message):
    rule = replace(REGISTRY["DSN-PAY-01"], code="DSN-TEST-01", check=check, message="Manque {champ}.")
    path = write_records(clean_monthly(), tmp_path / "case.dsn")
    report = validate(read_dsn(path), rules=[rule])
    assert report.failed == ["DSN-TEST-01"] and not report.complete
    engine = [a for a in report.anomalies if a.code == ENGINE_ERROR]
    assert len(engine) == 1 and "DSN-TEST-01" in engine[0].message and message in engine[0].message
    assert report.as_dict()["complete"] is False


@pytest.mark.needs_shared("norm")
def test_the_shipped_norm_texts_are_what_the_official_sources_compile_to():
    import json

    from rules.norm_texts_compiler import OUTPUT, compile_norm_texts
    from tests.conftest import SHARED

    assert json.loads(OUTPUT.read_text(encoding="utf-8")) == compile_norm_texts(SHARED / "norm")
