"""What a file is when it cannot be read as a DSN, for the one-line reason of ``UnreadableFileError``.

:func:`not_a_dsn` names the kind of a file by its first bytes (PDF, image, archive, office document, UTF-16
text, XML or HTML whose root is not ``n4ds:DSN``); :func:`os_reason` says an operating-system error in French.
"""
from __future__ import annotations

import errno
import re

_SIGNATURES = (
    (b"%PDF", "document PDF"),
    (b"\x89PNG\r\n\x1a\n", "image PNG"),
    (b"\xff\xd8\xff", "image JPEG"),
    (b"GIF87a", "image GIF"),
    (b"GIF89a", "image GIF"),
    (b"II*\x00", "image TIFF"),
    (b"MM\x00*", "image TIFF"),
    (b"BM", None),  # BMP only with its header size check below
    (b"PK\x03\x04", "archive zip"),
    (b"PK\x05\x06", "archive zip (vide)"),
    (b"\x1f\x8b", "archive gzip"),
    (b"BZh", None),  # bzip2 only with a block size digit
    (b"\xfd7zXZ\x00", "archive xz"),
    (b"7z\xbc\xaf\x27\x1c", "archive 7z"),
    (b"Rar!\x1a\x07", "archive RAR"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "document Office (doc, xls)"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UTF16 = "texte en UTF-16 : une DSN s'écrit en ISO-8859-1 ou en UTF-8"
_ZIP_KINDS = ((b"xl/", "classeur Excel (xlsx)"), (b"word/", "document Word (docx)"),
              (b"ppt/", "présentation PowerPoint (pptx)"), (b"opendocument", "document OpenDocument"))
_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S | re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_HEAD = 4096


def not_a_dsn(data, encoding: str = "ascii") -> str | None:
    """The kind of a file when it is plainly not a DSN (« document PDF, pas une DSN »), else None (a text
    file that only failed to be read: the reader says why). ``data`` is the file's content as the source
    holds it: ISO-8859-1 content was transcoded to UTF-8 and is turned back into the file's bytes."""
    head = bytes(data[:2 * _HEAD])
    if encoding == "iso-8859-1":
        head = head.decode("utf-8", "ignore").encode("latin-1", "replace")
    head = head[:_HEAD]
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            kind = kind or _checked(signature, head)
            if kind == "archive zip":
                kind = next((k for marker, k in _ZIP_KINDS if marker in head), kind)
            if kind == "UTF-16":
                return _UTF16
            if kind:
                return f"{kind}, pas une DSN"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _xml_root(head)
    return None


def _checked(signature: bytes, head: bytes) -> str | None:
    if signature == b"BZh" and head[3:4].isdigit():
        return "archive bzip2"
    if signature == b"BM" and len(head) >= 14 and head[6:10] == b"\x00\x00\x00\x00":
        return "image BMP"
    return None


def _xml_root(head: bytes) -> str | None:
    """« XML dont la racine est <x> » when the root element is not ``DSN`` (of the n4ds namespace)."""
    match = _ROOT.match(head, _PROLOG.match(head).end())
    if match is None:
        return None
    prefix, name = (match[1] or b"").decode("ascii"), match[2].decode("ascii")
    if name == "DSN":
        return None
    if name.lower() == "html":
        return "page HTML, pas une DSN"
    return f"XML dont la racine est <{prefix}{name}>, pas une DSN (racine <n4ds:DSN> attendue)"


_OS_REASONS = {
    errno.ENOENT: "fichier introuvable",
    errno.EACCES: "accès refusé",
    errno.EPERM: "accès refusé",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "chemin invalide : un élément du chemin n'est pas un dossier",
    errno.EEXIST: "chemin invalide : un élément du chemin existe et n'est pas un dossier",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "espace disque insuffisant",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ELOOP: "trop de liens symboliques",
}


def os_reason(err: OSError) -> str:
    """An operating-system error in French: « fichier introuvable », or a French lead with the system's text."""
    reason = _OS_REASONS.get(err.errno)
    return reason or f"erreur du système de fichiers ({err.strerror or err})"
