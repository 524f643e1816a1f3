"""Process-wide memory settings of the reader: applied on import, the environment's choices kept."""
import json
import os
import subprocess
import sys

_PROBE = ("import json, dsn_parser, pyarrow; from numpy._core.multiarray import _get_madvise_hugepage; "
          "print(json.dumps([pyarrow.default_memory_pool().backend_name, _get_madvise_hugepage()]))")


def _settings_in_fresh_process(**env_vars: str) -> list:
    env = {k: v for k, v in os.environ.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL", "NUMPY_MADVISE_HUGEPAGE")}
    env.update(env_vars)
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_importing_the_reader_selects_jemalloc_and_no_huge_page_advice():
    assert _settings_in_fresh_process() == ["jemalloc", False]


def test_an_operator_choice_is_kept():
    assert _settings_in_fresh_process(ARROW_DEFAULT_MEMORY_POOL="system", NUMPY_MADVISE_HUGEPAGE="1") == \
        ["system", True]
