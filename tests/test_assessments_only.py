"""Assessments alone: the empty joined-events table and what the analysis makes of it.

An analyst who keeps only a control spreadsheet passes :func:`geofront.join.empty_joined`
as the events: control, the timeline and sieges then rest on the assessments, with no
special case in the library.
"""

from __future__ import annotations

import pandas as pd
import pytest

import world as w
from geofront.assessments import read_assessments
from geofront.control import control_from_events, control_timeline
from geofront.join import empty_joined, load_joined_events
from geofront.schema import EVENT_COLUMNS, JOIN_COLUMNS
from geofront.siege import siege_status

# Hand-made sheet for the synthetic world: 101 taken on 1 July, 202 assessed on 5 July,
# 201 (Kohistan, South) contested on 5 July and government again on 9 July.
SHEET = """district,province,date,status
Alpha,North,2021-07-01,insurgent
Delta,South,2021-07-05,government
Kohistan,South,2021-07-05,contested
Kohistan,South,2021-07-09,government
"""


def test_empty_joined_is_typed_like_a_real_join(afghanistan):
    empty = empty_joined()
    real = load_joined_events("seed-events", afghanistan)
    assert len(empty) == 0 and empty.crs == real.crs
    assert list(empty.columns) == [*EVENT_COLUMNS, "geometry", *JOIN_COLUMNS]
    for col in empty.columns:
        assert str(empty[col].dtype) == str(real[col].dtype), col
    # a fresh frame each time: callers may add to it
    assert empty_joined() is not empty


def test_control_from_assessments_alone(tmp_path, world):
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET)
    a = read_assessments(path, world)
    c = control_from_events(empty_joined(), world, as_of="2021-07-07", assessments=a)
    assert c["status"].to_dict() == {
        "101": "insurgent",
        "102": "unknown",
        "201": "contested",
        "202": "government",
    }
    assert c.loc["102", "rule"] == "no_evidence" and c.loc["102", "evidence"] == ""
    assert c.loc["101", "rule"] == "assessment" and c.loc["101", "evidence"] == "sheet.csv:1"
    # a first assessment records a state, not a change; 201 changed on 9 July
    assert pd.isna(c.loc["101", "since"])
    later = control_from_events(empty_joined(), world, as_of="2021-07-10", assessments=a)
    assert later.loc["201", "status"] == "government"
    assert later.loc["201", "since"] == pd.Timestamp("2021-07-09")
    before = control_from_events(empty_joined(), world, as_of="2021-06-30", assessments=a)
    assert set(before["status"]) == {"unknown"}


def test_timeline_from_assessments_alone(tmp_path, world):
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET)
    a = read_assessments(path, world)
    t = control_timeline(
        empty_joined(), world, dates=["2021-06-30", "2021-07-07", "2021-07-10"], assessments=a
    )
    wide = t.pivot(index="date", columns="status", values="districts")
    assert wide.loc[pd.Timestamp("2021-06-30")].to_dict() == {
        "contested": 0,
        "government": 0,
        "insurgent": 0,
        "unknown": 4,
    }
    assert wide.loc[pd.Timestamp("2021-07-07")].to_dict() == {
        "contested": 1,
        "government": 1,
        "insurgent": 1,
        "unknown": 1,
    }
    assert wide.loc[pd.Timestamp("2021-07-10"), "government"] == 2
    # every district is 400 km2 in UTM; the equal-area CRS differs by the UTM scale (~0.1 %)
    area = t.set_index(["date", "status"])["area_km2"]
    assert area[(pd.Timestamp("2021-07-10"), "government")] == pytest.approx(800, rel=2e-3)


def test_sieges_from_assessments_alone(tmp_path, world):
    path = tmp_path / "sheet.csv"
    path.write_text("district_id,date,status\n201,2021-07-01,insurgent\n")
    a = read_assessments(path, world)
    c = control_from_events(empty_joined(), world, as_of="2021-07-07", assessments=a)
    cities = w.cities().rename(columns={"name": "city"})
    st = siege_status(cities, empty_joined(), c, as_of="2021-07-07").set_index("city")
    # the Capital's own district is held by the insurgents: fallen, on the assessment
    assert st.loc["Capital", "status"] == "fallen"
    assert st.loc["Capital", "evidence_events"] == "sheet.csv:1"
    assert st.loc["Capital", "hostile_core"] == 0
    # Border Town's district is unknown; the insurgent-held 201 reaches its outer rings
    assert st.loc["Border Town", "holder"] == "unknown"
    assert st.loc["Border Town", "status"] == "threatened"
    assert st.loc["Border Town", "evidence_districts"] == "201"


def test_bundled_badghis_from_assessments_alone(afghanistan):
    from geofront.places import find_city, read_cities

    a = read_assessments("seed-assessments", afghanistan)
    c = control_from_events(empty_joined(), afghanistan, as_of="2021-07-07", assessments=a)
    assert c["status"].value_counts().to_dict() == {"unknown": 391, "insurgent": 6, "contested": 1}
    assert c.loc["1901", "status"] == "contested"
    qn = find_city(read_cities(None), "Qala-i-Naw")
    st = siege_status(qn, empty_joined(), c, as_of="2021-07-07").iloc[0]
    # no event at all: not under assault, but the held districts around close 12 of the
    # 16 outskirts sectors, the encirclement the assessments describe
    assert st["status"] == "besieged" and st["hostile_core"] == 0
    assert st["encirclement_index"] == 0.75
