"""Portal fixtures: a migrated store on both engines, a file mailer, a clock the test can move."""
from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.ingest import store_engine
from pipeline.portal import clock
from dsn_parser.generator.fpoc_xml import fpoc_xml
from pipeline.portal.mail import FileMailer
from pipeline.store.schema import referentials

START = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def engine(store_url):
    engine = store_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def mailer(tmp_path: Path) -> FileMailer:
    return FileMailer(tmp_path / "mail")


class Clock:
    """The portal's clock, fixed at :data:`START` and moved by the test."""

    def __init__(self):
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def now(monkeypatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr(clock, "utcnow", fixed)
    return fixed


def activation_secrets(mailer: FileMailer, to: str) -> list[str]:
    """The activation secrets mailed to ``to``, oldest first."""
    found = []
    for path in sorted(mailer.folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        text = path.read_text()
        if re.search(rf"^To: {re.escape(to)}$", text, re.M):
            found += re.findall(r"Jeton d'activation : (\S+)", text)
    return found


def store_sheet(conn, company) -> dict:
    """Store the company's FPOC sheet (without recomputing products); the registration fields it backs."""
    content = fpoc_xml(company)
    conn.execute(referentials.insert().values(
        id=str(uuid.uuid4()), filename="fpoc.xml", form="xml", sha256=hashlib.sha256(content).hexdigest(),
        content=content, loaded_at=datetime(2026, 1, 1), sirens=company.siren, sheets=1, errors=0))
    return {"siret": company.siren + company.establishments[0].nic,
            "adherent": f"{company.referential.organisme.code}-{company.siren}",
            "contract": company.referential.contracts[0].reference}
