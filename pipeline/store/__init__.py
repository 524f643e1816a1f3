"""The store: one SQLAlchemy Core schema on DuckDB (embedded default) or PostgreSQL, its Alembic migrations,
fast bulk loads and history queries."""
from .engine import DEFAULT_URL, StoreBusyError, backend, make_engine, normalize_url
from .migrations import current_revision, migrate
from .schema import SCHEMA_VERSION, metadata

__all__ = ["DEFAULT_URL", "SCHEMA_VERSION", "StoreBusyError", "backend", "current_revision", "make_engine",
           "metadata", "migrate", "normalize_url"]
