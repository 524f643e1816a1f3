"""Cross-declaration checks of the arrêts (DSN-ARR-NN) on crafted declarations, on DuckDB and PostgreSQL."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

import pipeline.products as products
from dsn_parser.generator.history_arrets import SCENARIO_INDEX, arret_history
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.generator.people import Arret
from dsn_parser.generator.signalements import arret_signalement
from dsn_parser.writer import write_records
from pipeline.ingest import ingest_path, store_engine
from pipeline.products import arrets
from pipeline.products.arrets_checks import anomalies_of

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
AS_OF = date(2025, 3, 15)
OTHER_INDEX = 6


@pytest.fixture
def crafted(store_url, tmp_path):
    """Employee S: a signalement 04 (A1) the January mensuelle does not repeat, then a second signalement (A2)
    while A1 is open; employee X: an arrêt (B) in January's mensuelle that February's drops without reprise."""
    generated = arret_history().company
    company = generated.company
    s, x = generated.employees[SCENARIO_INDEX], generated.employees[OTHER_INDEX]
    a1 = Arret("01", date(2025, 1, 9), date(2025, 1, 24), None, subrogation=False)
    a2 = Arret("01", date(2025, 1, 20), date(2025, 2, 10), None, subrogation=False)
    b = Arret("01", date(2025, 1, 5), date(2025, 2, 20), None, subrogation=False)
    plain = {SCENARIO_INDEX: dataclasses.replace(s, arret=None), OTHER_INDEX: dataclasses.replace(x, arret=None)}
    with_b = {**plain, OTHER_INDEX: dataclasses.replace(x, arret=b)}

    def pool(changes):
        return [changes.get(e.index, e) for e in generated.employees]

    files = [("sig_a1.dsn", arret_signalement(company, dataclasses.replace(s, arret=a1))),
             ("mensuelle_202501.dsn", monthly_records(company, JAN, employees=pool(with_b))),
             ("sig_a2.dsn", arret_signalement(company, dataclasses.replace(s, arret=a2))),
             ("mensuelle_202502.dsn", monthly_records(company, FEB, employees=pool(plain)))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(products, "available_products", lambda: ["arrets"])
        for n, (name, records) in enumerate(files):
            path = write_records(records, tmp_path / name)
            ingest_path(path, store_url, archive_root=tmp_path / "archive",
                        received_at=datetime(2025, 3, 1) + timedelta(hours=n))
    generated_open = [e for e in generated.employees if e.arret is not None and e.arret.overlaps(FEB)
                      and e.present(FEB) and e.index not in plain]
    return {"url": store_url, "company": company, "s": s, "x": x, "a1": a1, "a2": a2, "b": b,
            "open": generated_open}


def _findings(conn) -> set:
    return {(a.employee, a.code, a.value) for a in anomalies_of(conn)}


def test_checks_find_each_case_and_rerun_writes_nothing(crafted):
    s, x, a1, a2, b = (crafted[k] for k in ("s", "x", "a1", "a2", "b"))
    start = lambda arret: (arret.last_day_worked + timedelta(days=1)).isoformat()  # noqa: E731
    expected = {(s.matricule, "DSN-ARR-01", start(a1)), (s.matricule, "DSN-ARR-01", start(a2)),
                (s.matricule, "DSN-ARR-02", a1.expected_end.isoformat()),
                (s.matricule, "DSN-ARR-02", a2.expected_end.isoformat()),
                (s.matricule, "DSN-ARR-03", start(a1)),
                (x.matricule, "DSN-ARR-04", FEB.isoformat()),
                (x.matricule, "DSN-ARR-02", b.expected_end.isoformat())}
    expected |= {(e.matricule, "DSN-ARR-02", e.arret.expected_end.isoformat())
                 for e in crafted["open"] if e.arret.expected_end < AS_OF}
    engine = store_engine(crafted["url"])
    sirens = [crafted["company"].siren]
    with engine.begin() as conn:
        arrets.recompute(conn, sirens, AS_OF)
    with engine.begin() as conn:
        assert arrets.recompute(conn, sirens, AS_OF) == 0
        assert _findings(conn) == expected
        stored = anomalies_of(conn)
        assert {a.family for a in stored} == {"DSN"} and {a.severity for a in stored} == {"warning"}
        assert all(a.block_path == "S21.G00.60" and a.message for a in stored)
        dropped = next(a for a in stored if a.code == "DSN-ARR-04")
        assert dropped.file == "mensuelle_202502.dsn"
    before_ends = date(2025, 1, 20)  # no planned end passed yet: the DSN-ARR-02 findings go
    with engine.begin() as conn:
        gone = sum(1 for f in expected if f[1] == "DSN-ARR-02")
        assert arrets.recompute(conn, sirens, before_ends) == gone
        assert _findings(conn) == {f for f in expected if f[1] != "DSN-ARR-02"}
        summary = arrets.run_summary(conn)
    assert summary[1] == "anomalies de suivi des arrêts : DSN-ARR-01 × 2, DSN-ARR-03 × 1, DSN-ARR-04 × 1"


def test_show_carries_the_findings_of_the_arret(crafted):
    with store_engine(crafted["url"]).begin() as conn:
        arrets.recompute(conn, [crafted["company"].siren], AS_OF)
        x = next(r for r in arrets.list_arrets(conn, employee=crafted["x"].matricule))
        detail = arrets.get_arret(conn, x.arret_id).as_dict()
    assert sorted(a["code"] for a in detail["anomalies"]) == ["DSN-ARR-02", "DSN-ARR-04"]
