"""Moves, marriages, births and deaths during the run, drawn at the scenario's rates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.population.vocabulary import Vocabulary
from sim.scenario.sections import Population as PopulationSpec

SECONDS_PER_YEAR = 365.25 * 86400.0


@dataclass
class ChangeLog:
    """Timed changes of one fact (municipality, surname), sorted by person then time."""

    persons: np.ndarray
    times: np.ndarray
    values: np.ndarray

    @classmethod
    def build(cls, persons: np.ndarray, times: np.ndarray, values: np.ndarray) -> ChangeLog:
        order = np.lexsort((times, persons))
        return cls(persons[order], times[order], values[order])

    def __len__(self) -> int:
        return len(self.persons)


@dataclass
class LifeEvents:
    """Every life event of one replication."""

    moves: ChangeLog
    marriages: ChangeLog
    births: int
    birth_times: np.ndarray
    death_persons: np.ndarray
    death_times: np.ndarray
    horizon: float

    def latest_value(
        self, log: ChangeLog, persons: np.ndarray, times: np.ndarray, default: np.ndarray
    ) -> np.ndarray:
        """The value in force at each (person, time): the last change at or before it."""
        if len(log) == 0:
            return np.asarray(default).copy()
        span = self.horizon + 1.0
        keys = log.persons * span + log.times
        queries = np.asarray(persons) * span + np.asarray(times)
        position = np.searchsorted(keys, queries, side="right") - 1
        safe = np.clip(position, 0, None)
        found = (position >= 0) & (log.persons[safe] == persons)
        return np.where(found, log.values[safe], default)


def draw_life_events(
    spec: PopulationSpec,
    rng: np.random.Generator,
    duration_seconds: float,
    municipality_weights: np.ndarray,
    vocabulary: Vocabulary,
) -> LifeEvents:
    """Draw the life events of a run; persons who die have no events after their death."""
    years = duration_seconds / SECONDS_PER_YEAR
    rates = spec.life_events
    size = spec.size

    def count(rate: float) -> int:
        return int(rng.poisson(rate * size * years))

    death_count = count(rates.death_rate_per_year)
    death_persons, first = np.unique(rng.integers(0, size, death_count), return_index=True)
    death_times = rng.uniform(0, duration_seconds, death_count)[first]
    died_at = np.full(size, np.inf)
    died_at[death_persons] = death_times

    def timed_persons(rate: float) -> tuple[np.ndarray, np.ndarray]:
        n = count(rate)
        persons = rng.integers(0, size, n)
        times = rng.uniform(0, duration_seconds, n)
        keep = times < died_at[persons]
        return persons[keep], times[keep]

    move_persons, move_times = timed_persons(rates.move_rate_per_year)
    destinations = rng.choice(len(municipality_weights), len(move_persons), p=municipality_weights)
    marriage_persons, marriage_times = timed_persons(rates.marriage_rate_per_year)
    new_surnames = vocabulary.draw_surnames(rng, len(marriage_persons)).astype(np.int32)

    births = count(rates.birth_rate_per_year)
    return LifeEvents(
        moves=ChangeLog.build(move_persons, move_times, destinations.astype(np.int32)),
        marriages=ChangeLog.build(marriage_persons, marriage_times, new_surnames),
        births=births,
        birth_times=np.sort(rng.uniform(0, duration_seconds, births)),
        death_persons=death_persons,
        death_times=death_times,
        horizon=duration_seconds,
    )
