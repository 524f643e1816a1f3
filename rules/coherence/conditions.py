"""Vectorised building blocks of the coherence controls: column masks, the déclaration and establishment
context of each row, and findings as a DataFrame (one row per anomaly) for the engine."""
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

# Organism codes of prévoyance (institution P+4 digits, insurer A+5, mutuelle 9 digits, other OC 9 characters
# with a letter): the norm recognises a prévoyance organism by the shape of its code (S21.G00.15.003/CCH-11…14).
PREVOYANCE_CODE = r"^(P[0-9]{4}|A[0-9A-Z]{5}|[0-9]{9}|(?=[0-9A-Z]*[A-Z])[0-9A-Z]{9})$"


def mask(values) -> np.ndarray:
    """A boolean numpy mask from a pandas boolean (nullable or Arrow) result; NA counts as False."""
    if isinstance(values, np.ndarray):
        return values.astype(bool)
    return values.fillna(False).to_numpy(dtype=bool)


def has(frame: pd.DataFrame, code: str) -> np.ndarray:
    """Rows where rubrique ``code`` is present."""
    return frame[code].notna().to_numpy(dtype=bool)


def isin(frame: pd.DataFrame, code: str, values: Iterable[str]) -> np.ndarray:
    """Rows where rubrique ``code`` has one of ``values``."""
    return mask(frame[code].isin(list(values)))


def differs(frame: pd.DataFrame, code: str, values: Iterable[str]) -> np.ndarray:
    """Rows where rubrique ``code`` is present with a value other than ``values`` (the norm's « renseignée avec
    une valeur différente de »): a missing value is not a different one, unlike ``~isin``."""
    return has(frame, code) & ~isin(frame, code, values)


def matches(frame: pd.DataFrame, code: str, pattern: str) -> np.ndarray:
    """Rows where the raw text of rubrique ``code`` matches ``pattern`` (full match)."""
    return mask(frame[code].astype(pd.StringDtype()).str.fullmatch(pattern))


def is_prevoyance(values: pd.Series) -> np.ndarray:
    """Organism codes that designate a prévoyance organism (see ``PREVOYANCE_CODE``)."""
    return mask(values.astype(pd.StringDtype()).str.fullmatch(PREVOYANCE_CODE))


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


def of_declaration(ctx, frame: pd.DataFrame, code: str, typed: bool = True) -> pd.Series:
    """For each row, rubrique ``code`` of the déclaration (S20.G00.05) it belongs to."""
    key = "id" if "declaration_id" not in frame else "declaration_id"
    return lookup(frame, key, ctx.table(DECLARATION, typed=typed), code)


def of_envoi(ctx, frame: pd.DataFrame, code: str) -> pd.Series:
    """For each row, rubrique ``code`` of the envoi (S10.G00.00) it belongs to."""
    return lookup(frame, "envoi_id", ctx.text(ENVOI), code)


def month_start(ctx, frame: pd.DataFrame) -> pd.Series:
    """First day of the main declared month (S20.G00.05.005) of each row's déclaration."""
    return of_declaration(ctx, frame, "S20.G00.05.005")


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
