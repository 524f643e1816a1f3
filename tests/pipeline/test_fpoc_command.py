"""``dsn fpoc check``: exit 0 for a clean sheet, 1 when it has errors, 2 when it cannot be read."""
from __future__ import annotations

import json
from datetime import date

import pytest

from dsn_parser.generator.company import make_company
from dsn_parser.generator.fpoc_xml import fpoc_xml
from pipeline.cli import main
from tests.rules.fpoc.support import FIXTURES


def test_generated_sheet_is_clean(tmp_path, capsys):
    company = make_company(seed=5, employees=4, months=1, start_month=date(2025, 3, 1))
    path = tmp_path / "fiche.xml"
    path.write_bytes(fpoc_xml(company))
    assert main(["fpoc", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"SIREN {company.siren}" in out
    assert "1 fiche(s) chargée(s), 0 erreur(s)" in out


@pytest.mark.parametrize("fixture, status, code", [
    ("sheet_broken_xml.xml", 2, "FPOC-REF-01"),
    ("sheet_missing_codeoc.xml", 1, "FPOC-REF-05"),
    ("sheet_bad_rate.xml", 1, "FPOC-REF-17"),
])
def test_malformed_sheets_give_clear_errors(fixture, status, code, capsys):
    assert main(["fpoc", "check", str(FIXTURES / fixture)]) == status
    out = capsys.readouterr().out
    problem_lines = [line for line in out.splitlines() if code in line]
    assert problem_lines and all("[erreur]" in line and f"{fixture}:" in line for line in problem_lines)


def test_json_report_lists_problems_with_their_location(capsys):
    assert main(["fpoc", "check", str(FIXTURES / "sheet_bad_rate.xml"), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["sheets"] == [] and report["errors"] == len(report["problems"]) == 2
    assert {p["value"] for p in report["problems"]} == {"1,18", "100.00"}
    assert all(p["code"] == "FPOC-REF-17" and p["line"] for p in report["problems"])


def test_unsupported_file_is_unreadable(tmp_path, capsys):
    path = tmp_path / "fiche.csv"
    path.write_text("x", encoding="utf-8")
    assert main(["fpoc", "check", str(path)]) == 2
    assert "FPOC-REF-02" in capsys.readouterr().out
