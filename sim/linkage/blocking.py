"""Blocking: which pairs of records are worth comparing at all.

A blocking key is a normalised value two records must share to become a
candidate pair. The candidate pairs are the union, over the keys, of the pairs
that agree on that key; pairs that share no key are never produced. Keys:

* ``birth_date`` — the normalised date ``YYYY-MM-DD``;
* ``name_reading`` — the normalised reading (katakana), or the normalised name
  when the tables carry no reading column;
* ``municipality`` — the first token of the normalised address.

Key values are the integer codes of :mod:`.records` (a shared vocabulary makes
equal values equal codes); a negative code (missing, or a value the register
has never seen) matches nothing. A key value shared by more than
``max_block_size`` records (on either side) is skipped for that key: a block of
a whole city would cost more than it finds, and the other keys still apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.linkage.records import COLUMN, RecordTable

BLOCKING_KEYS = ("birth_date", "name_reading", "municipality")
DEFAULT_MAX_BLOCK_SIZE = 1000


def key_columns(table: RecordTable, keys: Sequence[str], *, reading: bool) -> dict[str, np.ndarray]:
    """Blocking-key codes of each record of ``table`` (or of its single record).

    Args:
        table: encoded records.
        keys: blocking keys, names from :data:`BLOCKING_KEYS`.
        reading: use the reading for ``name_reading`` (else the normalised name).
    """
    sources = {
        "birth_date": "birth_date",
        "name_reading": "name_reading.norm" if reading else "name.norm",
        "municipality": "address.municipality",
    }
    unknown = [key for key in keys if key not in sources]
    if unknown or not keys:
        raise ValueError(f"blocking keys must be a non-empty subset of {BLOCKING_KEYS}, got {keys}")
    codes = table.codes if table.codes.ndim == 1 else table.codes[: len(table)]
    return {key: codes[..., COLUMN[sources[key]]] for key in keys}


def _pairs_on_key(
    left: np.ndarray, right: np.ndarray, max_block_size: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Positions (left, right) of all pairs with equal, non-negative key codes."""
    n_codes = max(int(left.max(initial=0)), int(right.max(initial=0))) + 1
    left_sizes = np.bincount(left[left >= 0], minlength=n_codes)
    right_sizes = np.bincount(right[right >= 0], minlength=n_codes)
    usable = (left_sizes > 0) & (right_sizes > 0)
    if max_block_size is not None:
        usable &= (left_sizes <= max_block_size) & (right_sizes <= max_block_size)
    right = np.where((right >= 0) & usable[np.maximum(right, 0)], right, -1)
    return _expand(left, *_blocks_of(right))


def _blocks_of(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows with a non-negative code, in order of code (and of row within a code),
    with where each code's block starts in that order and its size, by code."""
    rows = np.flatnonzero(codes >= 0)
    order = rows[np.argsort(codes[rows], kind="stable")]
    sizes = np.bincount(codes[rows])
    return order, np.cumsum(sizes) - sizes, sizes


def _expand(
    left: np.ndarray, order: np.ndarray, first: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (left position, right row) whose codes agree, given the right's blocks
    (``_blocks_of``): a look-up per code, no search. Negative left codes, and codes the
    right does not have, agree with nothing."""
    if len(sizes) == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=order.dtype)
    known = (left >= 0) & (left < len(sizes))
    code = np.where(known, left, 0)
    width = np.where(known, sizes.take(code), 0)
    left_pos = np.repeat(np.arange(len(left)), width)
    offsets = np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
    return left_pos, order[np.repeat(first.take(code), width) + offsets]


def _unique_pairs(
    parts: list[tuple[np.ndarray, np.ndarray]], n_right: int
) -> tuple[np.ndarray, np.ndarray]:
    """The union of pair lists, each pair once, sorted by left then right position."""
    codes = [np.empty(0, dtype=np.int64)]
    codes += [left.astype(np.int64) * n_right + right for left, right in parts]
    pairs = np.sort(np.concatenate(codes))
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) else pairs
    return pairs // max(n_right, 1), pairs % max(n_right, 1)


def candidate_pairs(
    left_keys: Mapping[str, np.ndarray],
    right_keys: Mapping[str, np.ndarray],
    *,
    max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE,
) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of candidate pairs: the union over keys of agreeing pairs.

    Args:
        left_keys, right_keys: per key, one code per record (from
            :func:`key_columns`, same vocabulary); both must have the same keys.
        max_block_size: skip key values shared by more records than this.

    Returns:
        ``(left_positions, right_positions)``, each pair once, sorted by left
        then right position.
    """
    n_right = len(next(iter(right_keys.values())))
    parts = [
        _pairs_on_key(left, right_keys[key], max_block_size) for key, left in left_keys.items()
    ]
    return _unique_pairs(parts, n_right)


class SortedBlocks:
    """A register's blocking-key codes sorted once, to find the candidates of many
    incoming records at a time (as :class:`BlockingIndex` finds one record's).

    A key value shared by more than ``max_block_size`` register rows is left out
    for that key; incoming records are each matched on their own, so how many
    of them share a value does not matter.
    """

    def __init__(self, keys: Mapping[str, np.ndarray], max_block_size: int | None):
        self._size = len(next(iter(keys.values())))
        self._blocks: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for key, codes in keys.items():
            kept = codes >= 0
            if max_block_size is not None and kept.any():
                sizes = np.bincount(codes[kept])
                kept &= sizes[np.maximum(codes, 0)] <= max_block_size
            self._blocks[key] = _blocks_of(np.where(kept, codes, -1))

    def candidate_pairs(self, left_keys: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(incoming position, register row) of every candidate pair, each once, sorted."""
        parts = [_expand(left, *self._blocks[key]) for key, left in left_keys.items()]
        return _unique_pairs(parts, self._size)


class BlockingIndex:
    """Key code → row positions over a register, to find one record's candidates.

    Built once (vectorised) over the register; :meth:`candidates` answers with
    a dict look-up per key. :meth:`add` and :meth:`update` keep it current as
    people are born, move or change their name.

    Args:
        keys: per blocking key, the code of each register row (negative = missing),
            e.g. from :func:`key_columns`.
        max_block_size: a key value shared by more rows than this is skipped
            when answering (the other keys still apply).
    """

    def __init__(
        self,
        keys: Mapping[str, np.ndarray],
        *,
        max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE,
    ) -> None:
        self.max_block_size = max_block_size
        self._values = {key: np.asarray(codes).tolist() for key, codes in keys.items()}
        self._size = len(next(iter(self._values.values()), []))
        self._blocks: dict[str, dict[int, np.ndarray]] = {}
        for key, codes in keys.items():
            codes = np.asarray(codes)
            rows = np.flatnonzero(codes >= 0)
            order = rows[np.argsort(codes[rows], kind="stable")]
            values, starts = np.unique(codes[order], return_index=True)
            self._blocks[key] = dict(
                zip(values.tolist(), np.split(order, starts[1:]) if len(order) else [], strict=True)
            )

    def __len__(self) -> int:
        return self._size

    @property
    def keys(self) -> tuple[str, ...]:
        """The blocking keys indexed."""
        return tuple(self._blocks)

    def candidates(self, codes: Mapping[str, int]) -> np.ndarray:
        """Sorted row positions sharing at least one key code with ``codes``.

        Keys absent from ``codes`` or with a negative code are not used. The
        array may be shared with the index: read it, do not modify it.
        """
        found = []
        for key, blocks in self._blocks.items():
            block = blocks.get(codes.get(key, -1))
            if block is not None and (
                self.max_block_size is None or len(block) <= self.max_block_size
            ):
                found.append(block)
        if not found:
            return np.empty(0, dtype=np.intp)
        return found[0] if len(found) == 1 else np.unique(np.concatenate(found))

    def add(self, rows: Mapping[str, Sequence[int]]) -> np.ndarray:
        """Append rows (per key, one code per new row); returns their positions."""
        counts = {len(codes) for codes in rows.values()}
        if set(rows) != set(self._blocks) or len(counts) != 1:
            raise ValueError(f"add() needs equally long codes for exactly the keys {self.keys}")
        positions = np.arange(self._size, self._size + counts.pop())
        for key, codes in rows.items():
            for position, code in zip(positions.tolist(), np.asarray(codes).tolist(), strict=True):
                self._values[key].append(code)
                self._insert(key, code, position)
        self._size += len(positions)
        return positions

    def update(self, row_position: int, new_codes: Mapping[str, int]) -> None:
        """Move one row to new key codes (keys absent from ``new_codes`` stay)."""
        if not 0 <= row_position < self._size:
            raise IndexError(f"row_position {row_position} outside 0..{self._size - 1}")
        unknown = set(new_codes) - set(self._blocks)
        if unknown:
            raise KeyError(f"not blocking keys of this index: {sorted(unknown)}; keys: {self.keys}")
        for key, code in new_codes.items():
            old, code = self._values[key][row_position], int(code)
            if old == code:
                continue
            if old >= 0:
                block = self._blocks[key][old]
                remaining = block[block != row_position]
                if len(remaining):
                    self._blocks[key][old] = remaining
                else:
                    del self._blocks[key][old]
            self._values[key][row_position] = code
            self._insert(key, code, row_position)

    def _insert(self, key: str, code: int, position: int) -> None:
        if code < 0:
            return
        block = self._blocks[key].get(code)
        if block is None:
            self._blocks[key][code] = np.array([position], dtype=np.intp)
        else:
            self._blocks[key][code] = np.insert(block, np.searchsorted(block, position), position)
