"""``dsn parse`` and ``dsn norm import``: summaries, tables written, exit status."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"


@pytest.mark.needs_shared("samples")
def test_parse_json_summary_per_file(capsys):
    files = [SAMPLES / "mensuelle_P25V01_202503.dsn", SHARED / "samples" / "InseeFr__ARC__siera_ano.xml"]
    assert main(["parse", *map(str, files), "--format", "json"]) == 0
    summaries = json.loads(capsys.readouterr().out)
    assert [s["path"] for s in summaries] == [str(f) for f in files]
    first, xml = summaries
    assert {"path", "encoding", "norm", "rubriques", "syntax_anomalies", "declarations"} <= set(first)
    assert first["norm"] == "P25V01" and first["syntax_anomalies"] == 0 and first["rubriques"] > 500
    assert first["declarations"][0]["nature"] == "01" and first["declarations"][0]["month"] == "2025-03"
    assert first["declarations"][0]["individus"] > 0 and len(first["declarations"][0]["siren"]) == 9
    assert xml["norm"] == "P22V01" and xml["declarations"][0]["individus"] == 4


def test_parse_text_summary(capsys):
    assert main(["parse", str(SAMPLES / "signalement_04_arret.dsn")]) == 0
    out = capsys.readouterr().out
    assert "norme P25V01" in out and "nature 04" in out


def test_parse_writes_tables_as_parquet_and_csv(tmp_path, capsys):
    sample = SAMPLES / "mensuelle_P25V01_202503.dsn"
    assert main(["parse", str(sample), "--to", str(tmp_path / "pq")]) == 0
    individus = pd.read_parquet(tmp_path / "pq" / "individu.parquet")
    assert len(individus) > 0 and "S21.G00.30.019" in individus.columns
    assert main(["parse", str(sample), "--to", str(tmp_path / "csv"), "--tables", "csv"]) == 0
    assert (tmp_path / "csv" / "cotisation_individuelle.csv").exists()


def test_unreadable_file_exits_2_and_the_others_are_still_read(tmp_path, capsys):
    empty = tmp_path / "empty.dsn"
    empty.write_bytes(b"")
    status = main(["parse", str(empty), str(SAMPLES / "signalement_05_reprise.dsn"), "--format", "json"])
    assert status == 2
    out = json.loads(capsys.readouterr().out)
    assert out[0]["error"] == "fichier vide" and out[1]["syntax_anomalies"] == 0


def test_bad_usage_exits_2(capsys):
    assert main(["parse"]) == 2


@pytest.mark.needs_shared("norm/official-xlsx")
def test_norm_import_compiles_a_workbook(tmp_path, capsys):
    workbook = SHARED / "norm" / "official-xlsx" / "dsn-datatypes-CT2024.xlsx"
    assert main(["norm", "import", str(workbook), "--to", str(tmp_path), "--norm-dir", str(SHARED / "norm")]) == 0
    shipped = json.loads((ROOT / "dsn_parser" / "catalogs" / "P24V01.json").read_text(encoding="utf-8"))
    assert json.loads((tmp_path / "P24V01.json").read_text(encoding="utf-8")) == shipped
    assert "643 contrôles" in capsys.readouterr().out


def test_norm_import_of_a_non_workbook_fails_cleanly(tmp_path, capsys):
    bad = tmp_path / "not.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["norm", "import", str(bad), "--to", str(tmp_path)]) == 2
    assert "import impossible" in capsys.readouterr().out
