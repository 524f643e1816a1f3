"""The names and value kinds of the typed block tables, as plain data (no numpy, pandas or pyarrow): what the
store schema needs from :mod:`dsn_parser.tables` without loading the columnar libraries."""
from __future__ import annotations

from .catalog import DataType

# Readable names for the blocks the pipeline works with; other blocks are named after their code.
TABLE_NAMES = {
    "S05.G51.00": "lot", "S06.G51.00": "groupe", "S96.G51.00": "fin_groupe", "S95.G51.00": "fin_lot",
    "S10.G00.00": "envoi", "S10.G00.01": "emetteur", "S10.G00.02": "contact_emetteur", "S10.G00.95": "suivi_envoi",
    "S20.G00.05": "declaration", "S20.G00.07": "contact_declare", "S20.G00.96": "suivi_declaration",
    "S21.G00.06": "entreprise", "S21.G00.11": "etablissement", "S21.G00.15": "adhesion",
    "S21.G00.16": "changement_adhesion", "S21.G00.20": "versement_ops", "S21.G00.55": "composant_versement",
    "S21.G00.22": "bordereau", "S21.G00.23": "cotisation_agregee", "S21.G00.30": "individu",
    "S21.G00.31": "changement_individu", "S21.G00.40": "contrat", "S21.G00.41": "changement_contrat",
    "S21.G00.50": "versement_individu", "S21.G00.51": "remuneration", "S21.G00.52": "prime",
    "S21.G00.53": "activite", "S21.G00.54": "autre_element_brut", "S21.G00.60": "arret",
    "S21.G00.62": "fin_contrat", "S21.G00.63": "preavis", "S21.G00.65": "autre_suspension",
    "S21.G00.66": "temps_partiel_therapeutique", "S21.G00.70": "affiliation", "S21.G00.71": "retraite_complementaire",
    "S21.G00.73": "ayant_droit", "S21.G00.78": "base_assujettie", "S21.G00.79": "composant_base",
    "S21.G00.81": "cotisation_individuelle", "S21.G00.85": "lieu_travail", "S21.G00.86": "anciennete",
    "S90.G00.90": "total_envoi",
}
DATE, DECIMAL, INTEGER, STRING = "date", "decimal", "integer", "string"


def table_name(block: str) -> str:
    """The readable name of a block's table (``S21.G00.30`` → ``individu``)."""
    return TABLE_NAMES.get(block, block.lower().replace(".", "_"))


def value_kind(data_type: DataType) -> str:
    """The kind of values a rubrique of this data type holds in the typed tables: ``date``, ``decimal`` (21, 3),
    ``integer`` (64 bits) or ``string``."""
    if data_type.is_date:
        return DATE
    if data_type.nature == "Numeric":
        decimal = data_type.is_decimal or (not data_type.regexp and (data_type.min or 0) >= 4)
        return DECIMAL if decimal else INTEGER
    return STRING
