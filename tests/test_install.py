"""The installed environment: every installed package's requirements are met (``pip check``)."""
from __future__ import annotations

import subprocess
import sys


def test_pip_check_is_clean():
    result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
