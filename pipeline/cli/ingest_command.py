"""``dsn ingest PATH… [--db URL] [--lock-timeout S] [--format text|json] [--quiet]``: archive, validate and
store DSN files.

Exit status, the worst of the files: 0 every file accepted, 1 a blocking anomaly (a stored submission with
blocking anomalies is still a rejected DSN), 2 an unreadable or missing file, or bad usage (a folder without
DSN files, an unusable ``--db``), 3 incomplete (a file not stored because of a fault of the archive or the
store — run again to complete it — or a rule that could not run on a file).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from .store_options import add_store_arguments, check_archive, open_store
from .usage import EXIT_BLOCKING, EXIT_INCOMPLETE, EXIT_OK, EXIT_UNUSABLE, UsageError

DSN_SUFFIXES = (".dsn", ".xml", ".txt")
STATUS_WORDS = {"loaded": "stocké", "duplicate": "doublon", "rejected": "rejeté", "failed": "en échec"}


def register(sub) -> None:
    p = sub.add_parser("ingest", help="archiver, contrôler et stocker des fichiers DSN",
                       description="Archiver, contrôler et stocker des fichiers DSN (une soumission par fichier, "
                                   "un fichier déjà stocké est un doublon).")
    p.add_argument("paths", nargs="+", type=Path, metavar="CHEMIN",
                   help=f"fichier, ou dossier (ses fichiers {', '.join(DSN_SUFFIXES)})")
    add_store_arguments(p)
    p.add_argument("--source", default="cli", help="origine déclarée des fichiers (défaut cli)")
    p.add_argument("--uploader", metavar="DÉPOSANT", help="déposant des fichiers")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="une ligne par fichier (text, défaut) ou JSON")
    p.add_argument("--quiet", action="store_true", help="sans barre de progression")
    p.set_defaults(handler=run)


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for its DSN files (flat or XML, sorted), FPOC sheets left out.

    A folder without any DSN file is a usage error (nothing would be done).
    """
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DSN_SUFFIXES
                           and not p.name.startswith("fpoc"))
            if not found:
                raise UsageError(str(path), f"aucun fichier DSN ({', '.join(DSN_SUFFIXES)}) dans ce dossier")
            files += found
        else:
            files.append(path)
    return files


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal and not asked to be quiet."""

    def __init__(self, total: int, quiet: bool = False, width: int = 30):
        self.total, self.width, self.done = total, width, 0
        self.enabled = not quiet and sys.stderr.isatty() and total > 0
        self.start = time.monotonic()

    def step(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        filled = self.width * self.done // self.total
        elapsed = time.monotonic() - self.start
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
                         f"{elapsed:5.1f}s {label[-40:]:<40}")
        if self.done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def format_text(result) -> str:
    """One human line per file, its status in French (the JSON keeps the stable English values)."""
    word = STATUS_WORDS.get(result.status, result.status)
    if result.status == "failed":
        return f"{result.path}: {word} (non stocké) : {result.error}"
    counts = result.counts
    line = (f"{result.path}: {word} (soumission {result.submission_id or '-'}, "
            f"{counts['blocking']} bloquante(s), {counts['warning']} avertissement(s), {counts['info']} info(s))")
    return f"{line} : {result.error}" if result.error else line


def ingest_all(files: list[Path], store, archive: Path, source: str, uploader: str | None, quiet: bool) -> list:
    """Ingest ``files`` in order into ``store`` (an engine or a URL) with a progress bar; a missing file is a
    rejected result, and a file the archive or the store could not take is a failed one: the batch goes on."""
    from pipeline.ingest import IngestResult, ingest_path

    progress = Progress(len(files), quiet)
    results = []
    for path in files:
        if not path.is_file():
            results.append(IngestResult(str(path), "", None, "rejected", error="fichier introuvable"))
        else:
            try:
                results.append(ingest_path(path, store, source=source, uploader=uploader, archive_root=archive))
            except Exception as err:  # disk full, store locked or unreachable…: this file's result
                results.append(IngestResult.failed(path, err))
        progress.step(path.name)
    return results


def exit_status(results: list) -> int:
    """The worst status of the files (see the module docstring)."""
    def of(result) -> int:
        if result.status == "failed" or not result.complete:
            return EXIT_INCOMPLETE
        if result.status == "rejected":
            return EXIT_UNUSABLE
        return EXIT_BLOCKING if result.counts["blocking"] else EXIT_OK
    return max(map(of, results), default=EXIT_OK)


def run(args) -> int:
    files = expand(args.paths)
    engine = open_store(args)
    try:
        check_archive(args.archive)
        results = ingest_all(files, engine, args.archive, args.source, args.uploader, args.quiet)
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            print(format_text(result))
    return exit_status(results)
