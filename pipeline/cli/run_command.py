"""``dsn run [DIR]``: the main job on the embedded default, over the project's samples."""
from __future__ import annotations

from pathlib import Path

from dsn_parser import UnreadableFileError, read_dsn

from .parse_command import format_text

DEFAULT_SAMPLES = Path("data/samples")
DSN_SUFFIXES = {".dsn", ".xml", ".txt"}


def register(sub) -> None:
    p = sub.add_parser("run", help="traitement principal : tous les fichiers DSN d'un dossier")
    p.add_argument("directory", nargs="?", type=Path, default=DEFAULT_SAMPLES)
    p.set_defaults(handler=run)


def dsn_files(directory: Path) -> list[Path]:
    """DSN files of a folder (flat or XML), sorted by name; FPOC sheets and docs are left out."""
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and p.suffix.lower() in DSN_SUFFIXES and not p.name.startswith("fpoc"))


def run(args) -> int:
    files = dsn_files(args.directory)
    status = 0
    for path in files:
        try:
            print(format_text(read_dsn(path).summary()))
        except UnreadableFileError as err:
            print(f"{path}: illisible : {err.reason}")
            status = 2
    print(f"{len(files)} fichier(s) traité(s) dans {args.directory}")
    return status
