"""Procedures become timestamped queries: who asks whom, about whom, for what, on what basis.

The workload is drawn once per replication and replayed identically for every
architecture (common random numbers). Insiders' misuse queries
(``sim.privacy.insiders``) join it, marked ``insider``, from a stream of their own.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from sim.population.citizens import Population
from sim.population.registers import Registers
from sim.privacy.insiders import insider_procedure_names, insider_queries
from sim.rng import Streams
from sim.scenario import Scenario
from sim.scenario.sections import Procedure

HOUR = 3600.0
_RESAMPLE_ROUNDS = 30


@dataclass
class Workload:
    """One row per query, sorted by time. A procedure instance fans out into its needs."""

    time: np.ndarray  # float64 seconds
    procedure: np.ndarray  # int16 index into procedure_names
    instance: np.ndarray  # int64 procedure instance id (shared by its queries)
    citizen: np.ndarray  # int64 person the query is about (ground truth)
    requester: np.ndarray  # int32 node asking
    provider: np.ndarray  # int32 node answering
    item: np.ndarray  # int16 index into item_names
    legal_basis: np.ndarray  # bool
    insider: np.ndarray  # bool: an insider's misuse (``sim.privacy.insiders``)
    impostor: np.ndarray  # bool: an impostor's application in the citizen's name
    notice: np.ndarray  # bool: a one-stop notice to another agency (``citizens.one_stop``)
    procedure_names: list[str]
    item_names: list[str]
    _lists: dict[str, list] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.time)

    def parties(self, query: int) -> tuple[int, int, int]:
        """The citizen a query is about, the node asking and the node answering."""
        citizen, requester, provider = self._party_lists
        return citizen[query], requester[query], provider[query]

    @functools.cached_property
    def _party_lists(self) -> tuple[list, list, list]:
        return self.listed("citizen"), self.listed("requester"), self.listed("provider")

    def listed(self, column: str) -> list:
        """A column as a Python list (made once), for reading one query at a time."""
        if column not in self._lists:
            self._lists[column] = getattr(self, column).tolist()
        return self._lists[column]


COLUMN_TYPES = {
    "time": np.float64,
    "procedure": np.int16,
    "instance": np.int64,
    "citizen": np.int64,
    "requester": np.int32,
    "provider": np.int32,
    "item": np.int16,
    "legal_basis": bool,
    "insider": bool,
    "impostor": bool,
    "notice": bool,
}
"""The type of every per-query column of a Workload."""


def arrival_times(
    procedure: Procedure, daily_rate: float, duration: float, rng: np.random.Generator
) -> np.ndarray:
    """Poisson arrivals over ``[0, duration)``, hour by hour along the daily profile."""
    profile = np.asarray(procedure.daily_profile or [1.0] * 24, dtype=float)
    profile = profile / profile.sum()
    hours = int(np.ceil(duration / HOUR))
    starts = np.arange(hours) * HOUR
    widths = np.minimum(HOUR, duration - starts)
    expected = daily_rate * profile[np.arange(hours) % 24] * widths / HOUR
    counts = rng.poisson(expected)
    times = np.repeat(starts, counts) + rng.random(counts.sum()) * np.repeat(widths, counts)
    return np.sort(times)


def _draw_citizens(
    pool: np.ndarray,
    times: np.ndarray,
    population: Population,
    rng: np.random.Generator,
    moved: bool,
) -> np.ndarray:
    """A citizen from ``pool`` for each time, redrawn until alive then (and, if ``moved``,
    having moved before); -1 where none was found."""

    def unfit(persons: np.ndarray, at: np.ndarray) -> np.ndarray:
        bad = ~population.alive_at(persons, at)
        if moved:
            bad |= population.previous_municipality_at(persons, at) < 0
        return bad

    citizens = pool[rng.integers(0, len(pool), len(times))]
    pending = unfit(citizens, times)
    for _ in range(_RESAMPLE_ROUNDS):
        if not pending.any():
            break
        redraw = pool[rng.integers(0, len(pool), int(pending.sum()))]
        citizens[pending] = redraw
        pending[pending] = unfit(redraw, times[pending])
    citizens[pending] = -1
    return citizens


def generate_workload(
    scenario: Scenario, population: Population, registers: Registers, streams: Streams
) -> Workload:
    """Draw every query of one replication from the scenario's procedures.

    The volume follows the represented population (``scenario.population.size``);
    the citizen of each procedure is drawn uniformly from ``population``, the
    citizens simulated, among those eligible (on the registers involved, alive,
    and moved where the case needs it). With ``population.sample`` below 1 the
    workload is not thinned: each simulated citizen stands for
    ``population.scale_factor`` citizens and has that many times their queries.

    With a ``citizens`` section, impostors' applications (``citizens.impersonation``)
    join from a stream of their own, marked ``impostor``, and with
    ``citizens.one_stop`` an application also sends a notice (a query, marked
    ``notice``) to each agency of its procedure's ``one_stop``.
    """
    rng = streams.get("workload")
    citizens = scenario.citizens
    one_stop = citizens is not None and citizens.one_stop
    items = {need.item for p in scenario.procedures for need in p.needs}
    if one_stop:
        items |= {p.notice_item for p in scenario.procedures if p.one_stop}
    item_names = sorted(items)
    item_index = {name: i for i, name in enumerate(item_names)}
    columns: dict[str, list[np.ndarray]] = {key: [] for key in COLUMN_TYPES}
    next_instance = 0
    applying = [p for p in scenario.procedures if p.citizen_applies]
    impostor_rate = citizens.impersonation.rate_per_day if citizens is not None else 0.0
    impostor_rng = streams.get("impostors")
    for p_index, procedure in enumerate(scenario.procedures):
        times = arrival_times(
            procedure, procedure.daily_rate(scenario.population.size), scenario.duration, rng
        )
        impostor_share = impostor_rate / len(applying) if procedure.citizen_applies else 0.0
        impostors = arrival_times(procedure, impostor_share, scenario.duration, impostor_rng)
        for when, draws, impostor in ((times, rng, False), (impostors, impostor_rng, True)):
            rows = _procedure_rows(
                procedure, when, population, registers, draws, one_stop, item_index
            )
            if not rows:
                continue
            count = len(rows.pop("count"))
            rows["procedure"] = np.full(len(rows["time"]), p_index, dtype=np.int16)
            rows["instance"] = next_instance + rows["instance"]
            rows["impostor"] = np.full(len(rows["time"]), impostor)
            next_instance += count
            for key, values in rows.items():
                columns[key].append(values)
    misuse = insider_queries(
        scenario, population, registers, streams.get("insiders"), item_index, next_instance
    )
    if misuse:
        size = len(misuse["time"])
        for key, kind in COLUMN_TYPES.items():
            columns[key].append(misuse.get(key, np.zeros(size, dtype=kind)))
    arrays = {
        key: np.concatenate(columns[key]).astype(kind, copy=False)
        if columns[key]
        else np.zeros(0, dtype=kind)
        for key, kind in COLUMN_TYPES.items()
    }
    order = np.lexsort((arrays["instance"], arrays["time"]))
    return Workload(
        **{key: value[order] for key, value in arrays.items()},
        procedure_names=[p.name for p in scenario.procedures] + insider_procedure_names(scenario),
        item_names=item_names,
    )


def _procedure_rows(
    procedure: Procedure,
    times: np.ndarray,
    population: Population,
    registers: Registers,
    rng: np.random.Generator,
    one_stop: bool,
    item_index: dict[str, int],
) -> dict[str, np.ndarray]:
    """The queries of one procedure's applications at ``times`` (instances numbered from 0).

    Empty when there is no time or no eligible citizen; ``count`` holds one
    entry per application.
    """
    involved = [procedure.requester, *(need.provider for need in procedure.needs)]
    pool = np.flatnonzero(registers.eligible([*involved, *procedure.one_stop], population.size))
    moved = procedure.requester_municipality == "previous" or any(
        need.municipality == "previous" for need in procedure.needs
    )
    if moved:
        pool = np.intersect1d(pool, population.events.moves.persons)
    if len(times) == 0 or len(pool) == 0:
        return {}
    citizens = _draw_citizens(pool, times, population, rng, moved)
    keep = citizens >= 0
    times, citizens = times[keep], citizens[keep].astype(np.int64)
    municipality = {
        "residence": population.municipality_at(citizens, times),
        "previous": population.previous_municipality_at(citizens, times) if moved else None,
    }
    requester = registers.node_of(
        procedure.requester, municipality[procedure.requester_municipality]
    )
    asks = [(n.provider, n.item, n.legal_basis, n.municipality, False) for n in procedure.needs]
    if one_stop:
        notice = procedure.notice_item
        asks += [(agency, notice, True, "residence", True) for agency in procedure.one_stop]
    size = len(times)
    rows: dict[str, list[np.ndarray]] = {key: [] for key in _ROW_KEYS}
    for provider, item, legal_basis, office, is_notice in asks:
        rows["time"].append(times)
        rows["instance"].append(np.arange(size, dtype=np.int64))
        rows["citizen"].append(citizens)
        rows["requester"].append(requester)
        rows["provider"].append(registers.node_of(provider, municipality[office]))
        rows["item"].append(np.full(size, item_index[item], dtype=np.int16))
        rows["legal_basis"].append(np.full(size, legal_basis))
        rows["insider"].append(np.zeros(size, dtype=bool))
        rows["notice"].append(np.full(size, is_notice))
    joined = {key: np.concatenate(values) for key, values in rows.items()}
    joined["count"] = times
    return joined


_ROW_KEYS = (
    "time",
    "instance",
    "citizen",
    "requester",
    "provider",
    "item",
    "legal_basis",
    "insider",
    "notice",
)
