"""The anomaly report in headless Chromium (Debian's ``chromium``): the DOM at desktop and 390 px widths after
the inline script ran, a filter hiding rows, no page-wide horizontal scroll on a phone, screenshots, the PDF's
A4 pages, and the accessibility audit (axe-core when installed, and the equivalent ruleset of
``tests/reports/browser.py`` always). Skipped, with the reason, when chromium is not installed."""
from __future__ import annotations

from collections import Counter

import pytest

from dsn_parser import read_dsn
from reports.model import TEMPLATES, write
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
    zoomed = browser.probe(html, 1280 // 2)  # a 1280 px window at 200 % zoom: a 640 CSS px viewport
    assert zoomed["width"] == 640 and zoomed["scroll_width"] <= 640 and zoomed["filters_shown"]
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


PAGE = 100  # rows of a long table on screen at a time (reports/templates/report.js)

STEPS = """
function shown(selector) {
  return Array.prototype.filter.call(document.querySelectorAll(selector), function (r) {
    return r.offsetParent !== null; }).length;
}
function pagers() {
  return Array.prototype.map.call(document.querySelectorAll('.pager'), function (p) {
    return p.hidden ? null : p.querySelector('p').textContent; });
}
function step() {
  result.steps.push({anomalies: shown('tr[data-sev]'), warnings: shown('tr[data-sev="warning"]'),
                     employees: shown('table.paged tr[data-emps]'), pagers: pagers(),
                     count: document.getElementById('compte').textContent});
}
function click(pager, n) { document.querySelectorAll('.pager')[pager].querySelectorAll('button')[n].click(); }
result.steps = [];
step();
click(0, 0); step();
click(0, 1); step();
%(choose_warning)s step();
%(choose_all)s step();
%(choose_employee)s step();
"""


def long_report(employees: int, first: int, second: int) -> list[ValidationReport]:
    """One file: rule A fires ``first`` times (blocking and warning in turn, employees in turn), rule B
    ``second`` times (warning, first employee)."""
    report = ValidationReport("depot/long.dsn", "P25V01",
                              [{"nature": "01", "type": "01", "siren": "552100554", "month": "2025-03"}])
    report.anomalies = [Anomaly("S21.G00.81.004/CCH-11", "CCH", ("blocking", "warning")[n % 2], f"Montant {n}",
                                report.path, 10 + n, "S21.G00.81.004", None, f"matricule {n % employees:03d}", "1,5")
                        for n in range(first)]
    report.anomalies += [Anomaly("S21.G00.30.001/SIG-11", "SIG", "warning", f"NIR {n}", report.path, 5000 + n,
                                 None, None, "matricule 000") for n in range(second)]
    return [report]


def test_a_long_report_is_paged_on_screen_and_printed_whole(browser, tmp_path):
    employees, first, second = 130, 250, 30
    report = submission_report(long_report(employees, first, second), [{}])
    html = write(report, tmp_path / "long.html")
    assert html.read_text(encoding="utf-8").count("<tr data-id=") == first + second  # every row, without script
    assert len(pdf_pages(browser.pdf(html, tmp_path / "long.pdf"))) > 3  # the print shows every row

    warnings_a = first // 2
    employee = "matricule 007"
    own = sum(f"matricule {n % employees:03d}" == employee for n in range(first))
    actions = STEPS % {"choose_warning": choose("filtre-gravite", "warning"),
                       "choose_all": choose("filtre-gravite", ""),
                       "choose_employee": choose("filtre-salarie", employee)}
    loaded = browser.probe(html, 390, actions)
    assert loaded.get("error") is None and loaded["scroll_width"] <= 390
    steps = loaded["steps"]
    at_load, more, every, warned, reset, one = steps
    assert at_load["anomalies"] == PAGE + second and at_load["employees"] == PAGE
    assert at_load["pagers"] == [f"{PAGE} ligne(s) affichée(s) sur {first}.",
                                 f"{PAGE} ligne(s) affichée(s) sur {employees}."]
    total = first + second
    assert at_load["count"].startswith(f"{total} anomalie(s) retenue(s) par les filtres sur {total}")
    assert more["anomalies"] == 2 * PAGE + second
    assert more["pagers"][0] == f"{2 * PAGE} ligne(s) affichée(s) sur {first}."
    assert every["anomalies"] == total and every["pagers"][0] == f"{first} ligne(s) affichée(s) sur {first}."
    # a filter restarts the paging, over the rows it keeps (here past the first page of the table)
    assert warned["anomalies"] == warned["warnings"] == PAGE + second
    assert warned["pagers"][0] == f"{PAGE} ligne(s) affichée(s) sur {warnings_a}."
    assert warned["count"].startswith(f"{warnings_a + second} anomalie(s) retenue(s)")
    assert reset["anomalies"] == PAGE + second and reset["employees"] == PAGE
    assert one["anomalies"] == own + (second if employee == "matricule 000" else 0) and one["employees"] == 1
    assert one["pagers"] == [None, None]
    assert_accessible(browser.probe(html, 1280, axe=True))  # the pagers too


def test_the_script_and_the_style_sheet_page_alike():
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    assert f"var PAGE = {PAGE};" in script
    # before the script ran, a page of each long table on screen; without script (or printed), every row
    block = css[css.index("@media screen and (scripting: enabled)"):]
    assert f"table.paged:not([data-pg]) > tbody > tr:nth-child(n+{PAGE + 1})" in block.split("}")[0]
    assert css.count("nth-child") == 1


def test_a_column_sorts_by_its_header_button(browser, tmp_path):
    html = write(submission_report(report_with(1, 5), [{}]), tmp_path / "tri.html")
    click = ("var t = document.querySelector('table.rows'); var b = t.tHead.rows[0].cells[0].querySelector('button');"
             "b.click(); b.click(); result.sorted = Array.prototype.map.call(t.tBodies[0].rows,"
             "function (r) { return r.cells[0].textContent.trim(); });"
             "result.aria = t.tHead.rows[0].cells[0].getAttribute('aria-sort');")
    result = browser.probe(html, 1280, click)
    assert result.get("error") is None and result["aria"] == "descending"
    assert result["sorted"] == [str(10 + n) for n in range(4, -1, -1)]
