"""Removing an optional rubrique never makes a rule about that rubrique's *value* fire (the whole registry).

Two clean generated files: the mensuelle of ``tests.rules.support.clean_monthly`` plus one valid contract change
block (S21.G00.41 with .001, .002 and .028, so that the change block's optional rubriques are covered too), and
the generator's arrêt de travail signalement. For each of them, every rubrique present in the file that is not
mandatory for its déclaration model (``rules.catalog_checks.rubrique_usage``, the DSN-Val usage CST03 reads) is
removed: every line of it, S90.G00.90.001 recomputed. The file is validated with every rule of the registry.
To stay under a minute (one validation of the whole registry costs about a second), the rubriques are removed
``GROUP`` at a time, the rubriques of a group from different blocks; the groups are fixed (codes in order, each
into the first group with room and no rubrique of its block), so a run is reproducible, and every optional
rubrique of the files is removed in exactly one of them.

A new anomaly (one the clean file's report does not have, compared by code, rubrique, block path and
employee) is **about** the removed rubrique R when its ``rubrique`` field is R, or its code starts with
``R/`` (an official control on R), for any R of the group. Only a *presence* rule may report such an anomaly: a
structure check (a CST code), or a control listed in ``PRESENCE[R]`` with the words of its official text that
require R in the clean file's situation. Any other rule about R judged a value R does not have: a missing value
compared as a difference (the bug class of ``S21.G00.41.028/CCH-13``, which reported every change block without
a depth).

A removed rubrique may of course make rules about *other* rubriques fire (removing the NIR requires an NTT,
S21.G00.30.020/CCH-12): those are not asserted here; their missing-value reading is audited in the rule modules.
A group can hide a misreading only where a rule's verdict on R also needs another rubrique of the group.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache
import tempfile
from pathlib import Path

import pytest

from dsn_parser import read_dsn
from dsn_parser.generator.generated import generate_company
from dsn_parser.writer import Record, write_records
from rules import ValidationOptions, validate
from rules.catalog_checks import rubrique_usage
from rules.context import Context
from tests.rules.coherence.records import add_block
from tests.rules.support import clean_monthly, fix_totals

# A valid change of the first contract: a modality (41.002, statut conventionnel) and its recalculation depth.
CHANGE = [("S21.G00.41.001", "15032025"), ("S21.G00.41.002", "05"), ("S21.G00.41.028", "01032025")]

_POSTAL = "« si le code postal est présent alors le code pays et le code de distribution à l'étranger sont " \
          "absents et réciproquement »: without a foreign address, the postal code is required"
_LOCALITY = "« la localité est obligatoire si le code postal est renseigné »"
# Removed rubrique → {code of a control that requires it in the clean files' situation: the text's words}.
PRESENCE: dict[str, dict[str, str]] = {
    "S10.G00.01.005": {"S10.G00.01.005/CCH-12": _POSTAL},
    "S10.G00.01.006": {"S10.G00.01.006/CCH-11": _LOCALITY},
    "S21.G00.06.005": {"S21.G00.06.005/CCH-11": _POSTAL},
    "S21.G00.06.006": {"S21.G00.06.006/CCH-11": _LOCALITY},
    "S21.G00.11.004": {"S21.G00.11.004/CCH-11": _POSTAL},
    "S21.G00.11.005": {"S21.G00.11.005/CCH-11": _LOCALITY},
    "S21.G00.30.009": {"S21.G00.30.009/CCH-12": _POSTAL},
    "S21.G00.30.010": {"S21.G00.30.010/CCH-11": _LOCALITY},
    "S21.G00.20.002": {"S21.G00.20.002/CCH-11": "« si S21.G00.20.001 est DGFIP, S21.G00.20.002 doit "
                                                "obligatoirement être renseignée avec DGFIP_PAS ou DGFIP_SATD »"},
    "S21.G00.40.043": {"S21.G00.40.043/SIG-11": "« si et seulement si S21.G00.40.040 est 999ZZ, S21.G00.40.043 "
                                                "est interdite ; dans le cas contraire, elle est obligatoire »"},
    "S21.G00.50.008": {"S21.G00.50.008/CCH-11": "« obligatoire si S21.G00.50.007 est égal à 01 »"},
    "S21.G00.78.005": {"S21.G00.78.005/CCH-11": "« si et seulement si S21.G00.78.001 est 31, S21.G00.78.005 doit "
                                                "être présente »"},
    "S21.G00.81.004": {"S21.G00.81.004/CCH-11": "« si S21.G00.81.001 est 059, S21.G00.81.004 doit être "
                                                "renseignée »"},
    **{code: {f"{code}/CCH-11": "« obligatoire si S21.G00.60.004 (subrogation) est renseignée avec 01 »"}
       for code in ("S21.G00.60.005", "S21.G00.60.006", "S21.G00.60.007", "S21.G00.60.008")},
    "S21.G00.60.012": {"S21.G00.60.012/CCH-11": "« si S21.G00.60.001 est 04, 05 ou 06, la présente rubrique est "
                                                "obligatoire »"},
}
GROUP = 3
KEY = ("code", "rubrique", "block_path", "employee")


def _monthly() -> list[Record]:
    return add_block(clean_monthly(), "S21.G00.40.043", CHANGE)


def _arret() -> list[Record]:
    return generate_company(7, employees=12, months=3, start_month=date(2025, 1, 1), norm="P25V01").arret_signalement()


FILES = {"mensuelle": _monthly, "arret": _arret}


@cache
def _records(name: str) -> tuple[Record, ...]:
    return tuple(FILES[name]())


def _validate(records, path: Path):
    return validate(read_dsn(write_records(records, path)), ValidationOptions())


@cache
def optional_rubriques(name: str) -> tuple[str, ...]:
    """The rubriques of the file that its déclaration model does not make mandatory (S90 totals excluded)."""
    records = _records(name)
    with tempfile.TemporaryDirectory() as folder:  # collected by every xdist worker at once: a path each
        parsed = read_dsn(write_records(records, Path(folder) / f"optional-absent-{name}.dsn"))
    models = set(Context(parsed).declaration_models.values())
    return tuple(sorted({code for code, _v in records if not code.startswith("S90.")
                         and all(rubrique_usage(parsed.catalog, code, m) != "Mandatory" for m in models)}))


@pytest.fixture(scope="module")
def clean_reports(tmp_path_factory):
    """Per file, the clean report's anomalies (as keys): the baseline new anomalies are measured against."""
    out = {}
    for name in FILES:
        report = _validate(_records(name), tmp_path_factory.mktemp("clean") / f"{name}.dsn")
        assert not [a for a in report.anomalies if a.severity == "blocking"], name
        out[name] = Counter(tuple(getattr(a, k) for k in KEY) for a in report.anomalies)
    return out


def _about(anomaly, rubrique: str) -> bool:
    return anomaly.rubrique == rubrique or anomaly.code.startswith(f"{rubrique}/")


def _allowed(anomaly, rubrique: str) -> bool:
    return anomaly.family == "CST" or anomaly.code in PRESENCE.get(rubrique, {})


def groups(codes: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``codes`` dealt into groups of at most ``GROUP``, no two of one block in a group, in code order."""
    out: list[list[str]] = []
    for code in codes:
        home = next((g for g in out if len(g) < GROUP and all(c[:10] != code[:10] for c in g)), None)
        if home is None:
            out.append(home := [])
        home.append(code)
    return [tuple(g) for g in out]


CASES = [(name, group) for name in FILES for group in groups(optional_rubriques(name))]


@pytest.mark.parametrize(("name", "removed"), CASES, ids=[f"{n}-{'+'.join(g)}" for n, g in CASES])
def test_removing_optional_rubriques_fires_no_rule_about_their_value(name, removed, clean_reports, tmp_path):
    report = _validate(fix_totals([r for r in _records(name) if r[0] not in removed]), tmp_path / "case.dsn")
    baseline = Counter(clean_reports[name])
    new = []
    for anomaly in report.anomalies:
        key = tuple(getattr(anomaly, k) for k in KEY)
        if baseline[key]:
            baseline[key] -= 1
        else:
            new.append(anomaly)
    assert [(r, a.code, a.line, a.message) for a in new for r in removed if _about(a, r) and not _allowed(a, r)] == []


def test_the_files_cover_the_change_block_and_the_arret_blocks():
    """The property is only as good as the optional rubriques the files hold: the motivating one and the
    arrêt's subrogation rubriques are among them."""
    assert {"S21.G00.41.002", "S21.G00.41.028"} <= set(optional_rubriques("mensuelle"))
    assert {"S21.G00.60.005", "S21.G00.60.006"} <= set(optional_rubriques("arret"))
    assert sum(len(g) for _n, g in CASES) == sum(len(optional_rubriques(n)) for n in FILES) >= 60
    assert all(len({c[:10] for c in g}) == len(g) <= GROUP for _n, g in CASES)


def test_every_presence_exception_is_used():
    """Each ``PRESENCE`` entry names a removed rubrique the files hold (no stale exception)."""
    held = {code for name in FILES for code in optional_rubriques(name)}
    assert set(PRESENCE) <= held
