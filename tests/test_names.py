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


# --- token tier and aliases -------------------------------------------------------------

DISTRICTS = pd.Series(
    [
        "Dashte Archi",
        "Khwaja Sabz Posh",
        "Khwaja Ghar",
        "Bala Murghab",
        "Bala Buluk",
        "Dara-I-Pech",
        "Jaghatu",
        "Bahrami Shahid (Jaghatu)",
    ],
    index=["1407", "1813", "1212", "1906", "2105", "1010", "409", "602"],
)


def test_token_tier_finds_a_distinctive_part_of_a_name():
    m = match_names(["Archi", "Khwaja Sabz", "Pech", "Archi district"], DISTRICTS)
    assert list(m["match"]) == ["1407", "1813", "1010", "1407"]
    assert set(m["method"]) == {"token"}
    assert (m["score"] == 1.0).all() and (m["matched_alias"] == "").all()


def test_token_tier_reports_shared_parts_and_ignores_qualifiers():
    m = match_names(["Khwaja", "Bala", "Pe", "Sabz Posh Khwaja"], DISTRICTS, methods=MATCH_NO_FUZZY)
    # "Khwaja" is part of two names: ambiguous, with both
    assert m.loc[0, "method"] == "ambiguous" and m.loc[0, "candidates"] == "1212;1813"
    # "Bala" only qualifies ("upper"); "Pe" is too short; words out of order are no run
    assert list(m["method"][1:]) == ["unmatched"] * 3


def test_token_tier_respects_groups():
    m = match_names(
        ["Jaghatu", "Jaghatu"],
        DISTRICTS,
        query_groups=["Ghazni", "Wardak"],
        candidate_groups=["K", "F", "T", "B", "F", "K", "Wardak", "Ghazni"],
    )
    assert list(m["match"]) == ["602", "409"]
    assert list(m["method"]) == ["token", "exact"]


def test_aliases_take_part_in_every_tier():
    aliases = pd.Series(["Murghab", "Jaghatu", "Dara-e-Pech"], index=["1906", "602", "1010"])
    m = match_names(["Murghab", "Morghab", "Dara e Pech", "Jaghatu"], DISTRICTS, aliases=aliases)
    assert list(m["match"][:3]) == ["1906", "1906", "1010"]
    assert list(m["method"][:3]) == ["exact", "phonetic", "normalised"]
    assert list(m["matched_alias"][:3]) == ["Murghab", "Murghab", "Dara-e-Pech"]
    assert list(m["matched_name"][:3]) == ["Bala Murghab", "Bala Murghab", "Dara-I-Pech"]
    # one district's own name and another's alias: ambiguous, as in the news
    assert m.loc[3, "method"] == "ambiguous" and m.loc[3, "candidates"] == "409;602"


def test_own_name_is_preferred_in_the_report_when_both_match():
    aliases = pd.Series(["Dashte Archi"], index=["1407"])
    m = match_names(["Dashte Archi"], DISTRICTS, aliases=aliases)
    assert m.loc[0, "match"] == "1407" and m.loc[0, "matched_alias"] == ""


def test_alias_of_unknown_label_raises():
    with pytest.raises(ValueError, match="not among the candidates"):
        match_names(["x"], DISTRICTS, aliases=pd.Series(["X"], index=["9999"]))


MATCH_NO_FUZZY = ("exact", "normalised", "phonetic", "skeleton", "token")
