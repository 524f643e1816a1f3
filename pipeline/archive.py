"""Content-addressed archive of the raw files received: ``<root>/<sha[:2]>/<sha256>``, written once, never modified.

A file is archived before anything else is done with it, so even a file that cannot be read is kept. It is
copied to a temporary ``.incoming-*`` file first; that file is removed whatever happens, and one left behind by
a killed process is removed by the next archiving once it is older than :data:`STALE_AFTER` seconds.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ARCHIVE = Path("var/archive")
_CHUNK = 1 << 20
TEMP_PREFIX = ".incoming-"
STALE_AFTER = 15 * 60.0  # seconds without a write: no live copy is that slow, its process is gone


@dataclass(frozen=True)
class ArchivedFile:
    """A raw file in the archive."""

    sha256: str
    path: Path
    size: int


def sha256_of(path: str | Path) -> str:
    """The SHA-256 (hex) of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def archive_path(sha256: str, root: str | Path = DEFAULT_ARCHIVE) -> Path:
    """Where the file of this digest lives in the archive."""
    return Path(root) / sha256[:2] / sha256


def archive_file(path: str | Path, root: str | Path = DEFAULT_ARCHIVE) -> ArchivedFile:
    """Copy ``path`` into the archive under its digest (kept as is when already there) and return it.

    The bytes are hashed while copied to a temporary file, which is fsynced and then hard-linked into place:
    an archived file is complete or absent, and one already there is never overwritten, even by a
    concurrent process. The temporary file is removed even when the copy fails (disk full…).
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    remove_stale(root)
    digest = hashlib.sha256()
    tmp = tempfile.NamedTemporaryFile(dir=root, prefix=TEMP_PREFIX, delete=False)
    try:
        with tmp, open(path, "rb") as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        sha = digest.hexdigest()
        target = archive_path(sha, root)
        os.chmod(tmp.name, 0o444)
        target.parent.mkdir(exist_ok=True)
        try:
            os.link(tmp.name, target)
        except FileExistsError:
            pass
    finally:
        _unlink(Path(tmp.name))
    return ArchivedFile(sha, target, target.stat().st_size)


def remove_stale(root: str | Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files of ``root`` untouched for ``older_than`` seconds (left by a killed process)."""
    limit, removed = time.time() - older_than, []
    for tmp in Path(root).glob(f"{TEMP_PREFIX}*"):
        try:
            if tmp.lstat().st_mtime < limit:
                tmp.unlink()
                removed.append(tmp)
        except FileNotFoundError:  # removed meanwhile by another process
            continue
    return removed


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
