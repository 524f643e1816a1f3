"""Product answers kept between requests while the store does not change.

A product query can take seconds on a large company (the affiliation register is built at query time); the
portal asks the same pages again and again. An answer is kept under its route and parameters together with
the store's generation (:func:`generation`: submissions, referentials and arrêt drafts counted, and today's
date, which the products default to) and served again while that generation holds, for ``ttl`` seconds at
most (a nightly repair of a derived table is seen within that time). Concurrent requests for the same answer
wait for the first one instead of computing it again. Authorization, unmasking and audit run on every
request before the cache is asked.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import date

import sqlalchemy as sa

GENERATION = sa.text("SELECT (SELECT count(*) FROM submissions), (SELECT count(*) FROM referentials), "
                     "(SELECT count(*) FROM arret_drafts), (SELECT count(*) FROM arret_draft_changes)")


def generation(conn: sa.Connection) -> tuple:
    """What a stored product answer depends on beyond its parameters."""
    return (*conn.execute(GENERATION).one(), date.today())


class AnswerCache:
    """At most ``size`` answers, each kept ``ttl`` seconds (0: nothing kept)."""

    def __init__(self, ttl: float = 60.0, size: int = 512):
        self.ttl, self.size = ttl, size
        self._answers: OrderedDict[tuple, tuple[float, tuple, object]] = OrderedDict()
        self._locks: dict[tuple, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, conn: sa.Connection, key: tuple, compute):
        """The answer of ``key`` for the store's current generation, computed by ``compute()`` when missing."""
        if self.ttl <= 0:
            return compute()
        now_generation = generation(conn)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._guard:
                kept = self._answers.get(key)
            if kept is not None and kept[1] == now_generation and time.monotonic() - kept[0] < self.ttl:
                return kept[2]
            answer = compute()
            with self._guard:
                self._answers[key] = (time.monotonic(), now_generation, answer)
                self._answers.move_to_end(key)
                while len(self._answers) > self.size:
                    oldest, _ = self._answers.popitem(last=False)
                    self._locks.pop(oldest, None)
            return answer
