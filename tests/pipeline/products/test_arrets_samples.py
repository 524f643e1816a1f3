"""``dsn run`` on the committed samples builds the arrêts product and prints its summary (DuckDB and PostgreSQL):
the samples hold an arrêt declared by signalement 04, repeated in its mensuelle and closed by a signalement 05."""
from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from dsn_parser.generator.generated import generate_company
from dsn_parser.generator.samples import SEED
from dsn_parser.generator.values import month_end
from pipeline.cli import main
from pipeline.ingest import store_engine
from pipeline.products import arrets

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "samples"
# the companies of data/samples (dsn_parser.generator.samples.sample_files)
COMPANIES = [(SEED, 12, 3, date(2025, 1, 1), "P25V01", 1), (SEED + 1, 10, 1, date(2026, 1, 1), "P26V01", 1),
             (SEED + 2, 10, 1, date(2024, 6, 1), "P24V01", 2)]


def test_run_on_the_samples_summarises_the_arrets(store_url, tmp_path, capsys):
    main_company = generate_company(SEED, employees=12, months=3, start_month=date(2025, 1, 1), norm="P25V01")
    wanted, closed = 0, 0
    for seed, employees, months, first, norm, establishments in COMPANIES:
        generated = generate_company(seed, employees, months, first, norm, establishments)
        for e in generated.employees:
            carried = [m for m in generated.months if e.arret is not None and e.present(m) and e.arret.overlaps(m)]
            if carried:
                wanted += 1
                closed += bool(e.arret.resume and e.arret.resume <= month_end(carried[-1]))
    signalled = next(e for e in main_company.employees if e.arret is not None)
    assert signalled.arret.resume is not None  # the samples' signalement 05 closes the signalement 04's arrêt
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    status = main(["run", str(folder), "--db", store_url, "--archive", str(tmp_path / "archive"), "--quiet"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    out = captured.out.splitlines()
    assert f"arrêts de travail : {wanted} ({wanted - closed} sans reprise déclarée, {closed} avec reprise)" in out
    with store_engine(store_url).connect() as conn:
        (arret,) = arrets.list_arrets(conn, siren=main_company.company.siren, employee=signalled.matricule)
    assert arret.start == signalled.arret.last_day_worked + timedelta(days=1)
    assert arret.declared_in[0] == "signalement_04_arret.dsn"
    assert set(arret.declared_in) == {"signalement_04_arret.dsn", "signalement_05_reprise.dsn",
                                      f"mensuelle_P25V01_{arret.start:%Y%m}.dsn"}
    assert (arret.reprise.date, arret.reprise.source) == (signalled.arret.resume, "signalement 05")
