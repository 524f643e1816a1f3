"""The reports read from the store, on DuckDB and PostgreSQL, over the generated 14-month arrêt history
(dsn_parser.generator.history_arrets) with one contribution amount miswritten in two months for one employee:
company report (replaced month, recurring error), nightly report, arrêt declaration with its 12 salary lines,
avis de paiement, account statement, the stored submission's report, and ``dsn report`` / ``dsn run``."""
from __future__ import annotations

import json
import re
import secrets
from datetime import date, datetime, timedelta, timezone

import psycopg
import pytest
import sqlalchemy as sa

from dsn_parser import read_dsn
from dsn_parser.generator.history_arrets import CORRECTED_MONTH, MISSING_MONTH, arret_history
from dsn_parser.generator.payroll import affiliations, pay_month
from dsn_parser.generator.values import add_months
from pipeline.cli import main
from pipeline.ingest import ingest_path, store_engine
from pipeline.nightly import PARIS
from pipeline.products.arrets import list_arrets
from pipeline.store.schema import submissions
from reports.company import company_report
from reports.documents import account_statement, arret_declaration, avis_de_paiement
from reports.model import euros, render_report_html, render_report_json
from reports.nightly import nightly_report
from reports.stored import stored_submission_report
from rules import validate
from tests.pipeline.conftest import PG_HOST, PG_PORT

RECEIVED = datetime(2025, 3, 10, 7)  # UTC: the files 10 minutes apart, all on the 10th in Paris
MISWRITTEN = ("mensuelle_202401.dsn", "mensuelle_202402.dsn")


def miswritten(data: bytes) -> bytes:
    """The first S21.G00.81.004 amount written with a comma (a blocking format anomaly of its employee)."""
    return re.sub(rb"(S21\.G00\.81\.004,')(\d+)\.(\d\d)'", rb"\1\2,\3'", data, count=1)


@pytest.fixture(scope="module")
def history():
    history = arret_history()
    for name in MISWRITTEN:
        history.files[name] = miswritten(history.files[name])
    return history


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stored(request, history, tmp_path_factory):
    """The history ingested once per engine in a store of its own: (url, folder, submission ids by file)."""
    folder = tmp_path_factory.mktemp(f"reports_{request.param}")
    name = None
    if request.param == "duckdb":
        url = f"duckdb:///{folder / 'store.duckdb'}"
    else:
        admin = request.getfixturevalue("pg_admin")
        name = f"dsn_reports_{secrets.token_hex(4)}"
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=admin, dbname="test", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        url = f"postgresql+psycopg://{admin}@{PG_HOST}:{PG_PORT}/{name}"
    ids = {}
    for n, (file, data) in enumerate(history.files.items()):
        path = folder / file
        path.write_bytes(data)
        ids[file] = ingest_path(path, url, archive_root=folder / "archive",
                                received_at=RECEIVED + timedelta(minutes=10 * n)).submission_id
    store_engine(url).dispose()
    yield url, folder, ids
    if name:
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=admin, dbname="test", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def conn(stored):
    engine = sa.create_engine(stored[0]) if stored[0].startswith("postgresql") else store_engine(stored[0])
    with engine.connect() as connection:
        yield connection
    if stored[0].startswith("postgresql"):
        engine.dispose()


def test_company_report_lists_months_replacements_and_recurring_errors(history, stored, conn):
    months = history.months
    report = company_report(conn, history.company.company.siren, months[0], months[-1])
    data = json.loads(render_report_json(report))
    assert [m["month"] for m in data["months"]] == [f"{m:%Y-%m}" for m in history.stored_months]
    corrected = next(m for m in data["months"] if m["month"] == f"{CORRECTED_MONTH:%Y-%m}")
    original, replacing = corrected["submissions"]
    assert (original["state"], original["replaced"], replacing["state"]) == ("superseded", True, "current")
    assert original["replaced_by"] == replacing["declaration_id"]
    assert f"{MISSING_MONTH:%Y-%m}" not in [m["month"] for m in data["months"]]
    expected = set()
    for name in MISWRITTEN:
        found = validate(read_dsn(stored[1] / name))
        expected |= {(a.code, a.employee) for a in found.anomalies if a.severity == "blocking" and a.employee}
    recurring = {(r["code"], r["employee"]): r["months"] for r in data["recurring"]}
    assert expected and all(recurring[key] == [f"{months[0]:%Y-%m}", f"{months[1]:%Y-%m}"] for key in expected)
    first = data["months"][0]
    assert first["by_severity"]["blocking"] >= 1 and data["months"][2]["by_severity"]["blocking"] == 0
    page = render_report_html(report)
    assert "remplacée" in page and page.count("<h1>") == 1 and "Erreurs récurrentes" in page


def test_arret_declaration_has_the_12_salary_lines_and_masks_the_employee(history, conn):
    employee = history.employee
    [arret] = [a for a in list_arrets(conn, siren=history.company.company.siren)
               if a.start == employee.arret.first_day]
    report = arret_declaration(conn, arret.arret_id)
    data = report.as_dict()
    start = employee.arret.first_day.replace(day=1)
    assert [line["month"] for line in data["salary_history"]] == \
        [f"{add_months(start, k):%Y-%m}" for k in range(-12, 0)]
    assert [line["missing"] for line in data["salary_history"]] == \
        [add_months(start, k) == MISSING_MONTH for k in range(-12, 0)]
    page = render_report_html(report)
    assert page.count('<tr class="salary">') == 12 and page.count("mois non déclaré") == 1
    assert employee.nir not in page and employee.nir[:3] + "*" * 10 in page
    assert employee.last_name not in page
    assert "Déclaration d'arrêt de travail" in page and "Salaires des 12 mois" in page
    unmasked = render_report_html(arret_declaration(conn, arret.arret_id, unmask=True))
    assert employee.nir in unmasked


def test_avis_and_statement_show_the_product_records(history, conn):
    siren = history.company.company.siren
    [arret] = [a for a in list_arrets(conn, siren=siren) if a.start == history.employee.arret.first_day]
    avis = avis_de_paiement(conn, arret.arret_id)
    page = render_report_html(avis)
    assert len(avis.data["indemnisation"]) == page.count("<h3>Contrat ")
    first, last = history.prolonged.arret.first_day, history.prolonged.arret.resume - timedelta(days=1)
    spans, day = [], first
    while day <= last:
        end = min(last, add_months(day.replace(day=1), 1) - timedelta(days=1))
        spans.append([day.isoformat(), end.isoformat()])
        day = end + timedelta(days=1)
    data = avis.as_dict()
    assert data["indemnisation"] and all([[p["start"], p["end"]] for p in i["periods"]] == spans
                                         for i in data["indemnisation"])
    assert page.count("<tbody>") == len(data["indemnisation"])
    assert page.count("<tr><th scope=\"row\">") == len(spans) * len(data["indemnisation"])
    statement = account_statement(conn, siren)
    data = statement.as_dict()
    page = render_report_html(statement)
    assert page.count('<tr class="ledger">') == sum(len(c["lines"]) for c in data["contracts"])
    assert all(f"Contrat {c['contract']}" in page for c in data["contracts"])


def test_nightly_report_of_the_ingest_day(history, stored):
    report = nightly_report(stored[0], date(2025, 3, 10))
    data = report.as_dict()
    assert data["summary"]["submissions"] == len(history.files)
    [company] = data["companies"]
    assert company["siren"] == history.company.company.siren
    assert sorted(company["months"]) == sorted({f"{m:%Y-%m}" for m in history.stored_months})
    assert company["periods"] and all(set(p) >= {"due", "declared", "allocated", "paid"} for p in company["periods"])
    page = render_report_html(report)
    assert page.count("<h1>") == 1 and "Entreprise " + company["siren"] in page


def expected_arrets(history, day: date) -> list[tuple]:
    """(matricule, start, planned end, planned end passed) of the arrêts a nightly of ``day`` lists, from the
    generator's inputs: started by then and no reprise on or before it (the planned end as last declared)."""
    found = [(e.matricule, e.arret.first_day, e.arret.expected_end, e.arret.expected_end < day)
             for e in history.employees_in(history.months[-1]) if e.arret is not None
             and e.arret.first_day <= day and (e.arret.resume is None or e.arret.resume > day)]
    return sorted(found, key=lambda a: (a[1], a[0]))


def section(page: str, heading: str, following: str) -> str:
    """The part of ``page`` from the ``<h3>`` ``heading`` to the ``<h3>`` ``following``."""
    return page[page.index(f"<h3>{heading}"):page.index(f"<h3>{following}")]


@pytest.mark.parametrize("day", [date(2025, 2, 14), date(2025, 3, 10)])
def test_nightly_report_lists_the_arrets_to_complete_and_past_their_planned_end(history, stored, day):
    expected = expected_arrets(history, day)
    assert [a[3] for a in expected] == ([False, False] if day.month == 2 else [True])  # both cases are covered
    report = nightly_report(stored[0], day)
    [company] = report.as_dict()["companies"]
    assert [(a["employee"]["matricule"], a["start"], a["planned_end"], a["planned_end_passed"])
            for a in company["arrets"]] == [(m, f"{s}", f"{e}", passed) for m, s, e, passed in expected]
    assert {a["status"] for a in company["arrets"]} == {"à compléter"} and all(
        a["employee"]["nir"] != e.nir for a in company["arrets"] for e in history.company.employees)
    rows = re.findall(r'<tr><th scope="row">(.*?)</tr>', section(
        render_report_html(report), "Arrêts à compléter", "Mouvements d'affiliation"), re.S)
    assert [(r.split("<")[0], r.count(f"{s:%d/%m/%Y}"), r.endswith("<td>oui</td>")) for r, (_, s, _, _) in
            zip(rows, expected)] == [(m, 1, passed) for m, _, _, passed in expected] and len(rows) == len(expected)


def arret_id_of(url: str, siren: str, matricule: str, capsys) -> str:
    """The id of the employee's arrêt, as ``dsn arrets list`` gives it."""
    assert main(["arrets", "list", "--siren", siren, "--matricule", matricule, "--db", url, "--format", "json"]) == 0
    [arret] = json.loads(capsys.readouterr().out)
    return arret["arret_id"]


def report_arret(url: str, arret_id: str, folder, capsys, *options: str) -> tuple[dict, str]:
    """``dsn report arret ID`` as of 10/03/2025 with ``options``, written as JSON then as HTML into ``folder``:
    the JSON data and the page."""
    written = {}
    for form in ("json", "html"):
        out = folder / f"report.{form}"
        assert main(["report", "arret", arret_id, *options, "--as-of", "2025-03-10", "--db", url, "--format", form,
                     "--output", str(out)]) == 0
        assert capsys.readouterr().out.split() == [str(out)]
        written[form] = out.read_text(encoding="utf-8")
    return json.loads(written["json"]), written["html"]


def test_report_arret_command_writes_the_declaration_with_its_12_salary_lines(history, stored, tmp_path, capsys):
    url, employee = stored[0], history.employee
    company = history.company.company
    arret_id = arret_id_of(url, company.siren, employee.matricule, capsys)
    data, page = report_arret(url, arret_id, tmp_path, capsys)
    assert (data["report"], data["arret_id"], data["employee"]["matricule"]) == ("arret", arret_id, employee.matricule)
    assert data["employee"]["nir"] == employee.nir[:3] + "*" * 10 and data["employee"]["nom"] != employee.last_name
    assert (data["start"], data["planned_end"], data["reprise"]["date"]) == (
        f"{employee.arret.first_day}", f"{history.prolonged.arret.expected_end}", f"{history.prolonged.arret.resume}")
    start = employee.arret.first_day.replace(day=1)
    months = [add_months(start, k) for k in range(-12, 0)]
    lines = data["salary_history"]
    assert [line["month"] for line in lines] == [f"{m:%Y-%m}" for m in months]
    rows = re.findall(r'<tr class="salary">(.*?)</tr>', page, re.S)
    assert len(rows) == 12 and employee.nir not in page and employee.last_name not in page
    for month, line, row in zip(months, lines, rows):
        assert f"{month:%m/%Y}" in row
        if month == MISSING_MONTH:
            assert line["missing"] and line["gross"] == {} and "mois non déclaré" in row
            continue
        pay = pay_month(history.corrected if month == CORRECTED_MONTH else employee, company.referential, month)
        assert (line["gross"]["001"], line["net_paid"], line["primes_total"]) == (
            f"{pay.gross:.2f}", f"{pay.net_paid:.2f}", f"{pay.prime:.2f}" if pay.prime else None), month
        assert euros(line["gross"]["001"]) in row and euros(line["net_paid"]) in row and "non déclaré" not in row
    assert data["reference_salary"]["months_declared"] == 11
    assert euros(data["reference_salary"]["gross"]) in page


def test_report_arret_command_writes_the_avis_de_paiement(history, stored, tmp_path, capsys):
    url, prolonged = stored[0], history.prolonged
    company = history.company.company
    arret_id = arret_id_of(url, company.siren, prolonged.matricule, capsys)
    data, page = report_arret(url, arret_id, tmp_path, capsys, "--document", "avis")
    assert (data["report"], data["as_of"], data["employee"]["matricule"]) == ("avis", "2025-03-10",
                                                                               prolonged.matricule)
    first, last = prolonged.arret.first_day, prolonged.arret.resume - timedelta(days=1)
    spans, day = [], first
    while day <= last:  # one period per calendar month, up to the day before the reprise
        end = min(last, add_months(day.replace(day=1), 1) - timedelta(days=1))
        spans.append((f"{day}", f"{end}", (end - day).days + 1))
        day = end + timedelta(days=1)
    contracts = sorted({a.contract.reference for a in affiliations(prolonged, company.referential,
                                                                   first.replace(day=1))})
    assert sorted(i["contract_reference"] for i in data["indemnisation"]) == contracts
    for item in data["indemnisation"]:
        assert [(p["start"], p["end"], p["days"]) for p in item["periods"]] == spans
        assert item["daily_amount"] is None and item["no_amount_reason"]  # no referential: no rate to apply
    assert [h for h in re.findall(r"<h3>Contrat (.*?)</h3>", page)] == [i["contract_reference"]
                                                                       for i in data["indemnisation"]]
    assert page.count('<tr><th scope="row">') == len(spans) * len(contracts)
    assert all(f"{date.fromisoformat(s):%d/%m/%Y}" in page for s, _, _ in spans)
    assert prolonged.nir not in page and prolonged.nir[:3] + "*" * 10 in page
    assert f'<td class="n">{sum(n for _, _, n in spans)}</td>' in page  # the total of days per contract


def test_stored_submission_report_has_the_reception_time_and_the_archived_lines(stored, conn):
    url, folder, ids = stored
    report = stored_submission_report(conn, ids[MISWRITTEN[0]], around=2)
    [section] = report.data["files"]
    received = conn.execute(sa.select(submissions.c.received_at).where(submissions.c.id == ids[MISWRITTEN[0]]))
    assert section["header"]["received_at"] == received.scalar().replace(tzinfo=timezone.utc).astimezone(PARIS)
    assert section["verdict"]["label"] == "rejetée"
    lines = (folder / MISWRITTEN[0]).read_text(encoding="latin-1").splitlines()
    shown = next(a for a in section["anomalies"] if a.get("context"))
    assert [text for _, text in shown["context"]][2] == lines[shown["line"] - 1]


def test_report_command_writes_each_report(history, stored, tmp_path, capsys):
    url, folder, ids = stored
    siren = history.company.company.siren
    months = history.months
    out = tmp_path / "s.json"
    assert main(["report", "submission", ids[MISWRITTEN[0]], "--db", url, "--output", str(out)]) == 1
    assert json.loads(out.read_text(encoding="utf-8"))["files"][0]["verdict"]["code"] == "rejected"
    assert main(["report", "company", "--siren", siren, "--from", f"{months[0]:%Y-%m}", "--to",
                 f"{months[-1]:%Y-%m}", "--db", url, "--output", str(tmp_path / "c.html")]) == 0
    assert main(["report", "statement", "--siren", siren, "--db", url, "--output", str(tmp_path / "t.html")]) == 0
    assert main(["report", "nightly", "--date", "2025-03-10", "--db", url, "--output", str(tmp_path / "n.html")]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out), str(tmp_path / "c.html"), str(tmp_path / "t.html"), str(tmp_path / "n.html")]
    assert all(p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") for p in tmp_path.glob("*.html"))
    assert main(["report", "arret", "inconnu", "--db", url, "--output", str(tmp_path / "a.html")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["dsn report arret : inconnu : arrêt inconnu dans la base (voir dsn arrets list)"]


DOCUMENTS = {"company": None, "nightly": None, "arret": 2, "avis": 1, "statement": None}  # expected A4 pages


def test_store_reports_in_the_browser(history, stored, browser, tmp_path):
    if not stored[0].startswith("duckdb"):
        pytest.skip("the pages are the same on PostgreSQL: checked once, on DuckDB")
    from reports.model import write

    from .browser import A4_POINTS, pdf_pages
    from .test_browser import assert_accessible

    siren = history.company.company.siren
    built = {"nightly": nightly_report(stored[0], date(2025, 3, 10))}  # opens the store read-only: first
    with store_engine(stored[0]).connect() as conn:
        [arret] = [a for a in list_arrets(conn, siren=siren) if a.start == history.employee.arret.first_day]
        built.update(company=company_report(conn, siren, history.months[0], history.months[-1]),
                     arret=arret_declaration(conn, arret.arret_id), avis=avis_de_paiement(conn, arret.arret_id),
                     statement=account_statement(conn, siren))
    for name, report in built.items():
        page = write(report, tmp_path / f"{name}.html")
        for width in (1280, 390):
            result = browser.probe(page, width, axe=True)
            assert len(result["h1"]) == 1 and result["scroll_width"] <= width, (name, width)
            assert_accessible(result)
        browser.screenshot(page, tmp_path / f"{name}.png", 1280)
        pages = pdf_pages(browser.pdf(page, tmp_path / f"{name}.pdf"))
        assert pages and all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in pages), name
        if DOCUMENTS[name] is not None:
            assert len(pages) == DOCUMENTS[name], name
