"""Entry point of the parser: any DSN file (flat, XML, lot) → ParsedFile."""
from __future__ import annotations

from pathlib import Path

from .catalog import load_catalog, select_catalog
from .flat_reader import read_flat
from .hierarchy import BlockIndex, build_instances
from .issues import UnreadableFileError, issue
from .limits import LimitExceeded, Limits
from .parsed import VERSION_RUBRIQUE, ParsedFile
from .raw import RawRubriques, block_key
from .sniff import not_a_dsn
from .source import Source, read_source
from .xml_reader import read_xml

_VERSION_KEY = (block_key(VERSION_RUBRIQUE[:10]), int(VERSION_RUBRIQUE[-3:]))


def declared_norms(raw: RawRubriques) -> list[str]:
    """The distinct ``S10.G00.00.006`` values of a file, in order of appearance."""
    block, number = _VERSION_KEY
    rows = ((raw.block == block) & (raw.number == number)).nonzero()[0]
    seen: list[str] = []
    for value in raw.take(rows).to_pylist():
        if value not in seen:
            seen.append(value)
    return seen


def read_dsn(path: str | Path, norm: str | None = None, limits: Limits | None = None) -> ParsedFile:
    """Read a DSN file of any form. ``norm`` forces a catalog version instead of ``S10.G00.00.006``;
    ``limits`` bounds the input (default: ``Limits.from_environment()``).

    Never raises on bad content (it becomes ``issues``); raises UnreadableFileError only when the file
    cannot be read at all: missing, empty, without a single readable DSN line, or past a file-wide limit.
    """
    try:
        limits = limits or Limits.from_environment()
    except ValueError as err:
        raise UnreadableFileError(path, str(err)) from None
    source = read_source(path, limits)
    try:
        return _parse(source, norm, limits)
    except LimitExceeded as err:
        raise UnreadableFileError(source.path, err.reason) from None


def _parse(source: Source, norm: str | None, limits: Limits) -> ParsedFile:
    if source.form == "xml":
        raw, issues = read_xml(source, limits)
    else:
        raw, issues = read_flat(source.data, limits)
    issues = source.issues + issues
    if len(raw) == 0:
        kind = not_a_dsn(source.data, source.encoding)  # a PDF, an image, an archive, another XML…
        if kind:
            raise UnreadableFileError(source.path, kind)
        first = ""
        if issues:  # the first reason: the XML error, or the kind of the first flat line
            shown = issues[0].raw if source.form == "xml" and issues[0].raw else issues[0].message
            first = f" ; ligne {issues[0].line or '?'} : {shown}"
        raise UnreadableFileError(source.path, f"aucune ligne DSN lisible ({len(issues)} ligne(s) rejetée(s){first})")
    norms = declared_norms(raw)
    warnings: list[str] = []
    if norm:
        catalog = load_catalog(norm)
    else:
        catalog, warning = select_catalog(norms[0] if norms else None)
        if warning:
            warnings.append(warning)
        if len(norms) > 1:
            issues.append(issue("mixed_norms", None, detail=", ".join(norms)))
    blocks = BlockIndex.of(catalog)
    instances, placement = build_instances(raw, blocks, catalog.version, limits)
    issues = sorted(issues + placement, key=lambda i: (i.line or 0))
    raw.compact()  # the values in their own array: the file buffer (mostly rubrique codes) is released
    head = bytes(source.data[:65536])
    return ParsedFile(source.path, source.form, source.encoding, source.size, norms[0] if norms else None,
                      catalog, raw, instances, blocks, issues, warnings,
                      newline="\r\n" if b"\r\n" in head else "\n",
                      final_newline=bytes(source.data[-1:]) == b"\n")
