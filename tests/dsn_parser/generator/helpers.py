"""Test support: norm data read straight from the shared CT2024 workbook export, and a tiny block-tree builder."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ...conftest import shared_path

ROOTS = {"S10.G00.00": None, "S20.G00.05": "S10.G00.00", "S90.G00.90": "S10.G00.00"}


def _norm(name: str) -> Path:
    """A file of the CT2024 workbook export in the reference pack (the test skips without it)."""
    return shared_path("norm", "ct2024-csv", name)


@dataclass(frozen=True)
class FieldType:
    """Type constraints of one rubrique in the 2024 workbook."""

    regexp: re.Pattern | None
    min_length: int
    max_length: int
    values: frozenset[str]


@lru_cache(maxsize=1)
def field_types() -> dict[str, FieldType]:
    """Rubrique code -> its data type constraints."""
    with open(_norm("ct2024_Data_Types.csv"), encoding="utf-8") as handle:
        types = {row["Id"]: row for row in csv.DictReader(handle)}
    result = {}
    with open(_norm("ct2024_Fields.csv"), encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            data_type = types[row["DataType Id"]]
            values = frozenset(re.findall(r"(?:^|;|\n)\s*([0-9A-Za-z]+)\s*=", data_type["Values"]))
            result[f"{row['Block Id']}.{row['Id']}"] = FieldType(
                re.compile(data_type["Regexp"]) if data_type["Regexp"] else None,
                int(data_type["Lg Min"] or 0), int(data_type["Lg Max"] or 10**6), values)
    return result


@lru_cache(maxsize=1)
def block_parents() -> dict[str, str | None]:
    """Block -> parent block, from ct2024_Blocks.csv plus the envoi roots."""
    with open(_norm("ct2024_Blocks.csv"), encoding="utf-8") as handle:
        parents = {row["Id"]: row["ParentId"] for row in csv.DictReader(handle) if row["Id"]}
    return {**parents, **ROOTS}


@lru_cache(maxsize=1)
def block_bounds() -> dict[str, tuple[str, int, float]]:
    """Block -> (parent, lower bound, upper bound) per parent instance."""
    with open(_norm("ct2024_Blocks.csv"), encoding="utf-8") as handle:
        return {row["Id"]: (row["ParentId"], int(row["lowerBound"]),
                            float("inf") if row["upperBound"] == "*" else int(row["upperBound"]))
                for row in csv.DictReader(handle) if row["Id"]}


@lru_cache(maxsize=1)
def block_rank() -> dict[str, int]:
    """Block -> position in the norm's tree order (the Blocks sheet is a pre-order listing)."""
    order = ["S10.G00.00", "S10.G00.01", "S10.G00.02", "S20.G00.05"]
    with open(_norm("ct2024_Blocks.csv"), encoding="utf-8") as handle:
        order += [row["Id"] for row in csv.DictReader(handle) if row["Id"] and row["Id"] not in order]
    return {block: rank for rank, block in enumerate(order + ["S90.G00.90"])}


@dataclass
class Node:
    """One block instance: its rubriques (number -> value), first line index, children."""

    block: str
    line: int
    values: dict[str, str] = field(default_factory=dict)
    children: list["Node"] = field(default_factory=list)

    def all(self, block: str) -> list["Node"]:
        """Every descendant instance of ``block``, in file order."""
        found = []
        for child in self.children:
            if child.block == block:
                found.append(child)
            found += child.all(block)
        return found

    def get(self, number: str) -> str | None:
        return self.values.get(number)

    def amount(self, number: str) -> Decimal:
        return Decimal(self.values[number])


def build_tree(records: list[tuple[str, str]]) -> list[Node]:
    """Envoi trees of ``records`` (lot lines skipped); raises AssertionError when the tree order is broken."""
    parents, rank = block_parents(), block_rank()
    envois: list[Node] = []
    stack: list[Node] = []
    for line, (code, value) in enumerate(records):
        block, number = code[:10], code[11:]
        if block[:3] in ("S05", "S06", "S95", "S96"):
            continue
        current = stack[-1] if stack else None
        if current is not None and current.block == block and number > max(current.values) and not current.children:
            current.values[number] = value
            continue
        parent = parents[block]
        while stack and stack[-1].block != parent:
            stack.pop()
        node = Node(block, line, {number: value})
        if parent is None:
            envois.append(node)
        else:
            assert stack, f"line {line}: {code} has no open {parent}"
            siblings = stack[-1].children
            assert not siblings or rank[siblings[-1].block] <= rank[block], f"line {line}: {code} out of tree order"
            siblings.append(node)
        stack.append(node)
    return envois
