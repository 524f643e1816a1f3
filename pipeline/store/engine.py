"""Store URLs and engines: embedded DuckDB (default, one writer process at a time) or PostgreSQL (psycopg 3).

A DuckDB file is locked by the process that writes it. The engine opens it per connection (no pool), so the
lock is held only while a connection is open; a second writer waits and retries until ``busy_timeout``, then
fails with :class:`StoreBusyError` instead of touching the file. A long-running server that holds the file anyway
(``dsn serve``) asks for a pool instead (``pool_size``): its connections stay open between requests.
"""
from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool, QueuePool

DEFAULT_URL = "duckdb:///var/dsn.duckdb"
BUSY_TIMEOUT = 60.0
_RETRY_PAUSE = 0.2


class StoreBusyError(RuntimeError):
    """The DuckDB file stayed locked by another process longer than the busy timeout."""


def normalize_url(url: str | URL) -> URL:
    """The SQLAlchemy URL to use: ``postgresql://`` gets the psycopg 3 driver; DuckDB paths stay as given."""
    url = make_url(url)
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("duckdb", "postgresql"):
        raise ValueError(f"base non prise en charge : {url.get_backend_name()} (duckdb ou postgresql attendu)")
    return url


def backend(url: str | URL) -> str:
    """``duckdb`` or ``postgresql``."""
    return normalize_url(url).get_backend_name()


def make_engine(url: str | URL = DEFAULT_URL, read_only: bool = False,
                busy_timeout: float = BUSY_TIMEOUT, pool_size: int = 0) -> sa.Engine:
    """An engine for ``url``; for DuckDB the file's folder is created and a locked file is waited for, and
    ``pool_size`` connections are kept open (0: each connection opens the file)."""
    url = normalize_url(url)
    pooling = {"poolclass": QueuePool, "pool_size": pool_size, "max_overflow": pool_size} if pool_size else {}
    if url.get_backend_name() == "postgresql":
        return sa.create_engine(url, pool_pre_ping=True, **pooling)
    database = url.database or ":memory:"
    if database != ":memory:" and not read_only:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, **(pooling or {"poolclass": NullPool}), connect_args={"read_only": read_only})
    sa.event.listen(engine, "do_connect", _waiting_connect(database, busy_timeout))
    sa.event.listen(engine, "connect", _quiet)
    return engine


def _quiet(dbapi_connection, _record) -> None:
    """No DuckDB progress bar on the terminal of a batch job."""
    dbapi_connection.execute("SET enable_progress_bar = false")


def _waiting_connect(database: str, busy_timeout: float):
    """A ``do_connect`` hook that retries while another process holds the DuckDB file lock."""
    def connect(dialect, conn_rec, cargs, cparams):
        deadline = time.monotonic() + busy_timeout
        while True:
            try:
                return dialect.connect(*cargs, **cparams)
            except Exception as err:  # duckdb.IOException, wrapped differently across versions
                if "lock" not in str(err).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"la base DuckDB {database} est verrouillée par un autre processus depuis plus de "
                        f"{busy_timeout:g} s (un seul processus écrit à la fois) : {err}") from err
                time.sleep(_RETRY_PAUSE)
    return connect
