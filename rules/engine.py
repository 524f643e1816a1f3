"""The validator: runs every applicable rule of the registry over a parsed file and collects all anomalies.

It never stops at the first error; a rule that fails internally is itself reported (``DSN-ENGINE-01``) and
the run goes on. Only an unreadable file stops validation, upstream, in the reader.
"""
from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dsn_parser import ParsedFile

from . import catalog_checks, coherence, fpoc, identifiers, payments, platform, referentials, syntax  # noqa: F401  (registration of the rule modules)
from .anomaly import Anomaly, anomalies_frame
from .context import Context, ValidationOptions
from .masking import mask_value
from .registry import REGISTRY, Rule

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


_BASE = ("line", "instance", "rubrique", "value", "lines")
Row = tuple  # (line, instance, rubrique, value, lines, fields) of one finding


def _rows(result) -> list[Row]:
    """A check's result as finding rows; a DataFrame is read column by column."""
    if result is None:
        return []
    if not isinstance(result, pd.DataFrame):
        return [(f.line, f.instance, f.rubrique, f.value, tuple(f.lines), f.fields) for f in result]
    if result.empty:
        return []
    n = len(result)
    line, instance, rubrique, value, lines = (_values(result[name]) if name in result else [None] * n
                                              for name in _BASE)
    names = [name for name in result.columns if name not in _BASE]
    if names:
        extra = zip(*(result[name].astype(object).tolist() for name in names))
        fields = [dict(zip(names, row)) for row in extra]
    else:
        fields = [{}] * n
    return [(None if li is None else int(li), None if i is None else int(i), r, None if v is None else str(v),
             tuple(ls) if isinstance(ls, (tuple, list, np.ndarray)) else (), f)
            for li, i, r, v, ls, f in zip(line, instance, rubrique, value, lines, fields)]


def _values(column: pd.Series) -> list:
    """A column as Python values, missing ones as None."""
    values = column.astype(object).tolist()
    if column.hasnans:
        return [None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) else v
                for v in values]
    return values


def _anomalies(rule: Rule, rows: list[Row], places: list[tuple[str | None, str | None]], ctx: Context) \
        -> list[Anomaly]:
    """Anomaly records of one rule's finding rows: message, masked value, line, block path, employee."""
    template, unmask, file = rule.message, ctx.options.unmask, str(ctx.parsed.path)
    quotes_value = "{value}" in template
    first_line = ctx.parsed.instances.first_line
    out = []
    for (line, instance, rubrique, value, lines, fields), (block_path, employee) in zip(rows, places):
        shown = mask_value(rubrique, value, unmask)
        try:
            message = template.format(**{"value": shown, "rubrique": rubrique, **fields})
        except (KeyError, IndexError, ValueError):
            message = template
        if shown is not None and not quotes_value and f"« {shown} »" not in message:
            message = f"{message} (valeur « {shown} »)"
        if line is None and instance is not None and instance >= 0:
            line = int(first_line[instance])
        out.append(Anomaly(code=rule.code, family=rule.family, severity=rule.severity, message=message, file=file,
                           line=line, rubrique=rubrique, block_path=block_path, employee=employee, value=shown,
                           lines=tuple(int(n) for n in lines) if lines else ()))
    return out


def validate(parsed: ParsedFile, options: ValidationOptions | None = None,
             rules: list[Rule] | None = None) -> ValidationReport:
    """Run the applicable rules on ``parsed`` and return every anomaly found (capped per code if asked)."""
    options = options or ValidationOptions()
    ctx = Context(parsed, options)
    report = ValidationReport(str(parsed.path), parsed.norm, parsed.declarations())
    kept: list[tuple[Rule, list[Row]]] = []
    for rule in rules if rules is not None else REGISTRY.values():
        if rule.check is None or not rule.applies_to(parsed.norm):
            continue
        try:
            rows = _rows(rule.check(ctx))
        except Exception as err:  # a broken rule is reported, the run goes on
            rows = []
            report.anomalies.append(Anomaly(
                code=ENGINE_ERROR, family="DSN", severity="warning", file=str(parsed.path),
                message=f"La règle {rule.code} n'a pas pu s'exécuter : {type(err).__name__}: {err}",
                value="".join(traceback.format_exception_only(err)).strip()))
        if options.max_per_code is not None and len(rows) > options.max_per_code:
            report.truncated[rule.code] = report.truncated.get(rule.code, 0) + len(rows) - options.max_per_code
            rows = rows[:options.max_per_code]
        if rows:
            kept.append((rule, rows))
    paths, employees = ctx.places(row[1] for _rule, rows in kept for row in rows)
    places = iter(zip(paths, employees))
    for rule, rows in kept:
        report.anomalies.extend(_anomalies(rule, rows, [next(places) for _row in rows], ctx))
    report.anomalies.sort(key=lambda a: (a.line is None, a.line or 0, a.code))
    return report
