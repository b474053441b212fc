"""Matching one incoming record at a time against a register that changes (interactive use)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from sim.linkage.batch import DEFAULT_SAMPLE_PAIRS, MUSpec, fit_m_u, resolve_m_u
from sim.linkage.blocking import (
    BLOCKING_KEYS,
    DEFAULT_MAX_BLOCK_SIZE,
    BlockingIndex,
    key_columns,
)
from sim.linkage.compare import (
    DEFAULT_BANDS,
    FieldSpec,
    compare_one,
    field_specs,
    level_lookup,
)
from sim.linkage.decision import (
    DEFAULT_AMBIGUITY_MARGIN,
    DEFAULT_LOWER,
    DEFAULT_UPPER,
    check_thresholds,
    decide_best,
)
from sim.linkage.fellegi_sunter import MUParameters
from sim.linkage.records import READING_COLUMN, RecordTable, Vocabulary, normalized_record

INPUT_COLUMNS = ("name", READING_COLUMN, "address", "sex", "birth_date")
QUERY_CACHE_SIZE = 1 << 14  # encoded incoming records kept (oldest dropped first)


class MatchResult(NamedTuple):
    """Outcome of matching one record.

    Attributes:
        decision: "accept", "review" or "reject".
        best_id: id of the highest-weight candidate (None when there was no
            candidate); reported whatever the decision, so act on ``decision``.
        best_weight: its match weight in bits (``-inf`` with no candidate).
        n_candidates: how many register rows shared a blocking key.
    """

    decision: str
    best_id: Hashable | None
    best_weight: float
    n_candidates: int


class Matcher:
    """A register prepared for matching one incoming record at a time.

    Build it with :meth:`Matcher.fit`. The register is normalised and encoded
    once and indexed by blocking key; :meth:`match_one` then only normalises
    the incoming record (cached: the same record asked again costs a dict
    look-up), looks up its candidates and scores them (plain Python for a few
    candidates, array operations for more; see :func:`compare.compare_one`).
    The thresholds ``upper``, ``lower`` and ``ambiguity_margin`` are plain
    attributes and may be changed between calls.
    """

    def __init__(
        self,
        table: RecordTable,
        vocabulary: Vocabulary,
        raw: Mapping[str, list[object]],
        ids: Sequence[Hashable],
        params: MUParameters,
        *,
        reading: bool,
        blocking: Sequence[str],
        max_block_size: int | None,
        upper: float,
        lower: float,
        ambiguity_margin: float,
    ) -> None:
        check_thresholds(upper, lower)
        self._ids = list(ids)
        self._positions = {record_id: i for i, record_id in enumerate(self._ids)}
        if len(self._positions) != len(self._ids):
            raise ValueError("register ids must be unique")
        self._table, self._vocabulary, self._raw = table, vocabulary, dict(raw)
        self._reading, self._blocking = reading, tuple(blocking)
        self._index = BlockingIndex(
            key_columns(table, self._blocking, reading=reading), max_block_size=max_block_size
        )
        self._params = params
        self._weight_lookup = level_lookup(params.fields, params.weights())
        self._queries: dict[tuple, tuple[RecordTable, dict[str, int]]] = {}
        self.upper, self.lower, self.ambiguity_margin = upper, lower, ambiguity_margin

    @classmethod
    def fit(
        cls,
        register: pd.DataFrame,
        id_col: str = "id",
        m_u: MUSpec | None = None,
        sample_pairs: int = DEFAULT_SAMPLE_PAIRS,
        *,
        queries: pd.DataFrame | None = None,
        blocking: Sequence[str] = BLOCKING_KEYS,
        bands: Sequence[float] = DEFAULT_BANDS,
        upper: float = DEFAULT_UPPER,
        lower: float = DEFAULT_LOWER,
        ambiguity_margin: float = DEFAULT_AMBIGUITY_MARGIN,
        max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE,
        seed: int = 0,
    ) -> Matcher:
        """Prepare a register for matching.

        Args:
            register: record table (columns as in :mod:`sim.linkage`) with ids.
            id_col: name of the id column (ids must be unique).
            m_u: ``{field: {level: (m, u)}}`` or :class:`MUParameters`. When
                None, u is estimated from random pairs and m by EM on the
                candidate pairs between ``queries`` and the register; without
                ``queries`` there are no copies of the same people to learn m
                from, so m is ``DEFAULT_M``.
            sample_pairs: EM uses at most this many candidate pairs.
            queries: a sample of incoming records (same columns, no id needed),
                e.g. another agency's copy of the same people.
            blocking, bands, max_block_size: as in :func:`sim.linkage.link`.
            upper, lower, ambiguity_margin: decision thresholds (bits).
            seed: seed of the sampling; fitting is deterministic given it.
        """
        if id_col not in register.columns:
            raise ValueError(f"register has no id column {id_col!r}")
        reading = READING_COLUMN in register.columns
        specs = field_specs(with_reading=reading, bands=bands)
        vocabulary = Vocabulary()
        table = RecordTable.from_frame(register, vocabulary, with_reading=reading)
        if m_u is not None:
            params = resolve_m_u(m_u, specs)
        else:
            params = fit_m_u(
                table,
                vocabulary,
                specs,
                queries=queries,
                blocking=blocking,
                reading=reading,
                max_block_size=max_block_size,
                sample_pairs=sample_pairs,
                seed=seed,
            )
        raw = {
            column: register[column].astype(object).tolist()
            if column in register.columns
            else [None] * len(register)
            for column in INPUT_COLUMNS
        }
        return cls(
            table,
            vocabulary,
            raw,
            register[id_col].tolist(),
            params,
            reading=reading,
            blocking=blocking,
            max_block_size=max_block_size,
            upper=upper,
            lower=lower,
            ambiguity_margin=ambiguity_margin,
        )

    @property
    def m_u(self) -> MUParameters:
        """The m and u probabilities in use (see :meth:`MUParameters.to_frame`)."""
        return self._params

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """The compared fields and their level labels."""
        return self._params.fields

    def __len__(self) -> int:
        return len(self._ids)

    def _encode(self, record: Mapping[str, object], *, grow: bool) -> RecordTable:
        normalized = normalized_record(record, with_reading=self._reading)
        return RecordTable.single(normalized, self._vocabulary, grow=grow)

    def _query(self, record: Mapping[str, object]) -> tuple[RecordTable, dict[str, int]]:
        """The encoded record and its blocking-key codes, cached by the record's values."""
        values = tuple(record.get(column) for column in INPUT_COLUMNS)
        try:
            cached = self._queries.get(values)
        except TypeError:  # an unhashable value: encode without caching
            values, cached = None, None
        if cached is None:
            query = self._encode(record, grow=False)
            keys = key_columns(query, self._blocking, reading=self._reading)
            cached = query, {key: int(code) for key, code in keys.items()}
            if values is not None:
                if len(self._queries) >= QUERY_CACHE_SIZE:
                    del self._queries[next(iter(self._queries))]  # the oldest entry
                self._queries[values] = cached
        return cached

    def _candidates(self, record: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
        query, keys = self._query(record)
        positions = self._index.candidates(keys)
        if len(positions) == 0:
            return positions, np.empty(0)
        weights = compare_one(query, self._table, positions, self.fields, self._weight_lookup)
        return positions, weights.sum(axis=1)

    def score_one(self, record: Mapping[str, object]) -> tuple[list[Hashable], np.ndarray]:
        """Ids of one record's candidates and their match weights (for clerks, attackers)."""
        positions, weights = self._candidates(record)
        return [self._ids[p] for p in positions.tolist()], weights

    def match_one(self, record: Mapping[str, object]) -> MatchResult:
        """Match one incoming record (a mapping with the input columns) to the register."""
        positions, weights = self._candidates(record)
        if len(positions) == 0:
            return MatchResult("reject", None, float("-inf"), 0)
        decision, best = decide_best(weights, self.upper, self.lower, self.ambiguity_margin)
        return MatchResult(
            decision, self._ids[positions[best]], float(weights[best]), len(positions)
        )

    def update(self, record_id: Hashable, record: Mapping[str, object]) -> None:
        """Apply a life event: change a person's record, or add a new person.

        Input columns absent from ``record`` keep their current value (so
        ``{"address": new}`` records a move); for an unknown id the record is
        added as a new register row.
        """
        position = self._positions.get(record_id)
        if position is None:
            merged = {column: record.get(column) for column in INPUT_COLUMNS}
        else:
            merged = {column: self._raw[column][position] for column in INPUT_COLUMNS}
            merged.update({k: v for k, v in record.items() if k in INPUT_COLUMNS})
        known_values = len(self._vocabulary)
        encoded = self._encode(merged, grow=True)
        if len(self._vocabulary) != known_values:
            self._queries.clear()  # cached queries may hold UNKNOWN for a value now known
        if position is None:
            position = self._table.append(encoded)
            keys = key_columns(encoded, self._blocking, reading=self._reading)
            self._index.add({key: [code] for key, code in keys.items()})
            self._positions[record_id] = position
            self._ids.append(record_id)
            for column in INPUT_COLUMNS:
                self._raw[column].append(merged[column])
        else:
            self._table.set_row(position, encoded)
            self._index.update(
                position, key_columns(encoded, self._blocking, reading=self._reading)
            )
            for column in INPUT_COLUMNS:
                self._raw[column][position] = merged[column]
