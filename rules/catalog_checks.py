"""Checks generated from the catalog: value formats, usage per declaration model, cardinalities, totals.

No per-rubrique code: every check reads the catalog (data types, blocks, DSN-Val usage) and works on whole
arrays of the parsed file at once (rows grouped by data type, instances grouped by block and model), so a
file of ten million rubriques is checked in a few passes.

* Formats (DSN-Val stage codes): CSL01_MINI / CSL01_MAXI length, CSL02_NATURE non-numeric value of a
  numeric type, CSL03_DATE date that is not a real JJMMAAAA day, CSL00 regexp (full match), CSL11 value out
  of the enumeration, and DSN-CHAR-01 characters outside the norm's set (dsn-format.md §1.1). A value gets
  at most one of the type findings, in that order (a too-long value is not also reported as off-pattern).
* Usage (DSN-Val 2021 base usage, overridden by the declaration model's refinements): CST03 mandatory
  rubrique missing from a present block, CST04 forbidden rubrique present; CST02_1 mandatory block missing,
  CST02_2 block forbidden for the model, CST02_3 cardinality out of bounds, per parent instance.
* Totals: DSN-TOT-01 / DSN-TOT-02 (S90.G00.90.001 lines, .002 déclarations; the workbook has no control
  code for them); DSN-LOT-01 / DSN-LOT-02 lot envelope counts, as warnings (the public lot sample does not
  follow the labels strictly).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dsn_parser.catalog import Catalog

from . import syntax  # noqa: F401  (registers the reader's CST02_1, extended below)
from .context import Context
from .registry import REGISTRY, Finding, rule

TEST = "tests/rules/catalog/"
# Characters of dsn-format.md §1.1: letters, digits, the Latin-1 letters À–Å Ç–Ï Ñ–Ö Ù–Ý à–å ç–ï ñ–ö ù–ý ÿ,
# space and " & ' ( ) * + , - . / : = @ _ ` ° « »; at least one letter or digit.
_LETTERS = "A-Za-z0-9À-ÅÇ-ÏÑ-ÖÙ-Ýà-åç-ïñ-öù-ýÿ"
_OTHERS = " \"&'()*+,\\-./:=@_`°«»"
ALLOWED_TEXT = f"^[{_LETTERS}{_OTHERS}]*[{_LETTERS}][{_LETTERS}{_OTHERS}]*$"
NUMERIC_TEXT = r"^-?[0-9]+(\.[0-9]+)?$"
FORMAT_CODES = ("CSL01_MINI", "CSL01_MAXI", "CSL02_NATURE", "CSL03_DATE", "CSL00", "CSL11", "DSN-CHAR-01")
DECLARATION, ENVOI, TOTAL = "S20.G00.05", "S10.G00.00", "S90.G00.90"
VERSION_TYPE = "DSN_Version~"  # the S10.G00.00.006 type of a compiled catalog
GROUP, GROUP_END, LOT, LOT_END = "S06.G51.00", "S96.G51.00", "S05.G51.00", "S95.G51.00"


def _shared(ctx: Context, name: str, build):
    """A result computed once per validation run and kept on the context."""
    cache = ctx.__dict__.setdefault("_catalog_checks", {})
    if name not in cache:
        cache[name] = build(ctx)
    return cache[name]


# --------------------------------------------------------------------------------------------- formats

_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _valid_dates(values: pa.Array) -> np.ndarray:
    """True where a JJMMAAAA value is a real calendar day (no 31/02, 29/02 only in leap years)."""
    shaped = pc.fill_null(pc.match_substring_regex(values, r"^[0-9]{8}$"), False).to_numpy(zero_copy_only=False)
    digits = pc.if_else(shaped, values, "00000000")
    day, month, year = (pc.cast(pc.utf8_slice_codeunits(digits, a, b), pa.int64()).to_numpy(zero_copy_only=False)
                        for a, b in ((0, 2), (2, 4), (4, 8)))
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    in_range = (month >= 1) & (month <= 12)
    last = _MONTH_DAYS[np.where(in_range, month, 0)] + ((month == 2) & leap)
    return shaped & in_range & (day >= 1) & (day <= last)


def _type_failures(values: pa.Array, data_type) -> dict[str, np.ndarray]:
    """Per format code, the mask of values of one data type that fail it (at most one code per value)."""
    n = len(values)
    out: dict[str, np.ndarray] = {}
    ok = np.ones(n, dtype=bool)

    def fail(code: str, mask) -> None:
        bad = ok & ~np.asarray(mask, dtype=bool)
        if bad.any():
            out[code] = bad
        ok[bad] = False

    if data_type.id.startswith(VERSION_TYPE):  # each catalog lists only its own version; the reader picks it
        fail("CSL00", pc.match_substring_regex(values, r"^P[0-9]{2}V[0-9]{2}$").to_numpy(False))
        return out
    if data_type.values:  # enumeration: membership says everything
        fail("CSL11", pc.is_in(values, value_set=pa.array(list(data_type.values), pa.string())).to_numpy(False))
        return out
    length = pc.utf8_length(values).to_numpy(zero_copy_only=False)
    if data_type.min is not None:
        fail("CSL01_MINI", length >= data_type.min)
    if data_type.max is not None:
        fail("CSL01_MAXI", length <= data_type.max)
    if data_type.nature == "Numeric":
        fail("CSL02_NATURE", pc.match_substring_regex(values, NUMERIC_TEXT).to_numpy(False))
    if data_type.nature == "Date":
        fail("CSL03_DATE", _valid_dates(values))
    if data_type.regexp:
        fail("CSL00", pc.match_substring_regex(values, f"^(?:{data_type.regexp})$").to_numpy(False))
    return out


def _format_findings(ctx: Context) -> dict[str, pd.DataFrame]:
    """Every format finding of the file, per code, as finding frames.

    Each rubrique column of the raw-string tables is dictionary-encoded: its type's checks run over the
    distinct values only (a file repeats the same codes, dates and amounts many times), then map back to the
    rows that hold a failing value.
    """
    catalog = ctx.catalog
    picked: dict[str, list[pd.DataFrame]] = {code: [] for code in FORMAT_CODES}
    for code, rubrique in catalog.rubriques.items():
        if not len(ctx.parsed.rubrique_rows(code)):
            continue
        table = ctx.text(code[:10])
        values = pa.array(table[code].array)
        for failed, bad in _column_failures(values, rubrique.type).items():
            data_type = rubrique.type
            picked[failed].append(pd.DataFrame({
                # rows without the rubrique have no line (NA): select the failing rows, which all hold it, first
                "line": table[f"{code}#line"].array[bad].to_numpy(dtype=np.int64),
                "instance": table["id"].to_numpy()[bad],
                "rubrique": code, "value": values.take(pa.array(bad)).to_pylist(),
                "min": data_type.min, "max": data_type.max, "datatype": data_type.id}))
    columns = ["line", "instance", "rubrique", "value", "min", "max", "datatype"]
    return {code: (pd.concat(parts, ignore_index=True).sort_values("line", kind="stable", ignore_index=True)
                   if parts else pd.DataFrame(columns=columns))
            for code, parts in picked.items()}


def _column_failures(values: pa.Array, data_type) -> dict[str, np.ndarray]:
    """Per format code, the positions of the non-null ``values`` (all of one data type) that fail it."""
    encoded = values.dictionary_encode()
    distinct = encoded.dictionary
    indices = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    failures = _type_failures(distinct, data_type)
    failures["DSN-CHAR-01"] = ~pc.match_substring_regex(distinct, ALLOWED_TEXT).to_numpy(zero_copy_only=False)
    out = {}
    for code, mask in failures.items():
        if mask.any():
            failing = np.append(mask, False)  # index -1 (a missing value) reads the appended False
            out[code] = np.flatnonzero(failing[indices])
    return out


def _format_check(code: str):
    def check(ctx: Context) -> pd.DataFrame:
        return _shared(ctx, "formats", _format_findings)[code]
    check.__name__ = f"check_{code.replace('-', '_').lower()}"
    return check


_FORMAT_RULES = {
    "CSL00": ("La valeur de la rubrique {rubrique} ne respecte pas le format du type {datatype}",
              "Valeur conforme à l'expression régulière de son type de donnée (correspondance complète)."),
    "CSL01_MAXI": ("La valeur de la rubrique {rubrique} dépasse la longueur maximale de {max} caractères",
                   "Longueur de la valeur au plus égale au maximum de son type de donnée."),
    "CSL01_MINI": ("La valeur de la rubrique {rubrique} est plus courte que la longueur minimale de {min} "
                   "caractères", "Longueur de la valeur au moins égale au minimum de son type de donnée."),
    "CSL02_NATURE": ("La valeur de la rubrique {rubrique} n'est pas numérique",
                     "Valeur numérique (signe et point décimal admis) pour un type de nature numérique."),
    "CSL03_DATE": ("La valeur de la rubrique {rubrique} n'est pas une date JJMMAAAA du calendrier",
                   "Date JJMMAAAA existante au calendrier pour un type de nature date."),
    "CSL11": ("La valeur de la rubrique {rubrique} n'appartient pas à la liste des valeurs autorisées",
              "Valeur présente dans l'énumération de son type de donnée."),
    "DSN-CHAR-01": ("La valeur de la rubrique {rubrique} contient un caractère non autorisé par la norme, "
                    "ou ne contient ni lettre ni chiffre",
                    "Caractères du jeu autorisé par la norme (lettres, chiffres, lettres accentuées Latin-1, "
                    "espace et \" & ' ( ) * + , - . / : = @ _ ` ° « »), dont au moins une lettre ou un chiffre."),
}

for _code, (_message, _description) in _FORMAT_RULES.items():
    rule(_code, scope="rubrique", message=_message, description=_description,
         test=f"{TEST}test_formats.py::test_format_rule_fails")(_format_check(_code))


# ------------------------------------------------------------------------------------------- usage

@dataclass
class _Layout:
    """Instances with their block code, declaration model and, per block, the instance ids."""

    codes: list[str]
    block: np.ndarray  # block index per instance
    model: np.ndarray  # model index per instance (-1: outside a déclaration or unknown model)
    models: list[str]


def _layout(ctx: Context) -> _Layout:
    inst, codes = ctx.parsed.instances, ctx.parsed.blocks.codes
    declaration_index = codes.index(DECLARATION) if DECLARATION in codes else -2
    declaration = np.full(len(inst), -1, dtype=np.int64)
    current = np.arange(len(inst), dtype=np.int64)
    while (current >= 0).any():
        found = (current >= 0) & (inst.block[np.maximum(current, 0)] == declaration_index) & (declaration < 0)
        declaration[found] = current[found]
        current = np.where(current >= 0, inst.parent[np.maximum(current, 0)], -1)
    models = list(ctx.catalog.usage.get("models", {}))
    per_declaration = {d: (models.index(m) if m in models else -1) for d, m in ctx.declaration_models.items()}
    lookup = np.full(len(inst), -1, dtype=np.int64)
    for declaration_id, model_index in per_declaration.items():
        lookup[declaration_id] = model_index
    model = np.where(declaration >= 0, lookup[np.maximum(declaration, 0)], -1)
    return _Layout(codes, inst.block, model, models)


def rubrique_usage(catalog: Catalog, rubrique: str, model: str | None) -> str | None:
    """Mandatory / Conditional / Forbidden / Optional of a rubrique in a declaration model (None: unknown)."""
    refined = catalog.usage.get("models", {}).get(model, {}).get("refinements", {}).get(rubrique)
    if refined and refined["usage"]:
        return refined["usage"]
    return catalog.usage.get("rubriques", {}).get(rubrique)


def block_bounds(catalog: Catalog, block: str, model: str | None) -> tuple[int, int | None]:
    """(min, max) instances of ``block`` per parent instance in a declaration model; max None = unbounded."""
    base = catalog.blocks[block]
    low, high = base.min, base.max
    refined = catalog.usage.get("models", {}).get(model, {}).get("refinements", {}).get(block)
    if refined:
        usage = refined["usage"]
        if usage == "Forbidden":
            return 0, 0
        if refined["min"] is not None:
            low = refined["min"]
        elif usage in ("Optional", "Conditional"):
            low = 0
        elif usage == "Mandatory":
            low = max(low, 1)
        if refined["max"] is not None:
            high = refined["max"]
    return low, high


def _holders(ctx: Context, code: str) -> np.ndarray:
    """The instances that hold rubrique ``code``, ascending."""
    return ctx.parsed.instances.row_instance[ctx.parsed.rubrique_rows(code)]


def _member(ids: np.ndarray, sorted_ids: np.ndarray) -> np.ndarray:
    """True for the ``ids`` found in the ascending array ``sorted_ids``."""
    if not len(sorted_ids):
        return np.zeros(len(ids), dtype=bool)
    position = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return sorted_ids[position] == ids


def _has(ctx: Context, ids: np.ndarray, code: str) -> np.ndarray:
    """True for the instances of ``ids`` that hold rubrique ``code``."""
    return _member(ids, _holders(ctx, code))


def _groups(ctx: Context) -> dict[tuple[int, int], np.ndarray]:
    """(block index, model index) → instance ids, in file order (computed once per run)."""
    return _shared(ctx, "groups", _build_groups)


def _build_groups(ctx: Context) -> dict[tuple[int, int], np.ndarray]:
    layout = _shared(ctx, "layout", _layout)
    combined = (layout.block * (len(layout.models) + 1) + (layout.model + 1)).astype(np.int16)
    order = np.argsort(combined, kind="stable")  # 16-bit keys: a radix sort
    values = combined[order]
    cuts = np.flatnonzero(np.diff(values)) + 1
    out = {}
    for part in np.split(order, cuts):
        if len(part):
            value = int(combined[part[0]])
            out[(value // (len(layout.models) + 1), value % (len(layout.models) + 1) - 1)] = part
    return out


@rule("CST03", scope="block", message="La rubrique obligatoire {rubrique} est absente du bloc {block}{model_text}",
      description="Rubrique obligatoire (usage DSN-Val 2021 du modèle de déclaration) absente d'un bloc présent.",
      test=f"{TEST}test_usage.py::test_missing_mandatory_rubrique")
def check_mandatory_rubriques(ctx: Context) -> list[Finding]:
    layout, catalog = _shared(ctx, "layout", _layout), ctx.catalog
    findings = []
    for (block_index, model_index), ids in _groups(ctx).items():
        block = layout.codes[block_index]
        model = layout.models[model_index] if model_index >= 0 else None
        every = len(ctx.parsed.instance_ids(block))
        for rub in catalog.rubriques_of(block):
            if rubrique_usage(catalog, rub.code, model) != "Mandatory":
                continue
            if len(ctx.parsed.rubrique_rows(rub.code)) == every:  # one per instance of the block: none missing
                continue
            missing = ids[~_has(ctx, ids, rub.code)]
            findings += [Finding(instance=int(i), rubrique=rub.code, fields=_model_fields(block, model))
                         for i in missing]
    return findings


@rule("CST04", scope="rubrique", message="La rubrique {rubrique} est interdite{model_text}",
      description="Rubrique interdite par l'usage DSN-Val 2021 du modèle de déclaration.",
      test=f"{TEST}test_usage.py::test_forbidden_rubrique")
def check_forbidden_rubriques(ctx: Context) -> list[Finding]:
    layout, catalog, parsed = _shared(ctx, "layout", _layout), ctx.catalog, ctx.parsed
    findings = []
    for (block_index, model_index), ids in _groups(ctx).items():
        block = layout.codes[block_index]
        model = layout.models[model_index] if model_index >= 0 else None
        forbidden = [r.code for r in catalog.rubriques_of(block)
                     if rubrique_usage(catalog, r.code, model) == "Forbidden"]
        if not forbidden:
            continue
        inst = parsed.instances.row_instance
        for code in forbidden:
            rows = parsed.rubrique_rows(code)
            rows = rows[_member(inst[rows], ids)]
            for row, value in zip(rows.tolist(), parsed.raw.take(rows).to_pylist()):
                findings.append(Finding(line=int(parsed.raw.line[row]), instance=int(inst[row]), rubrique=code,
                                        value=value, fields=_model_fields(block, model)))
    findings.sort(key=lambda f: f.line)
    return findings


def _model_fields(block: str, model: str | None) -> dict:
    return {"block": block, "model": model, "model_text": f" ({model})" if model else ""}


def _cardinality_findings(ctx: Context) -> dict[str, list[Finding]]:
    """Missing mandatory blocks, forbidden blocks and counts out of bounds, per parent instance."""
    layout, catalog, inst = _shared(ctx, "layout", _layout), ctx.catalog, ctx.parsed.instances
    out: dict[str, list[Finding]] = {"CST02_1": [], "CST02_2": [], "CST02_3": []}
    groups = _groups(ctx)
    by_block: dict[int, list[tuple[int, np.ndarray]]] = {}
    for (block_index, model_index), ids in groups.items():
        by_block.setdefault(block_index, []).append((model_index, ids))
    for child, spec in catalog.blocks.items():
        if spec.parent is None or spec.parent not in layout.codes or child not in layout.codes:
            continue
        child_ids = ctx.parsed.instance_ids(child)
        child_parents = np.sort(inst.parent[child_ids])
        for model_index, parents in by_block.get(layout.codes.index(spec.parent), []):
            model = layout.models[model_index] if model_index >= 0 else None
            if spec.parent == DECLARATION and model is None:
                continue  # unknown nature/type: the reader reports it, usage cannot be applied
            low, high = block_bounds(catalog, child, model)
            n = np.searchsorted(child_parents, parents, "right") - np.searchsorted(child_parents, parents, "left")
            fields = _model_fields(child, model) | {"min": low, "max": "*" if high is None else high}
            if high == 0:
                for i in child_ids[np.isin(inst.parent[child_ids], parents[n > 0])]:
                    out["CST02_2"].append(Finding(instance=int(i), fields=fields))
                continue
            for parent in parents[(n == 0) & (low > 0)]:
                out["CST02_1"].append(Finding(instance=int(parent), fields=fields | {
                    "detail": f"Bloc obligatoire {child} absent{fields['model_text']}"}))
            too_many = (n > high) if high is not None else np.zeros(len(n), dtype=bool)
            for parent, count in zip(parents[too_many | ((n > 0) & (n < low))], n[too_many | ((n > 0) & (n < low))]):
                out["CST02_3"].append(Finding(instance=int(parent), fields=fields | {"count": int(count)}))
    return out


def _register_missing_blocks() -> None:
    """CST02_1 is also the reader's code for a block without its parent: one rule reports both."""
    reader_rule = REGISTRY["CST02_1"]

    def check(ctx: Context) -> list[Finding]:
        return list(reader_rule.check(ctx)) + _shared(ctx, "cardinality", _cardinality_findings)["CST02_1"]

    REGISTRY["CST02_1"] = replace(
        reader_rule, check=check, test=f"{TEST}test_usage.py::test_missing_mandatory_block",
        description="Bloc obligatoire absent : bloc sans son bloc parent (lecture), ou bloc de cardinalité "
                    "minimale ≥ 1 (norme, affinée par le modèle de déclaration DSN-Val 2021) absent.")


_register_missing_blocks()


@rule("CST02_2", scope="block", message="Le bloc {block} est interdit{model_text}",
      description="Bloc interdit pour le modèle de déclaration (usage DSN-Val 2021).",
      test=f"{TEST}test_usage.py::test_forbidden_block")
def check_forbidden_blocks(ctx: Context) -> list[Finding]:
    return _shared(ctx, "cardinality", _cardinality_findings)["CST02_2"]


@rule("CST02_3", scope="block",
      message="Le bloc {block} est présent {count} fois alors que la norme en admet de {min} à {max}{model_text}",
      description="Nombre d'instances d'un bloc par instance parente hors des bornes de la norme (feuille "
                  "Blocks du CT 2024, bornes affinées par le modèle de déclaration DSN-Val 2021).",
      test=f"{TEST}test_usage.py::test_too_many_blocks")
def check_cardinality(ctx: Context) -> list[Finding]:
    return _shared(ctx, "cardinality", _cardinality_findings)["CST02_3"]


# ------------------------------------------------------------------------------------------ totals

def _children(ctx: Context, parent_block: str, child_block: str) -> tuple[np.ndarray, np.ndarray]:
    """Instance ids of ``parent_block`` and, for each, its number of ``child_block`` children."""
    layout, inst = _shared(ctx, "layout", _layout), ctx.parsed.instances
    if parent_block not in layout.codes or child_block not in layout.codes:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    parents = np.flatnonzero(layout.block == layout.codes.index(parent_block))
    children = np.flatnonzero(layout.block == layout.codes.index(child_block))
    linked = inst.parent[children]
    counts = np.bincount(linked[linked >= 0], minlength=len(inst))
    return parents, counts[parents]


def _total_rows(ctx: Context, number: str) -> pd.DataFrame:
    """The S90.G00.90 rubrique ``number`` of each envoi: envoi id, total instance, line, declared value."""
    table = ctx.text(TOTAL)
    code = f"{TOTAL}.{number}"
    table = table[table[code].notna()]
    return pd.DataFrame({"envoi": table["parent_id"].to_numpy(), "instance": table["id"].to_numpy(),
                         "line": table[f"{code}#line"].to_numpy(dtype=np.int64), "value": table[code].to_numpy()})


def _count(value: str) -> int | None:
    """A declared count: ASCII digits only (``str.isdigit`` also admits ``²``, which ``int`` refuses)."""
    return int(value) if value.isascii() and value.isdigit() else None


@rule("DSN-TOT-01", scope="envoi",
      message="Le nombre de lignes de l'envoi déclaré en S90.G00.90.001 ({value}) diffère du nombre réel ({actual})",
      description="S90.G00.90.001 = nombre de lignes de l'envoi, de sa première ligne S10 à ses lignes S90 "
                  "incluses (lignes du lot exclues). Non vérifié sur la forme XML.",
      test=f"{TEST}test_totals.py::test_line_count")
def check_line_count(ctx: Context) -> list[Finding]:
    if ctx.parsed.form == "xml":
        return []
    inst = ctx.parsed.instances
    findings = []
    for row in _total_rows(ctx, "001").itertuples():
        actual = int(inst.last_line[row.instance]) - int(inst.first_line[row.envoi]) + 1 if row.envoi >= 0 else None
        if actual is not None and _count(row.value) != actual:
            findings.append(Finding(line=row.line, instance=row.instance, rubrique="S90.G00.90.001",
                                    value=row.value, fields={"actual": actual}))
    return findings


@rule("DSN-TOT-02", scope="envoi",
      message="Le nombre de déclarations déclaré en S90.G00.90.002 ({value}) diffère du nombre de blocs S20 de "
              "l'envoi ({actual})",
      description="S90.G00.90.002 = nombre de déclarations (blocs S20.G00.05) de l'envoi.",
      test=f"{TEST}test_totals.py::test_declaration_count")
def check_declaration_count(ctx: Context) -> list[Finding]:
    envois, counts = _children(ctx, ENVOI, DECLARATION)
    actual = dict(zip(envois.tolist(), counts.tolist()))
    return [Finding(line=row.line, instance=row.instance, rubrique="S90.G00.90.002", value=row.value,
                    fields={"actual": actual.get(row.envoi, 0)})
            for row in _total_rows(ctx, "002").itertuples()
            if _count(row.value) != actual.get(row.envoi, 0)]


@rule("DSN-LOT-01", scope="file", severity="warning",
      message="Le nombre de DSN déclaré en fin de groupe ({value}) diffère du nombre d'envois du groupe ({actual})",
      description="S96.G51.00.002 = nombre d'envois (S10) du groupe du lot. Avertissement seulement : "
                  "l'enveloppe de lot n'est pas contrôlée par la norme DSN.",
      test=f"{TEST}test_totals.py::test_lot_group_count")
def check_group_count(ctx: Context) -> list[Finding]:
    groups, counts = _children(ctx, GROUP, ENVOI)
    actual = dict(zip(groups.tolist(), counts.tolist()))
    table = ctx.text(GROUP_END)
    findings = []
    for _, row in table[table["S96.G51.00.002"].notna()].iterrows():
        value, expected = row["S96.G51.00.002"], actual.get(int(row["parent_id"]), 0)
        if _count(value) != expected:
            findings.append(Finding(line=int(row["S96.G51.00.002#line"]), instance=int(row["id"]),
                                    rubrique="S96.G51.00.002", value=value, fields={"actual": expected}))
    return findings


@rule("DSN-LOT-02", scope="file", severity="warning",
      message="Le nombre déclaré par l'enveloppe du lot ({value}) ne correspond ni au nombre de groupes ({groups}) "
              "ni au nombre de DSN ({envois}) du lot",
      description="S05.G51.00.006 et S95.G51.00.002 = nombre de groupes du lot ; les fichiers réels y mettent "
                  "parfois le nombre de DSN, admis aussi. Avertissement seulement.",
      test=f"{TEST}test_totals.py::test_lot_count")
def check_lot_count(ctx: Context) -> list[Finding]:
    lots, groups = _children(ctx, LOT, GROUP)
    per_lot = dict(zip(lots.tolist(), groups.tolist()))
    inst = ctx.parsed.instances
    envoi_ids = np.flatnonzero(_shared(ctx, "layout", _layout).block == ctx.parsed.blocks.codes.index(ENVOI))
    group_of_envoi = inst.parent[envoi_ids]
    lot_of_envoi = np.where(group_of_envoi >= 0, inst.parent[np.maximum(group_of_envoi, 0)], -1)
    findings = []
    for block, code, lot_column in ((LOT, "S05.G51.00.006", "id"), (LOT_END, "S95.G51.00.002", "parent_id")):
        table = ctx.text(block)
        for _, row in table[table[code].notna()].iterrows():
            lot = int(row[lot_column])
            expected = {per_lot.get(lot, 0), int((lot_of_envoi == lot).sum())}
            if _count(row[code]) not in expected:
                findings.append(Finding(line=int(row[f"{code}#line"]), instance=int(row["id"]), rubrique=code,
                                        value=row[code], fields={"groups": per_lot.get(lot, 0),
                                                                 "envois": int((lot_of_envoi == lot).sum())}))
    return findings
