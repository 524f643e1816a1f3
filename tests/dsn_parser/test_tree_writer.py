"""Writer and tree: parse(write(tree)) == tree for any norm-shaped tree; files are reproduced byte for byte."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsn_parser import load_catalog, read_dsn
from dsn_parser.tree import Document, Node
from dsn_parser.writer import write_parsed, write_tree

from .conftest import PROJECT_SAMPLES, SAMPLES

CATALOG = load_catalog("P25V01")
# The blocks the strategy builds (the main mensuelle tree, OC blocks included) and how many of each.
TREE = {
    "S10.G00.00": ["S10.G00.01", "S10.G00.02", "S20.G00.05", "S90.G00.90"],
    "S20.G00.05": ["S20.G00.07", "S21.G00.06", "S21.G00.85"],
    "S21.G00.06": ["S21.G00.11"],
    "S21.G00.11": ["S21.G00.15", "S21.G00.20", "S21.G00.30"],
    "S21.G00.20": ["S21.G00.55"],
    "S21.G00.30": ["S21.G00.40", "S21.G00.50", "S21.G00.86"],
    "S21.G00.40": ["S21.G00.60", "S21.G00.70"],
    "S21.G00.70": ["S21.G00.73"],
    "S21.G00.50": ["S21.G00.51", "S21.G00.78"],
    "S21.G00.78": ["S21.G00.79", "S21.G00.81"],
}
VALUES = st.text(alphabet=st.sampled_from("AZaz09 '-éÀç&()+,./:=@_"), min_size=1, max_size=12).filter(
    lambda v: v.strip() != "")


@st.composite
def nodes(draw, block: str, previous: Node | None = None) -> Node:
    codes = [r.code for r in CATALOG.rubriques_of(block)]
    chosen = sorted(draw(st.sets(st.sampled_from(codes), min_size=1, max_size=min(4, len(codes)))))
    if previous is not None and previous.block == block and not previous.children:
        # two childless instances in a row must restart the numbering, or the flat form merges them
        if chosen[0] > previous.rubriques[-1][0]:
            chosen = sorted(set(chosen) | {previous.rubriques[0][0]})
    node = Node(block, [(code, draw(VALUES)) for code in chosen])
    for child in TREE.get(block, []):
        limit = CATALOG.blocks[child].max or 2
        count = draw(st.integers(min_value=0, max_value=min(limit, 2)))
        last = None
        for _ in range(count):
            last = draw(nodes(child, last))
            node.children.append(last)
    return node


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(root=nodes("S10.G00.00"))
def test_parse_of_write_is_the_tree(tmp_path_factory, root):
    root.rubriques = [r for r in root.rubriques if r[0] != "S10.G00.00.006"]
    root.rubriques.append(("S10.G00.00.006", "P25V01"))
    root.rubriques.sort()
    document = Document([root])
    path = write_tree(document, tmp_path_factory.mktemp("tree") / "t.dsn")
    parsed = read_dsn(path)
    assert parsed.issues == []
    assert parsed.tree() == document


def flat_files() -> list:
    own = sorted(p for p in PROJECT_SAMPLES.glob("*.dsn"))
    public = [SAMPLES / "Jikenlabs__open-neodes__sample_dsn_P25V01.dsn",
              SAMPLES / "Fibre44__poc-analyse__1672392228367_demo.dsn"]
    return own + [pytest.param(p, marks=pytest.mark.needs_shared("samples")) for p in public]


@pytest.mark.parametrize("path", flat_files(), ids=lambda p: p.name)
def test_write_of_parse_reproduces_the_file_byte_for_byte(tmp_path, path):
    parsed = read_dsn(path)
    out = write_parsed(parsed, tmp_path / path.name)
    assert out.read_bytes() == path.read_bytes()


def test_project_samples_exist():
    assert len(list(PROJECT_SAMPLES.glob("*.dsn"))) >= 5
