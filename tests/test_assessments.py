"""geofront.assessments: long/wide tables, words/flags, ids/names, every problem reported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geofront import datasets
from geofront.assessments import (
    ASSESSMENT_COLUMNS,
    REJECTED_COLUMNS,
    assessment_counts,
    read_assessments,
)
from geofront.errors import DataFileError, InputError, SchemaError


def write(tmp_path: Path, text: str, name: str = "a.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# --- the bundled Badghis table -------------------------------------------------------------


def test_seed_badghis_six_insurgent_one_contested(afghanistan):
    r = read_assessments("seed-assessments", afghanistan)
    t = r.table
    assert list(t.columns) == list(ASSESSMENT_COLUMNS)
    assert len(r.rejected) == 0 and r.layout == "long"
    assert t["status"].value_counts().to_dict() == {"insurgent": 6, "contested": 1}
    assert set(t["district_id"]) == {f"190{k}" for k in range(1, 8)}
    assert (t["date"] == pd.Timestamp("2021-07-07")).all()
    assert (t["match_method"] == "id").all()
    # the evidence reference points at the source row: row 7 is Qala-I- Naw, contested
    qn = t.set_index("district_id").loc["1901"]
    assert qn["ref"] == "seed_district_assessments_2021-07.csv:7"
    src = pd.read_csv(datasets.get_path("seed-assessments"), dtype=str)
    assert src.iloc[7 - 1]["district"] == "Qala-I- Naw"
    assert src.iloc[7 - 1]["status"] == "contested"
    counts = assessment_counts(r)
    assert counts["districts"].tolist() == [1, 6]


# --- a user's wide table in another transliteration -----------------------------------------

WIDE = """Province,District,2021-06-01,7 July 2021,notes
Badghis,Qala e Naw,government,Contested,capital
Badghis,Ab-i-Kamari,Gov,Taliban controlled,
Badghis,Qadis,contested,taliban,
Badghis,Jawand,Taliban,TALIBAN,
Badghis,Ghowrmach,,Taliban,
Badghis,Bala Morghab,contested,insurgent,
Badghis,Muqor,government,Taliban,
Takhar,Taloqan,government,contested,
,Kohistan,government,,
Hirat,Nowhere,government,,
"""
# Intended statuses of the matchable names, by date (written independently of the code).
INTENDED = {
    "2021-06-01": {"government": 4, "contested": 2, "insurgent": 1},  # Ghowrmach blank
    "2021-07-07": {"insurgent": 6, "contested": 2},
}


def test_wide_table_other_transliteration(tmp_path, afghanistan):
    r = read_assessments(write(tmp_path, WIDE, "user.csv"), afghanistan)
    assert r.layout == "wide"
    rep = r.report.set_index("unit")
    expected_ids = {
        "Qala e Naw": "1901",
        "Ab-i-Kamari": "1902",
        "Qadis": "1903",
        "Jawand": "1904",
        "Ghowrmach": "1905",
        "Bala Morghab": "1906",
        "Muqor": "1907",
        "Taloqan": "1201",
    }
    for unit, did in expected_ids.items():
        assert rep.loc[unit, "district_id"] == did, unit
    # Muqur exists in Badghis and Ghazni: the province told them apart
    assert rep.loc["Muqor", "matched_province"] == "Badghis"
    assert rep.loc["Kohistan", "method"] == "ambiguous"
    assert "1119" in rep.loc["Kohistan", "candidates"].split(";")
    assert rep.loc["Nowhere", "method"] == "unmatched"
    assert "Nowhere" in rep.loc["Nowhere", "detail"]
    # counts per date equal the source's counts over the matched names
    counts = assessment_counts(r)
    for day, expected in INTENDED.items():
        got = counts[counts["date"] == pd.Timestamp(day)].set_index("status")["districts"]
        assert got.to_dict() == expected
    # every non-empty cell is either in the table or rejected (never dropped)
    assert len(r.table) + len(r.rejected) == 15 + 2
    assert sorted(r.rejected["reason"]) == ["ambiguous_unit", "unmatched_unit"]
    assert list(r.rejected.columns) == list(REJECTED_COLUMNS)
    assert r.table.set_index(["district_id", "date"]).loc[
        ("1901", pd.Timestamp("2021-07-07")), "ref"
    ] == ("user.csv:1@7 July 2021")
    assert "rejected: 1 ambiguous_unit, 1 unmatched_unit" in r.summary()


def test_names_without_province_and_duplicate_names(tmp_path, world):
    text = "district,province,date,status\nAlpha,,2021-07-01,insurgent\nKohistan,South,2021-07-01,government\nKohistan,,2021-07-01,government\n"
    r = read_assessments(write(tmp_path, text), world)
    assert r.table[["district_id", "status"]].values.tolist() == [
        ["101", "insurgent"],
        ["201", "government"],
    ]
    assert r.rejected["reason"].tolist() == ["ambiguous_unit"]
    assert "102 Kohistan (North)" in r.rejected["detail"].iloc[0]


# --- flags -------------------------------------------------------------------------------


FLAGS = "district_id,2021-07-01,2021-07-08\n101,1,1\n102,0,1\n201,0,0\n"


def test_flags_need_a_meaning(tmp_path, world):
    p = write(tmp_path, FLAGS)
    with pytest.raises(InputError, match="0/1 flags.*flag_meaning"):
        read_assessments(p, world)
    r = read_assessments(p, world, flag_meaning="1=insurgent,0=government")
    got = assessment_counts(r).set_index(["date", "status"])["districts"]
    assert got[(pd.Timestamp("2021-07-01"), "insurgent")] == 1
    assert got[(pd.Timestamp("2021-07-01"), "government")] == 2
    assert got[(pd.Timestamp("2021-07-08"), "insurgent")] == 2


def test_flag_with_one_meaning_reports_zeros(tmp_path, world):
    r = read_assessments(write(tmp_path, FLAGS), world, flag_meaning="insurgent")
    assert len(r.table) == 3 and set(r.table["status"]) == {"insurgent"}
    assert (r.rejected["reason"] == "flag_without_meaning").sum() == 3
    with pytest.raises(InputError, match="not understood"):
        read_assessments(write(tmp_path, FLAGS), world, flag_meaning="1=rebels")


# --- bad assessments -----------------------------------------------------------------------


BAD = """district_id,date,status
101,2021-07-01,insurgent
102,2021-07-01,maybe
201,July the 1st-ish,government
202,2021-07-01,government
202,2021-07-01,insurgent
101,2021-07-01,Taliban
999,2021-07-01,government
102,2021-07-02,
"""


def test_bad_rows_are_reported_with_reasons(tmp_path, world):
    r = read_assessments(write(tmp_path, BAD, "bad.csv"), world)
    rej = r.rejected.set_index("source_row")
    assert rej.loc[2, "reason"] == "unknown_status" and "'maybe'" in rej.loc[2, "detail"]
    assert rej.loc[3, "reason"] == "unparseable_date"
    assert rej.loc[4, "reason"] == rej.loc[5, "reason"] == "conflicting_duplicate"
    assert "bad.csv:4 says government; bad.csv:5 says insurgent" in rej.loc[4, "detail"]
    assert rej.loc[6, "reason"] == "duplicate_row" and "bad.csv:1" in rej.loc[6, "detail"]
    assert rej.loc[7, "reason"] == "unmatched_unit"
    assert rej.loc[8, "reason"] == "missing_status"
    assert r.table["ref"].tolist() == ["bad.csv:1"]
    assert len(r.table) + len(r.rejected) == 8
    assert all("\n" not in d for d in r.rejected["detail"])


def test_strict_raises_one_line(tmp_path, world):
    with pytest.raises(InputError) as exc:
        read_assessments(write(tmp_path, BAD, "bad.csv"), world, strict=True)
    msg = str(exc.value)
    assert "\n" not in msg and "row 2" in msg and "unknown_status" in msg


def test_vocabulary_extension_and_dayfirst(tmp_path, world):
    text = "district_id,date,status\n101,07/08/2021,IEA held\n102,07/08/2021,frontline-ish\n"
    r = read_assessments(
        write(tmp_path, text), world, vocabulary={"Frontline-ish": "contested"}, dayfirst=True
    )
    assert r.table["status"].tolist() == ["insurgent", "contested"]
    assert (r.table["date"] == pd.Timestamp("2021-08-07")).all()
    with pytest.raises(InputError, match="statuses must be"):
        read_assessments(write(tmp_path, text), world, vocabulary={"x": "taliban"})


def test_file_level_errors(tmp_path, world):
    with pytest.raises(DataFileError, match="does not exist"):
        read_assessments(tmp_path / "nope.csv", world)
    with pytest.raises(SchemaError, match="no unit column"):
        read_assessments(write(tmp_path, "foo,date,status\nx,2021-07-01,government\n"), world)
    with pytest.raises(SchemaError, match="no date column"):
        read_assessments(write(tmp_path, "district,notes\nAlpha,insurgent\n"), world)
    with pytest.raises(SchemaError, match="no status column"):
        read_assessments(write(tmp_path, "district,date,foo\nAlpha,2021-07-01,x\n"), world)
    with pytest.raises(SchemaError, match="no unit column 'dist'"):
        read_assessments(
            write(tmp_path, "district,date,status\nAlpha,2021-07-01,x\n"), world, unit="dist"
        )
    with pytest.raises(DataFileError, match="no data rows"):
        read_assessments(write(tmp_path, "district,date,status\n"), world)


def test_explicit_columns_and_semicolons(tmp_path, world):
    text = "Unit;When;Held by\nAlpha;2021-07-01;government\nDelta;2021-07-01;Taliban\n"
    r = read_assessments(write(tmp_path, text), world, unit="Unit", date="When", status="Held by")
    assert dict(zip(r.table["district_id"], r.table["status"], strict=True)) == {
        "101": "government",
        "202": "insurgent",
    }


def test_names_in_dari_script_are_reported_not_lost(tmp_path, afghanistan):
    # Names and status words in Dari/Pashto script cannot be matched to the Latin
    # boundaries: each row is reported with what failed, never silently dropped.
    text = (
        "province,district,as_of,status\n"
        "بادغیس,قلعه نو,2021-07-07,contested\n"  # Badghis, Qala-i-Naw
        "Badghis,Ab Kamari,2021-07-07,طالبان\n"  # "Taliban"
        "بادغیس,Muqur,2021-07-07,insurgent\n"  # Muqur is in Badghis and in Ghazni
        "بادغیس,Jawand,2021-07-07,insurgent\n"
        "Badghis,Bala Murghab,2021-07-07,insurgent\n"
    )
    r = read_assessments(write(tmp_path, text, "dari.csv"), afghanistan)
    assert len(r.table) + len(r.rejected) == 5
    assert r.table["district_id"].astype(str).tolist() == ["1904", "1906"]
    rej = r.rejected.set_index("source_row")
    assert rej.loc[1, "reason"] == "unmatched_unit"
    assert rej.loc[1, "detail"] == (
        "province 'بادغیس' matches no province and no district named 'قلعه نو'; "
        "check the spelling or use the district id"
    )
    assert rej.loc[2, "reason"] == "unknown_status" and "'طالبان'" in rej.loc[2, "detail"]
    assert rej.loc[3, "reason"] == "ambiguous_unit"
    assert rej.loc[3, "detail"].startswith("province 'بادغیس' matches no province; district ")
    report = r.report.set_index("unit")
    assert report.loc["Jawand", "detail"] == (
        "province 'بادغیس' matches no province; district matched on its name alone"
    )


# --- names as the news writes them ---------------------------------------------------------

NEWS_SHEET = """district,date,status
Archi,2021-06-22,insurgent
Murghab,2021-07-06,insurgent
Dara-I-Suf,2021-07-10,insurgent
Marja,2021-07-10,insurgent
Qaisar,2021-06-05,insurgent
Khwaja Sabz,2021-06-21,insurgent
"""


def test_news_names_without_province(tmp_path, afghanistan, caplog):
    caplog.set_level("WARNING", logger="geofront.unit_matching")
    r = read_assessments(write(tmp_path, NEWS_SHEET, "news.csv"), afghanistan)
    rep = r.report.set_index("unit")
    assert rep.loc["Archi", ["district_id", "method", "matched_alias"]].tolist() == [
        "1407",
        "token",
        "",
    ]
    assert rep.loc["Murghab", ["district_id", "method", "matched_alias"]].tolist() == [
        "1906",
        "exact",
        "Murghab",
    ]
    assert rep.loc["Qaisar", "method"] == "phonetic" and rep.loc["Qaisar", "district"] == "Qaysar"
    # the split district is not guessed: ambiguous with both halves
    assert rep.loc["Dara-I-Suf", "method"] == "ambiguous"
    assert rep.loc["Dara-I-Suf", "candidates"] == "1503;1504"
    assert "Dara-I-Sufi Bala (Samangan)" in rep.loc["Dara-I-Suf", "detail"]
    # a district newer than the 398 set: unmatched, with the district it was carved from
    assert rep.loc["Marja", "method"] == "unmatched"
    assert "created from part of Nad Ali (Hilmand)" in rep.loc["Marja", "detail"]
    assert sorted(r.rejected["reason"]) == ["ambiguous_unit", "unmatched_unit"]
    assert set(r.table["district_id"]) == {"1407", "1906", "1804", "1813"}
    # loose matches are never silent: counted in the summary and a logged warning
    assert "names matched 1 by alias, 2 by token" in r.summary()
    warned = [rec.getMessage() for rec in caplog.records if rec.levelname == "WARNING"]
    assert len(warned) == 1
    assert "2 unit name(s) matched only by a distinctive part" in warned[0]
    assert "'Archi' -> Dashte Archi (token)" in warned[0]


def test_aliases_none_and_user_aliases(tmp_path, afghanistan, world):
    path = write(tmp_path, NEWS_SHEET, "news.csv")
    r = read_assessments(path, afghanistan, aliases=False)
    rep = r.report.set_index("unit")
    assert rep.loc["Murghab", "method"] == "token"  # still found, by its distinctive part
    assert rep.loc["Dara-I-Suf", "method"] == "unmatched"
    # any country: a user's alias file for the synthetic world
    aliases = write(tmp_path, "alias,district_id\nAlfa,101\nSouth Kohistan,201\n", "al.csv")
    sheet = write(
        tmp_path,
        "unit,date,status\nAlfa,2021-07-01,insurgent\nSouth Kohistan,2021-07-01,government\n",
    )
    r = read_assessments(sheet, world, aliases=aliases)
    assert r.table[["district_id", "status"]].values.tolist() == [
        ["101", "insurgent"],
        ["201", "government"],
    ]
    assert r.report["matched_alias"].tolist() == ["Alfa", "South Kohistan"]


def test_ten_thousand_rows_match_once_per_distinct_name(tmp_path, afghanistan):
    """10^4 rows of news names (a long daily sheet): matching works on distinct names."""
    from news_names import NEWS_TAKEOVERS

    names = [n for n, want in NEWS_TAKEOVERS if ";" not in want]
    days = pd.date_range("2021-05-01", periods=100).strftime("%Y-%m-%d")
    rows = [(n, d) for d in days for n in names][:10_000]
    sheet = pd.DataFrame(rows, columns=["district", "date"]).assign(status="insurgent")
    path = tmp_path / "big.csv"
    sheet.to_csv(path, index=False)
    r = read_assessments(path, afghanistan)
    assert len(r.table) + len(r.rejected) == 10_000 and len(r.rejected) == 0
    assert len(r.report) == len(names) and r.report["rows"].sum() == 10_000
