"""Everyday mistakes on the command line: one French line on stderr naming the argument, exit status 2, no
traceback (the traceback of an unexpected error only with ``--debug``); unreadable files say what they are."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import pipeline.cli.parse_command as parse_command
from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "data" / "samples" / "signalement_04_arret.dsn")

# id → (argv with {tmp} for the test's folder, what the line must name)
MISTAKES = {
    "output in a missing folder": (["validate", SAMPLE, "--output", "{tmp}/nope/rapport.txt"], "--output"),
    "unknown norm (validate)": (["validate", SAMPLE, "--norm", "P99V99"], "--norm P99V99"),
    "unknown norm (parse)": (["parse", SAMPLE, "--norm", "P99V99"], "--norm P99V99"),
    "tolerance not a number": (["validate", SAMPLE, "--tolerance", "un centime"], "--tolerance"),
    "max per code below 1": (["validate", SAMPLE, "--max-per-code", "0"], "--max-per-code"),
    "missing fpoc sheet": (["validate", SAMPLE, "--fpoc", "{tmp}/fpoc_absent.xml"], "--fpoc"),
    "db of an unknown scheme": (["ingest", SAMPLE, "--db", "mysql://u@h/db"], "--db mysql://u@h/db"),
    "db not a URL": (["ingest", SAMPLE, "--db", "var/dsn.duckdb"], "--db var/dsn.duckdb"),
    "unreachable PostgreSQL": (["ingest", SAMPLE, "--db", "postgresql+psycopg://x:secret@127.0.0.1:1/none"],
                               "--db postgresql+psycopg://x:***@127.0.0.1:1/none"),
    "DuckDB under a file": (["ingest", SAMPLE, "--db", "duckdb:////dev/null/x.duckdb"], "--db duckdb:////dev/null"),
    "DuckDB path is a folder": (["run", str(ROOT / "data" / "samples"), "--db", "duckdb:///{tmp}"], "--db"),
    "archive under a file": (["ingest", SAMPLE, "--db", "duckdb:///{tmp}/s.duckdb", "--archive", "/dev/null/a"],
                             "--archive /dev/null/a"),
    "empty folder to ingest": (["ingest", "{tmp}/empty", "--db", "duckdb:///{tmp}/s.duckdb"], "{tmp}/empty"),
    "empty folder to run": (["run", "{tmp}/empty", "--db", "duckdb:///{tmp}/s.duckdb"], "{tmp}/empty"),
    "missing folder to run": (["run", "{tmp}/absent", "--db", "duckdb:///{tmp}/s.duckdb"], "{tmp}/absent"),
    "nightly on a missing store": (["nightly", "--db", "duckdb:///{tmp}/absent.duckdb"], "--db"),
    "nightly date not a date": (["nightly", "--date", "2025-02-30"], "--date"),
}


@pytest.mark.parametrize("argv, named", MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistake_is_one_french_line_naming_the_argument_and_exit_2(argv, named, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("pas une DSN", encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))

    assert main([word.replace("{tmp}", str(tmp_path)) for word in argv]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("dsn ") and named.replace("{tmp}", str(tmp_path)) in line
    assert "Traceback" not in captured.err and "Error" not in line and "secret" not in line
    assert sorted(tmp_path.rglob("*")) == before  # nothing archived, stored or written


def test_an_unexpected_error_is_one_line_exit_3_and_its_traceback_only_with_debug(capsys, monkeypatch):
    def broken(summary):
        raise RuntimeError("panne imprévue")
    monkeypatch.setattr(parse_command, "format_text", broken)

    assert main(["parse", SAMPLE]) == 3
    [line] = capsys.readouterr().err.splitlines()
    assert line == ("dsn parse : erreur interne (RuntimeError) : panne imprévue ; relancer avec --debug pour la "
                    "trace complète")
    for argv in (["--debug", "parse", SAMPLE], ["parse", SAMPLE, "--debug"]):
        assert main(argv) == 3
        err = capsys.readouterr().err
        assert err.startswith("Traceback") and "RuntimeError: panne imprévue" in err


NOT_DSN = {
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\n", "document PDF, pas une DSN"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "image PNG, pas une DSN"),
    "zip": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20 + b"notes.txt", "archive zip, pas une DSN"),
    "xml": (b'<?xml version="1.0"?>\n<Facture><Ligne>1</Ligne></Facture>\n',
            "XML dont la racine est <Facture>, pas une DSN (racine <n4ds:DSN> attendue)"),
}


@pytest.mark.parametrize("content, reason", NOT_DSN.values(), ids=NOT_DSN.keys())
def test_a_file_that_is_not_a_dsn_is_named_for_what_it_is(content, reason, tmp_path, capsys):
    path = tmp_path / "envoi.dsn"
    path.write_bytes(content)
    assert main(["parse", str(path)]) == 2
    assert capsys.readouterr().err == f"{path} : fichier illisible : {reason}\n"
    assert main(["validate", str(path), "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().out) == [{"path": str(path), "error": reason}]


def test_missing_file_and_folder_reasons_are_french_and_not_doubled(tmp_path, capsys):
    absent = tmp_path / "absent.dsn"
    assert main(["validate", str(absent), str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert f"{absent} : fichier illisible : fichier introuvable" in out
    assert f"{tmp_path} : fichier illisible : c'est un dossier, pas un fichier" in out
    assert "illisible : fichier illisible" not in out and "Errno" not in out and "No such" not in out
