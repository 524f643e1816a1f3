"""DSN reader: flat text, XML and lot files into the norm hierarchy and typed columnar tables.

Knows nothing of rules or storage. Entry point: :func:`read_dsn`.
"""
from .catalog import Catalog, available_versions, load_catalog, select_catalog
from .issues import SyntaxIssue, UnreadableFileError
from .memory import tune_memory
from .parsed import ParsedFile
from .reader import read_dsn

tune_memory()

__all__ = ["Catalog", "ParsedFile", "SyntaxIssue", "UnreadableFileError", "available_versions", "load_catalog",
           "read_dsn", "select_catalog"]
