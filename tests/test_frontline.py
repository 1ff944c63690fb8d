"""geofront.frontline: shared edges on the synthetic world by hand; Badghis around Qala-i-Naw."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import world as W
from geofront.errors import InputError, SchemaError
from geofront.frontline import (
    FRONTLINE_CLASS_COLUMNS,
    FRONTLINE_COLUMNS,
    frontline_lines,
    frontline_shift,
)

# A 20 km UTM edge on the ellipsoid: 20 km / 0.9996 (UTM scale factor near the central
# meridian, which runs through the world's west edge) = 20.008 km.
EDGE_KM = 20.0 / 0.9996


def control(world, statuses: dict[str, str]) -> gpd.GeoDataFrame:
    c = world.districts.copy()
    c["status"] = c["district_id"].map(statuses)
    return c


def test_government_insurgent_edge_is_20_km(world):
    c = control(
        world, {"101": "insurgent", "102": "unknown", "201": "government", "202": "unknown"}
    )
    f = frontline_lines(c)
    assert list(f.columns) == [*FRONTLINE_COLUMNS, "geometry"]
    assert len(f) == 1
    row = f.iloc[0]
    assert row["frontline_class"] == "government-insurgent"
    assert (row["district_id_a"], row["district_id_b"]) == ("201", "101")
    assert (row["status_a"], row["status_b"]) == ("government", "insurgent")
    assert row["length_km"] == pytest.approx(EDGE_KM, rel=1e-4)
    # the horizontal edge y = 20 km from x = 0 to 20 km
    expected = shapely.LineString([W.xy(0, 20), W.xy(20, 20)])
    assert row.geometry.equals(expected)
    assert f.crs == world.districts.crs


def test_checkerboard_corner_touch_is_not_an_edge(world):
    c = control(
        world, {"101": "government", "102": "insurgent", "201": "insurgent", "202": "government"}
    )
    f = frontline_lines(c)
    # four 20 km edges; 101/202 and 102/201 meet only at the centre point
    assert len(f) == 4 and set(f["frontline_class"]) == {"government-insurgent"}
    assert f["length_km"].sum() == pytest.approx(4 * EDGE_KM, rel=1e-4)
    by_class = frontline_lines(c, by="class")
    assert list(by_class.columns) == [*FRONTLINE_CLASS_COLUMNS, "geometry"]
    assert by_class["pairs"].tolist() == [4]
    assert by_class["length_km"].iloc[0] == pytest.approx(4 * EDGE_KM, rel=1e-4)


def test_never_along_the_international_border(world):
    c = control(
        world, {"101": "insurgent", "102": "contested", "201": "government", "202": "unknown"}
    )
    f = frontline_lines(c, include_unknown=True)
    outline = shapely.boundary(world.outline())
    assert shapely.length(shapely.intersection(shapely.union_all(f.geometry.array), outline)) == 0
    # the known edges, then the unknown ones
    assert f["frontline_class"].tolist() == [
        "government-insurgent",
        "contested-insurgent",
        "contested-unknown",
        "government-unknown",
    ]
    assert len(frontline_lines(c)) == 2


def test_lengths_are_geodesic_in_any_crs(world_wgs84):
    c = control(
        world_wgs84, {"101": "insurgent", "102": "unknown", "201": "government", "202": "unknown"}
    )
    f = frontline_lines(c)
    assert f.crs == world_wgs84.districts.crs
    assert f["length_km"].iloc[0] == pytest.approx(EDGE_KM, rel=1e-4)


def test_no_frontline_gives_empty_frame(world):
    c = control(world, dict.fromkeys(["101", "102", "201", "202"], "insurgent"))
    assert len(frontline_lines(c)) == 0
    assert len(frontline_lines(c, by="class")) == 0


def test_shift_between_two_dates(world):
    before = control(
        world, {"101": "insurgent", "102": "unknown", "201": "unknown", "202": "unknown"}
    )
    after = control(
        world, {"101": "insurgent", "102": "contested", "201": "government", "202": "unknown"}
    )
    s = frontline_shift(before, after)
    assert s.changes["district_id"].tolist() == ["102", "201"]
    assert s.changes[["from_status", "to_status"]].values.tolist() == [
        ["unknown", "contested"],
        ["unknown", "government"],
    ]
    # 400 km2 per district (equal-area; UTM scale 0.9996 -> 400.3)
    assert s.changes["area_km2"].tolist() == pytest.approx([400.0, 400.0], rel=1e-3)
    a = s.areas.set_index("status")
    assert a.loc["government", "gained_km2"] == pytest.approx(400.0, rel=1e-3)
    assert a.loc["unknown", "lost_km2"] == pytest.approx(800.0, rel=1e-3)
    assert a.loc["insurgent", "net_km2"] == 0
    assert a["net_km2"].sum() == pytest.approx(0.0, abs=1e-6)
    ln = s.lengths.set_index("frontline_class")
    assert ln.loc["government-insurgent", "length_before_km"] == 0
    assert ln.loc["government-insurgent", "length_after_km"] == pytest.approx(EDGE_KM, rel=1e-4)
    assert ln.loc["contested-insurgent", "change_km"] == pytest.approx(EDGE_KM, rel=1e-4)
    # both were unknown before: said, so that a first assessment does not read as a shift
    assert s.summary().startswith(
        "2 district(s) changed status (2 of them first known: unknown before): government +400 km2"
    )


def test_bad_control_tables(world):
    with pytest.raises(SchemaError, match="status"):
        frontline_lines(world.districts)
    with pytest.raises(InputError, match="'held'"):
        frontline_lines(control(world, dict.fromkeys(["101", "102", "201", "202"], "held")))
    a = control(world, dict.fromkeys(["101", "102", "201", "202"], "unknown"))
    with pytest.raises(InputError, match="different districts"):
        frontline_shift(a, a.iloc[:3])
    with pytest.raises(InputError, match="GeoDataFrame"):
        frontline_lines(pd.DataFrame(a.drop(columns="geometry")))


# --- Badghis, 7 July 2021 ------------------------------------------------------------------


@pytest.fixture(scope="module")
def badghis(afghanistan):
    from geofront.assessments import read_assessments
    from geofront.control import control_from_events
    from geofront.join import load_joined_events

    ev = load_joined_events("seed-events", afghanistan)
    a = read_assessments("seed-assessments", afghanistan)
    return control_from_events(ev, afghanistan, as_of="2021-07-07", assessments=a)


def test_badghis_frontline_around_the_capital(afghanistan, badghis):
    d = afghanistan.districts
    capital = d.loc["1901"].geometry
    # Geometry facts, independent of the code under test: Qala-I- Naw's neighbours are
    # Ab Kamari, Qadis, Muqur (Badghis, insurgent) and Karukh (Hirat, no evidence); it
    # does not touch the international border.
    touching = d[d.geometry.intersects(capital) & (d.index != "1901")]
    assert set(touching.index) == {"1902", "1903", "1907", "2005"}
    assert (
        shapely.length(shapely.intersection(capital.boundary, afghanistan.outline().boundary)) == 0
    )

    f = frontline_lines(badghis)
    around = f[(f["district_id_a"] == "1901") | (f["district_id_b"] == "1901")]
    assert set(around["frontline_class"]) == {"contested-insurgent"}
    assert set(around["district_id_b"]) == {"1902", "1903", "1907"}
    # every frontline in the country is around the capital: the rest of Badghis is one side
    assert len(f) == 3
    # with the edge of knowledge the lines close a ring: the whole capital boundary
    fu = frontline_lines(badghis, include_unknown=True)
    ring = fu[(fu["district_id_a"] == "1901") | (fu["district_id_b"] == "1901")]
    assert ring.set_index("district_id_b").loc["2005", "frontline_class"] == "contested-unknown"
    merged = shapely.line_merge(shapely.union_all(ring.geometry.array))
    assert merged.geom_type == "LineString" and merged.is_closed
    assert shapely.symmetric_difference(merged, capital.boundary).length < 1e-9
    total = ring["length_km"].sum()
    perimeter = (
        shapely.length(gpd.GeoSeries([capital.boundary], crs=d.crs).to_crs(W.UTM).iloc[0]) / 1000
    )
    assert total == pytest.approx(perimeter, rel=5e-3)
    # the contested-insurgent part is everything but the Karukh edge
    karukh = ring.set_index("district_id_b").loc["2005", "length_km"]
    assert around["length_km"].sum() == pytest.approx(total - karukh)
