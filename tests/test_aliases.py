"""geofront.aliases: the bundled Afghan alias table, user alias files, and what they buy."""

from __future__ import annotations

import pandas as pd
import pytest
from news_names import NEWS_TAKEOVERS, score

from geofront import datasets
from geofront.aliases import (
    ALIAS_COLUMNS,
    RELATIONS,
    alias_series,
    aliases_for,
    part_notes,
    read_aliases,
)
from geofront.errors import InputError
from geofront.names import match_names


@pytest.fixture(scope="module")
def bundled(afghanistan):
    return aliases_for(afghanistan)


def test_bundled_table_is_consistent_with_the_398_districts(afghanistan, bundled):
    raw = pd.read_csv(datasets.get_path("afg-district-aliases"), dtype=str, keep_default_na=False)
    assert tuple(raw.columns) == ALIAS_COLUMNS
    d = afghanistan.districts.set_index("district_id")
    # every id exists, and the name and province columns say which district it is
    assert raw["district_id"].isin(d.index).all()
    assert (raw["district"] == d.loc[raw["district_id"], "district"].str.strip().values).all()
    assert (raw["province"] == d.loc[raw["district_id"], "province"].values).all()
    assert raw["relation"].isin(RELATIONS).all()
    assert (raw["source"] != "").all() and (raw["alias"] != "").all()
    assert not raw.duplicated(["alias", "district_id"]).any()
    # read through read_aliases it is unchanged, and it is used by default
    assert len(read_aliases("afg-district-aliases", afghanistan)) == len(raw)
    assert bundled is not None and len(bundled) == len(raw)


def test_bundled_table_names_the_issue_examples(afghanistan, bundled):
    series = alias_series(bundled)
    names = (
        afghanistan.districts["district"].str.strip().set_axis(afghanistan.districts["district_id"])
    )
    m = match_names(["Murghab", "Ghorband", "Jaji", "Jadran", "Ragh"], names, aliases=series)
    assert list(m["match"]) == ["1906", "305", "711", "704", "1112"]
    assert list(m["matched_name"]) == [
        "Bala Murghab",
        "Sia Gird ( Ghorbund)",
        "Ali Khail (Jaji)",
        "Zadran",
        "Raghistan",
    ]
    assert (m["matched_alias"] != "").all()
    # the former district split in two is ambiguous, with both candidates
    m = match_names(["Dara-I-Suf"], names, aliases=series)
    assert m.loc[0, "method"] == "ambiguous" and m.loc[0, "candidates"] == "1503;1504"


def test_news_takeover_names_before_and_after(afghanistan, bundled):
    """Every name of the news list comes out right; without aliases and tokens 13 do not."""
    names = (
        afghanistan.districts["district"].str.strip().set_axis(afghanistan.districts["district_id"])
    )
    query = [n for n, _ in NEWS_TAKEOVERS]
    before = score(
        match_names(query, names, methods=("exact", "normalised", "phonetic", "skeleton", "fuzzy"))
    )
    after = score(match_names(query, names, aliases=alias_series(bundled)))
    assert after["right"] == after["names"] == 105 and after["misses"] == []
    assert after["ambiguous_right"] == 4  # Dara-I-Suf, Jaghatu, Dawlatabad, Arghandab
    # without them: the ten issue names and "Yumgan" unmatched, and two silent errors:
    # "Kiti" taken for Kot (skeleton), "Jaghatu" for Wardak's alone
    assert before["right"] == 92
    assert before["unmatched"] == 11 and before["wrong"] == 2
    assert ("Kiti", "822 (skeleton) instead of 3406") in before["misses"]


def test_part_aliases_never_match_but_explain(afghanistan, bundled):
    names = (
        afghanistan.districts["district"].str.strip().set_axis(afghanistan.districts["district_id"])
    )
    m = match_names(["Marja"], names, aliases=alias_series(bundled))
    assert m.loc[0, "method"] == "unmatched"
    note = part_notes(bundled, pd.Series(["Marja", "Kabul"]))
    assert note[0].startswith("Marja is a district created from part of Nad Ali (Hilmand)")
    assert note[1] == ""


def test_bundled_table_not_used_for_other_boundaries(world):
    assert aliases_for(world) is None
    assert aliases_for(world, False) is None


def test_user_aliases_for_any_country(world, tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("alias;district_id;relation\nAlfa;101;\nNordkohistan;102;same\n")
    table = aliases_for(world, path)
    assert list(table["alias"]) == ["Alfa", "Nordkohistan"]
    assert list(table["district"]) == ["Alpha", "Kohistan"]
    assert list(table["relation"]) == ["same", "same"]
    assert aliases_for(world, "none") is None


def test_user_alias_replaces_bundled_alias_of_same_name(afghanistan):
    own = pd.DataFrame({"alias": ["Murghab"], "district_id": ["1906"], "source": ["mine"]})
    table = aliases_for(afghanistan, own)
    hits = table[table["alias"].str.lower() == "murghab"]
    assert list(hits["source"]) == ["mine"]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("alias,district_id\nAlfa,999\n", r"line 2: district_id '999' \(alias 'Alfa'\)"),
        ("alias,district_id,relation\nAlfa,101,twin\n", "relation 'twin' is not one of"),
        ("name,district_id\nAlfa,101\n", "lacks column"),
    ],
)
def test_bad_alias_file_one_line(world, tmp_path, text, match):
    path = tmp_path / "a.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=match) as err:
        read_aliases(path, world)
    assert "\n" not in str(err.value)


def test_missing_alias_file(world, tmp_path):
    with pytest.raises(InputError, match="aliases"):
        read_aliases(tmp_path / "nope.csv", world)
