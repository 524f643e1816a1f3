"""End to end: ``dsn users create-admin`` then ``dsn serve`` as a real uvicorn server on 127.0.0.1, driven by
httpx: login, upload, status, anomalies, a new user's activation mail, logout."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import date

import httpx
import pytest

from dsn_parser.generator.company import make_company

from .conftest import PASSWORD, dsn_file

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dsn(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True,
                          timeout=300, **kwargs)


JANUARY = date(2025, 1, 1)


def test_a_real_server_takes_an_upload_and_serves_its_anomalies_and_arrets(store_url, tmp_path):
    company = make_company(seed=21, employees=5, months=1, start_month=JANUARY)
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n")
    created = dsn("users", "create-admin", "--email", "chef@exemple.fr", "--siren", company.siren,
                  "--password-file", str(password_file), "--db", store_url)
    assert created.returncode == 0, created.stderr
    assert "chef@exemple.fr" in created.stdout
    again = dsn("users", "create-admin", "--email", "chef2@exemple.fr", "--siren", company.siren,
                "--password-file", str(password_file), "--db", store_url)
    assert again.returncode == 2 and "administrateur principal" in again.stderr
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", store_url, "--port", str(port),
                               "--archive", str(tmp_path / "archive"), "--mail-dir", str(tmp_path / "mail")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=120) as client:
            token = client.post("/v1/auth/token", data={"username": "chef@exemple.fr", "password": PASSWORD})
            assert token.status_code == 200
            auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
            path = dsn_file(company, tmp_path / "in", "janvier.dsn")
            with open(path, "rb") as handle:
                uploaded = client.post(f"/v1/companies/{company.siren}/submissions", headers=auth,
                                       files={"file": ("janvier.dsn", handle)})
            assert uploaded.status_code == 201, uploaded.text
            submission = uploaded.json()
            assert submission["status"] == "loaded" and submission["sirens"] == [company.siren]
            found = client.get(f"/v1/submissions/{submission['id']}/anomalies", headers=auth,
                               params={"limit": 1000}).json()
            assert found["count"] == sum(submission["anomalies"].values())
            staff = [company.employee(i) for i in range(company.employee_count)]
            on_leave = sorted(e.matricule for e in staff if e.arret and e.present(JANUARY)
                              and e.arret.overlaps(JANUARY))
            arrets = client.get(f"/v1/companies/{company.siren}/arrets", headers=auth).json()
            assert on_leave and sorted(a["employee"]["matricule"] for a in arrets["items"]) == on_leave
            for arret in arrets["items"]:
                detail = client.get(f"/v1/arrets/{arret['arret_id']}", headers=auth).json()
                assert detail["arret_id"] == arret["arret_id"] and len(detail["salary_history"]) == 12
            user = client.post(f"/v1/companies/{company.siren}/users", headers=auth,
                               json={"email": "collab@exemple.fr", "name": "C", "habilitations": {"dsn": "read"}})
            assert user.status_code == 201
            mails = list((tmp_path / "mail").glob("*.eml"))
            assert len(mails) == 1 and "collab@exemple.fr" in mails[0].read_text()
            assert client.post("/v1/auth/logout", headers=auth).status_code == 200
            assert client.get("/v1/users/me", headers=auth).status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
