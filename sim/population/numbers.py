"""National numbers: 12 digits, the last a check digit computed as for Japan's My Number."""

from __future__ import annotations

import functools

import numpy as np

from sim.population.blocks import blocks

BASE_SPACE = 10**11
_MULTIPLIER = 7_919_990_003  # coprime with 10**11, so i -> (a*i + b) mod 10**11 is one-to-one


def check_digit(base: np.ndarray) -> np.ndarray:
    """The My Number check digit of 11-digit bases (Ordinance on the Individual Number, art. 5).

    With P_n the n-th digit counted from the right of the base and weights
    Q_n = n + 1 (n ≤ 6) or n − 5 (n ≥ 7), the check digit is 0 when
    sum(P_n·Q_n) mod 11 ≤ 1 and 11 minus that remainder otherwise.

    The weights of digits 1–6 (2, 3, ..., 7) repeat for digits 7–11 (2, ..., 6),
    so the sum is that of the low six digits plus that of the high five, each
    looked up in one table of the weighted sums of 0 .. 999,999; a second table
    gives the check digit of each possible sum.
    """
    base = np.asarray(base, dtype=np.int64) % BASE_SPACE  # only the 11 digits count
    high, low = np.divmod(base, _SPLIT)
    sums = _weighted_digit_sums()
    return _check_digit_of_sum()[sums[low] + sums[high]]


_SPLIT = 1_000_000


@functools.cache
def _weighted_digit_sums() -> np.ndarray:
    """sum(P_n·(n + 1)) over the digits P_1..P_6 (from the right) of each of 0 .. 999,999."""
    rest = np.arange(_SPLIT, dtype=np.int32)
    total = np.zeros(_SPLIT, dtype=np.int16)
    for n in range(1, 7):
        total += (rest % 10 * (n + 1)).astype(np.int16)
        rest //= 10
    total.setflags(write=False)
    return total


@functools.cache
def _check_digit_of_sum() -> np.ndarray:
    """The check digit (int64) of each possible weighted digit sum, 0 .. 2·9·(2 + ... + 7)."""
    remainder = np.arange(2 * 9 * sum(range(2, 8)) + 1) % 11
    digit = np.where(remainder <= 1, 0, 11 - remainder).astype(np.int64)
    digit.setflags(write=False)
    return digit


def issue_numbers(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct 12-digit national numbers (int64) spread over the number space.

    Person i gets the base (a·i + b) mod 10**11, worked out block by block: a
    block starting at person s counts on from base(s) in steps of a, which is
    exact in int64 for blocks of up to 10**9 numbers.
    """
    if count > BASE_SPACE:
        raise ValueError(f"cannot issue {count} distinct numbers from 11 digits")
    offset = int(rng.integers(0, BASE_SPACE))
    numbers = np.empty(count, dtype=np.int64)
    for start, stop in blocks(count):
        first_base = (_MULTIPLIER * start + offset) % BASE_SPACE  # Python integers: exact
        base = (first_base + np.arange(stop - start, dtype=np.int64) * _MULTIPLIER) % BASE_SPACE
        numbers[start:stop] = base * 10 + check_digit(base)
    return numbers


def is_valid_number(numbers: np.ndarray) -> np.ndarray:
    """Whether each 12-digit number carries the right check digit."""
    numbers = np.asarray(numbers, dtype=np.int64)
    return (numbers // 10 < BASE_SPACE) & (numbers % 10 == check_digit(numbers // 10))
