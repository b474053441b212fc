"""Named random streams, all derived from the scenario seed.

Every consumer asks for a stream by name (``"population"``, ``"workload"``,
``"flat"`` ...). A stream depends only on the seed, the replication and its
name, never on the order in which streams are requested, so adding a new
consumer does not shift anybody else's numbers.
"""

from __future__ import annotations

import zlib

import numpy as np


def _name_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of independent ``numpy.random.Generator`` objects for one replication."""

    def __init__(self, seed: int, replication: int = 0):
        self.seed = seed
        self.replication = replication

    def get(self, *names: str) -> np.random.Generator:
        """The generator for a stream name path, e.g. ``get("node", "tax")``."""
        key = (self.replication, *(_name_key(name) for name in names))
        return np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=key))
        )

    def replication_seed(self) -> int:
        """A single integer identifying this replication's streams (for the results table)."""
        sequence = np.random.SeedSequence(self.seed, spawn_key=(self.replication,))
        return int(sequence.generate_state(1, dtype=np.uint32)[0])
