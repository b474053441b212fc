"""Sampling (``population.sample``): a sample of citizens, the full workload, scaled counts."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sim.cli import main
from sim.experiment import simulate_replication
from sim.metrics import GLOSSARY, describe, scale_counts
from sim.privacy.analysis import PrivacyAnalysis
from sim.scenario import ScenarioError, load_scenario, load_scenario_text
from tests.conftest import SCENARIOS
from tests.exchange_worlds import tiny
from tests.worlds import build

SAMPLED = """\
name: sampled
seed: 11
duration: 10 days
population:
  size: 10000
  sample: 0.1
  municipalities: 5
sectors:
  - name: local
agencies:
  - {name: city, sector: local, per_municipality: true}
  - {name: registry, sector: local}
procedures:
  - name: certificate
    requester: city
    rate_per_citizen_per_year: 3.6525
    needs: [{provider: registry, item: record}]
  - name: former-residence
    requester: city
    rate_per_citizen_per_year: 0.73050
    needs: [{provider: city, item: old-record, municipality: previous}]
"""
# 3.6525 a year is 0.01 a day: 100 a day for the 10,000 represented citizens, 1,000
# in the 10 days; 0.7305 a year: 20 a day, 200 in the 10 days.

QUICK = str(SCENARIOS / "quickstart.yaml")
NATIONAL = SCENARIOS / "japan-national.yaml"
SMALL_NATIONAL = [
    "--set",
    "population.size=20000",
    "--set",
    "duration=1 day",
    "--set",
    "population.municipalities=40",
]


def _counts(workload) -> dict[str, int]:
    """Procedures started, by name."""
    first = np.unique(workload.instance, return_index=True)[1]
    names = np.array(workload.procedure_names)[workload.procedure[first]]
    return {name: int((names == name).sum()) for name in workload.procedure_names}


def test_sample_simulates_a_share_of_the_citizens():
    population = load_scenario_text(SAMPLED, "s.yaml").population
    assert (population.size, population.simulated_size, population.scale_factor) == (
        10_000,
        1_000,
        10.0,
    )
    assert population.simulated().size == 1_000
    parts = build(load_scenario_text(SAMPLED, "s.yaml"))
    assert parts.population.initial_size == 1_000


def test_the_workload_runs_at_the_full_volume_over_the_sample():
    sampled = build(load_scenario_text(SAMPLED, "s.yaml"))
    everyone = build(load_scenario_text(SAMPLED.replace("sample: 0.1", "sample: 1"), "s.yaml"))
    counts, full = _counts(sampled.workload), _counts(everyone.workload)
    # the first procedure's arrivals are the first draws of the workload stream: the
    # same whatever the sample; both are Poisson with mean 1,000 (sd 32)
    assert counts["certificate"] == full["certificate"]
    assert abs(counts["certificate"] - 1000) < 4 * math.sqrt(1000)
    assert abs(counts["former-residence"] - 200) < 4 * math.sqrt(200)
    # every query is about a simulated citizen, who stands for ten
    assert sampled.workload.citizen.max() < sampled.population.size
    assert sampled.population.initial_size * 10 == everyone.population.initial_size
    # the cases for movers still choose only citizens who have moved
    moved = np.array(sampled.workload.procedure_names)[sampled.workload.procedure] == (
        "former-residence"
    )
    persons, times = sampled.workload.citizen[moved], sampled.workload.time[moved]
    assert (sampled.population.previous_municipality_at(persons, times) >= 0).all()


def test_each_replication_draws_its_own_sample():
    scenario = load_scenario_text(SAMPLED, "s.yaml")
    first, second = build(scenario, 0).population, build(scenario, 1).population
    assert first.initial_size == second.initial_size == 1_000
    assert not np.array_equal(first.birth_date[:1000], second.birth_date[:1000])


def test_the_glossary_scales_exactly_the_counts_of_persons_and_records():
    scaled = {info.name for info in GLOSSARY if info.scaled}
    assert scaled == {
        "privacy.linkable_profiles.worst",
        "privacy.linkable_profiles.median",
        "privacy.linkable_profiles.<compromise>",
        "privacy.false_joins.worst",
        "privacy.false_joins.median",
        "privacy.false_joins.<compromise>",
        "resilience.records_lost",
    }
    rows = [
        ("linkage.queries", 50.0),
        ("citizen.visits", 3.0),
        ("privacy.linkable_profiles.tax+pension", 7.0),
        ("privacy.profile_breadth.tax+pension", 2.5),
        ("resilience.records_lost", 4.0),
    ]
    assert scale_counts(rows, 10.0) == [
        ("linkage.queries", 50.0),
        ("citizen.visits", 3.0),
        ("privacy.linkable_profiles.tax+pension", 70.0),
        ("privacy.profile_breadth.tax+pension", 2.5),
        ("resilience.records_lost", 40.0),
    ]
    assert scale_counts(rows, 1.0) == rows


def test_person_counts_are_scaled_by_exactly_one_over_the_sample():
    disaster = [{"site": "town-hall-1", "at": "12 h", "restore_time": "6 h"}]
    hall = {"name": "town-hall-1", "hosts": ["city-1"], "region": "coast"}
    scenario = tiny(population__sample=0.5, hosting={"sites": [hall]}, disasters=disaster)
    rows = simulate_replication(scenario, ["flat"], 0)
    value = dict(zip(rows["metric"], rows["value"], strict=True))

    parts = build(scenario)
    assert parts.population.initial_size == 200
    # no one moves, is born or dies in the tiny world: city-1 holds municipality 1's
    # residents, and each simulated resident stands for two
    assert value["resilience.records_lost"] == 2 * (parts.population.municipality == 0).sum() > 0
    world = parts.world("flat")
    world.enroll()
    privacy = PrivacyAnalysis(scenario, parts.population, parts.registers, parts.streams.get)
    raw = dict(privacy.exposure_rows(world.architecture.holdings(world)))
    assert raw["privacy.linkable_profiles.worst"] > 0
    for metric, count in raw.items():
        expected = 2 * count if describe(metric).scaled else count
        assert value[metric] == pytest.approx(expected, nan_ok=True), metric
    # exchanges come from the full workload, unscaled
    assert value["linkage.queries"] == len(parts.workload) - parts.workload.insider.sum()


@pytest.mark.parametrize(
    ("given", "found"),
    [("0", "0"), ("1.5", "1.5"), ("abc", "'abc'"), ("-0.1", "-0.1"), ("true", "True")],
)
def test_a_bad_sample_is_a_located_error(given, found):
    text = SAMPLED.replace("sample: 0.1", f"sample: {given}")
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "s.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        "s.yaml:6:11: population.sample: expected the share of citizens simulated, a number "
        f"above 0 and at most 1 (got {found}); "
    )


def test_a_percentage_given_as_the_sample_gets_a_suggestion():
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(SAMPLED.replace("sample: 0.1", "sample: 5"), "s.yaml")
    assert str(caught.value).endswith("(got 5); for 5 % write 0.05")


def test_a_bad_sample_on_the_command_line_is_one_line(capsys):
    assert main(["validate", QUICK]) == 0
    assert main(["run", QUICK, "--set", "population.sample=abc"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("--set population.sample=abc: population.sample: expected the share")
    assert len(error.splitlines()) == 1 and "Traceback" not in error


def test_the_run_says_it_sampled_and_the_manifest_holds_the_scale(tmp_path, capsys):
    small = ["--set", "population.size=2000", "--set", "population.sample=0.1"]
    small += ["--set", "duration=2 h", "--replications", "1", "--jobs", "1", "--no-plots"]
    note = (
        "note: population sampled: 200 of 2,000 citizens simulated (population.sample 0.1); "
        "counts of persons and records are scaled ×10, exchanges run at the full volume"
    )
    assert main(["run", QUICK, *small, "--out", str(tmp_path / "a")]) == 0
    assert note in capsys.readouterr().out.splitlines()
    assert main(["run", QUICK, *small, "--out", str(tmp_path / "b"), "--quiet"]) == 0
    printed = capsys.readouterr()
    assert printed.out == f"{tmp_path / 'b'}\n" and note in printed.err.splitlines()
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sampling"] == {
        "sample": 0.1,
        "simulated_citizens": 200,
        "represented_citizens": 2000,
        "scale_factor": 10.0,
    }
    assert manifest["notes"] == [note]


def test_an_unsampled_run_says_nothing_of_sampling(tmp_path, capsys):
    small = ["--set", "population.size=500", "--set", "duration=2 h", "--replications", "1"]
    out = tmp_path / "run"
    assert main(["run", QUICK, *small, "--jobs", "1", "--no-plots", "--out", str(out)]) == 0
    assert "population sampled" not in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sampling"]["scale_factor"] == 1.0 and manifest["notes"] == []


def test_japan_national_states_its_figures():
    scenario = load_scenario(NATIONAL)
    population = scenario.population
    assert (population.size, population.sample, population.simulated_size) == (
        125_000_000,
        0.01,
        1_250_000,
    )
    assert population.municipalities == 1741
    assert scenario.duration == 30 * 86400
    assert scenario.architectures == ["separate", "flat", "sectoral", "symbol"]
    assert scenario.replications == 2
    # the FY2022 volume: 30.29 million queries a year through the hub
    per_year = sum(
        p.daily_rate(population.size) * 365.25 * len(p.needs) for p in scenario.procedures
    )
    assert per_year == pytest.approx(30.29e6, rel=0.005)


def test_japan_national_runs_small_through_the_command_line(tmp_path, capsys):
    out = tmp_path / "national"
    arguments = ["run", str(NATIONAL), *SMALL_NATIONAL, "--jobs", "1", "--no-plots"]
    assert main([*arguments, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "note: population sampled: 200 of 20,000 citizens simulated" in printed
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sampling"]["scale_factor"] == 100.0
    assert manifest["replications"] == 2
