"""Sweeps: the grid, the sweep folder, crashed points, killed and resumed sweeps, bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import sim.experiment
from sim.cli import main
from sim.scenario import load_scenario
from sim.sweeps import parse_vary, sweep
from tests.conftest import SCENARIOS

QUICK = str(SCENARIOS / "quickstart.yaml")
TINY = [
    "--set", "population.size=400", "--set", "duration=1 h", "--set", "warmup=10 min",
    "--set", "privacy.analysis=false", "--arch", "flat", "--arch", "sectoral",
]  # fmt: skip
GRID = ["--vary", "network.latency.mean=10 ms,40 ms", "--vary", "population.size=300,400"]


def _tiny():
    overrides = [TINY[i + 1] for i in range(0, 8, 2)]
    return load_scenario(QUICK, [*overrides, "architectures=[flat, sectoral]"])


def test_parse_vary_reads_yaml_values_and_keeps_brackets_together():
    grid = parse_vary(["population.size=800,1600", "architectures=[flat, symbol],[flat]"])
    assert grid == {
        "population.size": [800, 1600],
        "architectures": [["flat", "symbol"], ["flat"]],
    }


def test_sweep_writes_a_tidy_table_with_the_varied_keys_as_columns(tmp_path, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", QUICK, *TINY, *GRID, "--replications", "2", "--out", str(out)]) == 0
    assert "4 points, 4 run, 0 resumed, 0 failed" in capsys.readouterr().out
    table = pd.read_csv(out / "sweep.csv")
    assert list(table.columns[:2]) == ["network.latency.mean", "population.size"]
    assert list(table.columns[2:]) == [
        "scenario", "architecture", "metric", "unit", "mean", "ci_low", "ci_high", "n", "error",
    ]  # fmt: skip
    assert set(table["population.size"]) == {300, 400}
    assert table["error"].isna().all() and table["n"].max() == 2
    assert len(list((out / "points").glob("*.csv"))) == 4
    differences = pd.read_csv(out / "differences.csv")
    assert set(differences["architecture"]) == {"sectoral"}
    assert set(differences["reference"]) == {"flat"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "finished" and manifest["points"] == 4
    assert manifest["varied"]["population.size"] == [300, 400]
    assert (out / "report.html").stat().st_size > 20_000
    assert (out / "plots" / "sweep-linkage-latency_p95.png").stat().st_size > 10_000
    report = (out / "report.md").read_text()
    assert "## Reading" in report and "latency p95" in report


def test_a_crashed_point_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    real = sim.experiment.simulate_replication

    def crash_on_300(scenario, architectures, replication, **options):
        if scenario.population.size == 300:
            raise RuntimeError("boom at 300")
        return real(scenario, architectures, replication, **options)

    monkeypatch.setattr(sim.experiment, "simulate_replication", crash_on_300)
    grid = {"population.size": [300, 400]}
    scenario = _tiny()
    result = sweep(scenario, grid, replications=2, jobs=1, out=tmp_path / "s", plots=False)
    table = pd.read_csv(tmp_path / "s" / "sweep.csv")
    failed = table[table["error"].notna()]
    assert len(failed) == 1 and failed["population.size"].iloc[0] == 300
    assert failed["error"].iloc[0] == "RuntimeError: boom at 300"
    assert table.loc[table["population.size"] == 400, "n"].max() == 2
    assert len(result.failed) == 1
    monkeypatch.setattr(sim.experiment, "simulate_replication", real)
    again = sweep(scenario, grid, replications=2, jobs=1, out=tmp_path / "s", resume=True)
    assert again.skipped == 1 and again.ran == 1 and not again.failed
    assert pd.read_csv(tmp_path / "s" / "sweep.csv")["error"].isna().all()


def test_a_killed_sweep_resumes_to_the_same_table(tmp_path):
    arguments = [
        "sweep", QUICK, *TINY, "--arch", "separate", "--vary", "population.size=300,350,400,450",
        "--replications", "1", "--jobs", "1", "--no-plots", "--quiet",
    ]  # fmt: skip
    whole = tmp_path / "whole"
    assert main([*arguments, "--out", str(whole)]) == 0
    killed = tmp_path / "killed"
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", *arguments, "--out", str(killed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(killed.glob("points/*.csv")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = len(list(killed.glob("points/*.csv")))
    assert 1 <= done < 4, "the sweep should have been killed part-way"
    assert not (killed / "sweep.csv").exists()
    assert main([*arguments, "--resume", str(killed)]) == 0
    manifest = json.loads((killed / "manifest.json").read_text())
    assert manifest["skipped"] == done and manifest["ran"] == 4 - done
    for name in ("sweep.csv", "differences.csv"):
        assert (killed / name).read_bytes() == (whole / name).read_bytes()


def test_resume_refuses_a_folder_of_another_sweep(tmp_path, capsys):
    out = tmp_path / "s"
    base = ["sweep", QUICK, *TINY, "--replications", "1", "--no-plots", "--quiet"]
    assert main([*base, "--vary", "population.size=300", "--out", str(out)]) == 0
    assert main([*base, "--vary", "population.size=350", "--resume", str(out)]) == 2
    err = capsys.readouterr().err
    assert "holds another sweep" in err and len(err.strip().splitlines()) == 1
    assert main([*base, "--vary", "population.size=300", "--out", str(out)]) == 2


def test_the_scenario_can_carry_its_own_grid(tmp_path):
    path = tmp_path / "with-sweep.yaml"
    path.write_text(
        (SCENARIOS / "quickstart.yaml").read_text() + "\nsweep:\n  population.size: [300, 400]\n"
    )
    assert main(["validate", str(path)]) == 0
    out = tmp_path / "s"
    assert main(["sweep", str(path), *TINY[:-4], "--replications", "1", "--arch", "flat",
                 "--out", str(out), "--no-plots", "--quiet"]) == 0  # fmt: skip
    assert set(pd.read_csv(out / "sweep.csv")["population.size"]) == {300, 400}
    bad = tmp_path / "bad.yaml"
    bad.write_text(path.read_text().replace("population.size:", "population.siz:"))
    assert main(["validate", str(bad)]) == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--vary", "population.size"], "expected KEY=V1,V2,..."),
        (["--vary", "population.size=1,,2"], "expected KEY=V1,V2,..."),
        (["--vary", "population.siz=1,2"], "--vary population.siz=1: population.siz: unknown key"),
        (["--vary", "population.size=many"], "population.size: input should be"),
        (["--vary", "population.size=1", "--vary", "population.size=2"], "varied twice"),
        ([], "nothing to sweep"),
        (["--vary", "seed=1", "--replications", "0"], "expected a whole number >= 1 or 'auto'"),
        (["--vary", "seed=1", "--metric", "linkage.auto_rat"], "did you mean 'linkage.auto_rate'"),
    ],
)
def test_bad_sweep_input_is_one_line_and_exit_2(arguments, message, capsys):
    assert main(["sweep", QUICK, *TINY, "--no-plots", *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
