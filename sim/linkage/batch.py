"""Batch linkage of two record tables: block, compare, weigh, decide."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim.linkage.blocking import (
    BLOCKING_KEYS,
    DEFAULT_MAX_BLOCK_SIZE,
    candidate_pairs,
    key_columns,
)
from sim.linkage.compare import DEFAULT_BANDS, FieldSpec, compare, field_specs
from sim.linkage.decision import DEFAULT_LOWER, DEFAULT_UPPER, check_thresholds, decide
from sim.linkage.fellegi_sunter import (
    MUParameters,
    default_m,
    estimate_em,
    level_frequencies,
    score,
)
from sim.linkage.records import READING_COLUMN, RecordTable, Vocabulary

MUSpec = MUParameters | Mapping[str, Mapping[str, tuple[float, float]]]
CHUNK_PAIRS = 200_000
DEFAULT_RANDOM_PAIRS = 20_000
DEFAULT_SAMPLE_PAIRS = 500_000


def compare_pairs(
    a: RecordTable,
    b: RecordTable,
    left: np.ndarray,
    right: np.ndarray,
    specs: Sequence[FieldSpec],
) -> np.ndarray:
    """Comparison levels of pairs ``(a[left[i]], b[right[i]])``, in chunks to bound memory."""
    levels = np.empty((len(left), len(specs)), dtype=np.int8)
    for start in range(0, len(left), CHUNK_PAIRS):
        part = slice(start, start + CHUNK_PAIRS)
        levels[part] = compare(a, left[part], b, right[part], specs)
    return levels


def resolve_m_u(m_u: MUSpec, specs: Sequence[FieldSpec]) -> MUParameters:
    """Caller-given parameters, checked against the compared fields and levels."""
    if isinstance(m_u, MUParameters):
        m_u = m_u.to_dict()
    return MUParameters.from_dict(m_u, specs)


def random_pairs_u(
    a: RecordTable,
    b: RecordTable,
    specs: Sequence[FieldSpec],
    *,
    draws: int = DEFAULT_RANDOM_PAIRS,
    seed: int = 0,
) -> tuple[np.ndarray, ...]:
    """u per field: the level frequencies of random pairs (nearly all non-matches)."""
    rng = np.random.default_rng(seed)
    n_a, n_b = len(a), len(b)
    left, right = rng.integers(n_a, size=draws), rng.integers(n_b, size=draws)
    return level_frequencies(compare_pairs(a, b, left, right, specs), specs)


def estimate_m_u(
    a: RecordTable,
    b: RecordTable,
    pairs: tuple[np.ndarray, np.ndarray],
    specs: Sequence[FieldSpec],
    *,
    sample_pairs: int = DEFAULT_SAMPLE_PAIRS,
    seed: int = 0,
    levels: np.ndarray | None = None,
) -> MUParameters:
    """u from random pairs, then m by EM over (a sample of) the candidate pairs.

    Args:
        a, b: the two encoded tables.
        pairs: candidate pairs as (positions in a, positions in b).
        specs: the compared fields.
        sample_pairs: EM sees at most this many candidate pairs (a seeded sample).
        seed: seed of the sampling; the result is deterministic given it.
        levels: comparison levels of ``pairs``, if already computed.
    """
    u = random_pairs_u(a, b, specs, seed=seed)
    left, right = pairs
    if len(left) == 0:
        seeds = tuple(default_m(spec) for spec in specs)
        return MUParameters(tuple(specs), seeds, u, None, "seed-fallback", 0)
    chosen = np.arange(len(left))
    if len(left) > sample_pairs:
        rng = np.random.default_rng([seed, 1])
        chosen = np.sort(rng.choice(len(left), size=sample_pairs, replace=False))
    if levels is None:
        levels = compare_pairs(a, b, left[chosen], right[chosen], specs)
    else:
        levels = levels[chosen]
    n_a, n_b = len(a), len(b)
    return estimate_em(
        levels,
        specs,
        u=u,
        n_candidates=len(left),
        n_pairs=n_a * n_b,
        match_share_start=min(n_a, n_b) / len(left),
    )


def fit_m_u(
    register: RecordTable,
    vocabulary: Vocabulary,
    specs: Sequence[FieldSpec],
    *,
    queries: pd.DataFrame | RecordTable | None,
    blocking: Sequence[str],
    reading: bool,
    max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE,
    sample_pairs: int = DEFAULT_SAMPLE_PAIRS,
    seed: int = 0,
) -> MUParameters:
    """m and u for matching records like ``queries`` against an encoded register.

    u is estimated from random pairs and m by EM on the candidate pairs between
    ``queries`` (e.g. another agency's copies of some of the same people, as a
    record frame or already encoded with ``vocabulary``) and the register; without
    ``queries`` there are no copies of the same people to learn m from, so m is
    the default.
    """
    if queries is None:
        u = random_pairs_u(register, register, specs, seed=seed)
        return MUParameters(tuple(specs), tuple(default_m(s) for s in specs), u, source="default-m")
    incoming = queries
    if isinstance(queries, pd.DataFrame):
        incoming = RecordTable.from_frame(queries, vocabulary, with_reading=reading, grow=False)
    pairs = candidate_pairs(
        key_columns(incoming, blocking, reading=reading),
        key_columns(register, blocking, reading=reading),
        max_block_size=max_block_size,
    )
    return estimate_m_u(incoming, register, pairs, specs, sample_pairs=sample_pairs, seed=seed)


def link(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    left_id: str = "id",
    right_id: str = "id",
    blocking: Sequence[str] = BLOCKING_KEYS,
    m_u: MUSpec | None = None,
    upper: float = DEFAULT_UPPER,
    lower: float = DEFAULT_LOWER,
    bands: Sequence[float] = DEFAULT_BANDS,
    max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE,
    sample_pairs: int = DEFAULT_SAMPLE_PAIRS,
    seed: int = 0,
) -> pd.DataFrame:
    """Link two record tables; one row per candidate pair.

    Args:
        left, right: record tables with columns ``name``, ``address``, ``sex``,
            ``birth_date`` and optionally ``name_reading`` (see
            :mod:`sim.linkage`), plus an id column each.
        left_id, right_id: names of the id columns.
        blocking: blocking keys (from ``BLOCKING_KEYS``); candidate pairs are
            the pairs agreeing on at least one of them.
        m_u: ``{field: {level: (m, u)}}`` or :class:`MUParameters`; None
            estimates them: u from random pairs, m by EM on the candidate pairs.
        upper, lower: weight thresholds: ``>= upper`` accept, ``< lower``
            reject, between review. Each pair is decided on its own.
        bands: Jaro–Winkler similarity bands for the string fields.
        max_block_size: skip blocking-key values shared by more records.
        sample_pairs: EM uses at most this many candidate pairs.
        seed: seed for EM's sampling (results are deterministic given it).

    Returns:
        DataFrame with columns ``left_id``, ``right_id``, ``weight`` (bits),
        ``decision`` ("accept"/"review"/"reject") and one categorical column
        per compared field holding its comparison level. The parameters used
        are in ``result.attrs["m_u"]`` (a :class:`MUParameters`).
    """
    check_thresholds(upper, lower)
    for frame, column, side in ((left, left_id, "left"), (right, right_id, "right")):
        if column not in frame.columns:
            raise ValueError(f"{side} table has no id column {column!r}")
    reading = READING_COLUMN in left.columns and READING_COLUMN in right.columns
    specs = field_specs(with_reading=reading, bands=bands)
    vocabulary = Vocabulary()
    a = RecordTable.from_frame(left, vocabulary, with_reading=reading)
    b = RecordTable.from_frame(right, vocabulary, with_reading=reading)
    pairs = candidate_pairs(
        key_columns(a, blocking, reading=reading),
        key_columns(b, blocking, reading=reading),
        max_block_size=max_block_size,
    )
    levels = compare_pairs(a, b, *pairs, specs)
    if m_u is None:
        params = estimate_m_u(
            a,
            b,
            pairs,
            specs,
            sample_pairs=sample_pairs,
            seed=seed,
            levels=levels,
        )
    else:
        params = resolve_m_u(m_u, specs)
    weights = score(levels, params.weights())
    result = pd.DataFrame(
        {
            "left_id": left[left_id].to_numpy()[pairs[0]],
            "right_id": right[right_id].to_numpy()[pairs[1]],
            "weight": weights,
            "decision": decide(weights, upper, lower),
        }
    )
    for j, spec in enumerate(specs):
        result[spec.name] = pd.Categorical.from_codes(levels[:, j], categories=spec.levels)
    result.attrs["m_u"] = params
    return result


def precision_recall(pairs: pd.DataFrame, truth: set[tuple]) -> dict[str, float]:
    """Precision and recall of a :func:`link` result against the true matches.

    Args:
        pairs: a :func:`link` result (columns ``left_id``, ``right_id``, ``decision``).
        truth: the true matches as ``(left_id, right_id)`` tuples.

    Returns:
        ``precision``/``recall`` of the accepted pairs, ``precision_with_review``/
        ``recall_with_review`` of accepted and reviewed pairs taken together
        (what a clerk who confirms every true reviewed pair reaches at best, in
        recall), ``blocking_recall`` (share of
        true matches among the candidate pairs), and the counts ``accepted``,
        ``reviewed``, ``candidates`` and ``true_matches``. Precision is NaN
        when nothing was accepted; recall is NaN when ``truth`` is empty.
    """
    keys = list(zip(pairs["left_id"].tolist(), pairs["right_id"].tolist(), strict=True))
    is_true = np.array([key in truth for key in keys], dtype=bool)
    decision = pairs["decision"].to_numpy()
    accepted = decision == "accept"
    kept = accepted | (decision == "review")

    def share(numerator: int, denominator: int) -> float:
        return numerator / denominator if denominator else float("nan")

    return {
        "precision": share(int((accepted & is_true).sum()), int(accepted.sum())),
        "recall": share(int((accepted & is_true).sum()), len(truth)),
        "precision_with_review": share(int((kept & is_true).sum()), int(kept.sum())),
        "recall_with_review": share(int((kept & is_true).sum()), len(truth)),
        "blocking_recall": share(int(is_true.sum()), len(truth)),
        "accepted": int(accepted.sum()),
        "reviewed": int((decision == "review").sum()),
        "candidates": len(keys),
        "true_matches": len(truth),
    }
