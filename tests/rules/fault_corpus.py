"""Seeded fault corpus: hostile variants of the project's own DSN files, and the probe every variant must pass.

The bases are the committed samples (``data/samples/*.dsn``), small generated companies (2 to 4 employees:
mensuelles and signalements) and the XML (n4ds) form of some of them. Each fault kind turns a base into hostile
bytes: byte and bit flips, deleted, duplicated and swapped lines, truncation, a missing quote or comma, 1 MB
values, mixed encodings, NUL bytes, CR-only and mixed line ends, unknown rubriques, blocks out of order or where
they do not belong, key rubriques removed, odd values, wrong S90 totals, XML with undeclared prefixes and
entities; the slow set adds a 50 MB line and a rubrique repeated 100,000 times.

The probe (``probe``): a file is either unreadable (``UnreadableFileError`` with a one-line French reason) or
validated completely (no rule failed, so no ``DSN-ENGINE-01``), and its JSON report is valid. The fast subset
runs in the test suite (tests/rules/test_fault_corpus.py); the full run is ``python -m tests.rules.fault_corpus
[COUNT]`` (and the slow test).
"""
from __future__ import annotations

import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
NS = "http://www.cnav.fr/n4ds"
_LINE = re.compile(rb"^(S\d\d\.G\d\d\.\d\d)\.(\d{3}),'(.*)'\r?$", re.S)

# values that broke or could break a check: empty-like, non-numeric amounts, overflowing numbers, odd dates
ODD_VALUES = (b"", b" ", b"-", b".", b"0", b"-0", b"00", b"1e400", b"NaN", b"inf", b"-1", b"+1", b"1,5",
              b"99999999999999999999999999", b"-99999999999999.99", b"0.000000001", b"31022025", b"00000000",
              b"99999999", b"2025-01-01", b"01/01/2025", b"ABCDEFGH", b"\xe9\xe9", b"'", b"''", b"\\",
              b"%s%n", b"{0}{value}", b"<a>", b"\xc3\xa9", b"1 000,00", b"12.", b".5", b"1.2.3", b"00000000000000")
# rubriques whose absence leaves a block without its key (the join of two tables, a model, a date)
KEY_RUBRIQUES = ("S20.G00.05.001", "S20.G00.05.002", "S20.G00.05.005", "S21.G00.06.001", "S21.G00.11.001",
                 "S21.G00.30.001", "S21.G00.30.019", "S21.G00.40.001", "S21.G00.40.009", "S21.G00.15.001",
                 "S21.G00.15.005", "S21.G00.70.012", "S21.G00.70.013", "S21.G00.78.001", "S21.G00.78.005",
                 "S21.G00.20.001", "S21.G00.20.005", "S21.G00.22.001", "S21.G00.22.005", "S21.G00.23.001",
                 "S21.G00.23.004", "S21.G00.50.001", "S21.G00.51.001", "S21.G00.51.011", "S21.G00.51.013",
                 "S21.G00.55.001", "S21.G00.60.001", "S21.G00.62.001", "S21.G00.81.001", "S21.G00.81.004",
                 "S21.G00.86.001", "S10.G00.00.006", "S90.G00.90.001", "S21.G00.20.006", "S21.G00.20.007",
                 "S21.G00.16.001", "S21.G00.71.002", "S21.G00.65.001", "S21.G00.79.001")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _join(lines: list[bytes]) -> bytes:
    return b"\n".join(lines)


def _rubrique_lines(lines: list[bytes]) -> list[int]:
    return [i for i, line in enumerate(lines) if _LINE.match(line)]


def _pick(rng: random.Random, items):
    return items[rng.randrange(len(items))]


# --------------------------------------------------------------------------------------- byte faults

def byte_flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def bit_flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(1, len(data))] if len(data) > 1 else data


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(out) + 1)
        out[at:at] = b"\x00" * rng.randint(1, 4)
    return bytes(out)


def cr_only(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def mixed_line_ends(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data.replace(b"\r\n", b"\n"))
    ends = (b"\n", b"\r\n", b"\r", b"\n\r", b"\r\r\n")
    return b"".join(line + (_pick(rng, ends) if rng.random() < 0.3 else b"\n") for line in lines)


def encoding_mix(data: bytes, rng: random.Random) -> bytes:
    """Some lines re-encoded Latin-1 → UTF-8 (or the reverse), a BOM in the middle, stray high bytes."""
    lines = _lines(data)
    for i in rng.sample(range(len(lines)), min(len(lines), rng.randint(1, 20))):
        choice = rng.randrange(4)
        if choice == 0:
            lines[i] = lines[i].decode("latin-1").encode("utf-8")
        elif choice == 1:
            lines[i] = lines[i].decode("utf-8", errors="replace").encode("latin-1", errors="replace")
        elif choice == 2:
            lines[i] = b"\xef\xbb\xbf" + lines[i]
        else:
            lines[i] = lines[i][:-1] + bytes([rng.randrange(0x80, 0x100)]) + lines[i][-1:]
    head = b"\xef\xbb\xbf" if rng.random() < 0.3 else b""
    return head + _join(lines)


def long_value(data: bytes, rng: random.Random, size: int = 1 << 20) -> bytes:
    """One value (or a whole line) of ``size`` bytes."""
    lines = _lines(data)
    rows = _rubrique_lines(lines) or [0]
    i = _pick(rng, rows)
    fill = bytes([_pick(rng, b"A9 '\xe9")]) * size
    match = _LINE.match(lines[i])
    lines[i] = (match[1] + b"." + match[2] + b",'" + fill + b"'") if match and rng.random() < 0.8 else fill
    return _join(lines)


def long_line_50mb(data: bytes, rng: random.Random) -> bytes:
    return long_value(data, rng, size=50 << 20)


# --------------------------------------------------------------------------------------- line faults

def delete_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 5)):
        if len(lines) > 1:
            start = rng.randrange(len(lines))
            del lines[start:start + rng.randint(1, 3)]
    return _join(lines)


def duplicate_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 5)):
        start = rng.randrange(len(lines))
        span = lines[start:start + rng.randint(1, 12)]
        lines[start:start] = span
    return _join(lines)


def swap_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 5)):
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
    return _join(lines)


def drop_quote(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    rows = _rubrique_lines(lines)
    for i in rng.sample(rows, min(len(rows), rng.randint(1, 4))):
        line = lines[i].rstrip(b"\r")
        lines[i] = line[:-1] if rng.random() < 0.5 else line[:15] + line[16:]
    return _join(lines)


def drop_comma(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    rows = _rubrique_lines(lines)
    for i in rng.sample(rows, min(len(rows), rng.randint(1, 4))):
        lines[i] = lines[i][:14] + (b"" if rng.random() < 0.7 else b";") + lines[i][15:]
    return _join(lines)


def unknown_rubrique(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 4)):
        code = _pick(rng, (b"S21.G00.30.999", b"S99.G99.99.001", b"S21.G00.99.001", b"S00.G00.00.000",
                           b"S21.G00.40.000", b"S10.G00.00.099", b"S21.G01.30.001"))
        lines.insert(rng.randrange(len(lines) + 1), code + b",'" + _pick(rng, ODD_VALUES) + b"'")
    return _join(lines)


def _block_spans(lines: list[bytes]) -> list[tuple[int, int]]:
    """(start, end) of the runs of consecutive lines of one block code."""
    spans, start, current = [], None, None
    for i, line in enumerate(lines):
        match = _LINE.match(line)
        block = match[1] if match else None
        if block != current:
            if current is not None:
                spans.append((start, i))
            start, current = i, block
    if current is not None:
        spans.append((start, len(lines)))
    return spans


def block_out_of_order(data: bytes, rng: random.Random) -> bytes:
    """A block instance moved elsewhere, or copied where it does not belong (under another parent)."""
    lines = _lines(data)
    spans = _block_spans(lines)
    for _ in range(rng.randint(1, 3)):
        if not spans:  # no rubrique line left (an earlier fault of a combined case)
            break
        start, end = _pick(rng, spans)
        block = lines[start:end]
        if rng.random() < 0.5:
            del lines[start:end]
        at = rng.randrange(len(lines) + 1)
        lines[at:at] = block
        spans = _block_spans(lines)
    return _join(lines)


def remove_key_rubrique(data: bytes, rng: random.Random) -> bytes:
    """Every line (or one line in two) of key rubriques removed: blocks without their key, model or date."""
    wanted = {code.encode() for code in rng.sample(KEY_RUBRIQUES, rng.randint(1, 3))}
    every = rng.random() < 0.5
    out = []
    for line in _lines(data):
        if line[:14] in wanted and (every or rng.random() < 0.5):
            continue
        out.append(line)
    return _join(out)


def odd_value(data: bytes, rng: random.Random) -> bytes:
    """Values replaced by odd ones, in random rubriques and in the key rubriques."""
    lines = _lines(data)
    rows = _rubrique_lines(lines)
    keys = [i for i in rows if lines[i][:14].decode("latin-1") in KEY_RUBRIQUES]
    for i in rng.sample(rows, min(len(rows), rng.randint(1, 6))) + rng.sample(keys, min(len(keys), 2)):
        lines[i] = lines[i][:16] + _pick(rng, ODD_VALUES) + b"'"
    return _join(lines)


def wrong_totals(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for i, line in enumerate(lines):
        if line.startswith((b"S90.G00.90.", b"S96.G51.00.", b"S95.G51.00.", b"S05.G51.00.006")):
            if rng.random() < 0.7:
                lines[i] = line[:16] + _pick(rng, (b"0", b"-1", b"1e9", b"99999999999", b"x", b"", b" 12", b"1.5",
                                                   str(rng.randrange(1000)).encode())) + b"'"
    return _join(lines)


def repeated_rubrique(data: bytes, rng: random.Random, times: int = 2000) -> bytes:
    lines = _lines(data)
    rows = _rubrique_lines(lines) or [0]
    i = _pick(rng, rows)
    lines[i:i + 1] = [lines[i]] * times
    return _join(lines)


def repeated_rubrique_100k(data: bytes, rng: random.Random) -> bytes:
    return repeated_rubrique(data, rng, times=100_000)


def combined(data: bytes, rng: random.Random) -> bytes:
    """Two to four faults of the above in a row (each fault takes any bytes, even one left by another)."""
    for _ in range(rng.randint(2, 4)):
        data = _pick(rng, COMBINABLE)(data, rng) or b"S"
    return data


# --------------------------------------------------------------------------------------- XML faults

def xml_form(data: bytes, rng: random.Random | None = None) -> bytes:
    """The n4ds XML form of a flat file (one element per block instance and per rubrique)."""
    from dsn_parser import read_dsn  # noqa: PLC0415  (the module stays importable without the reader loaded)

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "base.dsn"
        path.write_bytes(data)
        tree = read_dsn(path).tree()

    def element(node) -> str:
        tag = node.block.replace(".", "_")
        body = "".join(f"<n4ds:{c.replace('.', '_')}>{escape(v)}</n4ds:{c.replace('.', '_')}>\n"
                       for c, v in node.rubriques)
        return f"<n4ds:{tag}>\n{body}{''.join(element(child) for child in node.children)}</n4ds:{tag}>\n"

    body = "".join(element(root) for root in tree.roots)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<n4ds:DSN xmlns:n4ds="{NS}">\n{body}</n4ds:DSN>\n'
            .encode("utf-8"))


def xml_bad_prefix(xml: bytes, rng: random.Random) -> bytes:
    """Undeclared prefixes on elements or attributes, a missing namespace declaration, a wrong namespace."""
    choice = rng.randrange(5)
    if choice == 0:
        return xml.replace(f' xmlns:n4ds="{NS}"'.encode(), b"")
    if choice == 1:
        return xml.replace(f'xmlns:n4ds="{NS}"'.encode(), b'xmlns:n4ds="urn:autre"')
    lines = xml.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        i = min(rng.randrange(2, max(3, len(lines) - 1)), len(lines) - 1)
        if choice == 2:
            lines[i] = lines[i].replace(b"n4ds:", b"zz:")
        elif choice == 3:
            lines[i] = lines[i].replace(b">", b' xx:originalValue="1">', 1)
        else:
            lines[i] = lines[i].replace(b"<n4ds:", b"<:", 1)
    return b"\n".join(lines)


def xml_entities(xml: bytes, rng: random.Random) -> bytes:
    """A DTD with nested entities (billion laughs), an external entity, or an undefined entity."""
    head, _, rest = xml.partition(b"\n")
    choice = rng.randrange(3)
    if choice == 0:
        dtd = (b'<!DOCTYPE n4ds:DSN [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
               b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
        ref = b"&d;"
    elif choice == 1:
        dtd, ref = b'<!DOCTYPE n4ds:DSN [<!ENTITY x SYSTEM "file:///etc/passwd">]>', b"&x;"
    else:
        dtd, ref = b"", b"&inconnue;"
    lines = rest.split(b"\n")
    i = min(rng.randrange(1, max(2, len(lines) - 1)), len(lines) - 1)
    lines[i] = re.sub(rb">([^<]+)<", b">" + ref + b"<", lines[i], count=1)
    return head + b"\n" + dtd + b"\n" + b"\n".join(lines)


def xml_original_value(xml: bytes, rng: random.Random) -> bytes:
    """``originalValue`` attributes with odd or 1 MB values."""
    lines = xml.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        i = min(rng.randrange(2, max(3, len(lines) - 1)), len(lines) - 1)
        value = _pick(rng, ODD_VALUES + (b"A" * (1 << 20),)).decode("latin-1")
        lines[i] = re.sub(rb"<(n4ds:S\d\d_G\d\d_\d\d_\d{3})>", b"<\\1 originalValue=" + quoteattr(value).encode()
                          + b">", lines[i], count=1)
    return b"\n".join(lines)


def xml_flat_faults(xml: bytes, rng: random.Random) -> bytes:
    """Byte, line and truncation faults applied to the XML text."""
    return _pick(rng, (byte_flip, bit_flip, truncate, delete_lines, duplicate_lines, swap_lines, nul_bytes,
                       encoding_mix, mixed_line_ends))(xml, rng)


# --------------------------------------------------------------------------------------- the corpus

FLAT_KINDS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    f.__name__: f for f in (byte_flip, bit_flip, truncate, nul_bytes, cr_only, mixed_line_ends, encoding_mix,
                            long_value, delete_lines, duplicate_lines, swap_lines, drop_quote, drop_comma,
                            unknown_rubrique, block_out_of_order, remove_key_rubrique, odd_value, wrong_totals,
                            repeated_rubrique, combined)}
COMBINABLE = tuple(f for name, f in FLAT_KINDS.items() if name not in ("combined", "long_value", "repeated_rubrique"))
XML_KINDS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    f.__name__: f for f in (xml_bad_prefix, xml_entities, xml_original_value, xml_flat_faults)}
SLOW_KINDS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    f.__name__: f for f in (long_line_50mb, repeated_rubrique_100k)}
# fault kinds that hit the values and the structure, where the rules crashed: drawn more often
WEIGHTS = {"remove_key_rubrique": 4, "odd_value": 4, "block_out_of_order": 3, "duplicate_lines": 2, "combined": 3}


@dataclass(frozen=True)
class Base:
    """A file the faults start from, and the FPOC sheet of its company (None: validated without)."""

    data: bytes
    sheet: bytes | None


def bases(employees: tuple[int, ...] = (2, 3, 4)) -> dict[str, Base]:
    """The flat files the faults start from: the samples and small generated companies, with their sheets."""
    from dsn_parser.generator import generate_company  # noqa: PLC0415
    from dsn_parser.writer import render  # noqa: PLC0415

    main_sheet = (SAMPLES / "fpoc_848602298.xml").read_bytes()
    out = {}
    for path in sorted(SAMPLES.glob("*.dsn")):
        data = path.read_bytes()
        out[path.stem] = Base(data, main_sheet if b"S21.G00.06.001,'848602298'" in data else None)
    for seed, count in enumerate(employees, start=11):
        company = generate_company(seed=seed, employees=count, months=2, start_month=date(2025, 1, 1))
        sheet = company.fpoc_xml()
        out[f"generated{count}_mensuelle"] = Base(render(company.monthly(company.months[-1])).encode("latin-1"),
                                                  sheet)
        for name in ("arret_signalement", "fctu_signalement"):
            try:
                out[f"generated{count}_{name}"] = Base(render(getattr(company, name)()).encode("latin-1"), sheet)
            except LookupError:  # no employee of this small company fits
                pass
    return out


@dataclass(frozen=True)
class Case:
    """One hostile file of the corpus: a name (index, base, kind), its bytes and its base's FPOC sheet."""

    name: str
    kind: str
    data: bytes
    sheet: bytes | None = None


def corpus(count: int, seed: int = 17, slow: bool = False, small: bool = True,
           shard: tuple[int, int] = (0, 1), start: int = 0) -> Iterator[Case]:
    """``count`` hostile files drawn deterministically from ``seed``: every kind in turn first, then by weight.

    ``small`` keeps to the bases under 20 kB (generated companies and signalements) so that a file validates
    quickly; ``slow`` adds the 50 MB line and the 100,000 repetitions (in the first round, then once in every
    1,000 files). ``shard`` (k, n) yields only the files whose index is k modulo n, and ``start`` only those from
    that index on, each the same as in the whole (so one run can be split or resumed).
    """
    rng = random.Random(seed)
    flat = bases()
    if small:
        flat = {name: base for name, base in flat.items() if len(base.data) < 20_000}
    xml = {f"{name}.xml": Base(xml_form(base.data), base.sheet) for name, base in list(flat.items())[:4]}
    kinds = [("flat", name) for name in FLAT_KINDS] + [("xml", name) for name in XML_KINDS]
    weighted = [kind for kind in kinds for _ in range(WEIGHTS.get(kind[1], 1))]
    slow_kinds = [("flat", name) for name in SLOW_KINDS] if slow else []
    kinds += slow_kinds
    every = {**FLAT_KINDS, **XML_KINDS, **SLOW_KINDS}
    for index in range(count):
        if index < len(kinds):
            form, kind = kinds[index]
        elif slow_kinds and index % 1000 == 999:
            form, kind = slow_kinds[index // 1000 % len(slow_kinds)]
        else:
            form, kind = _pick(rng, weighted)
        pool = xml if form == "xml" else flat
        base = _pick(rng, sorted(pool))
        if index < start or index % shard[1] != shard[0]:
            continue
        case_rng = random.Random(f"{seed}:{index}")
        data = every[kind](pool[base].data, case_rng)
        yield Case(f"{index:05d}_{base}_{kind}", kind, data or b"S", pool[base].sheet)


# --------------------------------------------------------------------------------------- the probe

@dataclass(frozen=True)
class Outcome:
    """What reading and validating one file gave."""

    name: str
    status: str  # "unreadable", "complete" or a failure: "incomplete", "crash", "bad-reason", "bad-json"
    detail: str = ""


_REFERENTIALS: dict[bytes, object] = {}
MAX_PER_CODE = 10_000  # a rubrique repeated 100,000 times makes 2.5 million CST03 findings


def referential(sheet: bytes | None):
    """The contract referential of an FPOC sheet (loaded once per sheet), None without a sheet."""
    from rules.fpoc import load_for_validation  # noqa: PLC0415

    if sheet is None:
        return None
    if sheet not in _REFERENTIALS:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "fpoc.xml"
            path.write_bytes(sheet)
            loaded, problems = load_for_validation(path)
        assert not problems, problems
        _REFERENTIALS[sheet] = loaded
    return _REFERENTIALS[sheet]


def probe(path: Path, name: str | None = None, sheet: bytes | None = None) -> Outcome:
    """Read and validate ``path`` in-process (with the contract referential of ``sheet``, if any); what is
    wrong, if anything, with how it was handled."""
    from dsn_parser import UnreadableFileError, read_dsn  # noqa: PLC0415
    from reports import render_json  # noqa: PLC0415
    from rules import ValidationOptions, validate  # noqa: PLC0415

    name = name or path.name
    try:
        parsed = read_dsn(path)
    except UnreadableFileError as err:
        if "\n" in err.reason or not err.reason.strip():
            return Outcome(name, "bad-reason", repr(err.reason))
        return Outcome(name, "unreadable", err.reason)
    except Exception as err:  # noqa: BLE001  (the probe reports any crash of the reader)
        return Outcome(name, "crash", f"lecture : {type(err).__name__}: {err}")
    try:
        # every rule runs whatever the cap; the cap bounds the report of a file with millions of findings
        report = validate(parsed, ValidationOptions(referential=referential(sheet), max_per_code=MAX_PER_CODE))
        text = render_json([report])
    except Exception as err:  # noqa: BLE001
        return Outcome(name, "crash", f"validation : {type(err).__name__}: {err}")
    try:
        loaded = json.loads(text)
    except ValueError as err:
        return Outcome(name, "bad-json", str(err))
    if not report.complete or not loaded[0]["complete"]:
        engine = [a.message for a in report.anomalies if a.code == "DSN-ENGINE-01"]
        return Outcome(name, "incomplete", " | ".join(engine))
    return Outcome(name, "complete")


def run(count: int, seed: int = 17, slow: bool = False, small: bool = True, shard: tuple[int, int] = (0, 1),
        out: Callable[[str], None] = print, start: int = 0) -> list[Outcome]:
    """Probe ``count`` files of the corpus (of one shard), printing each failure and a summary; the outcomes."""
    outcomes = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "case.dsn"
        for case in corpus(count, seed, slow, small, shard, start):
            path.write_bytes(case.data)
            outcome = probe(path, case.name, case.sheet)
            outcomes.append(outcome)
            if outcome.status not in ("complete", "unreadable"):
                out(f"{outcome.name}: {outcome.status}: {outcome.detail[:400]}")
            if len(outcomes) % 500 == 0:
                out(f"{len(outcomes)} files in {time.perf_counter() - started:.0f} s")
    statuses = Counter(o.status for o in outcomes)
    out(f"{len(outcomes)} files in {time.perf_counter() - started:.0f} s: {dict(statuses)}")
    return outcomes


if __name__ == "__main__":  # python -m tests.rules.fault_corpus [COUNT] [SEED] [--slow] [--all-bases] [--shard=K/N]
    #                                                                                      [--start=INDEX]
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    part = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--shard=")), "0/1")
    first = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--start=")), 0)
    results = run(int(arguments[0]) if arguments else 10_000, int(arguments[1]) if len(arguments) > 1 else 17,
                  slow="--slow" in sys.argv, small="--all-bases" not in sys.argv,
                  shard=tuple(int(n) for n in part.split("/")), start=first)
    sys.exit(0 if all(o.status in ("complete", "unreadable") for o in results) else 1)
