"""Block instances and their parents, rebuilt from the rubrique rows with the catalog's parent table.

A new instance of block B starts when a row of B follows a row of another block, or when its rubrique
number does not increase (``70.005, 70.012, 70.013, 70.004`` is two S21.G00.70). Its parent is the nearest
open instance of the parent block, where opening an ancestor of that parent closes it. Everything is done
with whole-array numpy passes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import Catalog
from .issues import SyntaxIssue, issue
from .limits import Limits
from .raw import RawRubriques, block_code, block_key, rubrique_code

# In a lot, an envoi sits in a group (S06.G51.00); outside a lot it is a root.
ENVOI, ENVOI_CONTAINER = "S10.G00.00", "S06.G51.00"


@dataclass
class BlockIndex:
    """The catalog's blocks as dense indexes, with the arrays the vectorised passes need."""

    codes: list[str]
    parent: np.ndarray  # parent index or -1
    optional_parent: np.ndarray  # bool: an instance may lack its parent (envoi outside a lot)
    is_ancestor: np.ndarray  # [block, other] → other is a proper ancestor of block
    rank: np.ndarray  # depth-first position in the norm tree
    lookup: np.ndarray  # block key → index, -1 when unknown
    rubrique_keys: np.ndarray  # sorted block_key * 1000 + number of every catalog rubrique
    slot: np.ndarray  # (block index + 1) * 1000 + number → position in rubrique_keys, -1 when not in the catalog

    @classmethod
    def of(cls, catalog: Catalog) -> BlockIndex:
        """The index of a catalog (built once per catalog object)."""
        cached = _INDEXES.get(id(catalog))
        if cached is None or cached[0] is not catalog:
            cached = _INDEXES[id(catalog)] = (catalog, cls._build(catalog))
        return cached[1]

    @classmethod
    def _build(cls, catalog: Catalog) -> BlockIndex:
        codes = sorted(catalog.blocks)
        index = {code: i for i, code in enumerate(codes)}
        parents = {code: catalog.blocks[code].parent for code in codes}
        if ENVOI in parents and ENVOI_CONTAINER in parents and parents[ENVOI] is None:
            parents[ENVOI] = ENVOI_CONTAINER
        parent = np.array([index.get(parents[c], -1) for c in codes], dtype=np.int64)
        optional = np.array([c == ENVOI for c in codes])
        n = len(codes)
        is_ancestor = np.zeros((n, n), dtype=bool)
        for i in range(n):
            p = parent[i]
            while p >= 0:
                is_ancestor[i, p] = True
                p = parent[p]
        children: dict[int, list[int]] = {}
        for i in range(n):
            children.setdefault(int(parent[i]), []).append(i)
        rank = np.zeros(n, dtype=np.int64)
        counter = 0

        def visit(i: int) -> None:
            nonlocal counter
            rank[i] = counter
            counter += 1
            for child in sorted(children.get(i, []), key=lambda c: catalog.blocks[codes[c]].order):
                visit(child)

        for root in sorted(children.get(-1, []), key=lambda c: catalog.blocks[codes[c]].order):
            visit(root)
        lookup = np.full(100 * 10000, -1, dtype=np.int16)
        for code, i in index.items():
            lookup[block_key(code)] = i
        keys = np.array(sorted(block_key(code[:10]) * 1000 + int(code[11:14]) for code in catalog.rubriques),
                        dtype=np.int64)
        slot = np.full((n + 1) * 1000, -1, dtype=np.int16)
        for position, key in enumerate(keys.tolist()):
            block = int(lookup[key // 1000])
            if block >= 0:
                slot[(block + 1) * 1000 + key % 1000] = position
        return cls(codes, parent, optional, is_ancestor, rank, lookup, keys, slot)


_INDEXES: dict[int, tuple[Catalog, BlockIndex]] = {}


@dataclass
class Instances:
    """Block instances of a file: one entry per instance, in file order; ``row_instance`` maps rows to them."""

    block: np.ndarray  # block index per instance
    parent: np.ndarray  # parent instance id or -1
    first_line: np.ndarray
    last_line: np.ndarray
    first_row: np.ndarray  # first row (in RawRubriques) of each instance
    row_instance: np.ndarray  # int32 instance id per row, -1 for rows of unknown blocks
    row_rubrique: np.ndarray  # int16 per row: position of its rubrique in BlockIndex.rubrique_keys, -1 if unknown

    def __len__(self) -> int:
        return len(self.block)

    @property
    def row_known(self) -> np.ndarray:
        """Bool per row: the rubrique is in the catalog."""
        return self.row_rubrique >= 0


def build_instances(raw: RawRubriques, blocks: BlockIndex, norm: str,
                    limits: Limits | None = None) -> tuple[Instances, list[SyntaxIssue]]:
    """Group rows into block instances, link each to its parent, and report unknown and misplaced blocks.

    Raises LimitExceeded when there are more such issues than ``limits.max_syntax_issues``, before making them.
    """
    limits = limits or Limits()
    issues: list[SyntaxIssue] = []
    row_block = blocks.lookup[raw.block]  # block keys have six digits: always inside the lookup table
    known_block = row_block >= 0
    slot = row_block.astype(np.int32)
    slot += 1
    slot *= 1000
    slot += raw.number
    row_rubrique = blocks.slot[slot]
    del slot
    all_known = bool(known_block.all())
    unknown_rubriques = np.flatnonzero(known_block & (row_rubrique < 0))
    limits.check("max_syntax_issues", int((~known_block).sum()) + len(unknown_rubriques),
                 "trop de blocs ou de rubriques inconnus de la norme")
    if not all_known:
        for row in np.flatnonzero(~known_block):
            issues.append(issue("unknown_block", int(raw.line[row]), block=block_code(int(raw.block[row])),
                                norm=norm, rubrique=rubrique_code(int(raw.block[row]), int(raw.number[row]))))
    for row in unknown_rubriques:
        code = rubrique_code(int(raw.block[row]), int(raw.number[row]))
        issues.append(issue("unknown_rubrique", int(raw.line[row]), rubrique=code, norm=norm))

    if all_known:  # the usual case: every row, without copies
        rows, b, num = None, row_block, raw.number
    else:
        rows = np.flatnonzero(known_block)
        b, num = row_block[rows], raw.number[rows]
    del known_block
    new = np.ones(len(b), dtype=bool)
    if len(b) > 1:
        np.not_equal(b[1:], b[:-1], out=new[1:])
        new[1:] |= num[1:] <= num[:-1]
    if raw.starts is not None:
        new |= raw.starts if rows is None else raw.starts[rows]
    local_instance = np.cumsum(new, dtype=np.int32)
    local_instance -= 1
    first = np.flatnonzero(new)
    del new
    if rows is None:
        row_instance, first_row = local_instance, first
        last_row = np.append(first[1:] - 1, len(b) - 1) if len(b) else first
    else:
        row_instance = np.full(len(raw), -1, dtype=np.int32)
        row_instance[rows] = local_instance
        first_row = rows[first]
        last_row = rows[np.append(first[1:] - 1, len(rows) - 1)] if len(rows) else rows
    inst_block = b[first].astype(np.int64)
    instances = Instances(inst_block, _parents(inst_block, blocks), raw.line[first_row], raw.line[last_row],
                          first_row, row_instance, row_rubrique)
    issues.extend(_placement_issues(instances, blocks, limits))
    return instances, issues


def _parents(inst_block: np.ndarray, blocks: BlockIndex) -> np.ndarray:
    """Parent instance of every instance: the latest instance of the parent block not closed since."""
    n = len(inst_block)
    parent = np.full(n, -1, dtype=np.int64)
    wanted = blocks.parent[inst_block]
    positions = np.arange(n, dtype=np.int64)
    for p in np.unique(wanted[wanted >= 0]):
        opens = inst_block == p
        closes = blocks.is_ancestor[p][inst_block]  # opening an ancestor of p closes the open p
        events = np.where(opens | closes, positions, -1)
        latest = np.maximum.accumulate(events)
        current = np.where((latest >= 0) & opens[np.maximum(latest, 0)], latest, -1)
        mine = wanted == p
        parent[mine] = current[mine]
    return parent


def _placement_issues(instances: Instances, blocks: BlockIndex, limits: Limits) -> list[SyntaxIssue]:
    """Orphan blocks (no open parent) and blocks out of the norm's tree order."""
    issues = []
    b = instances.block
    orphan = (instances.parent < 0) & (blocks.parent[b] >= 0) & ~blocks.optional_parent[b]
    limits.check("max_syntax_issues", int(orphan.sum()), "trop de blocs sans bloc parent")
    for i in np.flatnonzero(orphan):
        issues.append(issue("orphan_block", int(instances.first_line[i]), block=blocks.codes[b[i]],
                            parent=blocks.codes[blocks.parent[b[i]]]))
    if len(b) > 1:
        prev, cur = b[:-1], b[1:]
        backwards = np.flatnonzero((blocks.rank[cur] < blocks.rank[prev]) & ~blocks.is_ancestor[prev, cur]
                                   & ~orphan[1:]) + 1
        limits.check("max_syntax_issues", len(backwards), "trop de blocs mal placés")
        for i in backwards:
            issues.append(issue("block_order", int(instances.first_line[i]), block=blocks.codes[b[i]],
                                previous=blocks.codes[b[i - 1]]))
    return issues
