"""The helper library of the coherence controls (one set for every rule module of ``rules/``).

- columns: :func:`col` (a rubrique's column, all-missing when the norm has no such rubrique), :func:`txt`
  (as strings), :func:`num` (as floats), :func:`day` (as dates);
- masks, numpy boolean arrays with a missing value as False: :func:`truth`, :func:`has`, :func:`isin`,
  :func:`differs`, :func:`matches`, :func:`nonzero`, :func:`pairs_in`, :func:`allowed`, :func:`bad_address`;
- row context: :func:`declaration_rubrique` (a rubrique of the row's déclaration), :func:`declaration_attribute`
  (its nature and dates, see :func:`declarations`), :func:`of_envoi`, :func:`siret`, :func:`by_id`,
  :func:`lookup`, :func:`by_contract_id`, :func:`contract_by_number`, :func:`end_of_contract`;
- findings, the table the engine reads (one row per anomaly): :func:`findings` for rows of a block's whole table
  selected by a mask, with related lines and message fields; :func:`found` for the rows of a block table or of a
  row subset of it, kept in that frame's order, named by the block when no rubrique is given;
  :func:`address_findings` and :func:`locality_findings` for the address controls every address block has.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ENVOI, DECLARATION, ENTREPRISE, ETABLISSEMENT = "S10.G00.00", "S20.G00.05", "S21.G00.06", "S21.G00.11"
ADHESION, VERSEMENT, COMPOSANT = "S21.G00.15", "S21.G00.20", "S21.G00.55"
BORDEREAU, COTISATION_AGREGEE = "S21.G00.22", "S21.G00.23"
INDIVIDU, CHANGEMENT_INDIVIDU, CONTRAT, CHANGEMENT_CONTRAT = "S21.G00.30", "S21.G00.31", "S21.G00.40", "S21.G00.41"
NON_SALARIE = "S89.G00.91"
MENSUELLES = ("01", "09")  # DSN mensuelle and DSN de substitution (dated by the main month, § 4.4.12)
FCTU = "07"
CANCELLED_END = "099"

# Organism codes of prévoyance (institution P+4 digits, insurer A+5, mutuelle 9 digits, other OC 9 characters
# with a letter): the norm recognises a prévoyance organism by the shape of its code (S21.G00.15.003/CCH-11…14).
PREVOYANCE_CODE = r"^(P[0-9]{4}|A[0-9A-Z]{5}|[0-9]{9}|(?=[0-9A-Z]*[A-Z])[0-9A-Z]{9})$"


def col(frame: pd.DataFrame, code: str) -> pd.Series:
    """A column of a block table, or an all-missing column when the norm has no such rubrique."""
    if code in frame.columns:
        return frame[code]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


def txt(frame: pd.DataFrame, code: str) -> pd.Series:
    """A string column (missing values as NA)."""
    return col(frame, code).astype(pd.StringDtype())


def num(frame: pd.DataFrame, code: str) -> pd.Series:
    """A decimal or integer column as float64 (NaN when missing), for comparisons."""
    values = col(frame, code)
    if isinstance(values.dtype, pd.ArrowDtype) and pa.types.is_decimal(values.dtype.pyarrow_dtype):
        floats = pc.cast(pa.array(values.array), pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(floats, index=values.index, dtype="float64")
    if isinstance(values.dtype, pd.Int64Dtype):
        return values.astype("float64")
    return pd.to_numeric(values.astype("object"), errors="coerce").astype("float64")


def day(frame: pd.DataFrame, code: str) -> pd.Series:
    """A date column (NaT when missing)."""
    values = col(frame, code)
    return values if pd.api.types.is_datetime64_any_dtype(values) else pd.Series(pd.NaT, index=frame.index,
                                                                                  dtype="datetime64[ms]")


def truth(values) -> np.ndarray:
    """A boolean numpy mask from a mask or a pandas boolean (nullable or Arrow) result; NA counts as False."""
    if isinstance(values, np.ndarray) and values.dtype == bool:
        return values.astype(bool)
    return pd.Series(values).fillna(False).to_numpy(dtype=bool)


def has(frame: pd.DataFrame, code: str) -> np.ndarray:
    """Rows where rubrique ``code`` is present (with a value of its type, in a typed table)."""
    return col(frame, code).notna().to_numpy(dtype=bool)


def isin(frame: pd.DataFrame, code: str, values: Iterable[str]) -> np.ndarray:
    """Rows where the text of rubrique ``code`` is one of ``values``."""
    column = col(frame, code)
    if not isinstance(column.dtype, pd.StringDtype):
        column = column.astype(pd.StringDtype())
    return column.isin(list(values)).to_numpy(dtype=bool)


def nonzero(frame: pd.DataFrame, code: str) -> np.ndarray:
    """Rows whose amount ``code`` is present and not 0 (a missing amount is neither zero nor non-zero)."""
    return truth(num(frame, code).fillna(0) != 0)


def differs(frame: pd.DataFrame, code: str, values: Iterable[str]) -> np.ndarray:
    """Rows where rubrique ``code`` is present with a value other than ``values`` (the norm's « renseignée avec
    une valeur différente de »): a missing value is not a different one, unlike ``~isin``."""
    return has(frame, code) & ~isin(frame, code, values)


def matches(frame: pd.DataFrame, code: str, pattern: str) -> np.ndarray:
    """Rows where the raw text of rubrique ``code`` matches ``pattern`` (full match)."""
    return truth(frame[code].astype(pd.StringDtype()).str.fullmatch(pattern))


def is_prevoyance(values: pd.Series) -> np.ndarray:
    """Organism codes that designate a prévoyance organism (see ``PREVOYANCE_CODE``)."""
    return truth(values.astype(pd.StringDtype()).str.fullmatch(PREVOYANCE_CODE))


def pairs_in(keys: pd.Series, values: pd.Series, known_keys: pd.Series, known_values: pd.Series) -> np.ndarray:
    """True where the pair (``keys``, ``values``) of a row is one of the (``known_keys``, ``known_values``) pairs;
    a missing value matches a missing value (as tuples in a set do)."""
    def joined(k: pd.Series, v: pd.Series) -> pa.Array:
        ids = pc.cast(pa.array(k.to_numpy(dtype=np.int64)), pa.large_string())
        text = (pa.array(v.array) if isinstance(v.array, pd.arrays.ArrowStringArray)
                else pa.array(v.to_numpy(dtype=object, na_value=None), type=pa.large_string()))
        return pc.binary_join_element_wise(ids, pc.fill_null(text.cast(pa.large_string()), "\x00"),
                                           pa.scalar("\x1f", pa.large_string()))
    found = pc.is_in(joined(keys, values), value_set=joined(known_keys, known_values))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def lookup(frame: pd.DataFrame, key: str, other: pd.DataFrame, code: str) -> pd.Series:
    """For each row of ``frame``, the value of ``code`` in the ``other`` row whose id is ``frame[key]``."""
    values = other.set_index("id")[code]
    return pd.Series(values.reindex(frame[key].to_numpy()).to_numpy(), index=frame.index, dtype=values.dtype)


def declaration_rubrique(ctx, frame: pd.DataFrame, code: str, typed: bool = True) -> pd.Series:
    """For each row, rubrique ``code`` of the déclaration (S20.G00.05) it belongs to."""
    key = "id" if "declaration_id" not in frame else "declaration_id"
    return lookup(frame, key, ctx.table(DECLARATION, typed=typed), code)


def of_envoi(ctx, frame: pd.DataFrame, code: str) -> pd.Series:
    """For each row, rubrique ``code`` of the envoi (S10.G00.00) it belongs to."""
    return lookup(frame, "envoi_id", ctx.text(ENVOI), code)


def month_start(ctx, frame: pd.DataFrame) -> pd.Series:
    """First day of the main declared month (S20.G00.05.005) of each row's déclaration."""
    return declaration_rubrique(ctx, frame, "S20.G00.05.005")


def month_end(ctx, frame: pd.DataFrame) -> pd.Series:
    """Last day of the main declared month of each row's déclaration."""
    return month_start(ctx, frame) + pd.offsets.MonthEnd(0)


def siret(ctx, frame: pd.DataFrame) -> pd.Series:
    """SIRET (SIREN S21.G00.06.001 + NIC S21.G00.11.001) of each row's establishment."""
    key = "id" if "etablissement_id" not in frame else "etablissement_id"
    etab = ctx.text(ETABLISSEMENT)
    companies = lookup(etab, "entreprise_id", ctx.text(ENTREPRISE), "S21.G00.06.001")
    etab = etab.assign(siret=companies + etab["S21.G00.11.001"])
    return lookup(frame, key, etab, "siret")


def count_by(frame: pd.DataFrame, key: str, where: np.ndarray | None = None) -> pd.Series:
    """Number of rows per value of ``key`` (optionally only rows in ``where``)."""
    rows = frame if where is None else frame[where]
    return rows.groupby(key).size()


def counted(frame: pd.DataFrame, key: str, counts: pd.Series) -> np.ndarray:
    """For each row of ``frame``, the count of ``counts`` at ``frame[key]`` (0 when absent)."""
    return counts.reindex(frame[key].to_numpy()).fillna(0).to_numpy(dtype=np.int64)


def any_by(frame: pd.DataFrame, key: str, where: np.ndarray) -> set:
    """Values of ``key`` for which at least one row is in ``where``."""
    return set(frame.loc[where, key].tolist())


def allowed(ctx, frame: pd.DataFrame, block: str) -> np.ndarray:
    """Rows whose déclaration model does not forbid ``block`` (e.g. S21.G00.70 in an arrêt signalement)."""
    models = ctx.catalog.usage.get("models", {})
    forbidden = {decl for decl, model in ctx.declaration_models.items()
                 if models.get(model, {}).get("refinements", {}).get(block, {}).get("usage") == "Forbidden"}
    key = "id" if "declaration_id" not in frame else "declaration_id"
    return ~frame[key].isin(forbidden).to_numpy(dtype=bool)


def findings(ctx, block: str, where: np.ndarray, rubrique: str | None = None, related: Iterable[str] = (),
             lines: pd.Series | None = None, fields: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Findings for the rows of ``block`` selected by ``where``.

    The line is that of ``rubrique`` when present, else the block's first line; the value is its raw text;
    ``related`` rubriques of the same rows and the optional ``lines`` (tuples per row) go to the related lines.
    """
    where = np.asarray(where, dtype=bool)
    if not where.any():
        return pd.DataFrame(columns=["line", "instance", "rubrique", "value", "lines"])
    text = ctx.text(block)
    rows = text.loc[where]
    in_block = rubrique is not None and rubrique in rows
    line = rows[f"{rubrique}#line"].fillna(rows["line"]) if in_block else rows["line"]
    related_cols = [rows[f"{code}#line"] for code in related if f"{code}#line" in rows]
    extra = lines.loc[rows.index] if lines is not None else None
    related_lines = []
    for i, index in enumerate(rows.index):
        found = [int(col.iloc[i]) for col in related_cols if not pd.isna(col.iloc[i])]
        if extra is not None and isinstance(extra.loc[index], tuple):
            found += [int(n) for n in extra.loc[index]]
        related_lines.append(tuple(sorted(set(found))))
    out = pd.DataFrame({
        "line": line.astype("Int64").to_numpy(),
        "instance": rows["id"].to_numpy(),
        "rubrique": rubrique,
        "value": rows[rubrique].to_numpy() if in_block else None,
        "lines": related_lines,
    })
    for name, series in (fields or {}).items():
        out[name] = series.loc[rows.index].to_numpy()
    return out


def lines_by(frame: pd.DataFrame, key: str, where: np.ndarray, code: str) -> dict:
    """``key`` value → tuple of the lines of rubrique ``code`` in the rows selected by ``where``."""
    rows = frame.loc[where & has(frame, code)]
    return {k: tuple(int(n) for n in g) for k, g in rows.groupby(key)[f"{code}#line"]}


def to_lines(frame: pd.DataFrame, key: str, mapping: dict) -> pd.Series:
    """For each row of ``frame``, the tuple ``mapping[frame[key]]`` (empty when absent)."""
    return pd.Series([mapping.get(k, ()) for k in frame[key].tolist()], index=frame.index, dtype=object)


def birth_year(values: pd.Series) -> pd.Series:
    """Year of a JJMMAAAA birth date text (day or month may be 99), as nullable integers."""
    text = values.astype(pd.StringDtype())
    return pd.to_numeric(text.str.slice(4, 8).where(text.str.fullmatch(r"[0-9]{8}")), errors="coerce").astype("Int64")


def words(text: str) -> frozenset[str]:
    """The codes of a space-separated list (a readable way to write value sets)."""
    return frozenset(re.split(r"\s+", text.strip()))


def model_allows(ctx, frame: pd.DataFrame, code: str) -> pd.Series:
    """True for the rows whose declaration model (DSN-Val usage table) does not forbid rubrique ``code``: a
    conditional control never requires what the model forbids (S21.G00.62.003 in a mensuelle); CST04 reports it."""
    models = ctx.catalog.usage.get("models", {})
    banned = [name for name, model in models.items()
              if model["refinements"].get(code, {}).get("usage") == "Forbidden"]
    models_of = ctx.declaration_models
    model = [models_of.get(int(i)) if pd.notna(i) else None for i in frame["declaration_id"]]
    return pd.Series(~pd.Series(model, dtype=object).isin(banned).to_numpy(dtype=bool), index=frame.index)


def bad_address(frame: pd.DataFrame, postal: str, country: str, foreign: str) -> np.ndarray:
    """Addresses against « si le code postal est présent alors le code pays et le code de distribution à
    l'étranger sont absents et réciproquement »: a postal code with a country or a foreign distribution code, or
    none of the three (the converse). A foreign address needs no distribution code: many countries have none."""
    p, c, f = has(frame, postal), has(frame, country), has(frame, foreign)
    return (p & (c | f)) | (~p & ~c & ~f)


def address_findings(ctx, block: str, postal: str, country: str, foreign: str, by_model: bool = False) -> pd.DataFrame:
    """Findings of :func:`bad_address` on ``block``'s text table, at the postal code, with the country and foreign
    distribution lines; ``by_model``: only where the declaration model does not forbid the postal code."""
    frame = ctx.text(block)
    bad = bad_address(frame, postal, country, foreign)
    if by_model:
        bad = bad & truth(model_allows(ctx, frame, postal))
    return findings(ctx, block, bad, postal, related=[country, foreign])


def locality_findings(ctx, block: str, postal: str, locality: str) -> pd.DataFrame:
    """Findings on ``block``'s rows with a postal code but no locality (« la localité est renseignée si le code
    postal l'est »), at the locality, with the postal code's line."""
    frame = ctx.text(block)
    return findings(ctx, block, has(frame, postal) & ~has(frame, locality), locality, related=[postal])


def by_id(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values`` (indexed by block id) for each id of ``keys``, NA when absent; unlike ``Series.map``, this also
    works when ``values`` is an empty date column (pandas 3 raises there)."""
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=values.dtype)


def table(ctx, block: str) -> pd.DataFrame:
    """The typed table of a block; empty when the file's norm has no such block."""
    if block not in ctx.catalog.blocks:
        return pd.DataFrame({"id": pd.Series(dtype="int64"), "line": pd.Series(dtype="int64")})
    return ctx.table(block)


def per_run(ctx, name: str, build):
    """A helper table computed once per validation run and kept on the context."""
    cache = ctx.__dict__.setdefault("_coherence", {})
    if name not in cache:
        cache[name] = build(ctx)
    return cache[name]


def declarations(ctx) -> pd.DataFrame:
    """Per déclaration id: nature, main month start and end, end of the following month, file date."""
    return per_run(ctx, "declarations", _declarations)


def _declarations(ctx) -> pd.DataFrame:
    decl = ctx.table(DECLARATION)
    month = day(decl, "S20.G00.05.005")
    return pd.DataFrame({
        "nature": txt(decl, "S20.G00.05.001").to_numpy(),
        "month_start": month.to_numpy(),
        "month_end": (month + pd.offsets.MonthEnd(1)).to_numpy(),
        "next_month_end": (month + pd.offsets.MonthEnd(2)).to_numpy(),
        "file_date": day(decl, "S20.G00.05.007").to_numpy(),
    }, index=decl["id"].to_numpy())


def declaration_attribute(ctx, frame: pd.DataFrame, what: str) -> pd.Series:
    """One declaration attribute (see :func:`declarations`) for each row of a block table."""
    if frame.empty or "declaration_id" not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="object")
    return frame["declaration_id"].map(declarations(ctx)[what])


def main_year(ctx, frame: pd.DataFrame) -> pd.Series:
    """The year of the main declared month (S20.G00.05.005) of each row's déclaration."""
    return pd.to_datetime(declaration_attribute(ctx, frame, "month_start")).dt.year


def nature_in(ctx, frame: pd.DataFrame, natures) -> pd.Series:
    """True for the rows of a déclaration of one of ``natures``."""
    return declaration_attribute(ctx, frame, "nature").isin(list(natures)).astype(bool)


def contract_end(ctx) -> pd.DataFrame:
    """Per contrat id: end date (S21.G00.62.001), motif (62.002), and the end date unless it is an annulation."""
    return per_run(ctx, "contract_end", _contract_end)


def _contract_end(ctx) -> pd.DataFrame:
    fin = table(ctx, "S21.G00.62")
    if fin.empty:
        return pd.DataFrame({"end": pd.Series(dtype="datetime64[ms]"), "motif": pd.Series(dtype="string"),
                             "effective_end": pd.Series(dtype="datetime64[ms]")})
    fin = fin.drop_duplicates("contrat_id")
    motif = txt(fin, "S21.G00.62.002")
    end = day(fin, "S21.G00.62.001")
    return pd.DataFrame({"end": end.to_numpy(), "motif": motif.to_numpy(),
                         "effective_end": end.where(truth(motif != CANCELLED_END)).to_numpy()},
                        index=fin["contrat_id"].to_numpy())


def by_contract_id(ctx, frame: pd.DataFrame, code: str) -> pd.Series:
    """A rubrique of the row's contract (rows under S21.G00.40, keyed by ``contrat_id``)."""
    contrat = ctx.table(CONTRAT)
    return by_id(frame["contrat_id"], pd.Series(col(contrat, code).to_numpy(), index=contrat["id"].to_numpy()))


def end_of_contract(ctx, frame: pd.DataFrame, what: str, key: str = "contrat_id") -> pd.Series:
    """An attribute of the end of the row's contract (see :func:`contract_end`), by contrat id column ``key``."""
    return by_id(frame[key], contract_end(ctx)[what]) if len(frame) else pd.Series(dtype="object")


_CONTRACT_NUMBER = {"S21.G00.51": "S21.G00.51.010", "S21.G00.52": "S21.G00.52.006"}


def _contract_positions(ctx, block: str) -> np.ndarray:
    """Per row of the rémunération (51), prime (52) or activité (53) table: the position, in the contrat table,
    of the contract its number designates among the individu's contracts (activité: its rémunération's
    number); -1 when none. Computed once per run."""
    def build(ctx) -> np.ndarray:
        frame = ctx.table(block)
        if block == "S21.G00.53":
            rem = ctx.table("S21.G00.51").set_index("id")
            # strings even when no activité has a known rémunération (the map then gives float NaN)
            numbers = frame["remuneration_id"].map(txt(rem, "S21.G00.51.010")).astype(pd.StringDtype())
        else:
            numbers = txt(frame, _CONTRACT_NUMBER[block])
        contrat = ctx.table(CONTRAT)
        right = pd.DataFrame({"_ind": contrat["individu_id"].to_numpy(),
                              "_num": txt(contrat, "S21.G00.40.009").to_numpy(),
                              "_pos": np.arange(len(contrat), dtype=np.int64)})
        right = right.dropna(subset=["_num"]).drop_duplicates(["_ind", "_num"])
        left = pd.DataFrame({"_ind": frame["individu_id"].to_numpy(), "_num": numbers.to_numpy()})
        return left.merge(right, how="left", on=["_ind", "_num"])["_pos"].fillna(-1).to_numpy(np.int64)
    return per_run(ctx, f"contract positions {block}", build)


def contract_by_number(ctx, block: str, codes: list[str], rows: np.ndarray | None = None) -> pd.DataFrame:
    """Columns ``codes`` of the contract (S21.G00.40) that each row of ``block``'s table designates by its
    contract number (rémunération 51.010, prime 52.006, activité: its rémunération's 51.010), plus
    ``contrat_id`` (NA when no contract of the individu has that number). ``rows``: a boolean mask of the
    table's rows to keep. Missing contract values are NaN / NaT, as after a left merge."""
    frame = ctx.table(block)
    positions = _contract_positions(ctx, block)
    index = frame.index
    if rows is not None:
        positions, index = positions[rows], index[rows]
    matched = positions >= 0
    safe = np.maximum(positions, 0)
    contrat = ctx.table(CONTRAT)
    ids = contrat["id"].to_numpy()[safe] if len(contrat) else np.zeros(len(safe), dtype=np.int64)
    out = {"contrat_id": pd.arrays.IntegerArray(ids.astype(np.int64), ~matched)}
    for code in codes:
        values = col(contrat, code).to_numpy()
        out[code] = pd.Series(values[safe] if len(contrat) else np.full(len(safe), np.nan, dtype=object),
                              index=index).where(matched)
    return pd.DataFrame(out, index=index)


def previous_numbers(ctx) -> set[tuple[int, str]]:
    """(individu id, contract number) of the numbers declared before (S21.G00.45.002)."""
    previous = table(ctx, "S21.G00.45")
    if previous.empty:
        return set()
    numbers = txt(previous, "S21.G00.45.002")
    present = numbers.notna().to_numpy(dtype=bool)
    return set(zip(previous["individu_id"].to_numpy()[present], numbers[present]))


def found(ctx, block: str, frame: pd.DataFrame, mask, rubrique: str | None = None) -> pd.DataFrame:
    """The findings table for the rows of ``frame`` (the table of ``block``, or a row subset of it) selected by
    ``mask``: the line and raw value of ``rubrique`` when the row has it, else the block's first line."""
    selected = truth(mask)
    rubrique = rubrique or block
    rows = frame.index.to_numpy()[selected]
    line = frame["line"].to_numpy()[selected].astype("int64")
    value = np.full(len(rows), None, dtype=object)
    if len(rows):
        if f"{rubrique}#line" in frame.columns:
            own = frame[f"{rubrique}#line"][selected].to_numpy(dtype="float64", na_value=np.nan)
            line = np.where(np.isnan(own), line, np.nan_to_num(own)).astype("int64")
        text = ctx.text(block) if block in ctx.catalog.blocks else None
        if text is not None and rubrique in text.columns:
            value = text[rubrique].take(rows).to_numpy(dtype=object, na_value=None)
    return pd.DataFrame({"line": line, "instance": frame["id"].to_numpy()[selected], "rubrique": rubrique,
                         "value": value})


def missing_child(parent: pd.DataFrame, child: pd.DataFrame, parent_key: str, child_mask=None) -> pd.Series:
    """True for the parent rows that have no child row (optionally: no child selected by ``child_mask``)."""
    children = child if child_mask is None else child.loc[truth(child_mask)]
    return ~parent["id"].isin(children[parent_key]) if parent_key in children else pd.Series(True, index=parent.index)


def later_duplicates(frame: pd.DataFrame, keys: list[pd.Series]) -> pd.Series:
    """True for the rows whose key repeats an earlier row's key (missing key parts compare equal)."""
    key = pd.DataFrame({i: k.array for i, k in enumerate(keys)}, index=frame.index)
    return key.duplicated(keep="first")
