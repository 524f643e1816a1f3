"""Reader of the XML form of a DSN (``<n4ds:DSN>``, one element per block and per rubrique), streamed with lxml.

Rubrique elements (``n4ds:S21_G00_30_001``) become rows; a block element (``n4ds:S21_G00_30``) marks the
start of a new instance explicitly. Dates rewritten as ISO by the platform keep their original JJMMAAAA
in ``originalValue``, which is what is read.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from .issues import SyntaxIssue, issue
from .raw import RawRubriques
from .source import Source

_ELEMENT = re.compile(r"^S(\d\d)_G(\d\d)_(\d\d)(?:_(\d{3}))?$")
_CHUNK = 1 << 20  # bytes fed to the parser at a time


def _events(data) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) pairs of ``data`` fed in chunks, then an ``XMLSyntaxError`` if the XML breaks.

    Every event parsed before the error comes first, whatever the lxml version: a pull parser keeps the events
    of a chunk whose ``feed`` raises. A file cut short fails at ``close``; the end events libxml2 2.14 then makes
    up for the elements left open are not read (a cut value is not a value). No DTD, no entity from outside the
    file, no network.
    """
    parser = etree.XMLPullParser(events=("start", "end"), huge_tree=True, remove_comments=True,
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


def read_xml(source: Source) -> tuple[RawRubriques, list[SyntaxIssue]]:
    """Stream the XML file into rubrique rows (source line, code, value) with explicit instance starts.

    A malformed file keeps the rubriques read before the error, which is reported with its line.
    """
    rows: list[tuple[int, str, str]] = []
    starts: list[bool] = []
    issues: list[SyntaxIssue] = []
    pending_start = False
    try:
        for event, element in _events(source.data):
            if not isinstance(element.tag, str):
                continue
            name = etree.QName(element).localname
            match = _ELEMENT.match(name)
            if match is None:
                continue
            code = f"S{match[1]}.G{match[2]}.{match[3]}"
            if match[4] is None:  # a block element
                if event == "start":
                    pending_start = True
                else:
                    element.clear(keep_tail=True)
                continue
            if event == "start":
                continue
            code = f"{code}.{match[4]}"
            value = element.get("originalValue") or element.text
            line = element.sourceline or 0
            if value is None or value == "":
                issues.append(issue("empty_value", line, rubrique=code, raw=etree.tostring(element, encoding="unicode")))
            else:
                rows.append((line, code, value))
                starts.append(pending_start)
                pending_start = False
            element.clear(keep_tail=True)
    except etree.XMLSyntaxError as err:
        line = err.lineno if err.lineno else None
        issues.append(issue("unreadable_line", line, raw=f"XML mal formé : {err.msg}"))
    return RawRubriques.from_rows(rows, starts), issues
