"""The declared route table: every route of the API with the scope, domain and access it needs.

Scopes: ``public`` (no token), ``caller`` (any authenticated user, about himself), ``tiers`` (a tiers
déclarant), ``company`` (the ``{siren}`` of the path, under :func:`pipeline.portal.habilitations.authorize`),
``submission`` (every SIREN of the ``{submission_id}`` of the path, likewise), ``arret`` (the SIREN of the
``{arret_id}`` of the path, likewise), ``operator`` (insurer operators). A route absent from the table is refused
(500) by the guard; ``pending`` routes belong to a store product not built yet and are not served.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.portal.habilitations import ADMIN

SCOPES = ("public", "caller", "tiers", "company", "submission", "arret", "operator")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    scope: str
    domain: str | None = None
    access: str | None = None
    pending: bool = False


ROUTES: tuple[Route, ...] = (
    Route("GET", "/v1/health", "public"),
    Route("POST", "/v1/auth/token", "public"),
    Route("POST", "/v1/auth/activate", "public"),
    Route("POST", "/v1/accounts", "public"),
    Route("POST", "/v1/auth/logout", "caller"),
    Route("GET", "/v1/users/me", "caller"),
    Route("POST", "/v1/users/me/password", "caller"),
    Route("GET", "/v1/users", "operator"),
    Route("GET", "/v1/companies", "caller"),
    Route("GET", "/v1/companies/{siren}", "company"),
    Route("POST", "/v1/companies/{siren}/access-requests", "tiers"),
    Route("GET", "/v1/companies/{siren}/access-requests", "company", ADMIN),
    Route("POST", "/v1/companies/{siren}/access-requests/{user_id}", "company", ADMIN),
    Route("GET", "/v1/companies/{siren}/users", "company", ADMIN),
    Route("POST", "/v1/companies/{siren}/users", "company", ADMIN),
    Route("PUT", "/v1/companies/{siren}/users/{user_id}/habilitations", "company", ADMIN),
    Route("DELETE", "/v1/companies/{siren}/users/{user_id}", "company", ADMIN),
    Route("GET", "/v1/companies/{siren}/audit", "company", ADMIN),
    Route("POST", "/v1/companies/{siren}/adherents", "company", ADMIN),
    Route("DELETE", "/v1/companies/{siren}/adherents/{adherent_siren}", "company", ADMIN),
    Route("POST", "/v1/companies/{siren}/submissions", "company", "dsn", "write"),
    Route("GET", "/v1/companies/{siren}/submissions", "company", "dsn", "read"),
    Route("GET", "/v1/submissions/{submission_id}", "submission", "dsn", "read"),
    Route("GET", "/v1/submissions/{submission_id}/anomalies", "submission", "dsn", "read"),
    Route("GET", "/v1/submissions/{submission_id}/report", "submission", "dsn", "read"),
    # store products (pipeline.products.*)
    Route("GET", "/v1/companies/{siren}/arrets", "company", "arret_travail", "read"),
    Route("GET", "/v1/arrets/{arret_id}", "arret", "arret_travail", "read"),
    Route("GET", "/v1/arrets/{arret_id}/draft", "arret", "arret_travail", "read"),
    Route("POST", "/v1/arrets/{arret_id}/draft", "arret", "arret_travail", "write"),
    Route("PATCH", "/v1/arrets/{arret_id}/draft", "arret", "arret_travail", "write"),
    Route("POST", "/v1/arrets/{arret_id}/draft/lines/{month}/duplicate", "arret", "arret_travail", "write"),
    Route("POST", "/v1/arrets/{arret_id}/draft/status", "arret", "arret_travail", "write"),
    Route("GET", "/v1/companies/{siren}/cotisations/account", "company", "cotisation", "read"),
    Route("GET", "/v1/companies/{siren}/cotisations/statement", "company", "cotisation", "read"),
    Route("GET", "/v1/companies/{siren}/cotisations/dunning", "company", "cotisation", "read"),
    Route("GET", "/v1/companies/{siren}/affiliations", "company", "affiliation", "read"),
    Route("GET", "/v1/companies/{siren}/affiliations/movements", "company", "affiliation", "read"),
    Route("GET", "/v1/companies/{siren}/affiliations/extraction", "company", "affiliation", "read"),
)

BY_KEY: dict[tuple[str, str], Route] = {(r.method, r.path): r for r in ROUTES}
