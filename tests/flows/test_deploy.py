"""Deployment definitions: schedules, parameters, selection (nothing is served or scheduled here)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from flows.deploy import SOURCE_ROOT, build_parser, chosen, specs


def by_name(tmp_path) -> dict:
    return {s.name: s for s in specs(str(tmp_path / "drop"), "duckdb:///x.duckdb", poll_seconds=30)}


def test_nightly_runs_at_two_paris_time(tmp_path):
    nightly = by_name(tmp_path)["nightly"]
    [schedule] = nightly.options["schedules"]
    assert (schedule.cron, schedule.timezone) == ("0 2 * * *", "Europe/Paris")
    assert nightly.options["parameters"] == {"db_url": "duckdb:///x.duckdb"}


def test_drop_folder_is_polled_and_never_run_twice_at_once(tmp_path):
    drop = by_name(tmp_path)["drop-folder"]
    [schedule] = drop.options["schedules"]
    assert schedule.interval in (30, timedelta(seconds=30))
    assert drop.options["concurrency_limit"] == 1
    assert drop.options["parameters"]["directory"] == str((tmp_path / "drop").resolve())


def test_entrypoints_exist_in_the_source_tree(tmp_path):
    for spec in by_name(tmp_path).values():
        file, function = spec.entrypoint.split(":")
        assert (SOURCE_ROOT / file).is_file()
        assert function in (SOURCE_ROOT / file).read_text()
        assert spec.flow.fn.__name__ == function


def test_selection_by_name(tmp_path):
    all_specs = specs(str(tmp_path))
    assert [s.name for s in chosen(all_specs, ["on-demand"])] == ["on-demand"]
    assert len(chosen(all_specs, [])) == 3
    with pytest.raises(SystemExit, match="inconnu"):
        chosen(all_specs, ["nope"])


def test_served_deployments_carry_the_schedules(tmp_path):
    deployments = {s.name: s.flow.to_deployment(s.name, **s.options) for s in by_name(tmp_path).values()}
    assert [s.schedule.cron for s in deployments["nightly"].schedules] == ["0 2 * * *"]
    assert deployments["on-demand"].schedules in (None, [])
    assert Path(deployments["drop-folder"].parameters["directory"]).name == "drop"


def test_command_line():
    args = build_parser().parse_args(["deploy", "on-demand", "--pool", "p", "--db", "postgresql://h/db"])
    assert (args.action, args.names, args.pool, args.db) == ("deploy", ["on-demand"], "p", "postgresql://h/db")
