"""The Arrow memory pool the reader works with: jemalloc, when this pyarrow build has it.

Reading a large file allocates a few large one-off buffers (value arrays, pivoted columns). On the 100,000-
employee benchmark file, pyarrow's default mimalloc pool spent 1 to 3 s of system time on them (page faults
and resets), jemalloc under 1 s, with a lower peak. An operator's own choice, the environment variable
``ARROW_DEFAULT_MEMORY_POOL``, is kept.
"""
from __future__ import annotations

import os

import pyarrow as pa


def prefer_jemalloc() -> str:
    """Make jemalloc Arrow's default pool unless the environment chose one; the name of the pool in use."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow build without jemalloc keeps its default
            pass
    return pa.default_memory_pool().backend_name
