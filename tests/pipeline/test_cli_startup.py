"""``dsn`` start-up: building the parser and ``--help`` import no data or store library, each command imports
only what it uses; help and argparse's own texts in French; constants restated for a light start agree."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from pipeline.cli import build_parser, main
from pipeline.cli.usage import leaf_parsers

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "signalement_04_arret.dsn"
DATA_LIBRARIES = ("pandas", "pandera", "numpy", "pyarrow", "lxml", "sqlalchemy", "alembic", "prefect", "duckdb")
STORE_LIBRARIES = ("sqlalchemy", "alembic", "prefect", "duckdb", "psycopg")
PROBE = """
import json, sys
from pipeline.cli import main
for argv in json.loads(sys.argv[1]):
    main(argv)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in json.loads(sys.argv[2]))))
"""


def loaded_after(argvs: list[list[str]], libraries: tuple[str, ...]) -> list[str]:
    """The modules of ``libraries`` a fresh Python holds after running ``dsn`` with each of ``argvs``."""
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argvs), json.dumps(libraries)], cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=300)
    return json.loads(out.stdout.splitlines()[-1])


def command_paths() -> list[list[str]]:
    """``[]`` and the words of every sub-command, inner ones included (``["fpoc", "check"]``)."""
    paths = [[]]
    for leaf in leaf_parsers(build_parser()):
        paths.append(leaf.prog.split()[1:])
    return paths


def test_help_of_every_command_imports_no_data_or_store_library():
    argvs = [[], ["--version"]] + [path + ["--help"] for path in command_paths()]
    assert loaded_after(argvs, DATA_LIBRARIES) == []


@pytest.mark.parametrize("argv", [
    ["parse", str(SAMPLE)],
    ["validate", str(SAMPLE), "--format", "json"],
    ["fpoc", "check", str(ROOT / "data" / "samples" / "fpoc_848602298.xml")],
], ids=["parse", "validate", "fpoc"])
def test_reading_commands_import_no_store(argv):
    loaded = loaded_after([argv], STORE_LIBRARIES + ("pandas",))
    assert "pandas" in loaded  # the probe sees the libraries the command does use
    assert [m for m in loaded if m.split(".")[0] in STORE_LIBRARIES] == []


def test_every_argument_of_every_command_has_a_help_text():
    parsers = [build_parser(), *leaf_parsers(build_parser())]
    missing = [f"{p.prog} {a.option_strings or a.dest}" for p in parsers for a in p._actions
               if not a.help and not isinstance(a, argparse._SubParsersAction)]
    assert missing == []


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "dsn")
def test_help_is_in_french_with_the_exit_statuses(path, capsys):
    assert main(path + ["--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("utilisation : dsn")
    for english in ("usage:", "positional arguments", "options:", "show this help", "show program's version"):
        assert english not in text
    assert "options :" in text and "afficher cette aide et quitter" in text
    assert "0  accepté" in text and "1  au moins une anomalie bloquante" in text
    assert "2  fichier illisible ou mauvais usage" in text and "3  incomplet" in text


def test_version_is_the_installed_distribution(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"dsn {version('dsn-pipeline')}\n"


@pytest.mark.parametrize("argv, french", [
    ([], "argument(s) obligatoire(s) manquant(s) : COMMANDE"),
    (["valider"], "argument COMMANDE : choix invalide : 'valider'"),
    (["validate"], "argument(s) obligatoire(s) manquant(s) : FICHIER"),
    (["validate", "x.dsn", "--format", "pdf"], "argument --format : choix invalide : 'pdf' (choix possibles :"),
    (["validate", "x.dsn", "--max-per-code", "beaucoup"], "valeur invalide : 'beaucoup' (un entier attendu)"),
    (["ingest", "x.dsn", "--lock-timeout"], "argument --lock-timeout : une valeur attendue"),
    (["parse", "x.dsn", "--inconnue"], "argument(s) non reconnu(s) : --inconnue"),
])
def test_argparse_errors_are_one_french_line(argv, french, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1
    assert french in captured.err and "(aide : dsn" in captured.err


def test_the_argparse_module_itself_is_left_in_english():
    build_parser()
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: x")


def test_constants_restated_for_a_light_start_agree_with_the_library():
    from pipeline.cli import nightly_command, store_options, validate_command
    from pipeline.nightly import REPORTS_DIR
    from pipeline.store import DEFAULT_URL
    from pipeline.store.engine import BUSY_TIMEOUT
    from reports import RENDERERS

    assert store_options.DEFAULT_DB == DEFAULT_URL and store_options.DEFAULT_LOCK_TIMEOUT == BUSY_TIMEOUT
    assert validate_command.FORMATS == tuple(RENDERERS)
    assert nightly_command.DEFAULT_REPORTS == REPORTS_DIR
