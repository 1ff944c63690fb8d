"""Tests for geofront.sides: the actor -> side mapping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geofront import schema
from geofront.errors import InputError, SchemaError
from geofront.sides import default_mapping_path, read_side_mapping, sides_for

# Afghanistan actors named in the issue and in the bundled files, with the side the
# documented mapping (data/sides/README.md) gives them.
AFGHAN_ACTORS = {
    "Taliban": "insurgent",
    "Taleban": "insurgent",
    "Military Forces of Afghanistan (2004-2021)": "government",
    "Police Forces of Afghanistan (2004-2021)": "government",
    "Military Forces of Afghanistan (2021-)": "insurgent",
    "Police Forces of Afghanistan (2021-)": "insurgent",
    "NDS: National Directorate of Security": "government",
    "Afghan Local Police": "government",
    "Militia (Pro-Government)": "government",
    "Military Forces of the United States (2021-)": "government",
    "Government of United States of America": "government",
    "NATO: North Atlantic Treaty Organization": "government",
    "Islamic State (Afghanistan)": "other",
    "IS": "other",
    "ISKP": "other",
    "Hizb-i Islami-yi Afghanistan": "insurgent",
    "Hizb-i Islami-yi Afghanistan - Khalis faction": "insurgent",
    "Junbish-i Milli-yi Islami": "insurgent",
    "UIFSA": "government",
    "NRF": "government",
    "al-Qaida": "insurgent",
    "Civilians": "civilians",
    "Civilians (Afghanistan)": "civilians",
    "Protesters (Afghanistan)": "other",
    "Rioters (Afghanistan)": "other",
    "Unidentified Armed Group (Afghanistan)": "other",
}


def test_default_mapping_reads_and_has_closed_vocabularies() -> None:
    rules = read_side_mapping()
    assert len(rules) == len(pd.read_csv(default_mapping_path()))
    assert set(rules["side"]) <= set(schema.SIDES)
    assert set(rules["match"]) <= {"exact", "prefix", "regex"}
    assert list(rules.columns[:6]) == [
        "pattern",
        "match",
        "side",
        "valid_from",
        "valid_to",
        "note",
    ]


@pytest.mark.parametrize(("actor", "side"), sorted(AFGHAN_ACTORS.items()))
def test_afghanistan_actors(actor: str, side: str) -> None:
    assert sides_for(pd.Series([actor])).iloc[0] == side


def test_generic_country_agnostic_rules() -> None:
    actors = pd.Series(
        [
            "Military Forces of Mali (2021-)",
            "Police Forces of Colombia (2018-2022)",
            "Government of Ethiopia",
            "Civilians (Sudan)",
            "Protesters (Chile)",
            "Some Unheard-of Militia",
        ]
    )
    got = sides_for(actors).tolist()
    assert got == ["government", "government", "government", "civilians", "other", "unknown"]


def test_matching_ignores_case_and_spaces_and_keeps_index() -> None:
    actors = pd.Series(["  TALIBAN ", "taleban", None, ""], index=[10, 20, 30, 40])
    got = sides_for(actors)
    assert got.index.tolist() == [10, 20, 30, 40]
    assert got.dtype == "string"
    assert got.tolist() == ["insurgent", "insurgent", "unknown", "unknown"]


def test_ucdp_government_of_afghanistan_depends_on_date() -> None:
    # UCDP codes whoever holds Kabul as "Government of Afghanistan": the Taliban from
    # 27 Sep 1996 to 12 Nov 2001 and again from 15 Aug 2021.
    name = "Government of Afghanistan"
    dates = pd.to_datetime(
        ["1990-01-01", "1996-09-26", "1996-09-27", "2001-11-12", "2001-11-13", "2021-08-14"]
        + ["2021-08-15", "2022-09-12"]
    )
    actors = pd.Series([name] * len(dates))
    got = sides_for(actors, dates=pd.Series(dates)).tolist()
    assert got == ["government", "government", "insurgent", "insurgent", "government"] + [
        "government",
        "insurgent",
        "insurgent",
    ]
    # Without dates the dated rules are skipped: the undated rule applies.
    assert sides_for(actors).unique().tolist() == ["government"]


def test_dated_rule_does_not_override_an_earlier_undated_rule(tmp_path: Path) -> None:
    user = tmp_path / "s.csv"
    user.write_text(
        "pattern,match,side,valid_from,valid_to\n"
        "Government of Afghanistan,exact,other,,\n"  # user: always other
    )
    dates = pd.Series(pd.to_datetime(["1997-01-01", "2021-09-01"]))
    got = sides_for(pd.Series(["Government of Afghanistan"] * 2), user, dates=dates)
    assert got.tolist() == ["other", "other"]


def test_user_file_overrides_and_extends_defaults(tmp_path: Path) -> None:
    user = tmp_path / "my_sides.csv"
    user.write_text(
        "pattern,match,side,note\n"
        "Taliban,exact,government,a deliberately different view\n"
        "Tehrik-i-Taliban Pakistan,prefix,insurgent,not in the defaults\n"
    )
    actors = pd.Series(["Taliban", "Tehrik-i-Taliban Pakistan (TTP)", "Taleban", "Civilians"])
    got = sides_for(actors, user).tolist()
    assert got == ["government", "insurgent", "insurgent", "civilians"]
    only_user = read_side_mapping(user, include_defaults=False)
    assert len(only_user) == 2
    assert sides_for(actors, only_user).tolist() == [
        "government",
        "insurgent",
        "unknown",
        "unknown",
    ]


def test_first_match_wins_and_regex_must_match_whole_name(tmp_path: Path) -> None:
    user = tmp_path / "s.csv"
    user.write_text(
        "pattern,match,side\nAlpha,prefix,government\nAlpha Beta,exact,insurgent\n"
        "Beta,regex,other\n"
    )
    rules = read_side_mapping(user, include_defaults=False)
    got = sides_for(pd.Series(["Alpha Beta", "Beta", "Beta Gamma", "alpha"]), rules).tolist()
    assert got == ["government", "other", "unknown", "government"]


def test_many_rows_are_broadcast_from_unique_names() -> None:
    rng = np.random.default_rng(1)
    names = np.array(["Taliban", "Civilians (Afghanistan)", "Nobody"], dtype=object)
    pick = rng.integers(0, 3, 200_000)
    got = sides_for(pd.Series(names[pick]))
    expected = np.array(["insurgent", "civilians", "unknown"], dtype=object)[pick]
    assert (got.to_numpy(dtype=object) == expected).all()


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("pattern,side\nTaliban,insurgent\n", "lacks column(s) match"),
        ("pattern,match,side\nTaliban,fuzzy,insurgent\n", "match 'fuzzy' is not one of"),
        ("pattern,match,side\nTaliban,exact,rebels\n", "side 'rebels' is not one of"),
        ("pattern,match,side\n([,regex,other\n", "bad regular expression"),
        ("pattern,match,side,valid_from\nX,exact,other,July 2021\n", "is not a YYYY-MM-DD"),
        ("pattern,match,side\n,exact,other\n", "empty pattern"),
    ],
)
def test_bad_mapping_files(tmp_path: Path, text: str, needle: str) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(SchemaError) as err:
        read_side_mapping(p)
    msg = str(err.value)
    assert needle in msg and str(p) in msg and "\n" not in msg


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_side_mapping(tmp_path / "nope.csv")
