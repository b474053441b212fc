"""Fellegi–Sunter weights: m and u probabilities per field and level, and EM.

For a field at comparison level ``l``, ``m = P(l | same person)`` and
``u = P(l | different people)``; the pair's match weight is the sum over fields
of ``log2(m / u)`` (a missing field adds 0). The probabilities are either given
by the caller (:meth:`MUParameters.from_dict`) or estimated: u from the level
frequencies of random pairs (almost all non-matches), then m and the match
share by :func:`estimate_em`, the two-class EM over the comparison vectors of
the candidate pairs (fields independent within each class), seeded with
:data:`DEFAULT_M` and corrected for the blocking that selected those pairs.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.linkage.compare import FieldSpec

# Seed m probabilities by field kind and level: a few percent of names written
# differently (typo, variant kanji, other transcription), about one address in
# ten out of date (people move), dates and sex rarely wrong. The jw>= bands
# share the "similar" mass, halving from one band to the next. These only
# start EM, or stand in for m when no matching pairs are available to learn from.
DEFAULT_M: Mapping[str, Mapping[str, float]] = {
    "name": {"exact": 0.85, "normalized": 0.04, "reading": 0.03, "similar": 0.05, "disagree": 0.03},
    "address": {
        "exact": 0.75,
        "normalized": 0.05,
        "similar": 0.06,
        "municipality": 0.04,
        "disagree": 0.10,
    },
    "sex": {"exact": 0.98, "disagree": 0.02},
    "date": {"exact": 0.94, "near": 0.04, "disagree": 0.02},
}


class LinkageWarning(UserWarning):
    """EM gave a doubtful answer; the message says what and what was used instead."""


def default_m(spec: FieldSpec) -> np.ndarray:
    """Seed m probabilities of one field, indexed by level (index 0, missing, is NaN)."""
    table = DEFAULT_M[spec.kind]
    similar = [label for label in spec.levels if label.startswith("jw>=")]
    shares = 0.5 ** np.arange(len(similar))
    m = np.full(len(spec.levels), np.nan)
    for level, label in enumerate(spec.levels[1:], start=1):
        if label in similar:
            m[level] = table["similar"] * shares[similar.index(label)] / shares.sum()
        else:
            m[level] = table[label]
    m[1:] /= m[1:].sum()
    return m


def level_frequencies(
    levels: np.ndarray, specs: Sequence[FieldSpec], pseudo_count: float = 1.0
) -> tuple[np.ndarray, ...]:
    """Share of each non-missing level per field (index 0 is NaN), smoothed."""
    shares = []
    for j, spec in enumerate(specs):
        counts = np.bincount(levels[:, j], minlength=len(spec.levels)).astype(float)
        counts[1:] += pseudo_count
        share = np.full(len(spec.levels), np.nan)
        share[1:] = counts[1:] / counts[1:].sum()
        shares.append(share)
    return tuple(shares)


@dataclass(frozen=True)
class MUParameters:
    """m and u probabilities per field and level, and the weights they give.

    Attributes:
        fields: the compared fields (names and level labels).
        m, u: one array per field, indexed by level; index 0 (missing) is NaN.
        prior: EM's estimate of the share of candidate pairs that are matches
            (None when the parameters were not estimated by EM).
        source: ``"given"``, ``"em"``, ``"default-m"`` (u estimated, m from
            :data:`DEFAULT_M`) or ``"seed-fallback"`` (EM degenerated).
        iterations: EM iterations run (0 when not estimated by EM).
    """

    fields: tuple[FieldSpec, ...]
    m: tuple[np.ndarray, ...]
    u: tuple[np.ndarray, ...]
    prior: float | None = None
    source: str = "given"
    iterations: int = 0

    def weights(self) -> np.ndarray:
        """``log2(m / u)`` as a (fields × max levels) table; missing and padding are 0."""
        table = np.zeros((len(self.fields), max(len(s.levels) for s in self.fields)))
        for j, (m, u) in enumerate(zip(self.m, self.u, strict=True)):
            table[j, 1 : len(m)] = np.log2(m[1:] / u[1:])
        return table

    def to_dict(self) -> dict[str, dict[str, tuple[float, float]]]:
        """``{field: {level: (m, u)}}``, the form :meth:`from_dict` accepts."""
        return {
            spec.name: {
                label: (float(m[level]), float(u[level]))
                for level, label in enumerate(spec.levels)
                if level
            }
            for spec, m, u in zip(self.fields, self.m, self.u, strict=True)
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per field and level with m, u and weight (bits)."""
        rows = [
            (field, level, m, u, float(np.log2(m / u)))
            for field, levels in self.to_dict().items()
            for level, (m, u) in levels.items()
        ]
        return pd.DataFrame(rows, columns=["field", "level", "m", "u", "weight"])

    @classmethod
    def from_dict(
        cls, table: Mapping[str, Mapping[str, tuple[float, float]]], fields: Sequence[FieldSpec]
    ) -> MUParameters:
        """Parameters given by the caller as ``{field: {level: (m, u)}}``.

        Every compared field and every non-missing level must be present and
        each probability must lie in (0, 1]; fields not compared are ignored.
        """
        ms, us = [], []
        for spec in fields:
            given = table.get(spec.name)
            needed = spec.levels[1:]
            if given is None or any(label not in given for label in needed):
                raise ValueError(
                    f"m_u[{spec.name!r}] must give (m, u) for each level {list(needed)}; "
                    f"got {None if given is None else list(given)}"
                )
            m = np.full(len(spec.levels), np.nan)
            u = np.full(len(spec.levels), np.nan)
            for level, label in enumerate(needed, start=1):
                m[level], u[level] = given[label]
            if not (np.all((m[1:] > 0) & (m[1:] <= 1)) and np.all((u[1:] > 0) & (u[1:] <= 1))):
                raise ValueError(
                    f"m_u[{spec.name!r}]: probabilities must be in (0, 1], got {given}"
                )
            ms.append(m)
            us.append(u)
        return cls(tuple(fields), tuple(ms), tuple(us))


def score(levels: np.ndarray, weights: np.ndarray, which: np.ndarray | None = None) -> np.ndarray:
    """Match weight of each comparison vector: the row sums of looked-up weights.

    ``weights`` is a (fields × levels) table, or a stack of such tables with
    ``which`` giving the table of each vector (e.g. its register's m and u).
    """
    fields, width = levels.shape[1], weights.shape[-1]
    index = levels + np.arange(0, fields * width, width)
    if which is not None:
        index += (which * (fields * width))[:, None]
    return weights.ravel()[index].sum(axis=1)


def _patterns(levels: np.ndarray, specs: Sequence[FieldSpec]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct comparison vectors and how often each occurs (sorted, deterministic)."""
    radix = np.array([len(spec.levels) for spec in specs], dtype=np.int64)
    stride = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]])
    counts = np.bincount(levels.astype(np.int64) @ stride, minlength=int(radix.prod()))
    codes = np.flatnonzero(counts)
    return (codes[:, None] // stride) % radix, counts[codes].astype(float)


def _log_likelihood(patterns: np.ndarray, probabilities: Sequence[np.ndarray]) -> np.ndarray:
    total = np.zeros(len(patterns))
    for j, p in enumerate(probabilities):
        logs = np.log(p)
        logs[0] = 0.0
        total += logs[patterns[:, j]]
    return total


def _m_step(patterns, weights, specs, pseudo_count) -> list[np.ndarray]:
    out = []
    for j, spec in enumerate(specs):
        mass = np.bincount(patterns[:, j], weights=weights, minlength=len(spec.levels))
        mass[1:] += pseudo_count
        p = np.full(len(spec.levels), np.nan)
        p[1:] = mass[1:] / mass[1:].sum()
        out.append(p)
    return out


def estimate_em(
    levels: np.ndarray,
    specs: Sequence[FieldSpec],
    *,
    u: Sequence[np.ndarray],
    n_candidates: int,
    n_pairs: int,
    match_share_start: float,
    max_iterations: int = 1000,
    tolerance: float = 1e-7,
    pseudo_count: float = 1.0,
) -> MUParameters:
    """Estimate m and the match share from candidate-pair comparison vectors.

    The candidate pairs are not a random sample of pairs: they were selected
    for agreeing on a blocking key, so among them the non-matches agree far
    more often than ``u`` says and their fields are no longer independent.
    Updating u on them lets EM mistake "shares a blocking key" for "same
    person". So u is held at the random-pair estimate and the selection is
    modelled instead (EM for a truncated sample): the posterior of a pair uses
    the share of matches among *all* pairs, ``matches / n_pairs``, where the
    expected number of matches is the match share of the candidates times
    ``n_candidates`` (blocking is assumed to keep nearly every match).

    Args:
        levels: comparison levels, shape (pairs, fields), from :func:`compare`.
        specs: the compared fields.
        u: u per field, e.g. :func:`level_frequencies` of random pairs.
        n_candidates: number of candidate pairs (``levels`` may be a sample).
        n_pairs: number of all pairs (left rows × right rows).
        match_share_start: seed share of matches among the candidate pairs.
        max_iterations, tolerance: stop when no probability moves more than
            ``tolerance`` or after ``max_iterations``.
        pseudo_count: added to every level's expected count in each M-step so
            no m reaches 0 (no infinite weights).

    Guards: if EM puts less than one pair (or all but one) in the match class
    it is degenerate, and the seed m is returned with a :class:`LinkageWarning`;
    a field whose exact agreement comes out no likelier among matches than
    among non-matches is named in a warning. Deterministic given the input.
    """
    patterns, counts = _patterns(levels, specs)
    n_seen = counts.sum()
    u = tuple(np.asarray(share, dtype=float) for share in u)
    log_u = _log_likelihood(patterns, u)
    m = [default_m(spec) for spec in specs]
    share = float(np.clip(match_share_start, 1e-6, 0.5))
    iteration = 0
    while iteration < max_iterations:
        iteration += 1
        prior = np.clip(share * n_candidates / n_pairs, 1e-15, 0.5)  # matches among all pairs
        log_odds = np.log(prior / (1 - prior)) + _log_likelihood(patterns, m) - log_u
        match = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))
        new_m = _m_step(patterns, counts * match, specs, pseudo_count)
        new_share = float((counts * match).sum() / n_seen)
        change = max(
            abs(new_share - share) / max(share, 1e-12),
            *(np.nanmax(np.abs(a - b)) for a, b in zip(new_m, m, strict=True)),
        )
        m, share = new_m, new_share
        if change < tolerance:
            break
    if not 1 <= share * n_seen <= n_seen - 1:
        warnings.warn(
            f"EM put {share * n_seen:.2f} of {n_seen:.0f} candidate pairs in the match "
            "class (degenerate); using the seed m instead",
            LinkageWarning,
            stacklevel=2,
        )
        seeds = tuple(default_m(spec) for spec in specs)
        return MUParameters(tuple(specs), seeds, u, None, "seed-fallback", iteration)
    inverted = [s.name for s, mj, uj in zip(specs, m, u, strict=True) if mj[1] <= uj[1]]
    if inverted:
        warnings.warn(
            f"EM found exact agreement no likelier among matches than non-matches for {inverted}; "
            "those fields count against agreeing pairs",
            LinkageWarning,
            stacklevel=2,
        )
    return MUParameters(tuple(specs), tuple(m), u, share, "em", iteration)
