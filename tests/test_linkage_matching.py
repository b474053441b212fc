"""Comparison levels, weights and decisions in small worlds worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from sim.linkage import (
    LinkageWarning,
    Matcher,
    MUParameters,
    field_specs,
    link,
    precision_recall,
)
from sim.linkage.compare import DISTINCT_FROM, compare, compare_one
from sim.linkage.records import RecordTable, Vocabulary, normalized_record

TARO = {
    "name": "高橋 太郎",
    "name_reading": "タカハシ タロウ",
    "address": "横浜市 2丁目1番地2号",
    "sex": "M",
    "birth_date": "1985-03-12",
}
FIELDS = field_specs(with_reading=True)


def given_m_u():
    """Hand-set m/u: agreement is likelier among matches, disagreement among non-matches."""
    table = {}
    for spec in FIELDS:
        labels = spec.levels[1:]
        table[spec.name] = {
            label: (0.9, 0.01)
            if label == "exact"
            else (0.02, 0.9)
            if label == "disagree"
            else (
                0.05,
                0.02,
            )
            for label in labels
        }
    return table


def frame(*records, ids=None):
    out = pd.DataFrame(list(records))
    out.insert(0, "id", ids if ids is not None else range(len(records)))
    return out


def levels_of(left, right):
    pairs = link(frame(left), frame(right), m_u=given_m_u())
    assert len(pairs) == 1
    return pairs.iloc[0]


def test_identical_records_are_accepted_with_every_field_exact():
    row = levels_of(TARO, TARO)
    assert row["decision"] == "accept"
    assert [row[spec.name] for spec in FIELDS] == ["exact"] * len(FIELDS)


def test_variant_kanji_and_address_notation_are_normalized_equal():
    row = levels_of(TARO, {**TARO, "name": "髙橋 太郎", "address": "横浜市 2-1-2"})
    assert (row["surname"], row["given"], row["address"]) == ("normalized", "exact", "normalized")
    assert row["decision"] == "accept"


def test_same_reading_written_differently_and_near_dates():
    other = {**TARO, "name": "高橋 太朗", "birth_date": "1985-03-21"}  # digits swapped
    row = levels_of(TARO, other)
    assert (row["given"], row["birth_date"]) == ("reading", "near")
    assert levels_of(TARO, {**TARO, "birth_date": "1985-03-13"})["birth_date"] == "near"
    assert levels_of(TARO, {**TARO, "birth_date": "1985-04-13"})["birth_date"] == "disagree"


def test_similar_and_municipality_levels():
    row = levels_of(
        {
            **TARO,
            "name": "Smith Jonathan",
            "name_reading": None,
            "address": "Springfield 12 Oak St",
        },
        {**TARO, "name": "Smith Jonathon", "name_reading": None, "address": "Springfield 9 Elm Rd"},
    )
    assert (row["surname"], row["given"], row["address"]) == ("exact", "jw>=0.92", "municipality")


def test_missing_values_are_neutral():
    row = levels_of(TARO, {**TARO, "sex": None, "name_reading": float("nan")})
    assert row["sex"] == "missing"
    full = levels_of(TARO, TARO)
    assert row["weight"] == pytest.approx(full["weight"] - np.log2(0.9 / 0.01))


def test_different_name_and_birth_year_is_rejected():
    stranger = {**TARO, "name": "佐藤 花子", "name_reading": "サトウ ハナコ", "sex": "F"}
    pairs = link(
        frame(TARO), frame({**stranger, "birth_date": "1990-03-12"}), m_u=given_m_u()
    )  # shares only the municipality
    assert pairs["decision"].tolist() == ["reject"]
    assert pairs[["surname", "given", "birth_date"]].iloc[0].tolist() == ["disagree"] * 3


def test_no_shared_blocking_key_means_no_pair():
    far = {**TARO, "name_reading": "サトウ", "address": "川崎市 1-1-1", "birth_date": "1990-01-01"}
    assert link(frame(TARO), frame(far), m_u=given_m_u()).empty


def test_given_m_u_is_checked():
    incomplete = given_m_u()
    del incomplete["address"]["municipality"]
    with pytest.raises(ValueError, match="address"):
        link(frame(TARO), frame(TARO), m_u=incomplete)
    params = MUParameters.from_dict(given_m_u(), FIELDS)
    assert MUParameters.from_dict(params.to_dict(), FIELDS).to_dict() == params.to_dict()
    assert set(params.to_frame().columns) == {"field", "level", "m", "u", "weight"}


def test_single_record_and_batch_comparisons_agree():
    rng = np.random.default_rng(1)
    names = ["高橋 太郎", "髙橋 太朗", "佐藤 花子", "佐藤", "Smith John", None]
    readings = ["タカハシ タロウ", "たかはし たろう", "サトウ ハナコ", None]
    places = ["横浜市 2-1-2", "横浜市 2丁目1番地3号", "川崎市 2-1-2", "横浜市", None]
    dates = ["1985-03-12", "1985-03-21", "1985-03-13", "1958-03-12", "1985-13-02", None]
    records = [
        {
            "name": names[rng.integers(len(names))],
            "name_reading": readings[rng.integers(len(readings))],
            "address": places[rng.integers(len(places))],
            "sex": ["M", "F", None][rng.integers(3)],
            "birth_date": dates[rng.integers(len(dates))],
        }
        for _ in range(80)
    ]
    vocabulary = Vocabulary()
    table = RecordTable.from_frame(pd.DataFrame(records), vocabulary, with_reading=True)
    for i in range(0, len(records), 7):
        single = RecordTable.single(
            normalized_record(records[i], with_reading=True), vocabulary, grow=False
        )
        for size in (3, 40, 80):  # plain Python, all-pairs arrays, masked batch path
            rows = rng.permutation(len(records))[:size]
            batch = compare(table, np.full(size, i), table, rows, FIELDS)
            assert (compare_one(single, table, rows, FIELDS) == batch).all()


def test_matcher_accepts_rejects_and_flags_ambiguity():
    twin = {**TARO, "address": "横浜市 2-1-3"}  # same name and birthday, next door
    register = frame(TARO, twin, {**TARO, "name": "佐藤 花子", "birth_date": "1970-01-01"})
    matcher = Matcher.fit(register, m_u=given_m_u(), ambiguity_margin=100)
    result = matcher.match_one(TARO)
    assert (result.decision, result.best_id, result.n_candidates) == ("review", 0, 3)
    strict = Matcher.fit(register, m_u=given_m_u(), ambiguity_margin=0)
    assert strict.match_one(TARO)[:2] == ("accept", 0)
    nobody = {**TARO, "name_reading": None, "address": None, "birth_date": "2001-01-01"}
    assert Matcher.fit(register, m_u=given_m_u()).match_one(nobody) == (
        "reject",
        None,
        float("-inf"),
        0,
    )
    ids, weights = strict.score_one(TARO)
    assert ids == [0, 1, 2] and weights[0] > weights[1] > weights[2]


def test_matcher_follows_moves_and_new_people():
    register = frame(TARO, {**TARO, "name": "佐藤 花子", "name_reading": "サトウ ハナコ"})
    matcher = Matcher.fit(register, m_u=given_m_u())
    moved = {**TARO, "address": "札幌市 北1条西2丁目"}
    before = matcher.match_one(moved).best_weight
    matcher.update(0, {"address": "札幌市 北一条西二丁目"})  # other columns stay
    after = matcher.match_one(moved)
    assert after.best_id == 0 and after.best_weight > before
    newcomer = {
        **TARO,
        "name": "山田 一郎",
        "name_reading": "ヤマダ イチロウ",
        "birth_date": "2000-02-29",
    }
    assert matcher.match_one(newcomer).best_id != "new"
    matcher.update("new", newcomer)
    assert len(matcher) == 3
    assert matcher.match_one(newcomer)[:2] == ("accept", "new")


def test_em_on_too_few_pairs_falls_back_to_the_seeds():
    left = frame(
        TARO, {**TARO, "name": "佐藤 花子", "name_reading": "サトウ ハナコ"}, ids=["a", "b"]
    )
    right = frame({**TARO, "name": "髙橋 太郎"}, ids=["x"])
    with pytest.warns(LinkageWarning, match="degenerate"):
        pairs = link(left, right)
    assert pairs.attrs["m_u"].source == "seed-fallback"
    scores = precision_recall(pairs, {("a", "x")})
    assert scores["blocking_recall"] == 1.0 and scores["candidates"] == len(pairs) == 2
    assert pairs.sort_values("weight")["left_id"].tolist() == ["b", "a"]


def test_a_table_encodes_each_row_as_that_row_alone():
    # Repeated records, variant spellings, missing values and a bad date: the table
    # works each distinct raw value out once, and must give every row the codes,
    # strings and date parts of that row encoded on its own, in the same order.
    frame = pd.DataFrame(
        {
            "name": ["高橋 太郎", "髙橋 太郎", None, "高橋 太郎", "Smith John", "佐藤"],
            "name_reading": ["タカハシ タロウ", "たかはし たろう", "サトウ", None, None, "サトウ"],
            "address": ["横浜市 2丁目1番地2号", "横浜市 2-1-2", "札幌市 1-1", None, "x", "横浜市"],
            "sex": ["M", "male", "F", None, "F", "X"],
            "birth_date": ["1985-03-12", "1985/3/12", None, "1985-13-02", "19850312", "junk"],
        }
    )
    table = RecordTable.from_frame(frame, Vocabulary(), with_reading=True)
    vocabulary = Vocabulary()
    for row, record in enumerate(frame.to_dict("records")):
        alone = RecordTable.single(
            normalized_record(record, with_reading=True), vocabulary, grow=True
        )
        assert table.codes[row].tolist() == alone.codes.tolist()
        assert [text or "\x00" for text in table.text[row].tolist()] == alone.text.tolist()
        assert (table.days[row], table.signature[row]) == (alone.days, alone.signature)
        assert table.digits[row].tolist() == alone.digits.tolist()


def test_values_unseen_by_the_vocabulary_are_compared_by_their_own_spelling():
    """Both given names are new to the register, so both get the code UNKNOWN; each is
    still compared as written: Jaro–Winkler(jhon, john) = 0.925, (jonathan, john) = 0.80."""
    specs = field_specs(with_reading=False)
    vocabulary = Vocabulary()
    known = {"address": "Springfield 1 Oak Street", "sex": "M", "birth_date": "1980-01-01"}
    register = RecordTable.from_frame(
        pd.DataFrame([{**known, "name": "Smith John"}]), vocabulary, with_reading=False
    )
    names = ["Smith Jhon", "Smith Jonathan", "Smith Jhon"]
    incoming = RecordTable.from_frame(
        pd.DataFrame([{**known, "name": name} for name in names]),
        vocabulary,
        with_reading=False,
        grow=False,
    )
    given = specs[1]
    for repeats in (1, DISTINCT_FROM):  # each pair scored, then each distinct pair once
        rows = np.tile(np.arange(3), repeats)
        levels = compare(incoming, rows, register, np.zeros(len(rows), dtype=np.int64), specs)
        labels = [given.levels[level] for level in levels[:, 1]]
        assert labels == ["jw>=0.92", "disagree", "jw>=0.92"] * repeats
        assert [specs[0].levels[level] for level in levels[:, 0]] == ["exact"] * len(rows)
