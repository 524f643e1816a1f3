"""Schema, migrations and bulk loads, on DuckDB and PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pyarrow as pa
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from dsn_parser.catalog import load_catalog
from dsn_parser.tables import arrow_type
from pipeline.store import SCHEMA_VERSION, current_revision, history, make_engine, metadata, migrate
from pipeline.store.bulk import bulk_insert, staged
from pipeline.store.migrations import alembic_config
from pipeline.store.schema import BLOCK_TABLES, SCHEMA_NORMS, column_name, declarations, employee_identities, \
    employee_months, employees, envois, submissions


def _differences(conn: sa.Connection) -> list:
    """Schema differences between the migrated database and the code's metadata (DuckDB: no indexes/FKs)."""
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    diff = compare_metadata(context, metadata)
    if conn.dialect.name == "duckdb":
        diff = [d for d in diff if not (isinstance(d, tuple) and d[0] in ("add_index", "add_fk"))]
    return diff


def test_migrate_reaches_head_and_matches_the_code(store_url):
    migrate(store_url)
    migrate(store_url)  # a second run is a no-op
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with make_engine(store_url).connect() as conn:
        assert current_revision(conn) == head
        versions = conn.execute(sa.text("SELECT version FROM schema_version ORDER BY version")).scalars().all()
        expected = [f"{n:04d}" for n in range(1, int(SCHEMA_VERSION) + 1)]
        assert versions == expected and versions[-1] == SCHEMA_VERSION
        assert _differences(conn) == []


def test_a_0001_store_migrates_and_keeps_its_employees(blank_store_url):
    migrate(blank_store_url, "0001")
    engine = make_engine(blank_store_url)
    received = {date(2025, 1, 1): datetime(2025, 2, 5), date(2025, 2, 1): datetime(2025, 3, 5)}
    with engine.begin() as conn:  # rows as revision 0001 stored them: one employee, two months
        conn.execute(submissions.insert(), [
            {"id": f"s{m.month}", "source": "t", "filename": "f", "received_at": at, "size": 1,
             "sha256": str(m.month) * 64, "archive_path": "a", "status": "loaded"} for m, at in received.items()])
        conn.execute(envois.insert(), [{"id": f"e{m.month}", "submission_id": f"s{m.month}", "instance_id": 0,
                                        "line": 1} for m in received])
        conn.execute(declarations.insert(), [
            {"id": f"d{m.month}", "submission_id": f"s{m.month}", "envoi_id": f"e{m.month}", "instance_id": 3,
             "line": 5, "month": m, "state": "current", "valid_from": at} for m, at in received.items()])
        conn.execute(employees.insert().values(id="emp", identity="nir:1840575123456", kind="nir",
                                               nir="1840575123456", created_at=received[date(2025, 1, 1)]))
        conn.execute(employee_months.insert(), [
            {"employee_id": "emp", "declaration_id": f"d{m.month}", "submission_id": f"s{m.month}",
             "individu_id": 7, "month": m, "contracts": 1} for m in received])
    migrate(blank_store_url)
    with engine.connect() as conn:
        assert current_revision(conn) == SCHEMA_VERSION
        assert _differences(conn) == []
        identity = conn.execute(sa.select(employee_identities)).mappings().one()
        assert dict(identity) == {"identity": "nir:1840575123456", "employee_id": "emp", "kind": "nir",
                                  "since": date(2025, 1, 1), "declaration_id": "d1",
                                  "recorded_at": datetime(2025, 2, 5)}
        assert history.employee_id_of(conn, nir="1840575123456") == "emp"
        assert conn.execute(sa.select(sa.func.count()).select_from(BLOCK_TABLES["S21.G00.31"])).scalar() == 0
    engine.dispose()


@pytest.mark.parametrize("norm", SCHEMA_NORMS)
def test_block_tables_take_every_rubrique_of_the_schema_norms(norm):
    catalog = load_catalog(norm)
    expected = {"date32[day]": sa.Date, "int64": sa.BigInteger, "string": sa.String}
    for block, table in BLOCK_TABLES.items():
        for rubrique in catalog.rubriques_of(block):
            column = table.c[column_name(rubrique.code)]
            kind = str(arrow_type(rubrique.type))
            if kind.startswith("decimal"):
                assert isinstance(column.type, sa.Numeric) and column.type.scale == 3
            else:
                assert isinstance(column.type, expected[kind]), rubrique.code


def _employee_rows(count: int) -> pa.Table:
    return pa.table({
        "id": [f"id-{i}" for i in range(count)],
        "identity": [f"nir:{i}" for i in range(count)],
        "kind": ["nir"] * count,
        "nir": [None if i % 2 else f"1{i:012d}" for i in range(count)],
        "matricule": ["O'Brien, \"x\"\n2" if i == 0 else "" for i in range(count)],
        "created_at": pa.array([datetime(2025, 1, 2, 3, 4, 5)] * count, pa.timestamp("us")),
    })


def test_bulk_insert_keeps_values_nulls_and_quotes(store_url):
    migrate(store_url)
    engine = make_engine(store_url)
    with engine.begin() as conn:
        assert bulk_insert(conn, employees, _employee_rows(3)) == 3
    with engine.connect() as conn:
        rows = conn.execute(sa.select(employees).order_by(employees.c.id)).mappings().all()
    assert [r["nir"] for r in rows] == ["1000000000000", None, "1000000000002"]
    assert rows[0]["matricule"] == "O'Brien, \"x\"\n2" and rows[1]["matricule"] == ""
    assert rows[2]["created_at"] == datetime(2025, 1, 2, 3, 4, 5)


def test_bulk_insert_rolls_back_with_the_transaction(store_url):
    migrate(store_url)
    engine = make_engine(store_url)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        bulk_insert(conn, employees, _employee_rows(5))
        raise RuntimeError("abandon")
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(employees)).scalar() == 0


def test_bulk_insert_types_of_block_columns(store_url):
    migrate(store_url)
    engine = make_engine(store_url)
    contrat = BLOCK_TABLES["S21.G00.40"]
    data = pa.table({"submission_id": ["s"], "declaration_id": ["d"], "instance_id": [7], "parent_id": [3],
                     "line": [10], "line_end": [20],
                     "s21_g00_40_001": pa.array([date(2024, 2, 29)], pa.date32()),
                     "s21_g00_40_012": pa.array([Decimal("151.670")], pa.decimal128(21, 3)),
                     "s21_g00_40_009": ["CT-1"]})
    with engine.begin() as conn:
        conn.execute(submissions.insert().values(id="s", source="t", filename="f", received_at=datetime(2025, 1, 1),
                                                 size=1, sha256="0" * 64, archive_path="a", status="received"))
        conn.execute(envois.insert().values(id="e", submission_id="s", instance_id=0, line=1))
        conn.execute(declarations.insert().values(id="d", submission_id="s", envoi_id="e", instance_id=3, line=5,
                                                  state="current", valid_from=datetime(2025, 1, 1)))
        bulk_insert(conn, contrat, data)
    with engine.connect() as conn:
        row = conn.execute(sa.select(contrat)).mappings().one()
    assert row["s21_g00_40_001"] == date(2024, 2, 29) and row["s21_g00_40_012"] == Decimal("151.670")
    assert row["s21_g00_40_009"] == "CT-1" and row["s21_g00_40_002"] is None


def _one_contract_row(conn: sa.Connection, quotite) -> None:
    """A submission, envoi, declaration and one S21.G00.40 row whose S21.G00.40.012 is ``quotite``."""
    conn.execute(submissions.insert().values(id="s", source="t", filename="f", received_at=datetime(2025, 1, 1),
                                             size=1, sha256="0" * 64, archive_path="a", status="received"))
    conn.execute(envois.insert().values(id="e", submission_id="s", instance_id=0, line=1))
    conn.execute(declarations.insert().values(id="d", submission_id="s", envoi_id="e", instance_id=3, line=5,
                                              state="current", valid_from=datetime(2025, 1, 1)))
    for i, q in enumerate(quotite):
        conn.execute(BLOCK_TABLES["S21.G00.40"].insert().values(
            submission_id="s", declaration_id="d", instance_id=i, parent_id=3, line=10 + i, line_end=10 + i,
            s21_g00_40_012=q))


def test_an_amount_beyond_the_norm_length_is_stored_as_null(store_url):
    """The block amounts are DECIMAL(18, 3): every norm amount (at most 15 integer digits) fits, a longer one
    (which the typed tables still hold, up to 18 digits) becomes null instead of failing the load."""
    migrate(store_url)
    engine = make_engine(store_url)
    contrat = BLOCK_TABLES["S21.G00.40"]
    assert (contrat.c.s21_g00_40_012.type.precision, contrat.c.s21_g00_40_012.type.scale) == (18, 3)
    values = [Decimal("999999999999999.99"), Decimal("-999999999999999.99"), Decimal("1000000000000000.00"),
              Decimal("-123456789012345678.5"), None]
    data = pa.table({"submission_id": ["s"] * 5, "declaration_id": ["d"] * 5, "instance_id": list(range(5)),
                     "parent_id": [3] * 5, "line": list(range(5)), "line_end": list(range(5)),
                     "s21_g00_40_012": pa.array(values, pa.decimal128(21, 3))})
    with engine.begin() as conn:
        _one_contract_row(conn, [])
        assert bulk_insert(conn, contrat, data) == 5
    with engine.connect() as conn:
        stored = conn.execute(sa.select(contrat.c.s21_g00_40_012).order_by(contrat.c.instance_id)).scalars().all()
    assert stored == [values[0], values[1], None, None, None]


def test_a_0011_store_gets_64_bit_amounts_and_keeps_its_values(blank_store_url):
    migrate(blank_store_url, "0011")
    engine = make_engine(blank_store_url)
    with engine.begin() as conn:
        _one_contract_row(conn, [Decimal("151.670"), Decimal("-12345678901234.5"), Decimal("1234567890123456.5")])
    migrate(blank_store_url)
    with engine.connect() as conn:
        assert current_revision(conn) == SCHEMA_VERSION and _differences(conn) == []
        contrat = BLOCK_TABLES["S21.G00.40"]
        stored = conn.execute(sa.select(contrat.c.s21_g00_40_012).order_by(contrat.c.instance_id)).scalars().all()
        assert stored == [Decimal("151.670"), Decimal("-12345678901234.500"), None]
        assert conn.execute(sa.text("SELECT count(*) FROM read_contrat")).scalar() == 3  # views made again
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:  # and back
        config.attributes["connection"] = conn
        command.downgrade(config, "0011")
    with engine.connect() as conn:
        assert current_revision(conn) == "0011"
        column = next(c for c in sa.inspect(conn).get_columns("contrat") if c["name"] == "s21_g00_40_012")
        assert (column["type"].precision, column["type"].scale) == (21, 3)
        assert conn.execute(sa.text("SELECT count(*) FROM read_contrat")).scalar() == 3


def test_staged_rows_are_queryable_in_the_transaction(store_url):
    migrate(store_url)
    engine = make_engine(store_url)
    with engine.begin() as conn:
        with staged(conn, _employee_rows(4), like=employees) as name:
            count = conn.exec_driver_sql(f"SELECT count(*) FROM {name} WHERE nir IS NULL").scalar()
    assert count == 2


def test_unknown_column_is_refused(store_url):
    migrate(store_url)
    with make_engine(store_url).begin() as conn, pytest.raises(ValueError, match="inconnues"):
        bulk_insert(conn, employees, pa.table({"nope": [1]}))
