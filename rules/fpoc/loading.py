"""Entry point: load a referential file whatever its form (XML or YAML)."""

from __future__ import annotations

from importlib import import_module
from os import PathLike
from pathlib import Path

from rules.fpoc.model import Referential
from rules.fpoc.problems import LoadResult, ProblemCode, ReferentialProblem, Where
# Suffix → (module of rules.fpoc, loader), imported on use: reading a YAML sheet does not load lxml.
LOADERS = {".xml": ("xml_loader", "load_fpoc_xml"), ".yaml": ("yaml_loader", "load_yaml"),
           ".yml": ("yaml_loader", "load_yaml")}


def load_referential(path: str | PathLike[str]) -> LoadResult:
    """Load an FPOC referential from .xml, .yaml or .yml; never raises."""
    found = LOADERS.get(Path(path).suffix.lower())
    if found is None:
        problem = ReferentialProblem.make(
            ProblemCode.UNREADABLE,
            str(path),
            Where(None, None),
            detail="extension non prise en charge, attendu .xml, .yaml ou .yml",
        )
        return LoadResult(Referential(), (problem,))
    module, name = found
    return getattr(import_module(f"rules.fpoc.{module}"), name)(path)
