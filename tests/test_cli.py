"""The idsim command as a user meets it."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from sim.cli import main
from tests.conftest import SCENARIOS

QUICK = str(SCENARIOS / "quickstart.yaml")
SMALL = ["--set", "population.size=1500", "--set", "duration=6 h", "--set", "warmup=30 min"]


def test_validate_ok(capsys):
    assert main(["validate", QUICK]) == 0
    assert capsys.readouterr().out == f"ok: {QUICK}\n"


def test_validate_reports_each_problem_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nseed: -3\npopulation: {size: 10, colour: red}\n", encoding="utf-8")
    assert main(["validate", QUICK, str(bad)]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"ok: {QUICK}"
    assert any(line.startswith(f"{bad}:2:7: seed:") for line in lines)
    assert any(line.startswith(f"{bad}:3:") and "population.colour" in line for line in lines)
    assert any("sectors: required key is missing" in line for line in lines)


def test_missing_file_is_one_line(capsys):
    assert main(["validate", "no/such.yaml"]) == 2
    assert capsys.readouterr().out.startswith("no/such.yaml: file not found")


def test_run_writes_the_run_folder(tmp_path, capsys):
    out = tmp_path / "run"
    arguments = ["run", QUICK, *SMALL, "--replications", "2", "--out", str(out), "--no-plots"]
    assert main(arguments) == 0
    printed = capsys.readouterr().out
    assert "linkage.correct_rate" in printed and "flat" in printed
    assert {p.name for p in out.iterdir()} == {
        "manifest.json",
        "scenario.resolved.yaml",
        "metrics.csv",
        "summary.csv",
        "differences.csv",
        "timeseries.csv",
        "latencies.csv",
    }
    metrics = pd.read_csv(out / "metrics.csv")
    assert list(metrics.columns) == [
        "scenario",
        "architecture",
        "replication",
        "seed",
        "metric",
        "value",
        "unit",
    ]
    assert sorted(metrics["replication"].unique()) == [0, 1]
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == [
        "scenario",
        "architecture",
        "metric",
        "unit",
        "mean",
        "ci_low",
        "ci_high",
        "n",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 20261126 and manifest["scenario_hash"]


def test_resolved_scenario_repeats_the_run(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    quiet = ["--quiet", "--no-plots"]
    assert main(["run", QUICK, *SMALL, "--replications", "1", "--out", str(first), *quiet]) == 0
    resolved = str(first / "scenario.resolved.yaml")
    assert main(["run", resolved, "--out", str(second), *quiet]) == 0
    assert (first / "metrics.csv").read_bytes() == (second / "metrics.csv").read_bytes()


def test_run_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["run", QUICK, *SMALL, "--replications", "1", "--out", str(out), "--no-plots"]) == 2
    assert "already holds files" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"


def test_bad_override_is_one_line(capsys):
    assert main(["run", QUICK, "--set", "population.size=many"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("--set population.size=many: population.size: input should be")
    assert len(err.strip().splitlines()) == 1


def test_unknown_architecture_is_reported(capsys):
    assert main(["run", QUICK, *SMALL, "--arch", "flatt"]) == 2
    assert "did you mean 'flat'?" in capsys.readouterr().err


def test_list_shows_bundled_scenarios(capsys):
    assert main(["list"]) == 0
    assert "scenarios/quickstart.yaml" in capsys.readouterr().out


def test_python_dash_m_sim_runs():
    done = subprocess.run(
        [sys.executable, "-m", "sim", "validate", QUICK],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("ok:")
