"""DSN reader: flat text, XML and lot files into the norm hierarchy and typed columnar tables.

Knows nothing of rules or storage. Entry point: :func:`read_dsn`. Importing it changes no process-wide
setting: the commands that read files call :func:`dsn_parser.memory.tune_memory` themselves.

The names below are loaded on first use (PEP 562): importing a light submodule (``dsn_parser.catalog``,
``dsn_parser.columns``) does not load the reader and its numpy, pyarrow, pandas and lxml.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .catalog import Catalog, available_versions, load_catalog, select_catalog
    from .issues import SyntaxIssue, UnreadableFileError
    from .parsed import ParsedFile
    from .reader import read_dsn

_SOURCES = {"Catalog": ".catalog", "available_versions": ".catalog", "load_catalog": ".catalog",
            "select_catalog": ".catalog", "SyntaxIssue": ".issues", "UnreadableFileError": ".issues",
            "ParsedFile": ".parsed", "read_dsn": ".reader"}

__all__ = ["Catalog", "ParsedFile", "SyntaxIssue", "UnreadableFileError", "available_versions", "load_catalog",
           "read_dsn", "select_catalog"]


def __getattr__(name: str):
    if name not in _SOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_SOURCES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
