"""Typed columnar tables and their pandera schemas (the contract with rules, store and products)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd
import pandera.errors
import pytest

from dsn_parser import read_dsn
from dsn_parser.schemas import CONSUMED_BLOCKS, table_schema, validate_tables
from dsn_parser.tables import table_name

from .conftest import ENVOI_HEAD, PROJECT_SAMPLES


@pytest.fixture(scope="module")
def monthly():
    return read_dsn(PROJECT_SAMPLES / "mensuelle_P25V01_202503.dsn")


def test_consumed_tables_match_their_schemas(monthly):
    tables = {block: monthly.table(block) for block in CONSUMED_BLOCKS}
    validate_tables(tables, monthly.catalog)
    assert all(len(tables[b]) for b in ("S21.G00.30", "S21.G00.70", "S21.G00.78", "S21.G00.81", "S21.G00.55"))


def test_every_sample_table_matches_its_schema():
    for path in sorted(PROJECT_SAMPLES.glob("*.dsn")):
        parsed = read_dsn(path)
        validate_tables(parsed.tables(), parsed.catalog)


def test_columns_are_typed_from_the_catalog(flat_file):
    lines = ENVOI_HEAD + ["S21.G00.30.002,'A'", "S21.G00.30.019,'0042'", "S21.G00.40.001,'29022024'",
                          "S21.G00.40.013,'151.67'", "S21.G00.50.001,'31032025'", "S21.G00.50.002,'2345.60'"]
    parsed = read_dsn(flat_file(lines))
    contrat = parsed.table("S21.G00.40")
    assert contrat["S21.G00.40.001"].iloc[0] == datetime(2024, 2, 29)
    versement = parsed.table("S21.G00.50")
    assert versement["S21.G00.50.002"].iloc[0] == Decimal("2345.60")
    assert isinstance(parsed.table("S21.G00.30")["S21.G00.30.019"].dtype, pd.StringDtype)
    assert parsed.table("S21.G00.30")["S21.G00.30.019"].iloc[0] == "0042"  # leading zeros kept
    assert parsed.table("S20.G00.05")["S20.G00.05.003"].iloc[0] == 11


def test_a_value_that_does_not_fit_its_type_is_null_in_the_typed_table_only(flat_file):
    lines = ENVOI_HEAD + ["S21.G00.30.002,'A'", "S21.G00.40.001,'31022024'", "S21.G00.50.002,'12,50'"]
    parsed = read_dsn(flat_file(lines))
    assert pd.isna(parsed.table("S21.G00.40")["S21.G00.40.001"].iloc[0])
    assert parsed.table("S21.G00.40", typed=False)["S21.G00.40.001"].iloc[0] == "31022024"
    assert pd.isna(parsed.table("S21.G00.50")["S21.G00.50.002"].iloc[0])


def test_schema_rejects_a_table_of_the_wrong_shape(monthly):
    frame = monthly.table("S21.G00.30").drop(columns=["S21.G00.30.001"])
    with pytest.raises(pandera.errors.SchemaError):
        table_schema("S21.G00.30", monthly.catalog).validate(frame)


def test_absent_block_gives_an_empty_table_with_its_columns(monthly):
    frame = monthly.table("S21.G00.66")
    assert frame.empty and "S21.G00.66.001" in frame.columns
    table_schema("S21.G00.66", monthly.catalog).validate(frame)


def test_table_names_are_readable():
    assert table_name("S21.G00.30") == "individu" and table_name("S21.G00.55") == "composant_versement"
    assert table_name("S21.G00.13") == "s21_g00_13"


def test_long_form_holds_every_rubrique_line(monthly):
    rows = monthly.rubriques()
    assert len(rows) == monthly.rubrique_count
    assert list(zip(rows["rubrique"], rows["value"])) == monthly.records()
    assert rows["line"].is_monotonic_increasing and (rows["instance_id"] >= 0).all() and rows["known"].all()
