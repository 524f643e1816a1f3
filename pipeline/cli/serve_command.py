"""``dsn serve [--db URL] [--host 127.0.0.1] [--port 8000]``: the portal's HTTP API (FastAPI under uvicorn).

Exit status 2 on bad usage (an unusable ``--db``, a negative upload limit, a port in use).
"""
from __future__ import annotations

from pathlib import Path

from pipeline.archive import DEFAULT_ARCHIVE

from .store_options import add_db_argument, checked_url
from .usage import UsageError

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
DEFAULT_UPLOAD_MB = 200
DEFAULT_QUEUE_MB = 20


def register(sub) -> None:
    p = sub.add_parser("serve", help="servir l'API HTTP du portail (comptes, dépôts DSN, produits)",
                       description="Servir l'API HTTP JSON du portail (documentation interactive sur /docs).")
    add_db_argument(p)
    p.add_argument("--host", default=DEFAULT_HOST, help=f"adresse d'écoute (défaut {DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port d'écoute (défaut {DEFAULT_PORT})")
    p.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE, metavar="DOSSIER",
                   help=f"dossier de l'archive des fichiers bruts (défaut {DEFAULT_ARCHIVE})")
    p.add_argument("--upload-limit", type=int, default=DEFAULT_UPLOAD_MB, metavar="MO",
                   help=f"taille maximale d'un fichier déposé, en Mo (défaut {DEFAULT_UPLOAD_MB})")
    p.add_argument("--queue-threshold", type=int, default=DEFAULT_QUEUE_MB, metavar="MO",
                   help=f"au-delà de cette taille (Mo, défaut {DEFAULT_QUEUE_MB}), un dépôt est mis en file pour le "
                        "flux d'ingestion au lieu d'être traité pendant la requête")
    p.add_argument("--drop", type=Path, default=Path("var/drop"), metavar="DOSSIER",
                   help="dossier de dépôt scruté par le flux d'ingestion (défaut var/drop)")
    p.add_argument("--cache-ttl", type=float, default=60.0, metavar="SECONDES",
                   help="durée de conservation d'une réponse des produits tant que la base ne change pas "
                        "(défaut 60, 0 : aucune)")
    p.add_argument("--mail-dir", type=Path, metavar="DOSSIER",
                   help="écrire les courriels (liens d'activation) dans ce dossier au lieu du journal")
    p.set_defaults(handler=run)


def run(args) -> int:
    import uvicorn

    from pipeline.api import Settings, create_app
    from pipeline.portal.mail import FileMailer, LogMailer

    if args.upload_limit <= 0:
        raise UsageError("--upload-limit", "un nombre de Mo positif est attendu")
    if args.queue_threshold < 0:
        raise UsageError("--queue-threshold", "un nombre de Mo positif ou nul est attendu")
    if args.cache_ttl < 0:
        raise UsageError("--cache-ttl", "un nombre de secondes positif ou nul est attendu")
    if not 0 < args.port < 65536:
        raise UsageError("--port", "port entre 1 et 65535 attendu")
    url = checked_url(args.db)
    settings = Settings(db_url=url, archive_root=args.archive, upload_limit=args.upload_limit * 1024 * 1024,
                        queue_threshold=args.queue_threshold * 1024 * 1024, drop_dir=args.drop,
                        queue_dir=args.drop.parent / "portal-queue", cache_ttl=args.cache_ttl,
                        mailer=FileMailer(args.mail_dir) if args.mail_dir else LogMailer(),
                        base_url=f"http://{args.host}:{args.port}")
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0
