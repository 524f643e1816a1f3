"""The anomaly report of a submission, rendered from validator results: verdict as DSN-Val decides it, counts,
groups by rule and by employee, labels from the norm catalog, masked values, what to do, the file's lines on
request, and the JSON equal to what the HTML shows."""
from __future__ import annotations

import json
from collections import Counter
from html.parser import HTMLParser

import pytest

from dsn_parser import load_catalog, read_dsn
from pipeline.cli import main
from reports.model import render_report_html, render_report_json
from reports.submission import NO_EMPLOYEE, submission_report, verdict
from rules import Anomaly, validate
from rules.engine import ValidationReport
from rules.registry import REGISTRY


def report_of(anomalies: list[tuple[str, str, str | None]], failed: list[str] | None = None) -> ValidationReport:
    """A validation report with anomalies (code, severity, employee)."""
    report = ValidationReport("depot/f.dsn", "P25V01",
                              [{"nature": "01", "type": "01", "siren": "552100554", "month": "2025-03"}])
    report.anomalies = [Anomaly(code, code.split("/")[-1][:3] if "/" in code else code[:3], severity,
                                f"message {n}", "depot/f.dsn", 10 + n, "S21.G00.81.004", None, employee, "1,5")
                        for n, (code, severity, employee) in enumerate(anomalies)]
    report.failed = failed or []
    return report


@pytest.mark.parametrize(("severities", "failed", "expected"), [
    ([], [], "acceptée"),
    (["info"], [], "acceptée"),
    (["warning", "info"], [], "acceptée avec avertissements"),
    (["warning", "blocking"], [], "rejetée"),
    (["warning"], ["X"], "contrôle incomplet"),
    (["blocking"], ["X"], "rejetée"),
])
def test_verdict_follows_the_blocking_rule_of_the_validator(severities, failed, expected):
    report = report_of([("S21.G00.81.004/CCH-11", s, None) for s in severities], failed)
    [section] = submission_report([report], [{}]).data["files"]
    assert section["verdict"]["label"] == expected
    assert (expected == "rejetée") == report.blocking  # the validator's own rule (exit status 1)
    assert verdict({}, readable=False)["label"] == "rejetée"


def test_counts_top_rules_and_groups_come_from_the_anomalies():
    rows = [("S21.G00.81.004/CCH-11", "blocking", "matricule 1")] * 3 + \
           [("S21.G00.81.004/CCH-11", "blocking", "matricule 2")] + \
           [("S21.G00.30.001/SIG-11", "warning", None)] * 2
    [section] = submission_report([report_of(rows)], [{}]).data["files"]
    assert section["counts"]["by_severity"] == {"blocking": 4, "warning": 2, "info": 0}
    assert section["counts"]["by_family"] == [{"family": "CCH", "label": "cohérence", "count": 4},
                                              {"family": "SIG", "label": "signalements", "count": 2}]
    assert [(r["code"], r["count"]) for r in section["rules"]] == [("S21.G00.81.004/CCH-11", 4),
                                                                    ("S21.G00.30.001/SIG-11", 2)]
    by_employee = {e["label"]: e["anomalies"] for e in section["employees"]}
    assert by_employee == {"matricule 1": [1, 2, 3], "matricule 2": [4], NO_EMPLOYEE: [5, 6]}
    assert [e["label"] for e in section["employees"]][-1] == NO_EMPLOYEE
    assert {r["code"]: r["anomalies"] for r in section["rules"]} == {"S21.G00.81.004/CCH-11": [1, 2, 3, 4],
                                                                      "S21.G00.30.001/SIG-11": [5, 6]}


def test_labels_come_from_the_norm_catalog_and_the_fix_from_the_workbook():
    [section] = submission_report([report_of([("S21.G00.81.004/CCH-11", "blocking", None)])], [{}]).data["files"]
    catalog = load_catalog("P25V01")
    [rule] = section["rules"]
    assert section["anomalies"][0]["rubrique_label"] == catalog.rubriques["S21.G00.81.004"].name == \
        "Montant de cotisation"
    assert rule["block_label"] == catalog.blocks["S21.G00.81"].name
    workbook = " ".join(REGISTRY["S21.G00.81.004/CCH-11"].description.split())
    assert workbook[20:80] in rule["action"] and "logiciel de paie" in rule["action"]


class Cells(HTMLParser):
    """The text of each ``<tr data-id>`` row's cells and its data attributes."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-id" in attrs:
            self._row = {"attrs": attrs, "cells": []}
            self.rows.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "details":
            self._cell = None if self._cell is None else self._cell + ["\0"]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row["cells"].append("".join(self._cell).split("\0")[0].strip())
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_generated_file_report_masks_the_nir_and_the_json_is_what_the_html_shows(bad_file):
    path, bad_nirs = bad_file
    validated = validate(read_dsn(path))
    report = submission_report([validated], around=1)
    page, data = render_report_html(report), json.loads(render_report_json(report))
    [section] = data["files"]
    assert section["verdict"]["label"] == "rejetée" and section["header"]["file"] == "janvier.dsn"
    nir_rows = [a for a in section["anomalies"] if a["rubrique"] == "S21.G00.30.001"]
    assert len(nir_rows) >= 2 and all(nir not in page and nir not in json.dumps(data) for nir in bad_nirs)
    assert all(a["value"] == nir[:3] + "*" * 10 for a, nir in zip(nir_rows, bad_nirs))
    assert all(a["rubrique_label"] == "Numéro d'inscription au répertoire" for a in nir_rows)
    parser = Cells()
    parser.feed(page)
    assert len(parser.rows) == len(section["anomalies"]) == section["counts"]["total"]
    shown = {r["attrs"]["data-id"]: r["cells"] for r in parser.rows}
    for a in section["anomalies"]:
        line, employee, rubrique, value, message = shown[f"1-{a['id']}"]
        assert (int(line.split()[0]), employee, value, message) == \
            (a["line"], a["employee"] or "–", a["value"] or "", a["message"])
        assert rubrique == f"{a['rubrique_label']} ({a['rubrique']})"
    for e in section["employees"]:
        lines = {x["code"]: x["lines"] for x in e["rules"]}
        assert lines == {code: [a["line"] for a in section["anomalies"] if a["code"] == code and
                                (a["employee"] or None) == e["employee"]] for code in lines}
        assert f'<th scope="row">{e["label"]}</th><td class="n">{e["count"]}</td>' in page
    lines = path.read_text(encoding="latin-1").splitlines()
    first = nir_rows[0]
    assert [n for n, _ in first["context"]] == [first["line"] - 1, first["line"], first["line"] + 1]
    assert first["context"][0][1] == lines[first["line"] - 2]
    assert bad_nirs[0] not in first["context"][1][1] and bad_nirs[0][:3] in first["context"][1][1]




def test_validate_html_writes_the_report_for_an_unstored_file(bad_file, tmp_path):
    path, bad_nirs = bad_file
    out = tmp_path / "rapport.html"
    assert main(["validate", str(path), "--format", "html", "--output", str(out)]) == 1
    page = out.read_text(encoding="utf-8")
    assert "Verdict : rejetée" in page and "fichier non stocké" in page and "Anomalies par salarié" in page
    assert page.count("<h1>") == 1 and "<script>" in page and "<link" not in page and "src=" not in page
    assert all(nir not in page for nir in bad_nirs)
    unmasked = tmp_path / "clair.html"
    main(["validate", str(path), "--format", "html", "--output", str(unmasked), "--unmask"])
    assert all(nir in unmasked.read_text(encoding="utf-8") for nir in bad_nirs)


def test_unreadable_file_is_rejected_in_the_report(tmp_path):
    empty = tmp_path / "vide.dsn"
    empty.write_bytes(b"")
    out = tmp_path / "r.html"
    assert main(["validate", str(empty), "--format", "html", "--output", str(out)]) == 2
    page = out.read_text(encoding="utf-8")
    assert "Verdict : rejetée" in page and "Fichier illisible" in page


def test_options_list_every_severity_family_rule_and_employee():
    rows = [("S21.G00.81.004/CCH-11", "blocking", "matricule 1"), ("S21.G00.30.001/SIG-11", "warning", None)]
    page = render_report_html(submission_report([report_of(rows)], [{}]))
    assert Counter(page.count(f'<option value="{v}"') for v in ("blocking", "warning", "info", "CCH", "SIG",
                                                                  "S21.G00.81.004/CCH-11", "S21.G00.30.001/SIG-11",
                                                                  "matricule 1", "-")) == {1: 9}
