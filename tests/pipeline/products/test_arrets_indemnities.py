"""Indemnisation periods of an arrêt with and without guarantee parameters (``products: arrets:`` of the YAML
referential), on DuckDB and PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import yaml

import pipeline.products as products
from dsn_parser.generator.history_arrets import arret_history
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.generator.payroll import pay_month
from dsn_parser.generator.signalements import arret_signalement
from dsn_parser.writer import write_records
from pipeline.ingest import ingest_path, store_engine
from pipeline.products import arrets
from pipeline.referentials import store_referential
from rules.fpoc import dump_yaml, load_referential

DEC, JAN = date(2024, 12, 1), date(2025, 1, 1)
PMSS_2024 = Decimal("3864")
AS_OF = date(2025, 3, 1)
PARAMETERS = {"franchise_days": 3, "daily_rates": {"A": "70", "B": "60", "C": "0"}, "end": "reprise"}


@pytest.fixture
def store(store_url, tmp_path):
    """December's mensuelle, the signalement 04 and January's mensuelle of the prolonged arrêt (no reprise yet),
    and the company's referential in YAML with guarantee parameters on its prévoyance contract."""
    history = arret_history()
    company, e = history.company.company, history.prolonged
    pool = [e if x.index == e.index else x for x in history.company.employees]
    xml = tmp_path / "fpoc.xml"
    xml.write_bytes(history.company.fpoc_xml())
    data = yaml.safe_load(dump_yaml(load_referential(xml).referential))
    prevoyance = set()
    for group in data["sheets"][0]["groups"]:
        for contract in group["contracts"]:
            if contract["reference"].startswith("PREV"):
                contract["products"] = {"arrets": {**PARAMETERS, "continuous": "maybe"}}
                prevoyance.add(contract["reference"])
    referential = tmp_path / "fpoc.yaml"
    referential.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    received = iter(datetime(2025, 1, 20) + timedelta(hours=n) for n in range(10))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(products, "available_products", lambda: ["arrets"])
        for name, records in (("m_202412.dsn", monthly_records(company, DEC, employees=pool)),
                              ("s04.dsn", arret_signalement(company, e)),
                              ("m_202501.dsn", monthly_records(company, JAN, employees=pool))):
            ingest_path(write_records(records, tmp_path / name), store_url, archive_root=tmp_path / "archive",
                        received_at=next(received))
        with store_engine(store_url).begin() as conn:
            store_referential(conn, referential)
    return {"url": store_url, "employee": e, "company": company, "prevoyance": prevoyance}


def test_periods_and_amounts_from_the_guarantee_parameters(store):
    e = store["employee"]
    with store_engine(store["url"]).connect() as conn:
        arret_id = arrets.list_arrets(conn, employee=e.matricule)[0].arret_id
        detail = arrets.get_arret(conn, arret_id, AS_OF).as_dict()
    start = e.arret.last_day_worked + timedelta(days=1)
    end = e.arret.expected_end  # no reprise declared yet: the planned end
    by_contract = {i["contract_reference"]: i for i in detail["indemnisation"]}
    assert set(by_contract) == {a["contract_reference"] for a in detail["affiliations"]}
    (prev,) = [by_contract[r] for r in store["prevoyance"] if r in by_contract]
    pay = pay_month(e, store["company"].referential, DEC)
    a, b = min(pay.gross, PMSS_2024), min(max(pay.gross - PMSS_2024, 0), 3 * PMSS_2024)
    daily = ((a * 12 * 70 / 100 + b * 12 * 60 / 100) / 365).quantize(Decimal("0.01"))
    first = start + timedelta(days=3)
    month_end = date(first.year, first.month + 1, 1) - timedelta(days=1)
    spans = [(first, month_end), (month_end + timedelta(days=1), end)]
    assert prev["franchise_days"] == 3 and prev["franchise_end"] == (first - timedelta(days=1)).isoformat()
    assert prev["daily_amount"] == f"{daily:.2f}"
    assert prev["periods"] == [{"start": s.isoformat(), "end": t.isoformat(), "days": (t - s).days + 1,
                                "amount": f"{daily * ((t - s).days + 1):.2f}"} for s, t in spans]
    assert prev["total"] == f"{daily * ((end - first).days + 1):.2f}"
    assert prev["no_amount_reason"] is None
    assert prev["problems"] == ["continuous « maybe » : true ou false attendu"]
    others = [i for r, i in by_contract.items() if r not in store["prevoyance"]]
    assert others
    for other in others:  # no parameters: periods from the arrêt start, no amount, the reason said
        assert other["daily_amount"] is None and other["total"] is None
        assert "aucun paramètre de garantie" in other["no_amount_reason"]
        assert other["periods"][0]["start"] == start.isoformat() and other["periods"][-1]["end"] == end.isoformat()
        assert all(p["amount"] is None for p in other["periods"])


def test_the_as_of_date_bounds_the_periods(store):
    e = store["employee"]
    as_of = date(2025, 1, 20)
    with store_engine(store["url"]).connect() as conn:
        arret_id = arrets.list_arrets(conn, employee=e.matricule)[0].arret_id
        detail = arrets.get_arret(conn, arret_id, as_of)
    assert {i.periods[-1].end for i in detail.indemnisation} == {as_of}
