"""Entry point: load a referential file whatever its form (XML or YAML)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from rules.fpoc.model import Referential
from rules.fpoc.problems import LoadResult, ProblemCode, ReferentialProblem, Where
from rules.fpoc.xml_loader import load_fpoc_xml
from rules.fpoc.yaml_loader import load_yaml

LOADERS = {".xml": load_fpoc_xml, ".yaml": load_yaml, ".yml": load_yaml}


def load_referential(path: str | PathLike[str]) -> LoadResult:
    """Load an FPOC referential from .xml, .yaml or .yml; never raises."""
    loader = LOADERS.get(Path(path).suffix.lower())
    if loader is None:
        problem = ReferentialProblem.make(
            ProblemCode.UNREADABLE,
            str(path),
            Where(None, None),
            detail="extension non prise en charge, attendu .xml, .yaml ou .yml",
        )
        return LoadResult(Referential(), (problem,))
    return loader(path)
