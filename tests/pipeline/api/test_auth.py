"""Authentication over HTTP: login form, token expiry, logout, password change, throttle, activation links,
company registration, and the public documentation pages."""
from __future__ import annotations

from datetime import timedelta

from dsn_parser.generator.company import make_company
from pipeline.portal import accounts, clock
from pipeline.store import SCHEMA_VERSION

from ..portal.conftest import activation_secrets, store_sheet
from .conftest import JAN, PASSWORD


def login(portal, email, password):
    return portal.client.post("/v1/auth/token", data={"username": email, "password": password})


def me(portal, token):
    return portal.client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})


def test_login_returns_a_bearer_token_that_expires(portal, monkeypatch):
    response = login(portal, "write@exemple.fr", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == int(portal.settings.token_ttl.total_seconds())
    assert me(portal, body["access_token"]).json()["email"] == "write@exemple.fr"
    later = clock.utcnow() + portal.settings.token_ttl + timedelta(seconds=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    expired = me(portal, body["access_token"])
    assert expired.status_code == 401 and expired.json()["error"] == "jeton_expire"
    assert expired.headers["www-authenticate"] == "Bearer"


def test_logout_and_password_change_revoke_tokens(portal):
    first = login(portal, "write@exemple.fr", PASSWORD).json()["access_token"]
    second = login(portal, "write@exemple.fr", PASSWORD).json()["access_token"]
    auth = {"Authorization": f"Bearer {first}"}
    assert portal.client.post("/v1/auth/logout", headers=auth).status_code == 200
    revoked = me(portal, first)
    assert revoked.status_code == 401 and revoked.json()["error"] == "jeton_revoque"
    assert me(portal, second).status_code == 200
    change = portal.client.post("/v1/users/me/password", headers={"Authorization": f"Bearer {second}"},
                                json={"current_password": PASSWORD, "new_password": "nouveau-secret-27"})
    assert change.status_code == 200 and change.json()["revoked_tokens"] == 1
    assert me(portal, second).status_code == 401
    assert login(portal, "write@exemple.fr", PASSWORD).status_code == 401
    assert login(portal, "write@exemple.fr", "nouveau-secret-27").status_code == 200


def test_wrong_passwords_are_throttled(portal):
    statuses = [login(portal, "read_only@exemple.fr", "mauvais-2026").status_code
                for _ in range(accounts.MAX_FAILURES)]
    assert statuses == [401] * accounts.MAX_FAILURES
    locked = login(portal, "read_only@exemple.fr", PASSWORD)
    assert locked.status_code == 429 and locked.json()["error"] == "trop_de_tentatives"
    assert login(portal, "nobody@exemple.fr", PASSWORD).status_code == 401


def test_an_activation_link_works_once_and_for_seven_days(portal, monkeypatch):
    admin = portal.headers("admin")
    url = f"/v1/companies/{portal.sirens['A']}/users"
    for email in ("bob@exemple.fr", "carl@exemple.fr"):
        created = portal.client.post(url, headers=admin, json={"email": email, "name": "B", "role": "user",
                                                               "habilitations": {"dsn": "read"}})
        assert created.status_code == 201 and created.json()["account"]["active"] is False
    [bob] = activation_secrets(portal.settings.mailer, "bob@exemple.fr")
    [carl] = activation_secrets(portal.settings.mailer, "carl@exemple.fr")
    weak = portal.client.post("/v1/auth/activate", json={"token": bob, "password": "court"})
    assert weak.status_code == 422 and weak.json()["error"] == "mot_de_passe_faible"
    done = portal.client.post("/v1/auth/activate", json={"token": bob, "password": PASSWORD})
    assert done.status_code == 200 and done.json()["active"] is True
    assert done.json()["companies"] == {portal.sirens["A"]: {"dsn": "read"}}
    again = portal.client.post("/v1/auth/activate", json={"token": bob, "password": PASSWORD})
    assert again.status_code == 410 and again.json()["error"] == "activation_utilisee"
    assert login(portal, "bob@exemple.fr", PASSWORD).status_code == 200
    later = clock.utcnow() + timedelta(days=7, seconds=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    expired = portal.client.post("/v1/auth/activate", json={"token": carl, "password": PASSWORD})
    assert expired.status_code == 410 and expired.json()["error"] == "activation_expiree"
    assert login(portal, "carl@exemple.fr", PASSWORD).status_code == 401
    assert portal.client.post("/v1/auth/activate", json={"token": "x", "password": PASSWORD}).status_code == 404


def test_a_tiers_declarant_asks_and_the_administrator_grants(portal):
    siren = portal.sirens["A"]
    asked = portal.client.post(f"/v1/companies/{siren}/access-requests", headers=portal.headers("tiers_without"))
    assert asked.status_code == 202 and asked.json() == {"siren": siren, "state": "requested"}
    before = portal.client.get(f"/v1/companies/{siren}", headers=portal.headers("tiers_without"))
    assert before.status_code == 404
    pending = portal.client.get(f"/v1/companies/{siren}/access-requests", headers=portal.headers("admin")).json()
    user_id = portal.users["tiers_without"]
    assert [a["id"] for a in pending["items"]] == [user_id]
    assert pending["items"][0]["companies"] == {}  # his other companies are not the administrator's business
    granted = portal.client.post(f"/v1/companies/{siren}/access-requests/{user_id}", headers=portal.headers("admin"),
                                 json={"habilitations": {"cotisation": "read"}})
    assert granted.status_code == 200 and granted.json()["companies"] == {siren: {"cotisation": "read"}}
    assert portal.client.get(f"/v1/companies/{siren}", headers=portal.headers("tiers_without")).status_code == 200
    listed = portal.client.get("/v1/companies", headers=portal.headers("tiers_without")).json()
    assert sorted(c["siren"] for c in listed["items"]) == sorted(portal.sirens.values())
    audit = portal.client.get(f"/v1/companies/{siren}/audit", headers=portal.headers("admin")).json()
    actions = [(e["action"], e["target"]) for e in audit["items"]]
    assert ("habilitations", user_id) in actions and ("demande d'accès", user_id) in actions


def test_a_company_registers_and_its_administrator_adds_adherents(portal):
    newcomer, other = (make_company(seed=s, employees=1, months=1, start_month=JAN) for s in (41, 42))
    with portal.engine.begin() as conn:
        body = {**store_sheet(conn, newcomer), "name": "D", "email": "d@exemple.fr"}
        second = store_sheet(conn, other)
        taken = store_sheet(conn, portal.companies["A"])
    wrong = portal.client.post("/v1/accounts", json={**body, "contract": "X"})
    assert wrong.status_code == 422 and wrong.json()["error"] == "adhesion_inconnue"
    created = portal.client.post("/v1/accounts", json=body)
    assert created.status_code == 201 and created.json()["account"]["companies"] == {newcomer.siren: {}}
    assert created.json()["account"]["active"] is False
    assert len(activation_secrets(portal.settings.mailer, "d@exemple.fr")) == 1
    again = portal.client.post("/v1/accounts", json={**body, "email": "e@exemple.fr"})
    assert again.status_code == 409 and again.json()["error"] == "entreprise_deja_inscrite"
    admin, siren = portal.headers("admin"), portal.sirens["A"]
    added = portal.client.post(f"/v1/companies/{siren}/adherents", headers=admin, json=second)
    assert added.status_code == 201 and set(added.json()["companies"]) == {siren, other.siren}
    assert portal.client.get(f"/v1/companies/{other.siren}", headers=portal.headers("admin")).status_code == 200
    refused = portal.client.post(f"/v1/companies/{siren}/adherents", headers=admin, json={**body})
    assert refused.status_code == 409  # the newcomer has its own administrator
    assert portal.client.post(f"/v1/companies/{siren}/adherents", headers=admin, json=taken).status_code == 201
    kept = portal.client.delete(f"/v1/companies/{siren}/adherents/{siren}", headers=admin)
    assert kept.status_code == 409
    removed = portal.client.delete(f"/v1/companies/{siren}/adherents/{other.siren}", headers=admin)
    assert removed.status_code == 200 and set(removed.json()["companies"]) == {siren}
    assert portal.client.get(f"/v1/companies/{other.siren}", headers=portal.headers("admin")).status_code == 404


def test_health_and_the_documentation_are_public(portal):
    assert portal.client.get("/v1/health").json() == {"status": "ok", "schema": SCHEMA_VERSION}
    schema = portal.client.get("/openapi.json").json()
    assert "/v1/companies/{siren}/submissions" in schema["paths"]
    assert portal.client.get("/docs").status_code == 200
    invalid = portal.client.get("/v1/companies", headers=portal.headers("write"), params={"limit": 0})
    assert invalid.status_code == 422 and invalid.json()["error"] == "requete_invalide"
