"""Normalisation of the four basic facts before they are compared.

Every function here takes one raw value and returns its normalised form, or
``None`` when the value is missing or normalises to nothing.
:func:`normalize_series` does the same for a whole pandas Series.

What is folded:

* Unicode width and compatibility forms (NFKC): full-width digits and letters,
  half-width katakana, the ideographic space.
* Variant kanji to one canonical form (``sim/data/kanji_variants.csv``, e.g.
  髙→高, 﨑→崎, 邊→辺, 澤→沢) and ideographic variation selectors.
* Case and accents of Latin letters (``"Müller"`` → ``"muller"``), punctuation
  in names, runs of whitespace.
* Readings: hiragana to katakana (``"たかはし"`` → ``"タカハシ"``).
* Japanese address notation: kanji numerals before 丁目/番/号 or next to a
  hyphen, and ``丁目``/``番地``/``番``/``号`` themselves, so that
  ``"2丁目1番地2号"``, ``"２丁目１番２号"``, ``"2-1-2"`` and ``"二丁目1-2"`` all
  become ``"2-1-2"``.

The batch path joins the distinct values of a column with newlines and runs
each step once over that one string, so a column of 1e5 values is normalised by
a handful of C-level passes rather than 1e5 Python calls.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

Kind = Literal["name", "reading", "address", "sex", "date"]

_KANJI_DIGITS = {char: digit for digit, char in enumerate("〇一二三四五六七八九")}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
# A run of kanji numerals is read as a number only next to address notation
# (see _kanji_number), so place names such as 八王子市 or 千代田区 stay as they are.
_KANJI_NUMBER_RE = re.compile("[〇一二三四五六七八九十百千]+")
_NUMBER_FOLLOWERS = set("丁番号-ー の\n")
# Address marks are recognised by what follows them, which keeps the regexes
# literal-first (fast to scan): 一番町 stays a place name, 2丁目1番地2号 → 2-1-2.
_BLOCK_MARK_RE = re.compile(r"(?:丁目|番地|番|丁)(?=[\d の-]|$)", re.M)
_NUMBER_MARK_RE = re.compile(r"号(?=[ \n]|$)")
_DIGIT_JOINER_RE = re.compile(r"[ーの](?=\d)")
# A run of hyphens, with a space after it, becomes one hyphen (a lone one stays as it is).
_HYPHEN_RUN_RE = re.compile(r"--+ ?|- ")
_TRAILING_HYPHEN_RE = re.compile(r"-+$", re.M)
_NAME_PUNCT_RE = re.compile(r"[^\w\s]")
_ADDRESS_PUNCT_RE = re.compile(r"[^\w\s-]")
# Runs of whitespace other than a single space (a lone space is already tidy).
_SPACES_RE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_RE = re.compile(r"(\d{4})[-/.年 ](\d{1,2})[-/.月 ](\d{1,2})日?|(\d{4})(\d{2})(\d{2})")

_SEX_CODES = {
    "m": "M",
    "male": "M",
    "man": "M",
    "男": "M",
    "男性": "M",
    "f": "F",
    "female": "F",
    "woman": "F",
    "女": "F",
    "女性": "F",
    "x": "X",
}
# Latin letters that Unicode does not decompose into base letter + accent.
_LATIN_EXTRA = {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
_DASH_CODES = np.array([ord(c) for c in "‐‑‒–—―−﹣/"], dtype=np.uint32)


def kanji_variants() -> dict[str, str]:
    """Map each variant kanji to its canonical form, chains resolved.

    Read once from ``sim/data/kanji_variants.csv`` (columns ``variant,canonical``).
    """
    return dict(_kanji_variants())


@functools.cache
def _kanji_variants() -> tuple[tuple[str, str], ...]:
    path = Path(__file__).resolve().parent.parent / "data" / "kanji_variants.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        table = {row["variant"]: row["canonical"] for row in csv.DictReader(handle)}
    resolved = {}
    for variant, canonical in table.items():
        seen = {variant}
        while canonical in table:
            if canonical in seen:
                raise ValueError(f"kanji_variants.csv: cycle through {canonical!r}")
            seen.add(canonical)
            canonical = table[canonical]
        resolved[variant] = canonical
    return tuple(resolved.items())


@functools.cache
def _fold_lookup() -> np.ndarray:
    """Code point → replacement code point (0 deletes) for every Unicode code point."""
    lookup = np.arange(0x110000, dtype=np.uint32)
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = [c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c)]
        if len(base) == 1 and base[0] != chr(code) and base[0].isascii():
            lookup[code] = ord(base[0])
    for char, base in _LATIN_EXTRA.items():
        if len(base) == 1:
            lookup[ord(char)] = ord(base)
    lookup[0x300:0x370] = 0  # stray combining accents
    lookup[0xFE00:0xFE10] = 0  # variation selectors
    lookup[0xE0100:0xE01F0] = 0  # ideographic variation selectors
    lookup[ord("・")] = ord(" ")
    for variant, canonical in _kanji_variants():
        lookup[ord(variant)] = ord(canonical)
    return lookup


@functools.cache
def _translate_table(kind: str) -> dict[int, str | None]:
    """The mapping of :func:`_fold_lookup` plus the per-kind folds, for ``str.translate``."""
    lookup = _fold_lookup()
    changed = np.flatnonzero(lookup != np.arange(len(lookup), dtype=np.uint32)).tolist()
    table: dict[int, str | None] = {c: chr(lookup[c]) if lookup[c] else None for c in changed}
    table.update({ord(char): base for char, base in _LATIN_EXTRA.items()})
    if kind == "reading":
        table.update({c: chr(c + 0x60) for c in [*range(0x3041, 0x3097), 0x309D, 0x309E]})
    elif kind == "address":
        table.update(dict.fromkeys(_DASH_CODES.tolist(), "-"))
    return table


def _nfkc(text: str) -> str:
    """NFKC of newline-joined values, normalising only the lines not already in NFKC.

    A line's quick check is a fast scan, while NFKC of the whole text decomposes
    and recomposes every character once any one of them needs it. No character
    composes across a newline, so the result is the NFKC of the whole text.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    lines = text.split("\n")
    return "\n".join(
        line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
        for line in lines
    )


def _fold(text: str, kind: str) -> str:
    """NFKC, case fold, then fold code points: ``str.translate`` for short text, numpy for long."""
    text = _nfkc(text).casefold()
    if len(text) < 4096:
        return text.translate(_translate_table(kind))
    for char, base in _LATIN_EXTRA.items():
        if len(base) > 1:
            text = text.replace(char, base)
    codes = _fold_lookup()[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]
    if kind == "reading":
        hiragana = (codes >= 0x3041) & (codes <= 0x3096) | (codes == 0x309D) | (codes == 0x309E)
        codes[hiragana] += 0x60
    elif kind == "address":
        codes[np.isin(codes, _DASH_CODES, kind="table")] = ord("-")
    return codes[codes != 0].tobytes().decode("utf-32-le")


def _kanji_number(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else "\n"
    after = text[end] if end < len(text) else "\n"
    if not (before == "-" or before.isdigit() or after in _NUMBER_FOLLOWERS or after.isdigit()):
        return match.group()
    numerals = match.group()
    if not any(ch in _KANJI_UNITS for ch in numerals):
        return "".join(str(_KANJI_DIGITS[ch]) for ch in numerals)
    total = digit = 0
    for ch in numerals:
        if ch in _KANJI_UNITS:
            total += (digit or 1) * _KANJI_UNITS[ch]
            digit = 0
        else:
            digit = _KANJI_DIGITS[ch]
    return str(total + digit)


def _tidy_spaces(text: str) -> str:
    text = _SPACES_RE.sub(" ", text)
    return text.replace(" \n", "\n").replace("\n ", "\n").strip(" ")


def _name_block(text: str) -> str:
    return _tidy_spaces(_NAME_PUNCT_RE.sub("", _fold(text, "name")))


def _reading_block(text: str) -> str:
    return _tidy_spaces(_NAME_PUNCT_RE.sub("", _fold(text, "reading")))


def _address_block(text: str) -> str:
    text = _KANJI_NUMBER_RE.sub(_kanji_number, _fold(text, "address"))
    text = _NUMBER_MARK_RE.sub("", _BLOCK_MARK_RE.sub("-", text))
    text = _DIGIT_JOINER_RE.sub("-", text)
    text = _tidy_spaces(_ADDRESS_PUNCT_RE.sub("", text))
    text = _HYPHEN_RUN_RE.sub("-", text).replace(" -", "-")
    text = _TRAILING_HYPHEN_RE.sub("", text).replace("\n-", "\n")
    return text.removeprefix("-")


_BLOCKS: dict[str, Callable[[str], str]] = {
    "name": _name_block,
    "reading": _reading_block,
    "address": _address_block,
}


def _normalize_strings(values: list[str], kind: str) -> list[str | None]:
    """Normalise many strings with one pass of each step over their newline join."""
    if not values:
        return []
    text = "\n".join(values)
    if text.count("\n") != len(values) - 1:
        text = "\n".join(value.replace("\n", " ") for value in values)
    return [part or None for part in _BLOCKS[kind](text).split("\n")]


def is_missing(value: object) -> bool:
    """True for None, NaN, ``pd.NA`` and ``pd.NaT``."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


@functools.lru_cache(maxsize=1 << 16)
def _normalize_text(value: str, kind: str) -> str | None:
    return _normalize_strings([value], kind)[0]


def _normalize_text_scalar(value: object, kind: str) -> str | None:
    if is_missing(value):
        return None
    return _normalize_text(value if isinstance(value, str) else str(value), kind)


def normalize_name(value: object) -> str | None:
    """Normalise a name.

    ``"ＳＭＩＴＨ,  Jöhn"`` → ``"smith john"``; ``"髙橋 太郎"`` → ``"高橋 太郎"``.
    """
    return _normalize_text_scalar(value, "name")


def normalize_reading(value: object) -> str | None:
    """Normalise a kana reading to katakana: ``"たかはし たろう"`` → ``"タカハシ タロウ"``."""
    return _normalize_text_scalar(value, "reading")


def normalize_address(value: object) -> str | None:
    """Normalise an address: ``"横浜市　二丁目1番地2号"`` → ``"横浜市 2-1-2"``."""
    return _normalize_text_scalar(value, "address")


@functools.lru_cache(maxsize=1 << 12)
def _normalize_sex(value: str) -> str | None:
    return _SEX_CODES.get(unicodedata.normalize("NFKC", value).strip().casefold())


def normalize_sex(value: object) -> str | None:
    """Normalise sex to ``"M"``, ``"F"`` or ``"X"``; anything unrecognised is missing."""
    return None if is_missing(value) else _normalize_sex(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _normalize_date(value: str) -> str | None:
    match = _DATE_RE.search(unicodedata.normalize("NFKC", value))
    if match is None:
        return None
    year, month, day = (part for part in match.groups() if part is not None)
    return f"{year}-{int(month):02d}-{int(day):02d}"


def normalize_date(value: object) -> str | None:
    """Normalise a date to ``"YYYY-MM-DD"``.

    Accepts ``"1985-03-12"``, ``"1985/3/12"``, ``"19850312"``, ``"1985年3月12日"``,
    full-width digits, and ``datetime.date`` objects. The digits are kept even
    when they do not form a valid calendar date (``"1985-13-02"``), because such
    a typo still says something when compared digit by digit.
    """
    if is_missing(value):
        return None
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return _normalize_date(str(value))


def _normalize_dates(values: list[object]) -> list[str | None]:
    """:func:`normalize_date` of each value; one already spelt YYYY-MM-DD is its own form."""
    return [
        value if isinstance(value, str) and _ISO_DATE_RE.fullmatch(value) else normalize_date(value)
        for value in values
    ]


def normalize_series(values: pd.Series, kind: Kind) -> pd.Series:
    """Normalise a whole column; missing values become ``None``.

    Args:
        values: raw values (strings, None/NaN; dates may also be ``datetime.date``).
        kind: ``"name"``, ``"reading"``, ``"address"``, ``"sex"`` or ``"date"``.

    Returns:
        An object Series with the same index holding normalised strings or None.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.append(normalize_distinct(np.asarray(uniques, dtype=object), kind), None)
    return pd.Series(table[codes], index=values.index, dtype=object)


def normalize_distinct(values: np.ndarray, kind: Kind) -> np.ndarray:
    """Normalise present values (no missing ones), each once: an object array of the results."""
    if kind in _BLOCKS:
        strings = [v if isinstance(v, str) else str(v) for v in values.tolist()]
        normalized = _normalize_strings(strings, kind)
    elif kind == "date":
        normalized = _normalize_dates(values.tolist())
    elif kind == "sex":
        normalized = [normalize_sex(value) for value in values.tolist()]
    else:
        raise ValueError(
            f"unknown kind {kind!r}; expected one of name, reading, address, sex, date"
        )
    out = np.empty(len(normalized), dtype=object)
    out[:] = normalized
    return out


def split_first(value: str | None) -> tuple[str | None, str | None]:
    """Split ``"surname given names"`` (or ``"municipality rest"``) at the first space."""
    if value is None:
        return None, None
    head, _, tail = value.partition(" ")
    return head or None, tail or None
