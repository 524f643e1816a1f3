"""Store fixtures: every store test runs on DuckDB (a temporary file) and on PostgreSQL (127.0.0.1:5432).

The PostgreSQL server is checked once per session (and started with pg_ctlcluster when it is down); the
session works in its own database ``dsn_test_<random>``, migrated once and dropped at the end; each test
starts from empty tables.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from dsn_parser.generator.company import make_company
from pipeline.store import metadata, migrate

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_USERS = ("postgres", "root")
KEPT_TABLES = {"schema_version"}


def _pg_user() -> str | None:
    for user in PG_USERS:
        try:
            with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname="test", connect_timeout=3):
                return user
        except psycopg.OperationalError:
            continue
    return None


def _start_postgres() -> None:
    versions = os.listdir("/etc/postgresql") if os.path.isdir("/etc/postgresql") else []
    for version in versions:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                       capture_output=True, check=False, timeout=60)


@pytest.fixture(scope="session")
def pg_admin() -> str:
    """A superuser name on the local PostgreSQL server, starting the server if it is down."""
    user = _pg_user()
    if user is None:
        _start_postgres()
        for _ in range(20):
            user = _pg_user()
            if user:
                break
            time.sleep(0.5)
    if user is None:
        pytest.fail(f"PostgreSQL injoignable sur {PG_HOST}:{PG_PORT} (utilisateurs {', '.join(PG_USERS)}, base "
                    f"'test') même après « pg_ctlcluster --skip-systemctl-redirect <version> main start »")
    return user


@pytest.fixture(scope="session")
def pg_url(pg_admin: str):
    """URL of this session's own PostgreSQL database, migrated to the newest revision; dropped at the end."""
    name = f"dsn_test_{secrets.token_hex(4)}"
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=pg_admin, dbname="test", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"postgresql+psycopg://{pg_admin}@{PG_HOST}:{PG_PORT}/{name}"
    migrate(url)
    yield url
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=pg_admin, dbname="test", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _empty_postgres(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    names = ", ".join(t.name for t in metadata.sorted_tables if t.name not in KEPT_TABLES)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} CASCADE")
    engine.dispose()


@pytest.fixture
def pg_store(pg_url: str) -> str:
    """This session's PostgreSQL database, its tables emptied."""
    _empty_postgres(pg_url)
    return pg_url


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path: Path) -> str:
    """An empty store: a new DuckDB file, or this session's PostgreSQL database with its tables emptied."""
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'store.duckdb'}"
    return request.getfixturevalue("pg_store")


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_store_url(request, tmp_path: Path):
    """A store never migrated: a new DuckDB file, or a new PostgreSQL database dropped after the test."""
    if request.param == "duckdb":
        yield f"duckdb:///{tmp_path / 'blank.duckdb'}"
        return
    admin_user = request.getfixturevalue("pg_admin")
    name = f"dsn_blank_{secrets.token_hex(4)}"
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=admin_user, dbname="test", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield f"postgresql+psycopg://{admin_user}@{PG_HOST}:{PG_PORT}/{name}"
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=admin_user, dbname="test", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def archive_root(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture(scope="session")
def company():
    """A small generated company with three months of history (January to March 2025)."""
    return make_company(seed=21, employees=5, months=3, start_month=date(2025, 1, 1))


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """argon2id at its lowest cost in the tests (hundreds of accounts are created): the stored hashes keep
    their parameters, so verification is the same code; the production parameters are the library's."""
    from argon2 import PasswordHasher

    import pipeline.portal.passwords as passwords

    kept = passwords._HASHER
    passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._HASHER = kept


@contextmanager
def validation_rules_off():
    """Ingests that store their files without running the validation rules: for stores built for what comes
    after validation (products, portal), whose tests read no validator anomaly. The ingest, flow, CLI and
    report tests keep every rule."""
    import pipeline.ingest as ingest

    validate = ingest.validate
    ingest.validate = lambda parsed, options=None: validate(parsed, options, rules=[])
    try:
        yield
    finally:
        ingest.validate = validate
