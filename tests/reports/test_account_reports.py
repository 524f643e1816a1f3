"""The company report's payment gaps and the nightly report's debit balances and dunning steps, over the scripted
contribution history (tests.pipeline.products.history_cotisations: a short payment regularised later, an
annule-et-remplace raising a declared amount, an unpaid quarter), against figures from the generator's inputs
(DuckDB: the account itself is tested on both engines in tests/pipeline/products)."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dsn_parser.generator.monthly import file_date
from pipeline.cli import main
from pipeline.ingest import store_engine
from reports.model import euros, render_report_html
from reports.nightly import nightly_report
from tests.pipeline.conftest import validation_rules_off
from tests.pipeline.products import history_cotisations as H
from tests.pipeline.products.test_cotisations_truth import Truth, history, ingest_history  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def url(history, tmp_path_factory):
    """The history stored once (rules off, only the contribution account recomputed)."""
    folder = tmp_path_factory.mktemp("account_reports")
    url = f"duckdb:///{folder / 'store.duckdb'}"
    with validation_rules_off(), pytest.MonkeyPatch.context() as patch:
        patch.setattr("pipeline.products.available_products", lambda: ["cotisations"])
        ingest_history(history, url, folder)
    store_engine(url).dispose()
    return url


def test_company_report_lists_the_payment_gaps(history, url, tmp_path, capsys):
    truth = Truth(history)
    siren = history.generated.company.siren
    expected = []
    for contract in (truth.monthly, truth.quarterly):
        for period in truth.periods(contract):
            declared = sum(truth.declared[(contract.reference, m)] for m in truth.period_months(contract, period))
            paid = truth.paid.get((contract.reference, period), Decimal(0))
            if paid != declared:
                expected.append((contract.reference, period, f"{declared:.2f}", f"{paid:.2f}",
                                 f"{paid - declared:.2f}", f"{truth.due_date(contract, period)}"))
    assert [e[1] for e in expected] == [f"{H.REPLACED_MONTH:%Y}M{H.REPLACED_MONTH:%m}", H.UNPAID_PERIOD]
    out = tmp_path / "entreprise.json"
    assert main(["report", "company", "--siren", siren, "--from", "2025-01", "--to", "2026-03", "--db", url,
                 "--output", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    gaps = data["payment_gaps"]
    assert sorted((g["contract"], g["period"], g["declared"], g["paid"], g["gap"], g["due_date"]) for g in gaps) \
        == sorted(expected)
    assert {g["period"]: g["status"] for g in gaps} == {expected[0][1]: "partiellement payée",
                                                        H.UNPAID_PERIOD: "impayée"}
    assert main(["report", "company", "--siren", siren, "--from", "2025-08", "--to", "2025-08", "--db", url,
                 "--output", str(tmp_path / "aout.html")]) == 0
    page = (tmp_path / "aout.html").read_text(encoding="utf-8")
    part = page[page.index('id="paiements"'):page.index("<h3>Écarts entre déclaré")]
    rows = re.findall(r'<tr><th scope="row">(.*?)</tr>', part, re.S)
    assert len(rows) == 1 and expected[0][1] in rows[0] and euros(expected[0][4]) in rows[0]


@pytest.mark.parametrize("day, period, step", [
    (file_date(H.SHORT_MONTH) + timedelta(days=7), "2025M05", "relance"),
    (file_date(date(2026, 3, 1)), "2025M08", "résiliation")])
def test_nightly_report_lists_debit_balances_and_their_dunning_step(history, url, day, period, step):
    received = [m for m in history.months if file_date(m) <= day]
    truth = Truth(history, replaced=file_date(H.REPLACED_MONTH).replace(day=20) <= day, last_month=received[-1])
    report = nightly_report(url, day)
    [company] = report.as_dict()["companies"]
    balances = {}
    for contract in (truth.monthly, truth.quarterly):
        for p in truth.periods(contract):
            declared = sum(truth.declared[(contract.reference, m)] for m in truth.period_months(contract, p))
            balances[(contract.reference, p)] = f"{declared - truth.paid.get((contract.reference, p), 0):.2f}"
    assert {(p["contract"], p["period"]): p["balance"] for p in company["periods"]} == balances
    # only the échéances past due still owed are dunned: relance 5 days after the due date, mise en demeure
    # after 10, suspension 30 days later, résiliation 10 days after that (the legal defaults)
    owed = [(c, p) for (c, p), b in balances.items() if Decimal(b) > 0
            and truth.due_date(truth.monthly if c == truth.monthly.reference else truth.quarterly, p) + timedelta(5)
            <= day]
    [item] = company["dunning"]
    assert owed == [(truth.monthly.reference, period)]
    due_on = truth.due_date(truth.monthly, period)
    assert (item["period"], item["outstanding"], item["due_date"]) == (period, balances[owed[0]], f"{due_on}")
    offsets = {"relance": 5, "mise en demeure": 10, "suspension des garanties": 40, "résiliation": 50}
    assert (item["step"], item["step_date"]) == (step, f"{due_on + timedelta(offsets[step])}")
    assert [s["step"] for s in item["steps"]] == [s for s, n in offsets.items() if due_on + timedelta(n) <= day]
    page = render_report_html(report)
    part = page[page.index("<h3>Soldes débiteurs"):page.index("<h3>Arrêts à compléter")]
    rows = re.findall(r'<tr><th scope="row">(.*?)</tr>', part, re.S)
    assert len(rows) == 1 and period in rows[0] and f"{step} ({due_on + timedelta(offsets[step]):%d/%m/%Y})" \
        in rows[0] and euros(item["outstanding"]) in rows[0]
