"""Entry point of the parser: any DSN file (flat, XML, lot) → ParsedFile."""
from __future__ import annotations

from pathlib import Path

from .catalog import load_catalog, select_catalog
from .flat_reader import read_flat
from .hierarchy import BlockIndex, build_instances
from .issues import UnreadableFileError, issue
from .parsed import VERSION_RUBRIQUE, ParsedFile
from .raw import RawRubriques, block_key
from .source import read_source
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


def read_dsn(path: str | Path, norm: str | None = None) -> ParsedFile:
    """Read a DSN file of any form. ``norm`` forces a catalog version instead of ``S10.G00.00.006``.

    Never raises on bad content (it becomes ``issues``); raises UnreadableFileError only when the file
    cannot be read at all: missing, empty, or without a single readable DSN line.
    """
    source = read_source(path)
    if source.form == "xml":
        raw, issues = read_xml(source)
    else:
        raw, issues = read_flat(source.data)
    issues = source.issues + issues
    if len(raw) == 0:
        raise UnreadableFileError(source.path, f"aucune ligne DSN lisible ({len(issues)} ligne(s) rejetée(s))")
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
    instances, placement = build_instances(raw, blocks, catalog.version)
    issues = sorted(issues + placement, key=lambda i: (i.line or 0))
    raw.compact()  # the values in their own array: the file buffer (mostly rubrique codes) is released
    head = bytes(source.data[:65536])
    return ParsedFile(source.path, source.form, source.encoding, source.size, norms[0] if norms else None,
                      catalog, raw, instances, blocks, issues, warnings,
                      newline="\r\n" if b"\r\n" in head else "\n",
                      final_newline=bytes(source.data[-1:]) == b"\n")
