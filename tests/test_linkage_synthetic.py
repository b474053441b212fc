"""EM, precision and recall on synthetic worlds with known truth and known error rates."""

import functools

import numpy as np
import pandas as pd
import pytest

from sim.linkage import Matcher, link, precision_recall

SURNAMES = [
    ("高橋", "タカハシ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("田中", "タナカ"),
    ("渡辺", "ワタナベ"), ("伊藤", "イトウ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"),
    ("斉藤", "サイトウ"), ("清水", "シミズ"), ("山崎", "ヤマザキ"), ("浜田", "ハマダ"),
    ("沢田", "サワダ"), ("島田", "シマダ"), ("高田", "タカダ"), ("池田", "イケダ"),
]  # fmt: skip
GIVEN = [
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("健", "ケン"),
    ("翔太", "ショウタ"), ("美咲", "ミサキ"), ("大輔", "ダイスケ"), ("陽子", "ヨウコ"),
    ("直樹", "ナオキ"), ("恵", "メグミ"), ("真一", "シンイチ"), ("由美", "ユミ"),
    ("隆", "タカシ"), ("綾", "アヤ"), ("浩二", "コウジ"), ("誠", "マコト"),
]  # fmt: skip
TOWNS = ["横浜市", "川崎市", "相模原市", "藤沢市", "横須賀市", "平塚市", "鎌倉市", "厚木市"]
VARIANT = {"高": "髙", "辺": "邉", "崎": "﨑", "斉": "齋", "浜": "濱", "沢": "澤", "島": "嶋"}
KANJI = "太郎花子一健翔美咲大輔陽直樹恵真由隆綾浩二誠"
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"


def people(rng, n):
    surname, given = rng.integers(len(SURNAMES), size=n), rng.integers(len(GIVEN), size=n)
    days = rng.integers(0, 60 * 365, size=n).astype("timedelta64[D]")
    where = rng.integers([0, 1, 1, 1], [len(TOWNS), 6, 31, 21], size=(n, 4)).tolist()
    return pd.DataFrame(
        {
            "name": [
                f"{SURNAMES[s][0]} {GIVEN[g][0]}" for s, g in zip(surname, given, strict=True)
            ],
            "name_reading": [
                f"{SURNAMES[s][1]} {GIVEN[g][1]}" for s, g in zip(surname, given, strict=True)
            ],
            "address": [f"{TOWNS[t]} {c}丁目{b}番地{h}号" for t, c, b, h in where],
            "sex": rng.choice(["M", "F"], size=n),
            "birth_date": (np.datetime64("1945-01-01") + days).astype(str),
        }
    )


def typo(rng, text, alphabet):
    chars = list(text)
    k = rng.choice([i for i, c in enumerate(chars) if c != " "])
    chars[k] = alphabet[rng.integers(len(alphabet))]
    return "".join(chars)


def corrupt(rng, record, rate):
    """An agency's copy: each field wrong with probability ``rate``; notation varies freely."""
    record = dict(record)
    if rng.random() < rate:
        variant = "".join(VARIANT.get(c, c) for c in record["name"])
        record["name"] = variant if variant != record["name"] else typo(rng, record["name"], KANJI)
    if rng.random() < rate:
        record["name_reading"] = typo(rng, record["name_reading"], KANA)
    town, rest = record["address"].split(" ", 1)
    if rng.random() < rate:  # moved, or a digit wrong
        moved = people(rng, 1)["address"][0]
        record["address"] = (
            moved if rng.random() < 0.5 else f"{town} {typo(rng, rest, '0123456789')}"
        )
    elif rng.random() < 0.5:  # the same address written differently
        record["address"] = (
            f"{town}　{rest.replace('丁目', '-').replace('番地', '-').replace('号', '')}"
        )
    if rng.random() < rate:
        digits = list(record["birth_date"].replace("-", ""))
        k = rng.integers(4, 7)
        digits[k], digits[k + 1] = digits[k + 1], digits[k]
        record["birth_date"] = "{}{}{}{}-{}{}-{}{}".format(*digits)
    for column in ("name_reading", "address", "sex", "birth_date"):
        if rng.random() < rate / 3:
            record[column] = None
    if record["name_reading"] and rng.random() < 0.3:  # hiragana: not an error
        kana = record["name_reading"]
        record["name_reading"] = "".join(
            chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana
        )
    return record


@functools.cache
def world(n, rate, seed=0, overlap=0.7):
    """Two tables of ``n`` people, ``overlap`` of them the same people copied with errors."""
    rng = np.random.default_rng(seed)
    left = people(rng, n)
    shared = np.sort(rng.choice(n, size=int(overlap * n), replace=False))
    copies = pd.DataFrame([corrupt(rng, left.iloc[i], rate) for i in shared])
    right = pd.concat([copies, people(rng, n - len(shared))], ignore_index=True)
    order = rng.permutation(len(right))
    right = right.iloc[order].reset_index(drop=True)
    source = np.concatenate([shared, np.full(n - len(shared), -1)])[order]
    left.insert(0, "id", [f"L{i}" for i in range(n)])
    right.insert(0, "id", [f"R{j}" for j in range(n)])
    truth = frozenset((f"L{s}", f"R{j}") for j, s in enumerate(source.tolist()) if s >= 0)
    return left, right, truth


@functools.cache
def linked(rate):
    left, right, truth = world(1200, rate)
    pairs = link(left, right)
    return pairs, precision_recall(pairs, set(truth))


def test_em_recovers_m_above_u_and_close_to_the_truth():
    pairs, _ = linked(0.05)
    params = pairs.attrs["m_u"]
    assert params.source == "em"
    _, _, truth = world(1200, 0.05)
    is_match = np.array([key in truth for key in zip(pairs.left_id, pairs.right_id, strict=True)])
    for spec, m, u in zip(params.fields, params.m, params.u, strict=True):
        assert m[1] > u[1], spec.name
        levels = pairs.loc[is_match, spec.name]
        true_m = (levels == "exact").sum() / (levels != "missing").sum()
        assert m[1] == pytest.approx(true_m, abs=0.05), spec.name
    assert params.prior == pytest.approx(is_match.mean(), rel=0.2)


def test_precision_and_recall_at_a_low_error_rate():
    _, scores = linked(0.05)
    assert scores["precision"] >= 0.98
    assert scores["recall"] >= 0.9


def test_recall_falls_as_errors_rise():
    recalls = [linked(rate)[1]["recall"] for rate in (0.05, 0.15, 0.3)]
    assert recalls[0] > recalls[1] > recalls[2]
    assert linked(0.3)[1]["precision"] >= 0.95


def test_estimation_is_deterministic():
    left, right, _ = world(1200, 0.05)
    first_pairs, again = linked(0.05)[0], link(left, right)
    assert first_pairs.equals(again)
    assert first_pairs.attrs["m_u"].to_dict() == again.attrs["m_u"].to_dict()
    queries = right.drop(columns="id")
    first = Matcher.fit(left, queries=queries).m_u.to_dict()
    assert Matcher.fit(left, queries=queries).m_u.to_dict() == first


def test_matcher_one_record_at_a_time():
    left, right, truth = world(1200, 0.05)
    matcher = Matcher.fit(left, queries=right.drop(columns="id"))
    expected = {right_id: left_id for left_id, right_id in truth}
    results = {record["id"]: matcher.match_one(record) for record in right.to_dict("records")}
    accepted = {rid: res.best_id for rid, res in results.items() if res.decision == "accept"}
    correct = sum(expected.get(rid) == lid for rid, lid in accepted.items())
    assert correct / len(accepted) >= 0.98
    assert correct / len(truth) >= 0.9
    # without incoming records to learn from, m falls back to DEFAULT_M and still works
    plain = Matcher.fit(left)
    assert plain.m_u.source == "default-m"
    rid, lid = next(iter(sorted(expected.items())))
    assert plain.match_one(right.set_index("id").loc[rid].to_dict()).best_id == lid
