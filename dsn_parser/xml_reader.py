"""Reader of the XML form of a DSN (``<n4ds:DSN>``, one element per block and per rubrique), streamed with lxml.

Rubrique elements (``n4ds:S21_G00_30_001``) become rows; a block element (``n4ds:S21_G00_30``) marks the
start of a new instance explicitly. Dates rewritten as ISO by the platform keep their original JJMMAAAA
in ``originalValue``, which is what is read.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from .issues import RAW_SHOWN, SyntaxIssue, issue
from .limits import Limits, grouped
from .raw import RawRubriques
from .source import Source

_ELEMENT = re.compile(r"^S(\d\d)_G(\d\d)_(\d\d)(?:_(\d{3}))?$")
_CHUNK = 1 << 20  # bytes fed to the parser at a time


def _events(data) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) pairs of ``data`` fed in chunks, then an ``XMLSyntaxError`` if the XML breaks.

    Every event parsed before the error comes first, whatever the lxml version: a pull parser keeps the events
    of a chunk whose ``feed`` raises. A file cut short fails at ``close``; the end events libxml2 2.14 then makes
    up for the elements left open are not read (a cut value is not a value). No DTD, no entity from outside the
    file, no network; libxml2's own bounds stay on (no ``huge_tree``: a text node over 10 MB, or elements nested
    over 256 deep, are a syntax error, while a DSN's values are at most 420 characters and its tree 8 deep).
    """
    parser = etree.XMLPullParser(events=("start", "end"), huge_tree=False, remove_comments=True,
                                 resolve_entities=False, load_dtd=False, no_network=True)
    view = memoryview(data).cast("B")
    try:
        for offset in range(0, len(view), _CHUNK):
            parser.feed(view[offset:offset + _CHUNK].tobytes())
            yield from parser.read_events()
    except etree.XMLSyntaxError:
        yield from parser.read_events()
        raise
    parser.close()
    yield from parser.read_events()


def _local_name(tag: str) -> str | None:
    """The local name of a tag (``{uri}S21_G00_30_001`` or ``S21_G00_30_001``); None for a tag whose prefix was
    never declared (``zz:S21_G00_30_001``, kept as written by lxml), which names no element of the norm."""
    if tag.startswith("{"):
        return tag[tag.index("}") + 1:]
    return None if ":" in tag else tag


def _release(element: etree._Element) -> None:
    """Drop a fully read element and the earlier siblings left in its parent: memory stays that of one path."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def read_xml(source: Source, limits: Limits | None = None) -> tuple[RawRubriques, list[SyntaxIssue]]:
    """Stream the XML file into rubrique rows (source line, code, value) with explicit instance starts.

    A malformed file keeps the rubriques read before the error, which is reported with its line; so is an
    element of an undeclared namespace prefix (not read) and a value longer than ``limits.max_value_bytes``.
    More rubriques than ``limits.max_lines``, or more issues than ``limits.max_syntax_issues``, raise
    LimitExceeded.
    """
    limits = limits or Limits()
    rows: list[tuple[int, str, str]] = []
    starts: list[bool] = []
    issues: list[SyntaxIssue] = []
    pending_start = False
    undeclared: tuple[int, str] | None = None  # first element with an undeclared prefix: (line, tag)
    parse_error = False
    try:
        for event, element in _events(source.data):
            if not isinstance(element.tag, str):
                continue
            name = _local_name(element.tag)
            if name is None:
                if undeclared is None:
                    undeclared = (element.sourceline or 0, element.tag)
                if event == "end":
                    _release(element)
                continue
            match = _ELEMENT.match(name)
            if match is None:
                if event == "end":
                    _release(element)
                continue
            code = f"S{match[1]}.G{match[2]}.{match[3]}"
            if match[4] is None:  # a block element
                if event == "start":
                    pending_start = True
                else:
                    _release(element)
                continue
            if event == "start":
                continue
            code = f"{code}.{match[4]}"
            value = element.get("originalValue") or element.text
            line = element.sourceline or 0
            if value is None or value == "":
                issues.append(issue("empty_value", line, rubrique=code, raw=etree.tostring(element, encoding="unicode")))
            elif len(value) > limits.max_value_bytes // 4 and len(value.encode("utf-8")) > limits.max_value_bytes:
                issues.append(issue("value_too_long", line, rubrique=code, raw=f"{code},'{value[:RAW_SHOWN]}",
                                    length=grouped(len(value.encode("utf-8"))), limit=grouped(limits.max_value_bytes)))
            else:
                rows.append((line, code, value))
                starts.append(pending_start)
                pending_start = False
                if len(rows) > limits.max_lines:
                    limits.check("max_lines", len(rows), "trop de rubriques")
            if len(issues) > limits.max_syntax_issues:
                limits.check("max_syntax_issues", len(issues), "trop de rubriques en erreur de syntaxe")
            _release(element)
    except etree.XMLSyntaxError as err:
        parse_error = True
        line = err.lineno if err.lineno else None
        issues.append(issue("unreadable_line", line, raw=f"XML mal formé : {err.msg}"))
    if undeclared is not None and not parse_error:  # libxml2 reports it as an error; this lxml did not raise
        issues.append(issue("unreadable_line", undeclared[0],
                            raw=f"XML mal formé : préfixe d'espace de noms non déclaré ({undeclared[1]})"))
    return RawRubriques.from_rows(rows, starts), issues
