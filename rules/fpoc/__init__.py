"""Insurer contract referential from FPOC sheets (XML) or their readable YAML form."""

from rules.fpoc.controls import load_for_validation, referential_problems_as_anomalies
from rules.fpoc.loading import load_referential
from rules.fpoc.model import (Contract, ContractParameters, Criteria, ExpectedComposant, Group, Option, Organisme,
                              Periodicity, Population, Producer, RangeCriterion, Referential, Sheet, ValueCriterion)
from rules.fpoc.problems import LoadResult, ProblemCode, ReferentialProblem, Severity
from rules.fpoc.xml_loader import load_fpoc_xml
from rules.fpoc.yaml_loader import dump_yaml, load_yaml

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
