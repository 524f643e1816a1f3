"""The report model: a report is data (built in ``reports/`` from library results) rendered three ways from the
same JSON-ready dictionary: self-contained HTML (jinja2 templates, inline CSS and script, print layout) and JSON.

Values are written as the store products write them (:func:`pipeline.products.records.json_value`: amounts as
strings with two decimals, dates ``YYYY-MM-DD``, months ``YYYY-MM``); the templates only format them for
reading (``1 234,50 €``, ``31/01/2025``), so the JSON carries exactly what the HTML shows.

Times are Europe/Paris local times with their offset (``2025-01-31T09:05:00+01:00``, shown
``31/01/2025 09:05 (UTC+01:00)``); a naive time is UTC, as the store keeps its times.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .labels import FAMILY_LABELS, SEVERITY_LABELS, rubrique_label, value_label

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("html", "json")
PARIS = ZoneInfo("Europe/Paris")


def paris_time(value: datetime | None) -> datetime | None:
    """``value`` as Europe/Paris local time (aware); a naive time is taken as UTC; None kept."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(PARIS)


@dataclass
class Report:
    """One report: ``kind`` names its template (``<kind>.html.j2``), ``data`` its content."""

    kind: str
    title: str
    data: dict
    generated_at: datetime = field(default_factory=lambda: datetime.now(PARIS).replace(microsecond=0))

    def __post_init__(self):
        self.generated_at = paris_time(self.generated_at)

    def as_dict(self) -> dict:
        """The report's JSON: what its HTML shows."""
        from pipeline.products.records import json_value  # the products' JSON conventions (imports the store)

        return {"report": self.kind, "title": self.title,
                "generated_at": self.generated_at.isoformat(timespec="seconds"), **json_value(self.data)}


def euros(text) -> str:
    """``"-1234.50"`` → ``-1 234,50 €`` (a narrow no-break space between thousands); empty for None."""
    if text is None or text == "":
        return ""
    sign, digits = ("-", str(text)[1:]) if str(text).startswith("-") else ("", str(text))
    whole, _, cents = digits.partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    return f"{sign}{grouped},{(cents or '00'):0<2} €"


def french_date(text) -> str:
    """``2025-01-31`` → ``31/01/2025``, ``2025-01`` → ``01/2025``, ISO time → ``31/01/2025 08:05``, and with an
    offset in Paris time with its offset: ``2025-07-01T06:05:00+00:00`` → ``01/07/2025 08:05 (UTC+02:00)``."""
    if not text:
        return ""
    text = str(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return f"{text[5:7]}/{text[:4]}"
    if re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text):
        if re.search(r"(Z|[+-]\d{2}:?\d{2})$", text):
            local = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(PARIS)
            offset = local.strftime("%z")
            return f"{local:%d/%m/%Y %H:%M} (UTC{offset[:3]}:{offset[3:]})"
        return f"{text[8:10]}/{text[5:7]}/{text[:4]} {text[11:16]}"
    return text


def slug(text) -> str:
    """An HTML id fragment of ``text``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower() or "x"


@cache
def _asset(name: str) -> Markup:
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


@cache
def environment() -> Environment:
    """The jinja2 environment of the report templates (HTML autoescaped), with the French formatting filters."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(euros=euros, jour=french_date, slug=slug)
    env.globals.update(severity_labels=SEVERITY_LABELS, family_labels=FAMILY_LABELS,
                       css=lambda: _asset("report.css"), script=lambda: _asset("report.js"),
                       label=rubrique_label, value_label=value_label)
    return env


def render_report_html(report: Report) -> str:
    """The self-contained HTML page of a report."""
    return environment().get_template(f"{report.kind}.html.j2").render(r=report.as_dict())


def render_report_json(report: Report) -> str:
    """The JSON of a report (UTF-8 text, indented)."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def render(report: Report, form: str) -> str:
    """``report`` as ``html`` or ``json``."""
    if form not in FORMATS:
        raise ValueError(f"format inconnu : {form}")
    return render_report_html(report) if form == "html" else render_report_json(report)


def write(report: Report, path: str | Path, form: str | None = None) -> Path:
    """Write ``report`` to ``path`` (format from ``form``, else the suffix: ``.json`` or HTML) and return it."""
    path = Path(path)
    form = form or ("json" if path.suffix.lower() == ".json" else "html")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report, form) + "\n", encoding="utf-8")
    return path
