"""Blocking: candidate pairs and the one-record index (sim.linkage.blocking)."""

import itertools

import numpy as np
import pandas as pd

from sim.linkage.blocking import BlockingIndex, candidate_pairs, key_columns
from sim.linkage.records import RecordTable, Vocabulary

KEYS = ("birth_date", "name_reading", "municipality")


def _random_codes(rng, n, n_values):
    return {key: rng.integers(-1, n_values, size=n) for key in KEYS}  # -1: missing


def _brute_force(left, right, max_block_size=None):
    pairs = set()
    for i, j in itertools.product(range(len(left[KEYS[0]])), range(len(right[KEYS[0]]))):
        for key in KEYS:
            value = left[key][i]
            if value < 0 or value != right[key][j]:
                continue
            sizes = ((left[key] == value).sum(), (right[key] == value).sum())
            if max_block_size is None or max(sizes) <= max_block_size:
                pairs.add((i, j))
    return pairs


def test_candidate_pairs_are_exactly_the_pairs_sharing_a_key():
    rng = np.random.default_rng(3)
    for n_values in (3, 10, 40):
        left, right = _random_codes(rng, 40, n_values), _random_codes(rng, 30, n_values)
        found = candidate_pairs(left, right, max_block_size=None)
        pairs = set(zip(found[0].tolist(), found[1].tolist(), strict=True))
        assert len(pairs) == len(found[0])  # each pair once
        assert pairs == _brute_force(left, right)
        assert list(found[0]) == sorted(found[0])


def test_oversized_blocks_are_skipped():
    rng = np.random.default_rng(4)
    left, right = _random_codes(rng, 60, 4), _random_codes(rng, 50, 20)
    found = candidate_pairs(left, right, max_block_size=8)
    assert set(zip(found[0].tolist(), found[1].tolist(), strict=True)) == _brute_force(
        left, right, 8
    )


def test_key_columns_from_records():
    frame = pd.DataFrame(
        {
            "name": ["髙橋 太郎", "高橋 太郎", "佐藤 花子"],
            "name_reading": ["たかはし たろう", "タカハシ タロウ", None],
            "address": ["横浜市 1-2-3", "川崎市 1-2-3", None],
            "sex": ["M", "M", "F"],
            "birth_date": ["1985-03-12", None, "1985/03/12"],
        }
    )
    table = RecordTable.from_frame(frame, Vocabulary(), with_reading=True)
    keys = key_columns(table, KEYS, reading=True)
    assert keys["name_reading"][0] == keys["name_reading"][1] >= 0
    assert keys["name_reading"][2] < 0
    assert keys["birth_date"][0] == keys["birth_date"][2] and keys["birth_date"][1] < 0
    assert keys["municipality"][0] != keys["municipality"][1] and keys["municipality"][2] < 0
    by_name = key_columns(table, KEYS, reading=False)["name_reading"]
    assert by_name[0] == by_name[1] != by_name[2]


def test_index_answers_like_brute_force_and_follows_life_events():
    rng = np.random.default_rng(5)
    register = _random_codes(rng, 50, 12)
    index = BlockingIndex(register, max_block_size=None)
    for _ in range(20):
        query = {key: int(rng.integers(-1, 12)) for key in KEYS}
        expected = sorted(
            i for i in range(50) if any(0 <= query[k] == register[k][i] for k in KEYS)
        )
        assert index.candidates(query).tolist() == expected
    index.update(7, {"municipality": 99})  # a move
    assert 7 in index.candidates({"municipality": 99}).tolist()
    assert 7 not in index.candidates({"municipality": int(register["municipality"][7])}).tolist()
    index.update(7, {"birth_date": -1})  # a fact lost: matches nothing on that key
    assert 7 not in index.candidates({"birth_date": int(register["birth_date"][7])}).tolist()
    new = index.add({"birth_date": [500, 501], "name_reading": [-1, 600], "municipality": [99, -1]})
    assert new.tolist() == [50, 51] and len(index) == 52
    assert index.candidates({"municipality": 99}).tolist() == [7, 50]
    assert index.candidates({"name_reading": 600, "birth_date": 500}).tolist() == [50, 51]
    assert index.candidates({}).tolist() == []


def test_index_skips_oversized_blocks():
    index = BlockingIndex(
        {"municipality": np.zeros(10, dtype=int), "birth_date": np.arange(10)},
        max_block_size=5,
    )
    assert index.candidates({"municipality": 0, "birth_date": 3}).tolist() == [3]
