"""Fast bulk loads of Arrow tables inside the caller's transaction, with each engine's own fast path.

DuckDB: the Arrow table is registered on the raw DuckDB connection and copied with ``INSERT … SELECT``.
PostgreSQL: the rows stream through ``COPY … FROM STDIN`` (CSV written by Arrow) on the psycopg 3 cursor.
Both use the DBAPI connection of the SQLAlchemy connection, so they commit or roll back with it. NIR and IBAN
values are written sealed (:func:`pipeline.store.personal.protect`); decimals are narrowed to their column's
precision, a value beyond it written as null (:func:`fitted`).
"""
from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import sqlalchemy as sa

from .personal import protect

COPY_BATCH_ROWS = 200_000
_names = itertools.count()


def _quoted(conn: sa.Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _columns(table: sa.Table, data: pa.Table) -> list[str]:
    """The columns of ``data``, in order; each must be a column of ``table``."""
    unknown = [name for name in data.column_names if name not in table.c]
    if unknown:
        raise ValueError(f"{table.name}: colonnes inconnues {unknown}")
    return list(data.column_names)


def _plain(data: pa.Table) -> pa.Table:
    """Dictionary columns decoded (the CSV writer wants plain values)."""
    for i, field in enumerate(data.schema):
        if pa.types.is_dictionary(field.type):
            data = data.set_column(i, field.name, pc.cast(data.column(i), field.type.value_type))
    return data


def fitted(table: sa.Table, data: pa.Table) -> pa.Table:
    """``data`` with each decimal column cast to the precision and scale of its ``table`` column; a value whose
    integer part does not fit (a format error of the file, reported by the validator) becomes null."""
    for i, field in enumerate(data.schema):
        target = table.c[field.name].type
        if not pa.types.is_decimal(field.type) or not isinstance(target, sa.Numeric) or target.precision is None:
            continue
        narrow = pa.decimal128(target.precision, target.scale)
        if narrow == field.type:
            continue
        values = data.column(i)
        try:
            narrowed = pc.cast(values, narrow)  # the common case: every value fits
        except pa.ArrowInvalid:
            limit = pa.scalar(Decimal(10) ** (target.precision - target.scale), field.type)
            too_long = pc.fill_null(pc.greater_equal(pc.abs(values), limit), False)
            narrowed = pc.cast(pc.if_else(too_long, None, values), narrow)
        data = data.set_column(i, field.name, narrowed)
    return data


def _copy(conn: sa.Connection, target: str, columns: list[str], data: pa.Table) -> None:
    """COPY ``data`` into ``target`` (a table name, already quoted) through psycopg 3."""
    column_list = ", ".join(_quoted(conn, c) for c in columns)
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {target} ({column_list}) FROM STDIN (FORMAT csv)") as copy:
        for batch in _plain(data).to_batches(COPY_BATCH_ROWS):
            buffer = io.BytesIO()
            pacsv.write_csv(pa.Table.from_batches([batch]), buffer, options)
            copy.write(buffer.getbuffer())


def bulk_insert(conn: sa.Connection, table: sa.Table, data: pa.Table) -> int:
    """Append the rows of ``data`` (columns named as in ``table``) to ``table``; return the row count.

    NIR and IBAN columns of a block table are sealed first when encryption is on (:mod:`pipeline.store.personal`).
    """
    if data.num_rows == 0:
        return 0
    columns = _columns(table, data)
    data = fitted(table, protect(conn, table, data))
    target = _quoted(conn, table.name)
    if conn.dialect.name == "postgresql":
        _copy(conn, target, columns, data)
        return data.num_rows
    with staged(conn, data) as name:
        column_list = ", ".join(_quoted(conn, c) for c in columns)
        conn.connection.driver_connection.execute(
            f"INSERT INTO {target} ({column_list}) SELECT {column_list} FROM {name}")
    return data.num_rows


@contextmanager
def staged(conn: sa.Connection, data: pa.Table, like: sa.Table | None = None) -> Iterator[str]:
    """Make ``data`` queryable by SQL on ``conn`` under the returned name until the block ends.

    DuckDB: a view of the Arrow table on the raw connection. PostgreSQL: a temporary table (shaped like
    ``like``, which must have the columns of ``data``) filled by COPY and dropped at commit.
    """
    name = f"stage_{next(_names)}"
    if conn.dialect.name == "postgresql":
        if like is None:
            raise ValueError("PostgreSQL staging needs the shape of a table (like=…)")
        columns = _columns(like, data)
        definitions = ", ".join(f"{_quoted(conn, c)} {like.c[c].type.compile(conn.dialect)}" for c in columns)
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} ({definitions}) ON COMMIT DROP")
        _copy(conn, name, columns, data)
        yield name
        return
    raw = conn.connection.driver_connection
    raw.register(name, data)
    try:
        yield name
    finally:
        raw.unregister(name)
