"""The drop folder without Prefect: which files are complete, what is refused or reported, filing away."""
from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

import pipeline.drop_folder as drop_folder
from dsn_parser.generator.envelope import lot
from dsn_parser.generator.monthly import monthly_records
from dsn_parser.writer import write_records
from pipeline.drop_folder import REPORT_SUFFIX, file_away, free_name, incompleteness, poll, survey
from pipeline.ingest import ingest_path

JAN = date(2025, 1, 1)


@pytest.fixture
def dsn_bytes(company, tmp_path) -> bytes:
    """A clean mensuelle, as bytes."""
    return write_records(monthly_records(company, JAN), tmp_path / "source.dsn").read_bytes()


@pytest.fixture
def drop(tmp_path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


def _age(path: Path, seconds: float) -> None:
    when = time.time() - seconds
    os.utime(path, (when, when), follow_symlinks=False)


def report_of(path: str | Path) -> dict:
    return json.loads(Path(f"{path}{REPORT_SUFFIX}").read_text(encoding="utf-8"))


def test_survey_takes_final_names_in_arrival_order(drop):
    for name in ("b.dsn", "a.xml", "c.dsn.part", "d.TMP", ".e.dsn", "z.dsn"):
        (drop / name).write_text("x")
    _age(drop / "z.dsn", 1000)
    (drop / "archive").mkdir()
    found = survey(drop, settle_seconds=0)
    assert found.ready[0].name == "z.dsn"  # the oldest first
    assert sorted(p.name for p in found.ready) == ["a.xml", "b.dsn", "z.dsn"]
    assert sorted(e.path.name for e in found.waiting) == ["c.dsn.part", "d.TMP"]
    assert [e.path.name for e in found.hidden] == [".e.dsn"]
    assert "point" in found.hidden[0].reason
    assert found.refused == [] and found.abandoned == []


def test_a_file_still_being_written_is_left(drop):
    (drop / "done.dsn").write_text("x\n")
    growing = drop / "growing.dsn"
    growing.write_text("x\n")

    def append():
        for _ in range(5):
            time.sleep(0.05)
            with growing.open("a") as handle:
                handle.write("y\n")

    writer = threading.Thread(target=append)
    writer.start()
    found = survey(drop, settle_seconds=0.5)
    writer.join()
    assert [p.name for p in found.ready] == ["done.dsn"]
    assert [e.path.name for e in found.waiting] == ["growing.dsn"]
    assert sorted(p.name for p in survey(drop, settle_seconds=0.1).ready) == ["done.dsn", "growing.dsn"]


def test_flat_completeness_follows_the_s90_line_count(dsn_bytes, company, tmp_path):
    def check(name: str, data: bytes) -> str | None:
        path = tmp_path / name
        path.write_bytes(data)
        return incompleteness(path)

    assert check("whole.dsn", dsn_bytes) is None
    assert check("crlf.dsn", dsn_bytes.replace(b"\n", b"\r\n")) is None
    assert check("cr.dsn", dsn_bytes.replace(b"\n", b"\r")) is None
    assert check("no-final-newline.dsn", dsn_bytes.rstrip(b"\n")) is None
    assert check("two-envois.dsn", dsn_bytes + dsn_bytes) is None
    lot_file = write_records(lot([monthly_records(company, JAN)] * 2, "000001", date(2025, 2, 5)), tmp_path / "l.dsn")
    assert incompleteness(lot_file) is None
    assert "sans ses lignes de total" in check("half.dsn", dsn_bytes[:len(dsn_bytes) // 2])
    last_total = dsn_bytes.rindex(b"S90.G00.90.002")
    cut = check("cut-in-totals.dsn", dsn_bytes[:last_total])
    assert cut.startswith("envoi de la ligne 1 :") and "S90.G00.90.001 en annonce" in cut
    second = dsn_bytes.count(b"\n") + 1
    assert check("second-envoi-half.dsn", dsn_bytes + dsn_bytes[:100]) == (
        f"envoi de la ligne {second} sans ses lignes de total S90.G00.90")
    assert check("empty.dsn", b"") is None  # not a DSN: for the reader to reject


def test_xml_completeness_wants_the_closing_root_tag(tmp_path):
    whole = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- envoi -->\n<n:DSN xmlns:n="u"><a>1</a></n:DSN>\n'
             b'<!-- fin -->\n')
    (tmp_path / "whole.xml").write_bytes(whole)
    (tmp_path / "cut.xml").write_bytes(whole[:whole.index(b"</a>")])
    (tmp_path / "cut-root.xml").write_bytes(whole[:whole.index(b"xmlns")])
    assert incompleteness(tmp_path / "whole.xml") is None
    assert incompleteness(tmp_path / "cut.xml") == "balise fermante </n:DSN> absente en fin de fichier"
    assert incompleteness(tmp_path / "cut-root.xml") == "début de l'élément racine introuvable"


def _ingest(url: str, archive_root: Path):
    return lambda path: asdict(ingest_path(path, url, archive_root=archive_root))


def test_a_stalled_upload_waits_then_loads_complete(drop, dsn_bytes, store_url, archive_root):
    upload = drop / "m.dsn"
    upload.write_bytes(dsn_bytes[:len(dsn_bytes) // 2])
    ingest = _ingest(store_url, archive_root)

    first = poll(drop, ingest, settle_seconds=0.1)
    assert first.outcomes == [] and first.failures == []
    assert upload.exists() and not archive_root.exists()  # nothing stored, not even archived

    with upload.open("ab") as handle:
        handle.write(dsn_bytes[len(dsn_bytes) // 2:])
    second = poll(drop, ingest, settle_seconds=0.1)
    assert [o["status"] for o in second.outcomes] == ["loaded"]
    assert (drop / "archive" / "m.dsn").read_bytes() == dsn_bytes


def test_an_abandoned_upload_is_quarantined_unread(drop, dsn_bytes):
    upload = drop / "m.dsn"
    upload.write_bytes(dsn_bytes[:len(dsn_bytes) // 2])
    _age(upload, 120)
    calls = []

    result = poll(drop, calls.append, settle_seconds=0, incomplete_timeout=60)

    assert calls == []
    [outcome] = result.outcomes
    assert outcome["status"] == "incomplete" and "inchangé depuis plus de 60 s" in outcome["error"]
    assert Path(outcome["archived_as"]).parent.name == "quarantine"
    assert report_of(outcome["archived_as"])["error"] == outcome["error"]


def test_links_and_pipes_are_refused_and_never_read(drop, tmp_path, dsn_bytes):
    outside = tmp_path / "secret.dsn"
    outside.write_bytes(dsn_bytes)
    (drop / "link.dsn").symlink_to(outside)
    (drop / "dangling.dsn").symlink_to(tmp_path / "nowhere")
    os.mkfifo(drop / "pipe.dsn")
    calls = []

    result = poll(drop, calls.append, settle_seconds=0)

    assert calls == []
    assert {Path(o["path"]).name: o["status"] for o in result.outcomes} == dict.fromkeys(
        ("link.dsn", "dangling.dsn", "pipe.dsn"), "refused")
    quarantine = drop / "quarantine"
    assert (quarantine / "link.dsn").is_symlink() and os.readlink(quarantine / "link.dsn") == str(outside)
    assert report_of(quarantine / "link.dsn")["error"].startswith("lien symbolique refusé")
    assert report_of(quarantine / "pipe.dsn")["error"].startswith("tube nommé refusé")
    assert outside.read_bytes() == dsn_bytes


def test_a_long_name_is_filed_under_a_shortened_one(drop):
    name = "a" * 240 + ".dsn"  # 244 bytes: with ".report.json" over the 255 of a file name
    path = drop / name
    path.write_text("x")
    first = file_away(path, {"status": "loaded"})
    path.write_text("y")
    second = file_away(path, {"status": "loaded"})
    assert first.parent == drop / "archive" and first.name.endswith(".dsn") and first.read_text() == "x"
    assert second.name == first.name + ".1" and second.read_text() == "y"
    assert len(os.fsencode(first.name + ".99999" + REPORT_SUFFIX)) <= 255
    assert report_of(first)["path"] == str(path)
    other = free_name(drop / "archive", "b" * 240 + ".dsn")
    assert other.name != first.name  # the digest of the full name keeps shortened names apart
    accented = free_name(drop, "é" * 200 + ".dsn").name
    assert len(accented.encode("utf-8")) <= 237 and accented.startswith("é")  # cut on a character boundary


def test_hidden_files_are_reported_at_every_poll(drop):
    (drop / ".m.dsn").write_text("x")
    for _ in range(2):
        result = poll(drop, lambda path: pytest.fail("a hidden file was taken"), settle_seconds=0)
        [outcome] = result.outcomes
        assert (outcome["status"], outcome["archived_as"]) == ("ignored", None)
        assert "sans le point initial" in outcome["error"]
    assert (drop / ".m.dsn").exists() and result.failures == []


def test_one_failing_file_does_not_stop_the_others(drop, company, store_url, archive_root, monkeypatch):
    for month, name in ((1, "a.dsn"), (2, "b.dsn"), (3, "c.dsn")):
        path = write_records(monthly_records(company, date(2025, month, 1)), drop / name)
        _age(path, 100 - month)  # arrival order a, b, c
    real_ingest, real_move = _ingest(store_url, archive_root), drop_folder.shutil.move

    def ingest(path):
        if path.name == "a.dsn":
            raise ValueError("boom")
        return real_ingest(path)

    def move(source, target):
        if Path(source).name == "b.dsn":
            raise PermissionError(13, "Permission denied")
        return real_move(source, target)
    monkeypatch.setattr(drop_folder.shutil, "move", move)

    result = poll(drop, ingest, settle_seconds=0)

    assert [(Path(o["path"]).name, o["status"]) for o in result.outcomes] == [
        ("a.dsn", "failed"), ("b.dsn", "loaded"), ("c.dsn", "loaded")]
    assert result.outcomes[0]["error"] == "ValueError : boom"
    assert result.outcomes[1]["archived_as"] is None and "classement impossible" in result.outcomes[1]["filing_error"]
    assert result.failures == [str(drop / "a.dsn"), str(drop / "b.dsn")]
    assert (drop / "quarantine" / "a.dsn").exists() and (drop / "archive" / "c.dsn").exists()
    assert (drop / "b.dsn").exists()  # left in place, taken again at the next poll
    monkeypatch.setattr(drop_folder.shutil, "move", real_move)
    again = poll(drop, real_ingest, settle_seconds=0)
    assert [(Path(o["path"]).name, o["status"]) for o in again.outcomes] == [("b.dsn", "duplicate")]
