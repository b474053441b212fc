"""The hub's symbols (Japan's My Number network): one per (person, agency system).

The hub issues each system's symbols from the resident code with a key of that
system's own, so one system's symbols tell nothing about another's, and keeps
the mapping both ways. The hub's method is not published; SipHash-2-4, a
published keyed pseudorandom function, stands in for it with the same one-way,
per-system property: a symbol is the resident code hashed under two 128-bit
keys of the system (16 bytes), the keys derived from the hub's secret and the
system's name by keyed BLAKE2b.

Symbols are issued in bulk (``Symbols.issue``: all the pairs a workload names,
in one pass of array operations) or one at a time when first needed
(``SystemSymbols.symbol``); either way a pair gets the same symbol.
"""

from __future__ import annotations

import hashlib

import numpy as np

from sim.architectures.resolution import NOT_ANSWERED
from sim.architectures.siphash import siphash24

SYMBOL_BYTES = 16
KEY_WORDS = 4  # two SipHash keys of two 64-bit words each


class Symbols:
    """Every system's symbols, issued from the resident codes with the systems' keys."""

    def __init__(self, resident_codes: np.ndarray, hub_secret: bytes, systems: list[str]):
        self._codes = np.asarray(resident_codes, dtype=np.uint64)
        self._keys = np.array([system_key(name, hub_secret) for name in systems])
        self.systems = [SystemSymbols(self._codes, key) for key in self._keys]

    def symbol(self, person: int, system: int) -> bytes:
        """The symbol of ``person`` at system ``system`` (issued now if it was not yet)."""
        return self.systems[system].symbol(person)

    def resident(self, symbol: bytes, system: int) -> int:
        """The person a symbol of ``system`` was issued for (-1: none)."""
        return self.systems[system].residents.get(symbol, NOT_ANSWERED)

    def issue(self, persons: np.ndarray, systems: np.ndarray) -> None:
        """Issue the symbols of the pairs (``persons[i]``, ``systems[i]``), in one pass."""
        pairs = np.sort(np.asarray(systems, dtype=np.int64) * len(self._codes) + persons)
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]  # each pair once (np.unique hashes)
        system, person = np.divmod(pairs, len(self._codes))
        symbols = keyed_symbols(self._codes[person], self._keys[system])
        bounds = np.searchsorted(system, np.arange(len(self.systems) + 1)).tolist()
        for index, table in enumerate(self.systems):
            start, stop = bounds[index], bounds[index + 1]
            if start < stop:
                table.add(person[start:stop].tolist(), symbols[start:stop])


class SystemSymbols:
    """The symbols the hub has issued for one agency system, by person and by symbol."""

    def __init__(self, resident_codes: np.ndarray, key: np.ndarray):
        self._codes = resident_codes
        self._key = key
        self.of: dict[int, bytes] = {}  # person -> symbol, as issued so far
        self.residents: dict[bytes, int] = {}  # symbol -> person

    def symbol(self, person: int) -> bytes:
        """The person's symbol here (issued now if it was not yet)."""
        symbol = self.of.get(person)
        if symbol is None:
            symbol = keyed_symbols(self._codes[[person]], self._key)[0]
            self.add([person], [symbol])
        return symbol

    def add(self, persons: list[int], symbols: list[bytes]) -> None:
        """Record issued symbols, by person and by symbol."""
        self.of.update(zip(persons, symbols, strict=True))
        self.residents.update(zip(symbols, persons, strict=True))


def system_key(system: str, hub_secret: bytes) -> np.ndarray:
    """A system's symbol keys: four 64-bit words from its name, keyed with the hub's secret."""
    digest = hashlib.blake2b(system.encode("utf-8"), key=hub_secret, digest_size=32).digest()
    return np.frombuffer(digest, dtype="<u8").copy()


def keyed_symbols(codes: np.ndarray, keys: np.ndarray) -> list[bytes]:
    """The symbols of resident ``codes`` under ``keys`` (a row of ``KEY_WORDS`` per code, or
    one row for all): the two SipHash-2-4 outputs, little-endian, as 16 bytes each."""
    words = np.empty((len(codes), 2), dtype="<u8")
    words[:, 0] = siphash24(keys[..., 0], keys[..., 1], codes)
    words[:, 1] = siphash24(keys[..., 2], keys[..., 3], codes)
    return words.view(f"V{SYMBOL_BYTES}").ravel().tolist()
