"""Ingestion semantics on both engines: archive, load, duplicates, rejection, replacement history, employees,
anomalies read back."""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from datetime import date, datetime

import pandas as pd
import pytest
import sqlalchemy as sa

import pipeline.archive as archive
import pipeline.ingest as ingest
import pipeline.sealing as sealing

from dsn_parser import read_dsn
from dsn_parser.generator.envelope import declaration_id
from dsn_parser.generator.monthly import file_date, monthly_records
from dsn_parser.writer import write_records
from pipeline.archive import archive_file, archive_path, sha256_of
from pipeline.ingest import ingest_path, store_engine
from pipeline.store import history
from pipeline.store.schema import BLOCK_TABLES, anomalies, declarations, employee_months, employees, submissions
from pipeline.store.stored_reports import stored_anomalies
from rules import ValidationOptions, validate

JAN, FEB, MAR, APR = (date(2025, m, 1) for m in (1, 2, 3, 4))


def _write(company, month, tmp_path, name, **kwargs):
    return write_records(monthly_records(company, month, **kwargs), tmp_path / name)


def _count(conn, table, **where) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    return conn.execute(query).scalar()


def test_archive_is_content_addressed_and_read_only(tmp_path):
    first = tmp_path / "a.dsn"
    first.write_bytes(b"S10.G00.00.001,'X'\n")
    copy = tmp_path / "b.dsn"
    copy.write_bytes(first.read_bytes())
    one, two = archive_file(first, tmp_path / "arch"), archive_file(copy, tmp_path / "arch")
    assert one == two and one.path == archive_path(sha256_of(first), tmp_path / "arch")
    assert one.path.parent.name == one.sha256[:2] and one.path.read_bytes() == first.read_bytes()
    assert not one.path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert [p.name for p in one.path.parent.iterdir()] == [one.sha256]  # no temporary file left


def test_file_is_loaded_once_then_duplicate(store_url, archive_root, company, tmp_path):
    path = _write(company, JAN, tmp_path, "jan.dsn")
    first = ingest_path(path, store_url, source="test", uploader="alice", archive_root=archive_root)
    again = ingest_path(path, store_url, archive_root=archive_root)
    assert first.status == "loaded" and again.status == "duplicate"
    assert again.submission_id == first.submission_id and again.counts == first.counts
    assert archive_path(first.sha256, archive_root).read_bytes() == path.read_bytes()
    parsed = read_dsn(path)
    report = validate(parsed, ValidationOptions())
    with store_engine(store_url).connect() as conn:
        row = conn.execute(sa.select(submissions)).mappings().one()
        assert (row["status"], row["uploader"], row["sha256"], row["norm"]) == ("loaded", "alice", first.sha256,
                                                                                  parsed.norm)
        assert row["anomalies_blocking"] == first.counts["blocking"]
        assert _count(conn, anomalies, submission_id=first.submission_id) == len(report.anomalies)
        for block, table in BLOCK_TABLES.items():
            assert _count(conn, table) == len(parsed.table(block)), block
        stored_nirs = set(conn.execute(sa.select(BLOCK_TABLES["S21.G00.30"].c.s21_g00_30_001)).scalars())
    assert all(sealing.is_token(nir) for nir in stored_nirs), "NIR en clair au repos"
    assert {sealing.reveal(nir) for nir in stored_nirs} == set(parsed.values_of("S21.G00.30.001"))


def test_unreadable_file_is_archived_and_rejected(store_url, archive_root, tmp_path):
    path = tmp_path / "vide.dsn"
    path.write_bytes(b"")
    result = ingest_path(path, store_url, archive_root=archive_root)
    assert result.status == "rejected" and result.submission_id
    assert archive_path(result.sha256, archive_root).exists()
    with store_engine(store_url).connect() as conn:
        row = conn.execute(sa.select(submissions)).mappings().one()
        assert row["status"] == "rejected" and row["error"]
        assert _count(conn, declarations) == 0
    assert ingest_path(path, store_url, archive_root=archive_root).status == "duplicate"


def _state(conn, submission_id) -> list[tuple]:
    rows = conn.execute(sa.select(declarations.c.type, declarations.c.state, declarations.c.replaces_id)
                        .where(declarations.c.submission_id == submission_id)).all()
    return [tuple(r) for r in rows]


def test_annule_et_remplace_and_annule_keep_history(store_url, archive_root, company, tmp_path):
    times = [datetime(2025, m, 5, 9) for m in (2, 3, 4)] + [datetime(2025, 4, 10), datetime(2025, 4, 20)]
    jan = ingest_path(_write(company, JAN, tmp_path, "jan.dsn"), store_url, archive_root=archive_root,
                      received_at=times[0])
    feb = ingest_path(_write(company, FEB, tmp_path, "feb.dsn"), store_url, archive_root=archive_root,
                      received_at=times[1])
    mar = ingest_path(_write(company, MAR, tmp_path, "mar.dsn"), store_url, archive_root=archive_root,
                      received_at=times[2])
    feb_bis = ingest_path(_write(company, FEB, tmp_path, "feb03.dsn", decl_type="03",
                                 replaces=declaration_id(file_date(FEB), 1)),
                          store_url, archive_root=archive_root, received_at=times[3])
    mar_off = ingest_path(_write(company, MAR, tmp_path, "mar04.dsn", decl_type="04",
                                 replaces=declaration_id(file_date(MAR), 1)),
                          store_url, archive_root=archive_root, received_at=times[4])
    assert {r.status for r in (jan, feb, mar, feb_bis, mar_off)} == {"loaded"}
    with store_engine(store_url).connect() as conn:
        ids = {name: conn.execute(sa.select(declarations.c.id).where(declarations.c.submission_id == r.submission_id)
                                  ).scalar_one()
               for name, r in (("jan", jan), ("feb", feb), ("mar", mar), ("feb_bis", feb_bis), ("mar_off", mar_off))}
        assert _state(conn, jan.submission_id) == [("01", "current", None)]
        assert _state(conn, feb.submission_id) == [("01", "superseded", None)]
        assert _state(conn, feb_bis.submission_id) == [("03", "current", ids["feb"])]
        assert _state(conn, mar.submission_id) == [("01", "cancelled", None)]
        assert _state(conn, mar_off.submission_id) == [("04", "cancelled", ids["mar"])]

        def current(when):
            return {(r["month"], r["id"]) for r in history.declarations_as_of(conn, company.siren, when)}

        assert current(datetime(2025, 4, 6)) == {(JAN, ids["jan"]), (FEB, ids["feb"]), (MAR, ids["mar"])}
        assert current(datetime(2025, 4, 15)) == {(JAN, ids["jan"]), (FEB, ids["feb_bis"]), (MAR, ids["mar"])}
        assert current(datetime(2025, 5, 1)) == {(JAN, ids["jan"]), (FEB, ids["feb_bis"])}
        assert current(datetime(2025, 1, 1)) == set()


def test_employee_months_follow_an_employee_across_months(store_url, archive_root, company, tmp_path):
    for month, name, when in ((JAN, "jan", datetime(2025, 2, 5)), (FEB, "feb", datetime(2025, 3, 5)),
                              (MAR, "mar", datetime(2025, 4, 5))):
        ingest_path(_write(company, month, tmp_path, f"{name}.dsn"), store_url, archive_root=archive_root,
                    received_at=when)
    replacement = ingest_path(_write(company, FEB, tmp_path, "feb03.dsn", decl_type="03",
                                     replaces=declaration_id(file_date(FEB), 1)),
                              store_url, archive_root=archive_root, received_at=datetime(2025, 4, 10))
    parsed = read_dsn(tmp_path / "mar.dsn")
    individu = parsed.table("S21.G00.30", typed=False).iloc[0]
    contract = parsed.table("S21.G00.40", typed=False).iloc[0]
    with store_engine(store_url).connect() as conn:
        employee = history.employee_id_of(conn, nir=individu["S21.G00.30.001"])
        assert employee is not None
        assert _count(conn, employees) == conn.execute(
            sa.select(sa.func.count(sa.distinct(employee_months.c.employee_id)))).scalar()
        months = history.employee_months(conn, employee, before=APR)
        feb_id = conn.execute(sa.select(declarations.c.id)
                              .where(declarations.c.submission_id == replacement.submission_id)).scalar_one()
        assert [m["month"] for m in months] == [MAR, FEB, JAN]
        assert months[1]["declaration_id"] == feb_id
        assert months[0]["contract_number"] == contract["S21.G00.40.009"]
        assert all(m["gross_pay"] is not None and m["gross_pay"] > 0 for m in months)
        assert [m["month"] for m in history.employee_months(conn, employee, before=MAR, count=1)] == [FEB]


def test_stored_anomalies_read_back_as_the_shared_table(store_url, archive_root, company, tmp_path):
    records = monthly_records(company, JAN)
    index = next(i for i, (code, _) in enumerate(records) if code == "S21.G00.30.001")
    records[index] = ("S21.G00.30.001", f"{records[index][1][:3]}13{records[index][1][5:]}")  # month 13
    path = write_records(records, tmp_path / "bad.dsn")
    result = ingest_path(path, store_url, archive_root=archive_root)
    expected = validate(read_dsn(path), ValidationOptions()).frame()
    with store_engine(store_url).connect() as conn:
        stored = stored_anomalies(conn, result.submission_id)
    assert "CSL00" in set(stored["code"])
    pd.testing.assert_frame_equal(stored, expected)


def test_a_file_changed_after_archiving_is_stored_as_archived(store_url, archive_root, company, tmp_path, monkeypatch):
    path = _write(company, JAN, tmp_path, "m.dsn")
    archived_bytes = path.read_bytes()
    other = _write(company, FEB, tmp_path, "feb.dsn").read_bytes()
    real = ingest.archive_file

    def archive_then_change(source, root):
        archived = real(source, root)
        source.write_bytes(other)  # the sender rewrites the file between hashing and reading
        return archived
    monkeypatch.setattr(ingest, "archive_file", archive_then_change)

    result = ingest_path(path, store_url, archive_root=archive_root)

    assert result.status == "loaded" and result.sha256 == sha256_of_bytes(archived_bytes)
    assert archive_path(result.sha256, archive_root).read_bytes() == archived_bytes
    with store_engine(store_url).connect() as conn:
        assert conn.execute(sa.select(declarations.c.month)).scalars().all() == [JAN]
        assert conn.execute(sa.select(submissions.c.filename)).scalars().all() == [str(path)]
        files = set(conn.execute(sa.select(anomalies.c.file)).scalars())
    assert files <= {str(path)}
    monkeypatch.setattr(ingest, "archive_file", real)
    assert ingest_path(path, store_url, archive_root=archive_root).status == "loaded"  # the new bytes: not a duplicate


def sha256_of_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_temporary_files_are_removed_on_failure_and_when_stale(tmp_path, monkeypatch):
    root = tmp_path / "arch"
    root.mkdir()
    stale, fresh = root / ".incoming-killed", root / ".incoming-live"
    stale.write_bytes(b"half a file")
    fresh.write_bytes(b"being copied")
    old = time.time() - archive.STALE_AFTER - 60
    os.utime(stale, (old, old))
    source = tmp_path / "a.dsn"
    source.write_bytes(b"S10.G00.00.001,'X'\n")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(archive.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        archive_file(source, root)

    assert sorted(p.name for p in root.iterdir()) == [".incoming-live"]  # the stale one and the failed copy gone
    monkeypatch.undo()
    archived = archive_file(source, root)
    assert archived.path.read_bytes() == source.read_bytes()
    assert sorted(p.name for p in root.iterdir()) == [".incoming-live", archived.sha256[:2]]
