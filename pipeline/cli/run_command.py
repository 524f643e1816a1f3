"""``dsn run [DIR] [--db URL]``: the main job — ingest and validate every DSN file of a folder into the store.

Exit status as ``dsn ingest``: 0, 1 blocking anomaly, 2 unreadable file or no such folder, 3 incomplete.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipeline.archive import DEFAULT_ARCHIVE
from pipeline.store import DEFAULT_URL

from .ingest_command import EXIT_REJECTED, exit_status, expand, format_text, ingest_all

DEFAULT_SAMPLES = Path("data/samples")


def register(sub) -> None:
    p = sub.add_parser("run", help="traitement principal : stocker et contrôler tous les fichiers DSN d'un dossier")
    p.add_argument("directory", nargs="?", type=Path, default=DEFAULT_SAMPLES)
    p.add_argument("--db", default=DEFAULT_URL, help=f"URL de la base (défaut {DEFAULT_URL})")
    p.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE, help="dossier de l'archive des fichiers bruts")
    p.add_argument("--quiet", action="store_true", help="sans barre de progression")
    p.set_defaults(handler=run)


def run(args) -> int:
    if not args.directory.is_dir():
        print(f"{args.directory}: dossier introuvable")
        return EXIT_REJECTED
    results = ingest_all(expand([args.directory]), args.db, args.archive, "run", None, args.quiet)
    for result in results:
        print(format_text(result))
    statuses = Counter(r.status for r in results)
    anomalies = Counter()
    for result in results:
        anomalies.update(result.counts)
    print(f"{len(results)} fichier(s) traité(s) dans {args.directory} → {args.db} : "
          f"{statuses['loaded']} stocké(s), {statuses['duplicate']} doublon(s), {statuses['rejected']} rejeté(s), "
          f"{statuses['failed']} en échec ; "
          f"anomalies : {anomalies['blocking']} bloquante(s), {anomalies['warning']} avertissement(s), "
          f"{anomalies['info']} info(s)")
    return exit_status(results)
