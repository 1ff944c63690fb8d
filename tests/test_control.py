"""geofront.control: the rules on the synthetic world, worked out by hand; Badghis 2021."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import world as W
from geofront.assessments import read_assessments
from geofront.control import (
    RULE_ACTIVITY,
    RULE_ASSESSMENT,
    RULE_CONFLICTING,
    RULE_NONE,
    RULE_TRANSFER,
    ControlRules,
    control_from_events,
    control_timeline,
)
from geofront.errors import InputError, SchemaError
from geofront.schema import CONTROL_COLUMNS, CONTROL_STATUSES

# Centres of the four 20 km districts (km from the origin).
CENTRE = {"101": (10, 30), "102": (30, 30), "201": (10, 10), "202": (30, 10)}
GOV_ACTOR = "Military Forces of Afghanistan (2004-2021)"


def joined(rows: list[dict]) -> pd.DataFrame:
    """Events at district centres; ``d`` names the district (None: region precision)."""
    built = []
    for r in rows:
        r = dict(r)
        d = r.pop("d")
        x, y = CENTRE[d or "101"]
        built.append({"x_km": x, "y_km": y, **r})
    ev = W.events_frame(built)
    ev["district_id"] = pd.array([r["d"] for r in rows], dtype=object)
    ev["join_method"] = ["region" if r["d"] is None else "within" for r in rows]
    return ev


OVERTAKE = {"sub_event_type": "Non-state actor overtakes territory"}
REGAIN = {
    "sub_event_type": "Government regains territory",
    "actor1": GOV_ACTOR,
    "side1": "government",
    "actor2": "Taliban",
    "side2": "insurgent",
}
CLASH = {"event_type": "Battles", "sub_event_type": "Armed clash"}
IED = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Remote explosive/landmine/IED",
    "actor2": "",
    "side2": "unknown",
}


@pytest.fixture()
def events() -> pd.DataFrame:
    return joined(
        [
            {"d": "101", "date": "2021-06-01", **OVERTAKE},  # e1: 101 -> insurgent
            {"d": "102", "date": "2021-06-20", **CLASH},  # e2: 102 both sides -> contested
            {"d": "201", "date": "2021-06-05", **REGAIN},  # e3: 201 -> government
            {"d": "201", "date": "2021-06-25", **IED},  # e4: insurgent only: no contest
            {"d": None, "date": "2021-06-10", **OVERTAKE},  # e5: region precision: ignored
            {"d": "202", "date": "2021-08-01", **OVERTAKE},  # e6: after as_of
        ]
    )


def test_rules_by_hand(world, events):
    c = control_from_events(events, world, as_of="2021-07-01")
    assert list(c.columns) == [*CONTROL_COLUMNS, "geometry"]
    assert list(c.index) == ["101", "102", "201", "202"]
    got = c[["status", "rule", "evidence"]].to_dict("index")
    assert got["101"] == {"status": "insurgent", "rule": RULE_TRANSFER, "evidence": "e1"}
    assert got["102"] == {"status": "contested", "rule": RULE_ACTIVITY, "evidence": "e2"}
    assert got["201"] == {"status": "government", "rule": RULE_TRANSFER, "evidence": "e3"}
    # e5 is region precision (no district) and e6 is after as_of: 202 has no evidence
    assert got["202"] == {"status": "unknown", "rule": RULE_NONE, "evidence": ""}
    assert c.loc["101", "since"] == pd.Timestamp("2021-06-01")
    assert c.loc["102", "since"] == pd.Timestamp("2021-06-20")
    assert pd.isna(c.loc["202", "since"])
    assert c.crs == world.districts.crs
    assert c.geometry.geom_equals(world.districts.geometry).all()


def test_input_not_mutated(world, events):
    before = events.copy()
    control_from_events(events, world, as_of="2021-07-01")
    pd.testing.assert_frame_equal(events, before)


def test_contest_lasts_while_activity_is_in_window(world, events):
    # e2 on 20 June: inside a 30-day window until 19 July, gone on 20 July
    assert (
        control_from_events(events, world, as_of="2021-07-19").loc["102", "status"] == "contested"
    )
    late = control_from_events(events, world, as_of="2021-07-20")
    assert late.loc["102", "status"] == "unknown"  # no holder was ever known
    short = control_from_events(events, world, as_of="2021-07-01", window_days=7)
    assert short.loc["102", "status"] == "unknown"
    # e6 counts once as_of reaches it
    assert control_from_events(events, world, as_of="2021-08-01").loc["202", "status"] == (
        "insurgent"
    )


def test_activity_before_a_transfer_does_not_contest(world):
    ev = joined(
        [
            {"d": "101", "date": "2021-06-01", **CLASH},
            {"d": "101", "date": "2021-06-02", **OVERTAKE},
            {"d": "102", "date": "2021-06-02", **OVERTAKE},
            {"d": "102", "date": "2021-06-04", **CLASH},
        ]
    )
    c = control_from_events(ev, world, as_of="2021-06-10")
    assert c.loc["101", ["status", "rule"]].tolist() == ["insurgent", RULE_TRANSFER]
    # fighting after the takeover: contested, since the clash, with the clash as evidence
    assert c.loc["102", ["status", "rule", "evidence"]].tolist() == [
        "contested",
        RULE_ACTIVITY,
        "e4",
    ]
    assert c.loc["102", "since"] == pd.Timestamp("2021-06-04")
    # the window passes: the last known holder is back, since its transfer
    later = control_from_events(ev, world, as_of="2021-07-10")
    assert later.loc["102", ["status", "rule"]].tolist() == ["insurgent", RULE_TRANSFER]
    assert later.loc["102", "since"] == pd.Timestamp("2021-06-02")


def test_same_day_activity_rule_is_configurable(world):
    ev = joined(
        [
            {"d": "101", "date": "2021-06-02", **OVERTAKE},
            {"d": "101", "date": "2021-06-02", **CLASH},
        ]
    )
    assert control_from_events(ev, world, as_of="2021-06-03").loc["101", "status"] == "contested"
    rules = ControlRules(same_day_activity_contests=False)
    c = control_from_events(ev, world, as_of="2021-06-03", rules=rules)
    assert c.loc["101", "status"] == "insurgent"


def test_since_is_the_last_change_and_conflicts_contest(world):
    ev = joined(
        [
            {"d": "101", "date": "2021-06-01", **OVERTAKE},
            {"d": "101", "date": "2021-06-05", **OVERTAKE},  # same holder again
            {"d": "102", "date": "2021-06-01", **OVERTAKE},
            {"d": "102", "date": "2021-06-01", **REGAIN},  # same day, other holder
            {"d": "201", "date": "2021-06-01", **OVERTAKE, "side1": "other"},  # not a side
        ]
    )
    c = control_from_events(ev, world, as_of="2021-06-10")
    assert c.loc["101", "since"] == pd.Timestamp("2021-06-01")
    assert c.loc["101", "evidence"] == "e1;e2"
    assert c.loc["102", ["status", "rule", "evidence"]].tolist() == [
        "contested",
        RULE_CONFLICTING,
        "e3;e4",
    ]
    assert c.loc["201", "status"] == "unknown"


def test_assessments_set_state_and_events_after_update(tmp_path, world):
    p = tmp_path / "assess.csv"
    p.write_text(
        "district_id,date,status\n101,2021-06-10,government\n102,2021-06-10,insurgent\n"
        "201,2021-06-10,contested\n202,2021-06-10,insurgent\n",
        encoding="utf-8",
    )
    a = read_assessments(p, world)
    ev = joined(
        [
            {"d": "101", "date": "2021-06-10", **OVERTAKE},  # same day: the assessment wins
            {"d": "102", "date": "2021-06-12", **REGAIN},  # after: the event wins
            {"d": "201", "date": "2021-06-11", **CLASH},  # contested already: stays
        ]
    )
    c = control_from_events(ev, world, as_of="2021-06-15", assessments=a)
    assert c.loc["101", ["status", "rule", "evidence"]].tolist() == [
        "government",
        RULE_ASSESSMENT,
        "assess.csv:1",
    ]
    # overriding the same day's takeover is a change; a first assessment records a state
    assert c.loc["101", "since"] == pd.Timestamp("2021-06-10")
    assert c.loc["202", ["status", "rule"]].tolist() == ["insurgent", RULE_ASSESSMENT]
    assert pd.isna(c.loc["202", "since"])
    assert c.loc["102", ["status", "rule", "evidence"]].tolist() == [
        "government",
        RULE_TRANSFER,
        "e2",
    ]
    assert c.loc["102", "since"] == pd.Timestamp("2021-06-12")
    assert c.loc["201", ["status", "rule", "evidence"]].tolist() == [
        "contested",
        RULE_ASSESSMENT,
        "assess.csv:3;e3",
    ]
    before = control_from_events(ev, world, as_of="2021-06-09", assessments=a)
    assert before.loc["102", "status"] == "unknown"


def test_wgs84_boundaries_and_evidence_cap(world_wgs84):
    ev = joined([{"d": "101", "date": f"2021-06-{k:02d}", **CLASH} for k in range(1, 26)])
    c = control_from_events(ev, world_wgs84, as_of="2021-06-30", rules=ControlRules(max_evidence=3))
    assert c.crs == world_wgs84.districts.crs
    assert c.loc["101", "evidence"] == "e1;e2;e3;+22 more"


def test_errors(world, events):
    with pytest.raises(SchemaError, match="district_id"):
        control_from_events(events.drop(columns="district_id"), world, as_of="2021-07-01")
    bad = events.copy()
    bad["district_id"] = bad["district_id"].astype(object)
    bad.loc[0, "district_id"] = "999"
    with pytest.raises(InputError, match="'999' is not in the boundaries"):
        control_from_events(bad, world, as_of="2021-07-01")
    with pytest.raises(InputError, match="window_days"):
        control_from_events(events, world, as_of="2021-07-01", window_days=0)
    with pytest.raises(InputError, match="not a date"):
        control_from_events(events, world, as_of="July")


def test_timeline_counts_and_areas(world, events):
    t = control_timeline(events, world, dates=["2021-07-01", "2021-06-01", "2021-08-01"])
    assert t["date"].nunique() == 3 and t["date"].is_monotonic_increasing
    assert list(t["status"][:4]) == list(CONTROL_STATUSES)
    assert (t.groupby("date")["districts"].sum() == 4).all()
    # every district is 400 km2 (20 km x 20 km; UTM scale factor 0.9996 -> 400.3 km2)
    assert t["area_km2"].to_numpy() == pytest.approx(t["districts"].to_numpy() * 400.0, rel=1e-3)
    jul = t[t["date"] == pd.Timestamp("2021-07-01")].set_index("status")["districts"]
    assert jul.to_dict() == {"government": 1, "contested": 1, "insurgent": 1, "unknown": 1}
    assert t["people"].isna().all()


def test_timeline_people_from_population_raster(world, events):
    from geofront.exposure import population_by_zone

    t = control_timeline(events, world, dates=["2021-07-01"], population=True)
    direct = population_by_zone(world.districts[["geometry"]])["population"]
    people = t.set_index("status")["people"]
    assert people.sum() == pytest.approx(direct.sum())
    assert people["insurgent"] == pytest.approx(direct["101"])
    assert np.isfinite(people).all() and people.sum() > 0


# --- Badghis, 7 July 2021 ------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_joined(afghanistan):
    from geofront.join import load_joined_events

    return load_joined_events("seed-events", afghanistan)


def test_badghis_with_assessments(afghanistan, seed_joined):
    a = read_assessments("seed-assessments", afghanistan)
    c = control_from_events(seed_joined, afghanistan, as_of="2021-07-07", assessments=a)
    bg = c[c["province"] == "Badghis"]
    assert bg["status"].value_counts().to_dict() == {"insurgent": 6, "contested": 1}
    qn = c.loc["1901"]
    assert qn["status"] == "contested" and qn["rule"] == RULE_ASSESSMENT
    assert qn["evidence"] == "seed_district_assessments_2021-07.csv:7"
    # the Taliban takeover (AFGSEED0005) and the assessment are both on 7 July: a change
    assert qn["since"] == pd.Timestamp("2021-07-07")
    # the flight to Tajikistan is province-level: no Badakhshan district decided by it
    assert (c.loc[c["province"] == "Badakhshan", "status"] == "unknown").all()


def test_badghis_from_events_alone(afghanistan, seed_joined):
    c = control_from_events(seed_joined, afghanistan, as_of="2021-07-07")
    qn = c.loc["1901"]
    # takeover on 7 July, and the air strike against the Taliban on the same day
    assert qn["status"] == "contested" and qn["rule"] == RULE_ACTIVITY
    assert qn["evidence"] == "AFGSEED0006"
    assert (
        control_from_events(seed_joined, afghanistan, as_of="2021-07-06").loc["1901", "status"]
        == "contested"
    )  # the clashes of 6 July, both sides, no transfer yet
    assert (
        control_from_events(seed_joined, afghanistan, as_of="2021-07-05").loc["1901", "status"]
        == "unknown"
    )


def test_read_control_roundtrip_csv_and_gpkg(tmp_path, world):
    from geofront.control import control_from_events, read_control
    from geofront.io import write_table

    ev = W.events_frame(
        [{"x_km": 10, "y_km": 30, "sub_event_type": "Non-state actor overtakes territory"}]
    )
    from geofront.join import join_events

    control = control_from_events(join_events(ev, world).joined, world, as_of="2021-07-02")
    write_table(control, tmp_path / "c.gpkg")
    write_table(control.drop(columns="geometry"), tmp_path / "c.csv")
    for name in ("c.gpkg", "c.csv"):
        back = read_control(tmp_path / name, world)
        assert back.loc["101", "status"] == "insurgent"
        assert list(back.index) == ["101", "102", "201", "202"]
        assert back.geometry.area.round().tolist() == [400e6] * 4
        assert back["since"].dtype.kind == "M"


def test_read_control_bad_status(tmp_path, world):
    from geofront.control import read_control

    (tmp_path / "c.csv").write_text("district_id,status\n101,taliban-ish\n")
    with pytest.raises(SchemaError, match="status 'taliban-ish' in row 1 is not one of"):
        read_control(tmp_path / "c.csv", world)
    (tmp_path / "d.csv").write_text("district_id,status\n999,insurgent\n")
    with pytest.raises(SchemaError, match="district_id '999' is not in the boundaries"):
        read_control(tmp_path / "d.csv", world)


def test_min_armed_events_raises_the_bar_for_contested(world, events):
    # 102 has one clash (e2) in the window: contested with the default rule, not with 2
    default = control_from_events(events, world, as_of="2021-07-01")
    assert default.loc["102", "status"] == "contested"
    strict = control_from_events(
        events, world, as_of="2021-07-01", rules=ControlRules(min_armed_events=2)
    )
    assert strict.loc["102", "status"] == "unknown"
    # a second clash in the window contests it again
    more = pd.concat([events, joined([{"d": "102", "date": "2021-06-22", **CLASH}])])
    more["event_id"] = [f"x{i}" for i in range(len(more))]
    again = control_from_events(
        more, world, as_of="2021-07-01", rules=ControlRules(min_armed_events=2)
    )
    assert again.loc["102", "status"] == "contested"
    with pytest.raises(InputError, match="min_armed_events=0"):
        ControlRules(min_armed_events=0)


def test_cli_min_events(tmp_path):
    from click.testing import CliRunner

    from geofront.cli.main import cli

    out = tmp_path / "c.csv"
    args = ["-q", "control", "seed-events", "--as-of", "2021-07-07", "-o", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    one = pd.read_csv(out, dtype=str).set_index("district_id")
    assert CliRunner().invoke(cli, [*args, "--min-events", "3"]).exit_code == 0
    three = pd.read_csv(out, dtype=str).set_index("district_id")
    # Qala-I- Naw (1901), events alone: the 7 July takeover (AFGSEED0005) sets it insurgent
    # and the same day's air strike (AFGSEED0006), one armed event by both sides after
    # it, contests it; with 3 events needed, the takeover stands
    assert one.loc["1901", "status"] == "contested"
    assert three.loc["1901", "status"] == "insurgent"
    res = CliRunner().invoke(cli, [*args, "--min-events", "0"])
    assert res.exit_code == 2 and "Traceback" not in res.output
