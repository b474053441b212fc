"""The same sweep gives the same bytes in this process, in a process pool and on Dask."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.executors import ProcessExecutor, SerialExecutor, make_executor
from sim.experiment import run
from sim.scenario import load_scenario
from sim.schedule import Replications
from sim.sweeps import sweep
from tests.conftest import SCENARIOS

TINY = [
    "population.size=400",
    "duration=1 h",
    "warmup=10 min",
    "privacy.analysis=false",
    "architectures=[flat, sectoral]",
]
GRID = {"network.latency.mean": ["10 ms", "40 ms"], "population.size": [300, 400]}
FILES = ("sweep.csv", "differences.csv")


@pytest.fixture(scope="module")
def tiny():
    return load_scenario(SCENARIOS / "quickstart.yaml", TINY)


@pytest.fixture(scope="module")
def serial_sweep(tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "sweep"
    sweep(tiny, GRID, replications=2, jobs=1, out=out, plots=False)
    return out


def _same_folders(first, second) -> None:
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    points = sorted(path.name for path in (first / "points").glob("*.csv"))
    assert points == sorted(path.name for path in (second / "points").glob("*.csv"))
    for name in points:
        assert (first / "points" / name).read_bytes() == (second / "points" / name).read_bytes()


def test_jobs_1_and_jobs_2_give_identical_tables(tiny, serial_sweep, tmp_path):
    out = tmp_path / "pool"
    sweep(tiny, GRID, replications=2, jobs=2, out=out, plots=False)
    _same_folders(serial_sweep, out)


def test_dask_local_cluster_gives_identical_tables(tiny, serial_sweep, tmp_path):
    pytest.importorskip("distributed")
    from sim.executors import DaskExecutor

    out = tmp_path / "dask"
    with DaskExecutor("local", jobs=2, processes=False) as executor:
        assert executor.jobs == 2
        sweep(tiny, GRID, replications=2, executor=executor, out=out, plots=False)
    _same_folders(serial_sweep, out)


def test_auto_replications_stop_at_the_same_count_whatever_the_jobs(tiny):
    policy = Replications(count=2, precision=0.03, metrics=("linkage.latency_p95",), cap=6)
    one = run(tiny, replications=policy, jobs=1)
    two = run(tiny, replications=policy, jobs=2)
    pd.testing.assert_frame_equal(one.metrics, two.metrics)
    count = one.metrics["replication"].nunique()
    assert 2 <= count <= 6 and one.scenario.replications == count
    rows = one.summary[one.summary["metric"] == "linkage.latency_p95"]
    precise = all(
        (row.ci_high - row.ci_low) / 2 <= 0.03 * abs(row.mean) for row in rows.itertuples()
    )
    assert precise or (count == 6 and "cap of 6" in one.notes[0])
    assert one.replications.startswith("auto")


def test_executors_hand_back_every_result():
    for executor in (SerialExecutor(), ProcessExecutor(2)):
        with executor:
            pending = {executor.submit(math.factorial, n): n for n in range(6)}
            results = {}
            while pending:
                for handle in executor.wait_any(set(pending)):
                    results[pending.pop(handle)] = executor.result(handle)
        assert results == {n: math.factorial(n) for n in range(6)}


def test_one_job_or_one_task_runs_in_this_process():
    assert isinstance(make_executor(jobs=1), SerialExecutor)
    assert isinstance(make_executor(jobs=4, tasks=1), SerialExecutor)
