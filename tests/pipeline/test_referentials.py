"""Contract referentials stored for the products, on DuckDB and PostgreSQL; ``dsn fpoc load``; ``dsn run``."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from pipeline.cli import main
from pipeline.referentials import store_referential, stored_referential
from pipeline.store import make_engine, migrate
from pipeline.store.schema import referentials

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SHEET = next(SAMPLES.glob("fpoc_*.xml"))

YAML_SHEET = """\
sheets:
  - id: {id}
    company: {{siren: "552100554", nic: "00011"}}
    groups:
      - number: "1"
        label: Cadres
        contracts:
          - reference: PREV-{rate}
            label: Prévoyance
            organism: P1030
            valid_from: 2025-01-01
            periodicity: Mensuel
            products:
              arrets: {{franchise_days: 90}}
"""


def test_a_stored_sheet_is_read_back_and_not_stored_twice(store_url):
    engine = make_engine(store_url)
    migrate(engine)
    with engine.begin() as conn:
        first = store_referential(conn, SHEET)
        again = store_referential(conn, SHEET)
    siren = SHEET.stem.split("_")[1]
    assert (first.duplicate, again.duplicate, again.id) == (False, True, first.id)
    assert first.sirens == (siren,) and first.sheets == 1 and first.errors == 0
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(referentials)).scalar() == 1
        stored = stored_referential(conn, siren)
        assert stored_referential(conn, "999999999").sheets == ()
    assert stored.sheets[0].siren == siren and len(list(stored.lines())) > 0
    assert SHEET.read_bytes() == _content(engine)
    engine.dispose()


def _content(engine) -> bytes:
    with engine.connect() as conn:
        return bytes(conn.execute(sa.select(referentials.c.content)).scalar())


def test_the_latest_version_of_a_sheet_wins_and_product_parameters_survive(store_url, tmp_path):
    engine = make_engine(store_url)
    migrate(engine)
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(YAML_SHEET.format(id="S1", rate="OLD"), encoding="utf-8")
    new.write_text(YAML_SHEET.format(id="S1", rate="NEW"), encoding="utf-8")
    with engine.begin() as conn:
        store_referential(conn, old)
        store_referential(conn, new)
    with engine.connect() as conn:
        lines = list(stored_referential(conn, "552100554").lines())
    engine.dispose()
    assert [line.contract.reference for line in lines] == ["PREV-NEW"]
    assert lines[0].product("arrets") == {"franchise_days": 90} and lines[0].product("cotisations") == {}


def test_dsn_fpoc_load_stores_and_reports_a_duplicate(tmp_path, capsys):
    db = f"duckdb:///{tmp_path / 's.duckdb'}"
    assert main(["fpoc", "load", str(SHEET), "--db", db]) == 0
    assert main(["fpoc", "load", str(SHEET), "--db", db, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert f"{SHEET.name} : enregistré, 1 fiche(s)" in out and '"duplicate": true' in out


def test_dsn_fpoc_load_refuses_a_missing_file_in_one_line(tmp_path, capsys):
    assert main(["fpoc", "load", str(tmp_path / "absent.xml"), "--db", f"duckdb:///{tmp_path / 's.duckdb'}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "absent.xml" in err[0] and "introuvable" in err[0]
