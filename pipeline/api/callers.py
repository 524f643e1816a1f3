"""Authenticated callers kept between requests: the token is checked in the store on every request, the caller's
companies and habilitations are read once per token.

Every request looks its bearer token up (one point query on ``portal_tokens``), so a logout, a password change
or an expiry is refused at once. What the token's user may do (:class:`~pipeline.portal.habilitations.Caller`:
account, portfolio, habilitations; three queries) is kept under the token's digest for ``ttl`` seconds at most,
and dropped as soon as a transaction of the app's engine that changed users, portfolios or habilitations ends
(:func:`watch`): a habilitation granted or withdrawn through the API applies to the next request. A change made
by another process is seen within ``ttl``.
"""
from __future__ import annotations

import re
import threading
import time

import sqlalchemy as sa

from pipeline.portal.habilitations import Caller, load_caller
from pipeline.portal.tokens import digest, token_user

PORTAL_CHANGE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b.*\bportal_(users|portfolios|habilitations)\b",
                           re.IGNORECASE | re.DOTALL)
CHANGED = "portal_callers_changed"  # flag on a pooled connection's info until it is checked in


class CallerCache:
    """At most ``size`` callers, each kept ``ttl`` seconds (0: read on every request)."""

    def __init__(self, ttl: float = 10.0, size: int = 4096):
        self.ttl, self.size = ttl, size
        self._callers: dict[str, tuple[float, int, Caller]] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def caller(self, conn: sa.Connection, token: str) -> Caller:
        """The caller of a valid bearer token (401 otherwise: unknown, expired, revoked, inactive account)."""
        user_id, key = token_user(conn, token), digest(token)
        with self._lock:
            generation, kept = self._generation, self._callers.get(key)
        if kept is not None and kept[1] == generation and time.monotonic() - kept[0] < self.ttl:
            return kept[2]
        caller = load_caller(conn, user_id)
        if self.ttl > 0:
            with self._lock:
                if len(self._callers) >= self.size:
                    self._callers.clear()
                self._callers[key] = (time.monotonic(), generation, caller)
        return caller

    def changed(self) -> None:
        """Forget every kept caller (users, portfolios or habilitations changed)."""
        with self._lock:
            self._generation += 1
            self._callers.clear()


def watch(engine: sa.Engine, cache: CallerCache) -> None:
    """Drop the kept callers whenever a connection of ``engine`` that wrote to the portal's user tables goes back
    to the pool (after its transaction ended)."""
    @sa.event.listens_for(engine, "after_cursor_execute")
    def _mark(conn, _cursor, statement, _parameters, _context, _executemany):
        if PORTAL_CHANGE.match(statement):
            conn.info[CHANGED] = True

    @sa.event.listens_for(engine.pool, "checkin")
    def _checked_in(_dbapi_connection, record):
        if record is not None and record.info.pop(CHANGED, False):
            cache.changed()
