"""join_events on the synthetic world (answers by hand) and on the bundled data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import world as w
from geofront.boundaries import AdminBoundaries
from geofront.errors import SchemaError
from geofront.join import join_events


def _lonlat_world() -> AdminBoundaries:
    """Two 0.2-degree squares sharing the edge lon = 63.2 (exactly representable points)."""
    d = gpd.GeoDataFrame(
        {
            "district_id": ["A1", "B1"],
            "district": ["West", "East"],
            "province_id": ["A", "B"],
            "province": ["PA", "PB"],
        },
        geometry=[shapely.box(63.0, 34.0, 63.2, 34.2), shapely.box(63.2, 34.0, 63.4, 34.2)],
        crs="EPSG:4326",
    ).set_index("district_id", drop=False)
    p = d[["province_id", "province", "geometry"]].set_index("province_id", drop=False)
    d.index.name = p.index.name = None
    return AdminBoundaries(d, p, "lonlat")


def _events(points: list[tuple[float, float]], **cols) -> pd.DataFrame:
    n = len(points)
    frame = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(1, n + 1)],
            "longitude": [p[0] for p in points],
            "latitude": [p[1] for p in points],
            "location_precision": "exact",
            "source_row": np.arange(1, n + 1),
        }
    )
    for k, v in cols.items():
        frame[k] = v
    return frame


def test_centres_go_to_their_districts(world):
    ev = w.events_frame(
        [
            {"x_km": 10, "y_km": 30},
            {"x_km": 30, "y_km": 30},
            {"x_km": 10, "y_km": 10},
            {"x_km": 30, "y_km": 10},
        ]
    )
    res = join_events(ev, world)
    assert list(res.joined["district_id"]) == ["101", "102", "201", "202"]
    assert list(res.joined["province_id"]) == ["1", "1", "2", "2"]
    assert (res.joined["join_method"] == "within").all()
    assert res.counts["within"] == 4 and res.counts["rejected"] == 0


def test_duplicate_names_never_collide(world):
    ev = w.events_frame([{"x_km": 30, "y_km": 30}, {"x_km": 10, "y_km": 10}])
    j = join_events(ev, world).joined
    assert list(j["district"]) == ["Kohistan", "Kohistan"]
    assert list(j["district_id"]) == ["102", "201"]
    assert list(j["province"]) == ["North", "South"]


def test_point_on_shared_border_goes_to_smallest_id_once():
    b = _lonlat_world()
    # on the shared edge, on a shared corner, and inside each square
    ev = _events([(63.2, 34.1), (63.2, 34.0), (63.1, 34.1), (63.3, 34.1)])
    res = join_events(ev, b)
    j = res.joined
    assert len(j) == 4 and j.index.is_unique
    assert list(j["district_id"]) == ["A1", "A1", "A1", "B1"]
    assert list(j["join_method"]) == ["border", "border", "within", "within"]
    assert res.counts["border"] == 2


def test_four_district_corner_goes_to_101(world_wgs84):
    # (20 km, 20 km) is a vertex of all four squares, identical after reprojection
    coords = [set(g.exterior.coords) for g in world_wgs84.districts.geometry]
    (corner,) = set.intersection(*coords)
    assert shapely.Point(corner).intersects(world_wgs84.districts.geometry).all()
    res = join_events(_events([corner]), world_wgs84)
    assert res.joined["district_id"].tolist() == ["101"]
    assert res.joined["join_method"].tolist() == ["border"]


def test_snapping_in_metres_and_rejection(world):
    # 1 km west of district 101, 1.9 km south of 201, and 5 km east of 102
    ev = w.events_frame(
        [{"x_km": -1, "y_km": 30}, {"x_km": 10, "y_km": -1.9}, {"x_km": 45, "y_km": 30}]
    )
    res = join_events(ev, world, snap_distance_m=2000)
    j = res.joined
    assert list(j["district_id"]) == ["101", "201"]
    assert list(j["join_method"]) == ["snapped", "snapped"]
    # the world is drawn in UTM 41N, the zone the distances are measured in
    assert j["snap_distance_m"].tolist() == pytest.approx([1000, 1900], abs=0.5)
    r = res.rejected
    assert list(r["event_id"]) == ["e3"] and list(r["reason"]) == ["outside_boundaries"]
    assert "more than 2 km (the snap distance) from every unit" in r["detail"].iloc[0]
    assert res.counts == {
        "events": 3,
        "joined": 2,
        "within": 0,
        "border": 0,
        "snapped": 2,
        "region": 0,
        "country": 0,
        "rejected": 1,
        "rejected_outside_boundaries": 1,
    }


def test_no_snapping_when_zero(world):
    ev = w.events_frame([{"x_km": -1, "y_km": 30}])
    res = join_events(ev, world, snap_distance_m=0)
    assert len(res.joined) == 0 and len(res.rejected) == 1


def test_swapped_coordinates_flagged(world):
    lon, lat = w.lonlat(10, 10)
    ev = _events([(lat, lon)])
    res = join_events(ev, world)
    assert len(res.joined) == 0
    assert "looks like latitude and longitude are swapped" in res.rejected["detail"].iloc[0]


def test_region_precision_keeps_province_only(world):
    ev = w.events_frame(
        [{"x_km": 10, "y_km": 10, "location_precision": "region"}, {"x_km": 30, "y_km": 30}]
    )
    j = join_events(ev, world).joined
    assert j["province_id"].tolist() == ["2", "1"]
    assert pd.isna(j["district_id"].iloc[0]) and j["district_id"].iloc[1] == "102"
    assert j["join_method"].tolist() == ["region", "within"]
    j2 = join_events(ev, world, region_districts=True).joined
    assert j2["district_id"].tolist() == ["201", "102"]


def test_country_precision_gets_no_unit(world):
    ev = w.events_frame([{"x_km": 10, "y_km": 10, "location_precision": "country"}])
    res = join_events(ev, world, region_districts=True)
    j = res.joined
    assert len(j) == 1 and res.counts["country"] == 1
    assert pd.isna(j["province_id"].iloc[0]) and pd.isna(j["district_id"].iloc[0])


def test_index_order_kept_and_input_untouched(world):
    ev = w.events_frame([{"x_km": 30, "y_km": 10}, {"x_km": 10, "y_km": 30}])
    ev.index = [10, 5]
    before = ev.copy()
    j = join_events(ev, world).joined
    assert list(j.index) == [10, 5]
    pd.testing.assert_frame_equal(ev, before)
    assert j.crs.to_epsg() == 4326


def test_same_answer_in_any_boundary_crs(world, world_wgs84):
    rng = np.random.default_rng(7)
    pts = [{"x_km": float(x), "y_km": float(y)} for x, y in rng.uniform(0.5, 39.5, (200, 2))]
    ev = w.events_frame(pts)
    a = join_events(ev, world).joined["district_id"]
    b = join_events(ev, world_wgs84).joined["district_id"]
    # points within a few metres of an edge may differ between the two drawings of it
    assert (a == b).mean() > 0.99


def test_missing_columns_and_bad_snap(world):
    with pytest.raises(SchemaError, match="lack column.*latitude"):
        join_events(pd.DataFrame({"event_id": ["a"], "longitude": [63.0]}), world)
    with pytest.raises(SchemaError, match="snap distance"):
        join_events(w.events_frame([{"x_km": 1, "y_km": 1}]), world, snap_distance_m=-1)


def test_bundled_boundaries_hierarchy_holds_for_random_points(afghanistan):
    """Every event joined to a district gets that district's own province."""
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = afghanistan.provinces.total_bounds
    n = 3000
    ev = _events(list(zip(rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n), strict=True)))
    res = join_events(ev, afghanistan, snap_distance_m=0)
    j = res.joined
    assert res.counts["joined"] + res.counts["rejected"] == n
    lookup = afghanistan.districts.set_index("district_id")["province_id"]
    assert (j["province_id"].to_numpy() == lookup.loc[j["district_id"]].to_numpy()).all()
    # the country covers about 641,868 km2 of a bbox of about 1.2 million km2
    assert 0.4 < len(j) / n < 0.65


def test_ucdp_sample_provinces_agree_with_ucdp_adm1(afghanistan):
    """Our province equals UCDP's own adm_1 for every event that has one (133 of 135).

    Names are compared by geofront.names keys against both the AIMS spelling (Hilmand)
    and the common English one (Helmand) of the bundled lookup table.
    """
    from geofront import datasets
    from geofront.events import read_events
    from geofront.names import phonetic_key, skeleton_key

    read = read_events("ucdp-ged-sample")
    res = join_events(read.events, afghanistan)
    assert read.n_read == 135 and len(read.rejected) == 0
    assert res.counts["joined"] == 135 and res.counts["rejected"] == 0
    j = res.joined
    lookup = pd.read_csv(datasets.get_path("afg-district-lookup"), dtype=str)
    english = lookup.drop_duplicates("province").set_index("province")["province_en"]
    ucdp = j["src_adm_1"].fillna("").str.replace(" province", "", regex=False)

    def same(a: pd.Series, b: pd.Series) -> pd.Series:
        a, b = a.astype(str), b.astype(str)
        return (phonetic_key(a) == phonetic_key(b)) | (skeleton_key(a) == skeleton_key(b))

    agree = same(ucdp, j["province"].fillna("")) | same(ucdp, j["province"].map(english).fillna(""))
    has_adm1 = ucdp != ""
    assert has_adm1.sum() == 133
    assert (agree & has_adm1).sum() == 133  # 100% agreement
    # the two rows without adm_1 are located only to the country (where_prec 6): they are
    # joined, but to no province or district
    assert set(j.loc[~has_adm1, "src_where_prec"]) == {"6"}
    assert set(j.loc[~has_adm1, "join_method"]) == {"country"}
    assert j.loc[~has_adm1, "province_id"].isna().all()


# --- the cell-indexed join: the same answers, faster -------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("crs", [None, "EPSG:32642", "EPSG:3857"])
def test_skipping_far_points_changes_no_answer(afghanistan, monkeypatch, crs):
    """Points ruled out by the index's snapping filter would not have snapped anyway.

    Compared with the same join measuring every outside point, in the bundled CRS,
    UTM and Web Mercator (whose scale at 35 N is 1.2: metres there are not metres).
    """
    from geofront.cellindex import CellIndex
    from geofront.join import Joiner

    b = afghanistan if crs is None else afghanistan.to_crs(crs)
    outline = afghanistan.outline()
    rng = np.random.default_rng(4)
    # points in a band 0-6 km outside the border, and a few far away
    ring = shapely.get_coordinates(outline.exterior if hasattr(outline, "exterior") else outline)
    pick = ring[rng.integers(0, len(ring), 4000)]
    lon = pick[:, 0] + rng.normal(0, 0.03, len(pick))
    lat = pick[:, 1] + rng.normal(0, 0.03, len(pick))
    flags = {"region": np.zeros(len(lon), bool), "country": np.zeros(len(lon), bool)}
    fast = Joiner(b).assign(lon, lat, **flags)
    monkeypatch.setattr(CellIndex, "maybe_near", lambda self, x, y, d, **kw: np.ones(len(x), bool))
    slow = Joiner(b).assign(lon, lat, **flags)
    assert (fast.unit == slow.unit).all() and (fast.method == slow.method).all()
    assert (fast.snap_m == slow.snap_m).all()
    assert (fast.method == 2).sum() > 200  # many snapped, many rejected: both paths ran
    assert (fast.unit < 0).sum() > 200


def test_without_geometry_a_plain_frame(world):
    ev = w.events_frame([{"x_km": 10, "y_km": 30}, {"x_km": 90, "y_km": 90}])
    with_geom = join_events(ev, world)
    plain = join_events(ev, world, geometry=False)
    assert isinstance(with_geom.joined, gpd.GeoDataFrame)
    assert not isinstance(plain.joined, gpd.GeoDataFrame)
    assert list(plain.joined.columns) == [c for c in with_geom.joined.columns if c != "geometry"]
    assert plain.counts == with_geom.counts
