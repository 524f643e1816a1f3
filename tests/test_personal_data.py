"""Personal data never leave in clear: every personal rubrique of a generated mensuelle gets a marker value
(invalid for its format, so the anomalies quote it), plus a raw echo of a personal line the reader cannot read;
``dsn validate`` (text, JSON, HTML), ``dsn ingest`` (its output and the stored anomalies) and ``dsn nightly``
(summary and HTML reports) are searched for every marker; so are the store products' CLI outputs (arrêts,
affiliations, cotisations in JSON, text and CSV), and the store itself for the NIR and IBAN markers."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from dsn_parser.generator.company import make_company
from dsn_parser.generator.generated import generate_company
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import render
from pipeline.cli import main
from pipeline.store import make_engine, metadata
from pipeline.store.schema import anomalies
from rules.masking import all_personal_rubriques

RAW_MARKER = "QZRAWMARKQZ"


def _marked_file(path: Path, records: list | None = None) -> tuple[Path, list[str]]:
    if records is None:
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


def test_no_marker_reaches_the_store_products_outputs_nor_the_store(tmp_path, capsys, monkeypatch):
    """The products' CLI outputs (arrêts, affiliations, cotisations; JSON, CSV) mask every marker, and the store
    file holds none of the NIR and IBAN markers (sealed at rest)."""
    monkeypatch.setenv("DSN_STORE_KEY_FILE", str(tmp_path / "store.key"))
    company = make_company(seed=21, employees=5, months=1, start_month=date(2025, 1, 1))  # an arrêt, an IBAN
    path, markers = _marked_file(tmp_path / "marked.dsn", monthly_records(company, date(2025, 1, 1)))
    sealed = [m for code, m in zip(_personal_codes(path), markers) if all_personal_rubriques()[code] in ("nir", "iban")]
    assert sealed
    db = f"duckdb:///{tmp_path / 'store.duckdb'}"
    main(["ingest", str(path), "--db", db, "--archive", str(tmp_path / "archive")])
    siren = company.siren
    capsys.readouterr()
    outputs = []
    written = tmp_path / "outputs"
    for args in (["arrets", "list", "--format", "json"], ["arrets", "list", "--format", "text"],
                 ["arrets", "list", "--format", "csv", "--output", str(written / "list.csv")],
                 ["arrets", "export", "--format", "csv", "--output", str(written / "arrets.csv")],
                 ["affiliations", "list", "--siren", siren, "--format", "json"],
                 ["affiliations", "export", "--siren", siren, "--format", "csv", "--output", str(written / "a.csv")],
                 ["cotisations", "account", "--siren", siren, "--format", "json"],
                 ["cotisations", "statement", "--siren", siren, "--format", "csv", "--output", str(written / "c.csv")]):
        written.mkdir(exist_ok=True)
        main([*args, "--db", db])
        out = capsys.readouterr()
        outputs.append(out.out + out.err)
    arret_id = json.loads(outputs[0])[0]["arret_id"]
    main(["arrets", "show", arret_id, "--db", db, "--format", "json"])
    shown = json.loads(capsys.readouterr().out)
    assert shown["employee"]["nir"].startswith("QZ0*") and shown["subrogation"]["iban"].startswith("QZ")
    outputs += [json.dumps(shown)] + [p.read_text(encoding="utf-8-sig") for p in written.glob("*.csv")]
    assert len(outputs) > 10 and any("QZ0" in text and "*" in text for text in outputs)  # masked markers shown
    assert [m for text in outputs for m in _leaks(text, markers)] == []
    engine = make_engine(db)
    with engine.connect() as conn:
        dumped = " ".join(repr(row) for table in metadata.sorted_tables
                          for row in conn.execute(sa.select(table)).all())
    engine.dispose()
    assert "pd1." in dumped and _leaks(dumped, sealed) == []


def _records(path: Path) -> list[tuple[str, str]]:
    lines = path.read_bytes().decode("iso-8859-1").splitlines()
    return [(line.split(",", 1)[0], line.split(",", 1)[1].strip("'")) for line in lines if line.endswith("'")]


def _personal_codes(path: Path) -> list[str]:
    """The codes of the marked personal rubriques of the file, in order (the markers' order)."""
    return [code for code, value in _records(path) if code in all_personal_rubriques() and "MARKQZ" in value]
