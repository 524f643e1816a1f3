"""What ``dsn validate --fpoc`` needs: load a referential, and its problems as anomaly records."""
from __future__ import annotations

from os import PathLike

from rules.anomaly import Anomaly
from rules.fpoc.loading import load_referential
from rules.fpoc.model import Referential
from rules.fpoc.problems import ReferentialProblem, Severity

SEVERITIES = {Severity.ERROR: "blocking", Severity.WARNING: "warning"}


def load_for_validation(path: str | PathLike[str]) -> tuple[Referential, tuple[ReferentialProblem, ...]]:
    """The referential to pass as ``ValidationOptions.referential`` (only its error-free sheets) and the
    problems of the file; never raises."""
    result = load_referential(path)
    return result.referential, result.problems


def referential_problems_as_anomalies(problems) -> list[Anomaly]:
    """Problems of a referential file as FPOC-REF anomalies (error → blocking, warning → warning)."""
    anomalies = []
    for problem in problems:
        where = problem.element or ""
        if problem.attribute:
            where = f"{where} @{problem.attribute}".strip()
        anomalies.append(Anomaly(code=problem.code, family="FPOC", severity=SEVERITIES[problem.severity],
                                 message=problem.message_fr, file=problem.file, line=problem.line,
                                 block_path=where or None, value=problem.value))
    return anomalies
