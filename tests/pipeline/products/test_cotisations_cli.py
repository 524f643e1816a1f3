"""``dsn cotisations account|statement|dunning`` on the scripted history (DuckDB), and its usage errors."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from tests.pipeline.products import history_cotisations as H
from pipeline.cli import main

from .test_cotisations_truth import Truth, history, ingest_history  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def db(tmp_path_factory, history):
    folder = tmp_path_factory.mktemp("cotisations")
    url = f"duckdb:///{folder / 'store.duckdb'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pipeline.products.available_products", lambda: ["cotisations"])
        ingest_history(history, url, folder)
    return url


def test_account_json_lists_each_contract_with_its_periods(db, history, capsys):
    truth = Truth(history)
    siren = history.generated.company.siren
    assert main(["cotisations", "account", "--siren", siren, "--db", db, "--format", "json",
                 "--as-of", "2026-04-30"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_contract = {c["contract"]: c for c in data}
    monthly = by_contract[truth.monthly.reference]
    assert monthly["periodicity"] == "monthly" and len(monthly["periods"]) == len(truth.months)
    first = monthly["periods"][0]
    assert first["months"] == {"2025-01": f"{truth.declared[(truth.monthly.reference, date(2025, 1, 1))]:.2f}"}
    assert set(first) >= {"period", "months", "due", "declared", "allocated", "paid", "allocated_minus_declared",
                          "paid_minus_allocated", "paid_minus_declared", "declared_minus_due", "due_date", "status"}
    assert monthly["totals"]["balance"] == f"{H.REPLACEMENT_DELTA:.2f}"
    assert by_contract[truth.quarterly.reference]["periodicity"] == "quarterly"


def test_statement_xlsx_and_dunning_text(db, history, tmp_path, capsys):
    siren = history.generated.company.siren
    out = tmp_path / "situation.xlsx"
    assert main(["cotisations", "statement", "--siren", siren, "--db", db, "--from", "2025-01", "--to", "2026-03",
                 "--as-of", "2026-04-30", "--format", "xlsx", "--output", str(out)]) == 0
    from openpyxl import load_workbook
    book = load_workbook(out)
    assert book.sheetnames[0] == "Synthèse" and len(book.sheetnames) == 3
    assert main(["cotisations", "dunning", "--siren", siren, "--db", db, "--as-of", "2025-06-12"]) == 0
    text = capsys.readouterr().out
    assert f"2025M05 : reste dû {H.SHORT:.2f}".replace(".", ",") in text and "relance du 10/06/2025" in text


@pytest.mark.parametrize("argv, argument", [
    (["--from", "2025-13"], "--from"), (["--as-of", "2025-02-30"], "--as-of"),
    (["--from", "2025-05", "--to", "2025-01"], "--to"), (["--format", "xlsx"], "--output"),
])
def test_bad_arguments_are_usage_errors(db, history, capsys, argv, argument):
    assert main(["cotisations", "account", "--siren", history.generated.company.siren, "--db", db, *argv]) == 2
    assert f"{argument} :" in capsys.readouterr().err


def test_balance_is_owed_when_nothing_is_paid(db, history, capsys):
    truth = Truth(history)
    assert main(["cotisations", "account", "--siren", history.generated.company.siren, "--db", db,
                 "--contract", truth.quarterly.reference, "--from", "2026-01", "--as-of", "2026-04-30"]) == 0
    text = capsys.readouterr().out
    unpaid = sum((truth.declared[(truth.quarterly.reference, m)] for m in truth.months if m >= date(2026, 1, 1)),
                 Decimal(0))
    assert "impayée" in text and f"solde {unpaid:,.2f} €".replace(",", " ").replace(".", ",") in text


def test_run_prints_one_balance_line_per_contract(store_url, history, tmp_path, capsys, monkeypatch):
    """``dsn run`` on the history's folder (its referential as ``fpoc_*.yaml``): one line per contract with its
    periods, declared, paid and balance (``run_summary``)."""
    monkeypatch.setattr("pipeline.products.available_products", lambda: ["cotisations"])
    folder = tmp_path / "depot"
    history.write(folder)
    (folder / "referentiel.yaml").rename(folder / "fpoc_referentiel.yaml")
    main(["run", str(folder), "--db", store_url, "--archive", str(tmp_path / "archive"),
          "--reports", str(tmp_path / "reports"), "--quiet"])
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Cotisations ")]
    truth, siren = Truth(history), history.generated.company.siren
    expected = []
    for contract in sorted((truth.monthly, truth.quarterly), key=lambda c: c.reference):
        declared = sum((v for (ref, _m), v in truth.declared.items() if ref == contract.reference), Decimal(0))
        paid = sum((v for (ref, _p), v in truth.paid.items() if ref == contract.reference), Decimal(0))
        expected.append(f"Cotisations {siren} contrat {contract.reference} : {len(truth.periods(contract))} "
                        f"période(s), déclaré {declared:.2f} €, payé {paid:.2f} €, solde {declared - paid:.2f} €")
    assert printed == expected
