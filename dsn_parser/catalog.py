"""The norm as data: one compiled catalog per norm version (blocks, rubriques, types, controls, usage)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from .norm_compiler import CATALOG_DIR

VERSION_PATTERN = re.compile(r"^P(\d\d)V(\d\d)$")


@dataclass(frozen=True)
class DataType:
    """A norm data type: nature, regexp, length bounds and enumerated values."""

    id: str
    nature: str
    regexp: str | None
    min: int | None
    max: int | None
    values: dict[str, str] | None

    @property
    def is_date(self) -> bool:
        return self.nature == "Date"

    @property
    def is_decimal(self) -> bool:
        return self.nature == "Numeric" and bool(self.regexp) and "." in self.regexp


@dataclass(frozen=True)
class Block:
    """A block of the norm tree with its parent and cardinality per parent instance."""

    code: str
    name: str
    parent: str | None
    min: int
    max: int | None
    origin: str
    order: float


@dataclass(frozen=True)
class Rubrique:
    """A rubrique: full code, label, element path, data type."""

    code: str
    name: str
    element: str
    type: DataType
    origin: str

    @property
    def block(self) -> str:
        return self.code[:10]


@dataclass
class Catalog:
    """One norm version's catalog, loaded from ``dsn_parser/catalogs/<version>.json``."""

    version: str
    provenance: dict
    blocks: dict[str, Block]
    rubriques: dict[str, Rubrique]
    types: dict[str, DataType]
    controls: dict[str, dict]
    usage: dict = field(repr=False)

    @classmethod
    def from_dict(cls, data: dict) -> Catalog:
        types = {k: DataType(k, v["nature"], v["regexp"], v["min"], v["max"], v["values"])
                 for k, v in data["types"].items()}
        blocks = {k: Block(k, v["name"], v["parent"], v["min"], v["max"], v["origin"], v["order"])
                  for k, v in data["blocks"].items()}
        rubriques = {k: Rubrique(k, v["name"], v["element"], types[v["type"]], v["origin"])
                     for k, v in data["rubriques"].items()}
        return cls(data["version"], data["provenance"], blocks, rubriques, types, data["controls"], data["usage"])

    @cached_property
    def children(self) -> dict[str | None, list[str]]:
        """Child block codes per parent block code (None for the roots)."""
        out: dict[str | None, list[str]] = {}
        for block in self.blocks.values():
            out.setdefault(block.parent, []).append(block.code)
        return out

    def ancestors(self, block: str) -> list[str]:
        """Parent, grand-parent … of ``block`` up to its root."""
        out = []
        parent = self.blocks[block].parent
        while parent is not None:
            out.append(parent)
            parent = self.blocks[parent].parent
        return out

    def rubriques_of(self, block: str) -> list[Rubrique]:
        """The rubriques of ``block`` in norm order."""
        return [r for code, r in self.rubriques.items() if code.startswith(block + ".")]


def available_versions() -> list[str]:
    """The norm versions that have a shipped catalog, oldest first."""
    return sorted(p.stem for p in CATALOG_DIR.glob("P*V*.json"))


@cache
def load_catalog(version: str) -> Catalog:
    """The shipped catalog of ``version`` (e.g. ``P25V01``)."""
    path = CATALOG_DIR / f"{version}.json"
    if not path.exists():
        raise KeyError(f"aucun catalogue pour la norme {version} (disponibles: {', '.join(available_versions())})")
    return Catalog.from_dict(json.loads(path.read_text(encoding="utf-8")))


def nearest_version(version: str | None) -> tuple[str, str | None]:
    """The shipped version to use for a declared ``S10.G00.00.006`` value, and a warning when it differs."""
    versions = available_versions()
    if version in versions:
        return version, None
    match = VERSION_PATTERN.match(version or "")
    if not match:
        chosen = versions[-1]
        return chosen, f"version de norme illisible ({version!r}) : catalogue {chosen} utilisé"
    key = (int(match[1]), int(match[2]))
    chosen = min(versions, key=lambda v: (abs(int(v[1:3]) - key[0]), -int(v[1:3])))
    return chosen, f"norme {version} inconnue : catalogue le plus proche {chosen} utilisé"


def select_catalog(version: str | None) -> tuple[Catalog, str | None]:
    """The catalog for a declared norm version, with a warning when the nearest one stands in for it."""
    chosen, warning = nearest_version(version)
    return load_catalog(chosen), warning
