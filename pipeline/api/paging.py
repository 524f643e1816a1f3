"""Pagination of every list: ``limit`` and ``offset`` query parameters, and the list envelope."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Query


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int

    def envelope(self, items: list) -> dict:
        return {"items": [i.as_dict() if hasattr(i, "as_dict") else i for i in items], "limit": self.limit,
                "offset": self.offset, "count": len(items)}


def page(limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0)) -> Page:
    return Page(limit, offset)
