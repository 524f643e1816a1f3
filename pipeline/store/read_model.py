"""The read model: SQL views over the block tables for those who query the store with SQL.

One view per stored block, ``read_<table>`` (``read_individu``…): the rows of the current declarations only,
each rubrique column under a readable name taken from its catalog label (``s21_g00_30_002`` → ``nom_famille``,
see :func:`readable_name`), after the keys (``declaration_id``, ``submission_id``, ``instance_id``,
``parent_id``) and the declaration's ``siren``, ``nic`` and ``month``. Personal rubriques
(:func:`rules.masking.all_personal_rubriques`: NIR, names, birth dates, addresses, IBAN…) are left out. On
PostgreSQL a second set, ``read_personal_<table>``, keeps them; the views are granted to the roles
:data:`READER` and :data:`PERSONAL_READER` (the latter both sets). DuckDB has no roles: only the first set
exists there (whoever opens the file reads the tables anyway).
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

from .schema import BLOCK_TABLES, SCHEMA_NORMS

PREFIX, PERSONAL_PREFIX = "read_", "read_personal_"
READER, PERSONAL_READER = "dsn_lecture", "dsn_lecture_personnelle"
KEYS = ("declaration_id", "submission_id", "instance_id", "parent_id")
DECLARATION_COLUMNS = ("siren", "nic", "month")
STOP_WORDS = {"a", "au", "aux", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour", "sur",
              "un", "une"}
MAX_NAME = 55  # PostgreSQL keeps 63 bytes of an identifier; room for a code suffix


def readable_name(label: str) -> str:
    """A catalog label as a column name: ASCII, lower case, words joined by ``_``, small words left out
    (``Nom de famille`` → ``nom_famille``), at most :data:`MAX_NAME` characters cut at a word."""
    text = unicodedata.normalize("NFKD", re.sub(r"[’'`]", " ", label)).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", text) if w not in STOP_WORDS]
    name = ""
    for word in words:
        if len(name) + len(word) + 1 > MAX_NAME:
            break
        name = f"{name}_{word}" if name else word
    return name if name and not name[0].isdigit() else f"r_{name}"


@cache
def block_columns(block: str) -> tuple[tuple[str, str, bool], ...]:
    """(store column, readable name, personal) of each rubrique of ``block``; a name taken twice in the block
    (or by a key) gets the rubrique number as suffix (``…_003``)."""
    from dsn_parser.catalog import load_catalog
    from rules.masking import all_personal_rubriques

    labels: dict[str, str] = {}
    for norm in reversed(SCHEMA_NORMS):  # the newest label wins
        for rubrique in load_catalog(norm).rubriques_of(block):
            labels.setdefault(rubrique.code, rubrique.name)
    personal = all_personal_rubriques()
    names = [readable_name(labels[c]) for c in sorted(labels)]
    taken = set(KEYS) | set(DECLARATION_COLUMNS)
    out = []
    for code, name in zip(sorted(labels), names):
        if name in taken or names.count(name) > 1:
            name = f"{name}_{code[-3:]}"
        taken.add(name)
        out.append((code.lower().replace(".", "_"), name, code in personal))
    return tuple(out)


def view_sql(block: str, with_personal: bool) -> tuple[str, str]:
    """(view name, ``CREATE VIEW`` statement) of one block."""
    table = BLOCK_TABLES[block].name
    view = f"{PERSONAL_PREFIX if with_personal else PREFIX}{table}"
    columns = [f"b.{k}" for k in KEYS] + [f"d.{c}" for c in DECLARATION_COLUMNS] + [
        f"b.{column} AS {name}" for column, name, personal in block_columns(block) if with_personal or not personal]
    return view, (f"CREATE VIEW {view} AS SELECT {', '.join(columns)} FROM {table} b "
                  f"JOIN declarations d ON d.id = b.declaration_id WHERE d.state = 'current'")


def views(dialect: str) -> list[tuple[str, str, bool]]:
    """(name, statement, personal) of every view of the read model on this dialect."""
    sets = (False, True) if dialect == "postgresql" else (False,)
    return [(*view_sql(block, personal), personal) for personal in sets for block in BLOCK_TABLES]


def create_statements(dialect: str) -> list[str]:
    """The statements creating the read model (PostgreSQL: the roles when allowed, and the grants)."""
    statements = [sql for _name, sql, _personal in views(dialect)]
    if dialect != "postgresql":
        return statements
    for role in (READER, PERSONAL_READER):
        statements.append(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN "
            f"CREATE ROLE {role} NOLOGIN; END IF; EXCEPTION WHEN insufficient_privilege THEN "
            f"RAISE NOTICE 'rôle {role} non créé (droit CREATEROLE manquant)'; END $$")
    for name, _sql, personal in views(dialect):
        for role in (PERSONAL_READER,) if personal else (READER, PERSONAL_READER):
            statements.append(f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN "
                              f"GRANT SELECT ON {name} TO {role}; END IF; END $$")
    return statements


def drop_statements(dialect: str) -> list[str]:
    """The statements dropping the views (the roles, shared by every database of a server, stay)."""
    return [f"DROP VIEW IF EXISTS {name}" for name, _sql, _personal in reversed(views(dialect))]
