"""What the API is configured with: the store, the archive, the upload limit, token lifetime, e-mail backend."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from pipeline.archive import DEFAULT_ARCHIVE
from pipeline.portal.mail import LogMailer, Mailer
from pipeline.portal.tokens import TOKEN_TTL
from pipeline.store import DEFAULT_URL

UPLOAD_LIMIT = 200 * 1024 * 1024  # bytes


@dataclass
class Settings:
    db_url: str = DEFAULT_URL
    archive_root: Path = DEFAULT_ARCHIVE
    upload_limit: int = UPLOAD_LIMIT
    upload_dir: Path | None = None  # temporary files of uploads (default: the system's)
    token_ttl: timedelta = TOKEN_TTL
    mailer: Mailer = field(default_factory=LogMailer)
    base_url: str = "http://127.0.0.1:8000"  # of the activation links
