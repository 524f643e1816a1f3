"""Deployments of the flows: served from one process, or registered on a work pool for workers.

``python -m flows.deploy serve`` runs the three deployments in this process (drop-folder poll, 02:00 Europe/Paris
reconciliation, on-demand submission ingestion). ``python -m flows.deploy deploy --pool dsn`` registers them,
from this source tree, on a process work pool whose workers (``prefect worker start --pool dsn``) run them.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from prefect import Flow, serve
from prefect.schedules import Cron, Interval

from flows.ingestion import ingest_folder, ingest_submission
from flows.reconciliation import nightly_reconciliation

SOURCE_ROOT = Path(__file__).resolve().parents[1]
DROP_DIR = "var/drop"
NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Europe/Paris"


@dataclass
class Spec:
    """One deployment: its flow, entrypoint in the source tree, and ``to_deployment``/``deploy`` options."""

    name: str
    flow: Flow
    entrypoint: str
    options: dict = field(default_factory=dict)


def specs(drop_dir: str = DROP_DIR, db_url: str | None = None, poll_seconds: int = 60) -> list[Spec]:
    """The deployments: ``drop-folder`` (polled, never two at once), ``nightly``, ``on-demand``."""
    db = {"db_url": db_url}
    return [
        Spec("drop-folder", ingest_folder, "flows/ingestion.py:ingest_folder",
             {"schedules": [Interval(poll_seconds, timezone=TIMEZONE)], "concurrency_limit": 1,
              "parameters": {"directory": str(Path(drop_dir).resolve()), **db}}),
        Spec("nightly", nightly_reconciliation, "flows/reconciliation.py:nightly_reconciliation",
             {"schedules": [Cron(NIGHTLY_CRON, timezone=TIMEZONE)], "concurrency_limit": 1, "parameters": db}),
        Spec("on-demand", ingest_submission, "flows/ingestion.py:ingest_submission", {"parameters": db}),
    ]


def chosen(all_specs: list[Spec], names: list[str] | None) -> list[Spec]:
    """The specs named (all when ``names`` is empty); an unknown name is an error."""
    unknown = set(names or ()) - {s.name for s in all_specs}
    if unknown:
        raise SystemExit(f"déploiement inconnu : {', '.join(sorted(unknown))}")
    return [s for s in all_specs if not names or s.name in names]


def serve_all(selected: list[Spec], limit: int | None = None) -> None:
    """Serve the deployments from this process until interrupted (schedules run while it lives)."""
    serve(*(s.flow.to_deployment(s.name, **s.options) for s in selected), limit=limit)


def deploy_all(selected: list[Spec], pool: str, source: str | Path = SOURCE_ROOT) -> list[str]:
    """Register the deployments on a process work pool, code pulled from ``source``; their ids."""
    ids = []
    for s in selected:
        remote = s.flow.from_source(source=str(source), entrypoint=s.entrypoint)
        ids.append(str(remote.deploy(s.name, work_pool_name=pool, print_next_steps=False, **s.options)))
    return ids


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows.deploy", description="Déploiements Prefect du pipeline DSN.")
    parser.add_argument("action", choices=("serve", "deploy"))
    parser.add_argument("names", nargs="*", help="déploiements à traiter (défaut : tous) : drop-folder, nightly, on-demand")
    parser.add_argument("--drop", default=DROP_DIR, help="dossier de dépôt surveillé")
    parser.add_argument("--db", default=None, help="URL de la base (défaut : $DSN_DB_URL, sinon DuckDB embarquée)")
    parser.add_argument("--poll", type=int, default=60, help="intervalle de scrutation du dossier de dépôt (s)")
    parser.add_argument("--pool", default="dsn", help="work pool (deploy)")
    parser.add_argument("--source", default=str(SOURCE_ROOT), help="arborescence source des flows (deploy)")
    parser.add_argument("--limit", type=int, default=None, help="exécutions simultanées au plus (serve)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    selected = chosen(specs(args.drop, args.db, args.poll), args.names)
    Path(args.drop).mkdir(parents=True, exist_ok=True)
    if args.action == "serve":
        serve_all(selected, args.limit)
    else:
        for s, deployment_id in zip(selected, deploy_all(selected, args.pool, args.source)):
            print(f"{s.flow.name}/{s.name} {deployment_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
