"""Company and establishment coherence controls: each fails on one edit of the clean mensuelle, and the clean
file passes them all."""
from __future__ import annotations

from tests.rules.coherence.records import control_case_tests, edits, put

CASES = [
    ("S21.G00.06.005/CCH-11", lambda r: put(r, "S21.G00.06.010", "BE")),
    ("S21.G00.11.004/CCH-11", lambda r: put(r, "S21.G00.11.016", "B-1000")),
    # the converse of « si le code postal est présent alors le code pays et le code de distribution à l'étranger
    # sont absents »: an address without any of the three
    ("S21.G00.11.004/CCH-11", lambda r: put(r, "S21.G00.11.004", None)),
    ("S21.G00.06.006/CCH-11", lambda r: put(r, "S21.G00.06.006", None)),
    ("S21.G00.11.004/CCH-11", lambda r: put(r, "S21.G00.11.015", "BE")),
    ("S21.G00.11.005/CCH-11", lambda r: put(r, "S21.G00.11.005", None)),
    ("S21.G00.11.017/CCH-11", lambda r: put(r, "S21.G00.11.017", "01")),
    ("S21.G00.11.024/CCH-11", lambda r: put(r, "S21.G00.11.024", "01")),
]

PASSING = [
    ("S21.G00.06.005/CCH-11", lambda r: edits(r, ("S21.G00.06.005", None), ("S21.G00.06.010", "BE"),
                                              ("S21.G00.06.011", "B-1000"))),
    # a foreign establishment: a country code, with or without a foreign distribution code (many countries
    # have no postal code), and no French postal code
    ("S21.G00.11.004/CCH-11", lambda r: edits(r, ("S21.G00.11.004", None), ("S21.G00.11.015", "BE"))),
    ("S21.G00.11.004/CCH-11", lambda r: edits(r, ("S21.G00.11.004", None), ("S21.G00.11.015", "HK"),
                                              ("S21.G00.11.016", "KOWLOON"))),
    ("S21.G00.11.017/CCH-11", lambda r: edits(r, ("S21.G00.11.017", "01"), ("S21.G00.40.029", "03"))),
    ("S21.G00.11.024/CCH-11", lambda r: edits(r, ("S20.G00.05.002", "02"), ("S21.G00.11.024", "01"))),
]


MODULE = "tests/rules/coherence/test_employer.py"


clean_codes, test_control, test_control_passes, test_every_control_has_a_case = control_case_tests(
    MODULE, CASES, PASSING)
