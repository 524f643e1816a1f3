"""The ``population`` and ``affiliation`` causes of ``declared − due`` (cotisations_gaps), on DuckDB and PostgreSQL:
a scripted annule-et-remplace of one month of the history breaks three employees' prévoyance affiliations, and the
gaps, the month's account and the lines behind them are checked against values computed from the generator's
inputs."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.pipeline.products import history_cotisations as H
from dsn_parser.generator.envelope import declaration_id
from dsn_parser.generator.monthly import file_date
from dsn_parser.generator.payroll import pay_month
from dsn_parser.writer import render
from pipeline.ingest import ingest_path, store_engine
from pipeline.products import cotisations
from pipeline.products.cotisations_gaps import gaps
from pipeline.products.records import Month
from pipeline.sealing import reveal

# history, only_this_product: the fixtures shared by the contribution-account tests
from .test_cotisations_truth import (  # noqa: F401
    AFTER_ALL, Truth, cents, ingest_history, history, only_this_product)

pytestmark = pytest.mark.usefixtures("only_this_product")

MONTH = date(2025, 3, 1)  # before the rate change: the referential's rates are the declared ones
UNKNOWN_POPULATION = "APPRENTIS"  # no line of the referential


def individu_span(records: list, nir: str) -> tuple[int, int]:
    """[start, end) of the employee's S21.G00.30 block and its children in ``records``."""
    start = records.index(("S21.G00.30.001", nir))
    end = next((k for k in range(start + 1, len(records)) if records[k][0] == "S21.G00.30.001"), len(records))
    return start, end


def base_31(records: list, nir: str, ident: str) -> int:
    """Index of the S21.G00.78.001 of the employee's base 31 linked to affiliation ``ident``."""
    start, end = individu_span(records, nir)
    for k in range(start, end):
        if records[k] == ("S21.G00.78.001", "31") and ("S21.G00.78.005", ident) in records[k:k + 6]:
            return k
    raise AssertionError((nir, ident))


def first_059(records: list, base: int) -> int:
    return next(k for k in range(base + 1, len(records)) if records[k] == ("S21.G00.81.001", "059"))


def drop_059(records: list, nir: str, ident: str) -> None:
    """Remove the 059 S21.G00.81 of the base 31 of the affiliation (the composants stay)."""
    k = first_059(records, base_31(records, nir, ident))
    end = next(j for j in range(k + 1, len(records)) if not records[j][0].startswith("S21.G00.81.")
               or records[j][0] == "S21.G00.81.001")
    del records[k:end]


def set_population(records: list, nir: str, ident: str, population: str) -> None:
    """Declare the affiliation ``ident`` in ``population`` (S21.G00.70.005)."""
    start, end = individu_span(records, nir)
    k = next(k for k in range(start, end) if records[k] == ("S21.G00.70.012", ident))
    j = next(j for j in range(k - 1, start, -1) if records[j][0] == "S21.G00.70.005")
    records[j] = ("S21.G00.70.005", population)


def due_of(line, step: Decimal = Decimal(0)) -> Decimal:
    """The referential's due for one generated base 31 (its real option × population), as Truth computes it."""
    expected = line.affiliation.contract.expected_composants(line.affiliation.option, line.affiliation.population)
    return cents(sum((c.amount if c.rate is None else value * (c.rate + step) / 100
                      for (_code, value), c in zip(line.composants, expected)), Decimal(0)))


def test_missing_contribution_and_wrong_populations_are_their_own_causes(store_url, tmp_path, history):
    ingest_history(history, store_url, tmp_path)
    gen, truth = history.generated, Truth(history)
    prevoyance = truth.monthly
    ref, siren = prevoyance.reference, gen.company.siren
    lines = {e.nir: next(l for l in pay_month(e, gen.referential, MONTH).oc if l.affiliation.contract is prevoyance)
             for e in gen.employees if e.present(MONTH)}
    non_cadres = [nir for nir, line in lines.items() if line.affiliation.population.code == "NCADRES"]
    cadres_population = next(p.code for p in prevoyance.populations if p.code != "NCADRES")
    missing, unknown, wrong = non_cadres[:3]  # no 059; a population without line; the cadres' population
    ident = lines[missing].affiliation.ident

    replacement = gen.monthly(MONTH, "03", declaration_id(file_date(MONTH), 1))
    drop_059(replacement, missing, ident)
    set_population(replacement, unknown, lines[unknown].affiliation.ident, UNKNOWN_POPULATION)
    set_population(replacement, wrong, lines[wrong].affiliation.ident, cadres_population)
    replacement = H._recount(replacement)
    # DSN lines are 1-based: the base 31 of the missing 059, the first 059 of the two others
    expected_lines = {missing: base_31(replacement, missing, ident) + 1} | {
        nir: first_059(replacement, base_31(replacement, nir, lines[nir].affiliation.ident)) + 1
        for nir in (unknown, wrong)}
    path = tmp_path / "mensuelle_202503_annule_remplace.dsn"
    path.write_bytes(render(replacement).encode("iso-8859-1"))
    received = datetime.combine(file_date(MONTH), datetime.min.time()).replace(day=20, hour=9)
    result = ingest_path(path, store_url, archive_root=tmp_path / "archive", received_at=received)
    assert result.status == "loaded", result

    with store_engine(store_url).connect() as conn:
        found = gaps(conn, siren, ref, start=MONTH, end=MONTH)
        [account] = cotisations.account(conn, siren, ref, start=MONTH, end=MONTH)
        before = gaps(conn, siren, ref, start=MONTH, end=MONTH, as_of=date(2025, 4, 10))
        as_dicts = [g.as_dict() for g in found]
    by_nir = {}
    for gap in found:
        by_nir.setdefault(reveal(gap.nir), []).append(gap)
    # the affiliation without its 059: the whole due is missing, nothing declared
    [gap] = by_nir[missing]
    assert (gap.cause, gap.amount, gap.declared, gap.due) == ("affiliation", -due_of(lines[missing]), 0,
                                                              due_of(lines[missing]))
    assert gap.month == Month.of(MONTH) and gap.line == expected_lines[missing] and gap.population == "NCADRES"
    # a population the referential does not know: the whole declared amount is unexpected, nothing due
    [gap] = by_nir[unknown]
    assert (gap.cause, gap.amount, gap.declared, gap.due) == ("population", lines[unknown].amount,
                                                              lines[unknown].amount, 0)
    assert gap.population == UNKNOWN_POPULATION and gap.line == expected_lines[unknown]
    # a non-cadre declared in the cadres' population: that line rates none of the declared composants
    [gap] = by_nir[wrong]
    assert (gap.cause, gap.amount, gap.declared, gap.due) == ("population", lines[wrong].amount,
                                                              lines[wrong].amount, 0)
    assert gap.population == cadres_population and gap.line == expected_lines[wrong]
    # the other employees keep their figures: only rounding (base) gaps, none of these causes
    assert {g.cause for nir, items in by_nir.items() if nir not in (missing, unknown, wrong) for g in items} <= {"base"}
    # the gaps add up to the month's declared − due, both recomputed from the generator's inputs
    declared = truth.declared[(ref, MONTH)] - lines[missing].amount
    due = truth.due[(ref, MONTH)] - due_of(lines[unknown]) - due_of(lines[wrong])
    assert sum((g.amount for g in found), Decimal(0)) == declared - due
    [period] = account.periods
    assert (period.declared, period.due, period.declared_minus_due) == (declared, due, declared - due)
    # before the replacement (as of 10 April) the month had none of these causes
    assert {g.cause for g in before} <= {"base"}
    assert sum((g.amount for g in before), Decimal(0)) == truth.declared[(ref, MONTH)] - truth.due[(ref, MONTH)]
    # the NIR stays masked in the JSON
    assert all(d["nir"] != g.nir for d, g in zip(as_dicts, found))
