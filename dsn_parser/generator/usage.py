"""The DSN-Val usage table applied to generated records: what a declaration model forbids is left out.

The generator builds each block once for every nature (the same S21.G00.30 for a mensuelle and a signalement
arrêt); the model of the declaration (``catalog.usage["models"]``, chosen by nature and type) then removes the
rubriques and blocks it forbids, e.g. S21.G00.62.003 and S21.G00.63 in a mensuelle.
"""
from __future__ import annotations

from functools import cache

from ..catalog import select_catalog
from ..writer import Record


@cache
def forbidden(norm: str, nature: str, decl_type: str) -> frozenset[str]:
    """Rubrique and block codes the declaration model of (``nature``, ``decl_type``) forbids under ``norm``."""
    catalog, _ = select_catalog(norm)
    for model in catalog.usage.get("models", {}).values():
        if nature in model["natures"] and decl_type in model["types"]:
            return frozenset(code for code, refinement in model["refinements"].items()
                             if refinement["usage"] == "Forbidden")
    return frozenset()


def allowed(records: list[Record], norm: str, nature: str, decl_type: str) -> list[Record]:
    """``records`` without the rubriques the declaration model forbids, directly or through their block."""
    banned = forbidden(norm, nature, decl_type)
    return [(code, value) for code, value in records if code not in banned and code[:10] not in banned]
