"""``dsn nightly``: the nightly reconciliation from the command line, without Prefect, on a DuckDB store."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timezone
from pathlib import Path

import sqlalchemy as sa

from pipeline.cli import main
from pipeline.store import make_engine
from pipeline.store.history import PARIS
from pipeline.store.schema import employee_months, submissions

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
FILES = [SAMPLES / "mensuelle_P25V01_202501.dsn", SAMPLES / "mensuelle_P25V01_202502.dsn"]


def ingested(tmp_path: Path, capsys) -> tuple[str, str]:
    """A DuckDB store holding the two sample months, ingested by ``dsn ingest``; its URL and reception day."""
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    garbage = tmp_path / "vide.dsn"
    garbage.write_bytes(b"")
    main(["ingest", *map(str, FILES), str(garbage), "--db", url, "--archive", str(tmp_path / "archive")])
    capsys.readouterr()
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            first = conn.execute(sa.select(sa.func.min(submissions.c.received_at))).scalar_one()
    finally:
        engine.dispose()
    return url, first.replace(tzinfo=timezone.utc).astimezone(PARIS).date().isoformat()


def _drop_one_employee_month(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            lost = conn.execute(sa.select(employee_months.c.submission_id, employee_months.c.individu_id)
                                .limit(1)).one()
            conn.execute(employee_months.delete().where(employee_months.c.submission_id == lost.submission_id,
                                                        employee_months.c.individu_id == lost.individu_id))
    finally:
        engine.dispose()


def test_nightly_repairs_the_derived_tables_and_writes_the_day_reports(tmp_path, capsys):
    url, day = ingested(tmp_path, capsys)
    _drop_one_employee_month(url)
    reports = tmp_path / "rapports"

    assert main(["nightly", "--date", day, "--db", url, "--reports", str(reports), "--format", "json"]) == 0

    result = json.loads(capsys.readouterr().out)
    folder = reports / day
    assert result["day"] == day and result["repaired"]["months_added"] == 1
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["by_status"] == {"loaded": 2, "rejected": 1}
    assert summary["derived_repaired"] == result["repaired"]
    assert len(result["reports"]) == 2 and all(Path(p).parent == folder and Path(p).exists() for p in result["reports"])
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{Path(p).name}"' in index for p in result["reports"]) and "vide.dsn" not in index
    # the reconciliation report, as the flow writes it (reports.nightly.write_nightly_report)
    assert result["report"] == str(folder / "rapprochement.html")
    page = (folder / "rapprochement.html").read_text(encoding="utf-8")
    data = json.loads((folder / "rapprochement.json").read_text(encoding="utf-8"))
    assert data["report"] == "nightly" and data["day"] == day
    assert data["summary"]["submissions"] == len(FILES) + 1 and data["summary"]["by_status"] == summary["by_status"]
    sirens = {m for f in FILES for m in re.findall(rb"^S21\.G00\.06\.001,'(\d{9})'", f.read_bytes(), re.M)}
    assert [c["siren"] for c in data["companies"]] == sorted(s.decode() for s in sirens)
    assert page.count("<h1>") == 1 and all(f"Entreprise {c['siren']}" in page for c in data["companies"])

    assert main(["nightly", "--date", day, "--db", url, "--reports", str(reports)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{day} : 3 soumission(s) (2 stockée(s), 0 doublon(s), 1 rejetée(s)), 0 à vérifier, "
                           f"0 ligne(s) dérivée(s) réparée(s) ; résumé {folder / 'summary.json'}, 2 rapport(s)")
    assert line.endswith(f"rapprochement {folder / 'rapprochement.html'}")


def test_nightly_runs_without_prefect(tmp_path, capsys):
    url, day = ingested(tmp_path, capsys)
    probe = ("import json, sys; from pipeline.cli import main; "
             f"status = main(['nightly', '--date', '{day}', '--db', {url!r}, '--reports', {str(tmp_path / 'r')!r}, "
             "'--format', 'json']); print(json.dumps([status, 'prefect' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True,
                         timeout=300).stdout
    assert json.loads(out.splitlines()[-1]) == [0, False]
    assert (tmp_path / "r" / day / "index.html").exists() and (tmp_path / "r" / day / "rapprochement.json").exists()
