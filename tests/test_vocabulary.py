"""The shipped name and address vocabularies, and drawing and formatting from them."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from sim.population.vocabulary import FEMALE, LOCALES, MALE, Vocabulary


@pytest.fixture(params=LOCALES)
def vocab(request: pytest.FixtureRequest) -> Vocabulary:
    return Vocabulary.load(request.param)


def _name_tables(vocab: Vocabulary) -> list[tuple[str, np.ndarray, np.ndarray, tuple, tuple]]:
    return [
        ("surnames", vocab.surnames, vocab.surname_readings, vocab.surname_variants,
         vocab.surname_alt_readings),
        ("given_male", vocab.given_male, vocab.given_male_readings, vocab.given_male_variants,
         vocab.given_male_alt_readings),
        ("given_female", vocab.given_female, vocab.given_female_readings,
         vocab.given_female_variants, vocab.given_female_alt_readings),
    ]  # fmt: skip


def test_both_locales_load_and_are_cached(vocab: Vocabulary) -> None:
    assert Vocabulary.load(vocab.locale) is vocab
    assert len(vocab.surnames) >= 100
    assert len(vocab.given_male) >= 90 and len(vocab.given_female) >= 90
    assert len(vocab.municipality_names) >= 50
    for weights in (vocab.surname_weights, vocab.given_male_weights, vocab.municipality_weights):
        assert np.all(weights > 0)
        assert weights.sum() == pytest.approx(1.0)


def test_unknown_locale_names_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="'ja'.*'latin'"):
        Vocabulary.load("fr")


def test_every_variant_and_alternative_reading_differs_from_its_base(vocab: Vocabulary) -> None:
    for table, names, readings, variants, alt_readings in _name_tables(vocab):
        assert len(set(names.tolist())) == len(names), f"duplicate names in {table}"
        for name, reading, forms, alts in zip(names, readings, variants, alt_readings, strict=True):
            assert name not in forms, f"{table}: {name} lists itself as a variant"
            assert len(set(forms)) == len(forms)
            assert reading not in alts, f"{table}: {name} lists its reading as an alternative"
            assert len(set(alts)) == len(alts)
            assert " " not in name and all(" " not in form for form in forms)


def test_japanese_readings_are_katakana() -> None:
    vocab = Vocabulary.load("ja")
    for table, _, readings, _, alt_readings in _name_tables(vocab):
        for text in [*readings.tolist(), *(alt for alts in alt_readings for alt in alts)]:
            assert all("KATAKANA" in unicodedata.name(ch) for ch in text), (table, text)


def test_latin_readings_are_the_names(vocab: Vocabulary) -> None:
    if vocab.locale == "latin":
        assert np.array_equal(vocab.surnames, vocab.surname_readings)
        assert not any(vocab.surname_alt_readings)


def test_japanese_municipality_codes_match_their_prefecture() -> None:
    vocab = Vocabulary.load("ja")
    codes = vocab.municipality_codes.tolist()
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 5 and code.isdigit() for code in codes)
    prefecture_of_prefix: dict[str, str] = {}
    for code, prefecture in zip(codes, vocab.municipality_prefectures.tolist(), strict=True):
        assert prefecture_of_prefix.setdefault(code[:2], prefecture) == prefecture, code


def test_variant_kanji_fold_to_their_base_with_the_matcher_table() -> None:
    """Each written variant of a Japanese surname must normalise like its base form,
    otherwise the matcher cannot undo the corruptor's ``variant`` errors."""
    normalize = pytest.importorskip("sim.linkage.normalize")
    vocab = Vocabulary.load("ja")
    unfolded = [
        f"{form} (base {name})"
        for name, forms in zip(vocab.surnames.tolist(), vocab.surname_variants, strict=True)
        for form in forms
        if normalize.normalize_name(form) != normalize.normalize_name(name)
    ]
    assert not unfolded, f"add these kanji to sim/data/kanji_variants.csv: {unfolded}"


def test_drawn_surnames_follow_the_weights(vocab: Vocabulary) -> None:
    n = 200_000
    codes = vocab.draw_surnames(np.random.default_rng(7), n)
    assert codes.dtype == np.int32
    observed = np.bincount(codes, minlength=len(vocab.surnames))
    expected = n * vocab.surname_weights
    chi_square = float(((observed - expected) ** 2 / expected).sum())
    dof = len(expected) - 1
    assert chi_square < dof + 6 * np.sqrt(2 * dof)


def test_given_names_come_from_the_list_of_the_persons_sex(vocab: Vocabulary) -> None:
    rng = np.random.default_rng(3)
    sex = rng.integers(1, 3, size=50_000).astype(np.int8)
    codes = vocab.draw_given(rng, sex)
    assert codes.dtype == np.int32
    assert codes[sex == MALE].max() < len(vocab.given_male)
    assert codes[sex == FEMALE].max() < len(vocab.given_female)
    female_names = set(vocab.full_name(np.zeros_like(codes), codes, sex)[sex == FEMALE])
    assert {name.split(" ", 1)[1] for name in female_names} <= set(vocab.given_female.tolist())
    with pytest.raises(ValueError, match="ISO 5218"):
        vocab.draw_given(rng, np.array([1, 0, 9]))


def test_municipalities_are_distinct_and_weighted_by_population(vocab: Vocabulary) -> None:
    rng = np.random.default_rng(11)
    counts = np.zeros(len(vocab.municipality_names))
    for _ in range(400):
        chosen = vocab.draw_municipalities(rng, 5)
        assert chosen.dtype == np.int32 and len(set(chosen.tolist())) == 5
        counts[chosen] += 1
    largest = np.argmax(vocab.municipality_population)
    smallest = np.argmin(vocab.municipality_population)
    assert counts[largest] > 100 > counts[smallest]
    everything = vocab.draw_municipalities(rng, len(vocab.municipality_names))
    assert sorted(everything.tolist()) == list(range(len(vocab.municipality_names)))
    with pytest.raises(ValueError, match="cannot choose"):
        vocab.draw_municipalities(rng, len(vocab.municipality_names) + 1)


def test_names_and_readings_are_surname_space_given(vocab: Vocabulary) -> None:
    rng = np.random.default_rng(5)
    sex = rng.integers(1, 3, size=1_000)
    surnames, given = vocab.draw_surnames(rng, 1_000), vocab.draw_given(rng, sex)
    names = vocab.full_name(surnames, given, sex)
    readings = vocab.full_reading(surnames, given, sex)
    for i in range(len(names)):
        table = vocab.given_male if sex[i] == MALE else vocab.given_female
        assert names[i] == f"{vocab.surnames[surnames[i]]} {table[given[i]]}"
        assert readings[i].count(" ") == 1
    if vocab.locale == "latin":
        assert np.array_equal(names, readings)


def test_address_starts_with_the_municipality_and_a_space(vocab: Vocabulary) -> None:
    rng = np.random.default_rng(9)
    n = 5_000
    municipalities = rng.integers(0, len(vocab.municipality_names), size=n)
    block = rng.integers(1, 31, size=(n, 3))
    addresses = vocab.address(municipalities, block)
    for address, municipality in zip(addresses, municipalities, strict=True):
        head, _, rest = address.partition(" ")
        assert head == vocab.municipality_names[municipality] and rest
    if vocab.locale == "ja":
        assert vocab.address([0], [[2, 1, 2]])[0] == f"{vocab.municipality_names[0]} 2丁目1番地2号"
    with pytest.raises(ValueError, match="shape"):
        vocab.address(municipalities, block[:, :2])


def test_each_block_is_spelt_by_its_own_numbers(vocab: Vocabulary) -> None:
    places = vocab.place(np.array([[2, 1, 2], [300, 1, 2], [2, 1, 2], [2, 12, 1]]))
    assert places[0] == places[2] and len(set(places.tolist())) == 3
    if vocab.locale == "ja":
        assert places.tolist() == [
            "2丁目1番地2号",
            "300丁目1番地2号",
            "2丁目1番地2号",
            "2丁目12番地1号",
        ]
    else:
        assert [place.rsplit(" ", 1)[1] for place in places] == ["2", "2", "2", "1"]
