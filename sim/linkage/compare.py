"""Field comparisons: one comparison level per field for each pair of records.

Fields compared (a name is split at its first space into surname and given
name, and so is its reading):

==================  ============================================================
field               levels (index 0 is always ``missing``, weight 0)
==================  ============================================================
``surname``,        ``exact`` (as written), ``normalized`` (equal after
``given``           normalisation), ``reading`` (written differently, same
                    reading; only when readings are given), ``jw>=0.92``,
                    ``jw>=0.85`` (Jaro–Winkler bands: on the readings when both
                    records have one, else on the normalised names; kanji names
                    of two or three characters say little to Jaro–Winkler),
                    ``disagree``
``address``         ``exact``, ``normalized``, ``jw>=…`` bands on the part after
                    the municipality *when the municipality agrees*,
                    ``municipality`` (only the municipality agrees), ``disagree``
``sex``             ``exact``, ``disagree``
``birth_date``      ``exact``, ``near`` (one day apart, or two digits of YYYYMMDD
                    swapped), ``disagree``
==================  ============================================================

Surname and given name are separate fields, so "same family, different person"
(same surname and address, different given name) is told apart from a typo in
one part. A name with no space has no given name: that field is then missing.
The reading is not a field of its own but a level of the name fields: a reading
follows from the name, so as a separate field it would count the same evidence
twice, and EM (which assumes fields independent within each class) would
mistake "same name" for "same person".

:func:`compare` scores pairs of rows of two tables (batch);
:func:`compare_one` scores one record against rows of a table (the matcher's
hot path), with the same result. Equality and missingness are read from the
integer codes of :mod:`.records`; all the Jaro–Winkler work of a call is done
in one ``rapidfuzz.process.cpdist`` call; and each field's level is looked up
in a small table indexed by its packed equality bits and similarity band, so
a call costs a fixed few dozen array operations however many fields agree.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from sim.linkage.records import COLUMN, EQUALITY_COLUMNS, MISSING, TEXT_COLUMNS, RecordTable

DEFAULT_BANDS = (0.92, 0.85)
FEW = 6  # compare_one works in plain Python up to this many candidates (array calls cost more)
SMALL_BLOCK = 64  # compare_one scores every candidate on every text column up to this many
# Pairs of a text column from which each distinct pair of values is scored once (fewer: each
# pair, since finding the distinct ones costs more than a one-record block's repeats save).
DISTINCT_FROM = 4096
# Per field kind, the equality columns read: (column, "miss" or "eq"), as bits 0, 1, ...
_BITS = {
    "name": (
        ("{}.norm", "miss"),
        ("{}.raw", "eq"),
        ("{}.norm", "eq"),
        ("{}.reading", "eq"),
        ("{}.reading", "miss"),
    ),
    "address": (
        ("address.norm", "miss"),
        ("address.raw", "eq"),
        ("address.norm", "eq"),
        ("address.municipality", "eq"),
    ),
    "sex": (("sex", "miss"), ("sex", "eq")),
    "date": (("birth_date", "miss"), ("birth_date", "eq")),
}


@dataclass(frozen=True)
class FieldSpec:
    """One compared field: its name, how it is compared and its level labels."""

    name: str
    kind: str  # "name", "address", "sex" or "date"
    levels: tuple[str, ...]

    @property
    def disagree(self) -> int:
        """Index of the ``disagree`` level (always the last)."""
        return len(self.levels) - 1

    @property
    def bands(self) -> tuple[float, ...]:
        """The Jaro–Winkler thresholds of the ``jw>=`` levels, highest first."""
        return tuple(float(x.removeprefix("jw>=")) for x in self.levels if x.startswith("jw>="))


def field_specs(
    *, with_reading: bool, bands: Sequence[float] = DEFAULT_BANDS
) -> tuple[FieldSpec, ...]:
    """The compared fields and their levels, in a fixed order.

    Args:
        with_reading: the name fields have a ``reading`` level.
        bands: Jaro–Winkler thresholds, strictly decreasing, each in (0, 1).
    """
    bands = tuple(float(band) for band in bands)
    if any(not 0 < band < 1 for band in bands) or list(bands) != sorted(set(bands), reverse=True):
        raise ValueError(f"bands must be strictly decreasing values in (0, 1), got {bands}")
    similar = tuple(f"jw>={band:g}" for band in bands)
    reading = ("reading",) if with_reading else ()
    name = ("missing", "exact", "normalized", *reading, *similar, "disagree")
    address = ("missing", "exact", "normalized", *similar, "municipality", "disagree")
    return (
        FieldSpec("surname", "name", name),
        FieldSpec("given", "name", name),
        FieldSpec("address", "address", address),
        FieldSpec("sex", "sex", ("missing", "exact", "disagree")),
        FieldSpec("birth_date", "date", ("missing", "exact", "near", "disagree")),
    )


def _level(spec: FieldSpec, bits: tuple[bool, ...], band: int) -> int:
    """The level of one field given its equality bits and similarity band (or near flag)."""
    if bits[0]:
        return 0
    if bits[1]:
        return 1
    if spec.kind in ("sex", "date"):
        return 2 if spec.kind == "date" and band else spec.disagree
    if bits[2]:
        return 2
    if spec.kind == "name":
        if "reading" in spec.levels and bits[3] and not bits[4]:
            return 3
        return spec.levels.index("normalized") + 1 + ("reading" in spec.levels) + band
    return 3 + band if bits[3] else spec.disagree  # address: 3 + len(bands) is "municipality"


@dataclass(frozen=True, eq=False)
class _Plan:
    """Packing weights and level tables for a set of fields."""

    bit_weights: np.ndarray  # (2 × equality columns, fields): eq bits, then missing bits
    band_shift: np.ndarray  # (fields,) multiplier of the band index
    offsets: np.ndarray  # (fields,) start of each field's table in ``table``
    table: np.ndarray  # all fields' level tables, concatenated
    thresholds: np.ndarray  # the Jaro–Winkler bands, negated (ascending)
    band_source: np.ndarray  # per field, its row in (TEXT_COLUMNS bands, near, zeros)
    name_rows: np.ndarray  # rows of surname.norm, given.norm in TEXT_COLUMNS
    reading_rows: np.ndarray  # rows of surname.reading, given.reading in TEXT_COLUMNS
    reading_columns: np.ndarray  # their codes' columns in EQUALITY_COLUMNS
    bits: tuple[tuple[tuple[int, bool, int], ...], ...]  # per field: (column, is_miss, weight)

    @functools.cached_property
    def lists(self) -> tuple[list, ...]:
        """Bands (descending), name/reading rows, reading columns, shifts, offsets, sources."""
        return (
            (-self.thresholds).tolist(),
            list(zip(self.name_rows.tolist(), self.reading_rows.tolist(), strict=True)),
            self.reading_columns.tolist(),
            self.band_shift.tolist(),
            self.offsets.tolist(),
            self.band_source.tolist(),
        )


@functools.cache
def _plan(specs: tuple[FieldSpec, ...]) -> _Plan:
    n_columns = len(EQUALITY_COLUMNS)
    bit_weights = np.zeros((2 * n_columns, len(specs)), dtype=np.int32)
    shifts, offsets, tables = [], [], []
    for j, spec in enumerate(specs):
        bits = _BITS[spec.kind]
        for bit, (column, kind) in enumerate(bits):
            row = COLUMN[column.format(spec.name)] + (n_columns if kind == "miss" else 0)
            bit_weights[row, j] += 1 << bit
        n_bands = len(spec.bands) + 1 if spec.kind in ("name", "address") else 2
        table = [
            _level(spec, tuple(bool(state >> bit & 1) for bit in range(len(bits))), band)
            for band in range(n_bands)
            for state in range(1 << len(bits))
        ]
        shifts.append(1 << len(bits))
        offsets.append(sum(len(t) for t in tables))
        tables.append(table)
    if len({spec.bands for spec in specs if spec.bands}) > 1:
        raise ValueError("all fields must share one set of Jaro–Winkler bands")
    text = {name: i for i, name in enumerate(TEXT_COLUMNS)}
    near, zero = len(TEXT_COLUMNS), len(TEXT_COLUMNS) + 1
    source = {"name": "{}.norm", "address": "address.rest"}
    rows = [text[source[s.kind].format(s.name)] if s.kind in source else zero for s in specs]
    rows = [near if s.kind == "date" else row for s, row in zip(specs, rows, strict=True)]
    readings = ("surname.reading", "given.reading")
    return _Plan(
        bit_weights,
        np.array(shifts),
        np.array(offsets),
        np.concatenate(tables).astype(np.int8),
        -np.array(specs[0].bands),
        np.array(rows),
        np.array([text["surname.norm"], text["given.norm"]]),
        np.array([text[column] for column in readings]),
        np.array([COLUMN[column] for column in readings]),
        tuple(
            tuple((r % n_columns, r >= n_columns, int(w)) for r, w in enumerate(bits) if w)
            for bits in bit_weights.T.tolist()
        ),
    )


def _assemble(
    plan: _Plan, equal: np.ndarray, missing: np.ndarray, sims: np.ndarray, near: np.ndarray
) -> np.ndarray:
    """Index into ``plan.table`` of each pair and field, from equality and missing bits
    (pairs × EQUALITY_COLUMNS), similarities (TEXT_COLUMNS × pairs) and near dates (pairs)."""
    bands = np.searchsorted(plan.thresholds, -sims)  # 0 = highest band reached
    sources = np.concatenate((bands, near[None], np.zeros((1, len(near)), np.int64)))
    kana = ~missing[:, plan.reading_columns].T  # both readings present: they decide
    sources[plan.name_rows] = np.where(kana, sources[plan.reading_rows], sources[plan.name_rows])
    fields = sources[plan.band_source]
    # Small integers, exact in float32, whose product BLAS does far faster than numpy's int loop.
    bits = np.concatenate((equal, missing), axis=1).astype(np.float32)
    state = (bits @ plan.bit_weights.astype(np.float32)).astype(np.int64)
    return state + fields.T * plan.band_shift + plan.offsets


def level_lookup(specs: Sequence[FieldSpec], values: np.ndarray) -> np.ndarray:
    """A table for :func:`compare_one` that yields ``values[field, level]`` instead of levels.

    Args:
        specs: the compared fields.
        values: (fields × levels) table, e.g. the match weights.
    """
    plan = _plan(tuple(specs))
    field = np.repeat(np.arange(len(specs)), np.diff([*plan.offsets, len(plan.table)]))
    return values[field, plan.table]


def _near(a_days, a_digits, a_signature, b: RecordTable, rows: np.ndarray) -> np.ndarray:
    """One day apart, or the same eight digits with exactly two swapped."""
    near = np.abs(a_days - b.days.take(rows)) == 1
    same_digits = a_signature == b.signature.take(rows)
    if same_digits.any():
        a_digits = a_digits if a_digits.ndim == 1 else a_digits[same_digits]
        swapped = (a_digits != b.digits.take(rows[same_digits], axis=0)).sum(axis=-1) == 2
        near[same_digits] |= swapped
    return near


def _compare_few(
    query: RecordTable, table: RecordTable, rows: np.ndarray, plan: _Plan, lookup: np.ndarray
) -> np.ndarray:
    """:func:`compare_one` in plain Python, cheaper than array operations for a few rows."""
    q_codes, q_text, q_days, q_digits, q_signature = query.scalars
    bands, readings, reading_columns, shifts, offsets, sources_of = plan.lists
    out = []
    for row in rows.tolist():
        codes = table.codes[row].tolist()
        equal = [a == b for a, b in zip(codes, q_codes, strict=True)]
        missing = [a == MISSING or b == MISSING for a, b in zip(codes, q_codes, strict=True)]
        text = table.text[row].tolist()
        sources = [
            sum(similarity < band for band in bands)
            for similarity in map(JaroWinkler.normalized_similarity, q_text, text)
        ]
        for (name, reading), column in zip(readings, reading_columns, strict=True):
            if not missing[column]:
                sources[name] = sources[reading]
        digits = table.digits[row].tolist()
        near = abs(int(table.days[row]) - q_days) == 1 or (
            int(table.signature[row]) == q_signature
            and sum(a != b for a, b in zip(digits, q_digits, strict=True)) == 2
        )
        sources += [int(near), 0]
        index = []
        for j, bits in enumerate(plan.bits):
            state = sum(w for column, is_miss, w in bits if (missing if is_miss else equal)[column])
            index.append(state + sources[sources_of[j]] * shifts[j] + offsets[j])
        out.append(index)
    return lookup[np.array(out, dtype=np.intp)]


def compare_one(
    query: RecordTable,
    table: RecordTable,
    rows: np.ndarray,
    specs: Sequence[FieldSpec],
    lookup: np.ndarray | None = None,
) -> np.ndarray:
    """Comparison levels of one record against table rows, shape ``(len(rows), len(specs))``.

    Up to :data:`FEW` candidates are compared in plain Python; up to
    :data:`SMALL_BLOCK` every candidate is scored on every text column in one
    cpdist call (fewer operations than selecting the pairs that need it);
    beyond, the batch path scores only those pairs. All give the same levels. With
    ``lookup`` from :func:`level_lookup` (e.g. of the match weights) the result
    holds those values instead of levels.
    """
    plan = _plan(tuple(specs))
    n = len(rows)
    lookup = plan.table if lookup is None else lookup
    if n <= FEW:
        return _compare_few(query, table, rows, plan, lookup)
    if n > SMALL_BLOCK:
        text = np.array([[value.strip("\x00") for value in query.text]], dtype=object)
        one = RecordTable(query.codes[None], text, query.days[None], query.digits[None])
        return lookup[_compare_index(one, np.zeros(n, dtype=np.intp), table, rows, plan)]
    lefts: list[str] = []
    for text in query.text.tolist():
        lefts += [text] * n
    scores = process.cpdist(
        lefts, table.text[rows].T.ravel().tolist(), scorer=JaroWinkler.normalized_similarity
    )
    index = _assemble(
        plan,
        table.codes[rows] == query.codes,
        table.missing[rows] | query.missing,
        scores.reshape(len(TEXT_COLUMNS), n),
        _near(query.days, query.digits, query.signature, table, rows),
    )
    return lookup[index]


def compare(
    a: RecordTable,
    a_rows: np.ndarray,
    b: RecordTable,
    b_rows: np.ndarray,
    specs: Sequence[FieldSpec],
) -> np.ndarray:
    """Comparison levels of pairs ``(a[a_rows[i]], b[b_rows[i]])``, shape (pairs, fields), int8.

    Jaro–Winkler is computed only for the pairs whose level depends on it.
    """
    plan = _plan(tuple(specs))
    return plan.table[_compare_index(a, a_rows, b, b_rows, plan)]


def _compare_index(
    a: RecordTable, a_rows: np.ndarray, b: RecordTable, b_rows: np.ndarray, plan: _Plan
) -> np.ndarray:
    # ``take`` gathers rows several times faster than fancy indexing does.
    a_codes, b_codes = a.codes.take(a_rows, axis=0), b.codes.take(b_rows, axis=0)
    equal = a_codes == b_codes
    missing = (a_codes == MISSING) | (b_codes == MISSING)

    def agree(column: str) -> np.ndarray:
        return equal[:, COLUMN[column]] & ~missing[:, COLUMN[column]]

    masks = {  # per text column: the pairs whose level depends on its similarity
        "address.rest": agree("address.municipality")
        & ~agree("address.norm")
        & ~missing[:, COLUMN["address.rest"]]
    }
    for part in ("surname", "given"):
        undecided = ~missing[:, COLUMN[f"{part}.norm"]] & ~agree(f"{part}.norm")
        undecided &= ~agree(f"{part}.reading")
        kana = ~missing[:, COLUMN[f"{part}.reading"]]
        masks[f"{part}.norm"], masks[f"{part}.reading"] = undecided & ~kana, undecided & kana
    scored = [np.flatnonzero(masks[column]) for column in TEXT_COLUMNS]
    sims = _similarities(a, a_rows, a_codes, b, b_rows, b_codes, scored)
    near = _near(
        a.days.take(a_rows), a.digits.take(a_rows, axis=0), a.signature.take(a_rows), b, b_rows
    )
    return _assemble(plan, equal, missing, sims, near)


def _similarities(
    a: RecordTable,
    a_rows: np.ndarray,
    a_codes: np.ndarray,
    b: RecordTable,
    b_rows: np.ndarray,
    b_codes: np.ndarray,
    scored: list[np.ndarray],
) -> np.ndarray:
    """Jaro–Winkler similarity (TEXT_COLUMNS × pairs) of the pairs ``scored[i]`` lists for
    text column i; 0 elsewhere.

    A text value and its code go together, so pairs with the same two codes have the
    same similarity: from :data:`DISTINCT_FROM` pairs on, each distinct pair of codes
    is scored once. Values the vocabulary
    has not seen (:data:`UNKNOWN`) share a code, so their pairs are scored one by one.
    """
    sims = np.zeros((len(TEXT_COLUMNS), len(b_rows)))
    # Strings gathered by position in the row-major text: a 1-D take, faster than
    # indexing the 2-D object array by rows and a column.
    width, a_text, b_text = len(TEXT_COLUMNS), a.text.reshape(-1), b.text.reshape(-1)
    lefts: list[str] = []
    rights: list[str] = []
    which_of: list[tuple[np.ndarray, int]] = []  # per column: each pair's distinct pair
    for i, pairs in enumerate(scored):
        column = COLUMN[TEXT_COLUMNS[i]]
        if len(pairs) < DISTINCT_FROM:  # too few to repay finding the distinct ones
            which, representative = np.arange(len(pairs)), pairs
        else:
            left, right = a_codes[pairs, column], b_codes[pairs, column]
            key = left.astype(np.int64) << 32 | right
            unseen = (left < 0) | (right < 0)
            key[unseen] = -1 - np.flatnonzero(unseen)  # a key of its own
            which, distinct = pd.factorize(key)
            representative = np.empty(len(distinct), dtype=np.int64)
            representative[which] = pairs
        lefts += a_text.take(a_rows.take(representative) * width + i).tolist()
        rights += b_text.take(b_rows.take(representative) * width + i).tolist()
        which_of.append((which, len(representative)))
    if rights:
        scores = process.cpdist(lefts, rights, scorer=JaroWinkler.normalized_similarity)
        start = 0
        for i, (pairs, (which, count)) in enumerate(zip(scored, which_of, strict=True)):
            sims[i, pairs] = scores[start : start + count][which]
            start += count
    return sims
