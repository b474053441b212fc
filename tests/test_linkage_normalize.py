"""Normalisation of names, readings, addresses, sex and dates (sim.linkage.normalize)."""

import csv
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.linkage.normalize import (
    kanji_variants,
    normalize_address,
    normalize_date,
    normalize_name,
    normalize_reading,
    normalize_series,
    normalize_sex,
)

VARIANTS_CSV = Path(__file__).resolve().parents[1] / "sim" / "data" / "kanji_variants.csv"


@pytest.mark.parametrize(
    "written",
    [
        "2丁目1番地2号",
        "２丁目１番２号",
        "2-1-2",
        "二丁目1-2",
        "2丁目1-2",
        "2 - 1 - 2",
        "二丁目一番地二号",
    ],
)
def test_address_notations_fold_to_one_form(written):
    assert normalize_address(written) == "2-1-2"
    assert normalize_address(f"横浜市　{written}") == "横浜市 2-1-2"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("八王子市 三丁目5番", "八王子市 3-5"),  # numerals inside a place name stay
        ("千代田区 九段南一丁目2番3号", "千代田区 九段南1-2-3"),
        ("東京都 十二丁目二十三番", "東京都 12-23"),
        ("横浜市 2丁目 1番地の2", "横浜市 2-1-2"),
        ("Springfield 12 Oak Street, Apt. 3", "springfield 12 oak street apt 3"),
        ("  ", None),
        (None, None),
    ],
)
def test_address_details(written, expected):
    assert normalize_address(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("髙橋 太郎", "高橋 太郎"),
        ("山﨑 花子", "山崎 花子"),
        ("渡邉 健", "渡辺 健"),
        ("渡邊 健", "渡辺 健"),
        ("齋藤 一", "斉藤 一"),  # chain 齋 → 斎 → 斉
        ("濱田 眞一", "浜田 真一"),
        ("ＳＭＩＴＨ,  Jöhn", "smith john"),
        ("O'Brien-Smith  Seán", "obriensmith sean"),
        ("Müller Łukasz", "muller lukasz"),
        ("辻\U000e0100 一", "辻 一"),  # ideographic variation selector dropped
        ("", None),
        (float("nan"), None),
    ],
)
def test_names(written, expected):
    assert normalize_name(written) == expected


def test_readings_fold_to_katakana():
    assert normalize_reading("たかはし たろう") == "タカハシ タロウ"
    assert normalize_reading("ﾀｶﾊｼ ﾀﾛｳ") == "タカハシ タロウ"
    assert normalize_reading("タカハシ・タロウ") == "タカハシ タロウ"


@pytest.mark.parametrize(
    "written", ["1985-03-12", "1985/3/12", "19850312", "1985年3月12日", "１９８５－０３－１２"]
)
def test_dates(written):
    assert normalize_date(written) == "1985-03-12"


def test_date_edge_cases():
    assert normalize_date(pd.Timestamp("1985-03-12").date()) == "1985-03-12"
    assert normalize_date("1985-13-02") == "1985-13-02"  # a typo keeps its digits
    assert normalize_date("unknown") is None
    assert normalize_date(None) is None


def test_sex():
    assert [normalize_sex(v) for v in ["M", "f", "female", "男", "X", "?", None]] == [
        "M",
        "F",
        "F",
        "M",
        "X",
        None,
        None,
    ]


def test_series_matches_single_values():
    values = ["髙橋 太郎", "ｽｽﾞｷ ｲﾁﾛｳ", None, "line\nbreak name", "  ", "Smith John", "髙橋 太郎"]
    values += ["Smith\t John", "髙橋\u3000 太郎", "a  b ", " Smith\u00a0John"]
    series = pd.Series(values, index=range(10, 10 + len(values)))
    for kind, single in (
        ("name", normalize_name),
        ("reading", normalize_reading),
        ("address", normalize_address),
    ):
        out = normalize_series(series, kind)
        assert list(out.index) == list(series.index)
        expected = [single(v.replace("\n", " ") if isinstance(v, str) else v) for v in values]
        assert out.tolist() == expected
    with pytest.raises(ValueError, match="unknown kind"):
        normalize_series(series, "colour")


def test_date_series_matches_single_values():
    values = ["1985-03-12", "1985/3/12", "１９８５－０３－１２", "1985-13-02", "1985-03-123"]
    values += ["x1985-03-12", "unknown", None, pd.Timestamp("1990-01-02").date()]
    out = normalize_series(pd.Series(values, dtype=object), "date")
    assert out.tolist() == [normalize_date(value) for value in values]
    assert out[4] == "1985-03-12" and out[6] is None


def test_series_of_1e5_addresses_is_fast():
    rng = np.random.default_rng(0)
    numbers = rng.integers(1, 40, size=(100_000, 4))
    addresses = pd.Series([f"横浜市{a} {b}丁目{c}番地{d}号" for a, b, c, d in numbers.tolist()])
    start = time.perf_counter()
    out = normalize_series(addresses, "address")
    elapsed = time.perf_counter() - start
    a, b, c, d = numbers[0].tolist()
    assert out[0] == f"横浜市{a} {b}-{c}-{d}"
    assert elapsed < 5.0  # about 0.3 s measured; the bound only catches a per-row Python loop


def test_kanji_variant_table_is_sound():
    with VARIANTS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert 40 <= len(rows) <= 100
    variants = [row["variant"] for row in rows]
    assert len(set(variants)) == len(variants)
    for row in rows:
        variant, canonical = row["variant"], row["canonical"]
        assert len(variant) == len(canonical) == 1 and variant != canonical
        # NFKC would change a compatibility form before the table is consulted
        assert unicodedata.normalize("NFKC", variant) == variant
    resolved = kanji_variants()
    assert not set(resolved.values()) & set(resolved)  # chains resolved, no cycles
    assert resolved["齋"] == resolved["斎"] == "斉"
