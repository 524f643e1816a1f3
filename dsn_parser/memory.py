"""Process-wide memory settings the reader works best with, applied by the faces that read files (the ``dsn``
commands that read DSN files, the Prefect flows) through :func:`tune_memory`; importing the library applies
nothing.

Reading a large file allocates a few large, short-lived buffers (line offsets, value arrays, pivoted
columns). Measured on the 100,000-employee benchmark file (2-core machine, see docs/performance.md):

* pyarrow's default mimalloc pool spent 1 to 3 s of system time on them (page faults and resets), jemalloc
  under 1 s, with a lower peak: jemalloc is preferred when the pyarrow build has it;
* numpy's transparent-huge-page advice made the kernel compact memory synchronously on a busy machine
  (up to 3 s of system time for a 2 s read); without it, a read took 2.4 to 3.0 s instead of 3.4 to 4.3 s.

An operator's own choice is kept: ``ARROW_DEFAULT_MEMORY_POOL`` for the Arrow pool, ``NUMPY_MADVISE_HUGEPAGE``
for numpy.
"""
from __future__ import annotations

import os

import pyarrow as pa

try:  # numpy's own switch (numpy 2; numpy 1.x had it under numpy.core)
    from numpy._core.multiarray import _set_madvise_hugepage
except ImportError:  # pragma: no cover - depends on the numpy version installed
    from numpy.core.multiarray import _set_madvise_hugepage


def tune_memory() -> dict[str, object]:
    """Apply the settings above unless the environment chose; what is in use (Arrow pool, numpy huge pages)."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:  # a pyarrow build without jemalloc keeps its default
            pass
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        huge_pages = os.environ["NUMPY_MADVISE_HUGEPAGE"] not in ("0", "")
    else:
        huge_pages = False
        _set_madvise_hugepage(False)
    return {"arrow_pool": pa.default_memory_pool().backend_name, "numpy_huge_pages": huge_pages}
