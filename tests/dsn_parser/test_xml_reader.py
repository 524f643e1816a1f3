"""XML form (n4ds): same model as the flat form, source lines kept, malformed XML reported."""
from __future__ import annotations

import json
from xml.sax.saxutils import escape

import pytest

from dsn_parser import UnreadableFileError, read_dsn
from dsn_parser.issues import RAW_SHOWN
from dsn_parser.limits import Limits
from dsn_parser.tree import Node

from .conftest import ENVOI_HEAD, SAMPLES

NS = "http://www.cnav.fr/n4ds"


def to_xml(node: Node) -> str:
    """The n4ds XML element of a tree node (S90 placed as in the platform's form does not matter)."""
    tag = node.block.replace(".", "_")
    body = "".join(f"<n4ds:{c.replace('.', '_')}>{escape(v)}</n4ds:{c.replace('.', '_')}>\n" for c, v in node.rubriques)
    return f"<n4ds:{tag}>\n{body}{''.join(to_xml(child) for child in node.children)}</n4ds:{tag}>\n"


def test_xml_and_flat_forms_give_the_same_tables(flat_file, tmp_path):
    lines = ENVOI_HEAD + ["S21.G00.30.002,'L'ISLE & FILS'", "S21.G00.30.019,'1'", "S21.G00.40.001,'01012024'",
                          "S21.G00.86.001,'01'", "S21.G00.86.002,'03'", "S21.G00.86.001,'02'",
                          "S90.G00.90.001,'27'", "S90.G00.90.002,'1'"]
    flat = read_dsn(flat_file(lines))
    xml_path = tmp_path / "case.xml"
    body = "".join(to_xml(root) for root in flat.tree().roots)
    xml_path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<n4ds:DSN xmlns:n4ds="{NS}">\n{body}</n4ds:DSN>\n',
                        encoding="utf-8")
    xml = read_dsn(xml_path)
    assert xml.form == "xml" and xml.issues == []
    assert xml.tree() == flat.tree()
    for block, frame in flat.tables().items():
        other = xml.tables()[block]
        codes = [c for c in frame.columns if c.startswith("S")]
        assert frame[codes].equals(other[codes]), block


@pytest.mark.needs_shared("samples")
def test_xml_keeps_source_lines():
    parsed = read_dsn(SAMPLES / "InseeFr__ARC__siera_ano.xml")
    text = (SAMPLES / "InseeFr__ARC__siera_ano.xml").read_text(encoding="utf-8").splitlines()
    table = parsed.table("S21.G00.06", typed=False, lines=True)
    line = int(table["S21.G00.06.001#line"].iloc[0])
    assert "<n4ds:S21_G00_06_001>" in text[line - 1]


def test_xml_explicit_block_elements_split_instances(tmp_path):
    """Two S21.G00.86 elements whose rubrique numbers increase stay two instances (the flat form would merge)."""
    path = tmp_path / "two.xml"
    head = "".join(f"<n4ds:{c.replace('.', '_')}>{v}</n4ds:{c.replace('.', '_')}>"
                   for c, v in (line.split(",", 1) for line in ENVOI_HEAD[:7]))
    path.write_text(f'<n4ds:DSN xmlns:n4ds="{NS}"><n4ds:S10_G00_00>{head.replace(chr(39), "")}'
                    "<n4ds:S20_G00_05><n4ds:S20_G00_05_001>01</n4ds:S20_G00_05_001><n4ds:S21_G00_06>"
                    "<n4ds:S21_G00_06_001>552100554</n4ds:S21_G00_06_001><n4ds:S21_G00_11><n4ds:S21_G00_11_001>"
                    "00017</n4ds:S21_G00_11_001><n4ds:S21_G00_30><n4ds:S21_G00_30_002>A</n4ds:S21_G00_30_002>"
                    "<n4ds:S21_G00_86><n4ds:S21_G00_86_001>01</n4ds:S21_G00_86_001></n4ds:S21_G00_86>"
                    "<n4ds:S21_G00_86><n4ds:S21_G00_86_002>02</n4ds:S21_G00_86_002></n4ds:S21_G00_86>"
                    "</n4ds:S21_G00_30></n4ds:S21_G00_11></n4ds:S21_G00_06></n4ds:S20_G00_05></n4ds:S10_G00_00>"
                    "</n4ds:DSN>", encoding="utf-8")
    parsed = read_dsn(path)
    assert len(parsed.table("S21.G00.86")) == 2


def test_malformed_xml_keeps_what_was_read_and_reports_the_line(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(f'<?xml version="1.0"?>\n<n4ds:DSN xmlns:n4ds="{NS}">\n<n4ds:S10_G00_00>\n'
                    "<n4ds:S10_G00_00_001>LOGICIEL</n4ds:S10_G00_00_001>\n<n4ds:S10_G00_00_002>oops\n"
                    "</n4ds:DSN>\n", encoding="utf-8")
    parsed = read_dsn(path)
    assert parsed.values_of("S10.G00.00.001") == ["LOGICIEL"]
    assert [i.kind for i in parsed.issues] == ["unreadable_line"]
    assert parsed.issues[0].line == 6 and "XML" in parsed.issues[0].raw


def test_truncated_xml_keeps_what_was_read_and_reports_the_last_line(tmp_path):
    path = tmp_path / "truncated.xml"
    path.write_text(f'<?xml version="1.0"?>\n<n4ds:DSN xmlns:n4ds="{NS}">\n<n4ds:S10_G00_00>\n'
                    "<n4ds:S10_G00_00_001>LOGICIEL</n4ds:S10_G00_00_001>\n<n4ds:S10_G00_00_002>EDI", encoding="utf-8")
    parsed = read_dsn(path)
    assert parsed.values_of("S10.G00.00.001") == ["LOGICIEL"] and parsed.values_of("S10.G00.00.002") == []
    assert [(i.kind, i.line) for i in parsed.issues] == [("unreadable_line", 5)]


def test_error_after_the_first_chunk_keeps_every_rubrique_before_it(tmp_path):
    path = tmp_path / "long.xml"
    rubriques = "".join(f"<n4ds:S21_G00_30><n4ds:S21_G00_30_002>NOM{i}</n4ds:S21_G00_30_002></n4ds:S21_G00_30>\n"
                        for i in range(30_000))  # about 2.6 MB: several chunks of the reader
    path.write_text(f'<n4ds:DSN xmlns:n4ds="{NS}">\n{rubriques}<n4ds:S21_G00_30_004>X</n4ds:DSN>\n',
                    encoding="utf-8")
    parsed = read_dsn(path)
    assert len(parsed.values_of("S21.G00.30.002")) == 30_000
    assert [i.line for i in parsed.issues if i.kind == "unreadable_line"] == [30_002]


def test_external_entities_are_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    path = tmp_path / "entity.xml"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE n4ds:DSN [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
                    f'<n4ds:DSN xmlns:n4ds="{NS}"><n4ds:S10_G00_00><n4ds:S10_G00_00_001>LOGICIEL</n4ds:S10_G00_00_001>'
                    "<n4ds:S10_G00_00_002>&x;</n4ds:S10_G00_00_002></n4ds:S10_G00_00></n4ds:DSN>\n", encoding="utf-8")
    parsed = read_dsn(path)
    assert parsed.values_of("S10.G00.00.001") == ["LOGICIEL"]
    assert not any("SECRET" in v for v in parsed.values_of("S10.G00.00.002"))


def _envoi(inner: str, declaration: str = f'xmlns:n4ds="{NS}"') -> str:
    return (f'<?xml version="1.0"?>\n<n4ds:DSN {declaration}>\n<n4ds:S10_G00_00>\n'
            "<n4ds:S10_G00_00_001>LOGICIEL</n4ds:S10_G00_00_001>\n" f"{inner}</n4ds:S10_G00_00>\n</n4ds:DSN>\n")


@pytest.mark.parametrize("element", ["<zz:S10_G00_00_002>EDI</zz:S10_G00_00_002>",
                                     "<n4ds:S10_G00_00_002 xx:originalValue='1'>EDI</n4ds:S10_G00_00_002>",
                                     "<:S10_G00_00_002>EDI</:S10_G00_00_002>"], ids=["element", "attribute", "empty"])
def test_undeclared_prefix_is_a_syntax_issue_of_its_line(tmp_path, element):
    path = tmp_path / "prefix.xml"
    path.write_text(_envoi(element + "\n<n4ds:S10_G00_00_003>1.0</n4ds:S10_G00_00_003>\n"), encoding="utf-8")
    parsed = read_dsn(path)
    assert parsed.values_of("S10.G00.00.001") == ["LOGICIEL"]
    assert [(i.kind, i.line) for i in parsed.issues] == [("unreadable_line", 5)]
    assert "XML mal formé" in parsed.issues[0].raw


def test_undeclared_root_prefix_makes_the_file_unreadable_in_one_french_line(tmp_path, capsys):
    from pipeline.cli import main

    path = tmp_path / "prefix.xml"
    path.write_text(_envoi("", declaration=""), encoding="utf-8")
    with pytest.raises(UnreadableFileError) as caught:
        read_dsn(path)
    assert "aucune ligne DSN lisible" in caught.value.reason and "XML mal formé" in caught.value.reason
    assert "\n" not in caught.value.reason
    assert main(["validate", str(path), "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)[0]["error"] == caught.value.reason and "Traceback" not in err


def test_a_value_over_the_limit_is_an_issue_of_its_line(tmp_path):
    path = tmp_path / "long.xml"
    path.write_text(_envoi(f"<n4ds:S10_G00_00_002>{'A' * 2000}</n4ds:S10_G00_00_002>\n"
                           "<n4ds:S10_G00_00_003>1.0</n4ds:S10_G00_00_003>\n"), encoding="utf-8")
    parsed = read_dsn(path, limits=Limits(max_value_bytes=1000))
    assert parsed.values_of("S10.G00.00.003") == ["1.0"] and parsed.values_of("S10.G00.00.002") == []
    assert [(i.kind, i.line, i.rubrique) for i in parsed.issues] == [("value_too_long", 5, "S10.G00.00.002")]
    assert "2 000 octets" in parsed.issues[0].message and len(parsed.issues[0].raw) <= RAW_SHOWN + 1


def test_a_text_node_over_libxml2_bound_is_a_syntax_issue(tmp_path):
    """No ``huge_tree``: libxml2 refuses a text node over 10 MB (a DSN value is at most 420 characters)."""
    path = tmp_path / "huge.xml"
    path.write_text(_envoi(f"<n4ds:S10_G00_00_002>{'A' * 10_000_001}</n4ds:S10_G00_00_002>\n"), encoding="utf-8")
    parsed = read_dsn(path, limits=Limits(max_value_bytes=20 << 20))
    assert parsed.values_of("S10.G00.00.001") == ["LOGICIEL"] and parsed.values_of("S10.G00.00.002") == []
    assert [i.kind for i in parsed.issues] == ["unreadable_line"]


def test_many_rubriques_past_the_limit_make_the_file_unreadable(tmp_path):
    path = tmp_path / "many.xml"
    path.write_text(_envoi("<n4ds:S10_G00_00_002>EDI</n4ds:S10_G00_00_002>\n" * 50), encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="max_lines"):
        read_dsn(path, limits=Limits(max_lines=20))
