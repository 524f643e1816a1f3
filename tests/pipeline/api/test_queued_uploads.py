"""Uploads above the queue threshold: checked, archived and put in the drop folder for the ingest flow, with a
status to poll until the flow (here :func:`pipeline.drop_folder.poll` with :func:`pipeline.ingest.ingest_path`,
what the ``drop-folder`` flow runs) stores them."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from pipeline.drop_folder import poll
from pipeline.ingest import ingest_path

from .conftest import dsn_file
from .test_submissions import snapshot, upload

MAR = date(2025, 3, 1)


@pytest.fixture
def queuing(portal):
    """The portal with every upload larger than 1 KB queued."""
    portal.client.app.state.settings = dataclasses.replace(portal.settings, queue_threshold=1024)
    return portal


def _ingest_drop_folder(portal) -> list[dict]:
    settings = portal.client.app.state.settings
    result = poll(settings.drop_dir, lambda path: ingest_path(path, portal.engine, source="drop-folder",
                                                              archive_root=settings.archive_root).__dict__,
                  settle_seconds=0)
    return result.outcomes


def test_a_large_file_is_queued_then_stored_by_the_flow(queuing):
    content = dsn_file(queuing.companies["A"], queuing.folder / "up", "mars.dsn", MAR).read_bytes()
    assert len(content) > 1024
    before = queuing.count("submissions")
    queued = upload(queuing, "write", "mars.dsn", content)
    assert queued.status_code == 202, queued.text
    body = queued.json()
    assert body["status"] == "queued" and body["sirens"] == [queuing.sirens["A"]] and body["size"] == len(content)
    assert queuing.count("submissions") == before
    settings = queuing.client.app.state.settings
    dropped = [p for p in settings.drop_dir.iterdir() if p.is_file()]
    assert [p.read_bytes() for p in dropped] == [content] and dropped[0].name.endswith("mars.dsn")
    assert (settings.archive_root / body["sha256"][:2] / body["sha256"]).read_bytes() == content
    status = queuing.client.get(f"/v1/submissions/{body['id']}", headers=queuing.headers("read_only"))
    assert status.status_code == 200 and status.json()["status"] == "queued"
    waiting = queuing.client.get(f"/v1/submissions/{body['id']}/anomalies", headers=queuing.headers("read_only"))
    assert waiting.status_code == 409 and waiting.json()["error"] == "depot_en_attente"
    assert queuing.client.get(f"/v1/submissions/{body['id']}",
                              headers=queuing.headers("other_company")).status_code == 404
    again = upload(queuing, "write", "mars-bis.dsn", content)
    assert again.status_code == 409 and again.json()["submission_id"] == body["id"]

    outcomes = _ingest_drop_folder(queuing)
    assert [o["status"] for o in outcomes] == ["loaded"]
    stored = queuing.client.get(f"/v1/submissions/{body['id']}", headers=queuing.headers("read_only")).json()
    assert stored["status"] == "loaded" and stored["upload_id"] == body["id"] and stored["id"] != body["id"]
    assert [d["month"] for d in stored["declarations"]] == ["2025-03"]
    assert queuing.count("submissions") == before + 1
    anomalies = queuing.client.get(f"/v1/submissions/{body['id']}/anomalies", headers=queuing.headers("read_only"))
    assert anomalies.status_code == 200
    assert anomalies.json()["count"] == sum(stored["anomalies"].values())
    assert upload(queuing, "write", "mars-ter.dsn", content).json()["submission_id"] == stored["id"]


@pytest.mark.parametrize("case", ["other_siren", "binary", "empty"])
def test_a_refused_large_file_is_neither_queued_nor_stored(queuing, case):
    other = dsn_file(queuing.companies["B"], queuing.folder / "up", "b.dsn", MAR).read_bytes()
    content = {"other_siren": other, "binary": bytes(range(256)) * 8, "empty": b" \n" * 1024}[case]
    before = snapshot(queuing)
    refused = upload(queuing, "write", "x.dsn", content)
    assert refused.status_code == 422
    assert refused.json()["error"] == {"other_siren": "siren_different", "binary": "fichier_illisible",
                                       "empty": "fichier_vide"}[case]
    settings = queuing.client.app.state.settings
    assert snapshot(queuing) == before
    assert not settings.drop_dir.exists() or not any(settings.drop_dir.iterdir())
    assert not settings.queue_dir.exists() or not any(settings.queue_dir.iterdir())
