"""API fixtures: two companies A and B, each with one stored submission, and one user per persona of the
authorization matrix, on both engines."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from pipeline.api import Settings, create_app
from pipeline.ingest import ingest_path, store_engine
from pipeline.portal import accounts
from pipeline.portal.habilitations import grant_company
from pipeline.portal.mail import FileMailer
from pipeline.portal.tokens import issue_token
from pipeline.store.schema_portal import DOMAINS, portal_users
from tests.pipeline.conftest import validation_rules_off

PASSWORD = "motdepasse-2026"
JAN = date(2025, 1, 1)
ALL_WRITE = dict.fromkeys(DOMAINS, "write")
ALL_READ = dict.fromkeys(DOMAINS, "read")
# persona → (role, {company key: habilitations}); "A" is the company every matrix request is about
PERSONAS = {
    "other_company": ("user", {"B": ALL_WRITE}),
    "no_domain": ("user", {"A": {"affiliation": "write"}}),
    "read_only": ("user", {"A": ALL_READ}),
    "write": ("user", {"A": ALL_WRITE}),
    "tiers_with": ("tiers", {"A": ALL_WRITE, "B": ALL_WRITE}),
    "tiers_without": ("tiers", {"B": ALL_WRITE}),
    "admin": ("admin", {"A": {}}),
    "operator": ("operator", {}),
}


@pytest.fixture(scope="session")
def companies():
    return {"A": make_company(seed=21, employees=5, months=3, start_month=JAN),
            "B": make_company(seed=22, employees=4, months=3, start_month=JAN)}


def dsn_file(company, folder: Path, name: str, month: date = JAN) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_records(monthly_records(company, month), folder / name)


@dataclass
class Portal:
    client: TestClient
    engine: sa.Engine
    settings: Settings
    sirens: dict[str, str]
    submissions: dict[str, str]
    users: dict[str, str]
    folder: Path
    companies: dict

    def token(self, persona: str) -> str:
        with self.engine.begin() as conn:
            return issue_token(conn, self.users[persona]).access_token

    def headers(self, persona: str | None) -> dict:
        return {} if persona is None else {"Authorization": f"Bearer {self.token(persona)}"}

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def make_users(conn, sirens: dict[str, str]) -> dict[str, str]:
    users = {}
    admin_b = accounts.create_admin(conn, "admin.b@exemple.fr", sirens["B"], PASSWORD)
    users["admin_b"] = admin_b
    for persona, (role, grants) in PERSONAS.items():
        email = f"{persona}@exemple.fr"
        if role == "admin":
            user_id = accounts.create_admin(conn, email, sirens["A"], PASSWORD)
        elif role == "operator":
            user_id = accounts.create_operator(conn, email, PASSWORD)
        else:
            user_id = accounts.insert_account(conn, email, persona, role, None, PASSWORD)
            for key, habilitations in grants.items():
                grant_company(conn, None, user_id, sirens[key], habilitations)
        users[persona] = user_id
    return users


@pytest.fixture
def portal(store_url, companies, tmp_path) -> Portal:
    settings = Settings(db_url=store_url, archive_root=tmp_path / "archive", upload_limit=4 * 1024 * 1024,
                        mailer=FileMailer(tmp_path / "mail"), upload_dir=tmp_path / "uploads",
                        drop_dir=tmp_path / "drop", queue_dir=tmp_path / "queue")
    settings.upload_dir.mkdir()
    engine = store_engine(store_url)
    sirens = {key: c.siren for key, c in companies.items()}
    with validation_rules_off():  # the generator's files carry no anomaly; uploads in the tests run every rule
        stored = {key: ingest_path(dsn_file(c, tmp_path / "in", f"{key}.dsn"), engine,
                                   archive_root=settings.archive_root).submission_id for key, c in companies.items()}
    with engine.begin() as conn:
        users = make_users(conn, sirens)
        assert conn.execute(sa.select(sa.func.count()).select_from(portal_users)).scalar() == len(PERSONAS) + 1
    app = create_app(settings)
    with TestClient(app) as client:
        yield Portal(client, engine, settings, sirens, stored, users, tmp_path, companies)
    engine.dispose()
