"""The nightly report's affiliation movements and affiliations in anomaly, over the affiliation history
(dsn_parser.generator.history_affiliations) received month after month: each nightly is built on the day a
mensuelle arrives, from the store as it stood that day (DuckDB: the register is tested on both engines in
tests/pipeline/products)."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from markupsafe import escape

from dsn_parser.generator.history_affiliations import (DISAPPEARS_MONTH, OPTION_CHANGE_MONTH, RETURN_START,
                                                       affiliation_history)
from dsn_parser.generator.monthly import file_date
from pipeline.ingest import ingest_path, store_engine
from pipeline.referentials import store_referential
from reports.model import render_report_html
from reports.nightly import nightly_report
from tests.pipeline.conftest import validation_rules_off

DAYS = {OPTION_CHANGE_MONTH: file_date(OPTION_CHANGE_MONTH), DISAPPEARS_MONTH: file_date(DISAPPEARS_MONTH)}


@pytest.fixture(scope="module")
def history():
    return affiliation_history()


@pytest.fixture(scope="module")
def nightlies(history, tmp_path_factory):
    """Month → the nightly report of the day its mensuelle arrived (files up to DISAPPEARS_MONTH, rules off,
    only the affiliation register recomputed)."""
    folder = tmp_path_factory.mktemp("affiliation_reports")
    url = f"duckdb:///{folder / 'store.duckdb'}"
    (folder / "fpoc.xml").write_bytes(history.fpoc)
    with store_engine(url).begin() as conn:
        store_referential(conn, folder / "fpoc.xml")
    reports = {}
    with validation_rules_off(), pytest.MonkeyPatch.context() as patch:
        patch.setattr("pipeline.products.available_products", lambda: ["affiliations"])
        for month, (name, content) in zip(history.months, history.files):
            if month > DISAPPEARS_MONTH:
                break
            (folder / name).write_bytes(content)
            received = datetime.combine(file_date(month), datetime.min.time()).replace(hour=9)
            assert ingest_path(folder / name, url, archive_root=folder / "archive", received_at=received).status \
                == "loaded"
            if month in DAYS:
                store_engine(url).dispose()
                reports[month] = nightly_report(url, DAYS[month])
    store_engine(url).dispose()
    return reports


def test_nightly_report_lists_the_movements_of_the_months_received(history, nightlies):
    people, santé = history.people, history.santé
    expected = {
        OPTION_CHANGE_MONTH: [("changement d'option", people["option_change"].matricule, santé.reference,
                               OPTION_CHANGE_MONTH),
                              ("ayant droit ajouté", people["option_change"].matricule, santé.reference,
                               OPTION_CHANGE_MONTH)],
        # the end of the returning employee's portabilité (31 August) is only known once September, which
        # declares his new contract, is received: not on the day August arrives
        DISAPPEARS_MONTH: []}
    assert RETURN_START == date(2025, 9, 1) and DISAPPEARS_MONTH == date(2025, 8, 1)
    for month, report in nightlies.items():
        for person in people.values():  # nobody starts nor leaves in these months
            assert person.start.replace(day=1) != month and (person.end is None or person.end.replace(day=1) != month)
        [company] = report.as_dict()["companies"]
        assert company["months"] == [f"{month:%Y-%m}"]
        assert sorted((m["movement"], m["matricule"], m["contract"], m["date"]) for m in company["movements"]) == \
            sorted((kind, who, ref, f"{day}") for kind, who, ref, day in expected[month])
        page = render_report_html(report)
        part = page[page.index("<h3>Mouvements d'affiliation"):page.index("<h3>Affiliations en anomalie")]
        assert f"({month:%m/%Y})" in part
        rows = re.findall(r'<tr><th scope="row"[^>]*>(.*?)</tr>', part, re.S)
        if not expected[month]:
            assert "Aucun mouvement" in part
        assert len(rows) == len(expected[month]) and all(
            sum(str(escape(kind)) in row and who in row and ref in row for row in rows) == 1
            for kind, who, ref, _ in expected[month])


def test_nightly_report_lists_the_affiliations_in_anomaly(history, nightlies):
    assert nightlies[OPTION_CHANGE_MONTH].as_dict()["companies"][0]["affiliation_anomalies"] == []
    report = nightlies[DISAPPEARS_MONTH]
    [company] = report.as_dict()["companies"]
    # the santé affiliation no longer declared while the employee stays (DSN-AFF-01)
    assert [(a["matricule"], a["contract"], a["status"], a["anomalies"]) for a in
            company["affiliation_anomalies"]] == [(history.people["disappears"].matricule, history.santé.reference,
                                                   "anomalie", ["DSN-AFF-01"])]
    assert all(a["nir"] != history.people["disappears"].nir for a in company["affiliation_anomalies"])
    page = render_report_html(report)
    part = page[page.index("<h3>Affiliations en anomalie"):]
    assert history.people["disappears"].matricule in part and "DSN-AFF-01" in part
