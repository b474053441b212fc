"""Moves, marriages, births and deaths during the run, drawn at the scenario's rates."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from sim.population.blocks import WeightedCodes, blocks
from sim.population.vocabulary import Vocabulary
from sim.scenario.sections import Population as PopulationSpec

SECONDS_PER_YEAR = 365.25 * 86400.0


@dataclass
class ChangeLog:
    """Timed changes of one fact (municipality, surname), sorted by person then time.

    Attributes:
        persons: who changed (int32), in increasing order.
        times: when (simulation seconds), increasing within each person.
        values: the new value (int32 code).
    """

    persons: np.ndarray
    times: np.ndarray
    values: np.ndarray

    def __len__(self) -> int:
        return len(self.persons)

    @functools.cached_property
    def _starts(self) -> np.ndarray:
        """Where each person's changes start, for persons 0 .. the last who changed, + 1."""
        last = int(self.persons[-1]) if len(self.persons) else -1
        return np.searchsorted(self.persons, np.arange(last + 2))

    @functools.cached_property
    def _start_list(self) -> list[int]:
        return self._starts.tolist()

    @functools.cached_property
    def lists(self) -> tuple[list[float], list[int]]:
        """``times`` and ``values`` as Python lists, for reading one change at a time."""
        return self.times.tolist(), self.values.tolist()

    def span_of(self, person: int) -> tuple[int, int]:
        """The positions ``start, stop`` of one person's changes (a look-up, no search)."""
        starts = self._start_list
        if person + 1 >= len(starts):
            return len(self.persons), len(self.persons)
        return starts[person], starts[person + 1]


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
        """Index of each (person, time)'s last change at or before it, and whether there is one.

        Finds where each person's run of changes starts in the log, then steps
        through the runs in time order, all queries at once, dropping a query
        at its first change after its time or at the end of its run (runs are
        a handful of changes). Exact at any population size, unlike one
        combined person-and-time float key, which loses whole seconds beyond
        ~30 million persons.
        """
        persons, times = np.broadcast_arrays(np.asarray(persons), np.asarray(times))
        shape = persons.shape
        persons, times = persons.reshape(-1), times.reshape(-1)
        first = np.searchsorted(log.persons, persons, side="left")
        last = first - 1  # the last change at or before the time so far (first - 1: none)
        has_changes = log.persons[np.minimum(first, len(log) - 1)] == persons
        going = np.flatnonzero(has_changes)
        while len(going):
            candidate = last[going] + 1
            reached = (log.persons[candidate] == persons[going]) & (
                log.times[candidate] <= times[going]
            )
            going, candidate = going[reached], candidate[reached]
            last[going] = candidate
            going = going[candidate + 1 < len(log)]
        found = last >= first
        return np.where(found, last, 0).reshape(shape), found.reshape(shape)

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
    years = (history + duration_seconds) / SECONDS_PER_YEAR

    def count(rate: float, seconds: float = duration_seconds) -> int:
        return int(rng.poisson(rate * size * seconds / SECONDS_PER_YEAR))

    death_count = count(rates.death_rate_per_year)
    death_persons, first = np.unique(rng.integers(0, size, death_count), return_index=True)
    death_times = rng.uniform(0, duration_seconds, death_count)[first]
    deaths = (death_persons, death_times)
    span = (-history, duration_seconds)

    move_persons, move_times = _changes_by_person(
        rng, rates.move_rate_per_year * years, size, span, deaths
    )
    destinations = WeightedCodes(municipality_weights).draw(rng, len(move_persons))
    marriage_persons, marriage_times = _changes_by_person(
        rng, rates.marriage_rate_per_year * years, size, span, deaths
    )
    new_surnames = vocabulary.draw_surnames(rng, len(marriage_persons))

    births = count(rates.birth_rate_per_year)
    return LifeEvents(
        moves=ChangeLog(move_persons, move_times, destinations),
        marriages=ChangeLog(marriage_persons, marriage_times, new_surnames),
        births=births,
        birth_times=np.sort(rng.uniform(0, duration_seconds, births)),
        death_persons=death_persons,
        death_times=death_times,
        history_start=-history,
        horizon=duration_seconds,
    )


def _changes_by_person(
    rng: np.random.Generator,
    mean_per_person: float,
    size: int,
    span: tuple[float, float],
    deaths: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Each person's changes: a Poisson number at uniform times in ``span``, none after death.

    Returns (persons as int32, times), sorted by person, then time, in linear
    time and without a global sort. Persons are taken block by block in index
    order; a block's number of changes is Poisson and each change falls on one
    of its persons at random (the same as a Poisson count per person). The
    changes are counting-sorted by person (tally each person, then repeat each
    person index that many times), and only each person's few times need
    sorting among themselves (:func:`_sort_within_runs`). ``deaths`` holds the
    persons who die (sorted) and when.
    """
    death_persons, death_times = deaths
    persons_parts, times_parts = [], []
    for first, last in blocks(size):
        count = rng.poisson(mean_per_person * (last - first))
        per_person = np.bincount(rng.integers(0, last - first, count), minlength=last - first)
        persons = np.repeat(np.arange(first, last, dtype=np.int32), per_person)
        times = rng.uniform(span[0], span[1], len(persons))
        _sort_within_runs(times, per_person)
        died_at = np.full(last - first, np.inf)
        dying = slice(*np.searchsorted(death_persons, [first, last]))
        died_at[death_persons[dying] - first] = death_times[dying]
        alive = times < died_at[persons - first]
        persons_parts.append(persons[alive])
        times_parts.append(times[alive])
    if not persons_parts:
        return np.zeros(0, dtype=np.int32), np.zeros(0)
    return np.concatenate(persons_parts), np.concatenate(times_parts)


def _sort_within_runs(values: np.ndarray, run_lengths: np.ndarray) -> None:
    """Sort ``values`` in place within consecutive runs of the given lengths.

    Runs of the same length are sorted together as the rows of one 2-D array,
    so the work is linear in the number of values as long as runs are short
    (a person has a handful of moves, not thousands).
    """
    ends = np.cumsum(run_lengths)
    several = np.flatnonzero(run_lengths >= 2)
    lengths = run_lengths[several]
    for length in np.unique(lengths):
        starts = ends[several[lengths == length]] - length
        positions = starts[:, np.newaxis] + np.arange(length)
        values[positions] = np.sort(values[positions], axis=1)
