"""DSN reader: flat text, XML and lot files into the norm hierarchy and typed columnar tables.

Knows nothing of rules or storage. Entry point: :func:`read_dsn`. Importing it changes no process-wide
setting: the commands that read files call :func:`dsn_parser.memory.tune_memory` themselves.
"""
from .catalog import Catalog, available_versions, load_catalog, select_catalog
from .issues import SyntaxIssue, UnreadableFileError
from .parsed import ParsedFile
from .reader import read_dsn

__all__ = ["Catalog", "ParsedFile", "SyntaxIssue", "UnreadableFileError", "available_versions", "load_catalog",
           "read_dsn", "select_catalog"]
