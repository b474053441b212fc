"""The hub's symbols (Japan's My Number network): one per (person, agency system).

The hub issues each system's symbols from the resident code with a key of that
system's own, so one system's symbols tell nothing about another's, and keeps
the mapping both ways. The hub's method is not published; SipHash-2-4, a
published keyed pseudorandom function, stands in for it with the same one-way,
per-system property: a symbol is the resident code hashed under two 128-bit
keys of the system (16 bytes), the keys derived from the hub's secret and the
system's name by keyed BLAKE2b.

Symbols are worked out in bulk (``Symbols.prepare``: all the pairs a workload
names, in one pass of array operations), and issued then or when the hub issues
them during the run; a pair not worked out ahead gets its symbol when first
needed (``SystemSymbols.symbol``). Either way a pair gets the same symbol.
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

    def prepare(self, persons: np.ndarray, systems: np.ndarray, issued: np.ndarray) -> None:
        """Work out the symbols of the pairs (``persons[i]``, ``systems[i]``) in one pass.

        Those with ``issued[i]`` are issued now; the others are kept ready until the
        hub issues them (:meth:`SystemSymbols.symbol`). A pair's flag is the same
        wherever it comes.
        """
        pairs = np.asarray(systems, dtype=np.int64) * len(self._codes) + persons
        keys = np.sort(pairs * 2 + ~np.asarray(issued, dtype=bool))  # the flag in the last bit
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        keys = keys[first]  # each pair once (np.unique would hash them)
        system, person = np.divmod(keys // 2, len(self._codes))
        symbols = keyed_symbols(self._codes[person], self._keys[system])
        for now in (True, False):
            chosen = np.flatnonzero((keys % 2 == 0) == now)
            bounds = np.searchsorted(system[chosen], np.arange(len(self.systems) + 1)).tolist()
            for index, table in enumerate(self.systems):
                part = chosen[bounds[index] : bounds[index + 1]]
                if len(part):
                    table.add(person[part].tolist(), symbols[part].tolist(), issued=now)


class SystemSymbols:
    """The symbols the hub has issued for one agency system, by person and by symbol."""

    def __init__(self, resident_codes: np.ndarray, key: np.ndarray):
        self._codes = resident_codes
        self._key = key
        self.of: dict[int, bytes] = {}  # person -> symbol, as issued so far
        self.residents: dict[bytes, int] = {}  # symbol -> person
        self._ready: dict[int, bytes] = {}  # person -> symbol worked out, not issued yet

    def symbol(self, person: int) -> bytes:
        """The person's symbol here (issued now if it was not yet)."""
        symbol = self.of.get(person)
        if symbol is None:
            symbol = self._ready.pop(person, None)
            if symbol is None:
                symbol = keyed_symbols(self._codes[[person]], self._key).tolist()[0]
            self.add([person], [symbol])
        return symbol

    def is_ready(self, person: int) -> bool:
        """Whether the person's symbol is worked out but not issued yet."""
        return person in self._ready

    def add(self, persons: list[int], symbols: list[bytes], *, issued: bool = True) -> None:
        """Record persons' symbols: issued (by person and by symbol), or ready to be."""
        if issued:
            self.of.update(zip(persons, symbols, strict=True))
            self.residents.update(zip(symbols, persons, strict=True))
        else:
            self._ready.update(zip(persons, symbols, strict=True))


def system_key(system: str, hub_secret: bytes) -> np.ndarray:
    """A system's symbol keys: four 64-bit words from its name, keyed with the hub's secret."""
    name = system.encode("utf-8")
    digest = hashlib.blake2b(name, key=hub_secret, digest_size=8 * KEY_WORDS).digest()
    return np.frombuffer(digest, dtype="<u8").copy()


def keyed_symbols(codes: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The symbols of resident ``codes`` under ``keys`` (a row of ``KEY_WORDS`` per code, or
    one row for all): the two SipHash-2-4 outputs, little-endian, 16 bytes each (an array
    whose ``tolist`` gives them as ``bytes``)."""
    words = np.empty((len(codes), 2), dtype="<u8")
    words[:, 0] = siphash24(keys[..., 0], keys[..., 1], codes)
    words[:, 1] = siphash24(keys[..., 2], keys[..., 3], codes)
    return words.view(f"V{SYMBOL_BYTES}").ravel()
