"""A drop folder polled for DSN files: which files are complete, and filing each one away with its report.

A file is taken once complete: a regular file (a link, device or pipe is refused and never read) with a final
name (a sender writes ``x.dsn.part`` or ``x.dsn.tmp`` then renames it), whose size and mtime did not change over
the settle time, and whose content is whole: a flat DSN whose every envoi ends with its ``S90.G00.90.001`` line
count, an XML file ending with the closing tag of its root. A file still incomplete after ``incomplete_timeout``
seconds without a change is quarantined, never stored half. A hidden file (leading dot) is not taken and is
reported at each poll. After its ingestion a file goes to ``archive/`` (loaded, duplicate) or ``quarantine/``
(anything else) with ``<name>.report.json`` beside it; a name already taken gets ``.1``, ``.2``…, a name too long
for that is shortened. One file's failure, even to be filed away, is that file's report: the poll goes on.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ARCHIVE = "archive"
QUARANTINE = "quarantine"
TEMPORARY_SUFFIXES = (".part", ".tmp")
REPORT_SUFFIX = ".report.json"
INCOMPLETE_TIMEOUT = 3600.0
_CHUNK = 1 << 20
_NAME_MAX = 255  # bytes of one file name (ext4, xfs, btrfs…)
_COPY_SUFFIX = ".99999"  # room kept for the number of a name already taken
_FLAT = re.compile(rb"(?:\xef\xbb\xbf)?S\d\d\.G\d\d\.\d\d\.\d{3},")
_XML = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<")
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """A file of the drop folder not taken, and why (French)."""

    path: Path
    reason: str


@dataclass
class Survey:
    """What one look at the drop folder found."""

    ready: list[Path] = field(default_factory=list)  # complete, in arrival order (mtime, then name)
    refused: list[Entry] = field(default_factory=list)  # not regular files: quarantined unread
    abandoned: list[Entry] = field(default_factory=list)  # incomplete and unchanged too long: quarantined
    hidden: list[Entry] = field(default_factory=list)  # leading dot: reported, left in place
    waiting: list[Entry] = field(default_factory=list)  # being written or renamed: looked at again next poll


def survey(directory: str | Path, settle_seconds: float = 2.0,
           incomplete_timeout: float = INCOMPLETE_TIMEOUT) -> Survey:
    """Sort the entries of ``directory`` (sub-folders left out) into ready, refused, abandoned, hidden, waiting."""
    found, first = Survey(), {}
    for path in Path(directory).iterdir():
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(info.st_mode):
            continue
        if not stat.S_ISREG(info.st_mode):
            found.refused.append(Entry(path, f"{_kind(info.st_mode)} refusé : seuls les fichiers ordinaires sont pris"))
        elif path.name.startswith("."):
            found.hidden.append(Entry(path, "fichier caché (nom commençant par un point) non pris : renommez-le "
                                            "sans le point initial pour qu'il soit traité"))
        elif path.name.lower().endswith(TEMPORARY_SUFFIXES):
            found.waiting.append(Entry(path, "nom temporaire : en attente de son renommage"))
        else:
            first[path] = (info.st_size, info.st_mtime_ns)
    if first:
        time.sleep(settle_seconds)
    now = time.time_ns()
    for path, signature in sorted(first.items(), key=lambda item: (item[1][1], item[0].name)):
        if _signature(path) != signature:
            found.waiting.append(Entry(path, "en cours d'écriture (taille ou date modifiée)"))
            continue
        try:
            missing = incompleteness(path)
        except FileNotFoundError:
            continue
        except OSError:  # unreadable: taken, so that its ingestion reports why
            missing = None
        if missing is None:
            found.ready.append(path)
        elif (now - signature[1]) / 1e9 > incomplete_timeout:
            found.abandoned.append(Entry(path, f"fichier incomplet, inchangé depuis plus de {incomplete_timeout:g} s "
                                               f"(envoi interrompu ?) : {missing}"))
        else:
            found.waiting.append(Entry(path, f"fichier incomplet : {missing}"))
    return found


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "lien symbolique"
    if stat.S_ISFIFO(mode):
        return "tube nommé"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "périphérique"
    return "fichier spécial"


def _signature(path: Path) -> tuple[int, int] | None:
    """Size and mtime (ns) of a regular file, None when it is gone or was replaced by something else."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def incompleteness(path: str | Path) -> str | None:
    """Why a file's content is not whole (French), None when it is.

    A flat DSN must close every envoi with an ``S90.G00.90.001`` equal to its line count (S10 to S90 lines, as
    DSN-TOT-01 counts them); an XML file must end with the closing tag of its root. Other content (empty, not
    a DSN) is left for the reader to reject.
    """
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
        if _FLAT.match(head):
            handle.seek(0)
            return _flat_incompleteness(handle)
        if _XML.match(head):
            return _xml_incompleteness(handle, head)
    return None


_MARK = re.compile(rb"^(?:S10\.G00\.00\.|S90\.G00\.90\.(\d{3}),'([^'\n]*)')", re.M)


def _flat_incompleteness(handle) -> str | None:
    envois, lines = _flat_envois(handle, b"\n")
    if not lines:
        handle.seek(0)
        envois, lines = _flat_envois(handle, b"\r")  # no LF at all: CR-only line ends, as the reader takes them
    if not envois:
        return "aucun envoi S10 dans le fichier"
    for start, last, declared in envois:
        if last is None:
            return f"envoi de la ligne {start} sans ses lignes de total S90.G00.90"
        if declared is None:
            return f"envoi de la ligne {start} sans S90.G00.90.001"
        if not declared.isdigit() or int(declared) != last - start + 1:
            return (f"envoi de la ligne {start} : {last - start + 1} ligne(s) lues, S90.G00.90.001 en annonce "
                    f"{declared.decode('latin-1')}")
    return None


def _flat_envois(handle, newline: bytes) -> tuple[list[list], int]:
    """``[first line, last S90 line, declared count]`` per envoi, and the line ends, lines split on ``newline``."""
    envois: list[list] = []
    base, carry = 0, b""
    while True:
        chunk = handle.read(_CHUNK)
        data = carry + chunk
        cut = data.rfind(newline) + 1 if chunk else len(data)
        body, carry = data[:cut], data[cut:cut + 256]  # a line's head is all a mark needs: long lines stay cheap
        if newline != b"\n":
            body = body.replace(newline, b"\n")
        position, line = 0, base
        for match in _MARK.finditer(body):
            line += body.count(b"\n", position, match.start())
            position = match.start()
            if match.group(1) is None:  # an S10 line: a new envoi unless one is open
                if not envois or envois[-1][1] is not None:
                    envois.append([line + 1, None, None])
            elif envois:
                envois[-1][1] = line + 1
                if match.group(1) == b"001":
                    envois[-1][2] = match.group(2)
        base += body.count(b"\n")
        if not chunk:
            return envois, base


def _xml_incompleteness(handle, head: bytes) -> str | None:
    root = re.search(rb"<([A-Za-z_][\w.:-]*)[^>]*?(/?)>", re.sub(rb"<[?!][^>]*>", b"", head))
    if root is None:
        return "début de l'élément racine introuvable"
    if root.group(2):
        return None  # <root/>: nothing else to wait for
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - (1 << 16)))
    tail = handle.read()
    closing = re.search(rb"</" + re.escape(root.group(1)) + rb"\s*>(?:\s|<!--.*?-->|<\?.*?\?>)*\Z", tail, re.S)
    return None if closing else f"balise fermante </{root.group(1).decode('latin-1')}> absente en fin de fichier"


def file_away(path: str | Path, outcome: dict, details: dict | None = None) -> Path:
    """Move ``path`` to ``archive/`` (loaded, duplicate) or ``quarantine/`` with its JSON report; the new path.

    The report is ``outcome`` plus ``details`` (the stored submission…), the original path and where the file
    went. The move is a rename: a link or device is moved as such, never read.
    """
    source = Path(path)
    folder = source.parent / (ARCHIVE if outcome.get("status") in ("loaded", "duplicate") else QUARANTINE)
    folder.mkdir(exist_ok=True)
    target = free_name(folder, source.name)
    report = {**outcome, **(details or {}), "path": str(source), "archived_as": str(target)}
    report_path = target.with_name(target.name + REPORT_SUFFIX)
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8",
                           errors="backslashreplace")
    if stat.S_ISREG(source.lstat().st_mode):
        shutil.move(source, target)
    else:
        os.rename(source, target)
    return target


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name.1``, ``.2``… when taken (nothing is overwritten); a name too long to take
    that and its report suffix is shortened, a digest of the full name keeping it distinct."""
    name = _bounded(name, _NAME_MAX - len(_COPY_SUFFIX) - len(REPORT_SUFFIX))
    target, n = folder / name, 0
    while target.exists() or target.is_symlink() or target.with_name(target.name + REPORT_SUFFIX).exists():
        n += 1
        target = folder / f"{name}.{n}"
    return target


def _bounded(name: str, limit: int) -> str:
    raw = os.fsencode(name)
    if len(raw) <= limit:
        return name
    suffix = os.fsencode(Path(name).suffix)[:16]
    mark = b"~" + hashlib.sha256(raw).hexdigest()[:12].encode()
    stem = raw[:limit - len(mark) - len(suffix)]
    return os.fsdecode(stem).encode("utf-8", "ignore").decode("utf-8") + os.fsdecode(mark + suffix)


Ingest = Callable[[Path], dict | None]


@dataclass
class Poll:
    """The outcome of one poll: one dict per file handled or reported, and the files that failed."""

    outcomes: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def poll(directory: str | Path, ingest: Ingest, details: Callable[[dict], dict] | None = None,
         settle_seconds: float = 2.0, incomplete_timeout: float = INCOMPLETE_TIMEOUT,
         log: logging.Logger | logging.LoggerAdapter = LOG) -> Poll:
    """Take every complete file of ``directory`` in arrival order, then file it away with its report.

    ``ingest(path)`` returns the outcome as a dict (its ``status``), or None to leave the file for the next poll
    (store busy…); when it raises, the file is quarantined as failed. ``details(outcome)`` adds to the report
    (the stored submission). Refused and abandoned files are quarantined unread, hidden files reported.
    """
    found, result = survey(directory, settle_seconds, incomplete_timeout), Poll()
    for entry in found.waiting:
        log.info("%s : %s", entry.path, entry.reason)
    for entry in found.hidden:
        log.warning("%s : %s", entry.path, entry.reason)
        result.outcomes.append({"path": str(entry.path), "status": "ignored", "error": entry.reason,
                                "archived_as": None})
    unread = [(e, "refused") for e in found.refused] + [(e, "incomplete") for e in found.abandoned]
    for entry, status in unread:
        log.warning("%s : %s", entry.path, entry.reason)
        _file(result, entry.path, {"path": str(entry.path), "status": status, "error": entry.reason}, None, log)
    for path in found.ready:
        try:
            outcome = ingest(path)
        except Exception as err:  # this file's failure: quarantined with the error, the poll goes on
            outcome = {"path": str(path), "status": "failed", "error": f"{type(err).__name__} : {err}"}
        if outcome is None:
            result.failures.append(str(path))
            continue
        if outcome.get("status") == "failed":
            result.failures.append(str(path))
        _file(result, path, outcome, details, log)
    return result


def _file(result: Poll, path: Path, outcome: dict, details: Callable[[dict], dict] | None, log) -> None:
    """File one path away into ``result``; a failure to do so is reported and the file left in place."""
    extra: dict = {}
    if details is not None:
        try:
            extra = details(outcome)
        except Exception as err:
            extra = {"report_error": f"détail de la soumission illisible : {type(err).__name__} : {err}"}
    try:
        archived_as = str(file_away(path, outcome, extra))
    except Exception as err:
        reason = f"classement impossible, fichier laissé en place : {type(err).__name__} : {err}"
        log.error("%s : %s", path, reason)
        result.failures.append(str(path))
        result.outcomes.append({**outcome, "archived_as": None, "filing_error": reason})
        return
    result.outcomes.append({**outcome, "archived_as": archived_as})
