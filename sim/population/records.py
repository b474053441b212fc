"""The basic four facts (name, address, sex, birth date): true, or as an agency holds them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.population.citizens import MALE, Population
from sim.population.corrupt import corrupt_records
from sim.population.registers import Registers, group_by_value
from sim.scenario import Scenario

FACT_COLUMNS = ("name", "name_reading", "address", "sex", "birth_date")
_EPOCH = np.datetime64("1970-01-01", "D")


def true_facts(
    population: Population, persons: np.ndarray, times: np.ndarray | float = 0.0
) -> pd.DataFrame:
    """The true basic four facts of ``persons`` as they stand at ``times``.

    Returns a frame with an ``id`` column (the person) and the record columns
    the linkage matcher reads.
    """
    persons = np.asarray(persons, dtype=np.int64)
    if len(persons) == 0:
        return pd.DataFrame({"id": persons, **{name: [] for name in FACT_COLUMNS}})
    times = np.broadcast_to(np.asarray(times, dtype=float), persons.shape)
    vocabulary = population.vocabulary
    surname = population.surname_at(persons, times)
    municipality = population.municipality_at(persons, times)
    sex = population.sex[persons]
    given = population.given[persons]
    place = vocabulary.place(population.block[persons])
    address = np.char.add(np.char.add(population.municipality_names[municipality], " "), place)
    birth = _iso_dates(population.birth_date[persons])
    return pd.DataFrame(
        {
            "id": persons,
            "name": vocabulary.full_name(surname, given, sex),
            "name_reading": vocabulary.full_reading(surname, given, sex),
            "address": address,
            "sex": np.where(sex == MALE, "M", "F"),
            "birth_date": birth,
        }
    )


def _iso_dates(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` of days since 1970-01-01, each distinct day spelt once.

    Only the days present are spelt (a town's few hundred copies spell a few
    hundred dates, not the century between its oldest and youngest citizen).
    """
    distinct, position = np.unique(days, return_inverse=True)
    spelt = (_EPOCH + distinct.astype("timedelta64[D]")).astype(str)
    return spelt[position]


def agency_copies(
    population: Population,
    persons: np.ndarray,
    times: np.ndarray | float,
    error_rates: Mapping[str, float],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """An agency's copies of ``persons``' facts, taken at ``times`` with recording errors."""
    facts = true_facts(population, persons, times)
    return corrupt_records(facts, error_rates, rng, population.vocabulary)


def as_records(frame: pd.DataFrame) -> dict[int, dict[str, object]]:
    """Copies as plain dicts by person, for cheap per-query access."""
    columns = {name: frame[name].tolist() for name in FACT_COLUMNS}
    return {
        int(person): {name: columns[name][row] for name in FACT_COLUMNS}
        for row, person in enumerate(frame["id"].tolist())
    }


@dataclass
class CopyUpdate:
    """Changes to agencies' copies: at ``times[i]``, node ``nodes[i]`` records ``frame`` row i."""

    times: np.ndarray
    nodes: np.ndarray
    frame: pd.DataFrame


@dataclass
class RegisterCopies:
    """Every agency system's copies of its citizens' basic four facts, and their updates.

    ``initial[node]`` holds the copies as they stand at the start: a municipal
    office's are current; a national agency told of changes holds the facts as
    they were its notification delay ago; any other agency holds the facts as
    they were when the citizen registered, some time in the ``history_years``
    before the run (or at birth). ``updates`` holds the copies recorded later, when a
    citizen moves into a municipality or an agency learns of a move or marriage.
    Agencies not told keep their stale copies.
    """

    initial: list[pd.DataFrame]
    updates: CopyUpdate


def build_register_copies(
    scenario: Scenario,
    population: Population,
    registers: Registers,
    stream: Callable[..., np.random.Generator],
) -> RegisterCopies:
    """Take each agency system's copies, with recording errors, and their later updates.

    ``stream`` gives the named random streams (``Streams.get`` or ``World.rng``);
    the copies depend only on the replication, never on the architecture.
    """
    rates = scenario.records.error_rates.model_dump()
    delay = {n.agency: n.delay for n in scenario.records.notified}
    everyone = np.arange(population.size)
    start = np.zeros(population.size)
    residence_now = population.municipality_at(everyone, start)
    former_residence = population.previous_municipality_at(everyone, start)
    moved_out_at = population.events.last_change_time(population.events.moves, everyone, start)
    registration = _registration_times(scenario, population, stream("records", "registration"))
    municipalities = scenario.population.municipalities
    residents_of = group_by_value(everyone, residence_now, municipalities)
    moved_away = np.flatnonzero(former_residence != residence_now)
    former_of = group_by_value(moved_away, former_residence[moved_away], municipalities)
    initial = []
    for node in registers.nodes:
        if node.municipality < 0:
            persons = np.flatnonzero(registers.members[node.agency])
            if node.agency in delay:
                taken_at = np.full(len(persons), -delay[node.agency])
            else:
                taken_at = registration[persons]
        else:
            residents = residents_of[node.municipality]
            former = former_of[node.municipality]
            persons = np.concatenate([residents, former])
            # A former resident's record stands as it was just before they moved out.
            taken_at = np.concatenate([np.zeros(len(residents)), moved_out_at[former] - 1.0])
        taken_at = np.maximum(taken_at, population.born_at[persons])
        rng = stream("records", node.name)
        initial.append(agency_copies(population, persons, taken_at, rates, rng))
    times, nodes, persons = update_schedule(scenario, population, registers)
    frame = agency_copies(population, persons, times, rates, stream("records", "updates"))
    return RegisterCopies(initial, CopyUpdate(times, nodes, frame))


def register_copies_once(
    scenario: Scenario,
    population: Population,
    registers: Registers,
    stream: Callable[..., np.random.Generator],
) -> Callable[[], RegisterCopies]:
    """A source of the replication's register copies: built on the first call, then kept.

    For consumers in one replication that all need them (the privacy analysis's
    name matching, and separate's), which then share one build.
    """
    return functools.cache(
        functools.partial(build_register_copies, scenario, population, registers, stream)
    )


def _registration_times(
    scenario: Scenario, population: Population, rng: np.random.Generator
) -> np.ndarray:
    """When each person registered with an agency that is not told of changes.

    Uniform over the ``history_years`` before the run, and never before birth.
    """
    history = population.events.history_start
    birth_seconds = (population.birth_date - population.reference_day) * 86400.0
    return np.maximum(rng.uniform(history, 0.0, population.size), birth_seconds)


def update_schedule(
    scenario: Scenario, population: Population, registers: Registers, since: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """When each node records a new copy: (time, node, person) sorted by time.

    A municipal office records a resident who moves in, and a resident's marriage,
    at once; an agency listed in ``records.notified`` updates its copy after its
    delay (a national agency only for citizens on its register). Only changes
    from ``since`` (default: the start of the run) to the end are listed; a
    negative ``since`` reaches into the history before the run.
    """
    events = population.events
    kinds = [
        (events.moves.persons, events.moves.times),
        (events.marriages.persons, events.marriages.times),
    ]
    delay = {n.agency: n.delay for n in scenario.records.notified}
    times, nodes, persons = [], [], []
    for event_persons, event_times in kinds:
        if len(event_persons) == 0:
            continue
        municipality = population.municipality_at(event_persons, event_times)
        for agency in scenario.agencies:
            if agency.per_municipality:
                node = registers.node_of(agency.name, municipality)
                keep = np.ones(len(event_persons), dtype=bool)
                wait = 0.0
            elif agency.name in delay:
                node = registers.node_of(agency.name, municipality)
                keep = registers.members[agency.name][event_persons]
                wait = delay[agency.name]
            else:
                continue
            at = event_times[keep] + wait
            inside = (at >= since) & (at < scenario.duration)
            times.append(at[inside])
            nodes.append(node[keep][inside])
            persons.append(event_persons[keep][inside])
    if not times:
        return np.zeros(0), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    times_all, nodes_all, persons_all = map(np.concatenate, (times, nodes, persons))
    order = np.argsort(times_all, kind="stable")
    return times_all[order], nodes_all[order].astype(np.int32), persons_all[order]
