"""Upload of DSN files over HTTP: a valid file is stored and its anomalies served; each refused file leaves
the store and the archive as they were."""
from __future__ import annotations

import random
from datetime import date

import pytest
import sqlalchemy as sa

from dsn_parser.generator.generated import generate_company
from pipeline.store.schema import anomalies

from .conftest import dsn_file

FEB = date(2025, 2, 1)
TABLES = ("submissions", "declarations", "individu", "anomalies", "employees", "portal_audit")


def snapshot(portal) -> dict:
    archived = sorted(p.name for p in portal.settings.archive_root.rglob("*") if p.is_file())
    return {**{t: portal.count(t) for t in TABLES}, "archive": archived}


def upload(portal, persona, name, content, siren=None):
    return portal.client.post(f"/v1/companies/{siren or portal.sirens['A']}/submissions",
                              headers=portal.headers(persona),
                              files={"file": (name, content, "application/octet-stream")})


def test_a_valid_file_is_stored_and_its_anomalies_served(portal):
    path = dsn_file(portal.companies["A"], portal.folder / "up", "fevrier.dsn", FEB)
    response = upload(portal, "write", "fevrier.dsn", path.read_bytes())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "loaded" and body["filename"] == "fevrier.dsn"
    assert body["sirens"] == [portal.sirens["A"]]
    assert [d["month"] for d in body["declarations"]] == ["2025-02"]
    with portal.engine.connect() as conn:
        stored = conn.execute(sa.select(anomalies.c.code, anomalies.c.severity)
                              .where(anomalies.c.submission_id == body["id"]).order_by(anomalies.c.seq)).all()
    assert body["anomalies"] == {s: sum(1 for _, v in stored if v == s) for s in ("blocking", "warning", "info")}
    status = portal.client.get(f"/v1/submissions/{body['id']}", headers=portal.headers("read_only"))
    assert status.json() == body
    listed = portal.client.get(f"/v1/submissions/{body['id']}/anomalies?limit=1000",
                               headers=portal.headers("read_only")).json()
    assert [(a["code"], a["severity"]) for a in listed["items"]] == [tuple(r) for r in stored]
    assert all(set(a) == {"code", "family", "severity", "message", "file", "line", "rubrique", "block_path",
                          "employee", "value", "lines"} for a in listed["items"])
    if stored:
        code = stored[0][0]
        only = portal.client.get(f"/v1/submissions/{body['id']}/anomalies?code={code}&limit=1",
                                 headers=portal.headers("read_only")).json()
        assert only["count"] == 1 and only["items"][0]["code"] == code
    report = portal.client.get(f"/v1/submissions/{body['id']}/report", headers=portal.headers("read_only"))
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "fevrier.dsn" in report.text and str(portal.folder) not in report.text
    listing = portal.client.get(f"/v1/companies/{portal.sirens['A']}/submissions",
                                headers=portal.headers("read_only")).json()
    assert [s["id"] for s in listing["items"]] == [body["id"], portal.submissions["A"]]


def _binary() -> bytes:
    return bytes(random.Random(7).randrange(256) for _ in range(5000))


@pytest.mark.parametrize("case, status, code", [
    ("other_siren", 422, "siren_different"), ("blank", 422, "fichier_vide"), ("zero_bytes", 422, "fichier_vide"),
    ("no_body", 422, "fichier_manquant"), ("binary", 422, "fichier_illisible"),
    ("over_limit", 413, "fichier_trop_volumineux"), ("over_limit_declared", 413, "fichier_trop_volumineux"),
    ("duplicate", 409, "duplicate")])
def test_a_refused_file_leaves_the_store_unchanged(portal, case, status, code):
    a_file = (portal.folder / "in" / "A.dsn").read_bytes()  # the file stored by the fixture
    before = snapshot(portal)
    headers = portal.headers("write")
    url = f"/v1/companies/{portal.sirens['A']}/submissions"
    if case == "no_body":
        response = portal.client.post(url, headers={**headers, "Content-Type": "multipart/form-data; boundary=x"},
                                      content=b"")
    elif case == "over_limit":
        portal.settings.upload_limit = len(a_file) - 1
        response = upload(portal, "write", "a.dsn", a_file.replace(b"'1.0.0'", b"'1.0.9'"))
    elif case == "over_limit_declared":
        portal.settings.upload_limit = 1000
        response = upload(portal, "write", "a.dsn", a_file.replace(b"'1.0.0'", b"'1.0.9'"))
    else:
        content = {"other_siren": (portal.folder / "in" / "B.dsn").read_bytes(), "blank": b"\n  \r\n\t\n",
                   "zero_bytes": b"", "binary": _binary(), "duplicate": a_file}[case]
        response = upload(portal, "write", f"{case}.dsn", content)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code and body["message"]
    if case == "duplicate":
        assert body["status"] == "duplicate" and body["submission_id"] == portal.submissions["A"]
    if case == "other_siren":
        assert portal.sirens["B"] in body["message"]
    assert snapshot(portal) == before
    assert not any(portal.settings.upload_dir.iterdir())  # temporary files removed


def test_no_personal_value_leaves_in_clear(portal, tmp_path):
    from tests.test_personal_data import _marked_file

    path, markers = _marked_file(tmp_path / "marked.dsn")
    siren = generate_company(7, employees=3, months=1, start_month=date(2025, 1, 1)).company.siren
    headers = portal.headers("operator")
    stored = portal.client.post(f"/v1/companies/{siren}/submissions", headers=headers,
                                files={"file": ("marked.dsn", path.read_bytes())})
    assert stored.status_code == 201, stored.text
    submission = stored.json()["id"]
    bodies = [stored.text] + [portal.client.get(f"/v1/submissions/{submission}{tail}", headers=headers).text
                              for tail in ("", "/anomalies?limit=1000", "/report")]
    assert stored.json()["anomalies"]["blocking"] > 0  # the marked values are invalid: anomalies quote them
    assert [m for m in markers if any(m in body for body in bodies)] == []
