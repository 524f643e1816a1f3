"""Renderers of validation reports: the same content in text, JSON and HTML, escaped and in French."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from reports import render_html, render_json, render_text
from rules import Anomaly
from rules.engine import ValidationReport


def sample_report() -> ValidationReport:
    report = ValidationReport("depot/f.dsn", "P25V01",
                              [{"nature": "01", "type": "01", "siren": "552100554", "month": "2025-03"}])
    report.anomalies = [
        Anomaly("S21.G00.30.001/CCH-14", "CCH", "blocking", "NIR <en double>", "depot/f.dsn", 12,
                "S21.G00.30.001", "établissement 00017 › individu matricule 0042", "matricule 0042", "185**********",
                (12, 40)),
        Anomaly("S21.G00.60.001/SIG-11", "SIG", "warning", "Arrêt à vérifier", "depot/f.dsn", 80),
    ]
    report.truncated = {"CSL00": 3}
    return report


def test_json_is_a_list_of_files_with_anomalies():
    [data] = json.loads(render_json([sample_report()]))
    assert data["summary"]["by_severity"] == {"blocking": 1, "warning": 1}
    assert data["summary"]["truncated"] == {"CSL00": 3}
    assert data["anomalies"][0]["lines"] == [12, 40]


def test_text_lists_each_anomaly_with_line_code_and_place():
    text = render_text([sample_report(), {"path": "x.dsn", "error": "fichier vide"}])
    assert "ligne 12 [S21.G00.30.001/CCH-14] bloquante : NIR <en double>" in text
    assert "individu matricule 0042" in text and "3 autre(s) anomalie(s) CSL00" in text
    assert "x.dsn : fichier illisible : fichier vide" in text


def test_html_escapes_messages_and_shows_the_counts():
    page = render_html([sample_report()], generated_at=datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc))
    assert "NIR &lt;en double&gt;" in page and "<en double>" not in page
    assert "02/01/2026 04:04 (UTC+01:00)" in page and "1 bloquante(s)" in page  # Paris: UTC+1 in January


def test_anomalies_frame_is_schema_checked():
    frame = sample_report().frame()
    assert list(frame["code"]) == ["S21.G00.30.001/CCH-14", "S21.G00.60.001/SIG-11"]
    assert frame["lines"].iloc[0] == "12 40" and frame["line"].dtype.name == "Int64"
