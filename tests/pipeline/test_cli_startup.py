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
# What a product command on a store (cotisations, arrets, affiliations) must not load: the columnar and validation
# libraries of the reader, the migrations of a store already at its revision, the flows, the XML loader.
PRODUCT_FORBIDDEN = ("pandas", "pandera", "pyarrow", "alembic", "prefect", "lxml")
SIREN = "848602298"  # of the sample mensuelle
DRIVER_PROBE = """
import json, sys
import sqlalchemy as sa
with sa.create_engine(sys.argv[1]).connect() as conn:
    conn.execute(sa.text("SELECT :x"), {"x": "a"}).all()
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in json.loads(sys.argv[2]))))
"""
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


@pytest.mark.parametrize("argv, used", [
    (["parse", str(SAMPLE)], "pandas"),
    (["validate", str(SAMPLE), "--format", "json"], "pandas"),
    (["fpoc", "check", str(ROOT / "data" / "samples" / "fpoc_848602298.xml")], "lxml"),
], ids=["parse", "validate", "fpoc"])
def test_reading_commands_import_no_store(argv, used):
    loaded = loaded_after([argv], STORE_LIBRARIES + (used,))
    assert used in loaded  # the probe sees the libraries the command does use
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


def driver_loads(url: str, libraries: tuple[str, ...]) -> set[str]:
    """The top-level modules of ``libraries`` a fresh Python holds after one query with a bound parameter through
    the bare SQLAlchemy engine of ``url``: what the database driver loads by itself (DuckDB's Python client imports
    numpy, pandas and pyarrow to bind parameters, duckdb/duckdb#11871)."""
    out = subprocess.run([sys.executable, "-c", DRIVER_PROBE, url, json.dumps(libraries)], cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=120)
    return {m.split(".")[0] for m in json.loads(out.stdout.splitlines()[-1])}


def test_product_commands_on_a_store_import_only_what_they_use(store_url, tmp_path, monkeypatch):
    """Account, statement, dunning, arrêts and affiliations on a migrated store holding a mensuelle and a YAML
    referential load none of PRODUCT_FORBIDDEN, but for what the database driver itself loads."""
    from pipeline.ingest import ingest_path, store_engine
    from pipeline.referentials import store_referential
    from pipeline.store import migrate
    from rules.fpoc.xml_loader import load_fpoc_xml
    from rules.fpoc.yaml_loader import dump_yaml

    monkeypatch.setattr("pipeline.products.available_products", lambda: ["cotisations", "arrets", "affiliations"])
    migrate(store_url)
    referential = tmp_path / "referentiel.yaml"
    referential.write_text(dump_yaml(load_fpoc_xml(ROOT / "data" / "samples" / f"fpoc_{SIREN}.xml").referential),
                           encoding="utf-8")
    with store_engine(store_url).begin() as conn:
        store_referential(conn, referential)
    result = ingest_path(ROOT / "data" / "samples" / "mensuelle_P25V01_202501.dsn", store_url,
                         archive_root=tmp_path / "archive")
    assert result.status == "loaded"
    db = ["--siren", SIREN, "--db", store_url]
    argvs = [["cotisations", "account", *db, "--format", "json"],
             ["cotisations", "statement", *db, "--format", "xlsx", "--output", str(tmp_path / "situation.xlsx")],
             ["cotisations", "dunning", *db, "--as-of", "2025-06-30", "--format", "json"],
             ["arrets", "list", *db, "--format", "json"],
             ["affiliations", "list", *db, "--format", "json"]]
    loaded = {m.split(".")[0] for m in loaded_after(argvs, PRODUCT_FORBIDDEN + ("sqlalchemy",))}
    assert "sqlalchemy" in loaded  # the probe sees what the commands do use
    driver = driver_loads(store_url, PRODUCT_FORBIDDEN)
    assert driver <= ({"pandas", "pyarrow"} if store_url.startswith("duckdb") else set())
    assert sorted(loaded - {"sqlalchemy"} - driver) == []
    assert (tmp_path / "situation.xlsx").stat().st_size > 0


def test_a_store_at_its_revision_is_opened_without_alembic(store_url):
    """``migrate`` of a store already at the newest revision imports no Alembic; that revision is the newest
    script's (HEAD_REVISION is restated for that light check)."""
    from alembic.script import ScriptDirectory

    from pipeline.store import migrate
    from pipeline.store.migrations import HEAD_REVISION, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION
    migrate(store_url)
    probe = f"""
import json, sys
from pipeline.store import make_engine, migrate, current_revision
engine = make_engine({store_url!r})
migrate(engine)
with engine.connect() as conn:
    revision = current_revision(conn)
print(json.dumps([revision, sorted(m for m in sys.modules if m.split(".")[0] == "alembic")]))
"""
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120)
    assert json.loads(out.stdout.splitlines()[-1]) == [HEAD_REVISION, []]


def test_the_block_tables_are_typed_from_the_catalog_as_the_reader_types_them():
    """The store schema takes its column types from ``dsn_parser.columns.value_kind`` (no pyarrow): the same
    kinds as the reader's Arrow types, for every rubrique of every schema norm."""
    import pyarrow as pa

    from dsn_parser.catalog import load_catalog
    from dsn_parser.columns import DATE, DECIMAL, INTEGER, STRING, value_kind
    from dsn_parser.tables import DECIMAL as ARROW_DECIMAL
    from dsn_parser.tables import arrow_type
    from pipeline.store.schema import SCHEMA_NORMS

    arrow = {DATE: pa.date32(), DECIMAL: ARROW_DECIMAL, INTEGER: pa.int64(), STRING: pa.string()}
    checked = 0
    for norm in SCHEMA_NORMS:
        catalog = load_catalog(norm)
        for block in catalog.blocks:
            for rubrique in catalog.rubriques_of(block):
                assert arrow_type(rubrique.type) == arrow[value_kind(rubrique.type)], rubrique.code
                checked += 1
    assert checked > 1000
