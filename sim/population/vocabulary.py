"""Names and addresses: the shipped vocabularies and vectorised drawing and formatting.

A :class:`Vocabulary` holds, for one locale (``"ja"`` or ``"latin"``), the
surnames, given names (split by sex) and municipalities read from
``sim/data/*.csv`` (sources in ``sim/data/SOURCES.md``). Citizens carry integer
codes into these arrays; strings are built only when a record is written, and
then for a whole array at once.

Codes:
    * surname code: index into ``surnames``.
    * given-name code: index into ``given_male`` for sex 1 and into
      ``given_female`` for sex 2 (ISO 5218), so a code means nothing without
      the sex.
    * municipality code: index into ``municipality_names``.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np

from sim.population.blocks import WeightedCodes, blocks

LOCALES = ("ja", "latin")
MALE, FEMALE = 1, 2  # ISO 5218

# Common German street names (Hauptstraße is the most frequent one; the rest is
# a hand-picked list of frequent names, order not meaningful).
LATIN_STREETS = (
    "Hauptstraße",
    "Schulstraße",
    "Gartenstraße",
    "Dorfstraße",
    "Bahnhofstraße",
    "Bergstraße",
    "Lindenstraße",
    "Kirchstraße",
    "Waldstraße",
    "Ringstraße",
    "Schillerstraße",
    "Goethestraße",
    "Wiesenstraße",
    "Jahnstraße",
    "Feldstraße",
    "Rosenstraße",
    "Poststraße",
    "Berliner Straße",
    "Birkenweg",
    "Mühlenweg",
    "Am Markt",
)

Forms = tuple[tuple[str, ...], ...]


def _frozen(values: object, dtype: object = None) -> np.ndarray:
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


def _probabilities(weights: list[float], source: str) -> np.ndarray:
    array = np.asarray(weights, dtype=np.float64)
    if array.size == 0 or not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(f"{source}: every weight must be a positive number")
    return _frozen(array / array.sum())


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part for part in (cell or "").split("|") if part)


def _read_csv(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    path = resources.files("sim") / "data" / name
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in columns if column not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"sim/data/{name}: missing column(s) {missing}; expected {columns}")
        rows = list(reader)
    if not rows:
        raise ValueError(f"sim/data/{name}: no rows")
    return rows


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Surnames, given names and municipalities of one locale, as numpy arrays.

    Weights are probabilities (they sum to one). ``*_variants`` hold real
    alternative written forms (髙橋 for 高橋, Meier for Meyer); ``*_alt_readings``
    real alternative readings (ナカシマ for 中島). For ``"latin"`` the readings
    equal the names and there are no alternative readings.
    """

    locale: str
    surnames: np.ndarray
    surname_readings: np.ndarray
    surname_weights: np.ndarray
    surname_variants: Forms
    surname_alt_readings: Forms
    given_male: np.ndarray
    given_male_readings: np.ndarray
    given_male_weights: np.ndarray
    given_male_variants: Forms
    given_male_alt_readings: Forms
    given_female: np.ndarray
    given_female_readings: np.ndarray
    given_female_weights: np.ndarray
    given_female_variants: Forms
    given_female_alt_readings: Forms
    municipality_codes: np.ndarray  # local-government code (ja); empty strings (latin)
    municipality_prefectures: np.ndarray  # prefecture (ja); empty strings (latin)
    municipality_names: np.ndarray
    municipality_population: np.ndarray
    municipality_weights: np.ndarray
    streets: tuple[str, ...]  # street names used in Latin addresses; () for ja

    def __repr__(self) -> str:
        return (
            f"Vocabulary(locale={self.locale!r}, surnames={len(self.surnames)}, "
            f"given_male={len(self.given_male)}, given_female={len(self.given_female)}, "
            f"municipalities={len(self.municipality_names)})"
        )

    @classmethod
    def load(cls, locale: str) -> Vocabulary:
        """The vocabulary of ``locale`` (``"ja"`` or ``"latin"``), read once and cached."""
        if locale not in LOCALES:
            raise ValueError(f"unknown vocabulary locale {locale!r}; expected one of {LOCALES}")
        return _load(locale)

    # -- drawing codes -------------------------------------------------------------------

    def draw_surnames(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` surname codes drawn by the surname weights (int32)."""
        return WeightedCodes(self.surname_weights).draw(rng, n)

    def draw_given(self, rng: np.random.Generator, sex: np.ndarray) -> np.ndarray:
        """One given-name code per person, drawn from the list of that person's sex (int32).

        ``sex`` holds ISO 5218 codes: 1 male, 2 female; any other value raises
        ``ValueError``.
        """
        sex = np.asarray(sex)
        _check_sex(sex)
        male = WeightedCodes(self.given_male_weights)
        female = WeightedCodes(self.given_female_weights)
        flat_sex = sex.reshape(-1)
        codes = np.empty(flat_sex.shape, dtype=np.int32)
        for start, stop in blocks(len(codes)):
            uniform = rng.random(stop - start)
            as_male, as_female = male.of_uniform(uniform), female.of_uniform(uniform)
            codes[start:stop] = np.where(flat_sex[start:stop] == MALE, as_male, as_female)
        return codes.reshape(sex.shape)

    def draw_municipalities(self, rng: np.random.Generator, k: int) -> np.ndarray:
        """Choose the ``k`` municipalities of a world, by population, without replacement.

        Returns their codes (indices into ``municipality_names``, int32) in the
        order drawn; larger places tend to come first.
        """
        available = len(self.municipality_names)
        if not 1 <= k <= available:
            raise ValueError(
                f"cannot choose {k} municipalities: the {self.locale!r} vocabulary has "
                f"{available} (sim/data/municipalities_{self.locale}.csv); use 1..{available}"
            )
        chosen = rng.choice(available, size=k, replace=False, p=self.municipality_weights)
        return chosen.astype(np.int32)

    # -- formatting ----------------------------------------------------------------------

    def full_name(
        self, surname_codes: np.ndarray, given_codes: np.ndarray, sex: np.ndarray
    ) -> np.ndarray:
        """Names as written: surname, one space, given name ("高橋 太郎", "Müller Hans")."""
        surnames = self.surnames[np.asarray(surname_codes)]
        return _join(surnames, " ", self._given(given_codes, sex, readings=False))

    def full_reading(
        self, surname_codes: np.ndarray, given_codes: np.ndarray, sex: np.ndarray
    ) -> np.ndarray:
        """Names as read ("タカハシ タロウ"); for ``"latin"`` the same as :meth:`full_name`."""
        surnames = self.surname_readings[np.asarray(surname_codes)]
        return _join(surnames, " ", self._given(given_codes, sex, readings=True))

    def address(self, municipality_codes: np.ndarray, block: np.ndarray) -> np.ndarray:
        """Addresses: municipality name, one space, then the place within it (``place``)."""
        place = self.place(block)
        names = self.municipality_names[np.asarray(municipality_codes)]
        return _join(names, " ", place)

    def place(self, block: np.ndarray) -> np.ndarray:
        """The place within a municipality: the part of an address after its name.

        ``block`` has shape (n, 3) of positive integers. For ``"ja"`` it is
        (chōme, banchi, gō): ``"2丁目1番地2号"``. For ``"latin"`` the first two
        entries pick the street and the third is the house number:
        ``"Hauptstraße 12"``. Each distinct block is spelt once.
        """
        block = np.asarray(block)
        if block.ndim != 2 or block.shape[1] != 3:
            raise ValueError(f"block must have shape (n, 3); got {block.shape}")
        block = block.astype(np.int64)
        radix = int(block.max(initial=0)) + 1  # one number per block, to find the distinct
        distinct, spelt_as = np.unique(
            (block[:, 0] * radix + block[:, 1]) * radix + block[:, 2], return_inverse=True
        )
        chome, banchi, go = distinct // radix // radix, distinct // radix % radix, distinct % radix
        if self.locale == "ja":
            spelt = [
                f"{c}丁目{b}番地{g}号"
                for c, b, g in zip(chome.tolist(), banchi.tolist(), go.tolist(), strict=True)
            ]
        else:
            streets = self.streets
            picks = ((chome * 7 + banchi) % len(streets)).tolist()
            spelt = [f"{streets[p]} {g}" for p, g in zip(picks, go.tolist(), strict=True)]
        return np.array(spelt, dtype=str)[spelt_as.ravel()]

    def _given(self, given_codes: np.ndarray, sex: np.ndarray, *, readings: bool) -> np.ndarray:
        sex = np.asarray(sex)
        _check_sex(sex)
        codes = np.asarray(given_codes)
        male = self.given_male_readings if readings else self.given_male
        female = self.given_female_readings if readings else self.given_female
        return np.where(
            sex == MALE, np.take(male, codes, mode="clip"), np.take(female, codes, mode="clip")
        )


def _check_sex(sex: np.ndarray) -> None:
    bad = (sex != MALE) & (sex != FEMALE)
    if np.any(bad):
        raise ValueError(
            f"sex must be ISO 5218 codes 1 (male) or 2 (female); got {sex[bad][:5].tolist()}"
        )


def _join(*parts: np.ndarray | str) -> np.ndarray:
    result = np.asarray(parts[0], dtype=str)
    for part in parts[1:]:
        result = np.char.add(result, np.asarray(part, dtype=str))
    return result


def _given_table(locale: str, sex: str) -> dict:
    if locale == "ja":
        rows = _read_csv(
            "given_names_ja.csv", ("given", "reading", "sex", "weight", "alt_readings")
        )
    else:
        rows = _read_csv("given_names_latin.csv", ("given", "sex", "weight"))
    rows = [row for row in rows if row["sex"] == sex]
    if not rows:
        raise ValueError(f"sim/data/given_names_{locale}.csv: no given names of sex {sex!r}")
    names = [row["given"] for row in rows]
    return {
        "names": _frozen(names, str),
        "readings": _frozen([row.get("reading") or row["given"] for row in rows], str),
        "weights": _probabilities(
            [float(row["weight"]) for row in rows], f"given_names_{locale}.csv"
        ),
        "variants": tuple(_split(row.get("variants")) for row in rows),
        "alt_readings": tuple(_split(row.get("alt_readings")) for row in rows),
    }


@functools.lru_cache(maxsize=len(LOCALES))
def _load(locale: str) -> Vocabulary:
    if locale == "ja":
        surnames = _read_csv(
            "surnames_ja.csv", ("surname", "reading", "weight", "variants", "alt_readings")
        )
        places = _read_csv("municipalities_ja.csv", ("code", "prefecture", "name", "population"))
    else:
        surnames = _read_csv("surnames_latin.csv", ("surname", "weight"))
        places = _read_csv("municipalities_latin.csv", ("name", "population"))
    male, female = _given_table(locale, "M"), _given_table(locale, "F")
    population = [int(row["population"]) for row in places]
    return Vocabulary(
        locale=locale,
        surnames=_frozen([row["surname"] for row in surnames], str),
        surname_readings=_frozen([row.get("reading") or row["surname"] for row in surnames], str),
        surname_weights=_probabilities(
            [float(row["weight"]) for row in surnames], f"surnames_{locale}.csv"
        ),
        surname_variants=tuple(_split(row.get("variants")) for row in surnames),
        surname_alt_readings=tuple(_split(row.get("alt_readings")) for row in surnames),
        given_male=male["names"],
        given_male_readings=male["readings"],
        given_male_weights=male["weights"],
        given_male_variants=male["variants"],
        given_male_alt_readings=male["alt_readings"],
        given_female=female["names"],
        given_female_readings=female["readings"],
        given_female_weights=female["weights"],
        given_female_variants=female["variants"],
        given_female_alt_readings=female["alt_readings"],
        municipality_codes=_frozen([row.get("code", "") for row in places], str),
        municipality_prefectures=_frozen([row.get("prefecture", "") for row in places], str),
        municipality_names=_frozen([row["name"] for row in places], str),
        municipality_population=_frozen(population, np.int64),
        municipality_weights=_probabilities(population, f"municipalities_{locale}.csv"),
        streets=LATIN_STREETS if locale == "latin" else (),
    )
