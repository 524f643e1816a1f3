"""The anomaly report in headless Chromium (Debian's ``chromium``): the DOM at desktop and 390 px widths after
the inline script ran, a filter hiding rows, no page-wide horizontal scroll on a phone, screenshots, the PDF's
A4 pages, and the accessibility audit (axe-core when installed, and the equivalent ruleset of
``tests/reports/browser.py`` always). Skipped, with the reason, when chromium is not installed."""
from __future__ import annotations

from collections import Counter

import pytest

from dsn_parser import read_dsn
from reports.model import write
from reports.submission import submission_report
from rules import Anomaly, validate
from rules.engine import ValidationReport

from .browser import A4_POINTS, pdf_pages

SERIOUS = ("serious", "critical")


def choose(select_id: str, value: str) -> str:
    """JavaScript choosing ``value`` in a filter, as a user would (a change event)."""
    return (f"var s = document.getElementById('{select_id}'); s.value = '{value}';"
            "s.dispatchEvent(new Event('change', {bubbles: true}));")


def assert_accessible(result: dict) -> None:
    assert result["audit"]["violations"] == [] and result["audit"]["texts_checked"] > 10
    if result["axe_used"]:
        assert [v for v in result["axe"] if v["impact"] in SERIOUS] == []


@pytest.fixture
def page(bad_file, tmp_path):
    """The anomaly report of the generated bad file, with the file's lines around each anomaly."""
    path, _ = bad_file
    report = submission_report([validate(read_dsn(path))], around=2)
    return write(report, tmp_path / "rapport.html"), report.as_dict()["files"][0]


def test_desktop_dom_headings_rows_and_a_filter(browser, page):
    html, section = page
    total = len(section["anomalies"])
    loaded = browser.probe(html, 1280, axe=True)
    assert loaded["h1"] == ["Rapport d'anomalies DSN"] and loaded["headings"][:3] == ["H1", "H2", "H3"]
    assert loaded["filters_shown"] and loaded["rows"] == total
    assert_accessible(loaded)
    severities = Counter(a["severity"] for a in section["anomalies"])
    for severity in ("blocking", "warning"):
        filtered = browser.probe(html, 1280, choose("filtre-gravite", severity))
        assert filtered.get("error") is None and filtered["rows"] == severities[severity]
        assert filtered["groups"] == sum(r["severity"] == severity for r in section["rules"])
    employee = section["employees"][0]
    filtered = browser.probe(html, 1280, choose("filtre-salarie", employee["employee"] or "-"))
    assert filtered["rows"] == employee["count"] < total


def test_phone_width_has_no_page_scroll_and_screenshots_are_taken(browser, page, tmp_path):
    html, _ = page
    phone = browser.probe(html, 390, axe=True)
    assert phone["width"] == 390 and phone["scroll_width"] <= 390
    assert_accessible(phone)
    for width in (1280, 390):
        shot = browser.screenshot(html, tmp_path / f"rapport-{width}.png", width)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def report_with(files: int, anomalies: int) -> list[ValidationReport]:
    out = []
    for f in range(files):
        report = ValidationReport(f"depot/f{f}.dsn", "P25V01",
                                  [{"nature": "01", "type": "01", "siren": "552100554", "month": "2025-03"}])
        report.anomalies = [Anomaly("S21.G00.81.004/CCH-11", "CCH", "blocking", f"Montant {n}", report.path, 10 + n,
                                    "S21.G00.81.004", None, "matricule 1", "1,5") for n in range(anomalies)]
        out.append(report)
    return out


def test_print_gives_one_a4_page_per_small_file(browser, tmp_path):
    html = write(submission_report(report_with(2, 2), [{}, {}]), tmp_path / "deux.html")
    pages = pdf_pages(browser.pdf(html, tmp_path / "deux.pdf"))
    assert len(pages) == 2 and all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in pages)


def test_a_long_report_prints_on_more_pages_and_stays_usable(browser, tmp_path):
    html = write(submission_report(report_with(1, 300), [{}]), tmp_path / "long.html")
    assert len(pdf_pages(browser.pdf(html, tmp_path / "long.pdf"))) > 3
    loaded = browser.probe(html, 390)
    assert loaded["rows"] == 300 and loaded["scroll_width"] <= 390


def test_a_column_sorts_by_its_header_button(browser, tmp_path):
    html = write(submission_report(report_with(1, 5), [{}]), tmp_path / "tri.html")
    click = ("var t = document.querySelector('table.rows'); var b = t.tHead.rows[0].cells[0].querySelector('button');"
             "b.click(); b.click(); result.sorted = Array.prototype.map.call(t.tBodies[0].rows,"
             "function (r) { return r.cells[0].textContent.trim(); });"
             "result.aria = t.tHead.rows[0].cells[0].getAttribute('aria-sort');")
    result = browser.probe(html, 1280, click)
    assert result.get("error") is None and result["aria"] == "descending"
    assert result["sorted"] == [str(10 + n) for n in range(4, -1, -1)]
