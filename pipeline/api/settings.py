"""What the API is configured with: the store, the archive, the upload limit and queue threshold, the drop
folder, token lifetime, e-mail backend."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from pipeline.archive import DEFAULT_ARCHIVE
from pipeline.portal.mail import LogMailer, Mailer
from pipeline.portal.tokens import TOKEN_TTL
from pipeline.store import DEFAULT_URL

UPLOAD_LIMIT = 200 * 1024 * 1024  # bytes
QUEUE_THRESHOLD = 20 * 1024 * 1024  # bytes: larger uploads are queued for the ingest flow
DROP_DIR = Path("var/drop")  # the drop folder the ingest flow polls
QUEUE_DIR = Path("var/portal-queue")  # records of the queued uploads


@dataclass
class Settings:
    db_url: str = DEFAULT_URL
    archive_root: Path = DEFAULT_ARCHIVE
    upload_limit: int = UPLOAD_LIMIT
    upload_dir: Path | None = None  # temporary files of uploads (default: the system's)
    queue_threshold: int = QUEUE_THRESHOLD
    drop_dir: Path = DROP_DIR
    queue_dir: Path = QUEUE_DIR
    token_ttl: timedelta = TOKEN_TTL
    cache_ttl: float = 60.0  # seconds a product answer is kept while the store is unchanged (0: never)
    caller_ttl: float = 10.0  # seconds a token's habilitations are kept (pipeline.api.callers; 0: never)
    mailer: Mailer = field(default_factory=LogMailer)
    base_url: str = "http://127.0.0.1:8000"  # of the activation links
