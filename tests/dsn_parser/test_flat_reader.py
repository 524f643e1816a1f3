"""Flat text form: encodings, line ends, values with apostrophes, and malformed lines as issues."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsn_parser import UnreadableFileError, read_dsn

from .conftest import ENVOI_HEAD

INDIVIDU = ["S21.G00.30.002,'L'ISLE'", "S21.G00.30.004,'Hélène'", "S21.G00.30.019,'0042'"]


def kinds(parsed) -> list[tuple[str, int | None]]:
    return [(i.kind, i.line) for i in parsed.issues]


def test_latin1_is_the_default_and_is_reported(flat_file):
    parsed = read_dsn(flat_file(ENVOI_HEAD + INDIVIDU))
    assert parsed.encoding == "iso-8859-1"
    assert parsed.issues == []
    assert parsed.values_of("S21.G00.30.004") == ["Hélène"]


@pytest.mark.parametrize("encoding,prefix,expected", [("utf-8", b"", "utf-8"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig")])
def test_utf8_is_detected_with_or_without_bom(flat_file, encoding, prefix, expected):
    parsed = read_dsn(flat_file(ENVOI_HEAD + INDIVIDU, encoding=encoding, prefix=prefix))
    assert parsed.encoding == expected
    assert parsed.values_of("S21.G00.30.004") == ["Hélène"]
    assert parsed.issues == []


def test_broken_utf8_bytes_are_replaced_and_reported_with_their_line(flat_file, tmp_path):
    lines = ENVOI_HEAD + INDIVIDU + ["S21.G00.30.006,'01011990'"] * 0
    path = flat_file(lines, encoding="utf-8")
    data = path.read_bytes().replace("Hélène".encode("utf-8"), "Hélène".encode("utf-8") + b"\xff")
    data = data.replace(b"EDITEUR", "ÉDITEUR".encode("utf-8"))
    path.write_bytes(data)
    parsed = read_dsn(path)
    assert parsed.encoding == "utf-8"
    line = next(i for i, text in enumerate(data.split(b"\n"), 1) if b"\xff" in text)
    assert kinds(parsed) == [("undecodable_bytes", line)]
    assert parsed.values_of("S21.G00.30.004") == ["Hélène\ufffd"]


@pytest.mark.parametrize("newline,final", [("\n", True), ("\r\n", True), ("\r\n", False), ("\n", False)])
def test_line_ends_and_missing_final_newline(flat_file, newline, final):
    parsed = read_dsn(flat_file(ENVOI_HEAD + INDIVIDU, newline=newline, final_newline=final))
    assert parsed.issues == []
    assert (parsed.newline, parsed.final_newline) == (newline, final)
    assert parsed.values_of("S21.G00.30.002") == ["L'ISLE"]
    assert parsed.raw.line[-1] == len(ENVOI_HEAD + INDIVIDU)


def test_bare_carriage_return_is_reported(flat_file):
    path = flat_file(ENVOI_HEAD + ["S21.G00.30.002,'A'\rS21.G00.30.004,'B'"] + INDIVIDU[2:])
    parsed = read_dsn(path)
    assert ("bare_cr", len(ENVOI_HEAD) + 1) in kinds(parsed)
    assert parsed.values_of("S21.G00.30.019") == ["0042"]


def test_file_with_carriage_returns_only_is_reported_once_and_read_whole(flat_file):
    """CR line ends throughout: one issue for the file (line 1), and every line read, the first one too."""
    parsed = read_dsn(flat_file(ENVOI_HEAD + INDIVIDU, newline="\r"))
    assert kinds(parsed) == [("bare_cr", 1)]
    assert parsed.raw.line.tolist() == list(range(1, len(ENVOI_HEAD + INDIVIDU) + 1))
    assert parsed.values_of("S10.G00.00.001") == ["LOGICIEL"]


def test_malformed_lines_become_issues_and_reading_goes_on(flat_file):
    lines = ENVOI_HEAD + ["S21.G00.30.002 ,'SPACE'", "S21.G00.30.003,''", "", "S21.G00.30.004,NOQUOTE",
                          "garbage", "S21.G00.3X.005,'1'"] + INDIVIDU[2:]
    parsed = read_dsn(flat_file(lines))
    n = len(ENVOI_HEAD)
    assert kinds(parsed) == [("unreadable_line", n + 1), ("empty_value", n + 2), ("blank_line", n + 3),
                             ("unreadable_line", n + 4), ("unreadable_line", n + 5), ("unreadable_line", n + 6)]
    assert parsed.issues[0].raw == "S21.G00.30.002 ,'SPACE'"
    assert parsed.issues[1].rubrique == "S21.G00.30.003"
    assert parsed.values_of("S21.G00.30.019") == ["0042"]  # the line after the bad ones is read


def test_unknown_block_and_rubrique_are_issues_with_the_rubrique(flat_file):
    lines = ENVOI_HEAD + ["S21.G00.30.002,'A'", "S21.G00.30.777,'X'", "S21.G00.99.001,'Y'", "S21.G00.30.004,'B'"]
    parsed = read_dsn(flat_file(lines))
    n = len(ENVOI_HEAD)
    assert kinds(parsed) == [("unknown_rubrique", n + 2), ("unknown_block", n + 3)]
    assert parsed.issues[0].rubrique == "S21.G00.30.777" and parsed.issues[1].rubrique == "S21.G00.99.001"
    # the unknown rubrique stays in the rows (lossless); the known ones keep their instance
    assert "S21.G00.30.777" in [code for code, _ in parsed.records()]


def test_unknown_norm_version_takes_the_nearest_catalog_with_a_warning(flat_file):
    lines = [line.replace("P25V01", "P29V01") for line in ENVOI_HEAD]
    parsed = read_dsn(flat_file(lines))
    assert parsed.norm == "P26V01" and parsed.declared_norm == "P29V01"
    assert parsed.warnings == ["norme P29V01 inconnue : catalogue le plus proche P26V01 utilisé"]


def test_forced_norm_overrides_the_declared_one(flat_file):
    assert read_dsn(flat_file(ENVOI_HEAD), norm="P24V01").norm == "P24V01"


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file_is_unreadable(tmp_path, content):
    path = tmp_path / "empty.dsn"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match="vide"):
        read_dsn(path)


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFileError) as err:
        read_dsn(tmp_path / "absent.dsn")
    assert "absent.dsn" in str(err.value)


def test_a_file_without_any_dsn_line_is_unreadable_not_a_crash(tmp_path):
    path = tmp_path / "garbage.dsn"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnreadableFileError, match="aucune ligne DSN lisible"):
        read_dsn(path)


def test_one_readable_line_among_garbage_is_read_with_issues(tmp_path):
    path = tmp_path / "mostly_garbage.dsn"
    path.write_bytes(b"\x00\x01garbage\nS10.G00.00.001,'LOGICIEL'\n\xff\xfe\n")
    parsed = read_dsn(path)
    assert parsed.rubrique_count == 1 and [i.line for i in parsed.issues] == [1, 3]


VALUE = st.text(alphabet=st.sampled_from("ABCabc019 '-éèÀçÿ&()*+,./:=@_"), min_size=1, max_size=60).filter(
    lambda v: v.strip() != "")


@settings(max_examples=60, deadline=None)
@given(values=st.lists(VALUE, min_size=1, max_size=5), newline=st.sampled_from(["\n", "\r\n"]))
def test_any_value_is_read_back_exactly(tmp_path_factory, values, newline):
    lines = ENVOI_HEAD + [f"S21.G00.30.{n:03d},'{v}'" for n, v in zip((2, 3, 4, 8, 10), values)]
    path = tmp_path_factory.mktemp("hyp") / "v.dsn"
    path.write_bytes(newline.join(lines).encode("iso-8859-1"))
    parsed = read_dsn(path)
    assert parsed.issues == []
    got = [v for c, v in parsed.records() if c.startswith("S21.G00.30.")]
    assert got == values


@given(text=st.text(alphabet=st.characters(max_codepoint=255), max_size=200))
def test_latin1_transcoding_equals_python_codecs(text):
    from dsn_parser.source import latin1_to_utf8

    assert bytes(latin1_to_utf8(text.encode("iso-8859-1"))) == text.encode("utf-8")
