"""Record linkage speed: candidate pairs scored per second, and match_one calls per second.

Two synthetic tables of 20,000 people (70 % of them the same people, copied with
a few per cent of errors) are linked in batch; then a Matcher fitted on one table
answers every record of the other, one at a time: with the default blocking keys
(the 50 municipalities make blocks of ~400 people, which dominate the candidates)
and with birth date and reading only (blocks of a few people).

Run with ``python benchmarks/bench_linkage.py`` (or ``python -m benchmarks.bench_linkage``).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from sim.linkage import BLOCKING_KEYS, Matcher, link, precision_recall
from sim.linkage.matcher import QUERY_CACHE_SIZE

ROWS = 20_000
ERROR_RATE = 0.05
KANJI = "高橋佐藤鈴木田中渡辺伊山本村小林加吉松井上清水崎森池石川浜沢島野原岡谷口宮近"
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"


def _names(rng: np.random.Generator, count: int) -> list[tuple[str, str]]:
    """``count`` (< 50,000) distinct (kanji, reading) names of 2–3 kanji, each with a reading."""
    seen: dict[str, str] = {}
    while len(seen) < count:
        kanji = "".join(rng.choice(list(KANJI), size=rng.integers(2, 4)))
        seen.setdefault(kanji, "".join(rng.choice(list(KANA), size=rng.integers(2, 5))))
    return list(seen.items())


def make_people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` people drawn from 1,500 surnames, 1,000 given names and 50 municipalities."""
    surnames, given = _names(rng, 1500), _names(rng, 1000)
    s, g = rng.integers(len(surnames), size=n), rng.integers(len(given), size=n)
    where = rng.integers([0, 1, 1, 1], [50, 10, 31, 31], size=(n, 4)).tolist()
    birth = np.datetime64("1935-01-01") + rng.integers(0, 80 * 365, size=n).astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "name": [f"{surnames[i][0]} {given[j][0]}" for i, j in zip(s, g, strict=True)],
            "name_reading": [f"{surnames[i][1]} {given[j][1]}" for i, j in zip(s, g, strict=True)],
            "address": [f"市{t:02d} {c}丁目{b}番地{h}号" for t, c, b, h in where],
            "sex": rng.choice(["M", "F"], size=n),
            "birth_date": birth.astype(str),
        }
    )


def corrupt(rng: np.random.Generator, people: pd.DataFrame, rate: float) -> pd.DataFrame:
    """A copy with a typo in the reading, a move, a day off or a missing value at ``rate``."""
    out = people.copy()
    hit = rng.random((len(out), 4)) < rate
    out.loc[hit[:, 0], "name_reading"] = [
        reading[:-1] + KANA[rng.integers(len(KANA))] for reading in out["name_reading"][hit[:, 0]]
    ]
    out.loc[hit[:, 1], "address"] = make_people(rng, int(hit[:, 1].sum()))["address"].to_numpy()
    dates = pd.to_datetime(out.loc[hit[:, 2], "birth_date"]) + pd.Timedelta(days=1)
    out.loc[hit[:, 2], "birth_date"] = dates.dt.strftime("%Y-%m-%d").to_numpy()
    out.loc[hit[:, 3], "sex"] = None
    return out


def make_world(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[int, int]]]:
    """Left and right tables of ROWS people each, and the true (left id, right id) pairs."""
    rng = np.random.default_rng(seed)
    left = make_people(rng, ROWS)
    shared = rng.choice(ROWS, size=int(0.7 * ROWS), replace=False)
    copies = corrupt(rng, left.iloc[shared], ERROR_RATE)
    right = pd.concat([copies, make_people(rng, ROWS - len(shared))], ignore_index=True)
    left.insert(0, "id", np.arange(ROWS))
    right.insert(0, "id", np.arange(ROWS) + ROWS)
    truth = {(int(i), int(j)) for i, j in zip(shared, right["id"][: len(shared)], strict=True)}
    return left, right, truth


def main() -> None:
    """Print batch pairs per second and match_one calls per second."""
    left, right, truth = make_world()
    start = time.perf_counter()
    pairs = link(left, right)
    seconds = time.perf_counter() - start
    scores = precision_recall(pairs, truth)
    print(
        f"link {ROWS:,} x {ROWS:,}: {len(pairs):,} candidate pairs in {seconds:.2f} s "
        f"(normalise, block, compare, EM, decide): {len(pairs) / seconds:,.0f} pairs/s; "
        f"precision {scores['precision']:.4f}, recall {scores['recall']:.4f}"
    )
    records = right.drop(columns="id").to_dict("records")
    for blocking in (BLOCKING_KEYS, ("birth_date", "name_reading")):
        start = time.perf_counter()
        matcher = Matcher.fit(left, queries=right.drop(columns="id").head(5000), blocking=blocking)
        print(f"Matcher.fit, blocking on {blocking}: {time.perf_counter() - start:.2f} s")
        passes = (
            ("each record new (normalised and encoded)", records[:QUERY_CACHE_SIZE]),
            ("the same records again (encoding cached)", records[:QUERY_CACHE_SIZE]),
        )
        for label, batch in passes:
            start = time.perf_counter()
            results = [matcher.match_one(record) for record in batch]
            seconds = time.perf_counter() - start
            mean = np.mean([result.n_candidates for result in results])
            print(
                f"  match_one, {label}: {len(batch) / seconds:,.0f} calls/s "
                f"({seconds / len(batch) * 1e6:.0f} us/call, {mean:.1f} candidates on average)"
            )


if __name__ == "__main__":
    main()
