"""The store products over HTTP, on both engines: each route answers exactly the CLI's JSON for the same query
(``dsn … --format json`` on the same store), in pages; filters; personal data masked unless asked by a caller
with the domain's write habilitation, each unmasked read audited; the drafts of an arrêt; the files (statement,
extraction) equal to the CLI's."""
from __future__ import annotations

import json
from dataclasses import dataclass
from io import BytesIO

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dsn_parser.generator.history_arrets import SCENARIO_INDEX, arret_history
from pipeline.api import Settings, create_app
from pipeline.cli import main
from pipeline.ingest import ingest_path, store_engine
from pipeline.portal import accounts
from pipeline.portal.habilitations import grant_company
from pipeline.portal.tokens import issue_token
from pipeline.store.schema_portal import portal_audit
from tests.pipeline.conftest import _empty_postgres, validation_rules_off
from tests.pipeline.products import history_cotisations
from tests.pipeline.products.test_cotisations_truth import ingest_history

from .conftest import PASSWORD

AS_OF = "2025-02-28"
LAST_MONTH = "2025-02"


@pytest.fixture(scope="module")
def history():
    return arret_history()


@dataclass
class Store:
    url: str
    client: TestClient
    engine: sa.Engine
    siren: str  # the arrêts history's company
    payer: str  # the contribution history's company
    headers: dict[str, dict]

    def get(self, persona: str, path: str, **params):
        return self.client.get(path, headers=self.headers[persona], params=params)

    def all_items(self, persona: str, path: str, **params) -> list:
        """Every item of a list route, fetched three at a time."""
        items, offset = [], 0
        while True:
            page = self.get(persona, path, limit=3, offset=offset, **params)
            assert page.status_code == 200, page.text
            body = page.json()
            assert body["limit"] == 3 and body["offset"] == offset and body["count"] == len(body["items"]) <= 3
            items += body["items"]
            offset += 3
            if offset >= body["total"]:
                assert len(items) == body["total"]
                return items


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, history, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"api_products_{request.param}")
    if request.param == "duckdb":
        url = f"duckdb:///{folder / 'store.duckdb'}"
    else:
        url = request.getfixturevalue("pg_url")
        _empty_postgres(url)
    contributions = history_cotisations.cotisations_history()
    with validation_rules_off():  # the products read the stored blocks, never the validator's anomalies
        for name, content in history.files.items():
            (folder / name).write_bytes(content)
            ingest_path(folder / name, url, archive_root=folder / "archive")
        ingest_history(contributions, url, folder / "cotisations")
    engine = store_engine(url)
    siren, payer = history.company.company.siren, contributions.generated.company.siren
    with engine.begin() as conn:
        users = {"admin": accounts.create_admin(conn, "admin@exemple.fr", siren, PASSWORD)}
        for persona, access in (("read", "read"), ("write", "write")):
            users[persona] = accounts.insert_account(conn, f"{persona}@exemple.fr", persona, "user", None, PASSWORD)
            for company in (siren, payer):
                grant_company(conn, None, users[persona], company, dict.fromkeys(
                    ("affiliation", "cotisation", "arret_travail"), access))
        headers = {p: {"Authorization": f"Bearer {issue_token(conn, u).access_token}"} for p, u in users.items()}
    app = create_app(Settings(db_url=url, archive_root=folder / "archive", drop_dir=folder / "drop",
                              queue_dir=folder / "queue"))
    with TestClient(app) as client:
        yield Store(url, client, engine, siren, payer, headers)
    engine.dispose()


def cli_json(capsys, *argv: str):
    assert main([*argv, "--format", "json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _audited(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(portal_audit)
                            .where(portal_audit.c.action == "données personnelles")).scalar()


def test_arrets_list_and_detail_are_the_cli_json(store, history, capsys):
    s = store.siren
    wanted = cli_json(capsys, "arrets", "list", "--db", store.url, "--siren", s, "--as-of", AS_OF)
    assert wanted and store.all_items("read", f"/v1/companies/{s}/arrets", as_of=AS_OF) == wanted
    matricule = history.company.employees[SCENARIO_INDEX].matricule
    only = store.all_items("read", f"/v1/companies/{s}/arrets", as_of=AS_OF, matricule=matricule)
    assert only == [a for a in wanted if a["employee"]["matricule"] == matricule] and len(only) == 1
    closed = store.all_items("read", f"/v1/companies/{s}/arrets", as_of=AS_OF, status="clos")
    assert closed == [a for a in wanted if a["status"] == "clos"]
    arret_id = only[0]["arret_id"]
    detail = cli_json(capsys, "arrets", "show", arret_id, "--db", store.url, "--as-of", AS_OF)
    got = store.get("read", f"/v1/arrets/{arret_id}", as_of=AS_OF)
    assert got.status_code == 200 and got.json() == detail and len(detail["salary_history"]) == 12
    assert store.get("read", "/v1/arrets/inconnu").json()["error"] == "arret_inconnu"


def test_personal_data_needs_the_write_habilitation_and_is_audited(store, history, capsys):
    s, employee = store.siren, history.company.employees[SCENARIO_INDEX]
    listed = store.get("read", f"/v1/companies/{s}/arrets", as_of=AS_OF, matricule=employee.matricule).json()
    assert employee.nir not in json.dumps(listed) and employee.last_name not in json.dumps(listed)
    before = _audited(store)
    refused = store.get("read", f"/v1/companies/{s}/arrets", as_of=AS_OF, unmask="true")
    assert refused.status_code == 403 and refused.json()["error"] == "habilitation_manquante"
    assert _audited(store) == before
    clear = store.get("write", f"/v1/companies/{s}/arrets", as_of=AS_OF, matricule=employee.matricule, unmask="true")
    assert clear.json()["items"][0]["employee"]["nir"] == employee.nir
    assert clear.json()["items"] == cli_json(capsys, "arrets", "list", "--db", store.url, "--siren", s, "--as-of",
                                             AS_OF, "--matricule", employee.matricule, "--unmask")
    affiliations = store.get("write", f"/v1/companies/{s}/affiliations", as_of=AS_OF, unmask="true")
    assert employee.nir in affiliations.text
    assert _audited(store) == before + 2


def test_cotisations_routes_are_the_cli_json(store, capsys):
    s, base = store.payer, f"/v1/companies/{store.payer}/cotisations"
    for action, as_of in (("account", "2026-04-30"), ("dunning", "2025-06-12")):
        wanted = cli_json(capsys, "cotisations", action, "--db", store.url, "--siren", s, "--as-of", as_of)
        assert wanted and store.all_items("read", f"{base}/{action}", as_of=as_of) == wanted
    contract = history_cotisations.cotisations_history().quarterly_contract.reference
    argv = ["--as-of", "2026-04-30", "--from", "2025-04", "--to", "2025-09", "--contract", contract]
    account = cli_json(capsys, "cotisations", "account", "--db", store.url, "--siren", s, *argv)
    got = store.all_items("read", f"{base}/account", as_of="2026-04-30", contract=contract,
                          **{"from": "2025-04", "to": "2025-09"})
    assert got == account and [c["contract"] for c in got] == [contract] and len(got[0]["periods"]) == 2
    statement = cli_json(capsys, "cotisations", "statement", "--db", store.url, "--siren", s, *argv)
    answer = store.get("read", f"{base}/statement", as_of="2026-04-30", contract=contract,
                       **{"from": "2025-04", "to": "2025-09"})
    assert answer.json() == statement and statement["contracts"]
    bad = store.get("read", f"{base}/account", **{"from": "2024-09", "to": "2024-06"})
    assert bad.status_code == 422 and bad.json()["error"] == "periode_invalide"
    assert store.get("read", f"{base}/account", **{"from": "2024-13"}).json()["error"] == "requete_invalide"


def test_affiliation_routes_are_the_cli_json(store, history, capsys):
    s, base = store.siren, f"/v1/companies/{store.siren}/affiliations"
    wanted = cli_json(capsys, "affiliations", "list", "--db", store.url, "--siren", s, "--as-of", AS_OF)
    assert wanted and store.all_items("read", base, as_of=AS_OF) == wanted
    matricule = history.company.employees[0].matricule
    assert store.all_items("read", base, as_of=AS_OF, matricule=matricule) == [
        r for r in wanted if r["matricule"] == matricule] != []
    moves = cli_json(capsys, "affiliations", "movements", "--db", store.url, "--siren", s, "--month", "2024-01")
    assert moves and store.all_items("read", f"{base}/movements", month="2024-01") == moves


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_statement_and_extraction_files_are_the_cli_files(store, tmp_path, capsys, form):
    for siren, as_of, route, argv in (
            (store.payer, "2026-04-30", "cotisations/statement", ["cotisations", "statement"]),
            (store.siren, AS_OF, "affiliations/extraction", ["affiliations", "export"])):
        out = tmp_path / f"{argv[0]}.{form}"
        assert main([*argv, "--db", store.url, "--siren", siren, "--as-of", as_of, "--format", form,
                     "--output", str(out)]) == 0
        capsys.readouterr()
        got = store.get("read", f"/v1/companies/{siren}/{route}", as_of=as_of, format=form)
        assert got.status_code == 200 and got.headers["content-disposition"].endswith(f'.{form}"')
        if form == "csv":
            assert got.content == out.read_bytes()
        else:
            from openpyxl import load_workbook
            mine, theirs = load_workbook(BytesIO(got.content)), load_workbook(out)
            assert mine.sheetnames == theirs.sheetnames
            for name in mine.sheetnames:
                assert [list(r) for r in mine[name].values] == [list(r) for r in theirs[name].values]


def test_drafts_create_correct_duplicate_and_move(store, history):
    s, employee = store.siren, history.company.employees[SCENARIO_INDEX]
    arret = store.get("read", f"/v1/companies/{s}/arrets", matricule=employee.matricule).json()["items"][0]
    path = f"/v1/arrets/{arret['arret_id']}/draft"
    headers = store.headers["write"]
    assert store.client.post(path, headers=store.headers["read"]).status_code == 403
    assert store.get("write", path).json()["error"] == "brouillon_inconnu"
    created = store.client.post(path, headers=headers)
    assert created.status_code == 201 and created.json()["status"] == "à compléter"
    assert store.client.post(path, headers=headers).json()["error"] == "brouillon_existant"
    month = created.json()["lines"][0]["month"]
    corrected = store.client.patch(path, headers=headers, json={"month": month, "field": "net_paid", "value": "1234.5"})
    assert corrected.json()["lines"][0]["corrections"] == {"net_paid": "1234.50"}
    duplicated = store.client.post(f"{path}/lines/{month}/duplicate", headers=headers).json()
    assert [line["duplicate"] for line in duplicated["lines"] if line["month"] == month] == [False, True]
    moved = store.client.post(f"{path}/status", headers=headers, json={"status": "transmise"}).json()
    assert moved["status"] == "transmise" and [c["user"] for c in moved["changes"]] == ["write@exemple.fr"] * 3
    refused = store.client.post(f"{path}/status", headers=headers, json={"status": "à compléter"})
    assert refused.status_code == 422 and refused.json()["error"] == "brouillon_refuse"
    listed = store.get("read", f"/v1/companies/{s}/arrets", matricule=employee.matricule).json()["items"]
    assert listed[0]["status"] == "transmise"
    assert employee.nir not in store.get("read", path).text
