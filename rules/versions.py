"""Which norm text each rule is checked against on a file, and whether it runs there at all.

Three sources decide, all data:

* ``rules/data/norm_texts.json`` (``rules.norm_texts_compiler``): the blocks and rubriques of each version
  whose norm is published (P19V01, P21V01, P24V01, P25V01, P26V01) and, per official control of the 2024
  workbook, the codes its text names and whether the 2019 text is the same.
* ``rules/data/overrides.yaml``: one row per control and version range that relaxes, re-rates or disables a
  control, with the reason and the source.
* the rule itself (``Rule.norms``, ``Rule.severity``).

Decisions, for a file of version V:

* a rule that names a block or rubrique that did not exist in V does not run. Existence in a version without
  a published norm here (P20, P22, P23) is existence in the nearest published versions on both sides: a
  rubrique absent from P21V01 and present in P24V01 may have come in P22, P23 or P24, so it is taken as
  absent before P24V01 (when unsure, do not block);
* an official control runs with its own severity where its text is known to apply: the 2024 text from P24V01
  on (by default also for P25V01, P26V01 and later, whose control texts are not published here), and from
  P19V01 on when the 2019 text is the same. Elsewhere a blocking control runs as a warning;
* an override row then applies (``disable``, ``severity``, ``relax`` with parameters the rule reads through
  ``Context.parameters``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
VERSION = re.compile(r"^P(\d\d)V(\d\d)$")
CODE = re.compile(r"S\d\d\.G\d\d\.\d\d(?:\.\d{3})?")
CURRENT_TEXT = "P24V01"  # the edition of the official control texts (2024 workbook)
ACTIONS = ("disable", "severity", "relax")


@dataclass(frozen=True)
class Override:
    """One row of the override table: a control changed on a range of versions."""

    code: str
    first: str
    last: str | None
    action: str
    reason: str
    source: str
    severity: str | None = None
    parameters: dict = field(default_factory=dict)

    def covers(self, version: str) -> bool:
        return _key(self.first) <= _key(version) and (self.last is None or _key(version) <= _key(self.last))


@dataclass(frozen=True)
class Use:
    """How one rule is applied to one file: whether it runs, at what severity, against which text, and why."""

    runs: bool
    family: str
    severity: str
    text: str
    status: str  # applied | downgraded | relaxed | not_applied
    reason: str | None = None
    parameters: dict = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # the blocks and rubriques absent from the version, when not applied for that


def _key(version: str) -> tuple[int, int]:
    match = VERSION.match(version)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def file_version(declared: str | None, catalog_version: str) -> str:
    """The version a file declares (S10.G00.00.006) when it has that shape, else its catalog's version."""
    return declared if declared and VERSION.match(declared) else catalog_version


@cache
def _norm_texts() -> dict:
    data = json.loads((DATA_DIR / "norm_texts.json").read_text(encoding="utf-8"))
    data["elements"] = {version: frozenset(codes) for version, codes in data["elements"].items()}
    return data


def published_versions() -> list[str]:
    return sorted(_norm_texts()["elements"], key=_key)


@cache
def exists(code: str, version: str) -> bool:
    """Whether block or rubrique ``code`` existed in ``version``, per the official sources (unsure: no)."""
    elements = _norm_texts()["elements"]
    if version in elements:
        return code in elements[version]
    before = [v for v in published_versions() if _key(v) < _key(version)]
    after = [v for v in published_versions() if _key(v) > _key(version)]
    sides = ([before[-1]] if before else []) + ([after[0]] if after else [])
    return all(code in elements[v] for v in sides)


@cache
def overrides() -> tuple[Override, ...]:
    """The override table, checked: known action, version shapes, a reason and a source on every row."""
    rows = yaml.safe_load((DATA_DIR / "overrides.yaml").read_text(encoding="utf-8")) or []
    out = []
    for row in rows:
        item = Override(code=row["code"], first=row["from"], last=row.get("to"), action=row["action"],
                        reason=row["reason"], source=row["source"], severity=row.get("severity"),
                        parameters=row.get("parameters") or {})
        if item.action not in ACTIONS or not VERSION.match(item.first) or \
                (item.last is not None and not VERSION.match(item.last)) or not item.reason or not item.source:
            raise ValueError(f"rules/data/overrides.yaml : ligne invalide pour {item.code}")
        if item.action == "severity" and item.severity not in ("blocking", "warning", "info"):
            raise ValueError(f"rules/data/overrides.yaml : sévérité invalide pour {item.code}")
        out.append(item)
    return tuple(out)


@cache
def _known() -> frozenset[str]:
    """Every block and rubrique some published version has (lot envelope and platform codes are not)."""
    return frozenset().union(*_norm_texts()["elements"].values())


def _subjects(rule) -> tuple[str, ...]:
    """The blocks and rubriques a rule is about: those its official text names, else its code and description.

    Only codes of the published norms count: existence cannot be decided for the others."""
    control = _norm_texts()["controls"].get(rule.code)
    codes = control["refers"] if control is not None else set(CODE.findall(f"{rule.code} {rule.description}"))
    return tuple(sorted(code for code in codes if code in _known()))


def text_versions(rule) -> tuple[str, ...]:
    """The published versions whose official text the rule implements; empty for rules outside the norm."""
    control = _norm_texts()["controls"].get(rule.code)
    return tuple(control["texts"]) if control is not None else ()


def _text_applies(texts: tuple[str, ...], version: str) -> bool:
    """A control text applies from the first version that publishes it on, until a later text replaces it."""
    return bool(texts) and _key(version) >= _key(texts[0])


def _span() -> list[str]:
    """Every version from the first published one to the last (P19V01 … P26V01)."""
    first, last = (_key(v) for v in (published_versions()[0], published_versions()[-1]))
    return [f"P{year:02d}V01" for year in range(first[0], last[0] + 1)]


def declared_versions(rule) -> str:
    """The versions a rule is written for, as docs/rules.md shows them (``P24V01+``, ``P19V01+``, ``toutes``).

    The start is the later of its text's first version and the first version from which everything it names
    exists."""
    texts = text_versions(rule)
    span = _span()
    subjects = _subjects(rule)
    since = next((v for i, v in enumerate(span) if all(exists(c, w) for c in subjects for w in span[i:])), span[-1])
    start = max([since] + list(texts[:1]), key=_key)
    base = f"{start}+" if texts or _key(since) > _key(span[0]) else "toutes"
    if rule.norms is not None:
        base = ", ".join(sorted(rule.norms, key=_key))
    rows = [o for o in overrides() if o.code == rule.code]
    return base + "".join(f" ({o.action} {o.first}{'–' + o.last if o.last else '+'})" for o in rows)


OWN_TEXTS = {"DSN": "règles du projet", "FPOC": "fiche FPOC"}


def use(rule, version: str, referential: bool = False) -> Use:
    """How ``rule`` applies to a file of ``version`` (FPOC rules run only with a contract ``referential``)."""
    texts = text_versions(rule)
    text = texts[-1] if texts else OWN_TEXTS.get(rule.family, "catalogue de la version")
    if rule.family == "FPOC" and not referential:
        return Use(False, rule.family, rule.severity, text, "not_applied", "pas de fiche FPOC fournie")
    missing = [code for code in _subjects(rule) if not exists(code, version)]
    if missing:
        return Use(False, rule.family, rule.severity, text, "not_applied", f"rubrique ou bloc absent de la norme {version}",
                   missing=tuple(missing))
    if rule.norms is not None and version not in rule.norms:
        return Use(False, rule.family, rule.severity, text, "not_applied", f"règle écrite pour {', '.join(sorted(rule.norms))}")
    severity, status, reason, parameters = rule.severity, "applied", None, {}
    if texts and not _text_applies(texts, version) and severity == "blocking":
        severity, status = "warning", "downgraded"
        reason = f"texte {CURRENT_TEXT} non confirmé pour {version}"
    for row in overrides():
        if row.code != rule.code or not row.covers(version):
            continue
        if row.action == "disable":
            return Use(False, rule.family, severity, text, "not_applied", row.reason)
        if row.action == "severity":
            severity, status, reason = row.severity, "downgraded", row.reason
        else:
            status, reason, parameters = "relaxed", row.reason, {**parameters, **row.parameters}
    return Use(True, rule.family, severity, text, status, reason, parameters)
