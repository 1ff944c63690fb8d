"""Siege status, checked against hand-worked answers (ring geometry: test_rings.py).

Synthetic cases use the world of tests/world.py: "Capital" at the centre of district 201
(x=10 km, y=10 km), "Border Town" at the centre of 102. Events are placed by geodesic
bearing and distance from the Capital (pyproj Geod.fwd), so which ring and sector each
falls in is known by construction: with 16 sectors, sector k is centred on bearing
22.5*k, and an event at 12 km lies in the outskirts (5-20 km).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

import world as w
from geofront.errors import GeofrontWarning, InputError
from geofront.places import read_cities
from geofront.schema import CONTROL_COLUMNS
from geofront.siege import (
    SIEGE_STATUSES,
    SiegeThresholds,
    assess_sieges,
    siege_status,
)

GEOD = Geod(ellps="WGS84")
AS_OF = "2021-07-10"


def world_cities() -> gpd.GeoDataFrame:
    return w.cities().rename(columns={"name": "city"})


def control(statuses: dict[str, str] | None = None) -> gpd.GeoDataFrame:
    d = w.districts_frame()
    d["status"] = [(statuses or {}).get(i, "government") for i in d["district_id"]]
    d["since"] = pd.NaT
    d["rule"] = "test"
    d["evidence"] = [f"a{i}" for i in d["district_id"]]
    d = d[[*CONTROL_COLUMNS[:8], "geometry"]].set_index("district_id", drop=False)
    d.index.name = None
    return d


def events(rows: list[dict]) -> gpd.GeoDataFrame:
    """Events at (bearing_deg, distance_m) from the Capital; other keys as events_frame."""
    lon0, lat0 = w.lonlat(10, 10)
    base = w.events_frame(
        [
            {
                "x_km": 10,
                "y_km": 10,
                "date": pd.Timestamp(AS_OF),
                **{k: v for k, v in r.items() if k not in ("bearing", "dist")},
            }
            for r in rows
        ]
    )
    lon, lat, _ = GEOD.fwd(
        np.full(len(rows), lon0),
        np.full(len(rows), lat0),
        [r["bearing"] for r in rows],
        [r["dist"] for r in rows],
    )
    base["longitude"], base["latitude"] = lon, lat
    return base.set_geometry(gpd.points_from_xy(lon, lat, crs="EPSG:4326"))


def capital(status: pd.DataFrame) -> pd.Series:
    return status[status["city"] == "Capital"].iloc[0]


# --------------------------------------------------------------------------- status
def test_besieged_twelve_of_sixteen_sectors_wrapping_north():
    # hostile events in sectors 10..15 and 0..5: 12 contiguous sectors across north
    sectors = [*range(10, 16), *range(6)]
    ev = events([{"bearing": 22.5 * k, "dist": 12000} for k in sectors])
    got = capital(siege_status(world_cities(), ev, control(), as_of=AS_OF))
    assert got["status"] == "besieged" and got["severity"] == 2
    assert got["hostile_sectors"] == 12
    assert got["encirclement_index"] == pytest.approx(0.75)
    assert got["max_hostile_arc_deg"] == pytest.approx(270.0)
    # the open corridor is sectors 6..9: from 6*22.5-11.25 to 9*22.5+11.25
    assert got["open_corridors"] == "123.75-213.75"
    assert got["evidence_events"] == ";".join(sorted(f"e{i}" for i in range(1, 13)))
    assert got["hostile_outskirts"] == 12 and got["hostile_core"] == 0


def test_one_side_only_is_threatened():
    ev = events([{"bearing": 22.5 * k, "dist": 12000} for k in (2, 3, 4)])
    got = capital(siege_status(world_cities(), ev, control(), as_of=AS_OF))
    assert got["status"] == "threatened"
    assert got["max_hostile_arc_deg"] == pytest.approx(67.5)
    assert got["encirclement_index"] == pytest.approx(3 / 16)
    # open from sector 5 (101.25) clockwise through north to the end of sector 1 (33.75)
    assert got["open_corridors"] == "101.25-33.75"
    assert got["evidence_events"] == "e1;e2;e3"


#: Floors of 1: one hostile event is significant (for tests about other things).
ONE = SiegeThresholds(core_events=1, threatened_events=1)
IED = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Remote explosive/landmine/IED",
}


def test_fighting_in_core_is_under_assault():
    core = [{"bearing": b, "dist": d} for b, d in ((45, 2000), (90, 3000), (135, 4000))]
    ev = events([*core, {"bearing": 180, "dist": 12000}])
    got = capital(siege_status(world_cities(), ev, control(), as_of=AS_OF))
    # three hostile clashes within 5 km: the floor of 3 (no history before the window)
    assert got["status"] == "under assault" and got["core_threshold"] == 3
    assert (got["hostile_core"], got["hostile_outskirts"]) == (3, 1)
    assert got["evidence_events"] == "e1;e2;e3"
    assert got["nearest_hostile_m"] == pytest.approx(2000.0, abs=0.01)
    assert got["nearest_hostile_event"] == "e1"
    # two are not enough; three bombs are hostile but not fighting at the gates
    two = capital(siege_status(world_cities(), events(core[:2]), control(), as_of=AS_OF))
    assert two["status"] == "threatened" or two["status"] == "secure"
    assert two["status"] != "under assault"
    bombs = events([{**r, **IED} for r in core])
    got = capital(siege_status(world_cities(), bombs, control(), as_of=AS_OF))
    assert got["status"] == "secure" and got["hostile_core"] == 3
    assert got["hostile_fighting_core"] == 0


def test_a_citys_own_history_raises_the_bar():
    # 46 clashes in the core on 27 March: the background runs from the day before the
    # first event (26 March) to the window's start (26 June), 92 days: 0.5 a day, 7 per
    # 14-day window, so the core threshold is 4 x 7 = 28 and 3 clashes are no assault
    past = [{"bearing": 45, "dist": 2000, "date": pd.Timestamp("2021-03-27")} for _ in range(46)]
    core = [{"bearing": b, "dist": d} for b, d in ((45, 2000), (90, 3000), (135, 4000))]
    got = capital(siege_status(world_cities(), events([*past, *core]), control(), as_of=AS_OF))
    assert got["core_threshold"] == 28
    assert got["status"] != "under assault" and got["hostile_fighting_core"] == 3
    surge = core * 10  # 30 clashes: a surge against the city's own background
    got = capital(siege_status(world_cities(), events([*past, *surge]), control(), as_of=AS_OF))
    assert got["status"] == "under assault"


def test_poisson_bar_worked_by_hand():
    from geofront.siege._ladder import poisson_bar

    # P(X >= 6 | 1) = 0.00059 <= 0.001 < P(X >= 5 | 1) = 0.0037; P(X >= 17 | 7) = 0.00096
    # <= 0.001 < P(X >= 16 | 7) = 0.0024; nothing expected: one event is already unusual
    got = poisson_bar(np.array([1.0, 7.0, 0.0]), 0.001)
    assert got.tolist() == [6, 17, 1]
    assert poisson_bar(np.array([1.0, 7.0]), 0.0).tolist() == [0, 0]


def test_chance_alone_does_not_make_an_assault():
    # the history of test_a_citys_own_history_raises_the_bar: 7 clashes per window. With
    # a factor of 1 the factor bar is 7, but a Poisson background of 7 reaches 16 with
    # probability 0.0024 > 0.001: the bar is 17 (significance 0.001, the default)
    past = [{"bearing": 45, "dist": 2000, "date": pd.Timestamp("2021-03-27")} for _ in range(46)]
    lenient = SiegeThresholds(assault_factor=1.0)
    for n, expected in ((16, False), (17, True)):
        core = [{"bearing": 90, "dist": 3000}] * n
        got = capital(
            siege_status(
                world_cities(), events([*past, *core]), control(), as_of=AS_OF, thresholds=lenient
            )
        )
        assert got["core_threshold"] == 17
        assert (got["status"] == "under assault") is expected
    # significance 0 leaves the floor and the factor: 7
    plain = SiegeThresholds(assault_factor=1.0, significance=0.0)
    core = [{"bearing": 90, "dist": 3000}] * 7
    got = capital(
        siege_status(
            world_cities(), events([*past, *core]), control(), as_of=AS_OF, thresholds=plain
        )
    )
    assert got["core_threshold"] == 7 and got["status"] == "under assault"


def test_a_city_does_not_fall_on_initiative_alone():
    # the city's district is insurgent by dominance (insurgents initiate most clashes) and
    # the core is still fought over: under assault, not fallen
    core = [{"bearing": b, "dist": 2000} for b in (0, 90, 180)]
    ctrl = control({"201": "insurgent"})
    ctrl.loc["201", "rule"] = "dominance"
    got = capital(siege_status(world_cities(), events(core), ctrl, as_of=AS_OF))
    assert got["status"] == "under assault" and got["holder"] == "insurgent"
    assert "does not fall on initiative alone" in got["reason"]
    # a quiet core: still not fallen (the district is more than the city); judged on the
    # rest of the ladder, and the reason says why
    quiet = events([{"bearing": 0, "dist": 30000}])
    got = capital(siege_status(world_cities(), quiet, ctrl, as_of=AS_OF))
    assert got["status"] != "fallen" and "does not fall on initiative alone" in got["reason"]
    # a takeover is a fall whatever the fighting
    ctrl.loc["201", "rule"] = "territory_transfer"
    got = capital(siege_status(world_cities(), events(core), ctrl, as_of=AS_OF))
    assert got["status"] == "fallen"


def test_district_held_by_hostile_side_is_fallen():
    ev = events([{"bearing": 45, "dist": 2000}])
    got = capital(siege_status(world_cities(), ev, control({"201": "insurgent"}), as_of=AS_OF))
    assert got["status"] == "fallen" and got["severity"] == 4
    assert got["holder"] == "insurgent" and got["hostile_side"] == "insurgent"
    assert (got["evidence_districts"], got["evidence_events"]) == ("201", "a201")


def test_contested_district_is_not_fallen():
    ev = events([{"bearing": 45, "dist": 2000}])
    ctrl = control({"201": "contested"})
    got = capital(siege_status(world_cities(), ev, ctrl, as_of=AS_OF, thresholds=ONE))
    assert got["holder"] == "contested" and got["status"] == "under assault"


def test_defender_is_relative_per_city():
    # An insurgent-held city attacked by the government: hostility flips.
    cities = world_cities().assign(defender=["insurgent", None])
    ev = events(
        [
            {"bearing": 0, "dist": 1000, "side1": "government", "side2": "civilians"},
            {"bearing": 90, "dist": 1000, "side1": "insurgent", "side2": "civilians"},
        ]
    )
    ctrl = control({"201": "insurgent"})
    got = capital(siege_status(cities, ev, ctrl, as_of=AS_OF, thresholds=ONE))
    assert (got["defender"], got["hostile_side"]) == ("insurgent", "government")
    assert got["status"] == "under assault" and got["evidence_events"] == "e1"
    assert (got["hostile_core"], got["friendly_core"]) == (1, 1)


def test_hostile_held_share_worked_by_hand():
    # District 202 (x 20-40 km, y 0-20 km) held by insurgents: seen from the Capital at
    # (10, 10) km it is everything more than 10 km east. In the E sector of the outskirts
    # (bearings 90 +- 11.25 deg, radii 5-20 km) that is the part with r cos(phi) >= 10:
    #   area = int_{-t}^{t} int_{10/cos phi}^{20} r dr dphi = 400 t - 100 tan t (km2),
    # t = 11.25 deg; the sector is t (20^2 - 5^2) km2. Share = 0.7965.
    t = np.radians(11.25)
    share = (400 * t - 100 * np.tan(t)) / (t * 375)
    ev = events([{"bearing": 0, "dist": 100000, "side1": "government", "side2": ""}])
    result = assess_sieges(world_cities(), ev, control({"202": "insurgent"}), as_of=AS_OF)
    s = result.sectors
    east = s[(s["city"] == "Capital") & (s["ring"] == "outskirts") & (s["sector"] == 4)].iloc[0]
    assert east["hostile_held_share"] == pytest.approx(share, abs=0.005)
    assert east["hostile"] and east["hostile_districts"] == "202"
    got = capital(result.status)
    assert got["status"] == "threatened" and got["evidence_districts"] == "202"
    assert got["hostile_outskirts"] == 0 and np.isnan(got["nearest_hostile_m"])
    north = s[(s["city"] == "Capital") & (s["ring"] == "outskirts") & (s["sector"] == 0)]
    assert north["defender_held_share"].iloc[0] > 0.5 and not north["hostile"].iloc[0]


def test_secure_and_friendly_counts():
    ev = events([{"bearing": 90, "dist": 12000, "side1": "government", "side2": ""}])
    got = capital(siege_status(world_cities(), ev, control(), as_of=AS_OF))
    assert got["status"] == "secure" and got["open_corridors"] == "0-360"
    assert (got["friendly_outskirts"], got["hostile_outskirts"]) == (1, 0)
    # its evidence is the government's event near the city
    assert got["evidence_events"] == "e1" and got["max_hostile_arc_deg"] == 0


def test_window_and_precision():
    day = pd.Timestamp(AS_OF)
    ev = events(
        [
            {"bearing": 0, "dist": 1000, "date": day - pd.Timedelta(days=14)},  # outside
            {"bearing": 0, "dist": 12000, "date": day - pd.Timedelta(days=13)},  # inside
            {"bearing": 0, "dist": 1000, "location_precision": "region"},  # left out
            {"bearing": 0, "dist": 30000, "date": day + pd.Timedelta(days=1)},  # future
        ]
    )
    got = capital(siege_status(world_cities(), ev, control(), as_of=AS_OF, thresholds=ONE))
    assert got["status"] == "threatened" and got["evidence_events"] == "e2"
    assert got["hostile_core"] == 0 and got["nearest_hostile_m"] == pytest.approx(12000, abs=0.01)
    # a longer-lasting event (date_end) that overlaps the window counts
    ev.loc[0, "date_end"] = day - pd.Timedelta(days=2)
    got = capital(siege_status(world_cities(), ev, control(), as_of=AS_OF, thresholds=ONE))
    assert got["status"] == "under assault"


def test_sorted_by_severity_then_name_index_kept():
    cities = world_cities()
    cities.index = ["c", "b"]
    ev = events([{"bearing": 0, "dist": 1000}])
    before = cities.copy()
    status = siege_status(cities, ev, control(), as_of=AS_OF, thresholds=ONE)
    assert status["city"].tolist() == ["Capital", "Border Town"]
    assert list(status.index) == ["c", "b"]
    assert set(status["status"]) <= set(SIEGE_STATUSES)
    pd.testing.assert_frame_equal(cities, before)
    again = siege_status(cities, ev, control(), as_of=AS_OF, thresholds=ONE)
    pd.testing.assert_frame_equal(status, again)


def test_thresholds_are_parameters():
    ev = events([{"bearing": 22.5 * k, "dist": 12000} for k in (2, 3, 4)])
    loose = SiegeThresholds(arc_deg=60.0, threatened_events=10)
    got = capital(siege_status(world_cities(), ev, control(), as_of=AS_OF, thresholds=loose))
    assert got["status"] == "besieged"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"as_of": "2022-01-01"}, "outside the events' dates"),
        ({"as_of": "2020-01-01"}, "outside the events' dates"),
        ({"radii_m": (5000, 2000)}, "increase strictly"),
        ({"radii_m": (5000,)}, "at least two radii"),
        ({"sectors": 0}, "at least 1"),
        ({"window_days": 0}, "window"),
        ({"defender": "rebels"}, "defender"),
    ],
)
def test_bad_status_input(kwargs, match):
    ev = events([{"bearing": 0, "dist": 1000}])
    args = {"as_of": AS_OF, **kwargs}
    with pytest.raises(InputError, match=match) as err:
        siege_status(world_cities(), ev, control(), **args)
    assert "\n" not in str(err.value)


def test_no_events_secure_only_with_evidence_of_the_holder():
    # assessments alone: no events at all. A holder decided by evidence is secure...
    ev = events([{"bearing": 0, "dist": 1000}]).iloc[:0]
    got = capital(siege_status(world_cities(), ev, control(), as_of=AS_OF))
    assert got["status"] == "secure" and "held by the government side" in got["reason"]
    # ...a holder that is only the baseline's assumption, or unknown, is no evidence
    assumed = control().assign(rule="baseline")
    got = capital(siege_status(world_cities(), ev, assumed, as_of=AS_OF))
    assert got["status"] == "no evidence" and got["severity"] == -1
    assert "baseline" in got["reason"]
    unknown = capital(siege_status(world_cities(), ev, control({"201": "unknown"}), as_of=AS_OF))
    assert unknown["status"] == "no evidence"
    # a friendly event near the city (up to the outskirts) is evidence of the defender;
    # one in the approaches (30 km) says nothing about the city itself
    far = events([{"bearing": 90, "dist": 30000, "side1": "government", "side2": ""}])
    assert capital(siege_status(world_cities(), far, assumed, as_of=AS_OF))["status"] == (
        "no evidence"
    )
    near = events([{"bearing": 90, "dist": 15000, "side1": "government", "side2": ""}])
    got = capital(siege_status(world_cities(), near, assumed, as_of=AS_OF))
    assert got["status"] == "secure" and got["evidence_events"] == "e1"


def test_qala_i_naw_with_bundled_data_only(afghanistan):
    from geofront.assessments import read_assessments
    from geofront.control import control_from_events
    from geofront.join import load_joined_events
    from geofront.places import find_city

    joined = load_joined_events("seed-events", afghanistan)
    ctrl = control_from_events(
        joined,
        afghanistan,
        as_of="2021-07-07",
        assessments=read_assessments("seed-assessments", afghanistan),
    )
    cities = read_cities(boundaries=afghanistan)
    result = assess_sieges(cities, joined, ctrl, as_of="2021-07-07")
    got = result.status.loc[find_city(cities, "Qala-i-Naw").index[0]]
    # The seed file places the prison break (0003), the convoy ambush "near" the town
    # (0004), the Taliban entry (0005) and the air strikes on them (0006) at the town's
    # coordinates, all within 14 days of 7 July: three hostile ground-fighting events in
    # the core (the air strike is hostile too, but not fighting at the gates).
    assert got["status"] == "under assault"
    assert got["evidence_events"] == "AFGSEED0003;AFGSEED0004;AFGSEED0005"
    assert (got["hostile_core"], got["hostile_fighting_core"], got["core_threshold"]) == (4, 3, 3)
    assert got["holder"] == "contested"  # the assessment of district 1901, not fallen
    # Six of seven Badghis districts are Taliban-held by assessment: most of the
    # outskirts around the contested capital district is hostile-held.
    assert got["hostile_held_share_outskirts"] > 0.5
    s = result.sectors
    held = s[(s["city"] == "Qala-i-Naw") & s["hostile_districts"].ne("")]
    found = set(";".join(held["hostile_districts"]).split(";"))
    assert found <= {"1902", "1903", "1904", "1905", "1906", "1907"} and "1901" not in found
    assert result.status.iloc[0]["city"] == "Qala-i-Naw"  # the most severe case


def test_names_kept_importable_from_siege():
    import geofront as gf
    import geofront.schema as schema
    import geofront.siege as siege
    import geofront.siege.rings as rings

    assert siege.outskirt_rings is rings.outskirt_rings is gf.outskirt_rings
    assert siege.check_ring_options is rings.check_ring_options
    assert siege.RING_COLUMNS is rings.RING_COLUMNS
    assert siege.SIEGE_STATUSES is schema.SIEGE_STATUSES
    assert schema.SIEGE_STATUSES == (
        "fallen",
        "under assault",
        "besieged",
        "threatened",
        "secure",
        "no evidence",
    )


def test_city_outside_every_district_warns():
    far = gpd.GeoDataFrame(
        {"city": ["Far Away"]},
        geometry=[shapely.Point(*w.xy(100, 100))],
        crs=w.UTM,
    )
    cities = pd.concat([world_cities(), far], ignore_index=True)
    ev = events([{"bearing": 90.0, "dist": 12000}])
    with pytest.warns(GeofrontWarning, match=r"1 city\(ies\) lie in no district .*Far Away"):
        status = siege_status(cities, ev, control(), as_of=AS_OF)
    row = status.set_index("city").loc["Far Away"]
    assert row["holder"] == "unknown" and pd.isna(row["district_id"])
