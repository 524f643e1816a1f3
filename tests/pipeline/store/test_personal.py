"""NIR and IBAN encrypted at rest (pipeline.store.personal, pipeline.sealing): a copy of the DuckDB file and a
pg_dump hold none of the generator's NIRs and IBANs, identities resolve on the keyed hash, outputs reveal, the key
rotates."""
from __future__ import annotations

import base64
import json
import os
import subprocess
from datetime import date, datetime

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from dsn_parser.catalog import load_catalog
from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from pipeline.cli import main
from pipeline.ingest import ingest_path, store_engine
from pipeline.products.arrets import list_arrets
from pipeline import sealing
from pipeline.store import history, personal
from pipeline.store.schema import BLOCK_TABLES, SCHEMA_NORMS, column_name, employee_identities, employees
from rules.masking import mask_personal

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
RECEIVED = {JAN: datetime(2025, 2, 5, 9), FEB: datetime(2025, 3, 5, 9)}
NIR_RUBRIQUES = ("S21.G00.30.001", "S21.G00.31.008", "S21.G00.73.007", "S21.G00.73.008")
IBAN_RUBRIQUES = ("S21.G00.20.004", "S21.G00.60.007")


@pytest.fixture(autouse=True)
def key_file(tmp_path, monkeypatch):
    """A temporary master key file for each test."""
    path = tmp_path / "config" / "store.key"
    monkeypatch.delenv(sealing.KEY_ENV, raising=False)
    monkeypatch.setenv(sealing.KEY_FILE_ENV, str(path))
    return path


@pytest.fixture(scope="module")
def company():
    """Five employees over two months, an arrêt with subrogation (IBAN) in January."""
    return make_company(seed=21, employees=5, months=2, start_month=JAN)


def _ingest(url, tmp_path, company, month):
    records = monthly_records(company, month)
    path = write_records(records, tmp_path / f"{month:%Y%m}.dsn")
    result = ingest_path(path, url, archive_root=tmp_path / "archive", received_at=RECEIVED[month])
    assert result.status == "loaded", result.error
    return {value for code, value in records if code in NIR_RUBRIQUES + IBAN_RUBRIQUES}


def _people(company, *months):
    return [company.employee(i) for i in range(company.employee_count)
            if any(company.employee(i).present(m) for m in months)]


def test_protected_columns_are_the_nir_and_iban_typed_block_columns():
    expected = {}
    for norm in SCHEMA_NORMS:
        for code, rubrique in load_catalog(norm).rubriques.items():
            type_id = rubrique.type.id.lower()
            is_iban = "iban" in type_id or rubrique.name.lower() == "iban"
            kind = "nir" if "nir" in type_id else "iban" if is_iban else None
            for table in BLOCK_TABLES.values():
                if kind and column_name(code) in table.c:
                    expected.setdefault(table.name, {})[column_name(code)] = kind
    found = {table.name: personal.protected_columns(table.name) for table in BLOCK_TABLES.values()}
    assert {name: columns for name, columns in found.items() if columns} == expected
    assert {column_name(code) for code in NIR_RUBRIQUES + IBAN_RUBRIQUES} <= {c for cs in expected.values() for c in cs}


def test_a_copy_of_the_duckdb_file_holds_no_nir_or_iban(tmp_path, company):
    db = tmp_path / "store.duckdb"
    markers = _ingest(f"duckdb:///{db}", tmp_path, company, JAN) | _ingest(f"duckdb:///{db}", tmp_path, company, FEB)
    assert company.iban in markers and len(markers) > 6
    store_engine(f"duckdb:///{db}").dispose()
    with duckdb.connect(str(db), read_only=True) as copy:
        tables = [name for (name,) in copy.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()]
        dumped = "\n".join(repr(row) for name in tables for row in copy.execute(f'SELECT * FROM "{name}"').fetchall())
        sealed = copy.execute("SELECT s21_g00_30_001 FROM individu").fetchall()
    assert [m for m in markers if m in dumped] == []
    assert sealed and all(value.startswith(sealing.PREFIX) for (value,) in sealed)
    raw = db.read_bytes()
    assert [m for m in markers if m.encode() in raw] == []


@pytest.mark.postgres
def test_a_pg_dump_holds_no_nir_or_iban(tmp_path, company, pg_store):
    markers = _ingest(pg_store, tmp_path, company, JAN) | _ingest(pg_store, tmp_path, company, FEB)
    url = make_url(pg_store)
    dump = subprocess.run(["pg_dump", "-h", url.host, "-p", str(url.port), "-U", url.username, url.database],
                          capture_output=True, text=True, check=True).stdout
    assert "COPY public.individu" in dump and sealing.PREFIX in dump
    assert [m for m in markers if m in dump] == []


def test_identities_resolve_on_the_keyed_hash_and_outputs_reveal(store_url, tmp_path, company):
    _ingest(store_url, tmp_path, company, JAN)
    _ingest(store_url, tmp_path, company, FEB)
    people = _people(company, JAN, FEB)
    with store_engine(store_url).connect() as conn:
        identities = conn.execute(sa.select(employee_identities.c.identity)
                                  .where(employee_identities.c.kind == "nir")).scalars().all()
        assert conn.execute(sa.select(sa.func.count()).select_from(employees)).scalar() == len(people)
        assert {i[4:] for i in identities} >= {personal.stored_lookup(conn, p.nir) for p in people}
        assert all(i.startswith(f"nir:{sealing.PREFIX}") and len(i) == 4 + sealing.LOOKUP_LENGTH for i in identities)
        steady = [p for p in people if p.present(JAN) and p.present(FEB)]
        for person in steady:
            employee = history.employee_id_of(conn, nir=person.nir)
            months = history.employee_months(conn, employee, before=date(2025, 3, 1))
            assert employee and [m["month"] for m in months] == [FEB, JAN]
        arrets = list_arrets(conn, siren=company.siren)
    assert arrets
    clear = arrets[0].as_dict(unmask=True)
    masked = arrets[0].as_dict()
    assert clear["employee"]["nir"] in {p.nir for p in people}
    assert masked["employee"]["nir"] == mask_personal("nir", clear["employee"]["nir"])
    assert clear["subrogation"]["iban"] == company.iban
    assert masked["subrogation"]["iban"] == mask_personal("iban", company.iban)


def test_rotation_reseals_and_keeps_lookups_identities_and_arrets(store_url, tmp_path, company, key_file):
    _ingest(store_url, tmp_path, company, JAN)
    engine = store_engine(store_url)
    snapshot = "SELECT {} FROM {} ORDER BY 1"
    with engine.connect() as conn:
        before = conn.execute(sa.text(snapshot.format("s21_g00_30_001", "individu"))).scalars().all()
        identities = conn.execute(sa.text(snapshot.format("identity", "employee_identities"))).scalars().all()
        arret_ids = conn.execute(sa.text(snapshot.format("arret_id", "arrets"))).scalars().all()
    old, new = sealing.master_key(), os.urandom(32)
    with engine.begin() as conn:
        assert personal.rotate(conn, new) >= len(set(before))
    key_file.write_text(sealing.encoded(new) + "\n")
    with engine.connect() as conn:
        after = conn.execute(sa.text(snapshot.format("s21_g00_30_001", "individu"))).scalars().all()
        assert conn.execute(sa.text(snapshot.format("identity", "employee_identities"))).scalars().all() == identities
        assert conn.execute(sa.text(snapshot.format("arret_id", "arrets"))).scalars().all() == arret_ids
        assert not (set(after) & set(before))
        assert sorted(t[:sealing.LOOKUP_LENGTH] for t in after) == sorted(t[:sealing.LOOKUP_LENGTH] for t in before)
        assert sorted(sealing.reveal(t) for t in after) == sorted(sealing.open_token(old, t) for t in before)
        with pytest.raises(sealing.PersonalKeyError):
            sealing.open_token(old, after[0])
        iban = conn.execute(sa.text("SELECT iban FROM arrets")).scalars().first()
        assert sealing.reveal(iban) == company.iban
    _ingest(store_url, tmp_path, company, FEB)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(employees)).scalar() == len(
            _people(company, JAN, FEB))


def test_a_store_written_in_clear_is_sealed_at_its_first_encrypted_write(store_url, tmp_path, company, monkeypatch):
    monkeypatch.delenv(sealing.KEY_FILE_ENV)
    monkeypatch.setattr(sealing, "ENCRYPTED_BY_DEFAULT", False)
    january = _ingest(store_url, tmp_path, company, JAN)
    engine = store_engine(store_url)
    steady = [p for p in _people(company, JAN, FEB) if p.present(JAN) and p.present(FEB)]
    with engine.connect() as conn:
        assert set(conn.execute(sa.text("SELECT s21_g00_30_001 FROM individu")).scalars()) <= january
        known = {p.nir: history.employee_id_of(conn, nir=p.nir) for p in steady}
    monkeypatch.setenv(sealing.KEY_FILE_ENV, str(tmp_path / "later.key"))
    _ingest(store_url, tmp_path, company, FEB)
    with engine.connect() as conn:
        for table, column in (("individu", "s21_g00_30_001"), ("arret", "s21_g00_60_007"), ("employees", "nir"),
                              ("arrets", "nir"), ("arrets", "iban")):
            values = conn.execute(sa.text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")).scalars().all()
            assert values and all(v.startswith(sealing.PREFIX) for v in values), (table, column)
        identities = conn.execute(sa.select(employee_identities.c.identity)
                                  .where(employee_identities.c.kind == "nir")).scalars().all()
        assert all(i.startswith(f"nir:{sealing.PREFIX}") for i in identities)
        assert {nir: history.employee_id_of(conn, nir=nir) for nir in known} == known
        assert conn.execute(sa.select(sa.func.count()).select_from(employees)).scalar() == len(
            _people(company, JAN, FEB))


def test_a_store_refuses_another_key(store_url, tmp_path, company, monkeypatch):
    _ingest(store_url, tmp_path, company, JAN)
    monkeypatch.setenv(sealing.KEY_ENV, base64.b64encode(os.urandom(32)).decode())
    path = write_records(monthly_records(company, FEB), tmp_path / "feb.dsn")
    with pytest.raises(sealing.PersonalKeyError, match="autre clé"):
        ingest_path(path, store_url, archive_root=tmp_path / "archive", received_at=RECEIVED[FEB])
    with store_engine(store_url).connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM submissions")).scalar() == 1


def test_the_key_command_rotates_the_key_file_and_outputs_stay_clear(tmp_path, company, key_file, capsys):
    db = f"duckdb:///{tmp_path / 'store.duckdb'}"
    _ingest(db, tmp_path, company, JAN)
    store_engine(db).dispose()
    old = key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert main(["key", "rotate", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "clé renouvelée" in out
    assert key_file.read_text() != old and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert [p.read_text() for p in key_file.parent.glob("store.key.old-*")] == [old]
    assert main(["arrets", "list", "--db", db, "--siren", company.siren, "--format", "json", "--unmask"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert company.iban in json.dumps(listed) and sealing.PREFIX not in json.dumps(listed)


def test_the_key_command_refuses_without_a_key(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(sealing.KEY_FILE_ENV)
    monkeypatch.setattr(sealing, "ENCRYPTED_BY_DEFAULT", False)
    db = tmp_path / "store.duckdb"
    store_engine(f"duckdb:///{db}").dispose()
    assert main(["key", "rotate", "--db", f"duckdb:///{db}"]) == 2
    err = capsys.readouterr().err
    assert "aucune clé configurée" in err and len(err.strip().splitlines()) == 1
