"""``dsn validate``: formats, exit status like DSN-Val's batch mode, cap per code, masking."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsn_parser.writer import write_records
from pipeline.cli import main
from tests.conftest import SHARED
from tests.rules.support import clean_monthly, set_value

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
JIKENLABS = SHARED / "samples" / "Jikenlabs__open-neodes__sample_dsn_P25V01.dsn"


def test_clean_generated_file_exits_0(capsys):
    assert main(["validate", str(SAMPLES / "mensuelle_P25V01_202503.dsn"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)[0]
    assert report["summary"]["by_severity"].get("blocking", 0) == 0


def test_blocking_anomalies_exit_1_and_json_has_the_documented_fields(tmp_path, capsys):
    path = write_records(set_value(clean_monthly(), "S21.G00.06.001", "123456789"), tmp_path / "bad_siren.dsn")
    assert main(["validate", str(path), "--format", "json"]) == 1
    [report] = json.loads(capsys.readouterr().out)
    assert set(report) >= {"path", "norm", "declarations", "summary", "anomalies"}
    assert report["declarations"][0] == {"nature": "01", "type": "01", "siren": "123456789", "month": "2025-03"}
    anomaly = next(a for a in report["anomalies"] if a["code"] == "S21.G00.06.001/CSL-11")
    assert set(anomaly) >= {"code", "family", "severity", "message", "line", "rubrique", "block_path", "employee"}
    assert anomaly["family"] == "CSL" and anomaly["severity"] == "blocking" and anomaly["rubrique"] == "S21.G00.06.001"
    assert path.read_text(encoding="latin-1").splitlines()[anomaly["line"] - 1].startswith("S21.G00.06.001,")
    assert report["summary"]["by_family"]["CSL"] >= 1


def test_unreadable_file_exits_2(tmp_path, capsys):
    empty = tmp_path / "empty.dsn"
    empty.write_bytes(b"")
    assert main(["validate", str(empty), str(SAMPLES / "signalement_04_arret.dsn")]) == 2
    assert "illisible" in capsys.readouterr().out


def test_bad_usage_exits_2(capsys):
    sample = str(SAMPLES / "mensuelle_P25V01_202503.dsn")
    assert main(["validate", sample, "--max-per-code", "0"]) == 2
    assert main(["validate", "--format", "pdf", sample]) == 2


@pytest.mark.needs_shared("samples")
def test_max_per_code_caps_and_counts_what_was_left_out(capsys):
    main(["validate", str(JIKENLABS), "--format", "json"])
    full = json.loads(capsys.readouterr().out)[0]
    main(["validate", str(JIKENLABS), "--format", "json", "--max-per-code", "1"])
    capped = json.loads(capsys.readouterr().out)[0]
    per_code = {}
    for a in capped["anomalies"]:
        per_code[a["code"]] = per_code.get(a["code"], 0) + 1
    assert "DSN-ENGINE-01" not in per_code, [a["message"] for a in capped["anomalies"] if a["code"] == "DSN-ENGINE-01"]
    assert max(per_code.values()) == 1
    assert len(capped["anomalies"]) + sum(capped["summary"]["truncated"].values()) == len(full["anomalies"])


def test_nir_is_masked_unless_asked(tmp_path, capsys):
    records = clean_monthly()
    path = write_records(set_value(records, "S21.G00.30.001", "1999999999999"), tmp_path / "placeholder.dsn")
    main(["validate", str(path), "--format", "json"])
    masked = json.dumps(json.loads(capsys.readouterr().out))
    assert "1999999999999" not in masked and "199**********" in masked
    main(["validate", str(path), "--format", "json", "--unmask"])
    assert "1999999999999" in capsys.readouterr().out


@pytest.mark.needs_shared("samples")
def test_html_and_text_reports_are_written_to_output(tmp_path):
    html = tmp_path / "rapport.html"
    main(["validate", str(JIKENLABS), "--format", "html", "--output", str(html)])
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Rapport d'anomalies DSN" in page and "S21.G00.06.001/CSL-11" in page
    text = tmp_path / "rapport.txt"
    main(["validate", str(JIKENLABS), "--output", str(text)])
    assert "bloquante" in text.read_text(encoding="utf-8")


def test_validate_with_the_matching_fpoc_sheet_reports_no_insurer_anomaly(capsys):
    sheet = next(SAMPLES.glob("fpoc_*.xml"))
    status = main(["validate", str(SAMPLES / "mensuelle_P25V01_202503.dsn"), "--fpoc", str(sheet), "--format", "json"])
    report = json.loads(capsys.readouterr().out)[0]
    assert status == 0
    assert not [a for a in report["anomalies"] if a["family"] == "FPOC"]


def test_validate_with_a_broken_fpoc_sheet_reports_it_and_blocks(tmp_path, capsys):
    sheet = tmp_path / "fpoc_broken.xml"
    sheet.write_text("<LotFicheParam><FICHE>", encoding="utf-8")
    status = main(["validate", str(SAMPLES / "mensuelle_P25V01_202503.dsn"), "--fpoc", str(sheet), "--format", "json"])
    report = json.loads(capsys.readouterr().out)[0]
    assert status == 1
    assert [a["code"] for a in report["anomalies"] if a["code"].startswith("FPOC-REF")] == ["FPOC-REF-01"]
