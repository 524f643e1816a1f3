"""Static accessibility and self-containment of every report template (the browser tests check the rendered
pages too): language, one h1 and ordered headings, table headers with a scope, labelled filters, the colour
pairs of the style sheet at a contrast ratio of at least 4.5:1, no external asset, print and phone rules."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from reports.model import TEMPLATES, Report, render_report_html
from reports.submission import submission_report
from rules import Anomaly
from rules.engine import ValidationReport

CSS = (TEMPLATES / "report.css").read_text(encoding="utf-8")


def colour(name: str) -> tuple[int, int, int]:
    value = re.search(rf"--{name}:\s*#([0-9a-f]{{6}})", CSS).group(1)
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


WHITE, HEAD_ROW, FILTERS = (255, 255, 255), (0xf6, 0xf7, 0xf9), (0xf6, 0xf7, 0xf9)


@pytest.mark.parametrize(("text", "background"), [
    ("text", WHITE), ("muted", WHITE), ("link", WHITE), ("blocking", WHITE), ("text", "head"),
    ("muted", HEAD_ROW), ("link", FILTERS), ("text", HEAD_ROW),
    (WHITE, "blocking"), (WHITE, "warning"), (WHITE, "info"), (WHITE, "ok"),
])
def test_colour_pairs_reach_4_5_to_1(text, background):
    pick = (lambda c: colour(c) if isinstance(c, str) else c)
    assert contrast(pick(text), pick(background)) >= 4.5


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.ths, self.labels, self.controls, self.lang, self.external = [], [], set(), [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "th":
            self.ths.append(attrs.get("scope"))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("select", "input"):
            self.controls.append(attrs.get("id"))
        if (tag in ("script", "img", "iframe") and attrs.get("src")) or (tag == "link"):
            self.external.append(tag)


def pages() -> dict[str, str]:
    report = ValidationReport("depot/f.dsn", "P25V01",
                              [{"nature": "01", "type": "01", "siren": "552100554", "month": "2025-03"}])
    report.anomalies = [Anomaly("S21.G00.81.004/CCH-11", "CCH", "blocking", "Montant", "depot/f.dsn", 12,
                                "S21.G00.81.004", None, "matricule 1", "1,5"),
                        Anomaly("S21.G00.30.001/SIG-11", "SIG", "warning", "NIR", "depot/f.dsn", 20)]
    money = Decimal("12.50")
    statement = {"siren": "552100554", "start": date(2025, 1, 1), "end": None, "as_of": date(2025, 3, 1),
                 "opening": money, "closing": money,
                 "contracts": [{"contract": "C1", "organisme": "P1", "opening": money, "closing": money,
                                "debit": money, "credit": money,
                                "lines": [{"date": date(2025, 1, 5), "contract": "C1", "period": "2025T1",
                                           "kind": "échéance", "label": "Échéance", "debit": money,
                                           "credit": Decimal(0), "balance": money, "crm": None}]}]}
    return {"submission": render_report_html(submission_report([report], [{}])),
            "statement": render_report_html(Report("statement", "Situation", statement))}


@pytest.mark.parametrize("name", ["submission", "statement"])
def test_structure_is_semantic_and_self_contained(name):
    page = pages()[name]
    outline = Outline()
    outline.feed(page)
    assert outline.lang == "fr" and outline.headings.count(1) == 1 and outline.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:]))
    assert outline.ths and all(scope in ("col", "row") for scope in outline.ths)
    assert all(c in outline.labels for c in outline.controls)
    assert outline.external == [] and "http" not in re.sub(r"<!DOCTYPE[^>]*>", "", page).split("<body")[0]
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert page.count('class="table-wrap" role="region"') == page.count("<table")


def test_style_sheet_has_print_and_phone_rules():
    assert "@media print" in CSS and "size: A4" in CSS and "@media (max-width: 40rem)" in CSS
    assert ".table-wrap { overflow-x: auto;" in CSS and "overflow-wrap: anywhere" in CSS
