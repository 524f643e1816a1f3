"""``dsn run [DIR] [--db URL] [--lock-timeout S]``: the main job — store the folder's contract referentials
(``fpoc*.xml|yaml``), ingest and validate every DSN file of the folder into the store, then summarise the store
products.

Exit status as ``dsn ingest``: 0, 1 blocking anomaly, 2 unreadable file or bad usage (no such folder, no DSN
file in it, an unusable ``--db``), 3 incomplete.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from .fpoc_command import format_load, load_files
from .ingest_command import DSN_SUFFIXES, exit_status, expand, format_text, ingest_all
from .store_options import add_store_arguments, check_archive, open_store
from .usage import UsageError

DEFAULT_SAMPLES = Path("data/samples")
DEFAULT_REPORTS = Path("var/reports")  # reports.run_reports.RUN_REPORTS


def register(sub) -> None:
    p = sub.add_parser("run", help="traitement principal : stocker et contrôler tous les fichiers DSN d'un dossier",
                       description="Traitement principal : archiver, contrôler et stocker tous les fichiers DSN "
                                   f"({', '.join(DSN_SUFFIXES)}) d'un dossier, puis résumer.")
    p.add_argument("directory", nargs="?", type=Path, default=DEFAULT_SAMPLES, metavar="DOSSIER",
                   help=f"dossier des fichiers DSN (défaut {DEFAULT_SAMPLES})")
    add_store_arguments(p)
    p.add_argument("--quiet", action="store_true", help="sans barre de progression")
    p.add_argument("--reports", type=Path, default=DEFAULT_REPORTS, metavar="DOSSIER",
                   help=f"dossier des rapports HTML écrits après le chargement (défaut {DEFAULT_REPORTS})")
    p.set_defaults(handler=run)


def run(args) -> int:
    if not args.directory.exists():
        raise UsageError(str(args.directory), "dossier introuvable")
    if not args.directory.is_dir():
        raise UsageError(str(args.directory), "ce n'est pas un dossier (dsn ingest prend des fichiers)")
    files = expand([args.directory])
    engine = open_store(args)
    try:
        check_archive(args.archive)
        for outcome in load_files(engine, referential_files(args.directory)):
            print(format_load(outcome))
        results = ingest_all(files, engine, args.archive, "run", None, args.quiet)
        summaries = product_summaries(engine)
    finally:
        engine.dispose()
    for result in results:
        print(format_text(result))
    statuses = Counter(r.status for r in results)
    anomalies = Counter()
    for result in results:
        anomalies.update(result.counts)
    store = engine.url.render_as_string(hide_password=True)
    print(f"{len(results)} fichier(s) traité(s) dans {args.directory} → {store} : "
          f"{statuses['loaded']} stocké(s), {statuses['duplicate']} doublon(s), {statuses['rejected']} rejeté(s), "
          f"{statuses['failed']} en échec ; "
          f"anomalies : {anomalies['blocking']} bloquante(s), {anomalies['warning']} avertissement(s), "
          f"{anomalies['info']} info(s)")
    for line in summaries:
        print(line)
    from reports.run_reports import write_run_reports

    stored = [(r.submission_id, r.path) for r in results if r.submission_id and r.status != "failed"]
    for path in write_run_reports(engine.url.render_as_string(hide_password=False), stored, args.reports):
        print(f"rapport : {path}")
    return exit_status(results)


def referential_files(folder: Path) -> list[Path]:
    """The folder's contract referentials: ``fpoc*.xml``, ``fpoc*.yaml``, ``fpoc*.yml``, sorted."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().startswith("fpoc")
                  and p.suffix.lower() in (".xml", ".yaml", ".yml"))


def product_summaries(engine) -> list[str]:
    """The summary lines of every store product (``run_summary(conn)`` of each product module)."""
    from pipeline.products import available_products, product_module

    with engine.connect() as conn:
        return [line for name in available_products() for line in product_module(name).run_summary(conn)]
