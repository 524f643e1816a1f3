"""Process-wide memory settings of the reader: nothing on import; applied by the commands that read files,
the environment's choices kept."""
import json
import os
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "mensuelle_P25V01_202501.dsn"
_REPORT = ("import json, pyarrow; from numpy._core.multiarray import _get_madvise_hugepage; "
           "print(json.dumps([pyarrow.default_memory_pool().backend_name, _get_madvise_hugepage()]))")
_IMPORT = "import dsn_parser, pipeline.cli, pipeline.ingest, rules; " + _REPORT
_TUNED = "from dsn_parser.memory import tune_memory; tune_memory(); " + _REPORT
_COMMAND = (f"import contextlib, io; from pipeline.cli import main; "
            f"f = io.StringIO(); ctx = contextlib.redirect_stdout(f); ctx.__enter__(); "
            f"main(['parse', {str(SAMPLE)!r}]); ctx.__exit__(None, None, None); " + _REPORT)


def _settings_in_fresh_process(code: str, **env_vars: str) -> list:
    env = {k: v for k, v in os.environ.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL", "NUMPY_MADVISE_HUGEPAGE")}
    env.update(env_vars)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_library_changes_no_process_wide_setting():
    assert _settings_in_fresh_process(_IMPORT) == _settings_in_fresh_process(_REPORT)


def test_tuning_selects_jemalloc_and_no_huge_page_advice():
    assert _settings_in_fresh_process(_TUNED) == ["jemalloc", False]


def test_a_reading_command_tunes_the_process():
    assert _settings_in_fresh_process(_COMMAND) == ["jemalloc", False]


def test_an_operator_choice_is_kept():
    assert _settings_in_fresh_process(_TUNED, ARROW_DEFAULT_MEMORY_POOL="system", NUMPY_MADVISE_HUGEPAGE="1") == \
        ["system", True]
