"""The record corruptor: which rows get errors, how many, and what the errors look like."""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd
import pytest
from rapidfuzz.distance import DamerauLevenshtein

from sim.population.corrupt import DEFAULT_ERROR_RATES, KINDS, corrupt_records
from sim.population.vocabulary import LOCALES, Vocabulary

TEXT = ["name", "name_reading", "address", "birth_date"]
FIELDS = [*TEXT, "sex"]


def make_records(vocab: Vocabulary, n: int, seed: int = 0) -> pd.DataFrame:
    """Clean records drawn from the vocabulary, as an agency would hold them."""
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, size=n).astype(np.int8)
    surnames, given = vocab.draw_surnames(rng, n), vocab.draw_given(rng, sex)
    municipalities = rng.choice(vocab.draw_municipalities(rng, 20), size=n)
    birth = np.datetime64("1930-01-01") + rng.integers(0, 33_000, size=n)
    return pd.DataFrame(
        {
            "name": vocab.full_name(surnames, given, sex).astype(object),
            "name_reading": vocab.full_reading(surnames, given, sex).astype(object),
            "address": vocab.address(municipalities, rng.integers(1, 31, size=(n, 3))),
            "sex": pd.array(sex, dtype="Int8"),
            "birth_date": birth.astype(str),
            "person": np.arange(n),
        },
        index=pd.RangeIndex(100, 100 + n),
    )


def changed(before: pd.DataFrame, after: pd.DataFrame) -> pd.Series:
    """Rows where any of the five facts differs (missing counts as a difference)."""
    differs = pd.Series(False, index=before.index)
    for field in FIELDS:
        old, new = before[field].astype(object), after[field].astype(object)
        differs |= (old != new) | (old.isna() != new.isna())
    return differs


def variant_eligible(vocab: Vocabulary, records: pd.DataFrame) -> np.ndarray:
    """Rows whose surname or given name has a variant form or an alternative reading."""
    tables = [(vocab.surnames, vocab.surname_variants, vocab.surname_alt_readings)]
    for prefix in ("given_male", "given_female"):
        tables.append(tuple(getattr(vocab, prefix + s) for s in ("", "_variants", "_alt_readings")))
    has = {
        str(name)
        for names, variants, alt_readings in tables
        for name, forms, alts in zip(names, variants, alt_readings, strict=True)
        if forms or alts
    }
    parts = records["name"].str.split(" ", n=1, expand=True)
    return (parts[0].isin(has) | parts[1].isin(has)).to_numpy()


@pytest.fixture(params=LOCALES)
def vocab(request: pytest.FixtureRequest) -> Vocabulary:
    return Vocabulary.load(request.param)


@pytest.fixture
def records(vocab: Vocabulary) -> pd.DataFrame:
    return make_records(vocab, 20_000)


def corrupt(records: pd.DataFrame, vocab: Vocabulary, seed: int = 1, **rates: float):
    return corrupt_records(records, rates, np.random.default_rng(seed), vocab)


def test_rate_zero_changes_nothing(records: pd.DataFrame, vocab: Vocabulary) -> None:
    out = corrupt(records, vocab, **dict.fromkeys(KINDS, 0.0))
    assert (out["n_errors"] == 0).all()
    pd.testing.assert_frame_equal(out.drop(columns="n_errors"), records)


def test_integer_sex_becomes_nullable_to_hold_missing(vocab: Vocabulary) -> None:
    records = make_records(vocab, 2_000)
    records["sex"] = records["sex"].astype(np.int8)
    out = corrupt(records, vocab, missing=1.0)
    assert out["sex"].dtype == "Int8" and out["sex"].isna().any()
    untouched = corrupt(records, vocab)
    assert (untouched["sex"].astype(int) == records["sex"]).all()


@pytest.mark.parametrize("kind", KINDS)
def test_rate_one_changes_every_eligible_row(
    records: pd.DataFrame, vocab: Vocabulary, kind: str
) -> None:
    out = corrupt(records, vocab, **{kind: 1.0})
    eligible = np.ones(len(records), dtype=bool)
    if kind == "variant":
        eligible = variant_eligible(vocab, records)
    elif kind == "address_notation" and vocab.locale == "latin":
        eligible = records["address"].str.contains("traße").to_numpy()
    assert eligible.mean() > 0.2
    assert np.array_equal(changed(records, out).to_numpy(), eligible)
    assert np.array_equal(out["n_errors"].to_numpy(), eligible.astype(int))


@pytest.mark.parametrize("kind", KINDS)
def test_error_share_matches_the_rate(records: pd.DataFrame, vocab: Vocabulary, kind: str) -> None:
    rate = 0.1
    out = corrupt(records, vocab, **{kind: rate})
    eligible = variant_eligible(vocab, records) if kind == "variant" else slice(None)
    if kind == "address_notation" and vocab.locale == "latin":
        eligible = records["address"].str.contains("traße").to_numpy()
    hits = out["n_errors"].to_numpy()[eligible]
    standard_error = np.sqrt(rate * (1 - rate) / len(hits))
    assert abs(hits.mean() - rate) < 4 * standard_error
    assert np.array_equal(hits > 0, changed(records, out).to_numpy()[eligible])


def test_same_seed_same_frame_and_other_seed_other_frame(
    records: pd.DataFrame, vocab: Vocabulary
) -> None:
    first = corrupt(records, vocab, seed=4, **DEFAULT_ERROR_RATES)
    pd.testing.assert_frame_equal(first, corrupt(records, vocab, seed=4, **DEFAULT_ERROR_RATES))
    assert not first.equals(corrupt(records, vocab, seed=5, **DEFAULT_ERROR_RATES))
    assert first["person"].equals(records["person"]) and first.index.equals(records.index)


def test_one_rate_does_not_move_the_errors_of_another_kind(
    records: pd.DataFrame, vocab: Vocabulary
) -> None:
    low = corrupt(records, vocab, typo=0.0, birth_date=0.05)
    high = corrupt(records, vocab, typo=0.5, birth_date=0.05)
    assert low["birth_date"].equals(high["birth_date"])


def test_corrupted_birth_dates_are_valid_dates_near_the_truth(
    records: pd.DataFrame, vocab: Vocabulary
) -> None:
    out = corrupt(records, vocab, birth_date=1.0)
    for old, new in zip(records["birth_date"], out["birth_date"], strict=True):
        old_day, new_day = dt.date.fromisoformat(old), dt.date.fromisoformat(new)
        assert new != old
        one_day = abs((new_day - old_day).days) == 1
        same_digits = sorted(new) == sorted(old)  # a transposition keeps the digits
        assert one_day or same_digits, (old, new)


def test_missing_empties_one_field_but_never_the_name(
    records: pd.DataFrame, vocab: Vocabulary
) -> None:
    out = corrupt(records, vocab, missing=1.0)
    empty = out[["address", "sex", "birth_date"]].isna()
    assert (empty.sum(axis=1) == 1).all()
    assert (empty.mean() > 0.25).all()
    assert out["name"].equals(records["name"])
    assert out["name_reading"].equals(records["name_reading"])


def test_typo_is_one_edit_in_the_name_or_the_address(
    records: pd.DataFrame, vocab: Vocabulary
) -> None:
    out = corrupt(records, vocab, typo=1.0)
    name = "name_reading" if vocab.locale == "ja" else "name"
    edits = np.zeros(len(records), dtype=int)
    for field in (name, "address"):
        for i, (old, new) in enumerate(zip(records[field], out[field], strict=True)):
            edits[i] += DamerauLevenshtein.distance(old, new)
    assert (edits == 1).all()
    if vocab.locale == "ja":  # kanji are not typed key by key; the municipality is kept
        assert out["name"].equals(records["name"])
        heads = out["address"].str.partition(" ")[0]
        assert heads.equals(records["address"].str.partition(" ")[0])
    else:
        assert out["name_reading"].equals(out["name"])


def test_width_changes_vanish_under_nfkc(records: pd.DataFrame, vocab: Vocabulary) -> None:
    out = corrupt(records, vocab, width=1.0)
    for field in ("name", "name_reading", "address"):
        for old, new in zip(records[field], out[field], strict=True):
            assert unicodedata.normalize("NFKC", new) == unicodedata.normalize("NFKC", old)


def test_japanese_errors_use_real_forms() -> None:
    vocab = Vocabulary.load("ja")
    records = make_records(vocab, 3)
    records["name"] = ["高橋 太郎", "中島 陽菜", "佐藤 花子"]
    records["name_reading"] = ["タカハシ タロウ", "ナカジマ ヒナ", "サトウ ハナコ"]
    records["address"] = ["横浜市 2丁目1番地2号"] * 3
    variant = corrupt(records, vocab, variant=1.0)
    assert variant["name"].iloc[0] == "髙橋 太郎"
    assert variant["name_reading"].iloc[1] in {"ナカシマ ヒナ", "ナカジマ ハルナ"} or (
        variant["name"].iloc[1] == "中嶋 陽菜"
    )
    assert variant["n_errors"].tolist() == [1, 1, 0]
    notation = corrupt(records, vocab, address_notation=1.0)
    assert set(notation["address"]) <= {"横浜市 2-1-2", "横浜市 二丁目1-2", "横浜市 2丁目1番2号"}


def test_latin_errors_use_real_forms() -> None:
    vocab = Vocabulary.load("latin")
    records = make_records(vocab, 2)
    records["name"] = records["name_reading"] = ["Meyer Hans", "Fischer Anna"]
    records["address"] = ["Berlin Hauptstraße 12", "Berlin Birkenweg 3"]
    variant = corrupt(records, vocab, variant=1.0)
    assert variant["name"].iloc[0] in {"Meier Hans", "Maier Hans", "Mayer Hans"}
    assert variant["name"].equals(variant["name_reading"])
    assert variant["n_errors"].tolist() == [1, 0]
    notation = corrupt(records, vocab, address_notation=1.0)
    assert notation["address"].iloc[0] in {"Berlin Hauptstr. 12", "Berlin Hauptstrasse 12"}
    assert notation["address"].iloc[1] == "Berlin Birkenweg 3"


def test_matcher_normalisation_undoes_notation_and_width() -> None:
    normalize = pytest.importorskip("sim.linkage.normalize")
    vocab = Vocabulary.load("ja")
    records = make_records(vocab, 2_000)
    out = corrupt(records, vocab, address_notation=0.5, width=0.5)
    for field, kind in (("address", "address"), ("name_reading", "reading")):
        before = normalize.normalize_series(records[field], kind)
        assert before.equals(normalize.normalize_series(out[field], kind))


def test_bad_arguments_are_named(records: pd.DataFrame, vocab: Vocabulary) -> None:
    with pytest.raises(ValueError, match="typos"):
        corrupt(records, vocab, typos=0.1)
    with pytest.raises(ValueError, match="probability"):
        corrupt(records, vocab, typo=1.5)
    with pytest.raises(ValueError, match="address"):
        corrupt(records.drop(columns="address"), vocab)
