"""NIR and IBAN encrypted at rest in the store, looked up by a keyed hash (the tokens: :mod:`pipeline.sealing`).

Every value of a NIR- or IBAN-typed rubrique (kinds of :func:`rules.masking.all_personal_rubriques`, decided from
the catalogs' data types, never by a list) is sealed when the block tables are written (:func:`protect`, called
by :func:`pipeline.store.bulk.bulk_insert`); the tables derived from them copy the sealed values. The lookup key
is derived from the master key when a store gets its first token, then kept in ``personal_keys`` wrapped by the
master key, so :func:`rotate` wraps it under a new master key and re-seals every token, lookups and identities
unchanged. A store written in clear before is sealed at its first encrypted write (:func:`store_cipher`).
"""
from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..sealing import PREFIX, Cipher, PersonalKeyError, default_key_file, derived, fingerprint, master_key, \
    open_token, unwrap, wrap
from .schema import BLOCK_TABLES, column_name, employee_identities, employees, metadata
from .schema_personal import personal_keys

if TYPE_CHECKING:
    import pyarrow as pa

PROTECTED_KINDS = ("nir", "iban")
LOOKUP = "lookup"  # the personal_keys row
_mapping = sa.Table("personal_mapping", sa.MetaData(), sa.Column("old", sa.String()), sa.Column("new", sa.String()))


@cache
def protected_columns(table_name: str) -> dict[str, str]:
    """Column → kind (``nir``, ``iban``) of the NIR- and IBAN-typed rubriques of a block table (none for others)."""
    from rules.masking import all_personal_rubriques

    table = next((t for t in BLOCK_TABLES.values() if t.name == table_name), None)
    if table is None:
        return {}
    return {column_name(code): kind for code, kind in sorted(all_personal_rubriques().items())
            if kind in PROTECTED_KINDS and column_name(code) in table.c}


def protect(conn: sa.Connection, table: sa.Table, data: pa.Table) -> pa.Table:
    """``data`` about to be written to ``table``, its NIR and IBAN columns sealed when encryption is on."""
    columns = [name for name in data.column_names if name in protected_columns(table.name)]
    if not columns:
        return data
    cipher = store_cipher(conn, create=True)
    if cipher is None:
        return data
    for name in columns:
        index = data.column_names.index(name)
        data = data.set_column(index, name, cipher.seal_column(data.column(index)))
    return data


def store_cipher(conn: sa.Connection, create: bool = False) -> Cipher | None:
    """The keys of the store on ``conn``; None when it holds its NIR and IBAN in clear.

    ``create`` (a write): when the store has no key yet and encryption is on, its key is recorded and the values
    it holds in clear are sealed, in the caller's transaction. A store that has a key needs the same master key.
    """
    row = conn.execute(sa.select(personal_keys).where(personal_keys.c.name == LOOKUP)).first()
    if row is None and not create:
        return None
    master = master_key(create=row is None)
    if master is None:
        if row is None:
            return None
        raise PersonalKeyError("la base chiffre les NIR et IBAN mais aucune clé n'est configurée (DSN_STORE_KEY, "
                               f"DSN_STORE_KEY_FILE ou {default_key_file()})")
    created = False
    if row is None:
        created = conn.execute(sa.text(
            "INSERT INTO personal_keys (name, master_id, wrapped, created_at) VALUES (:name, :master_id, :wrapped, "
            ":at) ON CONFLICT (name) DO NOTHING"),
            {"name": LOOKUP, "master_id": fingerprint(master), "at": _utcnow(),
             "wrapped": wrap(master, derived(master, b"lookup"))}).rowcount == 1
        row = conn.execute(sa.select(personal_keys).where(personal_keys.c.name == LOOKUP)).one()
    if row.master_id != fingerprint(master):
        raise PersonalKeyError(f"la base a été chiffrée avec une autre clé (empreinte {row.master_id}) que la clé "
                               f"configurée (empreinte {fingerprint(master)})")
    cipher = Cipher(master, unwrap(master, row.wrapped))
    if created:
        seal_clear_values(conn, cipher)
    return cipher


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _rewrite(conn: sa.Connection, table: str, column: str, change, like: str, unlike: str | None = None) -> int:
    """Replace each distinct value of ``table.column`` that is ``LIKE like`` (and not ``LIKE unlike``) by
    ``change(value)``; rows changed."""
    quote = conn.dialect.identifier_preparer.quote
    target = f"{quote(table)}.{quote(column)}"
    condition = f"{target} LIKE :like" + (f" AND {target} NOT LIKE :unlike" if unlike else "")
    values = conn.execute(sa.text(f"SELECT DISTINCT {target} FROM {quote(table)} WHERE {condition}"),
                          {"like": like, "unlike": unlike}).scalars().all()
    if not values:
        return 0
    import pyarrow as pa

    from .bulk import staged

    mapping = pa.table({"old": pa.array(values, pa.string()), "new": pa.array([change(v) for v in values])})
    with staged(conn, mapping, like=_mapping) as stage:
        return conn.execute(sa.text(f"UPDATE {quote(table)} SET {quote(column)} = m.new FROM {stage} m "
                                    f"WHERE {target} = m.old")).rowcount


def _copies() -> list[tuple[str, str]]:
    """(table, column) of the tables derived from the block tables whose column is named after a protected kind."""
    blocks = {t.name for t in BLOCK_TABLES.values()}
    return [(t.name, c.name) for t in metadata.sorted_tables if t.name not in blocks
            for c in t.c if c.name in PROTECTED_KINDS]


def seal_clear_values(conn: sa.Connection, cipher: Cipher) -> int:
    """Seal what a store kept in clear: the protected block columns, their copies in derived tables (employees,
    products) and the ``nir:`` identities; rows changed."""
    targets = [(t.name, c) for t in BLOCK_TABLES.values() for c in protected_columns(t.name)] + _copies()
    rows = sum(_rewrite(conn, table, column, cipher.seal, "%", f"{PREFIX}%") for table, column in targets)
    for table in (employees, employee_identities):
        rows += _rewrite(conn, table.name, "identity", lambda v: "nir:" + cipher.lookup(v[4:]), "nir:%",
                         f"nir:{PREFIX}%")
    return rows


def rotate(conn: sa.Connection, new_master: bytes) -> int:
    """Wrap the store's lookup key under ``new_master`` and re-seal every token with it, in the caller's
    transaction (a store in clear is sealed first); rows changed. Lookups and identities do not change."""
    cipher = store_cipher(conn, create=True)
    if cipher is None:
        raise PersonalKeyError("aucune clé configurée : rien à renouveler")
    renewed = Cipher(new_master, cipher.lookup_key)
    conn.execute(personal_keys.update().where(personal_keys.c.name == LOOKUP).values(
        master_id=fingerprint(new_master), wrapped=wrap(new_master, cipher.lookup_key), rotated_at=_utcnow()))
    blocks = {t.name for t in BLOCK_TABLES.values()}
    targets = [(t.name, c) for t in BLOCK_TABLES.values() for c in protected_columns(t.name)]
    targets += [(t.name, c.name) for t in metadata.sorted_tables if t.name not in blocks and t is not personal_keys
                for c in t.c if isinstance(c.type, sa.String)]
    return sum(_rewrite(conn, table, column, lambda token: renewed.seal(open_token(cipher.master, token)), f"{PREFIX}%")
               for table, column in targets)


def stored_lookup(conn: sa.Connection, value: str) -> str:
    """What the store holds in identities for a clear NIR: its keyed hash, or the value in a store in clear."""
    cipher = store_cipher(conn)
    return value if cipher is None else cipher.lookup(value)
