"""Scale-out: a real Prefect server, a process work pool, two workers, one PostgreSQL store.

One flow run per file of a generated folder goes through the work pool; every file must end as exactly one
submission (none lost, none duplicated), every run completed, and both workers must have taken runs.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.deploy import SOURCE_ROOT
from pipeline.archive import sha256_of
from pipeline.store import make_engine, migrate
from pipeline.store.schema import submissions

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
BIN = Path(sys.executable).parent
FILES = 6
WORKERS = 2
WORKER_LIMIT = 3
SERVER_TIMEOUT = 120
RUNS_TIMEOUT = 180  # seconds from the submission of the runs to the last one finished


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """Start a process in its own session (so its children stop with it), output to ``log``."""
    with log.open("w") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                cwd=SOURCE_ROOT)


def descendants(pid: int) -> list[int]:
    """Ids of the processes below ``pid`` (flow runs may live in sessions of their own)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children + [d for c in children for d in descendants(c)]


def stop(process: subprocess.Popen) -> None:
    """Stop a process started by :func:`start` with its group, then any descendant left (by id)."""
    below = descendants(process.pid)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    for pid in below:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_healthy(api: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.skip(f"Prefect server could not start on this machine: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.skip(f"Prefect server not healthy after {SERVER_TIMEOUT} s: {log.read_text()[-2000:]}")


@pytest.fixture
def postgres_url():
    """A fresh ``dsn_flows_<random>`` PostgreSQL database at the store's schema head, dropped afterwards."""
    name = f"dsn_flows_{uuid.uuid4().hex[:10]}"
    admin = dict(host="127.0.0.1", port=5432, user="postgres", dbname="test", autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG.format(database=name)
    migrate(url)
    yield url
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def prefect_env(tmp_path):
    """Environment of a private Prefect server (own home and port) with fast-polling workers."""
    api = f"http://127.0.0.1:{free_port()}/api"
    return {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": api,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_UI_ENABLED": "false",
            "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_HEARTBEAT_SECONDS": "5"}


def wait_for_workers(client, pool: str, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len([w for w in client.read_workers_for_work_pool(pool) if w.status == "ONLINE"]) >= count:
            return
        time.sleep(1)
    raise AssertionError(f"{count} workers not online on {pool} after {timeout} s")


def test_two_workers_share_submissions_without_loss_or_duplicates(tmp_path, write_month, postgres_url, prefect_env):
    drop = tmp_path / "drop"
    drop.mkdir()
    files = [write_month(drop / f"m{i}.dsn", i) for i in range(FILES)]
    api, pool, logs = prefect_env["PREFECT_API_URL"], f"dsn-{uuid.uuid4().hex[:6]}", tmp_path / "logs"
    logs.mkdir()
    processes = []
    started = time.monotonic()
    try:
        server_log = logs / "server.log"
        processes.append(start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                "--port", api.split(":")[2].split("/")[0]], prefect_env, server_log))
        wait_healthy(api, processes[0], server_log)
        server_ready = time.monotonic()
        subprocess.run([str(BIN / "prefect"), "work-pool", "create", pool, "--type", "process"],
                       env=prefect_env, check=True, capture_output=True, timeout=60)
        subprocess.run([sys.executable, "-m", "flows.deploy", "deploy", "on-demand", "--pool", pool,
                        "--db", postgres_url, "--drop", str(drop)],
                       env=prefect_env, check=True, capture_output=True, timeout=90, cwd=SOURCE_ROOT)
        for n in range(WORKERS):
            processes.append(start([str(BIN / "prefect"), "worker", "start", "--pool", pool, "--name", f"w{n}",
                                    "--limit", str(WORKER_LIMIT)], prefect_env, logs / f"w{n}.log"))

        with temporary_settings({PREFECT_API_URL: api}), get_client(sync_client=True) as client:
            wait_for_workers(client, pool, WORKERS)
            deployment = client.read_deployment_by_name("ingest-submission/on-demand")
            submitted = time.monotonic()
            runs = [client.create_flow_run_from_deployment(
                        deployment.id, parameters={"path": str(p), "archive_dir": str(tmp_path / "raw")}).id
                    for p in files]
            deadline = submitted + RUNS_TIMEOUT
            while True:
                states = {run: client.read_flow_run(run).state for run in runs}
                if all(s.is_final() for s in states.values()) or time.monotonic() > deadline:
                    break
                time.sleep(1)
        finished = time.monotonic()
    finally:
        for process in reversed(processes):
            stop(process)

    print(f"\nserver start {server_ready - started:.1f} s, {len(runs)} runs in {finished - submitted:.1f} s, "
          f"total {time.monotonic() - started:.1f} s")
    assert all(s.is_completed() for s in states.values()), {str(r): s.type for r, s in states.items()}
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(submissions.c.sha256, submissions.c.status)).all()
    finally:
        engine.dispose()
    assert sorted(sha for sha, _ in rows) == sorted(sha256_of(p) for p in files)
    assert {status for _, status in rows} == {"loaded"}
    # a run's own log line "View at …/flow-run/<id>" is printed by the worker that executed it
    taken = {n: {str(r) for r in runs if f"flow-run/{r}" in (logs / f"w{n}.log").read_text()} for n in range(WORKERS)}
    assert set().union(*taken.values()) == {str(r) for r in runs}
    assert not set.intersection(*taken.values())
    assert all(taken.values()), f"a worker took no run: {taken}"
