"""Controls read against the shipped 2021 referentials: their stated, configurable severity, and the payee
families (IVO trigrams) the compiler keeps."""
from __future__ import annotations

import pandas as pd
import pytest

from rules import REGISTRY, ValidationOptions
from rules.referential_compiler import read_table
from rules.referentials import REFERENTIAL_CONTROLS, STALE_SEVERITY, effective_severity, payee_family

PAYEE_CONTROLS = {"S21.G00.20.001/CRE-11", "S21.G00.20.004/CCH-13", "S21.G00.20.006/CCH-11",
                  "S21.G00.20.006/CCH-12", "S21.G00.20.007/CCH-12", "S21.G00.22.003/CCH-11", "S21.G00.22.005/CCH-11"}


def test_every_referential_control_states_its_default_severity():
    assert PAYEE_CONTROLS | {"S21.G00.15.002/CRE-11", "DSN-REF-01"} <= set(REFERENTIAL_CONTROLS)
    for code, used in REFERENTIAL_CONTROLS.items():
        rule = REGISTRY[code]
        assert rule.severity == STALE_SEVERITY == "warning", code
        assert "non bloquant par défaut" in rule.description and "DSN-Val 2021" in rule.description, code
        assert all(table in rule.description for table in used.tables), code
        assert used.norm_severity == "blocking", code


def test_default_run_keeps_the_stated_severity():
    rule = REGISTRY["S21.G00.20.006/CCH-11"]
    assert effective_severity(rule, ValidationOptions(), "P25V01", rule.severity) == "warning"


def test_referential_severity_restores_the_norm_severity_where_its_text_applies():
    options = ValidationOptions(referential_severity="blocking")
    assert effective_severity(REGISTRY["S21.G00.20.006/CCH-11"], options, "P25V01", "warning") == "blocking"
    # the 2024 text of 20.004/CCH-13 is not the 2019 one: on a P22 file it stays a warning
    assert effective_severity(REGISTRY["S21.G00.20.004/CCH-13"], options, "P24V01", "warning") == "blocking"
    assert effective_severity(REGISTRY["S21.G00.20.004/CCH-13"], options, "P22V01", "warning") == "warning"


def test_referential_severity_leaves_other_rules_alone():
    rule = REGISTRY["S21.G00.41.028/CCH-13"]
    options = ValidationOptions(referential_severity="info")
    assert effective_severity(rule, options, "P24V01", "blocking") == "blocking"
    assert effective_severity(rule, options, "P22V01", "warning") == "warning"


def test_a_per_rule_override_wins():
    options = ValidationOptions(referential_severity="blocking", severity_overrides={"S21.G00.20.001/CRE-11": "info"})
    assert effective_severity(REGISTRY["S21.G00.20.001/CRE-11"], options, "P24V01") == "info"
    assert effective_severity(REGISTRY["S21.G00.15.002/CRE-11"], options, "P24V01") == "blocking"


@pytest.mark.parametrize("options", [ValidationOptions(referential_severity="bloquant"),
                                     ValidationOptions(severity_overrides={"S21.G00.20.001/CRE-11": "fatal"})])
def test_an_unknown_severity_is_refused(options):
    with pytest.raises(ValueError, match="gravité inconnue"):
        effective_severity(REGISTRY["S21.G00.20.001/CRE-11"], options, "P24V01")


def test_payee_family_reads_the_shipped_trigrams():
    codes = pd.Series(["78877877700011", "77568291700015", "77567608300030", "P0223", "73282932000074", None],
                      dtype=pd.StringDtype())
    assert payee_family(codes).tolist() == ["URS", "AAR", "AUD", "CTI", pd.NA, pd.NA]


def test_compiler_keeps_the_trigram_column(tmp_path):
    payees = tmp_path / "NEODESP21-IVO-P21V01.csv"
    payees.write_text("code;08/07/2021;trigramme;id\n78877877700011;Urssaf Aquitaine;URS;78877877700011URS\n"
                      "DGFIP;DGFIP;FIP;DGFIPFIP\n", encoding="utf-8")
    organisms = tmp_path / "NEODESP21-PREV-P21V01.csv"
    organisms.write_text("code;libellé;trigramme;date de début de validité;date de fin de validité;08/10/2020\n"
                         "P0002;AGRI PREVOYANCE;;01/01/2000;\n", encoding="utf-8")
    assert read_table(payees)["families"] == {"78877877700011": "URS", "DGFIP": "FIP"}
    assert "families" not in read_table(organisms)  # an empty trigram column is not kept
