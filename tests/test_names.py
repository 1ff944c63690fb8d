"""geofront.names: normalisation keys and tiered, transliteration-tolerant matching."""

from __future__ import annotations

import pandas as pd
import pytest

from geofront.names import match_names, normalise_name, phonetic_key, skeleton_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Qala-I- Naw", "qala i naw"),
        ("  Qala-i-Naw ", "qala i naw"),
        ("Shīndand (Sabzawar)", "shindand sabzawar"),
        ("Shi\u2019a", "shia"),
        ("Khost(Matun)", "khost matun"),
        ("Mazār-e Sharīf", "mazar e sharif"),
    ],
)
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    "variants",
    [
        ("Qala-I- Naw", "Qala-i-Naw", "Qala e Naw", "QALA-E-NAW", "Qala i Naw district"),
        ("Taluqan", "Taloqan", "Talooqan"),
        ("Hirat", "Herat"),
        ("Maimanah", "Maymana", "Maimana"),
        ("Bala Murghab", "Balamurghab", "Bala Morghab"),
        ("Ghormach", "Ghowrmach"),
    ],
)
def test_phonetic_key_joins_transliterations(variants):
    assert len({phonetic_key(v) for v in variants}) == 1


def test_skeleton_is_looser_than_phonetic():
    assert phonetic_key("Sar-e Pol") != phonetic_key("Sari Pul")
    assert skeleton_key("Sar-e Pol") == skeleton_key("Sari Pul") == "srpl"


def test_vectorised_keeps_index_and_missing():
    s = pd.Series(["Herat", None, "Hirat"], index=[10, 20, 30])
    out = phonetic_key(s)
    assert list(out.index) == [10, 20, 30]
    assert out[10] == out[30] and out[20] is None


CANDIDATES = pd.Series(
    ["Alpha", "Kohistan", "Kohistan", "Delta", "Qala-I- Naw", "Taloqan"],
    index=["101", "102", "201", "202", "1901", "1201"],
)


def test_match_names_tiers_and_outcomes():
    q = pd.Series(["Alpha", "alpha", "Qala e Naw", "Taluqan", "Dalta", "Kohistan", "Zzyzx", None])
    m = match_names(q, CANDIDATES)
    assert list(m["match"]) == ["101", "101", "1901", "1201", "202", None, None, None]
    assert list(m["method"]) == [
        "exact",
        "normalised",
        "phonetic",
        "phonetic",
        "skeleton",
        "ambiguous",
        "unmatched",
        "unmatched",
    ]
    assert m.loc[5, "candidates"] == "102;201"
    assert m.loc[2, "matched_name"] == "Qala-I- Naw"


def test_groups_resolve_duplicate_names():
    m = match_names(
        ["Kohistan", "Kohistan", "Kohistan"],
        CANDIDATES,
        query_groups=["North", "South", None],
        candidate_groups=["North", "North", "South", "South", "B", "T"],
    )
    assert list(m["match"][:2]) == ["102", "201"]
    # no group: searched everywhere, hence ambiguous
    assert m.loc[2, "method"] == "ambiguous"


def test_fuzzy_tier_unique_best_only():
    cands = pd.Series(["Khwaja Ghar", "Khwaja Bahawuddin"], index=["a", "b"])
    m = match_names(["Khwaja Ghaar district", "Khwaja Bahauddinn"], cands)
    assert list(m["match"]) == ["a", "b"]
    # without the fuzzy tier the misspelling stays unmatched
    strict = match_names(["Kwaja Bahawudin"], cands, methods=("exact", "normalised", "phonetic"))
    assert strict.loc[0, "method"] == "unmatched"
    loose = match_names(["Kwaja Bahawudin"], cands)
    assert loose.loc[0, "method"] == "fuzzy" and loose.loc[0, "match"] == "b"
    assert 0.85 <= loose.loc[0, "score"] < 1.0


def test_match_names_bad_arguments():
    with pytest.raises(ValueError, match="both"):
        match_names(["a"], ["a"], query_groups=["x"])
    with pytest.raises(ValueError, match="unknown match method"):
        match_names(["a"], ["a"], methods=("soundex",))
