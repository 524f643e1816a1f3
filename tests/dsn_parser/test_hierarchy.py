"""Block instances and parents rebuilt from the rubrique numbers and the catalog's parent table."""
from __future__ import annotations

from dsn_parser import read_dsn

from .conftest import ENVOI_HEAD

INDIVIDU_CONTRAT = ["S21.G00.30.002,'A'", "S21.G00.30.019,'1'", "S21.G00.40.001,'01012024'", "S21.G00.40.009,'C1'"]


def test_a_lower_rubrique_number_starts_a_new_instance(flat_file):
    affiliations = ["S21.G00.70.005,'P1'", "S21.G00.70.012,'1'", "S21.G00.70.013,'1'",
                    "S21.G00.70.004,'O2'", "S21.G00.70.012,'2'", "S21.G00.70.013,'1'"]
    parsed = read_dsn(flat_file(ENVOI_HEAD + INDIVIDU_CONTRAT + affiliations))
    table = parsed.table("S21.G00.70", typed=False)
    assert list(table["S21.G00.70.012"]) == ["1", "2"]
    assert table["S21.G00.70.005"].tolist()[0] == "P1" and table["S21.G00.70.004"].tolist()[1] == "O2"
    contrat = parsed.table("S21.G00.40")
    assert set(table["parent_id"]) == set(contrat["id"])


def test_an_individu_without_nir_is_still_one_instance(flat_file):
    lines = ENVOI_HEAD + ["S21.G00.30.002,'SANSNIR'", "S21.G00.30.020,'1552100554ABC'",
                          "S21.G00.40.001,'01012024'", "S21.G00.30.002,'SECOND'", "S21.G00.40.001,'01022024'"]
    parsed = read_dsn(flat_file(lines))
    individus = parsed.table("S21.G00.30", typed=False)
    assert list(individus["S21.G00.30.002"]) == ["SANSNIR", "SECOND"]
    contrats = parsed.table("S21.G00.40")
    assert list(contrats["individu_id"]) == list(individus["id"])


def test_ancestor_ids_and_lines(flat_file):
    lines = ENVOI_HEAD + INDIVIDU_CONTRAT + ["S21.G00.70.012,'1'", "S21.G00.70.013,'1'"]
    parsed = read_dsn(flat_file(lines))
    aff = parsed.table("S21.G00.70", lines=True)
    row = aff.iloc[0]
    assert row["line"] == len(ENVOI_HEAD) + 5 and row["line_end"] == len(ENVOI_HEAD) + 6
    assert row["S21.G00.70.013#line"] == len(ENVOI_HEAD) + 6
    assert row["declaration_id"] == parsed.table("S20.G00.05")["id"].iloc[0]
    assert row["etablissement_id"] == parsed.table("S21.G00.11")["id"].iloc[0]


def test_a_child_without_its_parent_is_an_orphan(flat_file):
    # a contract block right after a new individu is fine; an arrêt before any contract of that individu is not
    lines = ENVOI_HEAD + INDIVIDU_CONTRAT + ["S21.G00.30.002,'B'", "S21.G00.60.001,'01'"]
    parsed = read_dsn(flat_file(lines))
    assert [(i.kind, i.line) for i in parsed.issues] == [("orphan_block", len(lines))]
    assert "S21.G00.40" in parsed.issues[0].message


def test_blocks_out_of_tree_order_are_reported(flat_file):
    lines = ENVOI_HEAD + INDIVIDU_CONTRAT + ["S21.G00.50.001,'31012024'", "S21.G00.40.001,'01022024'"]
    parsed = read_dsn(flat_file(lines))
    assert [(i.kind, i.line) for i in parsed.issues] == [("block_order", len(lines))]


def test_lot_envelope_holds_envois_in_groups(flat_file):
    envoi = ENVOI_HEAD + ["S90.G00.90.001,'20'", "S90.G00.90.002,'1'"]
    lines = (["S05.G51.00.001,'V01R02'", "S05.G51.00.002,'42'", "S06.G51.00.001,'DSNOK'"] + envoi + envoi
             + ["S96.G51.00.001,'FINSL'", "S96.G51.00.002,'2'", "S06.G51.00.001,'CT-KO'",
                "S96.G51.00.002,'0'", "S95.G51.00.001,'42'", "S95.G51.00.002,'2'"])
    parsed = read_dsn(flat_file(lines))
    assert parsed.issues == []
    groups = parsed.table("S06.G51.00", typed=False)
    envois = parsed.table("S10.G00.00")
    assert list(envois["parent_id"]) == [groups["id"].iloc[0]] * 2
    assert list(parsed.table("S96.G51.00")["parent_id"]) == list(groups["id"])
    assert len(parsed.declarations()) == 2
    tree = parsed.tree()
    assert [r.block for r in tree.roots] == ["S05.G51.00"]
    assert [c.block for c in tree.roots[0].children] == ["S06.G51.00", "S06.G51.00", "S95.G51.00"]
