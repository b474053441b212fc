"""Matching many records at once against registers as they stood at given times."""

import numpy as np
import pandas as pd

from sim.linkage import Matcher, MUParameters
from sim.linkage.versioned import (
    ACCEPT,
    REJECT,
    REVIEW,
    VersionedRegisters,
    _decide,
    match_versioned,
)
from tests.test_linkage_matching import TARO, frame, given_m_u

HANAKO = {
    "name": "佐藤 花子",
    "name_reading": "サトウ ハナコ",
    "address": "川崎市 1丁目3番地4号",
    "sex": "F",
    "birth_date": "1990-07-01",
}
MOVED_TARO = {**TARO, "address": "札幌市 5丁目9番地1号"}
BLOCKING = ("birth_date", "name_reading")


def registers() -> VersionedRegisters:
    """Register 0 holds Taro (person 7) and Hanako (person 8); at t=100 it records Taro's move.
    Register 1 holds Taro only."""
    initial = [frame(TARO, HANAKO, ids=[7, 8]), frame(TARO, ids=[7])]
    updates = frame(MOVED_TARO, ids=[7])
    return VersionedRegisters.from_history(initial, updates, np.array([100.0]), np.array([0]))


def params() -> MUParameters:
    return Matcher.fit(frame(TARO, HANAKO), m_u=given_m_u()).m_u


def match(records, register_of, times, incoming=None, versions=None):
    """Match ``records`` (or ``incoming``: a table, or rows of ``versions``) against
    ``versions`` (default: the registers of the tests)."""
    versions = registers() if versions is None else versions
    return match_versioned(
        versions,
        frame(*records) if incoming is None else incoming,
        np.array(register_of, dtype=np.int64),
        np.array(times, dtype=float),
        [params()],
        np.zeros(int(versions.register.max()) + 1, dtype=np.int64),
        blocking=BLOCKING,
        upper=14.0,
        lower=4.0,
        ambiguity_margin=3.0,
    )


def test_a_copy_is_valid_from_when_it_was_recorded_until_the_next():
    versions = registers()
    taro_rows = np.flatnonzero((versions.register == 0) & (versions.person == 7))
    assert versions.valid_from[taro_rows].tolist() == [-np.inf, 100.0]
    assert versions.valid_until[taro_rows].tolist() == [100.0, np.inf]
    rows = versions.find(np.array([0, 0, 1, 1]), np.array([7, 7, 7, 8]), np.array([5, 150, 5, 5]))
    assert versions.frame["address"].iloc[rows[:3]].tolist() == [
        TARO["address"],
        MOVED_TARO["address"],
        TARO["address"],
    ]
    assert rows[3] == -1  # Hanako is not on register 1


def test_the_moved_address_matches_only_after_the_register_recorded_the_move():
    result = match([MOVED_TARO, MOVED_TARO], [0, 0], [50.0, 150.0])
    # One valid copy of Taro each time (the old one, then the new one) ...
    assert result.candidates.tolist() == [1, 1]
    # ... and only the new one agrees on the address.
    before, after = result.best_weight
    assert after > before


def test_decisions_follow_the_thresholds_and_name_the_best_candidate():
    result = match([TARO, HANAKO, {**HANAKO, "birth_date": "1950-01-01"}], [0, 0, 1], [0, 0, 0])
    assert result.decision[0] == ACCEPT and result.best[0] == 7
    assert result.decision[1] == ACCEPT and result.best[1] == 8
    # Register 1 has no Hanako, and the changed date shares no block with Taro.
    assert result.decision[2] == REJECT and result.best[2] == -1 and result.candidates[2] == 0
    assert result.best_weight[0] >= 14.0
    assert REVIEW not in result.decision.tolist()
    assert len(result.pair_record) == 0  # candidates are kept only for a clerk's review


def test_a_clerk_sees_every_candidate_of_a_record_sent_for_review():
    # Taro's reading and sex, but another given name, address and a mistyped birth
    # date: some evidence, not enough to accept.
    unsure = {**MOVED_TARO, "name": "高橋 次郎", "birth_date": "1985-03-21"}
    result = match([unsure, TARO], [0, 0], [50.0, 50.0])
    assert result.decision.tolist() == [REVIEW, ACCEPT]
    persons, weights = result.pairs_of(0)
    assert persons.tolist() == [7] and 4.0 <= weights[0] < 14.0
    assert len(result.pairs_of(1)[0]) == 0


def test_nothing_incoming_matches_nothing():
    empty = match([], [], [], incoming=pd.DataFrame(columns=frame(TARO).columns))
    assert len(empty.decision) == 0


def test_of_tied_candidates_the_first_is_best_and_a_tie_at_the_top_is_ambiguous():
    # Record 0: three candidates, two tied at the top; record 1: none; record 2: one.
    record = np.array([0, 0, 0, 2])
    person = np.array([5, 6, 7, 8])
    weight = np.array([3.0, 9.0, 9.0, 20.0])
    result = _decide(0, 3, record, person, weight, upper=8.0, lower=2.0, margin=1.0)
    assert result.decision.tolist() == [REVIEW, REJECT, ACCEPT]
    assert result.best.tolist() == [6, -1, 8]
    assert result.best_weight.tolist() == [9.0, -np.inf, 20.0]
    assert result.candidates.tolist() == [3, 0, 1]
    # What the clerk sees: record 0's candidates, best first, ties in their order.
    assert result.pair_person.tolist() == [6, 7, 5]
    assert result.pair_weight.tolist() == [9.0, 9.0, 3.0]


def test_a_repeated_request_is_matched_as_if_it_came_alone():
    """The same copy sent to the same register again is compared once, but each time
    sees only the register rows valid then: matching all at once equals matching one
    by one. Register 2 is a requester holding a doubtful copy of Taro."""
    unsure = {**MOVED_TARO, "name": "高橋 次郎", "birth_date": "1985-03-21"}
    initial = [frame(TARO, HANAKO, ids=[7, 8]), frame(TARO, ids=[7]), frame(unsure, ids=[7])]
    versions = VersionedRegisters.from_history(
        initial, frame(MOVED_TARO, ids=[7]), np.array([100.0]), np.array([0])
    )
    doubtful, taro = versions.find(np.array([2, 1]), np.array([7, 7]), np.array([0.0, 0.0]))
    sent = np.array([doubtful, taro, doubtful, doubtful, taro, doubtful])
    register_of = np.array([0, 0, 0, 1, 0, 0])
    times = np.array([50.0, 50.0, 150.0, 50.0, 150.0, 50.0])

    def matched(rows):
        return match([], register_of[rows], times[rows], incoming=sent[rows], versions=versions)

    together = matched(np.arange(len(sent)))
    for i in range(len(sent)):
        alone = matched(np.array([i]))
        for name in ("decision", "best", "best_weight", "candidates"):
            assert getattr(together, name)[i] == getattr(alone, name)[0]
        for mine, its in zip(together.pairs_of(i), alone.pairs_of(0), strict=True):
            assert mine.tolist() == its.tolist()
    assert REVIEW in together.decision.tolist()  # some candidates were kept for a clerk
    assert together.pair_record.tolist() == sorted(together.pair_record.tolist())


def test_tables_encoded_with_the_registers_compare_as_if_encoded_alone():
    from sim.linkage.batch import compare_pairs
    from sim.linkage.compare import field_specs
    from sim.linkage.records import UNKNOWN, RecordTable

    alone, alone_vocabulary = registers().encoded
    versions = registers()
    stranger = {**HANAKO, "name": "鈴木 一郎", "name_reading": "スズキ イチロウ"}
    others = [frame(TARO, stranger, ids=[7, 9]), frame(HANAKO, ids=[8])]
    copies, single = versions.encode_with(others)
    table, _ = versions.encoded
    assert np.array_equal(table.codes, alone.codes)  # the registers' codes are unchanged
    surname = table.codes[:, 0]
    assert copies.codes[1, 0] not in surname  # a value only the others hold: a code of its own
    assert copies.codes[0, 0] == surname[versions.person == 7][0]
    assert single.codes[0, 0] == surname[versions.person == 8][0]
    separately = RecordTable.from_frame(others[0], alone_vocabulary, with_reading=True, grow=False)
    assert separately.codes[1, 0] == UNKNOWN
    specs = field_specs(with_reading=True)
    pairs = np.repeat([0, 1], len(table)), np.tile(np.arange(len(table)), 2)
    together = compare_pairs(copies, table, *pairs, specs)
    assert np.array_equal(together, compare_pairs(separately, alone, *pairs, specs))
    assert len(np.unique(together, axis=0)) > 2  # the pairs differ: the comparison says something
