"""Personal data never leave in clear: every personal rubrique of a generated mensuelle gets a marker value
(invalid for its format, so the anomalies quote it), plus a raw echo of a personal line the reader cannot read;
``dsn validate`` (text, JSON, HTML), ``dsn ingest`` (its output and the stored anomalies) and ``dsn nightly``
(summary and HTML reports) are searched for every marker."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from dsn_parser.generator.generated import generate_company
from dsn_parser.writer import render
from pipeline.cli import main
from pipeline.store import make_engine
from pipeline.store.schema import anomalies
from rules.masking import all_personal_rubriques

RAW_MARKER = "QZRAWMARKQZ"


def _marked_file(path: Path) -> tuple[Path, list[str]]:
    records = generate_company(7, employees=3, months=1, start_month=date(2025, 1, 1)).monthly(date(2025, 1, 1))
    personal, markers, marked = all_personal_rubriques(), [], []
    for code, value in records:
        if code in personal:
            value = f"QZ{len(markers):03d}MARKQZ"
            markers.append(value)
        marked.append((code, value))
    text = render(marked)
    at = text.index("S21.G00.30.002,")
    text = text[:at] + f"S21.G00.30.002,'{RAW_MARKER}' \n" + text[at:]  # trailing space: unreadable, echoed raw
    path.write_bytes(text.encode("iso-8859-1"))
    return path, markers + [RAW_MARKER]


def _leaks(text: str, markers: list[str]) -> list[str]:
    return [m for m in markers if m in text]


def test_no_marker_of_a_personal_rubrique_reaches_any_output(tmp_path, capsys):
    path, markers = _marked_file(tmp_path / "marked.dsn")
    assert len(markers) > 20  # NIR, names, birth date and place, address, e-mail… of three employees and contacts
    for fmt in ("text", "json"):
        main(["validate", str(path), "--format", fmt])
    html = tmp_path / "report.html"
    main(["validate", str(path), "--format", "html", "--output", str(html)])
    db = f"duckdb:///{tmp_path / 'store.duckdb'}"
    main(["ingest", str(path), "--db", db, "--archive", str(tmp_path / "archive")])
    main(["nightly", "--db", db, "--date", date.today().isoformat(), "--reports", str(tmp_path / "reports")])
    out = capsys.readouterr()
    assert "« Q" in out.out or "Q*" in out.out  # the masked markers are quoted
    assert _leaks(out.out + out.err, markers) == []
    assert _leaks(html.read_text(encoding="utf-8"), markers) == []
    pages = list((tmp_path / "reports").rglob("*.*"))
    assert {p.suffix for p in pages} == {".html", ".json"}
    for page in pages:
        assert _leaks(page.read_text(encoding="utf-8"), markers) == [], page
    engine = make_engine(db)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(anomalies.c.message, anomalies.c.value)).all()
    engine.dispose()
    assert stored and _leaks(" ".join(f"{m} {v}" for m, v in stored), markers) == []
