"""The validator: runs every applicable rule of the registry over a parsed file and collects all anomalies.

It never stops at the first error; a rule that fails internally is itself reported (``DSN-ENGINE-01``) and
the run goes on. Only an unreadable file stops validation, upstream, in the reader.
"""
from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from dsn_parser import ParsedFile

from . import catalog_checks, coherence, fpoc, identifiers, payments, referentials, syntax  # noqa: F401  (registration of the rule modules)
from .anomaly import Anomaly, anomalies_frame
from .context import Context, ValidationOptions
from .masking import mask_value
from .registry import REGISTRY, Finding, Rule

ENGINE_ERROR = "DSN-ENGINE-01"


@dataclass
class ValidationReport:
    """The result of validating one file."""

    path: str
    norm: str
    declarations: list[dict]
    anomalies: list[Anomaly] = field(default_factory=list)
    truncated: dict[str, int] = field(default_factory=dict)  # code → anomalies left out by max_per_code

    @property
    def blocking(self) -> bool:
        return any(a.severity == "blocking" for a in self.anomalies)

    def summary(self) -> dict:
        """Counts by severity and by family."""
        return {"by_severity": dict(Counter(a.severity for a in self.anomalies)),
                "by_family": dict(Counter(a.family for a in self.anomalies)),
                "total": len(self.anomalies), "truncated": dict(self.truncated)}

    def frame(self) -> pd.DataFrame:
        """The anomalies as the shared pandera-checked table."""
        return anomalies_frame(self.anomalies)

    def as_dict(self) -> dict:
        return {"path": self.path, "norm": self.norm,
                "declarations": [{k: d[k] for k in ("nature", "type", "siren", "month")} for d in self.declarations],
                "summary": self.summary(), "anomalies": [a.as_dict() for a in self.anomalies]}


def _findings(result) -> list[Finding]:
    if result is None:
        return []
    if isinstance(result, pd.DataFrame):
        out = []
        for row in result.to_dict("records"):
            base = {k: row.pop(k, None) for k in ("line", "instance", "rubrique", "value", "lines")}
            out.append(Finding(line=_int(base["line"]), instance=_int(base["instance"]), rubrique=base["rubrique"],
                               value=None if base["value"] is None or base["value"] is pd.NA else str(base["value"]),
                               fields=row, lines=tuple(base["lines"] or ())))
        return out
    return list(result)


def _int(value) -> int | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else int(value)


def to_anomaly(rule: Rule, finding: Finding, ctx: Context) -> Anomaly:
    """Turn a check's finding into an anomaly record: message, masked value, block path, employee."""
    shown = mask_value(finding.rubrique, finding.value, ctx.options.unmask)
    fields = {"value": shown, "rubrique": finding.rubrique, **finding.fields}
    try:
        message = rule.message.format(**fields)
    except (KeyError, IndexError, ValueError):
        message = rule.message
    if shown is not None and f"« {shown} »" not in message and "{value}" not in rule.message:
        message = f"{message} (valeur « {shown} »)"
    line = finding.line if finding.line is not None else (
        ctx.line_of(finding.instance) if finding.instance is not None and finding.instance >= 0 else None)
    return Anomaly(code=rule.code, family=rule.family, severity=rule.severity, message=message,
                   file=str(ctx.parsed.path), line=line, rubrique=finding.rubrique,
                   block_path=ctx.block_path(finding.instance), employee=ctx.employee(finding.instance),
                   value=shown, lines=tuple(int(n) for n in finding.lines))


def validate(parsed: ParsedFile, options: ValidationOptions | None = None,
             rules: list[Rule] | None = None) -> ValidationReport:
    """Run the applicable rules on ``parsed`` and return every anomaly found (capped per code if asked)."""
    options = options or ValidationOptions()
    ctx = Context(parsed, options)
    report = ValidationReport(str(parsed.path), parsed.norm, parsed.declarations())
    counts: Counter[str] = Counter()
    for rule in rules if rules is not None else REGISTRY.values():
        if rule.check is None or not rule.applies_to(parsed.norm):
            continue
        try:
            findings = _findings(rule.check(ctx))
        except Exception as err:  # a broken rule is reported, the run goes on
            findings = []
            report.anomalies.append(Anomaly(
                code=ENGINE_ERROR, family="DSN", severity="warning", file=str(parsed.path),
                message=f"La règle {rule.code} n'a pas pu s'exécuter : {type(err).__name__}: {err}",
                value="".join(traceback.format_exception_only(err)).strip()))
        for finding in findings:
            counts[rule.code] += 1
            if options.max_per_code is not None and counts[rule.code] > options.max_per_code:
                report.truncated[rule.code] = report.truncated.get(rule.code, 0) + 1
                continue
            report.anomalies.append(to_anomaly(rule, finding, ctx))
    report.anomalies.sort(key=lambda a: (a.line is None, a.line or 0, a.code))
    return report
