"""The readable YAML form of the referential: loading (same checks as the XML) and dumping.

Shape: sheets → company, producer, groups → criteria, contracts → lines (option, population,
composants). See docs/fpoc.md for an example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rules.fpoc.building import Field, SheetBuilder
from rules.fpoc.formats import ISO_DATE
from rules.fpoc.model import (
    COMPOSANT_TYPES,
    RANGE_CRITERIA,
    SPECIFIC_BASE,
    VALUE_CRITERIA,
    ContractParameters,
    Criteria,
    ExpectedComposant,
    Group,
    Referential,
    Sheet,
)
from rules.fpoc.problems import LoadResult, ProblemCode, ReferentialProblem, Where

T = TypeVar("T")
_NULL_TAG = "tag:yaml.org,2002:null"
_KEYS = {
    "root": {"sheets"},
    "sheet": {"id", "created", "company", "producer", "groups"},
    "company": {"siren", "nic", "name"},
    "producer": {"code", "name", "risk_carrier"},
    "group": {"number", "label", "criteria", "contracts"},
    "contract": {
        "reference", "label", "former_reference", "organism", "delegataire", "former_organism",
        "former_delegataire", "valid_from", "valid_to", "periodicity", "change", "lines", "products",
    },
    "line": {"option", "population", "composants"},
    "code": {"code", "label", "former_code"},
    "composant": {"base", "rate"},
    "specific": {"base", "nature", "label", "rate", "amount"},
    "values": {"included", "excluded"},
    "range": {"unit", "min", "max"},
    "criteria": set(VALUE_CRITERIA) | set(RANGE_CRITERIA),
}


def load_yaml(path: str | PathLike[str]) -> LoadResult:
    """Load a YAML referential; never raises, every problem is returned in the result."""
    file = str(path)
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problem = ReferentialProblem.make(ProblemCode.MALFORMED, file, Where(line, None), detail=str(exc.problem))
        return LoadResult(Referential(), (problem,))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problem = ReferentialProblem.make(ProblemCode.UNREADABLE, file, Where(None, None), detail=str(exc))
        return LoadResult(Referential(), (problem,))
    return _YamlReader(file).read(root)


@dataclass
class _Map:
    """A YAML mapping with its key path and its entries by key."""

    node: MappingNode
    path: str
    entries: dict[str, tuple[Node, Node]]


class _YamlReader:
    """Walks a composed YAML document; one SheetBuilder per sheet."""

    def __init__(self, file: str) -> None:
        self.file = file

    def read(self, root: Node | None) -> LoadResult:
        envelope = SheetBuilder(self.file, ISO_DATE)
        sheets: list[Sheet] = []
        problems: list[ReferentialProblem] = []
        document = self._map(envelope, root, "", "root") if root is not None else None
        if root is None:
            envelope.report(ProblemCode.MISSING_ELEMENT, Where(None, ""), name="sheets")
        elif document is not None:
            for node, path in self._seq(envelope, document, "sheets", required=True):
                builder = SheetBuilder(self.file, ISO_DATE)
                sheet = self._sheet(builder, node, path)
                problems.extend(builder.problems)
                if sheet is not None:
                    sheets.append(sheet)
        return LoadResult(Referential(tuple(sheets)), tuple(envelope.problems + problems))

    # --- nodes -----------------------------------------------------------------------------------

    def _map(self, b: SheetBuilder, node: Node, path: str, kind: str) -> _Map | None:
        if not isinstance(node, MappingNode):
            b.report(
                ProblemCode.UNEXPECTED_STRUCTURE, _where(node, path), detail="une table « clé: valeur » est attendue"
            )
            return None
        entries: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in entries:
                b.report(ProblemCode.REPEATED_ELEMENT, _where(key, path, name), name=name)
            elif name not in _KEYS[kind]:
                b.report(ProblemCode.UNKNOWN_ELEMENT, _where(key, path, name), name=name)
            else:
                entries[name] = (key, value)
        return _Map(node, path, entries)

    def _field(self, b: SheetBuilder, m: _Map | None, key: str) -> Field:
        if m is None:
            return Field(key, None, Where(None, None, key), reported=True)
        if key not in m.entries:
            return Field(key, None, _where(m.node, m.path, key))
        value = m.entries[key][1]
        if isinstance(value, ScalarNode):
            text = None if value.tag == _NULL_TAG else str(value.value)
            return Field(key, text, _where(value, m.path, key))
        b.report(ProblemCode.UNEXPECTED_STRUCTURE, _where(value, m.path, key), detail=f"valeur simple attendue pour {key}")
        return Field(key, None, _where(value, m.path, key), reported=True)

    def _child(self, b: SheetBuilder, m: _Map, key: str, kind: str, required: bool = False) -> _Map | None:
        if key not in m.entries:
            if required:
                b.report(ProblemCode.MISSING_ELEMENT, _where(m.node, m.path), name=key)
            return None
        return self._map(b, m.entries[key][1], _join(m.path, key), kind)

    def _seq(self, b: SheetBuilder, m: _Map, key: str, required: bool = False) -> Iterator[tuple[Node, str]]:
        if key not in m.entries:
            if required:
                b.report(ProblemCode.MISSING_ELEMENT, _where(m.node, m.path), name=key)
            return
        node = m.entries[key][1]
        if not isinstance(node, SequenceNode):
            b.report(ProblemCode.UNEXPECTED_STRUCTURE, _where(node, m.path, key), detail=f"une liste est attendue pour {key}")
            return
        for index, item in enumerate(node.value):
            yield item, f"{_join(m.path, key)}[{index}]"

    def _scalars(self, b: SheetBuilder, m: _Map, key: str) -> list[Field]:
        """A list of scalars, or one scalar taken as a list of one."""
        if key in m.entries and isinstance(m.entries[key][1], ScalarNode):
            return [self._field(b, m, key)]
        fields = []
        for node, path in self._seq(b, m, key):
            if isinstance(node, ScalarNode):
                fields.append(Field(key, str(node.value), _where(node, path)))
            else:
                b.report(ProblemCode.UNEXPECTED_STRUCTURE, _where(node, path), detail="valeur simple attendue")
        return fields

    # --- tree ------------------------------------------------------------------------------------

    def _sheet(self, b: SheetBuilder, node: Node, path: str) -> Sheet | None:
        m = self._map(b, node, path, "sheet")
        if m is None:
            return None
        company = self._child(b, m, "company", "company", required=True)
        producer_map = self._child(b, m, "producer", "producer")
        producer = None
        if producer_map is not None:
            producer = b.producer(*(self._field(b, producer_map, k) for k in ("code", "name", "risk_carrier")))
        nics = self._scalars(b, company, "nic") if company is not None else []
        nic = Field("nic", " ".join(f.value for f in nics if f.value) or None, nics[0].where if nics else Where(None, path))
        lines = []
        groups = list(self._seq(b, m, "groups", required=True))
        for group_node, group_path in groups:
            lines.extend(self._group(b, group_node, group_path))
        return b.sheet(
            identifier=self._field(b, m, "id"),
            created_at=self._field(b, m, "created"),
            siren=self._field(b, company, "siren"),
            nic=nic,
            company_name=self._field(b, company, "name"),
            producer=producer,
            lines=lines,
        )

    def _group(self, b: SheetBuilder, node: Node, path: str) -> list[tuple[Where, ContractParameters]]:
        m = self._map(b, node, path, "group")
        if m is None:
            return []
        criteria_map = self._child(b, m, "criteria", "criteria")
        criteria = self._criteria(b, criteria_map) if criteria_map is not None else None
        group = b.group(self._field(b, m, "number"), self._field(b, m, "label"), criteria)
        lines = []
        for contract_node, contract_path in self._seq(b, m, "contracts", required=True):
            lines.extend(self._contract(b, contract_node, contract_path, group))
        return lines

    def _contract(
        self, b: SheetBuilder, node: Node, path: str, group: Group | None
    ) -> list[tuple[Where, ContractParameters]]:
        m = self._map(b, node, path, "contract")
        if m is None:
            return []
        organisme = b.organisme(
            *(self._field(b, m, k) for k in ("organism", "delegataire", "former_organism", "former_delegataire"))
        )
        contract = b.contract(*(self._field(b, m, k) for k in ("reference", "label", "former_reference")))
        terms = b.terms(*(self._field(b, m, k) for k in ("valid_from", "valid_to", "periodicity", "change")))
        products = self._products(b, m)
        if "lines" not in m.entries:
            line = b.parameters(group, organisme, contract, terms, products=products)
            return [(_where(node, path), line)] if line is not None else []
        lines = []
        for line_node, line_path in self._seq(b, m, "lines"):
            line_map = self._map(b, line_node, line_path, "line")
            if line_map is None:
                continue
            line = b.parameters(
                group,
                organisme,
                contract,
                terms,
                option=self._coded(b, line_map, "option", b.option),
                population=self._coded(b, line_map, "population", b.population),
                composants=self._composants(b, line_map),
                products=products,
            )
            if line is not None:
                lines.append((_where(line_node, line_path), line))
        return lines

    def _products(self, b: SheetBuilder, m: _Map) -> dict | None:
        """The contract's ``products`` mapping as plain data (each product module checks its own part)."""
        if "products" not in m.entries:
            return None
        _key, node = m.entries["products"]
        if not isinstance(node, MappingNode):
            b.report(ProblemCode.UNEXPECTED_STRUCTURE, _where(node, m.path, "products"),
                     detail="une table « produit: paramètres » est attendue")
            return None
        return yaml.SafeLoader("").construct_document(node)

    def _coded(self, b: SheetBuilder, m: _Map, key: str, build: Callable[[Field, Field, Field], T]) -> T | None:
        child = self._child(b, m, key, "code")
        if child is None:
            return None
        return build(*(self._field(b, child, k) for k in ("code", "label", "former_code")))

    def _composants(self, b: SheetBuilder, m: _Map) -> tuple[ExpectedComposant, ...]:
        items: list[tuple[Where, ExpectedComposant | None]] = []
        for node, path in self._seq(b, m, "composants"):
            raw = self._map(b, node, path, "specific")
            if raw is None:
                continue
            base = self._field(b, raw, "base")
            if base.value in COMPOSANT_TYPES:
                self._no_extra_keys(b, raw, _KEYS["composant"])
                rate = self._field(b, raw, "rate") if "rate" in raw.entries else None
                items.append((_where(node, path), b.composant(base.value, rate)))
            elif base.value == SPECIFIC_BASE:
                items.append(
                    (
                        _where(node, path),
                        b.specific_composant(
                            _where(node, path),
                            nature=self._field(b, raw, "nature"),
                            label=self._field(b, raw, "label"),
                            rate=self._field(b, raw, "rate") if "rate" in raw.entries else None,
                            amount=self._field(b, raw, "amount") if "amount" in raw.entries else None,
                        ),
                    )
                )
            elif base.value is None:
                b.text(base, required=True)
            else:
                b.report(ProblemCode.UNKNOWN_ELEMENT, base.where, base.value, name=base.value)
        return b.composants(items)

    def _no_extra_keys(self, b: SheetBuilder, m: _Map, allowed: set[str]) -> None:
        for name, (key, _) in m.entries.items():
            if name not in allowed:
                b.report(ProblemCode.UNKNOWN_ELEMENT, _where(key, m.path, name), name=name)

    def _criteria(self, b: SheetBuilder, m: _Map) -> Criteria:
        values = []
        ranges = []
        for name, (_, node) in m.entries.items():
            path = _join(m.path, name)
            if name in VALUE_CRITERIA:
                entry = self._map(b, node, path, "values")
                if entry is None:
                    continue
                criterion = b.value_criterion(
                    name, _where(node, path), self._scalars(b, entry, "included"), self._scalars(b, entry, "excluded")
                )
                if criterion is not None:
                    values.append(criterion)
            else:
                entry = self._map(b, node, path, "range")
                if entry is None:
                    continue
                unit = self._field(b, entry, "unit") if RANGE_CRITERIA[name] else None
                ranges.append(
                    b.range_criterion(name, _where(node, path), unit, self._field(b, entry, "min"), self._field(b, entry, "max"))
                )
        return Criteria(tuple(values), tuple(ranges))


def _where(node: Node, path: str, key: str | None = None) -> Where:
    return Where(node.start_mark.line + 1, path, key)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- dump ----------------------------------------------------------------------------------------


def dump_yaml(referential: Referential) -> str:
    """The referential in the YAML form; `load_yaml` reads it back to an equal model."""
    document = {"sheets": [_sheet_data(sheet) for sheet in referential.sheets]}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def _sheet_data(sheet: Sheet) -> dict[str, Any]:
    data: dict[str, Any] = {"id": sheet.identifier}
    if sheet.created_at is not None:
        data["created"] = sheet.created_at.isoformat()
    data["company"] = _compact({"siren": sheet.siren, "nic": list(sheet.nics) or None, "name": sheet.company_name})
    if sheet.producer is not None:
        p = sheet.producer
        data["producer"] = _compact({"code": p.code, "name": p.name, "risk_carrier": p.risk_carrier})
    data["groups"] = [
        _group_data(group, list(lines)) for group, lines in groupby(sheet.parameters, key=lambda line: line.group)
    ]
    return data


def _group_data(group: Group, lines: list[ContractParameters]) -> dict[str, Any]:
    data: dict[str, Any] = {"number": group.number, "label": group.label}
    if group.criteria is not None:
        data["criteria"] = _criteria_data(group.criteria)
    data["contracts"] = [_contract_data(list(same)) for _, same in groupby(lines, key=_contract_key)]
    return data


def _contract_key(line: ContractParameters) -> tuple[object, ...]:
    return (line.organisme, line.contract, line.valid_from, line.valid_to, line.periodicity, line.change)


def _contract_data(lines: list[ContractParameters]) -> dict[str, Any]:
    first = lines[0]
    o, c = first.organisme, first.contract
    data = _compact(
        {
            "reference": c.reference,
            "label": c.label,
            "former_reference": c.former_reference,
            "organism": o.code,
            "delegataire": o.delegataire,
            "former_organism": o.former_code,
            "former_delegataire": o.former_delegataire,
            "valid_from": ISO_DATE.format(first.valid_from),
            "valid_to": ISO_DATE.format(first.valid_to) if first.valid_to else None,
            "periodicity": first.periodicity.value if first.periodicity else None,
            "change": first.change,
        }
    )
    if first.products:
        data["products"] = first.products
    data["lines"] = [_line_data(line) for line in lines]
    return data


def _line_data(line: ContractParameters) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, coded in (("option", line.option), ("population", line.population)):
        if coded is not None:
            data[key] = _compact({"code": coded.code, "label": coded.label, "former_code": coded.former_code})
    if line.composants:
        data["composants"] = [_composant_data(c) for c in line.composants]
    return data


def _composant_data(composant: ExpectedComposant) -> dict[str, Any]:
    specific = composant.element == SPECIFIC_BASE
    return _compact(
        {
            "base": composant.element,
            "nature": composant.type_code if specific else None,
            "label": composant.label,
            "rate": str(composant.rate) if composant.rate is not None else None,
            "amount": str(composant.amount) if composant.amount is not None else None,
        }
    )


def _criteria_data(criteria: Criteria) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for value in criteria.values:
        data[value.name] = {"included": list(value.included)} if value.included else {"excluded": list(value.excluded)}
    for bounded in criteria.ranges:
        data[bounded.name] = _compact(
            {"unit": bounded.unit, "min": _bound_text(bounded.lower), "max": _bound_text(bounded.upper)}
        )
    return data


def _bound_text(bound: Decimal | date | None) -> str | None:
    if bound is None:
        return None
    return ISO_DATE.format(bound) if isinstance(bound, date) else str(bound)


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}
