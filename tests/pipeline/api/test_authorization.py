"""The authorization matrix: every declared route × every persona, on both engines.

Each persona's expected status is worked out here from the route's declared scope, domain and access and the
persona's habilitations (conftest.PERSONAS); every body is searched for data of a company the persona has no
access to. A served route missing from the table, or a table route without a request below, fails.
"""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from dsn_parser.generator.company import make_company
from pipeline.api.guard import guard
from pipeline.api.table import ROUTES, Route
from pipeline.portal import accounts
from pipeline.portal.habilitations import ADMIN, grant_company, request_company
from pipeline.products.arrets_drafts import create_draft
from pipeline.store.schema_arrets import arret_draft_changes, arret_drafts, arrets

from ..portal.conftest import store_sheet
from .conftest import JAN, PASSWORD, PERSONAS, dsn_file

_serial = itertools.count()


def _fresh_user(portal, role: str, requested: bool = False) -> str:
    """A new user of company A (or asking for it), target of the user-management routes."""
    n = next(_serial)
    with portal.engine.begin() as conn:
        user_id = accounts.insert_account(conn, f"cible{n}@exemple.fr", f"Cible {n}", role, None, PASSWORD)
        if requested:
            request_company(conn, user_id, portal.sirens["A"])
        else:
            grant_company(conn, None, user_id, portal.sirens["A"], {"dsn": "read"})
    return user_id


def _adhesion(portal) -> dict:
    """The registration fields of a new company whose sheet is stored."""
    company = make_company(seed=1000 + next(_serial), employees=1, months=1, start_month=JAN)
    with portal.engine.begin() as conn:
        return store_sheet(conn, company)


def _added_adherent(portal) -> str:
    """A new company added to company A's account."""
    siren = _adhesion(portal)["siret"][:9]
    with portal.engine.begin() as conn:
        grant_company(conn, None, portal.users["admin"], siren, {})
    return siren


def arret_of(portal, key: str = "A") -> str:
    """The first arrêt of a company (its January mensuelle declares one)."""
    with portal.engine.connect() as conn:
        return conn.execute(sa.select(arrets.c.arret_id).where(arrets.c.siren == portal.sirens[key])
                            .order_by(arrets.c.arret_id)).scalars().first()


def _no_draft(portal) -> dict:
    """Company A's arrêt without a draft (the draft-creation route's target)."""
    arret_id = arret_of(portal)
    with portal.engine.begin() as conn:
        conn.execute(arret_draft_changes.delete().where(arret_draft_changes.c.arret_id == arret_id))
        conn.execute(arret_drafts.delete().where(arret_drafts.c.arret_id == arret_id))
    return {"arret_id": arret_id}


def _fresh_draft(portal, **request) -> dict:
    """Company A's arrêt with a new draft (status « à compléter »)."""
    arret_id = _no_draft(portal)["arret_id"]
    with portal.engine.begin() as conn:
        create_draft(conn, arret_id, "test")
    return {"arret_id": arret_id, **request}


def _upload(portal):
    n = next(_serial)
    path = dsn_file(portal.companies["A"], portal.folder / "matrix", f"a{n}.dsn")
    content = path.read_bytes().replace(b"S10.G00.00.003,'1.0.0'", f"S10.G00.00.003,'1.0.{n + 1}'".encode())
    return {"files": {"file": (f"a{n}.dsn", content, "application/octet-stream")}}


# every non-public route of the table → the request arguments of one call about company A (path values popped)
REQUESTS = {
    ("POST", "/v1/auth/logout"): lambda p: {},
    ("GET", "/v1/users/me"): lambda p: {},
    ("POST", "/v1/users/me/password"): lambda p: {"json": {"current_password": PASSWORD, "new_password": PASSWORD}},
    ("GET", "/v1/users"): lambda p: {},
    ("GET", "/v1/companies"): lambda p: {},
    ("GET", "/v1/companies/{siren}"): lambda p: {},
    ("POST", "/v1/companies/{siren}/access-requests"): lambda p: {},
    ("GET", "/v1/companies/{siren}/access-requests"): lambda p: {},
    ("POST", "/v1/companies/{siren}/access-requests/{user_id}"):
        lambda p: {"user_id": _fresh_user(p, "tiers", requested=True), "json": {"habilitations": {"dsn": "read"}}},
    ("GET", "/v1/companies/{siren}/users"): lambda p: {},
    ("POST", "/v1/companies/{siren}/users"):
        lambda p: {"json": {"email": f"nouveau{next(_serial)}@exemple.fr", "name": "N", "role": "user",
                            "habilitations": {"cotisation": "read"}}},
    ("PUT", "/v1/companies/{siren}/users/{user_id}/habilitations"):
        lambda p: {"user_id": _fresh_user(p, "user"), "json": {"habilitations": {"affiliation": "write"}}},
    ("DELETE", "/v1/companies/{siren}/users/{user_id}"): lambda p: {"user_id": _fresh_user(p, "user")},
    ("GET", "/v1/companies/{siren}/audit"): lambda p: {},
    ("POST", "/v1/companies/{siren}/adherents"): lambda p: {"json": _adhesion(p)},
    ("DELETE", "/v1/companies/{siren}/adherents/{adherent_siren}"):
        lambda p: {"adherent_siren": _added_adherent(p)},
    ("POST", "/v1/companies/{siren}/submissions"): _upload,
    ("GET", "/v1/companies/{siren}/submissions"): lambda p: {},
    ("GET", "/v1/submissions/{submission_id}"): lambda p: {},
    ("GET", "/v1/submissions/{submission_id}/anomalies"): lambda p: {},
    ("GET", "/v1/submissions/{submission_id}/report"): lambda p: {},
    ("GET", "/v1/companies/{siren}/arrets"): lambda p: {},
    ("GET", "/v1/arrets/{arret_id}"): lambda p: {"arret_id": arret_of(p)},
    ("GET", "/v1/arrets/{arret_id}/draft"): _fresh_draft,
    ("POST", "/v1/arrets/{arret_id}/draft"): _no_draft,
    ("PATCH", "/v1/arrets/{arret_id}/draft"):
        lambda p: _fresh_draft(p, json={"month": "2024-12", "field": "net_paid", "value": "1000.00"}),
    ("POST", "/v1/arrets/{arret_id}/draft/lines/{month}/duplicate"): lambda p: _fresh_draft(p, month="2024-12"),
    ("POST", "/v1/arrets/{arret_id}/draft/status"): lambda p: _fresh_draft(p, json={"status": "transmise"}),
    ("GET", "/v1/companies/{siren}/cotisations/account"): lambda p: {},
    ("GET", "/v1/companies/{siren}/cotisations/statement"): lambda p: {},
    ("GET", "/v1/companies/{siren}/cotisations/dunning"): lambda p: {},
    ("GET", "/v1/companies/{siren}/affiliations"): lambda p: {"params": {"as_of": "2025-01-31"}},
    ("GET", "/v1/companies/{siren}/affiliations/movements"): lambda p: {"params": {"month": "2025-01"}},
    ("GET", "/v1/companies/{siren}/affiliations/extraction"): lambda p: {"params": {"as_of": "2025-01-31"}},
}
PUBLIC = {("GET", "/v1/health"), ("POST", "/v1/auth/token"), ("POST", "/v1/auth/activate"), ("POST", "/v1/accounts")}
SERVED = [r for r in ROUTES if not r.pending]


def expected(route: Route, persona: str | None) -> int:
    """401, 403, 404 or 200 (any 2xx) for this persona on this route about company A."""
    if persona is None:
        return 401
    role, grants = PERSONAS[persona]
    if route.scope == "caller":
        return 200
    if route.scope == "operator":
        return 200 if role == "operator" else 403
    if route.scope == "tiers":
        return 200 if role == "tiers" else 403
    if role == "operator":
        return 200
    if "A" not in grants:
        return 404
    if role == "admin" or route.domain is None:
        return 200
    if route.domain == ADMIN:
        return 403
    held = grants["A"].get(route.domain)
    return 200 if held == "write" or (held == "read" and route.access == "read") else 403


def test_the_table_declares_exactly_the_served_routes(portal):
    served = {(method.upper(), path) for path, item in portal.client.app.openapi()["paths"].items()
              for method in item}
    assert served == {(r.method, r.path) for r in SERVED}
    assert set(REQUESTS) | PUBLIC == served
    assert all(r.scope != "public" for r in ROUTES if (r.method, r.path) in REQUESTS)


def test_a_route_missing_from_the_table_is_refused(portal):
    app = FastAPI(dependencies=[Depends(guard)])
    app.state.engine = portal.engine

    @app.get("/v1/undeclared")
    def undeclared() -> dict:
        return {"secret": portal.sirens["B"]}

    with pytest.raises(RuntimeError, match="absente de la table"):
        TestClient(app).get("/v1/undeclared")


def test_every_persona_on_every_route(portal):
    sirens, subs, failures = portal.sirens, portal.submissions, []
    for route, persona in itertools.product([r for r in SERVED if r.scope != "public"], [None, *PERSONAS]):
        arguments = REQUESTS[(route.method, route.path)](portal)
        path = route.path.format(siren=sirens["A"], submission_id=subs["A"], user_id=arguments.pop("user_id", "x"),
                                 adherent_siren=arguments.pop("adherent_siren", "x"),
                                 arret_id=arguments.pop("arret_id", "x"), month=arguments.pop("month", "x"))
        response = portal.client.request(route.method, path, headers=portal.headers(persona), **arguments)
        want, got = expected(route, persona), response.status_code
        where = f"{route.method} {route.path} as {persona}: {got} {response.text[:200]}"
        if not ((200 <= got < 300) if want == 200 else got == want):
            failures.append(f"expected {want}, {where}")
        if want != 200 and not (response.json().get("error") and response.json().get("message")):
            failures.append(f"no JSON error, {where}")
        grants = PERSONAS[persona][1] if persona else {}
        for key in [] if persona == "operator" else [k for k in ("A", "B") if k not in grants]:
            echoed = key == "A" and route.scope == "tiers"  # the request's own SIREN said back
            if subs[key] in response.text or (sirens[key] in response.text and not echoed):
                failures.append(f"data of company {key} shown, {where}")
    assert failures == []
