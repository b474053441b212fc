"""Record linkage: blocking, Fellegi–Sunter scoring and decisions, without SimPy.

Used by the ``separate`` architecture (an agency finds a citizen in its own
register from the basic facts another agency sends) and by attackers joining
leaked tables. Usable on its own::

    from sim.linkage import Matcher, link, precision_recall

    pairs = link(left, right)                 # one row per candidate pair
    matcher = Matcher.fit(register, queries=incoming_sample)
    result = matcher.match_one({"name": "髙橋 太郎", "address": "横浜市 2-1-2",
                                "sex": "M", "birth_date": "1985-03-12"})

Record tables (pandas DataFrames; one record = a mapping with the same keys):

==================  ===========================================================
column              content
==================  ===========================================================
``name``            surname, a space, given name(s): ``"高橋 太郎"``, ``"Smith John"``
``name_reading``    optional kana reading, same order: ``"タカハシ タロウ"``
``address``         municipality, a space, the rest: ``"横浜市 2丁目1番地2号"``,
                    ``"Springfield 12 Oak Street"``
``sex``             ``"M"`` / ``"F"`` (or ``"X"``), or missing
``birth_date``      ``"YYYY-MM-DD"`` (other common notations accepted), or missing
==================  ===========================================================

Missing values are None or NaN; they add nothing to a pair's weight.

Pipeline: values are normalised once (:mod:`.normalize`: width, variant
kanji, kana, accents, address notation) and encoded as integer codes
(:mod:`.records`); candidate pairs share at least one blocking key
(:mod:`.blocking`: birth date, reading or name, municipality); each field of a
pair gets a comparison level (:mod:`.compare`); the weight is the sum of
``log2(m/u)`` (:mod:`.fellegi_sunter`: m/u given, or u from random pairs and m
by EM); and two thresholds decide accept / review / reject (:mod:`.decision`).

Output of :func:`link`: columns ``left_id``, ``right_id``, ``weight`` (bits),
``decision`` and one comparison-level column per field: ``surname``,
``given``, ``address``, ``sex``, ``birth_date`` (the reading is a level of the
name fields, see :mod:`.compare`).
"""

from sim.linkage.batch import link, precision_recall
from sim.linkage.blocking import BLOCKING_KEYS, BlockingIndex, candidate_pairs, key_columns
from sim.linkage.compare import DEFAULT_BANDS, FieldSpec, field_specs
from sim.linkage.decision import DEFAULT_AMBIGUITY_MARGIN, DEFAULT_LOWER, DEFAULT_UPPER
from sim.linkage.fellegi_sunter import DEFAULT_M, LinkageWarning, MUParameters
from sim.linkage.matcher import Matcher, MatchResult
from sim.linkage.normalize import (
    normalize_address,
    normalize_date,
    normalize_name,
    normalize_reading,
    normalize_series,
    normalize_sex,
)
from sim.linkage.records import RecordTable, Vocabulary

__all__ = [
    "BLOCKING_KEYS",
    "DEFAULT_AMBIGUITY_MARGIN",
    "DEFAULT_BANDS",
    "DEFAULT_LOWER",
    "DEFAULT_M",
    "DEFAULT_UPPER",
    "BlockingIndex",
    "FieldSpec",
    "LinkageWarning",
    "MUParameters",
    "MatchResult",
    "Matcher",
    "RecordTable",
    "Vocabulary",
    "candidate_pairs",
    "field_specs",
    "key_columns",
    "link",
    "normalize_address",
    "normalize_date",
    "normalize_name",
    "normalize_reading",
    "normalize_series",
    "normalize_sex",
    "precision_recall",
]
