"""``dsn parse FILE… [--to DIR --tables parquet|csv] [--format text|json]``: read files, write tables.

Exit status: 0 every file read, 2 an unreadable file or bad usage.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .usage import EXIT_OK, EXIT_UNUSABLE, UsageError

NORM_HELP = "forcer une version de norme au lieu de celle déclarée (ex. P25V01)"


def register(sub) -> None:
    p = sub.add_parser("parse", help="lire des fichiers DSN et écrire leurs tables",
                       description="Lire des fichiers DSN (plats, XML, lots) : un résumé par fichier et, avec --to, "
                                   "une table par bloc.")
    p.add_argument("files", nargs="+", type=Path, metavar="FICHIER", help="fichier DSN (plat, XML ou lot)")
    p.add_argument("--to", type=Path, metavar="DOSSIER",
                   help="dossier où écrire une table par bloc (un sous-dossier par fichier s'il y en a plusieurs)")
    p.add_argument("--tables", choices=("parquet", "csv"), default="parquet",
                   help="format des tables écrites (défaut parquet)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="résumé en texte (défaut) ou JSON")
    p.add_argument("--norm", metavar="VERSION", help=NORM_HELP)
    p.set_defaults(handler=run)


def checked_norm(norm: str | None) -> str | None:
    """``--norm`` when a catalog of that version is shipped; a usage error otherwise."""
    from dsn_parser import available_versions

    versions = available_versions()
    if norm is not None and norm not in versions:
        raise UsageError(f"--norm {norm}", f"version de norme inconnue (versions livrées : {', '.join(versions)})")
    return norm


def checked_folder(path: Path | None, argument: str) -> None:
    """A folder to write into: created when missing; a usage error when it cannot be."""
    from dsn_parser.sniff import os_reason

    if path is None:
        return
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"{argument} {path}", f"dossier impossible à créer : {os_reason(err)}") from err


def write_tables(parsed, directory: Path, kind: str) -> list[Path]:
    """Write every block table of ``parsed`` into ``directory`` as parquet or CSV files."""
    from dsn_parser.tables import table_name

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for block, frame in parsed.tables().items():
        path = directory / f"{table_name(block)}.{kind}"
        if kind == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
        written.append(path)
    return written


def format_text(summary: dict) -> str:
    """The human summary of one parsed file."""
    lines = [f"{summary['path']}: norme {summary['norm']} (déclarée {summary['declared_norm']}), "
             f"{summary['encoding']}, {summary['rubriques']} rubriques, "
             f"{summary['syntax_anomalies']} anomalie(s) de syntaxe"]
    lines += [f"  avertissement : {w}" for w in summary["warnings"]]
    for d in summary["declarations"]:
        lines.append(f"  déclaration nature {d['nature']} type {d['type']} SIREN {d['siren']} "
                     f"mois {d['month'] or '-'} : {d['individus']} individu(s)")
    return "\n".join(lines)


def run(args) -> int:
    from dsn_parser import UnreadableFileError, read_dsn

    norm = checked_norm(args.norm)
    checked_folder(args.to, "--to")
    summaries, status = [], EXIT_OK
    for path in args.files:
        try:
            parsed = read_dsn(path, norm=norm)
        except UnreadableFileError as err:
            status = EXIT_UNUSABLE
            summaries.append({"path": str(path), "error": err.reason})
            print(f"{path} : fichier illisible : {err.reason}", file=sys.stderr)
            continue
        summary = parsed.summary()
        if args.to:
            target = args.to / path.stem if len(args.files) > 1 else args.to
            summary["tables"] = [str(p) for p in write_tables(parsed, target, args.tables)]
        summaries.append(summary)
        if args.format == "text":
            print(format_text(summary))
    if args.format == "json":
        print(json.dumps(summaries, ensure_ascii=False, indent=2))
    return status
