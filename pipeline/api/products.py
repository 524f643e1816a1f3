"""What the product routes share: month and day parameters, unmasking (the domain's write habilitation, audited),
kept answers, a list served in pages, and a file answer (CSV, XLSX)."""
from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response

from pipeline.portal.audit import audit
from pipeline.portal.errors import Forbidden, Invalid
from pipeline.portal.habilitations import DOMAIN_LABELS, Caller

from .paging import Page

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def month(text: str | None) -> date | None:
    """``YYYY-MM`` (already matched by :data:`MONTH_PATTERN`) as its first day."""
    return None if text is None else date(int(text[:4]), int(text[5:7]), 1)


def month_range(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    first, last = month(start), month(end)
    if first and last and first > last:
        raise Invalid("periode_invalide", f"le dernier mois ({end}) précède le premier ({start})")
    return first, last


def unmasked(request: Request, conn, caller: Caller, siren: str, domain: str, unmask: bool) -> bool:
    """Whether personal data is shown: asked for, and the caller holds the domain's write habilitation (403
    otherwise); each unmasked read is written to the audit log."""
    if not unmask:
        return False
    if caller.access(siren, domain) != "write":
        raise Forbidden("habilitation_manquante", f"données personnelles en clair : habilitation "
                                                  f"« {DOMAIN_LABELS[domain]} » en écriture requise")
    audit(conn, caller.id, "données personnelles", siren, request.url.path, str(request.url.query) or None)
    return True


def cached(request: Request, conn, compute, *key):
    """``compute()``, or the answer kept for this route and ``key`` while the store is unchanged
    (:mod:`pipeline.api.cache`)."""
    return request.app.state.cache.get(conn, (request.scope["route"].path, *key), compute)


def paged(paging: Page, items: list[dict]) -> dict:
    """One page of a list of JSON objects, with the list's ``total``."""
    return {**paging.envelope(items[paging.offset:paging.offset + paging.limit]), "total": len(items)}


def file_response(write, form: str, name: str) -> Response:
    """The file ``write(path)`` writes, served as an attachment ``name.form``."""
    with tempfile.TemporaryDirectory(prefix="dsn-export-") as folder:
        path = Path(folder) / f"export.{form}"
        write(path)
        content = path.read_bytes()
    safe = re.sub(r"[^\w.-]", "_", name)
    return Response(content, media_type=MEDIA_TYPES[form],
                    headers={"Content-Disposition": f'attachment; filename="{safe}.{form}"'})
