"""Callers kept between requests (pipeline.api.callers): a token's habilitations are read once, yet a
habilitation withdrawn through the API and a token revoked anywhere apply to the very next request."""
from __future__ import annotations

import pipeline.api.callers as callers_module
from pipeline.portal.tokens import revoke_token


def test_a_kept_caller_follows_habilitation_changes_and_revocation(portal, monkeypatch):
    loads = []
    real = callers_module.load_caller
    monkeypatch.setattr(callers_module, "load_caller", lambda conn, user_id: loads.append(user_id) or real(conn, user_id))
    siren, token = portal.sirens["A"], portal.token("read_only")
    auth = {"Authorization": f"Bearer {token}"}
    arrets = f"/v1/companies/{siren}/arrets"
    assert [portal.client.get(arrets, headers=auth).status_code for _ in range(3)] == [200] * 3
    assert loads == [portal.users["read_only"]]  # read once, kept for the next requests
    changed = portal.client.put(f"/v1/companies/{siren}/users/{portal.users['read_only']}/habilitations",
                                headers=portal.headers("admin"), json={"habilitations": {"affiliation": "read"}})
    assert changed.status_code == 200, changed.text
    refused = portal.client.get(arrets, headers=auth)
    assert refused.status_code == 403 and refused.json()["error"] == "habilitation_manquante"
    assert portal.client.get(f"/v1/companies/{siren}/affiliations", headers=auth).status_code == 200
    with portal.engine.begin() as conn:  # revoked outside the API (another engine, as another process would)
        revoke_token(conn, token)
    revoked = portal.client.get(f"/v1/companies/{siren}/affiliations", headers=auth)
    assert revoked.status_code == 401 and revoked.json()["error"] == "jeton_revoque"
