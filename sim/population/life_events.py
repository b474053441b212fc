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
    history_start: float
    horizon: float

    def _last_change(
        self, log: ChangeLog, persons: np.ndarray, times: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Index of each (person, time)'s last change at or before it, and whether there is one."""
        span = self.horizon - self.history_start + 1.0
        keys = log.persons * span + (log.times - self.history_start)
        queries = np.asarray(persons) * span + (np.asarray(times) - self.history_start)
        position = np.searchsorted(keys, queries, side="right") - 1
        safe = np.clip(position, 0, None)
        return safe, (position >= 0) & (log.persons[safe] == persons)

    def latest_value(
        self, log: ChangeLog, persons: np.ndarray, times: np.ndarray, default: np.ndarray
    ) -> np.ndarray:
        """The value in force at each (person, time): the last change at or before it."""
        if len(log) == 0:
            return np.asarray(default).copy()
        last, found = self._last_change(log, persons, times)
        return np.where(found, log.values[last], default)

    def last_change_time(
        self, log: ChangeLog, persons: np.ndarray, times: np.ndarray
    ) -> np.ndarray:
        """When each (person, time)'s last change at or before it happened (NaN: none)."""
        if len(log) == 0:
            return np.full(np.shape(persons), np.nan)
        last, found = self._last_change(log, persons, times)
        return np.where(found, log.times[last], np.nan)

    def previous_value(
        self, log: ChangeLog, persons: np.ndarray, times: np.ndarray, first: np.ndarray
    ) -> np.ndarray:
        """The value before each (person, time)'s last change (-1 where there was none)."""
        if len(log) == 0:
            return np.full(np.shape(persons), -1, dtype=np.int64)
        last, found = self._last_change(log, persons, times)
        before = np.clip(last - 1, 0, None)
        earlier = found & (last >= 1) & (log.persons[before] == persons)
        value = np.where(earlier, log.values[before], first)
        return np.where(found, value, -1)


def draw_life_events(
    spec: PopulationSpec,
    rng: np.random.Generator,
    duration_seconds: float,
    municipality_weights: np.ndarray,
    vocabulary: Vocabulary,
) -> LifeEvents:
    """Draw the life events of a run; persons who die have no events after their death.

    Moves and marriages are also drawn over the ``history_years`` before the
    run (negative times), so that copies taken years ago can be out of date.
    Births and deaths happen only during the run.
    """
    rates = spec.life_events
    size = spec.size
    history = spec.history_years * SECONDS_PER_YEAR

    def count(rate: float, seconds: float = duration_seconds) -> int:
        return int(rng.poisson(rate * size * seconds / SECONDS_PER_YEAR))

    death_count = count(rates.death_rate_per_year)
    death_persons, first = np.unique(rng.integers(0, size, death_count), return_index=True)
    death_times = rng.uniform(0, duration_seconds, death_count)[first]
    died_at = np.full(size, np.inf)
    died_at[death_persons] = death_times

    def timed_persons(rate: float) -> tuple[np.ndarray, np.ndarray]:
        n = count(rate, history + duration_seconds)
        persons = rng.integers(0, size, n)
        times = rng.uniform(-history, duration_seconds, n)
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
        history_start=-history,
        horizon=duration_seconds,
    )
