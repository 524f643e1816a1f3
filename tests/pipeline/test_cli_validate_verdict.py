"""``dsn validate``: an incomplete validation exits 3, and the report names the norm texts and reader warnings."""
from __future__ import annotations

import json
from dataclasses import replace

from dsn_parser.writer import write_records
from pipeline.cli import main
from rules import REGISTRY
from tests.rules.support import clean_monthly


def _boom(ctx):
    raise RuntimeError("boom")


def test_a_rule_that_fails_makes_validate_exit_3_whatever_it_found(tmp_path, capsys, monkeypatch):
    path = write_records(clean_monthly(), tmp_path / "clean.dsn")
    monkeypatch.setitem(REGISTRY, "DSN-PAY-01", replace(REGISTRY["DSN-PAY-01"], check=_boom))
    assert main(["validate", str(path), "--format", "json"]) == 3
    captured = capsys.readouterr()
    [report] = json.loads(captured.out)
    assert report["complete"] is False and report["failed_rules"] == ["DSN-PAY-01"]
    assert captured.err.strip() == f"{path} : contrôle incomplet, la règle DSN-PAY-01 n'a pas pu s'exécuter"


def test_text_report_says_the_norm_texts_and_the_incompleteness(tmp_path, capsys, monkeypatch):
    records = [(c, "P99V01" if c == "S10.G00.00.006" else v) for c, v in clean_monthly()]
    path = write_records(records, tmp_path / "future.dsn")
    monkeypatch.setitem(REGISTRY, "DSN-PAY-01", replace(REGISTRY["DSN-PAY-01"], check=_boom))
    assert main(["validate", str(path)]) == 3
    out = capsys.readouterr().out
    assert "(norme P99V01, catalogue P26V01)" in out
    assert "avertissement : norme P99V01 inconnue" in out
    assert "textes de la norme : CCH P24V01 :" in out
    assert "CONTRÔLE INCOMPLET : 1 règle(s) n'ont pas pu s'exécuter (DSN-PAY-01)" in out


def test_html_report_says_the_norm_texts(tmp_path, capsys):
    path = write_records(clean_monthly(), tmp_path / "clean.dsn")
    assert main(["validate", str(path), "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert "Textes de la norme appliqués" in html and "CCH P24V01" in html


def test_referential_severity_option_reaches_the_anomalies(tmp_path, capsys):
    from tests.rules.support import set_value

    records = set_value(clean_monthly(), "S21.G00.15.002", "P9999")  # no such institution de prévoyance
    path = write_records(records, tmp_path / "unknown_oc.dsn")
    main(["validate", str(path), "--format", "json"])
    default = {a["code"]: a["severity"] for a in json.loads(capsys.readouterr().out)[0]["anomalies"]}
    assert default["S21.G00.15.002/CRE-11"] == "warning"
    assert main(["validate", str(path), "--format", "json", "--referential-severity", "blocking"]) == 1
    chosen = {a["code"]: a["severity"] for a in json.loads(capsys.readouterr().out)[0]["anomalies"]}
    assert chosen["S21.G00.15.002/CRE-11"] == "blocking"
