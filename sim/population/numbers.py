"""National numbers: 12 digits, the last a check digit computed as for Japan's My Number."""

from __future__ import annotations

import numpy as np

BASE_SPACE = 10**11
_MULTIPLIER = 7_919_990_003  # coprime with 10**11, so i -> (a*i + b) mod 10**11 is one-to-one


def check_digit(base: np.ndarray) -> np.ndarray:
    """The My Number check digit of 11-digit bases (Ordinance on the Individual Number, art. 5).

    With P_n the n-th digit counted from the right of the base and weights
    Q_n = n + 1 (n ≤ 6) or n − 5 (n ≥ 7), the check digit is 0 when
    sum(P_n·Q_n) mod 11 ≤ 1 and 11 minus that remainder otherwise.
    """
    base = np.asarray(base, dtype=np.int64)
    total = np.zeros(base.shape, dtype=np.int64)
    rest = base.copy()
    for n in range(1, 12):
        digit = rest % 10
        rest //= 10
        weight = n + 1 if n <= 6 else n - 5
        total += digit * weight
    remainder = total % 11
    return np.where(remainder <= 1, 0, 11 - remainder)


def issue_numbers(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct 12-digit national numbers (int64) spread over the number space."""
    if count > BASE_SPACE:
        raise ValueError(f"cannot issue {count} distinct numbers from 11 digits")
    offset = int(rng.integers(0, BASE_SPACE))
    index = np.arange(count, dtype=np.int64)
    # (a*i + b) mod 10**11 without overflow: split a into high and low parts.
    high, low = divmod(_MULTIPLIER, 100_000)
    base = ((index * high % BASE_SPACE) * 100_000 + index * low + offset) % BASE_SPACE
    return base * 10 + check_digit(base)


def is_valid_number(numbers: np.ndarray) -> np.ndarray:
    """Whether each 12-digit number carries the right check digit."""
    numbers = np.asarray(numbers, dtype=np.int64)
    return (numbers // 10 < BASE_SPACE) & (numbers % 10 == check_digit(numbers // 10))
