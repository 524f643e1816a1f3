"""What a file is when it is not a DSN, and operating-system errors in French."""
from __future__ import annotations

import errno
import gzip
import io
import zipfile

import pytest

from dsn_parser import UnreadableFileError, read_dsn
from dsn_parser.sniff import not_a_dsn, os_reason


def _zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize("content, kind", [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image JPEG, pas une DSN"),
    (b"GIF89a\x01\x00\x01\x00", "image GIF, pas une DSN"),
    (gzip.compress(b"S10.G00.00.001,'x'\n", mtime=0), "archive gzip, pas une DSN"),
    (_zip("envoi.dsn"), "archive zip, pas une DSN"),
    (_zip("xl/workbook.xml"), "classeur Excel (xlsx), pas une DSN"),
    (b"<!DOCTYPE html>\n<html><body>erreur 404</body></html>", "page HTML, pas une DSN"),
    (b"\xef\xbb\xbf<?xml version='1.0'?><!-- note --><ns:Bordereau xmlns:ns='u'/>",
     "XML dont la racine est <ns:Bordereau>, pas une DSN (racine <n4ds:DSN> attendue)"),
    ("S10.G00.00.001,'x'\n".encode("utf-16"), "texte en UTF-16 : une DSN s'écrit en ISO-8859-1 ou en UTF-8"),
])
def test_a_file_of_another_kind_is_named(content, kind, tmp_path):
    path = tmp_path / "envoi.dsn"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError) as err:
        read_dsn(path)
    assert err.value.reason == kind


@pytest.mark.parametrize("head", [
    b"S10.G00.00.001,'x'\ngarbage\n",
    b'<?xml version="1.0"?>\n<n4ds:DSN xmlns:n4ds="http://www.net-entreprises.fr/n4ds">',
    b"BMx not a bitmap",
    b"",
])
def test_text_and_dsn_xml_are_not_named_another_kind(head):
    assert not_a_dsn(head) is None


def test_latin1_content_is_sniffed_on_the_file_bytes():
    transcoded = "\x89PNG\r\n\x1a\n".encode("latin-1").decode("latin-1").encode("utf-8")
    assert not_a_dsn(transcoded, "iso-8859-1") == "image PNG, pas une DSN"


def test_os_errors_have_a_french_lead():
    assert os_reason(FileNotFoundError(errno.ENOENT, "No such file or directory")) == "fichier introuvable"
    assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "accès refusé"
    assert os_reason(OSError(errno.EIO, "Input/output error")) == \
        "erreur du système de fichiers (Input/output error)"
