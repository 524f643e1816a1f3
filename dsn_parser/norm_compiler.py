"""Compile the norm reference data into the project's per-version catalogs.

Sources (see docs/norm-catalogs.md for what each version takes from where):

* the official yearly workbook ``dsn-datatypes-CTyyyy.xlsx`` (sheets Standard, Data Types, Blocks, Fields,
  Messages): blocks, parents, cardinalities, rubriques, data types and every control;
* the open-neodes YAML registries: the enumeration and rubrique changes of later years (P25V01, P26V01),
  applied as a delta against their own P24V01 file, and the lot envelope (V01R02);
* the DSN-Val 2021 model export: platform blocks and rubriques, base usage and per-declaration-model usage.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import yaml

CATALOG_FORMAT = 1
CATALOG_DIR = Path(__file__).parent / "catalogs"
WORKBOOK_SHEETS = ("Standard", "Data Types", "Blocks", "Fields", "Messages")
# Root blocks are not listed in the Blocks sheet (they are in the Header sheet).
# ``order`` ranks siblings: the Blocks sheet lists the tree depth first, so its row number is the file order.
ROOT_BLOCKS = {
    "S10.G00.00": ("Envoi", None, 1, 1, 0.0),
    "S20.G00.05": ("Déclaration", "S10.G00.00", 1, None, 2.5),
    "S90.G00.90": ("Total de l'envoi", "S10.G00.00", 1, 1, 9000.0),
}
# Lot envelope of the files an OC receives (norm V01R02).
ENVELOPE_PARENTS = {"S05.G51.00": None, "S06.G51.00": "S05.G51.00", "S96.G51.00": "S06.G51.00",
                    "S95.G51.00": "S05.G51.00"}
ENVELOPE_ORDER = {"S05.G51.00": -2.0, "S06.G51.00": -1.0, "S96.G51.00": 9001.0, "S95.G51.00": 9002.0}
MALFORMED_CONTROL_NAMES = {"CCH14": "CCH-14", "CCH -11": "CCH-11"}
CONTROL_NAME = re.compile(r"^(?P<target>S\d\d\.G\d\d\.\d\d(?:\.\d{3})?)/(?P<family>[A-Z]{3})-(?P<num>\d+)$")
YAML_TYPE_NATURE = {"X": "Alphanumeric", "N": "Numeric", "D": "Date"}


def _clean(cell) -> str:
    """A workbook cell as text, without Excel carriage-return markers and outer blanks."""
    if cell is None:
        return ""
    text = str(cell).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def read_workbook(path: str | Path) -> dict[str, list[list[str]]]:
    """The sheets of an official ``dsn-datatypes-CTyyyy.xlsx`` workbook as rows of cleaned text."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as err:
        raise ValueError(f"{path}: pas un classeur xlsx lisible ({err})") from err
    missing = [name for name in WORKBOOK_SHEETS if name not in book.sheetnames]
    if missing:
        raise ValueError(f"{path}: feuilles absentes du classeur: {', '.join(missing)}")
    sheets = {}
    for name in WORKBOOK_SHEETS:
        rows = []
        for row in book[name].iter_rows(values_only=True):
            cells = [_clean(c) for c in row]
            if cells and cells[0]:
                rows.append(cells)
        sheets[name] = rows
    book.close()
    return sheets


def _header_index(rows: list[list[str]]) -> tuple[dict[str, int], list[list[str]]]:
    header = {name: i for i, name in enumerate(rows[0]) if name}
    return header, rows[1:]


def _parse_values(text: str) -> dict[str, str]:
    values = {}
    for item in text.split(";"):
        if "=" in item:
            code, label = item.split("=", 1)
            values[code.strip()] = label.strip()
    return values


def _int_or_none(text: str) -> int | None:
    return int(text) if text and text.lstrip("-").isdigit() else None


def _bound(text: str) -> int | None:
    """Upper bound: ``*`` (or -1) means unbounded (None)."""
    return None if text in ("*", "-1", "") else int(text)


def compile_workbook(sheets: dict[str, list[list[str]]]) -> dict:
    """The catalog facts that one official workbook gives: version, types, blocks, rubriques, controls."""
    standard = {row[0]: row[1] if len(row) > 1 else "" for row in sheets["Standard"]}
    version = standard.get("Version", "")
    if not re.fullmatch(r"P\d\dV\d\d", version):
        raise ValueError(f"version de norme illisible dans la feuille Standard: {version!r}")

    types = {}
    header, rows = _header_index(sheets["Data Types"])
    for row in rows:
        get = lambda col: row[header[col]] if col in header and header[col] < len(row) else ""  # noqa: E731
        types[get("Id")] = {
            "nature": get("Nature"),
            "regexp": get("Regexp") or None,
            "min": _int_or_none(get("Lg Min")),
            "max": _int_or_none(get("Lg Max")),
            "values": _parse_values(get("Values")) or None,
        }

    blocks = {code: {"name": name, "parent": parent, "min": lo, "max": hi, "origin": "workbook", "order": order}
              for code, (name, parent, lo, hi, order) in ROOT_BLOCKS.items()}
    header, rows = _header_index(sheets["Blocks"])
    for position, row in enumerate(rows, start=1):
        blocks[row[header["Id"]]] = {
            "order": float(position),
            "name": row[header["Name"]],
            "parent": row[header["ParentId"]] or None,
            "min": int(row[header["lowerBound"]] or 0),
            "max": _bound(row[header["upperBound"]]),
            "origin": "workbook",
        }

    rubriques = {}
    header, rows = _header_index(sheets["Fields"])
    for row in rows:
        code = f"{row[header['Block Id']]}.{row[header['Id']].zfill(3)}"
        rubriques[code] = {
            "name": row[header["Name"]],
            "element": row[header["Comment"]] if header["Comment"] < len(row) else "",
            "type": row[header["DataType Id"]],
            "origin": "workbook",
        }

    controls = {}
    header, rows = _header_index(sheets["Messages"])
    for row in rows:
        name = row[header["Name"]]
        for bad, good in MALFORMED_CONTROL_NAMES.items():
            name = name.replace(bad, good)
        match = CONTROL_NAME.match(name)
        if not match:
            raise ValueError(f"nom de contrôle illisible dans la feuille Messages: {name!r}")
        controls[name] = {
            "family": match["family"],
            "target": match["target"],
            "description": row[header["Description"]],
            "message": row[header["Message"]] if header["Message"] < len(row) else "",
        }

    return {
        "version": version,
        "revision": standard.get("Revision", ""),
        "edition": standard.get("Description", ""),
        "types": types,
        "blocks": blocks,
        "rubriques": rubriques,
        "controls": controls,
    }


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_dsnval(norm_dir: Path) -> dict:
    """Platform blocks and rubriques, base usage and per-declaration-model usage from the DSN-Val export."""
    base = norm_dir / "dsnval-P21V01"
    structure = _read_csv(base / "structure-with-usage.csv")
    refinements = _read_csv(base / "usage-by-declaration.csv")
    models: dict[str, dict] = {}
    for row in refinements:
        model = models.setdefault(row["declaration"], _parse_selector(row["selector"]) | {"refinements": {}})
        model["refinements"][row["target"]] = {
            "kind": "block" if row["refinement"] == "BlockRefinement" else "rubrique",
            "usage": row["usage"] or None,
            "min": _int_or_none(row["newLower"]),
            "max": None if row["newUpper"] == "-1" else _int_or_none(row["newUpper"]),
        }
    return {"structure": structure, "models": models}


def _parse_selector(selector: str) -> dict:
    """``S20.G00.05.001 in (01) AND S20.G00.05.002 in (01,03)`` → natures and types."""
    found = dict(re.findall(r"(S20\.G00\.05\.00[12]) in \(([^)]*)\)", selector))
    return {"natures": found.get("S20.G00.05.001", "").split(","),
            "types": found.get("S20.G00.05.002", "").split(",")}


def add_dsnval(catalog: dict, dsnval: dict, extra_rubriques: bool = False) -> None:
    """Add platform blocks/rubriques, base usage and model usage; with ``extra_rubriques`` also the 2021
    rubriques the workbook no longer lists (used for the P22V01/P23V01 approximation)."""
    blocks, rubriques, types = catalog["blocks"], catalog["rubriques"], catalog["types"]
    usage, previous_order = {}, 0.0
    for row in dsnval["structure"]:
        code = row["id"]
        if row["kind"] == "block":
            if code not in blocks:  # platform block: placed right after the block listed before it
                blocks[code] = {"name": row["name"], "parent": row["parent"] or None,
                                "min": int(row["lower"] or 0), "max": _bound(row["upper"]),
                                "origin": "dsnval-platform", "order": previous_order + 0.1}
            previous_order = blocks[code]["order"]
            continue
        if row["usage"]:
            usage[code] = row["usage"]
        if code in rubriques:
            continue
        block = row["parent"]
        platform = blocks.get(block, {}).get("origin") == "dsnval-platform" or int(code[-3:]) >= 100
        if not (platform or extra_rubriques):
            continue
        type_id = row["datatype"] or f"DSNVAL_{code}"
        if type_id not in types:
            types[type_id] = {
                "nature": _dsnval_nature(row["nature"]),
                "regexp": row["regexp"] or None,
                "min": _int_or_none(row["minlen"]),
                "max": _int_or_none(row["maxlen"]),
                "values": _parse_values(row["enum"]) or None,
            }
        rubriques[code] = {"name": row["name"], "element": "", "type": type_id,
                           "origin": "dsnval-platform" if platform else "dsnval-P21V01"}
    catalog["usage"] = {"rubriques": usage, "models": dsnval["models"]}


def _dsnval_nature(nature: str) -> str:
    return {"AlphanumericDataType": "Alphanumeric", "NumericDataType": "Numeric",
            "DateDataType": "Date"}.get(nature, nature)


def read_yaml_norm(path: Path) -> dict[str, dict]:
    """The ``segments`` fields of an open-neodes norm file: code → {type, length, options}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = {}
    for segment in data["segments"].values():
        for code, spec in segment["fields"].items():
            fields[code] = spec
    return fields


def add_envelope(catalog: dict, envelope_yaml: Path) -> None:
    """Lot envelope blocks (S05/S06/S96/S95) and their rubriques, from the V01R02 registry."""
    data = yaml.safe_load(envelope_yaml.read_text(encoding="utf-8"))
    for block, segment in data["segments"].items():
        catalog["blocks"][block] = {"name": segment["name"], "parent": ENVELOPE_PARENTS[block],
                                    "min": 0, "max": None, "origin": "envelope-V01R02",
                                    "order": ENVELOPE_ORDER[block]}
        for code, spec in segment["fields"].items():
            type_id = _yaml_type(catalog, code, spec)
            catalog["rubriques"][code] = {"name": spec.get("label", ""), "element": spec.get("name", ""),
                                          "type": type_id, "origin": "envelope-V01R02"}


def _yaml_type(catalog: dict, code: str, spec: dict) -> str:
    """A data type for a rubrique known only from a YAML registry (maximum length, optional options)."""
    nature = YAML_TYPE_NATURE.get(spec.get("type", "X"), "Alphanumeric")
    options = {str(k): str(v) for k, v in (spec.get("options") or {}).items()}
    if options:
        type_id = f"YAML_ENUM_{code}"
        catalog["types"][type_id] = {"nature": "Enumeration", "regexp": None, "min": None,
                                     "max": spec.get("length"), "values": options}
        return type_id
    if nature == "Date":
        type_id = "YAML_DATE_JJMMAAAA"
        catalog["types"].setdefault(type_id, {"nature": "Date", "regexp": "[0-9]{8}", "min": 8, "max": 8,
                                              "values": None})
        return type_id
    type_id = f"YAML_{spec.get('type', 'X')}_1_{spec.get('length')}"
    catalog["types"].setdefault(type_id, {"nature": nature, "regexp": None, "min": 1,
                                          "max": spec.get("length"), "values": None})
    return type_id


def apply_yaml_delta(catalog: dict, base_yaml: dict[str, dict], target_yaml: dict[str, dict]) -> dict:
    """Apply the changes between two open-neodes registries (same source, two years) to a workbook catalog.

    Added rubriques get a type from the YAML; removed rubriques go (with the controls that target them);
    enumerations whose options changed get a rubrique-specific copy of their type. Returns the change log.
    """
    log = {"added": [], "removed": [], "enumerations": {}}
    for code in sorted(set(target_yaml) - set(base_yaml)):
        block = code.rsplit(".", 1)[0]
        if block not in catalog["blocks"]:
            continue
        catalog["rubriques"][code] = {"name": target_yaml[code].get("label", ""),
                                      "element": target_yaml[code].get("name", ""),
                                      "type": _yaml_type(catalog, code, target_yaml[code]),
                                      "origin": "open-neodes"}
        log["added"].append(code)
    for code in sorted(set(base_yaml) - set(target_yaml)):
        if catalog["rubriques"].pop(code, None) is not None:
            log["removed"].append(code)
    removed = set(log["removed"])
    catalog["controls"] = {name: c for name, c in catalog["controls"].items() if c["target"] not in removed}
    for code in sorted(set(base_yaml) & set(target_yaml)):
        old = {str(k) for k in (base_yaml[code].get("options") or {})}
        new_options = {str(k): str(v) for k, v in (target_yaml[code].get("options") or {}).items()}
        if not old or not new_options or old == set(new_options) or code not in catalog["rubriques"]:
            continue
        type_id = catalog["rubriques"][code]["type"]
        base_type = catalog["types"].get(type_id)
        if not base_type or not base_type.get("values"):
            continue
        values = {k: v for k, v in base_type["values"].items() if k not in old - set(new_options)}
        added = {k: new_options[k] for k in sorted(set(new_options) - old)}
        values.update(added)
        derived = f"{type_id}~{code}"
        catalog["types"][derived] = dict(base_type, values=values)
        catalog["rubriques"][code]["type"] = derived
        log["enumerations"][code] = {"added": sorted(added), "removed": sorted(old - set(new_options))}
    return log


def set_version_enumeration(catalog: dict, version: str) -> None:
    """Each yearly norm lists only its own ``S10.G00.00.006`` value: give the catalog its own."""
    code = "S10.G00.00.006"
    type_id = f"DSN_Version~{version}"
    catalog["types"][type_id] = {"nature": "Enumeration", "regexp": None, "min": 6, "max": 6,
                                 "values": {version: f"Norme {version}"}}
    catalog["rubriques"][code]["type"] = type_id


def finish(catalog: dict, version: str, provenance: dict) -> dict:
    """Stamp version and provenance, drop unused types, and order every mapping for stable output."""
    set_version_enumeration(catalog, version)
    used = {r["type"] for r in catalog["rubriques"].values()}
    return {
        "format": CATALOG_FORMAT,
        "version": version,
        "provenance": provenance,
        "blocks": dict(sorted(catalog["blocks"].items())),
        "rubriques": dict(sorted(catalog["rubriques"].items())),
        "types": {k: catalog["types"][k] for k in sorted(used)},
        "controls": dict(sorted(catalog["controls"].items())),
        "usage": catalog["usage"],
    }


def build_from_workbook(workbook: Path, norm_dir: Path) -> dict:
    """The catalog of a yearly official workbook (the ``dsn norm import`` path), completed with the envelope
    and the DSN-Val platform and usage data."""
    catalog = compile_workbook(read_workbook(workbook))
    version = catalog["version"]
    add_envelope(catalog, norm_dir / "open-neodes" / "norm-V01R02.yaml")
    add_dsnval(catalog, read_dsnval(norm_dir))
    provenance = {"workbook": workbook.name, "revision": catalog["revision"], "edition": catalog["edition"],
                  "envelope": "open-neodes norm-V01R02.yaml", "usage": "DSN-Val P21V01 export",
                  "approximations": []}
    return finish(catalog, version, provenance)


def build_all(norm_dir: Path) -> dict[str, dict]:
    """Every shipped catalog, P22V01 to P26V01, from the reference data in ``norm_dir``."""
    workbook = norm_dir / "official-xlsx" / "dsn-datatypes-CT2024.xlsx"
    sheets = read_workbook(workbook)
    dsnval = read_dsnval(norm_dir)
    envelope = norm_dir / "open-neodes" / "norm-V01R02.yaml"
    yaml24 = read_yaml_norm(norm_dir / "open-neodes" / "norm-P24V01.yaml")
    catalogs = {}
    for version in ("P22V01", "P23V01", "P24V01", "P25V01", "P26V01"):
        catalog = compile_workbook(sheets)
        add_envelope(catalog, envelope)
        older = version in ("P22V01", "P23V01")
        add_dsnval(catalog, dsnval, extra_rubriques=older)
        provenance = {"workbook": workbook.name, "revision": catalog["revision"], "edition": catalog["edition"],
                      "envelope": "open-neodes norm-V01R02.yaml", "usage": "DSN-Val P21V01 export",
                      "approximations": []}
        if older:
            provenance["approximations"].append(
                f"{version}: structure, types and controls of the 2024 workbook (P24V01), plus the rubriques "
                "of the DSN-Val 2021 model that the 2024 workbook no longer lists; no official "
                f"{version} workbook is available here.")
        elif version != "P24V01":
            delta = apply_yaml_delta(catalog, yaml24,
                                     read_yaml_norm(norm_dir / "open-neodes" / f"norm-{version}.yaml"))
            provenance["yaml_delta"] = delta
            provenance["approximations"].append(
                f"{version}: the 2024 workbook changed by the difference between the open-neodes "
                f"norm-P24V01.yaml and norm-{version}.yaml (rubriques added/removed, enumeration codes); "
                "controls are the 2024 ones minus those on removed rubriques; new rubriques have the "
                "YAML's maximum length only.")
        catalogs[version] = finish(catalog, version, provenance)
    return catalogs


def write_catalog(catalog: dict, directory: Path = CATALOG_DIR) -> Path:
    """Write one catalog as compact, stable JSON: ``<directory>/<version>.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{catalog['version']}.json"
    path.write_text(json.dumps(catalog, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m dsn_parser.norm_compiler [NORM_DIR]``: regenerate the shipped catalogs."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    norm_dir = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "shared" / "norm"
    for catalog in build_all(norm_dir).values():
        print(write_catalog(catalog))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
