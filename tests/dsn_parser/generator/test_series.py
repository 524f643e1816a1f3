"""Totals, determinism, stable identities, contract lifecycle, streaming path."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from dsn_parser.generator import generate_company, write_monthly_file
from dsn_parser.generator.company import make_company
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import render

from .helpers import build_tree


def check_totals(records):
    start = 0
    for i, (code, value) in enumerate(records):
        if code == "S10.G00.00.001":
            start, declarations = i, 0
        elif code == "S20.G00.05.001":
            declarations += 1
        elif code == "S90.G00.90.001":
            assert int(value) == i - start + 2
        elif code == "S90.G00.90.002":
            assert int(value) == declarations


def test_s90_totals(company, series, two_sites):
    for records in series + two_sites.series() + [company.arret_signalement(), company.fctu_signalement()]:
        check_totals(records)
        assert records[-2][0] == "S90.G00.90.001" and records[-1][0] == "S90.G00.90.002"


def test_same_seed_same_bytes():
    first = generate_company(42, 8, 2, date(2025, 5, 1))
    second = generate_company(42, 8, 2, date(2025, 5, 1))
    assert [render(r) for r in first.series()] == [render(r) for r in second.series()]
    assert first.fpoc_xml() == second.fpoc_xml()
    assert render(generate_company(43, 8, 2, date(2025, 5, 1)).monthly(date(2025, 5, 1))) != render(first.series()[0])


def test_identities_are_stable_across_months(series):
    seen = {}
    for records in series:
        for person in build_tree(records)[0].all("S21.G00.30"):
            key = person.get("019")
            identity = (person.get("001"), person.get("002"), person.get("004"), person.get("006"))
            assert seen.setdefault(key, identity) == identity
            contract = person.all("S21.G00.40")[0]
            assert [b.get("010") for b in person.all("S21.G00.51")] == [contract.get("009")] * 4
            affiliations = {a.get("013"): a.get("012") for a in person.all("S21.G00.70")}
            assert seen.setdefault((key, "aff"), affiliations) == affiliations
    assert len({identity[0] for key, identity in seen.items() if isinstance(key, str)}) == len(
        [k for k in seen if isinstance(k, str)])


def test_series_has_the_expected_events(company, series):
    blocks = [build_tree(records)[0] for records in series]
    assert any(n.get("007") == "02" for n in blocks[0].all("S21.G00.40"))  # a CDD
    assert {n.get("003") for n in blocks[0].all("S21.G00.40")} >= {"01", "04"}  # cadres and non-cadres
    ends = [(i, n) for i, b in enumerate(blocks) for n in b.all("S21.G00.62")]
    assert len({n.get("002") for _, n in ends}) >= 2
    for _, end in ends:  # the mensuelle model forbids the préavis block (DSN-Val usage); the FCTU has it
        assert not end.all("S21.G00.63")
    assert any(b.all("S21.G00.60") for b in blocks) and any(b.all("S21.G00.73") for b in blocks)
    assert any(b.all("S21.G00.52") for b in blocks) and all(b.all("S21.G00.86") for b in blocks)
    heads = [len(b.all("S21.G00.30")) for b in blocks]
    assert len(set(heads)) > 1  # hires and leavers change the headcount
    names = [v for records in series for c, v in records if c == "S21.G00.30.002"]
    assert any("'" in name for name in names + [v for r in series for c, v in r if c == "S10.G00.01.003"])
    salaries = {}
    for block in blocks:
        for person in block.all("S21.G00.30"):
            base = next(r.get("013") for r in person.all("S21.G00.51") if r.get("011") == "010")
            salaries.setdefault(person.get("019"), []).append(base)
    assert any(len(set(values)) > 1 for values in salaries.values())  # a raise or proration


def test_stream_equals_in_memory(tmp_path: Path):
    company = make_company(9, 40, 1, date(2025, 6, 1), "P25V01", 2)
    path = tmp_path / "stream.dsn"
    lines = write_monthly_file(path, employees=40, month=date(2025, 6, 1), seed=9, establishments=2)
    expected = render(monthly_records(company, date(2025, 6, 1))).encode("iso-8859-1")
    assert path.read_bytes() == expected
    assert lines == expected.count(b"\n")
