"""The reference pack (``../shared`` beside the clone): where it lives, and how a test that needs it skips.

A test needs the pack through the ``needs_shared`` marker (``@pytest.mark.needs_shared("samples")``, paths
relative to ``SHARED``) or by calling ``shared_path`` itself. Without the pack the test is skipped with a reason
naming the missing folder; in CI (``CI=true``), which has the pack, it fails instead.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"

pytest_plugins = ("pytester",)  # tests/test_reference_pack.py runs the marker in a clone without the pack
# The store's master key (pipeline.sealing): a temporary key file per test process, never the user's.
os.environ.pop("DSN_STORE_KEY", None)
os.environ["DSN_STORE_KEY_FILE"] = str(Path(tempfile.mkdtemp(prefix="dsn-test-key-")) / "store.key")


def require(path: Path) -> Path:
    """``path`` when it exists; otherwise skip the test (fail it when ``CI=true``) naming the missing folder."""
    if path.exists():
        return path
    missing = next((p for p in reversed(path.parents) if not p.exists()), path)
    reason = f"reference pack missing: {missing}" + (f" (needed: {path})" if missing != path else "")
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run every test of the reference pack", pytrace=False)
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """A path of the reference pack, through ``require``."""
    return require(SHARED.joinpath(*parts))


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("needs_shared"):
        for part in marker.args or ("",):
            shared_path(part)
