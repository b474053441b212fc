"""Realistic errors in each agency's copy of a citizen's basic four facts.

:func:`corrupt_records` takes records with the columns ``name``, ``name_reading``,
``address``, ``sex`` and ``birth_date`` (``"YYYY-MM-DD"``) and returns a copy in
which each kind of error hits each record independently with its own probability.
The kinds, in the order they are applied:

* ``missing``: address, sex or birth date left empty (``None``); never the name.
* ``variant``: a real variant form of the surname or given name (高橋 → 髙橋,
  Meyer → Meier) or a real alternative reading (ナカジマ → ナカシマ), from the
  :class:`~sim.population.vocabulary.Vocabulary`.
* ``address_notation``: ``2丁目1番地2号`` ↔ ``2-1-2`` / ``二丁目1-2`` / ``2丁目1番2号``;
  ``Hauptstraße`` ↔ ``Hauptstr.`` / ``Hauptstrasse``.
* ``typo``: one keyboard error in the name or the address, as in the Febrl and GeCo
  corruptors: a neighbouring key substituted or inserted, a character deleted, two
  adjacent characters transposed. Latin letters use a QWERTY map (ü, ö, ä, ß where a
  German keyboard has them), digits their digit-row neighbours; Japanese names are
  mistyped in their kana reading (gojūon neighbours in the same row or column, a
  dropped or added dakuten, small ↔ large kana), Japanese addresses in their digits.
* ``width``: full-width ↔ half-width in one field: address digits, the katakana of
  the reading (ﾀｶﾊｼ), the space of a Japanese name (U+3000), Latin name letters.
* ``birth_date``: off by one day, the digits of the day or of the month swapped, day
  and month swapped, or the last two year digits swapped; only valid, different dates.

Rows are chosen by vectorised Bernoulli draws and only they are edited, one by one.
Each kind draws from its own generator seeded from ``rng``, so one rate does not move
the errors of the other kinds. A kind that cannot apply to a row (a surname without
variants, an address already missing) leaves it as it is and is not counted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from sim.population.vocabulary import Vocabulary

DEFAULT_ERROR_RATES: dict[str, float] = {
    "typo": 0.02,
    "variant": 0.03,
    "width": 0.02,
    "address_notation": 0.05,
    "missing": 0.02,
    "birth_date": 0.01,
}
"""Default probability, per record, of each kind of error.

The *kinds* of error follow the Febrl data-set generator (Christen, ``generate.py``) and
GeCo (Tran, Vatsalan & Christen 2013, "GeCo: an online personal data generator and
corruptor", CIKM). The mix within a typo (substitute 67 %, delete 18 %, insert 12 %,
transpose 3 %) is Damerau's 1964 count of single errors (567/153/99/23 of 842), as
quoted in Febrl's ``generate.py``.

The *rates* are an **assumption**: Febrl and GeCo give only conditional probabilities
(which change, once a field is picked), and FACTS.md has no figure for how often an
agency's record is wrong (its 0.010 % My Number mis-linkage share is an outcome of
matching, not an input). They are round numbers of a few per cent per record, with
notation the highest because it is the least standardised field. Calibrate them per
scenario.
"""

KINDS = ("missing", "variant", "address_notation", "typo", "width", "birth_date")
REQUIRED_COLUMNS = ("name", "name_reading", "address", "sex", "birth_date")
_TEXT = ("name", "name_reading", "address", "birth_date")
_TYPO_OPERATIONS = np.cumsum([567, 153, 99, 23]) / 842  # substitute, delete, insert, transpose


def corrupt_records(
    records: pd.DataFrame,
    rates: Mapping[str, float],
    rng: np.random.Generator,
    vocab: Vocabulary,
) -> pd.DataFrame:
    """A corrupted copy of ``records`` plus a column ``n_errors`` (errors applied per row).

    Args:
        records: columns ``name``, ``name_reading``, ``address``, ``sex``, ``birth_date``;
            other columns are copied unchanged.
        rates: probability per record of each kind in ``KINDS``; a kind left out has
            rate 0 (pass ``{**DEFAULT_ERROR_RATES, ...}`` for the defaults).
        rng: the only source of randomness; the same state gives the same result.
        vocab: the vocabulary the names come from (variants, readings, locale).

    Returns:
        A new frame with the same index and column types. A missing value is ``None``
        in an object column and the column's own missing value otherwise (``NaN`` in
        pandas' ``str`` type); a ``sex`` column of a numpy integer type becomes the
        pandas nullable type (``int8`` → ``Int8``) so that it can hold one.
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in records.columns]
    if missing:
        raise ValueError(f"records lack column(s) {missing}; expected {list(REQUIRED_COLUMNS)}")
    unknown = sorted(set(rates) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown error kind(s) {unknown} in rates; expected some of {KINDS}")
    for kind, rate in rates.items():
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError(f"rates[{kind!r}] = {rate!r}; expected a probability in [0, 1]")

    n = len(records)
    columns = {name: records[name].to_numpy(dtype=object, copy=True) for name in _TEXT}
    columns["sex"] = records["sex"].to_numpy(dtype=object, copy=True)
    n_errors = np.zeros(n, dtype=np.int64)
    for kind, seed in zip(KINDS, rng.integers(0, 2**63, size=len(KINDS)), strict=True):
        kind_rng = np.random.default_rng(int(seed))
        hit = np.flatnonzero(kind_rng.random(n) < float(rates.get(kind, 0.0)))
        uniforms = kind_rng.random((hit.size, 4)).tolist()
        apply = _APPLY[kind]
        for row, u in zip(hit.tolist(), uniforms, strict=True):
            n_errors[row] += apply(columns, row, u, vocab)

    out = records.copy()
    for name in _TEXT:
        out[name] = pd.Series(columns[name], index=records.index, dtype=records[name].dtype)
    out["sex"] = pd.array(columns["sex"], dtype=_nullable(records["sex"].dtype))
    out["n_errors"] = n_errors
    return out


def _nullable(dtype: object) -> object:
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return f"{'U' if dtype.kind == 'u' else ''}Int{dtype.itemsize * 8}"
    return dtype


def _present(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _pick(options: list | tuple, u: float) -> object:
    return options[min(int(u * len(options)), len(options) - 1)]


def _write(columns: dict, row: int, vocab: Vocabulary, field: str, value: str | None) -> bool:
    """Store an edited field; a Latin name and its reading are one and the same string."""
    same = columns["name"][row] == columns["name_reading"][row]
    if field in ("name", "name_reading") and vocab.locale == "latin" and same:
        columns["name_reading"][row] = value
        field = "name"
    columns[field][row] = value
    return True


def _missing(columns: dict, row: int, u: list[float], vocab: Vocabulary) -> bool:
    fields = [
        field for field in ("address", "sex", "birth_date") if not pd.isna(columns[field][row])
    ]
    return bool(fields) and _write(columns, row, vocab, _pick(fields, u[0]), None)


# -- variant ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _variant_tables(vocab: Vocabulary) -> dict[str, tuple[dict, dict]]:
    """Per part of the name: written form -> all its forms, (form, reading) -> all readings."""
    tables: dict[str, tuple[dict, dict]] = {"surname": ({}, {}), "given": ({}, {})}
    for prefix in ("surname", "given_male", "given_female"):
        forms, readings = tables[prefix.split("_")[0]]
        names = vocab.surnames if prefix == "surname" else getattr(vocab, prefix)
        parts = (getattr(vocab, prefix + suffix) for suffix in ("_readings", "_variants"))
        for name, reading, variants, alts in zip(
            names, *parts, getattr(vocab, prefix + "_alt_readings"), strict=True
        ):
            group, all_readings = (str(name), *variants), (str(reading), *alts)
            for form in group:
                forms.setdefault(form, group)
                for value in all_readings if alts else ():
                    readings[(form, value)] = all_readings
    return tables


def _variant(columns: dict, row: int, u: list[float], vocab: Vocabulary) -> bool:
    name, reading = columns["name"][row], columns["name_reading"][row]
    if not _present(name) or " " not in name:
        return False
    (surname_forms, surname_readings), (given_forms, given_readings) = _variant_tables(
        vocab
    ).values()
    surname, given = name.split(" ", 1)
    options = [("name", f"{f} {given}") for f in surname_forms.get(surname, ()) if f != surname]
    options += [("name", f"{surname} {f}") for f in given_forms.get(given, ()) if f != given]
    if vocab.locale == "ja" and _present(reading) and " " in reading:
        first, second = reading.split(" ", 1)
        alts = surname_readings.get((surname, first), ())
        options += [("name_reading", f"{alt} {second}") for alt in alts if alt != first]
        alts = given_readings.get((given, second), ())
        options += [("name_reading", f"{first} {alt}") for alt in alts if alt != second]
    return bool(options) and _write(columns, row, vocab, *_pick(options, u[0]))


# -- address notation ------------------------------------------------------------------

_KANJI_DIGITS = "〇一二三四五六七八九"
_JA_NOTATIONS = (
    ("{c}丁目{b}番地{g}号", r"(\d+)丁目(\d+)番地(\d+)号$"),
    ("{c}-{b}-{g}", r"(\d+)-(\d+)-(\d+)$"),
    ("{k}丁目{b}-{g}", r"([一二三四五六七八九十]+)丁目(\d+)-(\d+)$"),
    ("{c}丁目{b}番{g}号", r"(\d+)丁目(\d+)番(\d+)号$"),
)
_JA_PATTERNS = [re.compile(r"(?<= )" + pattern) for _, pattern in _JA_NOTATIONS]
_STREET = re.compile(r"([Ss])tr(aße|asse|\.)")
_STREET_FORMS = ("aße", "asse", ".")


def _kanji_number(number: int) -> str:
    """1..99 in kanji: 2 → 二, 10 → 十, 12 → 十二, 20 → 二十."""
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _KANJI_DIGITS[tens] + "十")
    return head + (_KANJI_DIGITS[ones] if ones or not head else "")


def _arabic_number(kanji: str) -> int:
    tens, mark, ones = kanji.rpartition("十")
    value = _KANJI_DIGITS.index(ones) if ones else 0
    return value + (10 * (_KANJI_DIGITS.index(tens) if tens else 1) if mark else 0)


def _address_notation(columns: dict, row: int, u: list[float], vocab: Vocabulary) -> bool:
    address = columns["address"][row]
    if not _present(address):
        return False
    for current, pattern in enumerate(_JA_PATTERNS):
        match = pattern.search(address)
        if match is None:
            continue
        first, block, number = match.groups()
        chome = _arabic_number(first) if current == 2 else int(first)
        if not 1 <= chome <= 99:
            return False
        others = [form for i, (form, _) in enumerate(_JA_NOTATIONS) if i != current]
        text = _pick(others, u[0]).format(c=chome, k=_kanji_number(chome), b=block, g=number)
        return _write(columns, row, vocab, "address", address[: match.start()] + text)
    *_, match = [None, *_STREET.finditer(address)]
    if match is None:
        return False
    others = [form for form in _STREET_FORMS if form != match.group(2)]
    text = f"{address[: match.start()]}{match.group(1)}tr{_pick(others, u[0])}"
    return _write(columns, row, vocab, "address", text + address[match.end() :])


# -- typo ------------------------------------------------------------------------------


def _link(table: dict[str, set[str]], a: str, b: str) -> None:
    table.setdefault(a, set()).add(b)
    table.setdefault(b, set()).add(a)


def _grid(rows: list[str], table: dict[str, set[str]]) -> None:
    """Link each cell to its right and lower neighbour (・ marks an empty cell)."""
    for r, line in enumerate(rows):
        for c, char in enumerate(line):
            right = line[c + 1] if c + 1 < len(line) else "・"
            below = rows[r + 1][c] if r + 1 < len(rows) else "・"
            for near in (right, below):
                if "・" not in (char, near):
                    _link(table, char, near)


@functools.cache
def _kana_neighbours() -> dict[str, tuple[str, ...]]:
    """Gojūon neighbours (same row or column), dakuten dropped or added, small ↔ large."""
    table: dict[str, set[str]] = {}
    plain = "アイウエオ カキクケコ サシスセソ タチツテト ナニヌネノ ハヒフヘホ マミムメモ"
    voiced = "ガギグゲゴ ザジズゼゾ ダヂヅデド バビブベボ パピプペポ"
    _grid((plain + " ヤ・ユ・ヨ ラリルレロ ワ・・・ヲ").split(), table)
    _grid(voiced.split(), table)
    pairs = [(char, unicodedata.normalize("NFD", char)[0]) for char in voiced.replace(" ", "")]
    pairs += [("ヴ", "ウ"), ("ン", "ヌ"), ("ン", "ム"), ("ー", "ウ")]
    for a, b in pairs + list(zip("ァィゥェォャュョッ", "アイウエオヤユヨツ", strict=True)):
        _link(table, a, b)
    return {char: tuple(sorted(near)) for char, near in table.items()}


@functools.cache
def _key_neighbours() -> dict[str, tuple[str, ...]]:
    """QWERTY letters (ü, ö, ä, ß where a German keyboard has them); digits on their row."""
    table: dict[str, set[str]] = {}
    rows = ["qwertyuiopü", "asdfghjklöä", "zxcvbnm"]
    for r, line in enumerate(rows):
        for c, char in enumerate(line):
            if c + 1 < len(line):
                _link(table, char, line[c + 1])
            below = rows[r + 1] if r + 1 < len(rows) else ""
            for near in below[max(c - 1, 0) : c + 1]:  # staggered rows: lower-left, lower
                _link(table, char, near)
    for char in list(table):
        table[char.upper()] = {key.upper() for key in table[char]}
    for a, b in [*zip("123456789", "234567890", strict=True), ("0", "ß"), ("ß", "ü")]:
        _link(table, a, b)
    return {char: tuple(sorted(near)) for char, near in table.items()}


def _typo(columns: dict, row: int, u: list[float], vocab: Vocabulary) -> bool:
    japanese = vocab.locale == "ja"
    targets = []  # (field, text, editable positions, neighbour table)
    for field in ("name_reading" if japanese else "name", "address"):
        text = columns[field][row]
        if not _present(text):
            continue
        if japanese and field == "address":  # the digits after the municipality
            near = _key_neighbours()
            positions = [i for i in range(text.find(" ") + 1, len(text)) if "0" <= text[i] <= "9"]
        else:
            near = _kana_neighbours() if japanese else _key_neighbours()
            positions = [i for i, char in enumerate(text) if char in near]
        if positions:
            targets.append((field, text, positions, near))
    if not targets:
        return False
    field, text, positions, near = _pick(targets, u[0])
    operation = int(np.searchsorted(_TYPO_OPERATIONS, u[1], side="right"))
    editable = set(positions)
    pairs = [i for i in positions if i + 1 in editable and text[i] != text[i + 1]]
    if operation == 3 and pairs:  # transpose
        i = _pick(pairs, u[2])
        new = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    elif operation == 1 and len(text.replace(" ", "")) > 1:  # delete
        i = _pick(positions, u[2])
        new = text[:i] + text[i + 1 :]
    else:  # insert after, or substitute, a neighbouring key
        i = _pick(positions, u[2])
        key = _pick(near[text[i]], u[3])
        new = (
            text[: i + 1] + key + text[i + 1 :]
            if operation == 2
            else text[:i] + key + text[i + 1 :]
        )
    return _write(columns, row, vocab, field, new)


# -- width -----------------------------------------------------------------------------

_ASCII = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FULL = str.maketrans(_ASCII, "".join(chr(ord(c) + 0xFEE0) for c in _ASCII))
_HALF = str.maketrans("".join(chr(ord(c) + 0xFEE0) for c in _ASCII), _ASCII)
_FULL_DIGITS = str.maketrans(_ASCII[:10], "".join(chr(ord(c) + 0xFEE0) for c in _ASCII[:10]))
_HALF_DIGITS = {value: key for key, value in _FULL_DIGITS.items()}


@functools.cache
def _half_kana() -> dict[int, str]:
    """Full-width katakana → half-width (ガ → ｶﾞ), from the NFKC forms of U+FF66..U+FF9F."""
    table: dict[int, str] = {}
    for code in range(0xFF66, 0xFFA0):
        full = unicodedata.normalize("NFKC", chr(code))
        if len(full) == 1 and "\u30a0" <= full <= "\u30ff":
            table[ord(full)] = chr(code)
    for code in range(0x30A1, 0x30FB):
        base, *marks = unicodedata.normalize("NFD", chr(code))
        if marks and ord(base) in table:
            table[code] = table[ord(base)] + ("ﾞ" if marks[0] == "\u3099" else "ﾟ")
    return table


def _switch_width(field: str, text: str, locale: str) -> str:
    """The text with its characters of one width switched to the other width."""
    if field == "address":
        head, _, rest = text.partition(" ")
        digits = [rest.translate(_FULL_DIGITS), rest.translate(_HALF_DIGITS)]
        return head + " " + next((new for new in digits if new != rest), rest)
    if field == "name_reading" and locale == "ja":
        options = [text.translate(_half_kana()), unicodedata.normalize("NFKC", text)]
    elif locale == "ja":
        options = [text.replace(" ", "\u3000", 1), text.replace("\u3000", " ", 1)]
    else:
        options = [text.translate(_FULL), text.translate(_HALF)]
    return next((new for new in options if new != text), text)


def _width(columns: dict, row: int, u: list[float], vocab: Vocabulary) -> bool:
    fields = ("name", "name_reading", "address") if vocab.locale == "ja" else ("name", "address")
    options = []
    for field in fields:
        text = columns[field][row]
        new = _switch_width(field, text, vocab.locale) if _present(text) else text
        if new != text:
            options.append((field, new))
    return bool(options) and _write(columns, row, vocab, *_pick(options, u[0]))


# -- birth date ------------------------------------------------------------------------


def _birth_date(columns: dict, row: int, u: list[float], vocab: Vocabulary) -> bool:
    text = columns["birth_date"][row]
    try:
        day = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    y, m, d = f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"
    y_swapped = f"{y[:2]}{y[3]}{y[2]}"
    candidates = [
        f"{y}-{m}-{d[::-1]}",
        f"{y}-{m[::-1]}-{d}",
        f"{y}-{d}-{m}",
        f"{y_swapped}-{m}-{d}",
    ]
    step = dt.timedelta(days=1 if u[1] < 0.5 else -1)
    options = [] if day in (dt.date.min, dt.date.max) else [(day + step).isoformat()]
    for candidate in candidates:
        with contextlib.suppress(ValueError):
            if candidate != day.isoformat() and dt.date.fromisoformat(candidate):
                options.append(candidate)
    return bool(options) and _write(columns, row, vocab, "birth_date", _pick(options, u[0]))


_APPLY: dict[str, Callable[[dict, int, list[float], Vocabulary], bool]] = {
    "missing": _missing,
    "variant": _variant,
    "address_notation": _address_notation,
    "typo": _typo,
    "width": _width,
    "birth_date": _birth_date,
}
