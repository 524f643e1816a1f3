"""Typed tree view of a parsed file: lot → envoi → déclaration → entreprise → établissement → individu → …

Built from the rubrique rows and block instances; the writer turns a tree back into flat text, so that
``parse(write(tree)) == tree`` (line numbers are kept on the nodes but not compared).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .catalog import Catalog
from .raw import rubrique_code
from .writer import Record


@dataclass
class Node:
    """One block instance: its block code, its rubriques in file order, its child instances."""

    block: str
    rubriques: list[Record] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    lines: list[int] = field(default_factory=list, compare=False, repr=False)

    def get(self, code: str) -> str | None:
        """The value of one rubrique of this block (``S21.G00.30.002``), or None."""
        return next((v for c, v in self.rubriques if c == code), None)

    def line_of(self, code: str) -> int | None:
        """The line of one rubrique of this block, when the node comes from a file."""
        for (c, _v), line in zip(self.rubriques, self.lines):
            if c == code:
                return line
        return None

    def all(self, block: str) -> list[Node]:
        """Child instances of one block code."""
        return [child for child in self.children if child.block == block]

    def walk(self) -> Iterator[Node]:
        """This node and every descendant, depth first (file order)."""
        yield self
        for child in self.children:
            yield from child.walk()

    def name(self, catalog: Catalog) -> str:
        """The norm's name of this node's block (``Individu``)."""
        return catalog.blocks[self.block].name if self.block in catalog.blocks else self.block


@dataclass
class Document:
    """A whole file as a forest of root nodes (envois, or one lot holding groups of envois)."""

    roots: list[Node] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        for root in self.roots:
            yield from root.walk()

    def records(self) -> list[Record]:
        """Every rubrique of the document in file order, ready for the writer."""
        return [record for node in self.walk() for record in node.rubriques]

    def find(self, block: str) -> list[Node]:
        """Every instance of one block code, in file order."""
        return [node for node in self.walk() if node.block == block]


def build_tree(parsed) -> Document:
    """The tree of a ParsedFile (rows of unknown blocks are left out: they are syntax issues)."""
    instances, raw = parsed.instances, parsed.raw
    codes = parsed.blocks.codes
    nodes = [Node(codes[b]) for b in instances.block]
    order = np.argsort(instances.row_instance, kind="stable")
    keys = raw.block * 1000 + raw.number
    values = raw.value.to_pylist()
    for row in order:
        inst = instances.row_instance[row]
        if inst < 0:
            continue
        node = nodes[inst]
        key = int(keys[row])
        node.rubriques.append((rubrique_code(key // 1000, key % 1000), values[row]))
        node.lines.append(int(raw.line[row]))
    document = Document()
    for i, parent in enumerate(instances.parent):
        (nodes[parent].children if parent >= 0 else document.roots).append(nodes[i])
    return document
