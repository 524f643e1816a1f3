"""Renderers of validation reports for people and programs: text, JSON and HTML (jinja2), in French."""
from __future__ import annotations

import json
from datetime import datetime

from .labels import SEVERITY_LABELS

STATUS_LABELS = {"applied": "appliqué(s)", "downgraded": "en avertissement", "relaxed": "assoupli(s)",
                 "not_applied": "non appliqué(s)"}


def report_dicts(reports) -> list[dict]:
    """The JSON form of validation reports: one object per file (see docs/validation-report.md)."""
    return [report.as_dict() if hasattr(report, "as_dict") else report for report in reports]


def norm_text_lines(report: dict) -> list[str]:
    """One French line per family: the norm text its rules were checked against, and what did not apply."""
    families: dict[str, list[str]] = {}
    for entry in report.get("norm_texts", []):
        part = f"{entry['rules']} {STATUS_LABELS[entry['status']]}"
        if entry["reason"]:
            part += f" ({entry['reason']})"
        families.setdefault(f"{entry['family']} {entry['text']}", []).append(part)
    return [f"{name} : {', '.join(parts)}" for name, parts in families.items()]


def render_json(reports) -> str:
    """A JSON list with one object per file."""
    return json.dumps(report_dicts(reports), ensure_ascii=False, indent=2)


def render_text(reports) -> str:
    """A plain-text report: per file, the declarations, the counts, then one line per anomaly."""
    out = []
    for report in report_dicts(reports):
        if "error" in report:
            out.append(f"{report['path']} : fichier illisible : {report['error']}")
            continue
        summary = report["summary"]
        counts = summary["by_severity"]
        version = report.get("version") or report["norm"]
        norm = version if version == report["norm"] else f"{version}, catalogue {report['norm']}"
        out.append(f"{report['path']} (norme {norm}) : {summary['total']} anomalie(s), "
                   f"{counts.get('blocking', 0)} bloquante(s), {counts.get('warning', 0)} non bloquante(s)")
        if not report.get("complete", True):
            out.append(f"  CONTRÔLE INCOMPLET : {len(report['failed_rules'])} règle(s) n'ont pas pu s'exécuter "
                       f"({', '.join(report['failed_rules'])}) ; ce rapport n'est pas un verdict")
        out.extend(f"  avertissement : {warning}" for warning in report.get("warnings", []))
        out.extend(f"  textes de la norme : {line}" for line in norm_text_lines(report))
        for d in report["declarations"]:
            out.append(f"  déclaration nature {d['nature']} type {d['type']} SIREN {d['siren']} mois {d['month'] or '-'}")
        for a in report["anomalies"]:
            where = " › ".join(x for x in (a.get("block_path"), a.get("rubrique")) if x)
            out.append(f"  ligne {a['line'] if a['line'] is not None else '-'} [{a['code']}] "
                       f"{SEVERITY_LABELS.get(a['severity'], a['severity'])} : {a['message']}"
                       + (f" ({where})" if where else ""))
        for code, count in summary.get("truncated", {}).items():
            out.append(f"  … {count} autre(s) anomalie(s) {code} non affichée(s) (limite par code)")
    return "\n".join(out)


def templates():
    """The jinja2 environment of the report templates (HTML autoescaped)."""
    from .model import environment

    return environment()


def render_html(reports, generated_at: datetime | None = None) -> str:
    """The self-contained anomaly report page of the files (:mod:`reports.submission`)."""
    from .model import render_report_html
    from .submission import submission_report

    return render_report_html(submission_report(reports, generated_at=generated_at))


RENDERERS = {"text": render_text, "json": render_json, "html": render_html}
