"""The affiliation register and its movements, against the inputs of the generated history, on both engines.

The 16 mensuelles are ingested in a shuffled order (another one per engine): the register does not depend on it,
and after each ingest (an incremental recompute) a full recompute (the nightly run's) writes nothing.
"""
from __future__ import annotations

import json
import random
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from dsn_parser.generator.history_affiliations import (CHILD, DEPENDANT_MONTH, DISAPPEARS_MONTH, FIRST_MONTH,
                                                       OPTION_CHANGE_MONTH, PARTNER, POPULATION_SLIP_MONTH,
                                                       RETURN_START, affiliation_history)
from dsn_parser.generator.payroll import oc_amounts
from pipeline.ingest import ingest_path, store_engine
from pipeline.products import recompute_products
from pipeline.products.affiliations import movements, recompute, register
from pipeline.referentials import store_referential
from pipeline.store.schema_affiliations import affiliation_anomalies
from tests.pipeline.conftest import _empty_postgres as empty_postgres


@pytest.fixture(scope="module")
def history():
    return affiliation_history()


SHUFFLES = {"duckdb": 7, "postgresql": 11}
#: Per engine: rows a full recompute wrote after each ingest (rolled back), all 0 when incremental == full.
REPAIRS: dict[str, list[int]] = {}


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, history, tmp_path_factory):
    """The FPOC sheet, then the mensuelles in a shuffled order, once per engine for the module (the tests only
    read, or recompute an intact store); after each ingest a full recompute is tried and rolled back."""
    tmp_path = tmp_path_factory.mktemp("affiliations")
    if request.param == "duckdb":
        store_url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    else:
        store_url = request.getfixturevalue("pg_url")
        empty_postgres(store_url)
    engine = store_engine(store_url)
    sheet = tmp_path / "fpoc.xml"
    sheet.write_bytes(history.fpoc)
    with engine.begin() as conn:
        store_referential(conn, sheet)
    files = list(history.files)
    random.Random(SHUFFLES[request.param]).shuffle(files)
    REPAIRS[request.param] = []
    for n, (name, content) in enumerate(files):
        path = tmp_path / name
        path.write_bytes(content)
        result = ingest_path(path, store_url, archive_root=tmp_path / "archive",
                             received_at=datetime(2026, 5, 6, 8, n))
        assert result.status == "loaded", result
        with engine.connect() as conn:
            transaction = conn.begin()
            REPAIRS[request.param].append(recompute(conn, [history.company.company.siren], date(2026, 5, 6)))
            transaction.rollback()
    return engine


def _by(records) -> dict:
    return {(r.matricule, r.contract): r for r in records}


def _start(person, contract):
    return max(person.start, contract.start)


def test_register_statuses_and_dates(store, history):
    siren, people = history.company.company.siren, history.people
    prev, sante = history.prévoyance, history.santé
    with store.connect() as conn:
        september = _by(register(conn, siren, date(2025, 9, 15)))
        june = _by(register(conn, siren, date(2025, 6, 15)))
        april = _by(register(conn, siren, date(2025, 4, 15)))
        end_2026 = _by(register(conn, siren, date(2026, 4, 15)))
        after = _by(register(conn, siren, date(2026, 5, 1)))

    def rec(table, role, contract):
        return table[(people[role].matricule, contract.reference)]

    with store.connect() as conn:
        slip = _by(register(conn, siren, date(2025, 2, 20)))[(people["regular"].matricule, prev.reference)]
    assert (slip.status, slip.anomalies, slip.population) == ("anomalie", ("DSN-AFF-03",), history.slipped_population)
    for role in ("regular", "hired", "option_change", "dependant_added"):
        for contract in (prev, sante):
            r = rec(september, role, contract)
            assert (r.status, r.affiliation_start, r.affiliation_end) == ("affilié", _start(people[role], contract), None)
            assert r.population == contract.population_for(people[role].statut).code
    assert str(rec(september, "hired", sante).first_month) == "2025-03"
    assert str(rec(september, "regular", sante).last_month) == "2025-09"
    # santé option and dependants follow the declared ayants droit
    assert rec(april, "option_change", sante).option == "ISOLE"
    assert rec(september, "option_change", sante).option == "FAMILLE"
    assert rec(september, "option_change", prev).option == prev.options[0].code
    assert [d.nom for d in rec(june, "dependant_added", sante).ayants_droit] == [PARTNER.last_name]
    assert [(d.type, d.date_naissance) for d in rec(september, "dependant_added", sante).ayants_droit] == [
        (PARTNER.kind, PARTNER.birth_date), (CHILD.kind, CHILD.birth_date)]
    # an 11-month contract: 11 months of portabilité from the day after its end
    p11 = people["portability_11"]
    assert rec(september, "portability_11", sante).status == "affilié"
    for contract in (prev, sante):
        r = rec(end_2026, "portability_11", contract)
        assert (r.status, r.exit_date, r.exit_motif, r.affiliation_end, r.portabilite_end) == (
            "portabilité", p11.end, "043", p11.end, date(2026, 11, 14))
    # a 20-month contract: 12 months at most
    p20 = people["portability_20"]
    for contract in (prev, sante):
        assert (rec(september, "portability_20", contract).status,
                rec(september, "portability_20", contract).portabilite_end) == ("portabilité", date(2026, 4, 30))
        assert rec(end_2026, "portability_20", contract).status == "portabilité"
        assert rec(after, "portability_20", contract).status == "radié"
        assert rec(after, "portability_20", contract).affiliation_end == p20.end
    # démission: no portabilité; no 70.015 declared: santé to the end of the month, prévoyance to the end date
    resigns = people["resigns"]
    assert rec(september, "resigns", prev).affiliation_end == resigns.end
    assert rec(september, "resigns", sante).affiliation_end == date(2025, 6, 30)
    for contract in (prev, sante):
        r = rec(september, "resigns", contract)
        assert (r.status, r.exit_date, r.exit_motif, r.portabilite_end) == ("radié", resigns.end, "059", None)
    assert rec(june, "resigns", sante).status == "affilié"
    # the santé affiliation disappears while he stays: anomalie, never a silent radiation
    gone = rec(september, "disappears", sante)
    assert (gone.status, gone.anomalies, gone.affiliation_end) == ("anomalie", ("DSN-AFF-01",), None)
    assert gone.last_month == date(DISAPPEARS_MONTH.year, DISAPPEARS_MONTH.month - 1, 1)
    assert rec(september, "disappears", prev).status == "affilié"
    # matches the prévoyance population, never affiliated
    missing = rec(september, "unaffiliated", prev)
    assert (missing.status, missing.population, missing.first_month) == (
        "à affilier", prev.population_for(people["unaffiliated"].statut).code, None)
    assert rec(september, "unaffiliated", sante).status == "affilié"
    # a 10-month contract: 10 months of portabilité as long as no later DSN shows him back at work…
    first = people["returns"]
    assert (rec(june, "returns", sante).status, rec(june, "returns", sante).portabilite_end) == (
        "portabilité", date(2026, 1, 31))
    back = rec(september, "returns", sante)
    assert (back.status, back.affiliation_start, back.exit_date) == ("affilié", RETURN_START, None)
    assert rec(april, "returns", prev).exit_date == first.end
    assert len(september) == 2 * len(people)


def test_incremental_recompute_after_each_ingest_equals_the_full_one(store, history):
    repairs = REPAIRS[store.dialect.name]
    assert len(repairs) == len(history.files)
    assert repairs == [0] * len(history.files)


def test_guarantee_and_contribution_of_the_option(store, history):
    """The last declared 059 of each affiliation and the referential's rates and flat amount (generator inputs)."""
    siren, referential = history.company.company.siren, history.company.referential
    september = date(2025, 9, 1)
    with store.connect() as conn:
        found = _by(register(conn, siren, date(2025, 9, 15)))
    people = dict(zip(history.people, history.roster(september)))
    checked = 0
    for role, person in people.items():
        for contract in (history.prévoyance, history.santé):
            record = found[(person.matricule, contract.reference)]
            assert record.guarantee == ("santé" if contract is history.santé else "prévoyance")
            if record.status == "à affilier":
                assert record.contribution is None
                continue
            month = date(record.last_month.year, record.last_month.month, 1)
            declared_as = next(e for e in history.roster(month) if e.nir == person.nir)
            population = contract.population_for(declared_as.statut)
            option = next(o for o in contract.options if o.code == record.option)
            expected = contract.expected_composants(option, population)
            paid = record.contribution
            assert paid.as_dict() == {
                "month": f"{month:%Y-%m}",
                "amount": f"{oc_amounts(declared_as, referential, month)[contract.reference]:.2f}",
                "declared_rate": f"{population.rate:.2f}",
                "rates": [{"type": c.code, "rate": f"{c.rate:.2f}"} for c in expected if c.rate is not None],
                "flat_amount": f"{option.flat_amount:.2f}" if option.flat_amount is not None else None}
            checked += 1
    assert checked == 2 * len(people) - 1


def test_movements_of_every_month(store, history):
    siren, people = history.company.company.siren, history.people
    prev, sante = history.prévoyance, history.santé
    jan = date(2025, 1, 1)
    expected = set()
    for role, person in people.items():
        for contract in (prev, sante):
            if role == "unaffiliated" and contract is prev:
                continue
            month = max(jan, person.start.replace(day=1))
            expected.add((month, "entrée", person.matricule, contract.reference, _start(person, contract)))
            if person.end is not None:
                month = person.end.replace(day=1)
                expected.add((month, "sortie", person.matricule, contract.reference, person.end))
                if person.end_motif != "059":
                    expected.add((month, "début de portabilité", person.matricule, contract.reference,
                                  date.fromordinal(person.end.toordinal() + 1)))
            if role == "returns":
                expected.add((RETURN_START, "entrée", person.matricule, contract.reference, RETURN_START))
                expected.add((date(2025, 8, 1), "fin de portabilité", person.matricule, contract.reference,
                              date(2025, 8, 31)))
            if role == "portability_20":
                expected.add((date(2026, 4, 1), "fin de portabilité", person.matricule, contract.reference,
                              date(2026, 4, 30)))
    expected |= {
        (OPTION_CHANGE_MONTH, "changement d'option", people["option_change"].matricule, sante.reference,
         OPTION_CHANGE_MONTH),
        (OPTION_CHANGE_MONTH, "ayant droit ajouté", people["option_change"].matricule, sante.reference,
         OPTION_CHANGE_MONTH),
        (DEPENDANT_MONTH, "ayant droit ajouté", people["dependant_added"].matricule, sante.reference,
         DEPENDANT_MONTH),
        (POPULATION_SLIP_MONTH, "changement de population", people["regular"].matricule, prev.reference,
         POPULATION_SLIP_MONTH),
        (date(2025, 3, 1), "changement de population", people["regular"].matricule, prev.reference,
         date(2025, 3, 1))}
    found = set()
    with store.connect() as conn:
        for month in history.months:
            for mv in movements(conn, siren, month):
                assert mv.as_dict()["month"] == f"{month:%Y-%m}"
                found.add((month, mv.movement, mv.matricule, mv.contract, mv.date))
        assert {m.matricule for m in movements(conn, siren, OPTION_CHANGE_MONTH, contract=prev.reference)} == set()
    assert found == expected


def test_anomalies_stored_and_recompute_of_an_intact_store_writes_nothing(store, history):
    people, sante = history.people, history.santé
    a = affiliation_anomalies.c
    with store.begin() as conn:
        rows = conn.execute(sa.select(a.code, a.family, a.employee, a.contract, a.month, a.value)
                            .order_by(a.code)).all()
        assert [tuple(r[:5]) for r in rows] == [
            ("DSN-AFF-01", "DSN", people["disappears"].matricule, sante.reference, DISAPPEARS_MONTH),
            ("DSN-AFF-03", "DSN", people["regular"].matricule, history.prévoyance.reference, POPULATION_SLIP_MONTH)]
        assert rows[1].value == history.slipped_population
        changes = recompute_products(conn, [history.company.company.siren], date(2026, 5, 6))
        assert changes.rows["affiliations"] == 0


def test_json_masks_personal_data_unless_unmasked(store, history):
    person = history.people["regular"]
    with store.connect() as conn:
        record = _by(register(conn, history.company.company.siren, date(2025, 9, 15),
                              contract=history.santé.reference))[(person.matricule, history.santé.reference)]
    masked, clear = record.as_dict(), record.as_dict(unmask=True)
    assert clear["nir"] == person.nir and masked["nir"] != person.nir
    assert clear["nom"] == person.last_name and masked["nom"] != person.last_name
    assert masked["affiliation_start"] == _start(person, history.santé).isoformat()
    assert set(masked) >= {"matricule", "nir", "nom", "contract", "organisme", "option", "population",
                           "affiliation_start", "affiliation_end", "first_month", "last_month", "status",
                           "exit_date", "exit_motif", "portabilite_end", "dependants"}


def _cli(store, capsys, *argv) -> tuple[int, str]:
    from pipeline.cli import main

    store.dispose()  # DuckDB: one writer per file; the command opens its own engine
    status = main(["affiliations", *argv, "--db", store.url.render_as_string(hide_password=False)])
    return status, capsys.readouterr().out


def test_cli_list_json_movements_and_bad_input(store, history, capsys):
    siren, people = history.company.company.siren, history.people
    status, out = _cli(store, capsys, "list", "--siren", siren, "--as-of", "2025-09-15", "--format", "json")
    assert status == 0
    found = {(r["matricule"], r["contract"]): r for r in json.loads(out)}
    resigns = found[(people["resigns"].matricule, history.santé.reference)]
    assert (resigns["status"], resigns["affiliation_end"], resigns["exit_motif"]) == ("radié", "2025-06-30", "059")
    assert resigns["nir"] != people["resigns"].nir
    assert [r["status"] for r in found.values()].count("à affilier") == 1
    status, out = _cli(store, capsys, "show", people["regular"].matricule, "--siren", siren, "--as-of",
                       "2025-09-15", "--format", "json", "--unmask")
    shown = json.loads(out)
    assert {r["nir"] for r in shown} == {people["regular"].nir}
    september = date(2025, 9, 1)
    assert [len(r["declarations"]) for r in shown] == [(september.month - FIRST_MONTH.month) + 1] * 2
    assert all(len(r["declarations"]) == 0 for r in found.values())  # list: not carried
    status, out = _cli(store, capsys, "list", "--siren", siren, "--as-of", "2025-09-15", "--format", "json",
                       "--contract", history.santé.reference)
    assert {r["contract"] for r in json.loads(out)} == {history.santé.reference}
    assert _cli(store, capsys, "show", "INCONNU", "--siren", siren)[0] == 2
    status, out = _cli(store, capsys, "movements", "--siren", siren, "--month", f"{OPTION_CHANGE_MONTH:%Y-%m}",
                       "--format", "json")
    assert [(m["movement"], m["matricule"], m["date"]) for m in json.loads(out)] == [
        ("changement d'option", people["option_change"].matricule, OPTION_CHANGE_MONTH.isoformat()),
        ("ayant droit ajouté", people["option_change"].matricule, OPTION_CHANGE_MONTH.isoformat())]
    assert _cli(store, capsys, "movements", "--siren", siren, "--month", "2025-13")[0] == 2
    assert _cli(store, capsys, "list", "--siren", siren, "--as-of", "15/09/2025")[0] == 2
    assert _cli(store, capsys, "list", "--siren", siren, "--format", "csv")[0] == 2  # csv needs --output
    assert _cli(store, capsys, "list", "--siren", "12345")[0] == 2


def test_cli_csv_and_movements_workbook(store, history, capsys, tmp_path):
    from openpyxl import load_workbook

    siren, people = history.company.company.siren, history.people
    path = tmp_path / "affiliations.csv"
    status, _ = _cli(store, capsys, "list", "--siren", siren, "--as-of", "2025-09-15", "--format", "csv",
                     "--output", str(path))
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert status == 0 and len(lines) == 1 + 2 * len(people)
    assert lines[0].split(";")[:4] == ["Matricule", "NIR", "Nom", "Contrat"]
    assert people["regular"].nir not in path.read_text(encoding="utf-8-sig")
    book_path = tmp_path / "movements.xlsx"
    status, _ = _cli(store, capsys, "movements", "--siren", siren, "--month", f"{DEPENDANT_MONTH:%Y-%m}",
                     "--format", "xlsx", "--output", str(book_path))
    rows = list(load_workbook(book_path)["Mouvements"].iter_rows(min_row=2, values_only=True))
    assert status == 0 and [(r[1], r[2]) for r in rows] == [("ayant droit ajouté", people["dependant_added"].matricule)]


def test_cli_export_workbook(store, history, capsys, tmp_path):
    from openpyxl import load_workbook

    september = date(2025, 9, 1)
    path = tmp_path / "affiliations.xlsx"
    status, _ = _cli(store, capsys, "export", "--siren", history.company.company.siren, "--as-of", "2025-09-15",
                     "--output", str(path))
    assert status == 0
    book = load_workbook(path)
    assert book.sheetnames == ["Affiliations", "Ayants droit"]
    sheet, dependants = book["Affiliations"], book["Ayants droit"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.max_row - 1 == 2 * len(history.people)
    header = [c.value for c in sheet[1]]
    start = header.index("Début d'affiliation")
    hired = next(row for row in sheet.iter_rows(min_row=2, values_only=True)
                 if row[0] == history.people["hired"].matricule)
    assert hired[start].date() == history.people["hired"].start
    expected = sum(len(e.dependants) for e in history.roster(september) if e.present(september))
    assert dependants.max_row - 1 == expected == 3
    # the sheets are written column by column: every row holds its own person's values, masked
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    nir, nom = header.index("NIR"), header.index("Nom")
    people = {p.matricule: p for p in history.people.values()}
    assert {(r[0], r[header.index("Contrat")]) for r in rows} == {
        (p.matricule, c.reference) for p in history.people.values() for c in (history.prévoyance, history.santé)}
    for row in rows:
        person = people[row[0]]
        assert row[nir] != person.nir
        assert row[nom] == person.last_name[0] + "*" * (len(person.last_name) - 1)
    wanted = sorted((e.matricule, d.kind, d.first_name[0], d.birth_date.year) for e in history.roster(september)
                    if e.present(september) for d in e.dependants)
    assert sorted((r[0], r[2], r[4][0], int(r[5][:4])) for r in dependants.iter_rows(min_row=2, values_only=True)) \
        == wanted


def test_run_summary_counts_per_status_as_of_today(store, history):
    from pipeline.products.affiliations import run_summary

    people, today = history.people, date.today()
    assert today > date(2026, 11, 14)  # every portabilité of the history has ended
    ended = [role for role, person in people.items() if person.end is not None and role != "returns"]
    counts = {"affilié": 2 * len(people) - 2 * len(ended) - 2, "radié": 2 * len(ended), "portabilité": 0,
              "à affilier": 1, "anomalie": 1}
    with store.connect() as conn:
        lines = run_summary(conn)
    assert lines == [f"Affiliations SIREN {history.company.company.siren} : "
                     + ", ".join(f"{n} {status}" for status, n in counts.items())]
