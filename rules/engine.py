"""The validator: runs every applicable rule of the registry over a parsed file and collects all anomalies.

It never stops at the first error. Each rule runs against the norm text that applies to the file's version
(``rules.versions``): it may not run there, run as a warning, or run relaxed. A rule that fails internally
(or whose message template does not fit its findings) is reported (``DSN-ENGINE-01``) and makes the report
incomplete: the file was not judged by every rule. Only an unreadable file stops validation, upstream, in
the reader.
"""
from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dsn_parser import ParsedFile

from . import catalog_checks, coherence, fpoc, identifiers, payment_reconciliation, platform, referentials, syntax  # noqa: F401  (registration of the rule modules)
from .anomaly import Anomaly, anomalies_frame
from .context import Context, ValidationOptions
from .masking import mask_text, mask_value
from .referentials import effective_severity
from .registry import REGISTRY, Rule
from .versions import Use, file_version, use

ENGINE_ERROR = "DSN-ENGINE-01"


@dataclass
class ValidationReport:
    """The result of validating one file."""

    path: str
    norm: str
    declarations: list[dict]
    anomalies: list[Anomaly] = field(default_factory=list)
    truncated: dict[str, int] = field(default_factory=dict)  # code → anomalies left out by max_per_code
    version: str | None = None  # the version the file declares, which decides the norm texts
    warnings: list[str] = field(default_factory=list)  # the reader's (e.g. nearest catalog used)
    uses: dict[str, Use] = field(default_factory=dict)  # rule code → how it was applied
    failed: list[str] = field(default_factory=list)  # codes of the rules that could not run

    @property
    def blocking(self) -> bool:
        return any(a.severity == "blocking" for a in self.anomalies)

    @property
    def complete(self) -> bool:
        """Every applicable rule ran: a report with a failed rule is no verdict."""
        return not self.failed

    def norm_texts(self) -> list[dict]:
        """Per family, the texts the rules were checked against: how many applied, downgraded, relaxed, not run."""
        groups: dict[tuple[str, str, str, str], list[str]] = {}
        for code, how in self.uses.items():
            groups.setdefault((how.family, how.text, how.status, how.reason or ""), []).append(code)
        return [{"family": family, "text": text, "status": status, "reason": reason or None, "rules": len(codes),
                 "codes": sorted(codes) if status != "applied" else []}
                for (family, text, status, reason), codes in sorted(groups.items())]

    def summary(self) -> dict:
        """Counts by severity and by family."""
        return {"by_severity": dict(Counter(a.severity for a in self.anomalies)),
                "by_family": dict(Counter(a.family for a in self.anomalies)),
                "total": len(self.anomalies), "truncated": dict(self.truncated)}

    def frame(self) -> pd.DataFrame:
        """The anomalies as the shared pandera-checked table."""
        return anomalies_frame(self.anomalies)

    def as_dict(self) -> dict:
        return {"path": self.path, "norm": self.norm, "version": self.version,
                "declarations": [{k: d[k] for k in ("nature", "type", "siren", "month")} for d in self.declarations],
                "complete": self.complete, "failed_rules": list(self.failed), "warnings": list(self.warnings),
                "norm_texts": self.norm_texts(),
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


class TemplateError(Exception):
    """A rule's message template names a field its findings do not carry."""


def _anomalies(rule: Rule, severity: str, rows: list[Row], places: list[tuple[str | None, str | None]],
               ctx: Context) -> list[Anomaly]:
    """Anomaly records of one rule's finding rows: message, masked value, line, block path, employee."""
    template, unmask, file = rule.message, ctx.options.unmask, str(ctx.parsed.path)
    quotes_value = "{value}" in template
    first_line = ctx.parsed.instances.first_line
    out = []
    for (line, instance, rubrique, value, lines, fields), (block_path, employee) in zip(rows, places):
        shown = mask_value(rubrique, value, unmask)
        if not unmask and isinstance(shown, str):
            shown = mask_text(shown)  # a raw echo, or a value whose rubrique is not known
        try:
            message = template.format(**{"value": shown, "rubrique": rubrique, **fields})
        except (KeyError, IndexError, ValueError) as err:
            raise TemplateError(f"message de {rule.code} : champ {err} absent des constats") from err
        if shown is not None and not quotes_value and f"« {shown} »" not in message:
            message = f"{message} (valeur « {shown} »)"
        if not unmask:
            message = mask_text(message)
        if line is None and instance is not None and instance >= 0:
            line = int(first_line[instance])
        out.append(Anomaly(code=rule.code, family=rule.family, severity=severity, message=message, file=file,
                           line=line, rubrique=rubrique, block_path=block_path, employee=employee, value=shown,
                           lines=tuple(int(n) for n in lines) if lines else ()))
    return out


def validate(parsed: ParsedFile, options: ValidationOptions | None = None,
             rules: list[Rule] | None = None) -> ValidationReport:
    """Run the applicable rules on ``parsed`` and return every anomaly found (capped per code if asked)."""
    options = options or ValidationOptions()
    ctx = Context(parsed, options)
    version = file_version(parsed.declared_norm, parsed.norm) if options.norm is None else parsed.norm
    report = ValidationReport(str(parsed.path), parsed.norm, parsed.declarations(), version=version,
                              warnings=list(parsed.warnings))
    kept: list[tuple[Rule, str, list[Row]]] = []
    for rule in rules if rules is not None else REGISTRY.values():
        if rule.check is None:
            continue
        how = report.uses[rule.code] = use(rule, version, options.referential is not None)
        if not how.runs:
            continue
        ctx.parameters = how.parameters
        try:
            rows = _rows(rule.check(ctx))
        except Exception as err:  # a broken rule is reported, the run goes on, the report is incomplete
            _failed(report, rule, err)
            continue
        if options.max_per_code is not None and len(rows) > options.max_per_code:
            report.truncated[rule.code] = report.truncated.get(rule.code, 0) + len(rows) - options.max_per_code
            rows = rows[:options.max_per_code]
        if rows:
            kept.append((rule, effective_severity(rule, options, version, how.severity), rows))
    ctx.parameters = {}
    paths, employees = ctx.places(row[1] for _rule, _severity, rows in kept for row in rows)
    places = iter(zip(paths, employees))
    for rule, severity, rows in kept:
        where = [next(places) for _row in rows]
        try:
            report.anomalies.extend(_anomalies(rule, severity, rows, where, ctx))
        except TemplateError as err:
            _failed(report, rule, err)
    report.anomalies.sort(key=lambda a: (a.line is None, a.line or 0, a.code))
    return report


def _failed(report: ValidationReport, rule: Rule, err: Exception) -> None:
    """Record that ``rule`` could not run on the file: an engine anomaly, and the report is incomplete."""
    report.failed.append(rule.code)
    report.anomalies.append(Anomaly(
        code=ENGINE_ERROR, family="DSN", severity="warning", file=report.path,
        message=f"Contrôle incomplet : la règle {rule.code} n'a pas pu s'exécuter sur ce fichier "
                f"({type(err).__name__} : {err}).",
        value="".join(traceback.format_exception_only(err)).strip()))
