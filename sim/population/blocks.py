"""Array work on national-size populations in blocks, and drawing codes by weight.

A population of 125 million is drawn as whole arrays, but every step that needs
temporaries (random uniforms, lookups, masks) works through it in blocks of
``BLOCK`` entries. The temporaries then stay small and are reused from block to
block instead of each costing gigabytes of fresh memory. A step that draws one
kind of number consumes its random stream exactly as one call for the whole
array would; a step that draws several kinds per block (life events) gives
results that depend on ``BLOCK``, a fixed constant, so runs stay reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

BLOCK = 1 << 20
"""Entries per block: 8 MB of float64 temporaries, small enough to be reused and cached."""

_GUIDE_BUCKETS = 1 << 16


def blocks(count: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of consecutive blocks of at most ``BLOCK`` entries covering ``0 .. count``."""
    for start in range(0, count, BLOCK):
        yield start, min(start + BLOCK, count)


class WeightedCodes:
    """Codes ``0 .. k-1`` drawn by weight: inverse transform with a guide table.

    The code of a uniform draw u in [0, 1) is the first whose cumulative weight
    exceeds u. A guide table (Chen and Asau, 1974) cuts [0, 1) into 65,536
    equal buckets and records the codes at both ends of each: a draw in a
    bucket whose two ends agree has that code; only draws in the few buckets
    that straddle a code boundary are binary-searched. The answers are exactly
    those of a binary search of every draw.
    """

    def __init__(self, probabilities: np.ndarray):
        self._cumulative = np.cumsum(probabilities)
        self._last = len(self._cumulative) - 1
        edges = np.arange(_GUIDE_BUCKETS + 1) / _GUIDE_BUCKETS
        self._first_code = self._search(edges[:-1])
        self._straddles = self._first_code != self._search(np.nextafter(edges[1:], 0.0))

    def _search(self, uniform: np.ndarray) -> np.ndarray:
        codes = np.searchsorted(self._cumulative, uniform * self._cumulative[-1], side="right")
        return np.minimum(codes, self._last).astype(np.int32)

    def of_uniform(self, uniform: np.ndarray) -> np.ndarray:
        """The code (int32) of each uniform draw in [0, 1), in the shape of ``uniform``."""
        uniform = np.asarray(uniform)
        flat = uniform.reshape(-1)
        bucket = (flat * _GUIDE_BUCKETS).astype(np.int32)
        codes = self._first_code[bucket]
        unsure = np.flatnonzero(self._straddles[bucket])
        codes[unsure] = self._search(flat[unsure])
        return codes.reshape(uniform.shape)

    def draw(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """``count`` codes (int32), one uniform from ``rng`` each, worked out in blocks."""
        codes = np.empty(count, dtype=np.int32)
        for start, stop in blocks(count):
            codes[start:stop] = self.of_uniform(rng.random(stop - start))
        return codes
