"""Citizens as arrays: one entry per person, no Python object per citizen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sim.population.blocks import WeightedCodes
from sim.population.life_events import LifeEvents, draw_life_events
from sim.population.numbers import issue_numbers
from sim.population.vocabulary import Vocabulary
from sim.rng import Streams
from sim.scenario.sections import Population as PopulationSpec

SECONDS_PER_YEAR = 365.25 * 86400.0
MALE, FEMALE = 1, 2  # ISO 5218 codes
REFERENCE_DAY = (date(2026, 4, 1) - date(1970, 1, 1)).days
"""The calendar day (days since 1970-01-01) on which every run starts."""


@dataclass
class Population:
    """The true facts of every person who lives at any time during the run.

    Persons ``0 .. initial_size-1`` exist at the start; later indices are born
    during the run. All arrays have one entry per person.

    Attributes:
        sex: ISO 5218 code (1 male, 2 female).
        birth_date: days since 1970-01-01.
        surname, given: codes into the vocabulary (surname at the start).
        municipality: municipality index before any move (``history_years`` before the
            start, or at birth); ``municipality_at`` gives it at any time.
        block: address detail within the municipality, shape (n, 3).
        national_number: 12-digit number with check digit.
        born_at, died_at: simulation seconds (-inf / +inf when outside the run).
        events: moves, marriages and their times.
        municipality_names: the world's municipality names (distinct).
    """

    vocabulary: Vocabulary
    municipality_names: np.ndarray
    initial_size: int
    sex: np.ndarray
    birth_date: np.ndarray
    surname: np.ndarray
    given: np.ndarray
    municipality: np.ndarray
    block: np.ndarray
    national_number: np.ndarray
    born_at: np.ndarray
    died_at: np.ndarray
    events: LifeEvents

    @property
    def reference_day(self) -> int:
        """The calendar day of simulation time 0 (days since 1970-01-01)."""
        return REFERENCE_DAY

    @property
    def size(self) -> int:
        """All persons, including those born during the run."""
        return len(self.sex)

    def alive_at(self, persons: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Whether each person is alive at the matching time."""
        return (self.born_at[persons] <= times) & (times < self.died_at[persons])

    def municipality_at(self, persons: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Each person's municipality of residence at the matching time."""
        return self.events.latest_value(
            self.events.moves, persons, times, default=self.municipality[persons]
        )

    def previous_municipality_at(self, persons: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Where each person lived before their latest move up to the time (-1: never moved)."""
        return self.events.previous_value(
            self.events.moves, persons, times, first=self.municipality[persons]
        )

    def surname_at(self, persons: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Each person's surname code at the matching time (marriage changes it)."""
        return self.events.latest_value(
            self.events.marriages, persons, times, default=self.surname[persons]
        )


def generate_population(
    spec: PopulationSpec, streams: Streams, duration_seconds: float
) -> Population:
    """Draw the citizens, their facts and their life events for one replication.

    With ``spec.sample`` below 1 only the sample is drawn (``spec.simulated_size``).
    """
    spec = spec.simulated()
    rng = streams.get("population")
    vocabulary = Vocabulary.load(spec.locale)
    chosen, municipality_names = _choose_municipalities(vocabulary, rng, spec.municipalities)
    municipality_weights = vocabulary.municipality_weights[chosen].astype(float)
    municipality_weights /= municipality_weights.sum()

    events = draw_life_events(
        spec, streams.get("life-events"), duration_seconds, municipality_weights, vocabulary
    )
    total = spec.size + events.births
    sex = rng.integers(MALE, FEMALE + 1, size=total, dtype=np.int8)
    reference_day = REFERENCE_DAY
    born_at = np.full(total, -np.inf)
    born_at[spec.size :] = events.birth_times
    birth_date = rng.integers(0, spec.max_age_years * 365, size=total, dtype=np.int32)
    np.subtract(reference_day, birth_date, out=birth_date)  # age in days -> birth date
    birth_date[spec.size :] = reference_day + (events.birth_times // 86400).astype(np.int32)
    municipality = WeightedCodes(municipality_weights).draw(rng, total)
    block = np.empty((total, 3), dtype=np.uint8)
    for column, highest in enumerate((9, 30, 30)):  # chōme, banchi, gō
        block[:, column] = rng.integers(1, highest + 1, size=total, dtype=np.uint8)
    died_at = np.full(total, np.inf)
    died_at[events.death_persons] = events.death_times
    return Population(
        vocabulary=vocabulary,
        municipality_names=municipality_names,
        initial_size=spec.size,
        sex=sex,
        birth_date=birth_date,
        surname=vocabulary.draw_surnames(rng, total).astype(np.int32),
        given=vocabulary.draw_given(rng, sex).astype(np.int32),
        municipality=municipality,
        block=block,
        national_number=issue_numbers(total, streams.get("national-numbers")),
        born_at=born_at,
        died_at=died_at,
        events=events,
    )


def _choose_municipalities(
    vocabulary: Vocabulary, rng: np.random.Generator, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Vocabulary indices and names of the world's municipalities.

    A world with more municipalities than the vocabulary lists reuses its
    entries, numbering the repeats ("横浜市2") so that every name is distinct.
    """
    available = len(vocabulary.municipality_names)
    if count <= available:
        chosen = vocabulary.draw_municipalities(rng, count)
        return chosen, vocabulary.municipality_names[chosen]
    chosen = np.arange(count) % available
    rounds = np.arange(count) // available
    names = np.array(
        [
            name if repeat == 0 else f"{name}{repeat + 1}"
            for name, repeat in zip(vocabulary.municipality_names[chosen], rounds, strict=True)
        ]
    )
    return chosen.astype(np.int32), names
