"""Population generation: determinism, change logs, lookups, national numbers, weighted codes."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from sim.population import blocks
from sim.population.blocks import WeightedCodes
from sim.population.citizens import Population, generate_population
from sim.population.life_events import SECONDS_PER_YEAR, _sort_within_runs
from sim.population.numbers import BASE_SPACE, check_digit, is_valid_number, issue_numbers
from sim.population.records import true_facts
from sim.population.registers import build_registers
from sim.rng import Streams
from tests.conftest import small

DAY = 86400.0


def _busy(quickstart, size: int = 3000):
    """A small world whose citizens move and marry often, so persons have several changes."""
    events = {
        "move_rate_per_year": 0.5,
        "marriage_rate_per_year": 0.2,
        "birth_rate_per_year": 0.05,
        "death_rate_per_year": 5.0,
    }
    return small(
        quickstart,
        duration="30 day",
        population__size=size,
        population__history_years=5,
        population__life_events=events,
    )


def _arrays(population: Population) -> dict[str, np.ndarray]:
    events = population.events
    arrays = {
        name: getattr(population, name)
        for name in (
            "sex", "birth_date", "surname", "given", "municipality", "block",
            "national_number", "born_at", "died_at",
        )
    }  # fmt: skip
    for kind in ("moves", "marriages"):
        log = getattr(events, kind)
        arrays |= {
            f"{kind}.{field}": getattr(log, field) for field in ("persons", "times", "values")
        }
    arrays |= {
        "birth_times": events.birth_times,
        "death_persons": events.death_persons,
        "death_times": events.death_times,
    }
    return arrays


def test_same_seed_gives_byte_identical_population_and_registers(quickstart, monkeypatch):
    scenario = _busy(quickstart)
    # Small blocks, so that the block-by-block drawing is exercised across block edges.
    monkeypatch.setattr(blocks, "BLOCK", 1000)
    runs = []
    for _ in range(2):
        population = generate_population(scenario.population, Streams(5), scenario.duration)
        registers = build_registers(scenario, population, Streams(5))
        runs.append((_arrays(population), registers.members))
    (first, first_members), (second, second_members) = runs
    for name, array in first.items():
        assert array.tobytes() == second[name].tobytes(), name
    for agency, members in first_members.items():
        assert members.tobytes() == second_members[agency].tobytes(), agency
    other = generate_population(scenario.population, Streams(6), scenario.duration)
    assert not np.array_equal(other.birth_date, first["birth_date"])


@pytest.fixture(scope="module")
def busy_population(quickstart) -> Population:
    scenario = _busy(quickstart, size=20_000)
    return generate_population(scenario.population, Streams(3), scenario.duration)


def test_change_logs_are_sorted_by_person_then_time_and_stop_at_death(busy_population):
    population = busy_population
    for log in (population.events.moves, population.events.marriages):
        assert log.persons.dtype == np.int32 and log.values.dtype == np.int32
        assert np.all(np.diff(log.persons) >= 0)
        same_person = np.diff(log.persons) == 0
        assert np.all(np.diff(log.times)[same_person] >= 0)
        assert np.all(log.times < population.died_at[log.persons])
        assert np.all(log.persons < population.initial_size)
        assert log.times.min() >= population.events.history_start
        assert log.times.max() < population.events.horizon
    assert np.any(np.bincount(population.events.moves.persons) >= 4)


def test_change_counts_follow_the_rates(busy_population):
    population = busy_population
    years = 5 + 30 / 365.25
    expected_moves = 0.5 * years * population.initial_size
    assert len(population.events.moves) == pytest.approx(expected_moves, rel=0.05)
    per_person = np.bincount(population.events.moves.persons, minlength=population.initial_size)
    assert per_person.var() == pytest.approx(per_person.mean(), rel=0.1)  # Poisson
    assert population.municipality.dtype == np.int32
    shares = np.bincount(population.municipality) / population.size
    assert shares.sum() == pytest.approx(1.0) and np.all(shares > 0)


def _brute_force(log, person: int, time: float, first: int) -> tuple[int, int, float]:
    """(value in force, value before the last change or -1, time of the last change or NaN)."""
    mine = np.flatnonzero(log.persons == person)
    past = mine[log.times[mine] <= time]
    if len(past) == 0:
        return first, -1, np.nan
    before = int(log.values[past[-2]]) if len(past) > 1 else first
    return int(log.values[past[-1]]), before, float(log.times[past[-1]])


def test_lookups_at_a_time_agree_with_a_brute_force_search(busy_population):
    population = busy_population
    events, moves = population.events, population.events.moves
    rng = np.random.default_rng(0)
    persons = np.concatenate([moves.persons[:300], rng.integers(0, population.size, 300)])
    times = np.concatenate(
        [moves.times[:300], rng.uniform(events.history_start, events.horizon, 300)]
    )
    now = population.municipality_at(persons, times)
    before = population.previous_municipality_at(persons, times)
    changed = events.last_change_time(moves, persons, times)
    for k, (person, time) in enumerate(zip(persons.tolist(), times.tolist(), strict=True)):
        first = int(population.municipality[person])
        value, previous, at = _brute_force(moves, person, time, first)
        assert (now[k], before[k]) == (value, previous)
        assert (np.isnan(changed[k]) and np.isnan(at)) or changed[k] == at


def test_sorting_within_runs_sorts_each_run_and_keeps_runs_in_place():
    rng = np.random.default_rng(1)
    lengths = rng.poisson(1.5, 1000)
    values = rng.random(lengths.sum())
    expected = np.concatenate([np.sort(run) for run in np.split(values, np.cumsum(lengths)[:-1])])
    _sort_within_runs(values, lengths)
    assert np.array_equal(values, expected)


def _check_digit_by_definition(base: int) -> int:
    digits = [int(d) for d in reversed(f"{base:011d}")]
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(digits, start=1))
    return 0 if total % 11 <= 1 else 11 - total % 11


def test_check_digits_follow_the_my_number_rule():
    rng = np.random.default_rng(2)
    bases = np.concatenate([rng.integers(0, BASE_SPACE, 2000), [0, 1, BASE_SPACE - 1]])
    digits = check_digit(bases)
    assert digits.dtype == np.int64
    assert digits.tolist() == [_check_digit_by_definition(int(base)) for base in bases]


def test_issued_numbers_are_distinct_valid_and_the_same_across_blocks(monkeypatch):
    numbers = issue_numbers(5000, np.random.default_rng(4))
    assert len(np.unique(numbers)) == 5000
    assert np.all(is_valid_number(numbers))
    assert not np.any(is_valid_number(numbers + 1))
    monkeypatch.setattr(blocks, "BLOCK", 333)
    assert np.array_equal(issue_numbers(5000, np.random.default_rng(4)), numbers)


@pytest.mark.parametrize("codes", [1, 2, 3, 160, 100_000])
def test_weighted_codes_equal_a_binary_search_of_every_draw(codes):
    rng = np.random.default_rng(codes)
    probabilities = rng.random(codes) ** 3 + 1e-9
    probabilities /= probabilities.sum()
    cumulative = np.cumsum(probabilities)
    edges = np.arange(1 << 16) / (1 << 16)
    uniform = np.concatenate(
        [
            rng.random(200_000),
            edges,
            np.nextafter(edges[1:], 0.0),
            cumulative[:-1],
            np.nextafter(cumulative[:-1], 0.0),
            [np.nextafter(1.0, 0.0)],
        ]
    )
    uniform = uniform[uniform < 1.0]
    searched = np.searchsorted(cumulative, uniform * cumulative[-1], side="right")
    expected = np.minimum(searched, codes - 1)
    assert np.array_equal(WeightedCodes(probabilities).of_uniform(uniform), expected)
    assert WeightedCodes(probabilities).of_uniform(uniform[:6].reshape(2, 3)).shape == (2, 3)


def test_drawing_in_blocks_uses_the_stream_as_one_draw_would(monkeypatch):
    probabilities = np.array([0.5, 0.3, 0.2])
    whole = WeightedCodes(probabilities).of_uniform(np.random.default_rng(7).random(10_000))
    monkeypatch.setattr(blocks, "BLOCK", 999)
    drawn = WeightedCodes(probabilities).draw(np.random.default_rng(7), 10_000)
    assert drawn.dtype == np.int32 and np.array_equal(drawn, whole)


def test_years_of_history_hold_changes_before_the_run(busy_population):
    moves = busy_population.events.moves
    assert np.mean(moves.times < 0) == pytest.approx(5 / (5 + 30 / 365.25), abs=0.02)
    assert busy_population.events.history_start == pytest.approx(-5 * SECONDS_PER_YEAR)
    assert np.all(busy_population.born_at[busy_population.initial_size :] >= 0)
    assert np.all(busy_population.born_at[busy_population.initial_size :] < 30 * DAY)


def test_true_facts_spell_each_birth_date_as_the_calendar_does(busy_population):
    persons = np.array([7, 3, 7, 19_999, 0, 3])  # out of order, repeated
    facts = true_facts(busy_population, persons, np.zeros(len(persons)))
    epoch = datetime.date(1970, 1, 1)
    expected = [
        (epoch + datetime.timedelta(days=int(day))).isoformat()
        for day in busy_population.birth_date[persons]
    ]
    assert list(facts["birth_date"]) == expected
    assert len(true_facts(busy_population, persons[:0], np.zeros(0))) == 0
