"""Matching many incoming records at once, each against a register as it stood at a time.

Registers change during a run: people move, marry, are born. A
:class:`VersionedRegisters` table holds every record every register held, each
row valid from ``valid_from`` until the register recorded a newer copy of the
same person (``valid_until``). :func:`match_versioned` matches each incoming
record against the rows of its register valid at its time, for all records in
array operations: block (on the blocking keys within the register), compare,
weigh with the register's m and u, and decide on the best candidate exactly as
:meth:`Matcher.match_one` decides (same thresholds, same ambiguity rule). A
request made again (the same record sent to the same register) is blocked,
compared and weighed once; each record then keeps the candidates valid at its
own time.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.linkage.batch import CHUNK_PAIRS, compare_pairs
from sim.linkage.blocking import DEFAULT_MAX_BLOCK_SIZE, SortedBlocks, key_columns
from sim.linkage.fellegi_sunter import MUParameters, score
from sim.linkage.records import READING_COLUMN, RecordTable, Vocabulary

ACCEPT, REVIEW, REJECT = 0, 1, 2
CHUNK_REQUESTS = 30_000  # requests matched together (bounds the candidate pairs held)
DECISION_NAMES = ("accept", "review", "reject")


@dataclass
class VersionedRegisters:
    """Every copy of a record any register held, with when it held it.

    Rows are sorted by register, person (``frame["id"]``) and ``valid_from``.
    """

    frame: pd.DataFrame
    register: np.ndarray
    person: np.ndarray
    valid_from: np.ndarray
    valid_until: np.ndarray
    _encoded: tuple[RecordTable, Vocabulary] | None = field(default=None, repr=False)

    @classmethod
    def from_history(
        cls,
        initial: Sequence[pd.DataFrame],
        updates: pd.DataFrame,
        update_times: np.ndarray,
        update_registers: np.ndarray,
    ) -> VersionedRegisters:
        """Registers from their contents at the start and the copies recorded later.

        ``initial[k]`` is register k at the start (valid from the beginning of
        time); each update row is a new copy recorded by ``update_registers[i]``
        at ``update_times[i]``, replacing that person's earlier copy there.
        """
        sizes = [len(frame) for frame in initial]
        register = np.concatenate(
            [np.repeat(np.arange(len(initial)), sizes), np.asarray(update_registers)]
        ).astype(np.int64)
        valid_from = np.concatenate([np.full(sum(sizes), -np.inf), np.asarray(update_times)])
        frame = pd.concat([*initial, updates], ignore_index=True)
        person = frame["id"].to_numpy(np.int64)
        order = np.lexsort((valid_from, person, register))
        register, person, valid_from = register[order], person[order], valid_from[order]
        same_entry = (register[1:] == register[:-1]) & (person[1:] == person[:-1])
        valid_until = np.full(len(order), np.inf)
        valid_until[:-1][same_entry] = valid_from[1:][same_entry]
        frame = frame.iloc[order].reset_index(drop=True)
        return cls(frame, register, person, valid_from, valid_until)

    def __len__(self) -> int:
        return len(self.register)

    @functools.cached_property
    def reading(self) -> bool:
        """Whether the records carry a name reading."""
        return READING_COLUMN in self.frame.columns

    @property
    def encoded(self) -> tuple[RecordTable, Vocabulary]:
        """Every row normalised and encoded once, with the vocabulary of its codes."""
        if self._encoded is None:
            self.encode_with([])
        return self._encoded

    def encode_with(self, others: Sequence[pd.DataFrame]) -> list[RecordTable]:
        """Encode other record tables in the same pass as the registers' rows; theirs.

        A value they share with the registers (most of them, for other copies of
        the same people) is normalised once. The registers' rows come first, so
        their codes are those :attr:`encoded` alone would give, which this sets; a
        value that only the others hold gets a code no register row has.
        """
        frames = [self.frame, *others]
        vocabulary = Vocabulary()
        together = RecordTable.from_frame(
            pd.concat(frames, ignore_index=True) if others else self.frame,
            vocabulary,
            with_reading=self.reading,
        )
        ends = np.cumsum([len(frame) for frame in frames]).tolist()
        tables = [
            together.rows(end - len(frame), end) for frame, end in zip(frames, ends, strict=True)
        ]
        self._encoded = (tables[0], vocabulary)
        return tables[1:]

    def initial_rows(self, register: int) -> np.ndarray:
        """The rows register ``register`` held at the start."""
        return np.flatnonzero((self.register == register) & (self.valid_from == -np.inf))

    def find(self, registers: np.ndarray, persons: np.ndarray, times: np.ndarray) -> np.ndarray:
        """The row of each (register, person) valid at each time (-1: not on that register)."""
        span = int(self.person.max(initial=0)) + 1
        keys = self.register * span + self.person
        wanted = np.asarray(registers, dtype=np.int64) * span + np.asarray(persons)
        first = np.searchsorted(keys, wanted, side="left")
        row = np.searchsorted(keys, wanted, side="right") - 1
        times = np.asarray(times, dtype=float)
        # Step back over the copies recorded after each time (a person has few).
        too_late = (row >= first) & (self.valid_from[np.maximum(row, 0)] > times)
        while too_late.any():
            row[too_late] -= 1
            too_late = (row >= first) & (self.valid_from[np.maximum(row, 0)] > times)
        return np.where(row >= first, row, -1)


@dataclass
class VersionedMatches:
    """What matching each incoming record found.

    Attributes:
        decision: ACCEPT, REVIEW or REJECT per incoming record (REJECT with no candidate).
        best: the person of the highest-weight candidate (-1: no candidate).
        best_weight: its weight in bits (-inf: no candidate).
        candidates: how many register rows shared a blocking key and were valid then.
        pair_record, pair_person, pair_weight: the valid candidates of every record
            sent for review, sorted by record, then weight (highest first): what a
            clerk reviews.
    """

    decision: np.ndarray
    best: np.ndarray
    best_weight: np.ndarray
    candidates: np.ndarray
    pair_record: np.ndarray
    pair_person: np.ndarray
    pair_weight: np.ndarray

    def pairs_of(self, record: int) -> tuple[np.ndarray, np.ndarray]:
        """The candidates (persons) of a record sent for review and their weights, best first."""
        start, stop = np.searchsorted(self.pair_record, [record, record + 1])
        return self.pair_person[start:stop], self.pair_weight[start:stop]


def match_versioned(
    registers: VersionedRegisters,
    incoming: pd.DataFrame | np.ndarray,
    register_of: np.ndarray,
    times: np.ndarray,
    params: Sequence[MUParameters],
    params_of_register: np.ndarray,
    *,
    blocking: Sequence[str],
    upper: float,
    lower: float,
    ambiguity_margin: float,
    max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE,
) -> VersionedMatches:
    """Match incoming record i against register ``register_of[i]`` as at ``times[i]``.

    ``incoming`` is a record table, or the rows of ``registers`` that are the
    incoming records (one register's copy sent to another: encoded only once).

    ``params[params_of_register[k]]`` are the m and u of register k (all with the
    same fields). A key value shared by more than ``max_block_size`` rows of a
    register is skipped for that register, as :class:`BlockingIndex` skips it.
    """
    if len(incoming) == 0:
        nothing = np.zeros(0, dtype=np.int64)
        return _decide(0, 0, nothing, nothing, np.zeros(0), upper, lower, ambiguity_margin)
    reading = registers.reading
    right, vocabulary = registers.encoded
    if isinstance(incoming, pd.DataFrame):
        reading = reading and READING_COLUMN in incoming.columns
        left = RecordTable.from_frame(incoming, vocabulary, with_reading=reading, grow=False)
        sources = np.arange(len(left))
    else:  # incoming record i is row sources[i] of the registers
        sources = np.asarray(incoming)
        left = right
    register_of = np.asarray(register_of)
    left_keys = {
        key: codes.take(sources)
        for key, codes in key_columns(left, blocking, reading=reading).items()
    }
    right_keys = key_columns(right, blocking, reading=reading)
    for key in blocking:
        left_keys[key], right_keys[key] = _within_register(
            left_keys[key], register_of, right_keys[key], registers.register
        )
    times = np.asarray(times, dtype=float)
    tables = np.stack([parameters.weights() for parameters in params])
    which_params = np.asarray(params_of_register)
    blocks = SortedBlocks(right_keys, max_block_size)
    order, starts = _by_request(sources, register_of)
    nothing = np.zeros(0, dtype=np.int64)  # to start from: every record rejected, no candidate
    out = _decide(0, len(sources), nothing, nothing, np.zeros(0), upper, lower, ambiguity_margin)
    reviewed = []  # the candidates of records sent for review, per chunk
    for start in range(0, len(starts) - 1, CHUNK_REQUESTS):
        stop = min(start + CHUNK_REQUESTS, len(starts) - 1)
        asked = order.take(starts[start:stop])  # one record of each request
        request, row = blocks.candidate_pairs(
            {k: codes.take(asked) for k, codes in left_keys.items()}
        )
        levels = compare_pairs(
            left, right, sources.take(asked.take(request)), row, params[0].fields
        )
        which = which_params.take(registers.register.take(row))
        weight = np.empty(len(row))
        for part in range(0, len(row), CHUNK_PAIRS):  # bounds the look-up's temporaries
            pairs = slice(part, part + CHUNK_PAIRS)
            weight[pairs] = score(levels[pairs], tables, which[pairs])
        # Every record of these requests: its request's candidates valid at its time.
        records = order[starts[start] : starts[stop]]
        record, pair = _pairs_of_records(request, np.diff(starts[start : stop + 1]))
        at = times.take(records).take(record)  # (``take`` gathers faster than indexing)
        candidate = row.take(pair)
        valid = (registers.valid_from.take(candidate) <= at) & (
            at < registers.valid_until.take(candidate)
        )
        person = registers.person.take(candidate[valid])
        found = _decide(
            0,
            len(records),
            record[valid],
            person,
            weight.take(pair[valid]),
            upper,
            lower,
            ambiguity_margin,
        )
        out.decision[records], out.best[records] = found.decision, found.best
        out.best_weight[records], out.candidates[records] = found.best_weight, found.candidates
        reviewed.append((records.take(found.pair_record), found.pair_person, found.pair_weight))
    record, person, weight = map(np.concatenate, zip(*reviewed, strict=True))
    by_record = np.argsort(record, kind="stable")  # each record's candidates stay best first
    out.pair_record, out.pair_person = record[by_record], person[by_record]
    out.pair_weight = weight[by_record]
    return out


def _by_request(sources: np.ndarray, register_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The incoming records grouped by request: the same record sent to the same register.

    A repeated request has the same candidates with the same weights; only which of
    them were valid at its time differs. So each request is blocked, compared and
    weighed once. Returns the records in request order (``order``) and where each
    request starts in it (``starts``, one more than there are requests).
    """
    key = sources.astype(np.int64) * (int(register_of.max(initial=0)) + 1) + register_of
    request, distinct = pd.factorize(key)  # numbered in the order they first come
    order = np.argsort(request, kind="stable")
    starts = np.searchsorted(request.take(order), np.arange(len(distinct) + 1))
    return order, starts


def _pairs_of_records(
    request: np.ndarray, records_per_request: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every record's candidate pairs: its request's.

    ``request`` is the request of each pair (sorted); the records are numbered in
    request order, ``records_per_request`` of each. Returns (record, pair) for each
    pair of each record, sorted by record, then pair.
    """
    requests = len(records_per_request)
    request_of = np.repeat(np.arange(requests), records_per_request)
    bounds = np.searchsorted(request, np.arange(requests + 1))
    count = np.diff(bounds).take(request_of)  # pairs of each record
    record = np.repeat(np.arange(len(request_of)), count)
    offset = bounds.take(request_of) - (np.cumsum(count) - count)  # first pair - first slot
    return record, np.arange(len(record)) + np.repeat(offset, count)


def _within_register(
    left: np.ndarray, left_register: np.ndarray, right: np.ndarray, right_register: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Key codes made distinct per register (dense, so blocks stay small arrays)."""
    combined = np.concatenate([left, right]).astype(np.int64)
    registers = np.concatenate([left_register, right_register]).astype(np.int64)
    present = combined >= 0
    codes = np.full(len(combined), -1, dtype=np.int64)
    pairs = combined[present] * (int(registers.max(initial=0)) + 1) + registers[present]
    codes[present] = np.unique(pairs, return_inverse=True)[1]
    return codes[: len(left)], codes[len(left) :]


def _decide(
    start: int,
    size: int,
    record: np.ndarray,
    person: np.ndarray,
    weight: np.ndarray,
    upper: float,
    lower: float,
    margin: float,
) -> VersionedMatches:
    """Decisions of records ``start .. start+size-1`` from their candidates (sorted by
    record, then register row). Of tied candidates the first is the best, as a stable
    sort by weight would make it. Only the candidates of records sent for review are
    kept, sorted best first (the rest are never sorted)."""
    local = record - start
    candidates = np.bincount(local, minlength=size)
    has = candidates > 0
    first = (np.cumsum(candidates) - candidates)[has]  # each record's first candidate
    top = np.full(size, -np.inf)
    second = np.full(size, -np.inf)
    best = np.full(size, -1, dtype=np.int64)
    if len(weight):
        top[has] = np.maximum.reduceat(weight, first)
        position = np.arange(len(weight))
        best_at = np.minimum.reduceat(np.where(weight == top[local], position, len(weight)), first)
        others = weight.copy()
        others[best_at] = -np.inf
        second[has] = np.maximum.reduceat(others, first)
        best[has] = person[best_at]
    gap = np.full(size, np.inf)
    two = candidates > 1
    gap[two] = top[two] - second[two]
    decision = np.full(size, REJECT, dtype=np.int8)
    decision[has & (top >= lower)] = REVIEW
    ambiguous = (second >= upper) & (gap < margin)
    decision[has & (top >= upper) & ~ambiguous] = ACCEPT
    kept = np.flatnonzero(decision[local] == REVIEW)
    kept = kept[np.lexsort((-weight[kept], record[kept]))]
    return VersionedMatches(
        decision, best, top, candidates, record[kept], person[kept], weight[kept]
    )
