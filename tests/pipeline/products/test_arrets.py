"""The arrêts product on the generated 14-month history, on DuckDB and PostgreSQL: every field compared with
the generator's inputs (dsn_parser.generator.history_arrets), recompute idempotent and repairing, and the same
product whatever the ingest order."""
from __future__ import annotations

import random
import secrets
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

import pipeline.products as products
from dsn_parser.generator.history_arrets import (CORRECTED_MONTH, MISSING_MONTH, OTHER_INCOME, OTHER_INCOME_MONTH,
                                                 arret_history)
from dsn_parser.generator.payroll import affiliations, pay_month
from dsn_parser.generator.usage import forbidden
from dsn_parser.generator.values import add_months, month_end
from pipeline.ingest import ingest_path, store_engine
from pipeline.products import arrets, arrets_salary
from pipeline.products.arrets_salary import MissingPmss, pmss
from pipeline.store.schema_arrets import arret_affiliations, arret_salary
from pipeline.store.schema_arrets import arrets as arrets_table
from tests.pipeline.conftest import PG_HOST, PG_PORT, _empty_postgres

PMSS = {2023: Decimal("3666"), 2024: Decimal("3864"), 2025: Decimal("3925")}
RECEIVED = datetime(2025, 3, 10, 8)


@pytest.fixture(scope="module")
def history():
    return arret_history()


def nightly_repairs(url: str, history) -> int:
    """Rows a full recompute (the nightly's, as of today like the ingests) would write; rolled back."""
    with store_engine(url).connect() as conn:
        transaction = conn.begin()
        try:
            return arrets.recompute(conn, [history.company.company.siren], date.today())
        finally:
            transaction.rollback()


def ingest_history(history, url: str, folder: Path, order: list[str] | None = None,
                   check_each: bool = False) -> None:
    """Ingest the history's files (in ``order`` when given); each file keeps its own reception time, one hour
    apart in declaration order. Only this product is recomputed (the others are tested on their own), by each
    ingest for what it touched; ``check_each``: after each ingest, a full recompute repairs nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    names = list(history.files)
    received = {name: RECEIVED + timedelta(hours=i) for i, name in enumerate(names)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(products, "available_products", lambda: ["arrets"])
        for name in order or names:
            path = folder / name
            path.write_bytes(history.files[name])
            assert ingest_path(path, url, archive_root=folder / "archive", received_at=received[name]).status \
                == "loaded"
            if check_each:
                assert (name, nightly_repairs(url, history)) == (name, 0)


@contextmanager
def fresh_store(like: str, folder: Path, request):
    """A new empty store on the engine of ``like``: a DuckDB file, or a PostgreSQL database dropped after."""
    if like.startswith("duckdb"):
        yield f"duckdb:///{folder / 'fresh.duckdb'}"
        return
    admin_user = request.getfixturevalue("pg_admin")
    name = f"dsn_arrets_{secrets.token_hex(4)}"
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=admin_user, dbname="test", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"postgresql+psycopg://{admin_user}@{PG_HOST}:{PG_PORT}/{name}"
    try:
        yield url
    finally:
        store_engine(url).dispose()
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=admin_user, dbname="test", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stored(request, history, tmp_path_factory):
    """The history ingested once per engine (the module's tests only read it, or restore what they change)."""
    folder = tmp_path_factory.mktemp(f"arrets_{request.param}")
    if request.param == "duckdb":
        url = f"duckdb:///{folder / 'store.duckdb'}"
    else:
        url = request.getfixturevalue("pg_url")
        _empty_postgres(url)
    ingest_history(history, url, folder)
    return url


def _by_matricule(records) -> dict:
    return {r.employee.matricule: r for r in records}


def expected_arrets(history) -> dict[str, dict]:
    """Matricule → the arrêt facts the generator declared (scenario employee: its prolonged version)."""
    out = {}
    for month in history.stored_months:
        for e in history.employees_in(month):
            if e.arret is None or not e.present(month) or not e.arret.overlaps(month):
                continue
            name = f"mensuelle_{month:%Y%m}{'_annule_remplace' if month == CORRECTED_MONTH else ''}.dsn"
            fact = out.setdefault(e.matricule, {"employee": e, "files": [], "last": month})
            fact.update(employee=e, last=month)
            fact["files"].append(name)
    return out


def test_one_arret_per_employee_day_and_motif_with_the_declared_facts(stored, history):
    engine = store_engine(stored)
    with engine.connect() as conn:
        found = _by_matricule(arrets.list_arrets(conn))
    wanted = expected_arrets(history)
    assert set(found) == set(wanted)
    company = history.company.company
    for matricule, fact in wanted.items():
        e, record = fact["employee"], found[matricule]
        data = record.as_dict(unmask=True)
        resume = e.arret.resume if e.arret.resume and e.arret.resume <= month_end(fact["last"]) else None
        assert data["siren"] == company.siren
        assert data["siret"] == company.establishments[e.establishment].siret
        assert data["employee"] == {"matricule": e.matricule, "nir": e.nir, "nom": e.last_name,
                                    "prenoms": e.first_names, "birth_date": e.birth_date.isoformat()}
        assert data["contract"] == {"number": e.contract_no, "start": e.start.isoformat(),
                                    "statut_conventionnel": e.statut_conv, "statut_categoriel": e.statut,
                                    "nature": e.nature, "quotite_reference": "151.67", "quotite": f"{e.hours:.2f}"}
        assert data["motif"] == e.arret.motif
        assert data["last_day_worked"] == e.arret.last_day_worked.isoformat()
        assert data["start"] == (e.arret.last_day_worked + timedelta(days=1)).isoformat()
        assert data["planned_end"] == e.arret.expected_end.isoformat()
        declared = "S21.G00.60.012" not in forbidden(company.norm, "01", "01")  # the last carrier: a mensuelle
        assert data["accident_date"] == (e.arret.last_day_worked.isoformat()
                                         if declared and e.arret.motif in ("04", "05", "06") else None)
        first_day = e.arret.last_day_worked + timedelta(days=1)
        assert data["subrogation"] == (
            {"flag": True, "start": first_day.isoformat(), "end": e.arret.expected_end.isoformat(),
             "iban": company.iban, "bic": company.bic} if e.arret.subrogation else
            {"flag": False, "start": None, "end": None, "iban": None, "bic": None})
        start = first_day
        months = (start.year - e.start.year) * 12 + start.month - e.start.month - (start.day < e.start.day)
        assert (data["seniority_days"], data["seniority_months"]) == ((start - e.start).days, months)
        if matricule == history.employee.matricule:
            assert data["declared_in"] == ["signalement_04_arret.dsn", fact["files"][0],
                                           "signalement_05_reprise.dsn", fact["files"][1]]
            assert data["reprise"] == {"date": e.arret.resume.isoformat(), "motif": "01",
                                       "source": "signalement 05"}
        else:
            assert data["declared_in"] == fact["files"]
            assert data["reprise"] == (None if resume is None else
                                       {"date": resume.isoformat(), "motif": "01", "source": "mensuelle"})
        assert data["status"] == ("clos" if data["reprise"] else "à compléter")
        assert len(data["submissions"]) == len(data["declared_in"])


def test_personal_fields_are_masked_unless_asked(stored, history):
    with store_engine(stored).connect() as conn:
        record = _by_matricule(arrets.list_arrets(conn))[history.employee.matricule]
    masked = record.as_dict()
    nir = masked["employee"]["nir"]
    assert nir != history.employee.nir and nir[:3] == history.employee.nir[:3]
    assert masked["employee"]["nom"] != history.employee.last_name
    assert masked["subrogation"]["iban"] != history.company.company.iban
    assert masked["employee"]["matricule"] == history.employee.matricule


def test_filters_and_as_of(stored, history):
    e = history.prolonged
    with store_engine(stored).connect() as conn:
        every = arrets.list_arrets(conn)
        mine = arrets.list_arrets(conn, employee=e.matricule)
        before_reprise = arrets.list_arrets(conn, employee=e.matricule, as_of=e.arret.resume - timedelta(days=1))
        before_start = arrets.list_arrets(conn, employee=e.matricule, as_of=e.arret.last_day_worked)
        closed = arrets.list_arrets(conn, status="clos")
        in_2024 = arrets.list_arrets(conn, period=(date(2024, 1, 1), date(2024, 12, 31)))
        other = arrets.list_arrets(conn, siren="000000000")
    assert [r.employee.matricule for r in mine] == [e.matricule]
    assert before_reprise[0].reprise is None and before_reprise[0].status == "à compléter"
    assert before_start == []
    assert {r.arret_id for r in closed} == {r.arret_id for r in every if r.reprise is not None}
    assert all(r.start.year == 2024 for r in in_2024) and in_2024
    assert other == []


def test_show_gives_twelve_salary_lines_from_the_current_mensuelles(stored, history):
    e = history.employee
    company = history.company.company
    with store_engine(stored).connect() as conn:
        arret_id = _by_matricule(arrets.list_arrets(conn))[e.matricule].arret_id
        detail = arrets.get_arret(conn, arret_id)
        assert arrets.get_arret(conn, "0" * 32) is None
    data = detail.as_dict(unmask=True)
    start = e.arret.last_day_worked + timedelta(days=1)
    months = [add_months(date(start.year, start.month, 1), -n) for n in range(12, 0, -1)]
    assert [line["month"] for line in data["salary_history"]] == [f"{m:%Y-%m}" for m in months]
    totals = {"gross": Decimal(0), "primes": Decimal(0), "A": Decimal(0), "B": Decimal(0), "C": Decimal(0)}
    for month, line in zip(months, data["salary_history"]):
        ceiling = PMSS[month.year]
        assert line["pmss"] == f"{ceiling:.2f}"
        if month == MISSING_MONTH:
            assert line == {"month": f"{month:%Y-%m}", "source_file": None, "source_submission": None,
                            "missing": True, "gross": {}, "primes": [], "other_income": [], "composants": {},
                            "net_taxable": None,
                            "net_paid": None, "pmss": f"{ceiling:.2f}", "tranches": None}
            continue
        who = history.corrected if month == CORRECTED_MONTH else e
        pay = pay_month(who, company.referential, month)
        suffix = "_annule_remplace" if month == CORRECTED_MONTH else ""
        assert line["source_file"] == f"mensuelle_{month:%Y%m}{suffix}.dsn"
        assert line["missing"] is False
        assert line["gross"] == {"001": f"{pay.gross:.2f}", "002": f"{pay.gross:.2f}", "003": f"{pay.gross:.2f}",
                                 "010": f"{pay.base:.2f}"}
        assert line["primes"] == ([{"type": "026", "amount": f"{pay.prime:.2f}", "start": month.isoformat(),
                                    "end": month_end(month).isoformat()}] if pay.prime else [])
        period = {"start": month.isoformat(), "end": month_end(month).isoformat()}
        others = [{"type": "93", "amount": f"{pay.employer_prevoyance:.2f}", **period}] \
            if pay.employer_prevoyance else []
        if month == OTHER_INCOME_MONTH:
            others.append({"type": OTHER_INCOME[0], "amount": f"{OTHER_INCOME[1]:.2f}", **period})
        assert line["other_income"] == sorted(others, key=lambda x: x["type"])
        composants: dict = {}
        for oc in pay.oc:
            kinds = composants.setdefault(oc.affiliation.contract.reference, {})
            for code, value in oc.composants:
                kinds[code] = kinds.get(code, Decimal(0)) + value
        assert line["composants"] == {ref: {k: f"{v:.2f}" for k, v in sorted(kinds.items())}
                                      for ref, kinds in sorted(composants.items())}
        assert (line["net_taxable"], line["net_paid"]) == (f"{pay.net_fiscal:.2f}", f"{pay.net_paid:.2f}")
        a, b = min(pay.gross, ceiling), min(max(pay.gross - ceiling, 0), 3 * ceiling)
        c = min(max(pay.gross - 4 * ceiling, 0), 4 * ceiling)
        assert line["tranches"] == {"A": f"{a:.2f}", "B": f"{b:.2f}", "C": f"{c:.2f}"}
        for key, value in (("gross", pay.gross), ("primes", pay.prime), ("A", a), ("B", b), ("C", c)):
            totals[key] += value
    assert history.corrected.salary != e.salary  # the correction is inside the window
    reference = data["reference_salary"]
    assert reference["months_declared"] == 11 and reference["months_missing"] == [f"{MISSING_MONTH:%Y-%m}"]
    assert reference["gross"] == f"{totals['gross']:.2f}"
    assert reference["gross_average"] == f"{totals['gross'] / 11:.2f}"
    assert reference["primes"] == f"{totals['primes']:.2f}"
    assert reference["tranches"] == {k: f"{totals[k]:.2f}" for k in "ABC"}
    expected_affiliations = sorted(
        (a.contract.reference, company.referential.organisme.code, a.option.code, a.population.code)
        for a in affiliations(history.prolonged, company.referential, date(start.year, start.month, 1)))
    assert sorted(tuple(x.values()) for x in data["affiliations"]) == expected_affiliations


def test_recompute_of_an_intact_store_writes_nothing_and_repairs_drift(stored, history):
    engine = store_engine(stored)
    a = arrets_table.c
    sirens = [history.company.company.siren]
    tables = (arrets_table, arret_affiliations, arret_salary)

    def content():
        with engine.connect() as conn:
            return [sorted(tuple(r) for r in conn.execute(sa.select(t))) for t in tables]

    before = content()
    assert nightly_repairs(stored, history) == 0  # the ingests' incremental recomputes left nothing to repair
    # arret_id digests the keyed NIR lookup (a key per store), so pick by content, not by position: one arrêt with
    # affiliations to delete, another with gross salary lines to alter
    with_gross = sorted({r[0] for r in before[2] if r[5] == "gross"})
    second = with_gross[0]
    first = next(r[0] for r in before[0] if r[0] != second and any(x[0] == r[0] for x in before[1]))
    with engine.begin() as conn:
        conn.execute(arrets_table.delete().where(a.arret_id == first))
        conn.execute(arrets_table.update().where(a.arret_id == second).values(planned_end=date(2030, 1, 1)))
        lost = conn.execute(arret_affiliations.delete().where(arret_affiliations.c.arret_id == first)).rowcount
        conn.execute(arret_salary.delete().where(arret_salary.c.arret_id == second, arret_salary.c.item == "gross"))
        gross = sum(1 for r in before[2] if r[0] == second and r[5] == "gross")
    assert lost and gross
    with engine.begin() as conn:  # one arrêt inserted, one replaced, their lines back
        assert arrets.recompute(conn, sirens, date.today()) == 3 + lost + gross
    assert content() == before


def test_run_summary_counts_the_arrets(stored, history):
    wanted = expected_arrets(history)
    with store_engine(stored).connect() as conn:
        lines = arrets.run_summary(conn)
        closed = sum(1 for r in arrets.list_arrets(conn) if r.reprise is not None)
    # each ingest checks as of its own day (today): the open arrêts whose planned end has passed
    overdue = sum(1 for f in wanted.values() if f["employee"].arret.expected_end < date.today()
                  and not (f["employee"].arret.resume and f["employee"].arret.resume <= month_end(f["last"])))
    assert lines == [f"arrêts de travail : {len(wanted)} ({len(wanted) - closed} sans reprise déclarée, "
                     f"{closed} avec reprise)"] + ([f"anomalies de suivi des arrêts : DSN-ARR-02 × {overdue}"]
                                                   if overdue else [])


def test_shuffled_ingest_orders_give_the_same_product_incrementally(stored, history, tmp_path, request):
    """Each ingest recomputes only what it touched; after each one a full recompute repairs nothing, and the
    product ends as with the files in order (a different order per engine)."""
    order = list(history.files)
    random.Random(10 if stored.startswith("duckdb") else 11).shuffle(order)
    assert order != list(history.files)

    def product(url):
        with store_engine(url).connect() as conn:
            listed = [r.as_dict(unmask=True) for r in arrets.list_arrets(conn)]
            shown = [arrets.get_arret(conn, r["arret_id"]).as_dict(unmask=True) for r in listed]
        for data in listed + shown:
            data.pop("submissions")
            for line in data.get("salary_history", []):
                line.pop("source_submission")
        return listed, shown

    with fresh_store(stored, tmp_path, request) as url:
        ingest_history(history, url, tmp_path / "files", order, check_each=True)
        assert product(url) == product(stored)


def test_pmss_table_and_a_missing_year():
    assert [pmss(date(year, 6, 1)) for year in (2022, 2023, 2024, 2025, 2026)] == [
        Decimal("3428"), Decimal("3666"), Decimal("3864"), Decimal("3925"), Decimal("4005")]
    with pytest.raises(MissingPmss, match="2019"):
        pmss(date(2019, 1, 1))


def test_cli_list_show_and_export(stored, history, tmp_path, capsys):
    import json

    from openpyxl import load_workbook

    from pipeline.cli import main

    e = history.prolonged
    wanted = expected_arrets(history)
    assert main(["arrets", "list", "--db", stored, "--format", "json", "--unmask"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(r["employee"]["matricule"] for r in listed) == sorted(wanted)
    mine = next(r for r in listed if r["employee"]["matricule"] == e.matricule)
    assert mine["employee"]["nir"] == e.nir and mine["planned_end"] == e.arret.expected_end.isoformat()
    assert main(["arrets", "list", "--db", stored, "--status", "à compléter"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[-1] == f"{sum(1 for r in listed if r['reprise'] is None)} arrêt(s)"
    assert e.nir not in text

    assert main(["arrets", "show", mine["arret_id"], "--db", stored, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert len(shown["salary_history"]) == 12
    assert [m["month"] for m in shown["salary_history"] if m["missing"]] == [f"{MISSING_MONTH:%Y-%m}"]
    assert shown["employee"]["nir"] != e.nir
    assert main(["arrets", "show", mine["arret_id"], "--db", stored]) == 0
    text = capsys.readouterr().out
    assert f"{MISSING_MONTH:%Y-%m}  manquant" in text
    income = next(line for line in text.splitlines() if line.startswith(f"  {OTHER_INCOME_MONTH:%Y-%m}"))
    assert f"autres revenus bruts : {OTHER_INCOME[0]} {OTHER_INCOME[1]:.2f}, 93 " in income

    siren = history.company.company.siren
    assert main(["arrets", "list", "--db", stored, "--siren", siren, "--as-of",
                 (e.arret.resume - timedelta(days=1)).isoformat(), "--format", "json"]) == 0
    before_reprise = json.loads(capsys.readouterr().out)
    mine_then = next(r for r in before_reprise if r["arret_id"] == mine["arret_id"])
    assert mine_then["reprise"] is None and mine_then["status"] == "à compléter"
    assert all(r["start"] < e.arret.resume.isoformat() for r in before_reprise)
    assert main(["arrets", "list", "--db", stored, "--siren", "000000000", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []

    out = tmp_path / "arrets.xlsx"
    assert main(["arrets", "export", "--db", stored, "--output", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["arrets", "salaires"]
    assert book["arrets"].max_row == len(wanted) + 1 and book["salaires"].max_row == 12 * len(wanted) + 1
    assert book["arrets"].freeze_panes == "A2"
    salaries = list(book["salaires"].iter_rows(values_only=True))
    header = salaries[0]
    month = next(dict(zip(header, row)) for row in salaries[1:]
                 if row[0] == mine["arret_id"] and row[2] == f"{OTHER_INCOME_MONTH:%Y-%m}")
    pay = pay_month(history.employee, history.company.company.referential, OTHER_INCOME_MONTH)
    assert Decimal(str(month["autres_revenus_bruts"])) == pay.employer_prevoyance + OTHER_INCOME[1]
    assert Decimal(str(month["brut_001"])) == pay.gross and month["manquant"] == "non"
    assert [row[4] for row in salaries[1:] if row[0] == mine["arret_id"]].count("oui") == 1
    assert main(["arrets", "export", "--db", stored, "--output", str(tmp_path / "a.csv")]) == 0
    assert (tmp_path / "a_salaires.csv").read_text(encoding="utf-8-sig").count("\n") == 12 * len(wanted) + 1
    capsys.readouterr()

    assert main(["arrets", "show", "inconnu", "--db", stored]) == 2
    assert "arrêt inconnu" in capsys.readouterr().err
    with pytest.MonkeyPatch.context() as patch:  # a PMSS table without the window's year 2024
        patch.setattr(arrets_salary, "pmss_table", lambda: {2025: Decimal("3925")})
        assert main(["arrets", "show", mine["arret_id"], "--db", stored]) == 2
        err = capsys.readouterr().err
        assert "PMSS de l'année 2024 absent" in err and "Traceback" not in err and len(err.splitlines()) == 1
        assert main(["arrets", "export", "--db", stored, "--output", str(tmp_path / "b.csv")]) == 2
        err = capsys.readouterr().err  # the first arrêt's window, in 2023
        assert err.startswith("dsn arrets export : ") and "PMSS de l'année 2023 absent" in err
    assert main(["arrets", "list", "--db", stored, "--format", "csv"]) == 2
    assert "--output" in capsys.readouterr().err
