"""The reader's Arrow memory pool: jemalloc by default, the environment's choice respected."""
import os
import subprocess
import sys


def _pool_in_fresh_process(env_pool: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if env_pool:
        env["ARROW_DEFAULT_MEMORY_POOL"] = env_pool
    code = "import dsn_parser, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_importing_the_reader_selects_jemalloc():
    assert _pool_in_fresh_process(None) == "jemalloc"


def test_an_operator_choice_of_pool_is_kept():
    assert _pool_in_fresh_process("system") == "system"
