"""Product answers kept between requests (pipeline.api.cache): served again while the store is unchanged,
computed again after an ingest or a draft change, and never across callers' unmasking."""
from __future__ import annotations

import json
from datetime import date

import pipeline.products.arrets as arrets_module
from pipeline.cli import main

from .conftest import dsn_file


def test_an_answer_is_kept_until_the_store_changes(portal, monkeypatch, capsys):
    calls = []
    real = arrets_module.list_arrets
    monkeypatch.setattr(arrets_module, "list_arrets", lambda *a, **k: calls.append(1) or real(*a, **k))
    route = f"/v1/companies/{portal.sirens['A']}/arrets"

    def listed(persona="write", **params):
        response = portal.client.get(route, headers=portal.headers(persona), params=params)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    first = listed()
    assert listed() == first and listed("read_only") == first and len(calls) == 1
    assert listed(unmask="true") != first and len(calls) == 2
    path = dsn_file(portal.companies["A"], portal.folder / "up", "fevrier.dsn", date(2025, 2, 1))
    stored = portal.client.post(f"/v1/companies/{portal.sirens['A']}/submissions", headers=portal.headers("write"),
                                files={"file": ("fevrier.dsn", path.read_bytes(), "application/octet-stream")})
    assert stored.status_code == 201
    after = listed()
    assert len(calls) == 3
    assert main(["arrets", "list", "--db", portal.settings.db_url, "--siren", portal.sirens["A"],
                 "--format", "json"]) == 0
    assert after == json.loads(capsys.readouterr().out)
    computed = len(calls)  # the command called it too
    arret_id = after[0]["arret_id"]
    assert portal.client.post(f"/v1/arrets/{arret_id}/draft", headers=portal.headers("write")).status_code == 201
    assert listed()[0]["status"] == "à compléter" and len(calls) == computed + 1
