"""Insurer contract referential from FPOC sheets (XML) or their readable YAML form.

The names below are loaded on first use (PEP 562): importing ``rules.fpoc.model`` (what the store products
read) does not load the XML loader (lxml) and the controls.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rules.fpoc.controls import load_for_validation, referential_problems_as_anomalies
    from rules.fpoc.loading import load_referential
    from rules.fpoc.model import (Contract, ContractParameters, Criteria, ExpectedComposant, Group, Option,
                                  Organisme, Periodicity, Population, Producer, RangeCriterion, Referential, Sheet,
                                  ValueCriterion)
    from rules.fpoc.problems import LoadResult, ProblemCode, ReferentialProblem, Severity
    from rules.fpoc.xml_loader import load_fpoc_xml
    from rules.fpoc.yaml_loader import dump_yaml, load_yaml

_SOURCES = {
    **dict.fromkeys(("load_for_validation", "referential_problems_as_anomalies"), "rules.fpoc.controls"),
    "load_referential": "rules.fpoc.loading",
    **dict.fromkeys(("Contract", "ContractParameters", "Criteria", "ExpectedComposant", "Group", "Option",
                     "Organisme", "Periodicity", "Population", "Producer", "RangeCriterion", "Referential", "Sheet",
                     "ValueCriterion"), "rules.fpoc.model"),
    **dict.fromkeys(("LoadResult", "ProblemCode", "ReferentialProblem", "Severity"), "rules.fpoc.problems"),
    "load_fpoc_xml": "rules.fpoc.xml_loader",
    **dict.fromkeys(("dump_yaml", "load_yaml"), "rules.fpoc.yaml_loader"),
}
__all__ = [
    "Contract",
    "ContractParameters",
    "Criteria",
    "ExpectedComposant",
    "Group",
    "LoadResult",
    "Option",
    "Organisme",
    "Periodicity",
    "Population",
    "ProblemCode",
    "Producer",
    "RangeCriterion",
    "Referential",
    "ReferentialProblem",
    "Severity",
    "Sheet",
    "ValueCriterion",
    "dump_yaml",
    "load_for_validation",
    "load_fpoc_xml",
    "load_referential",
    "load_yaml",
    "referential_problems_as_anomalies",
]


def __getattr__(name: str):
    if name not in _SOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_SOURCES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
