"""Contract referentials in the store: FPOC sheets (XML) or their YAML form, kept byte for byte.

:func:`store_referential` checks a file with :func:`rules.fpoc.load_referential` and stores it (a file already
stored, same bytes, is not stored twice; a file with errors is stored with its error count, and only its
sheets without error are used). The products read :func:`stored_referential`: the latest stored version of
each sheet (by sheet identifier, the last loaded wins). Storing a referential recomputes the products of its
companies in the same transaction.
"""
from __future__ import annotations

import hashlib
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from rules.fpoc.loading import load_referential
from rules.fpoc.model import Referential

from .products import recompute_products
from .store.schema import referentials

FORMS = {".xml": "xml", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True)
class StoredReferential:
    """The outcome of storing one referential file."""

    id: str
    filename: str
    sirens: tuple[str, ...]
    sheets: int
    errors: int
    duplicate: bool
    problems: tuple[dict, ...] = ()

    def as_dict(self) -> dict:
        return {"id": self.id, "filename": self.filename, "sirens": list(self.sirens), "sheets": self.sheets,
                "errors": self.errors, "duplicate": self.duplicate, "problems": list(self.problems)}


def _parse(content: bytes, form: str) -> tuple[Referential, tuple]:
    """The referential held by ``content`` (the loaders read files: a temporary one)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"referential.{form}"
        path.write_bytes(content)
        result = load_referential(path)
    return result.referential, result.problems


def store_referential(conn: sa.Connection, path: str | Path, as_of: date | None = None) -> StoredReferential:
    """Check and store a referential file on ``conn`` (inside the caller's transaction)."""
    path = Path(path)
    form = FORMS.get(path.suffix.lower())
    if form is None:
        raise ValueError(f"{path} : extension non prise en charge, attendu .xml, .yaml ou .yml")
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    r = referentials.c
    existing = conn.execute(sa.select(r.id, r.sirens, r.sheets, r.errors).where(r.sha256 == digest)).first()
    if existing is not None:
        return StoredReferential(existing.id, path.name, tuple(filter(None, (existing.sirens or "").split(","))),
                                 existing.sheets, existing.errors, True)
    result = load_referential(path)
    errors = tuple(p for p in result.problems if str(p.severity) == "error")
    sirens = tuple(sorted({sheet.siren for sheet in result.referential.sheets}))
    row_id = str(uuid.uuid4())
    conn.execute(referentials.insert().values(
        id=row_id, filename=path.name, form=form, sha256=digest, content=content,
        loaded_at=datetime.now(timezone.utc).replace(tzinfo=None), sirens=",".join(sirens),
        sheets=len(result.referential.sheets), errors=len(errors)))
    recompute_products(conn, list(sirens), as_of)
    problems = tuple({"code": p.code, "severity": str(p.severity), "message": p.message_fr, "line": p.line}
                     for p in result.problems)
    return StoredReferential(row_id, path.name, sirens, len(result.referential.sheets), len(errors), False, problems)


def stored_referential(conn: sa.Connection, siren: str | None = None) -> Referential:
    """The referential the products use: the latest stored version of each sheet (of ``siren`` when given)."""
    r = referentials.c
    query = sa.select(r.content, r.form).order_by(r.loaded_at, r.id)
    if siren is not None:
        query = query.where(r.sirens.like(f"%{siren}%"))
    sheets = {}
    for content, form in conn.execute(query):
        referential, _problems = _parse(content, form)
        for sheet in referential.sheets:
            if siren is None or sheet.siren == siren:
                sheets[sheet.identifier] = sheet
    return Referential(tuple(sheets.values()))
