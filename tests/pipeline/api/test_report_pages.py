"""The API serves the anomaly report page ``dsn report submission ID`` writes: the same HTML for the same stored
submission (only the generation time differs), on both engines."""
from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient

from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from pipeline.api import Settings, create_app
from pipeline.cli import main
from pipeline.ingest import ingest_path, store_engine
from pipeline.portal import accounts
from pipeline.portal.mail import FileMailer
from pipeline.portal.tokens import issue_token

from .conftest import PASSWORD

FEB = date(2025, 2, 1)
TIME = r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} \(UTC[+-]\d{2}:\d{2}\)"


def test_api_report_is_the_page_the_cli_writes(store_url, companies, tmp_path, capsys):
    company = companies["A"]
    records = monthly_records(company, FEB)
    first = next(i for i, (code, _) in enumerate(records) if code == "S21.G00.81.004")
    records[first] = ("S21.G00.81.004", records[first][1].replace(".", ","))  # a blocking format anomaly
    path = write_records(records, tmp_path / "fevrier.dsn")
    engine = store_engine(store_url)
    submission = ingest_path(path, engine, archive_root=tmp_path / "archive").submission_id
    with engine.begin() as conn:
        user = accounts.create_admin(conn, "admin@exemple.fr", company.siren, PASSWORD)
    engine.dispose()  # DuckDB: the command opens the file read-only, alone
    out = tmp_path / "rapport.html"
    assert main(["report", "submission", submission, "--db", store_url, "--output", str(out)]) == 1
    assert capsys.readouterr().out.split() == [str(out)]
    written = out.read_text(encoding="utf-8").rstrip("\n")
    settings = Settings(db_url=store_url, archive_root=tmp_path / "archive", mailer=FileMailer(tmp_path / "mail"),
                        upload_dir=tmp_path / "uploads", drop_dir=tmp_path / "drop", queue_dir=tmp_path / "queue")
    with TestClient(create_app(settings)) as client:
        with engine.begin() as conn:
            token = issue_token(conn, user).access_token
        served = client.get(f"/v1/submissions/{submission}/report", headers={"Authorization": f"Bearer {token}"})
    engine.dispose()
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/html")
    page = served.text
    assert "rejetée" in page and "fevrier.dsn" in page and str(tmp_path) not in page
    assert "Reçu le" in page and "fichier non stocké" not in page
    generated = re.compile(r"Généré le " + TIME)
    assert len(generated.findall(page)) == 1 and len(re.findall(TIME, page)) >= 2  # generation and reception
    assert generated.sub("", page) == generated.sub("", written)
