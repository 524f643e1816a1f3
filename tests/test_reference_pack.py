"""The reference pack helper: a test that needs a missing part of ``../shared`` skips, and fails in CI."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED, require

MARKED = """
import pytest

@pytest.mark.needs_shared("samples")
def test_marked():
    pass

def test_unmarked():
    pass
"""


def test_the_pack_is_looked_for_beside_the_clone():
    assert SHARED == Path(__file__).resolve().parents[2] / "shared"


def test_an_existing_path_is_returned(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert require(tmp_path) == tmp_path


def test_a_missing_path_skips_naming_the_first_missing_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require(tmp_path / "shared" / "samples" / "x.dsn")
    assert str(skipped.value) == (f"reference pack missing: {tmp_path / 'shared'} "
                                  f"(needed: {tmp_path / 'shared' / 'samples' / 'x.dsn'})")


@pytest.mark.parametrize("ci", ["false", "1", ""])
def test_only_ci_true_turns_the_skip_into_a_failure(tmp_path, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception):
        require(tmp_path / "missing")


def test_in_ci_a_missing_path_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        require(tmp_path / "missing")
    assert f"reference pack missing: {tmp_path / 'missing'}" in str(failed.value)


@pytest.mark.parametrize(("ci", "outcome"), [(None, {"passed": 1, "skipped": 1}),
                                             ("true", {"passed": 1, "errors": 1})])
def test_the_marker_skips_outside_ci_and_fails_in_ci(pytester, monkeypatch, ci, outcome):
    """A clone without ``../shared`` beside it (pytester's folder), running this conftest."""
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    pytester.makeconftest(Path(__file__).with_name("conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(MARKED)
    result = pytester.runpytest_inprocess("-rs", "-p", "no:cacheprovider", "-p", "no:xdist")
    result.assert_outcomes(**outcome)
    missing = Path(str(pytester.path)).parents[1] / "shared"
    result.stdout.fnmatch_lines([f"*reference pack missing: {missing} (needed: {missing / 'samples'})*"])
