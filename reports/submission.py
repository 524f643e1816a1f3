"""The anomaly report of one submission (or of each file of a ``dsn validate`` run): header, verdict as DSN-Val
decides it, counts by severity and family, the rules that fire most, the anomalies grouped by rule and by
employee with their line numbers, French message, rubrique label, masked value and what to do, and on request
the lines of the file around each anomaly.

Built from the validator's report objects (``rules.ValidationReport`` or their ``as_dict()``, the form
:func:`pipeline.store.stored_reports.stored_report` reads back from the store).
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path

from rules.masking import mask_text
from rules import REGISTRY  # the package loads the engine: every rule module registered

from .anomalies import norm_text_lines
from .labels import (ACCEPTED, FAMILY_LABELS, INCOMPLETE, REJECTED, SEVERITY_ORDER, WARNED,
                     block_label, rubrique_label)
from .model import Report

TITLE = "Rapport d'anomalies DSN"
NO_EMPLOYEE = "Hors salarié (envoi, déclaration, établissement)"
_HEADER_RUBRIQUES = {b"S10.G00.01.003": "emitter", b"S21.G00.06.001": "siren", b"S21.G00.11.001": "nic"}
_RAW = re.compile(rb"^(S10\.G00\.01\.003|S21\.G00\.06\.001|S21\.G00\.11\.001),'([^'\r\n]*)'", re.M)


def verdict(by_severity: dict, complete: bool = True, readable: bool = True) -> dict:
    """What DSN-Val decides: a blocking anomaly (``ValidationReport.blocking``, exit status 1) rejects the file,
    warnings let it through with warnings; an unreadable file is rejected; a run where a rule failed is no
    verdict."""
    if not readable or by_severity.get("blocking"):
        code = "rejected"
    elif not complete:
        code = "incomplete"
    elif by_severity.get("warning"):
        code = "warned"
    else:
        code = "accepted"
    return {"code": code, "label": {"rejected": REJECTED, "incomplete": INCOMPLETE, "warned": WARNED,
                                    "accepted": ACCEPTED}[code]}


def what_to_do(code: str, rubrique: str | None, norm: str | None) -> str:
    """The workbook's description of the control, said as the fix the payroll team makes."""
    rule = REGISTRY.get(code)
    text = " ".join((rule.description if rule else "").split())
    text = re.sub(r"^\[\(?|\)?\]$", "", text).strip()
    target = rubrique or (code[:14] if code.startswith("S") and "/" in code else None)
    label = rubrique_label(target, norm)
    place = f"la rubrique {target} « {label} »" if label else (f"la rubrique {target}" if target else None)
    if not text:
        return f"Corriger {place} dans le logiciel de paie." if place else "Voir le message de l'anomalie."
    if place:
        text = re.sub(r"^(Cette|La) rubrique\b", f"{place[0].upper()}{place[1:]}", text)
        return f"À corriger dans le logiciel de paie ({place}) : {text}"
    return text


def _header(report: dict, extra: dict) -> dict:
    declarations = report.get("declarations", [])
    first = declarations[0] if declarations else {}
    return {"file": Path(report["path"]).name, "path": report["path"], "norm": report.get("norm"),
            "version": report.get("version") or report.get("norm"),
            "siren": extra.get("siren") or first.get("siren"), "emitter": extra.get("emitter"),
            "establishments": extra.get("establishments", []),
            "month": first.get("month"), "nature": first.get("nature"), "type": first.get("type"),
            "received_at": extra.get("received_at"), "stored": bool(extra.get("stored")),
            "declarations": declarations}


def scan_header(path: str | Path) -> dict:
    """Header values read from a flat file's raw lines: emitter name, SIREN, establishments (NIC); {} if the
    file cannot be read."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return {}
    out: dict = {"establishments": []}
    for code, value in _RAW.findall(data):
        text = value.decode("latin-1")
        name = _HEADER_RUBRIQUES[code]
        if name == "nic":
            if text not in out["establishments"]:
                out["establishments"].append(text)
        else:
            out.setdefault(name, text)
    return out


def source_context(path: str | Path, lines: set[int], around: int, unmask: bool = False) -> dict[int, list]:
    """Line number → ``[[n, text], …]``: the lines of the file within ``around`` of each line asked (masked)."""
    try:
        raw = Path(path).read_bytes().decode("latin-1").splitlines()
    except OSError:
        return {}
    out = {}
    for line in lines:
        first, last = max(1, line - around), min(len(raw), line + around)
        out[line] = [[n, raw[n - 1] if unmask else mask_text(raw[n - 1])] for n in range(first, last + 1)]
    return out


def _employee(name: str, ids: list[int], anomalies: list[dict]) -> dict:
    """One employee's group: counts, and per rule the lines of its anomalies."""
    own = [anomalies[i - 1] for i in ids]
    rules: dict[str, list] = {}
    for a in own:
        rules.setdefault(a["code"], []).append(a["line"])
    return {"employee": None if name == NO_EMPLOYEE else name, "label": name, "count": len(ids),
            "blocking": sum(a["severity"] == "blocking" for a in own), "anomalies": ids,
            "severities": sorted({a["severity"] for a in own}), "families": sorted({a["family"] for a in own}),
            "rules": [{"code": code, "lines": lines} for code, lines in rules.items()]}


def file_section(report, extra: dict | None = None, around: int = 0, unmask: bool = False) -> dict:
    """The report data of one validated file (a ``ValidationReport``, its ``as_dict()``, or ``{path, error}``)."""
    report = report.as_dict() if hasattr(report, "as_dict") else report
    extra = extra or {}
    if "error" in report:
        return {"path": report["path"], "file": Path(report["path"]).name, "error": report["error"],
                "verdict": verdict({}, readable=False)}
    norm = report.get("norm")
    found = report.get("anomalies", [])
    source = extra.get("source") or report["path"]
    context = source_context(source, {a["line"] for a in found if a.get("line")}, around, unmask) \
        if around > 0 else {}
    anomalies, by_rule, by_employee = [], {}, {}
    for n, a in enumerate(found, 1):
        item = {"id": n, "code": a["code"], "family": a["family"], "severity": a["severity"],
                "message": a["message"], "line": a.get("line"), "lines": list(a.get("lines") or []),
                "rubrique": a.get("rubrique"), "rubrique_label": rubrique_label(a.get("rubrique"), norm),
                "block_path": a.get("block_path"), "employee": a.get("employee"), "value": a.get("value")}
        if context and item["line"] in context:
            item["context"] = context[item["line"]]
        anomalies.append(item)
        by_rule.setdefault(item["code"], []).append(n)
        by_employee.setdefault(item["employee"] or NO_EMPLOYEE, []).append(n)
    severities = Counter(a["severity"] for a in anomalies)
    families = Counter(a["family"] for a in anomalies)
    rules = []
    for code, ids in by_rule.items():
        first = anomalies[ids[0] - 1]
        rules.append({"code": code, "family": first["family"], "severity": first["severity"], "count": len(ids),
                      "rubrique": first["rubrique"], "rubrique_label": first["rubrique_label"],
                      "block_label": block_label(first["rubrique"] or (code if code.startswith("S") else None), norm),
                      "action": what_to_do(code, first["rubrique"], norm), "anomalies": ids})
    rules.sort(key=lambda r: (-r["count"], SEVERITY_ORDER.index(r["severity"]) if r["severity"] in SEVERITY_ORDER
                              else 9, r["code"]))
    employees = [_employee(name, ids, anomalies)
                 for name, ids in sorted(by_employee.items(), key=lambda e: (e[0] == NO_EMPLOYEE, e[0]))]
    complete = report.get("complete", True)
    return {
        "path": report["path"], "file": Path(report["path"]).name, "header": _header(report, extra),
        "verdict": verdict(dict(severities), complete), "complete": complete,
        "failed_rules": list(report.get("failed_rules", [])), "warnings": list(report.get("warnings", [])),
        "norm_texts": norm_text_lines(report),
        "counts": {"total": len(anomalies),
                   "by_severity": {s: severities.get(s, 0) for s in SEVERITY_ORDER},
                   "by_family": [{"family": f, "label": FAMILY_LABELS.get(f, f), "count": n}
                                 for f, n in sorted(families.items(), key=lambda i: (-i[1], i[0]))],
                   "truncated": dict(report.get("summary", {}).get("truncated", {}))},
        "rules": rules, "employees": employees, "anomalies": anomalies,
    }


def submission_report(reports, extras: list[dict] | None = None, around: int = 0, unmask: bool = False,
                      generated_at: datetime | None = None) -> Report:
    """The anomaly report of one or more validated files (``extras``: per file, header values such as
    ``received_at``, ``emitter``, ``establishments``, ``stored``, ``source``; default: read from the flat file
    when it exists)."""
    reports = list(reports)
    extras = extras or [None] * len(reports)
    files = []
    for report, extra in zip(reports, extras):
        path = report["path"] if isinstance(report, dict) else report.path
        if extra is None:  # a report object read back from the store is a dict, a fresh validation is not
            extra = {"stored": True} if isinstance(report, dict) else scan_header(path)
        files.append(file_section(report, extra, around, unmask))
    kept = {"generated_at": generated_at} if generated_at else {}
    found = [a for f in files for a in f.get("anomalies", [])]
    choices = {"total": len(found), "families": sorted({a["family"] for a in found}),
               "codes": sorted({a["code"] for a in found})}
    return Report("submission", TITLE, {"files": files, "filters": choices}, **kept)
