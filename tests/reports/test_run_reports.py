"""``dsn run`` writes the reports of what it stored and prints their paths, and the company report checks the
stored months against the FPOC sheet (DuckDB and PostgreSQL)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from dsn_parser import read_dsn
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from pipeline.cli import main
from pipeline.ingest import store_engine
from reports.company import company_report
from rules import ValidationOptions, validate
from rules.fpoc import load_for_validation

from .conftest import bad_records


def test_run_writes_the_reports_of_the_folder_and_prints_their_paths(store_url, archive_root, company, tmp_path,
                                                                      capsys):
    folder, reports = tmp_path / "in", tmp_path / "rapports"
    folder.mkdir()
    write_records(bad_records(company)[0], folder / "janvier.dsn")
    write_records(monthly_records(company, date(2025, 2, 1)), folder / "fevrier.dsn")
    assert main(["run", str(folder), "--db", store_url, "--archive", str(archive_root), "--quiet",
                 "--reports", str(reports)]) == 1
    printed = [line.removeprefix("rapport : ") for line in capsys.readouterr().out.splitlines()
               if line.startswith("rapport : ")]
    siren = company.siren
    expected = {reports / "soumissions" / "janvier.html", reports / "soumissions" / "fevrier.html",
                reports / "entreprises" / f"{siren}.html", reports / "entreprises" / f"{siren}-situation.html",
                reports / f"rapprochement-{date.today().isoformat()}.html"}
    assert expected <= {reports / p.removeprefix(f"{reports}/") for p in printed}
    assert all((reports / p.removeprefix(f"{reports}/")).is_file() for p in printed)
    january = (reports / "soumissions" / "janvier.html").read_text(encoding="utf-8")
    february = (reports / "soumissions" / "fevrier.html").read_text(encoding="utf-8")
    assert "Verdict : rejetée" in january and "Verdict : rejetée" not in february
    company_page = (reports / "entreprises" / f"{siren}.html").read_text(encoding="utf-8")
    assert "01/2025" in company_page and "02/2025" in company_page


SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_company_report_runs_the_fpoc_rules_on_the_archived_files(store_url, archive_root, tmp_path):
    """The ingest validates without the contract referential: the company report checks the stored months
    against the company's stored FPOC sheet (a population the sheet does not list, here)."""
    sheet = SAMPLES / "fpoc_848602298.xml"
    text = (SAMPLES / "mensuelle_P25V01_202501.dsn").read_bytes()
    path = tmp_path / "janvier.dsn"
    path.write_bytes(text.replace(b"S21.G00.70.005,'ENSEMBLE'", b"S21.G00.70.005,'INCONNUE'"))
    expected = [(a.code, a.employee, a.line) for a in validate(
        read_dsn(path), ValidationOptions(referential=load_for_validation(sheet)[0])).anomalies
        if a.family == "FPOC"]
    assert main(["fpoc", "load", str(sheet), "--db", store_url]) == 0
    assert main(["ingest", str(path), "--db", store_url, "--archive", str(archive_root)]) in (0, 1)
    engine = store_engine(store_url)
    with engine.connect() as conn:
        report = company_report(conn, "848602298", date(2025, 1, 1), date(2025, 1, 1))
    engine.dispose()
    assert expected and [(f["code"], f["employee"], f["line"]) for f in report.data["fpoc"]] == expected
    assert all(f["month"] == "2025-01" for f in report.data["fpoc"])
