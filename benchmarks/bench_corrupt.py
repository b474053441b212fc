"""Records corrupted per second: 100,000 records, default error rates, both locales.

Run with ``python -m benchmarks.bench_corrupt`` (or ``python benchmarks/bench_corrupt.py``).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from sim.population.corrupt import DEFAULT_ERROR_RATES, corrupt_records
from sim.population.vocabulary import Vocabulary

ROWS = 100_000


def make_records(vocab: Vocabulary, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` clean records drawn from ``vocab``, as an agency would hold them."""
    sex = rng.integers(1, 3, size=n).astype(np.int8)
    surnames = vocab.draw_surnames(rng, n)
    given = vocab.draw_given(rng, sex)
    municipalities = rng.choice(vocab.draw_municipalities(rng, 20), size=n)
    block = rng.integers(1, 31, size=(n, 3))
    birth = np.datetime64("1930-01-01") + rng.integers(0, 33_000, size=n)
    return pd.DataFrame(
        {
            "name": vocab.full_name(surnames, given, sex).astype(object),
            "name_reading": vocab.full_reading(surnames, given, sex).astype(object),
            "address": vocab.address(municipalities, block).astype(object),
            "sex": sex,
            "birth_date": birth.astype(str).astype(object),
        }
    )


def main() -> None:
    """Print records corrupted per second for each locale."""
    for locale in ("ja", "latin"):
        vocab = Vocabulary.load(locale)
        records = make_records(vocab, ROWS, np.random.default_rng(1))
        for label, rates in (("default rates", DEFAULT_ERROR_RATES), ("every rate 0.5", None)):
            rates = rates or dict.fromkeys(DEFAULT_ERROR_RATES, 0.5)
            start = time.perf_counter()
            out = corrupt_records(records, rates, np.random.default_rng(2), vocab)
            seconds = time.perf_counter() - start
            print(
                f"{locale:5s} {label:15s} {ROWS:,} records in {seconds:.3f} s: "
                f"{ROWS / seconds:,.0f} records/s, {out['n_errors'].sum():,} errors"
            )


if __name__ == "__main__":
    main()
