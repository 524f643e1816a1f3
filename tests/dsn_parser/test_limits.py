"""Input limits of the reader: a file past a file-wide limit is unreadable with a French reason naming the limit;
a value past the value limit is an issue of its line; hostile bytes cost time linear in the file."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from dsn_parser import UnreadableFileError, read_dsn
from dsn_parser.issues import RAW_SHOWN
from dsn_parser.limits import Limits
from rules import validate

from .conftest import ENVOI_HEAD

TOTAL = ["S90.G00.90.001,'20'", "S90.G00.90.002,'1'"]


def test_defaults_fit_a_100000_employee_file():
    """About 26 million lines and 623 MB; the norm's longest value has 420 characters."""
    limits = Limits()
    assert limits.max_file_bytes >= 4 * 623_000_000 and limits.max_lines >= 4 * 26_000_000
    assert limits.max_value_bytes >= 100 * 420


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DSN_MAX_LINES", "1_000")
    monkeypatch.setenv("DSN_MAX_FILE_BYTES", "")
    assert Limits.from_environment() == Limits(max_lines=1000)


@pytest.mark.parametrize("text", ["beaucoup", "0", "-5", "1.5"])
def test_a_bad_environment_value_is_one_french_line_naming_the_variable(monkeypatch, flat_file, text):
    monkeypatch.setenv("DSN_MAX_VALUE_BYTES", text)
    with pytest.raises(UnreadableFileError, match="DSN_MAX_VALUE_BYTES doit être un entier positif"):
        read_dsn(flat_file(ENVOI_HEAD + TOTAL))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(flat_file, monkeypatch):
    path = flat_file(ENVOI_HEAD + TOTAL)
    monkeypatch.setenv("DSN_MAX_FILE_BYTES", "100")
    with pytest.raises(UnreadableFileError) as caught:
        read_dsn(path)
    reason = caught.value.reason
    assert "max_file_bytes" in reason and "DSN_MAX_FILE_BYTES" in reason and "octets" in reason
    assert "\n" not in reason


def test_a_device_is_read_up_to_the_size_limit_only():
    with pytest.raises(UnreadableFileError, match="max_file_bytes"):
        read_dsn("/dev/zero", limits=Limits(max_file_bytes=1 << 20))


@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n"])
def test_a_file_over_the_line_limit_is_refused(flat_file, newline):
    path = flat_file(ENVOI_HEAD + TOTAL, newline=newline)
    with pytest.raises(UnreadableFileError, match="max_lines.*DSN_MAX_LINES"):
        read_dsn(path, limits=Limits(max_lines=10))
    assert len(read_dsn(path, limits=Limits(max_lines=len(ENVOI_HEAD) + 2)).raw) == len(ENVOI_HEAD) + 2


def test_a_value_over_the_limit_is_an_issue_of_its_line(flat_file):
    long = "S21.G00.30.002,'" + "A" * 5000 + "'"
    parsed = read_dsn(flat_file(ENVOI_HEAD + [long, "S21.G00.30.004,'JEAN'"] + TOTAL),
                      limits=Limits(max_value_bytes=4096))
    line = len(ENVOI_HEAD) + 1
    assert [(i.kind, i.line, i.rubrique) for i in parsed.issues] == [("value_too_long", line, "S21.G00.30.002")]
    assert "5 000 octets" in parsed.issues[0].message and "max_value_bytes" in parsed.issues[0].message
    assert len(parsed.issues[0].raw) == RAW_SHOWN + 1  # the line is shown cut, with « … »
    assert parsed.values_of("S21.G00.30.002") == [] and parsed.values_of("S21.G00.30.004") == ["JEAN"]
    report = validate(parsed)
    assert report.complete and ("CV01", line) in [(a.code, a.line) for a in report.anomalies]


def test_an_unreadable_long_line_is_shown_cut(flat_file):
    parsed = read_dsn(flat_file(ENVOI_HEAD + ["X" * 100_000] + TOTAL))
    assert [i.kind for i in parsed.issues] == ["unreadable_line"]
    assert parsed.issues[0].raw == "X" * RAW_SHOWN + "…"


def test_too_many_syntax_issues_make_the_file_unreadable(flat_file):
    path = flat_file(ENVOI_HEAD + ["pas une ligne DSN"] * 50 + TOTAL)
    with pytest.raises(UnreadableFileError, match="max_syntax_issues.*DSN_MAX_SYNTAX_ISSUES"):
        read_dsn(path, limits=Limits(max_syntax_issues=49))
    assert len(read_dsn(path, limits=Limits(max_syntax_issues=50)).issues) == 50


@pytest.mark.parametrize("lines", [["S99.G99.99.001,'X'"] * 30, ["S21.G00.30.999,'X'"] * 30],
                         ids=["unknown-block", "unknown-rubrique"])
def test_too_many_placement_issues_make_the_file_unreadable(flat_file, lines):
    with pytest.raises(UnreadableFileError, match="max_syntax_issues"):
        read_dsn(flat_file(ENVOI_HEAD + lines + TOTAL), limits=Limits(max_syntax_issues=20))


def test_many_undecodable_lines_are_reported_in_linear_time(tmp_path):
    """A UTF-8 file with a Latin-1 byte on every tenth line: one pass (was: one decoding restart per error)."""
    good, bad = "S21.G00.30.002,'ÉLODIE'\n".encode(), "S21.G00.30.002,'\xc9LODIE'\n".encode("latin-1")
    path = tmp_path / "mixed.dsn"
    head = "".join(line + "\n" for line in ENVOI_HEAD).encode()
    path.write_bytes(head + b"".join(bad if i % 10 == 0 else good for i in range(200_000)))
    started = time.perf_counter()
    parsed = read_dsn(path)
    assert time.perf_counter() - started < 10
    assert parsed.encoding == "utf-8"
    first = len(ENVOI_HEAD) + 1
    assert [i.line for i in parsed.issues if i.kind == "undecodable_bytes"] == list(range(first, first + 200_000, 10))


def test_a_file_full_of_latin1_letters_is_transcoded_in_linear_time(tmp_path):
    """Every byte an accented letter (was: one Python step per letter)."""
    path = tmp_path / "accents.dsn"
    path.write_bytes(b"S21.G00.30.002,'" + b"\xe9" * (20 << 20) + b"'\n")
    started = time.perf_counter()
    parsed = read_dsn(path, limits=Limits(max_value_bytes=64 << 20))
    assert time.perf_counter() - started < 10
    assert parsed.encoding == "iso-8859-1" and parsed.values_of("S21.G00.30.002") == ["é" * (20 << 20)]


MEMORY_PROBE = """
import resource, sys
from pathlib import Path
from dsn_parser import read_dsn
from rules import ValidationOptions, validate
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = validate(read_dsn(Path(sys.argv[1])), ValidationOptions(max_per_code=10_000))
print(report.complete, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)
"""


def test_a_rubrique_repeated_100000_times_is_validated_in_bounded_memory(tmp_path):
    """2.3 MB of one repeated rubrique: every rule runs (one crashed on it before) and the process grows by
    under 1 GB (456 MB measured; the value-length and syntax-issue limits bound the other hostile lines)."""
    lines = ENVOI_HEAD + ["S21.G00.30.001,'1850175123456'"] + ["S21.G00.30.002,'DUPONT'"] * 100_000 + TOTAL
    path = tmp_path / "repeated.dsn"
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path)], capture_output=True, text=True,
                          timeout=300, check=True)
    complete, grown_mb = done.stdout.split()
    assert complete == "True" and int(grown_mb) < 1000, done.stdout  # 456 MB measured
