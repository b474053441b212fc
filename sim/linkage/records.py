"""Record tables normalised once and encoded as integer codes, ready to block and compare.

Input columns (a pandas DataFrame, or a mapping for one record):

* ``name`` — surname, a space, given name(s): ``"高橋 太郎"``, ``"Smith John"``.
* ``name_reading`` (optional) — the kana reading in the same order: ``"タカハシ タロウ"``.
* ``address`` — municipality, a space, the rest: ``"横浜市 2丁目1番地2号"``.
* ``sex`` — ``"M"``/``"F"`` (also ``"X"``, ``"male"``, ``"女"`` …) or missing.
* ``birth_date`` — ``"YYYY-MM-DD"`` (other common notations are accepted) or missing.

Missing values are ``None`` or NaN. Every value that is compared for equality
(see :data:`EQUALITY_COLUMNS`: a name part as written, normalised, its
reading; the address as written, normalised, its municipality; sex; date) is
replaced by an integer code from a :class:`Vocabulary` shared by the tables
being compared, so "equal" is one integer comparison per column: code
:data:`MISSING` (-1) is a missing value, :data:`UNKNOWN` (-2) a value the
vocabulary has not seen (equal to nothing). The strings that Jaro–Winkler
compares are kept in :data:`TEXT_COLUMNS`, the date as days since 1970-01-01
and as its eight digits YYYYMMDD.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.linkage.normalize import (
    is_missing,
    normalize_address,
    normalize_date,
    normalize_distinct,
    normalize_name,
    normalize_reading,
    normalize_sex,
    split_first,
)

REQUIRED_COLUMNS = ("name", "address", "sex", "birth_date")
READING_COLUMN = "name_reading"
EQUALITY_COLUMNS = (
    "surname.raw",
    "surname.norm",
    "surname.reading",
    "given.raw",
    "given.norm",
    "given.reading",
    "name.norm",
    "name_reading.norm",
    "address.raw",
    "address.norm",
    "address.municipality",
    "address.rest",
    "sex",
    "birth_date",
)
COLUMN = {name: i for i, name in enumerate(EQUALITY_COLUMNS)}
# Similarity is taken of the name, its reading and the rest of the address; the
# order (names, address, then readings) lets compare pair each name with its reading.
TEXT_COLUMNS = ("surname.norm", "given.norm", "address.rest", "surname.reading", "given.reading")
MISSING = -1
UNKNOWN = -2
INVALID_DAYS = -(2**40)
_EPOCH = dt.date(1970, 1, 1)


def _raw(value: object) -> str | None:
    """A value as written: a string, or None when missing."""
    return None if is_missing(value) else str(value)


def _split_raw(value: object) -> tuple[str | None, str | None]:
    if is_missing(value):
        return None, None
    parts = str(value).split(maxsplit=1)
    return (parts[0] if parts else None), (parts[1] if len(parts) > 1 else None)


def _split(values: np.ndarray, raw: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """First word and the rest of each value (None stays None), as :func:`_split_raw`
    does for a raw value and :func:`split_first` for a normalised one."""
    if raw:
        words = [
            () if is_missing(value) else str(value).split(maxsplit=1) for value in values.tolist()
        ]
        head_list = [parts[0] if parts else None for parts in words]
        tail_list = [parts[1] if len(parts) > 1 else None for parts in words]
    else:
        cuts = [
            ("", "", "") if value is None else value.partition(" ") for value in values.tolist()
        ]
        head_list = [cut[0] or None for cut in cuts]
        tail_list = [cut[2] or None for cut in cuts]
    heads, tails = np.empty(len(values), dtype=object), np.empty(len(values), dtype=object)
    heads[:], tails[:] = head_list, tail_list
    return heads, tails


def _distinct(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's value as a code into the distinct present values (-1: missing), and those.

    The values are factorised as an object array: a string column's own factorize
    would check each distinct value again to build its uniques as strings.
    """
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    return codes, uniques


def digit_signature(digits: np.ndarray) -> np.ndarray:
    """The multiset of a date's eight digits as one integer (its digits sorted)."""
    return np.sort(digits, axis=-1).astype(np.int64) @ (10 ** np.arange(7, -1, -1, dtype=np.int64))


@functools.lru_cache(maxsize=1 << 16)
def date_parts(iso: str | None) -> tuple[int, np.ndarray, int]:
    """Days since 1970-01-01 (:data:`INVALID_DAYS` if not a date), the 8 digits, their multiset."""
    if iso is None:
        digits = np.zeros(8, dtype=np.int8)
    else:
        packed = iso.replace("-", "").encode("ascii")
        digits = (np.frombuffer(packed, np.uint8) - 48).astype(np.int8)
    try:
        days = (dt.date.fromisoformat(iso) - _EPOCH).days if iso else INVALID_DAYS
    except ValueError:
        days = INVALID_DAYS
    return days, digits, int(digit_signature(digits))


def _date_columns(isos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01 (:data:`INVALID_DAYS` if not a date) and the 8 digits of
    normalised dates (``"YYYY-MM-DD"``, or None: no digits)."""
    dates = pd.to_datetime(pd.Series(isos, dtype=object), format="%Y-%m-%d", errors="coerce")
    days = (dates - pd.Timestamp(_EPOCH)).dt.days.fillna(INVALID_DAYS).to_numpy(np.int64)
    digits = np.zeros((len(isos), 8), dtype=np.int8)
    present = np.flatnonzero(np.not_equal(isos, None))
    if present.size:
        packed = "".join(isos[present].tolist()).replace("-", "")
        digits[present] = (np.frombuffer(packed.encode("ascii"), np.uint8) - 48).reshape(-1, 8)
    return days, digits


def check_columns(frame: pd.DataFrame, where: str) -> None:
    """Raise ValueError naming any required column that ``frame`` lacks."""
    absent = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if absent:
        raise ValueError(
            f"{where} has no column(s) {absent}; a record table needs "
            f"{list(REQUIRED_COLUMNS)} and optionally {READING_COLUMN!r} "
            f"(columns present: {list(frame.columns)})"
        )


Derived = tuple[np.ndarray, dict[str, np.ndarray]]


def normalized_values(frame: pd.DataFrame, *, with_reading: bool) -> list[Derived]:
    """Every equality and text column, worked out once per distinct value of its raw column.

    Returns, for each raw column (name, reading, address, sex, date): the code of
    each row's value (-1: missing) and the columns derived from it, each an
    object array over the raw column's distinct values (None: nothing there).
    """
    check_columns(frame, "record table")
    codes, names = _distinct(frame["name"])
    name: dict[str, np.ndarray] = {}
    name["surname.raw"], name["given.raw"] = _split(names, raw=True)
    name["name.norm"] = normalize_distinct(names, "name")
    name["surname.norm"], name["given.norm"] = _split(name["name.norm"])
    derived = [(codes, name)]
    if with_reading and READING_COLUMN in frame.columns:
        codes, readings = _distinct(frame[READING_COLUMN])
        reading = {"name_reading.norm": normalize_distinct(readings, "reading")}
    else:
        codes, reading = np.full(len(frame), -1), {"name_reading.norm": np.empty(0, object)}
    reading["surname.reading"], reading["given.reading"] = _split(reading["name_reading.norm"])
    derived.append((codes, reading))
    codes, addresses = _distinct(frame["address"])
    address = {"address.raw": np.array([str(value) for value in addresses.tolist()], object)}
    address["address.norm"] = normalize_distinct(addresses, "address")
    address["address.municipality"], address["address.rest"] = _split(address["address.norm"])
    derived.append((codes, address))
    for column, kind in (("sex", "sex"), ("birth_date", "date")):
        codes, values = _distinct(frame[column])
        derived.append((codes, {column: normalize_distinct(values, kind)}))
    return derived


def normalized_record(record: Mapping[str, object], *, with_reading: bool) -> dict[str, object]:
    """Normalise one record (a mapping with the input columns) into the same keys, as scalars."""
    out: dict[str, object] = {}
    out["surname.raw"], out["given.raw"] = _split_raw(record.get("name"))
    out["name.norm"] = normalize_name(record.get("name"))
    out["surname.norm"], out["given.norm"] = split_first(out["name.norm"])
    out["name_reading.norm"] = (
        normalize_reading(record.get(READING_COLUMN)) if with_reading else None
    )
    out["surname.reading"], out["given.reading"] = split_first(out["name_reading.norm"])
    address = record.get("address")
    out["address.raw"] = _raw(address)
    out["address.norm"] = normalize_address(address)
    out["address.municipality"], out["address.rest"] = split_first(out["address.norm"])
    out["sex"] = normalize_sex(record.get("sex"))
    out["birth_date"] = normalize_date(record.get("birth_date"))
    return out


class Vocabulary:
    """Value → integer code, per equality column, shared by the tables compared."""

    def __init__(self) -> None:
        self._codes: dict[str, dict[object, int]] = {name: {} for name in EQUALITY_COLUMNS}

    def encode_values(self, column: str, values: np.ndarray, *, grow: bool) -> np.ndarray:
        """Codes (int32) of values of one equality column, None being :data:`MISSING`.

        With ``grow`` unseen values get new codes, in the order they come; without,
        they get :data:`UNKNOWN`.
        """
        local, uniques = pd.factorize(values, use_na_sentinel=True)
        table = self._codes[column]
        if grow and not table:  # the first values of a column: codes in order of appearance
            table.update(zip(uniques.tolist(), range(len(uniques)), strict=True))
            lookup = np.arange(len(uniques), dtype=np.int32)
        elif grow:
            lookup = [table.setdefault(value, len(table)) for value in uniques.tolist()]
        else:
            lookup = [table.get(value, UNKNOWN) for value in uniques.tolist()]
        return np.append(np.asarray(lookup, dtype=np.int32), MISSING)[local]

    def encode_record(self, record: Mapping[str, object], *, grow: bool) -> np.ndarray:
        """Codes of one normalised record, shape (len(EQUALITY_COLUMNS),), int32."""
        codes = []
        for name in EQUALITY_COLUMNS:
            value, table = record[name], self._codes[name]
            if value is None:
                codes.append(MISSING)
            elif grow:
                codes.append(table.setdefault(value, len(table)))
            else:
                codes.append(table.get(value, UNKNOWN))
        return np.array(codes, dtype=np.int32)

    def __len__(self) -> int:
        """Number of distinct values seen, over all columns."""
        return sum(len(table) for table in self._codes.values())


class RecordTable:
    """Encoded records, growable by :meth:`append`.

    Attributes:
        codes: (rows, len(EQUALITY_COLUMNS)) int32 value codes; ``missing``: codes == MISSING.
        text: (rows, len(TEXT_COLUMNS)) object array of the strings Jaro–Winkler
            compares, ``""`` when missing.
        days: (rows,) int64 days since 1970-01-01, :data:`INVALID_DAYS` if none.
        digits: (rows, 8) int8 digits of the date; ``signature``: their multiset.

    A single record (see :meth:`single`) has the same attributes without the
    rows axis (its missing text is ``"\\x00"``, which resembles nothing), so numpy
    broadcasts it against a table's rows.
    """

    def __init__(
        self,
        codes: np.ndarray,
        text: np.ndarray,
        days: np.ndarray,
        digits: np.ndarray,
        signature: np.ndarray | None = None,
    ) -> None:
        self.codes, self.text, self.days, self.digits = codes, text, days, digits
        self.missing = codes == MISSING
        self.signature = digit_signature(digits) if signature is None else signature
        self._size = len(codes) if codes.ndim == 2 else 1

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, vocabulary: Vocabulary, *, with_reading: bool, grow: bool = True
    ) -> RecordTable:
        """Normalise and encode a record table, each distinct raw value once.

        Codes come out as if every row had been encoded in turn: the distinct
        values are taken in the order they first appear.
        """
        rows = len(frame)
        codes = np.full((rows, len(EQUALITY_COLUMNS)), MISSING, dtype=np.int32)
        text = np.full((rows, len(TEXT_COLUMNS)), "", dtype=object)
        days = np.full(rows, INVALID_DAYS, dtype=np.int64)
        digits = np.zeros((rows, 8), dtype=np.int8)
        # Cells are written by their position in the row-major arrays (a 1-D scatter,
        # faster than a row mask with a column index).
        code_cells, text_cells = codes.reshape(-1), text.reshape(-1)
        for row_codes, derived in normalized_values(frame, with_reading=with_reading):
            present = np.flatnonzero(row_codes >= 0)
            row_values = row_codes.take(present)
            for name, values in derived.items():
                if name in COLUMN:
                    encoded = vocabulary.encode_values(name, values, grow=grow)
                    cells = present * len(EQUALITY_COLUMNS) + COLUMN[name]
                    code_cells[cells] = encoded.take(row_values)
                if name in TEXT_COLUMNS:
                    shown = np.empty(len(values), dtype=object)
                    shown[:] = [value or "" for value in values.tolist()]
                    cells = present * len(TEXT_COLUMNS) + TEXT_COLUMNS.index(name)
                    text_cells[cells] = shown.take(row_values)
                if name == "birth_date":
                    value_days, value_digits = _date_columns(values)
                    days[present] = value_days[row_values]
                    digits[present] = value_digits[row_values]
        return cls(codes, text, days, digits)

    @classmethod
    def single(
        cls, record: Mapping[str, object], vocabulary: Vocabulary, *, grow: bool
    ) -> RecordTable:
        """Encode one normalised record (from :func:`normalized_record`)."""
        days, digits, signature = date_parts(record["birth_date"])
        text = np.array([record[name] or "\x00" for name in TEXT_COLUMNS], dtype=object)
        codes = vocabulary.encode_record(record, grow=grow)
        return cls(codes, text, np.int64(days), digits, np.int64(signature))

    def __len__(self) -> int:
        return self._size

    def rows(self, start: int, stop: int) -> RecordTable:
        """Rows ``start`` to ``stop`` (excluded), sharing this table's arrays (no copy)."""
        return RecordTable(
            self.codes[start:stop],
            self.text[start:stop],
            self.days[start:stop],
            self.digits[start:stop],
            self.signature[start:stop],
        )

    def take(self, rows: np.ndarray) -> RecordTable:
        """A table of the given rows (the same codes, so comparable with this one)."""
        return RecordTable(
            self.codes.take(rows, axis=0),
            self.text.take(rows, axis=0),
            self.days.take(rows),
            self.digits.take(rows, axis=0),
            self.signature.take(rows),
        )

    @functools.cached_property
    def scalars(self) -> tuple[list[int], list[str], int, list[int], int]:
        """A single record's codes, text, days, digits and digit signature as Python values."""
        return (
            self.codes.tolist(),
            self.text.tolist(),
            int(self.days),
            self.digits.tolist(),
            int(self.signature),
        )

    def set_row(self, position: int, record: RecordTable) -> None:
        """Overwrite one row with a single encoded record."""
        self.codes[position] = record.codes
        self.missing[position] = record.missing
        self.text[position] = [value.strip("\x00") for value in record.text]
        self.days[position] = record.days
        self.digits[position] = record.digits
        self.signature[position] = record.signature

    def append(self, record: RecordTable) -> int:
        """Add a single encoded record (amortised O(1)); returns its row position."""
        position = self._size
        if position == len(self.codes):
            capacity = max(2 * position, 16)
            for name in ("codes", "missing", "text", "days", "digits", "signature"):
                column = getattr(self, name)
                grown = np.empty((capacity, *column.shape[1:]), dtype=column.dtype)
                grown[:position] = column
                setattr(self, name, grown)
        self._size += 1
        self.set_row(position, record)
        return position
