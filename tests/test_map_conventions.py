"""Maps a newsroom would publish (issue 12): conventions, labels, sieges, credits.

Each test asserts on the artists of a figure (hatches, label boxes, legend entries,
credit text), on the synthetic world (tests/world.py) or on the bundled data.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_rgba

import world as w
from geofront.maps import control_map, events_map, save_figure, siege_map, style
from geofront.maps import furniture as fu
from geofront.maps import labels as lb
from geofront.maps.event_maps import density_breaks

STATUS = {"101": "government", "102": "insurgent", "201": "contested", "202": "government"}


@pytest.fixture()
def control(world):
    d = world.districts.copy()
    d["status"] = d["district_id"].map(STATUS)
    return d


def _legend(fig, ax_index=1):
    return next(a for a in fig.axes[ax_index].artists if a.get_gid() == "legend")


def _gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def _attribution(fig):
    return next(t for t in fig.texts if t.get_gid() == "attribution").get_text().replace("\n", " ")


def _label_boxes(ax):
    r = ax.figure.canvas.get_renderer()
    return [(t, t.get_window_extent(r)) for t in ax.texts if str(t.get_gid()).startswith("label:")]


# --- 1. density maps -------------------------------------------------------------------


def test_density_classes_are_log_steps_that_keep_one_dense_cell_from_washing_out():
    counts = np.array([1, 1, 2, 3, 4, 7, 12, 40, 90, 250, 5902])
    breaks = density_breaks(counts)
    assert breaks[0] == 1 and breaks[-1] == 5903
    assert len(breaks) - 1 <= 6
    assert np.all(np.diff(breaks) > 0)
    # a linear scale of six classes puts 10 of the 11 cells in the lowest; log classes
    # spread them over at least four
    linear = np.floor((counts - 1) / (counts.max() / 6)).astype(int)
    assert (linear == 0).sum() == 10
    cls = np.searchsorted(breaks, counts, side="right") - 1
    assert len(set(cls.tolist())) >= 4
    q = density_breaks(counts, scheme="quantile")
    assert q[0] == 1 and q[-1] == 5903 and np.all(np.diff(q) > 0)


def test_hexbin_key_lists_each_class_drawn_in_the_drawn_colours(world):
    rows = (
        [{"x_km": 5, "y_km": 5}] * 60 + [{"x_km": 30, "y_km": 30}] * 3 + [{"x_km": 30, "y_km": 8}]
    )
    ev = w.events_frame(rows)
    fig, ax = events_map(ev, boundaries=world, hexbin=True, hex_size_m=4000, width_in=6, dpi=40)
    (hb,) = _gid(ax, "hexbin")
    hb.update_scalarmappable()
    counts = np.asarray(hb.get_array())
    faces = hb.get_facecolors()
    breaks = hb.geofront_breaks
    swatches = fu.legend_swatches(_legend(fig))
    from matplotlib.patches import Rectangle

    keyed = {
        label: to_rgba(art.get_facecolor()) for label, art in swatches if isinstance(art, Rectangle)
    }
    classes = np.searchsorted(breaks, counts, side="right") - 1
    assert len(keyed) == len(set(classes.tolist()))  # one key entry per class drawn
    for count, face in zip(counts, faces, strict=True):
        label = next(k for k in keyed if _in_label(count, k))
        assert tuple(face) == pytest.approx(keyed[label])
    # the single event's hexagon is not washed out to white by the 60-event one
    lone = faces[int(np.argmin(counts))]
    assert 0.2126 * lone[0] + 0.7152 * lone[1] + 0.0722 * lone[2] < 0.93


def _in_label(count, label):
    parts = [int(p.replace(",", "")) for p in label.split("–")]
    return parts[0] <= count <= parts[-1]


# --- 2. conventions ----------------------------------------------------------------------


def test_contested_districts_are_hatched_over_their_colour(world, control):
    fig, ax = control_map(control, boundaries=world, graded=False, width_in=6, dpi=40)
    (hatch,) = _gid(ax, "districts:contested")
    assert hatch.get_hatch() == style.CONTESTED_HATCH
    assert hatch.geofront_ids == ["201"]
    (fill,) = _gid(ax, "districts")
    faces = dict(zip(fill.geofront_ids, fill.get_facecolors(), strict=True))
    assert tuple(faces["201"]) == pytest.approx(to_rgba(style.STATUS_COLORS["contested"]))
    swatch = dict(fu.legend_swatches(_legend(fig)))["Contested (1)"]
    assert swatch.get_hatch() == style.CONTESTED_HATCH


def test_graded_zones_when_the_table_has_them(world, control):
    zones = {"101": "full government", "102": "insurgent dominant", "201": "parity"}
    graded = control.assign(zone=control["district_id"].map(zones))
    fig, ax = control_map(graded, boundaries=world, width_in=6, dpi=40)
    (fill,) = _gid(ax, "districts")
    faces = dict(zip(fill.geofront_ids, fill.get_facecolors(), strict=True))
    for d, z in zones.items():
        assert tuple(faces[d]) == pytest.approx(to_rgba(style.ZONE_COLORS[z]))
    assert _gid(ax, "districts:contested")[0].geofront_ids == ["201"]  # parity hatched
    texts = fu.legend_texts(_legend(fig))
    listed = [
        t.rsplit(" (", 1)[0] for t in texts if t.rsplit(" (", 1)[0] in style.ZONE_LABELS.values()
    ]
    # exactly the classes drawn: three zones and no data (202 has no zone)
    assert listed == [
        "Full government control",
        "Parity (contested)",
        "Insurgent dominant",
        "No data",
    ]
    # the four statuses when asked
    fig, ax = control_map(graded, boundaries=world, graded=False, width_in=6, dpi=40)
    assert "Government control (2)" in fu.legend_texts(_legend(fig))


def test_capitals_without_evidence_are_hollow_grey_and_named_so(world, control):
    caps = w.cities().rename(columns={"name": "city"}).assign(status=["no evidence", "besieged"])
    fig, ax = control_map(control, boundaries=world, capitals=caps, width_in=6, dpi=40)
    (coll,) = _gid(ax, "capitals")
    assert coll.get_facecolors()[0][3] == 0  # hollow
    assert tuple(coll.get_edgecolors()[0][:3]) == pytest.approx(to_rgba("#969696")[:3])
    labels = {t.get_text(): t for t in ax.texts if t.get_gid() == "label:point"}
    assert to_rgba(labels["Capital"].get_color()) == to_rgba(style.MUTED_TEXT)
    assert to_rgba(labels["Border Town"].get_color()) == to_rgba(style.TEXT)
    texts = fu.legend_texts(_legend(fig))
    statuses = [t for t in texts if t in fu.SIEGE_LABELS.values()]
    assert statuses == [fu.SIEGE_LABELS["no evidence"], "Besieged"]  # only those drawn


def test_whole_map_names_every_province_and_every_neighbour(world, control):
    # a big neighbour west and a sliver east (1 km wide, the whole height of the view)
    nb = gpd.GeoDataFrame(
        {"name": ["Westland", "Eastland"]},
        geometry=[
            shapely.box(*w.xy(-80, -40), *w.xy(0, 80)),
            shapely.box(*w.xy(40, -40), *w.xy(40.6, 80)),
        ],
        crs=w.UTM,
    )
    (w0, s0), (e0, n0) = w.lonlat(-30, -10), w.lonlat(70, 50)
    fig, ax = control_map(
        control, boundaries=world, neighbours=nb, bbox=(w0, s0, e0, n0), width_in=6, dpi=40
    )
    texts = [t.get_text() for t in ax.texts]
    assert "W E S T L A N D" in texts and "E A S T L A N D" in texts


def test_whole_country_map_names_its_provinces(world, control):
    fig, ax = control_map(control, boundaries=world, width_in=6, dpi=40)
    provinces = [t.get_text() for t in ax.texts if t.get_gid() == "label:province"]
    assert sorted(provinces) == ["N O R T H", "S O U T H"]


# --- 3. labels and symbols ---------------------------------------------------------------


def test_a_point_label_sits_by_its_own_marker():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 3))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 216)  # one unit = one point
    ax.set_ylim(0, 216)
    # A at the centre, B 24 pt to its right: "A's label" must not go right (towards B)
    pts = np.array([[100.0, 100.0], [124.0, 100.0]])
    coll = ax.scatter(pts[:, 0], pts[:, 1], s=6.5**2, marker="s")
    boxes = lb.marker_boxes(ax, coll, size_pt=6.5)
    specs = [lb.LabelSpec(100, 100, "A's long label", "point", 0.0)]
    (ann,) = lb.place_labels(ax, specs, markers=boxes)
    r = fig.canvas.get_renderer()
    box = ann.get_window_extent(r)
    gap = lb._box_gap
    assert gap(box, boxes[1]) > gap(box, boxes[0]) + lb.ASSOCIATION_PT * fig.dpi / 72.0 - 1


@pytest.mark.slow
def test_bundled_national_map_labels_never_collide_and_furniture_clears_borders(afghanistan):
    import geofront as gf

    read = gf.read_events("seed-events")
    joined = gf.join_events(read.events, afghanistan).joined
    assess = gf.read_assessments("seed-assessments", afghanistan)
    c = gf.control_from_events(
        joined, afghanistan, as_of="2021-07-07", assessments=assess, baseline="government"
    )
    caps = gf.read_cities(boundaries=afghanistan)
    st = gf.siege_status(caps, joined, c, as_of="2021-07-07")
    caps = caps.assign(status=st["status"].to_numpy())
    fig, ax = control_map(
        c, boundaries=afghanistan, frontlines=gf.frontline_lines(c), capitals=caps
    )
    boxes = _label_boxes(ax)
    for i, (_, a) in enumerate(boxes):
        for _, b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    # every point label is nearer its own marker than any other
    (coll,) = _gid(ax, "capitals")
    markers = lb.marker_boxes(ax, coll, size_pt=6.5)
    for t, box in boxes:
        if t.get_gid() != "label:point":
            continue
        x, y = ax.transData.transform(t.xy)
        own = [m for m in markers if m.contains(x, y)]
        others = [m for m in markers if not m.contains(x, y)]
        assert min(lb._box_gap(box, m) for m in others) > min(lb._box_gap(box, m) for m in own)
    texts = {t.get_text() for t, _ in boxes}
    for country in ("CHINA", "IRAN", "PAKISTAN", "TAJIKISTAN", "TURKMENISTAN", "UZBEKISTAN"):
        assert " ".join(country) in texts
    provinces = [t for t, _ in boxes if t.get_gid() == "label:province"]
    assert len(provinces) >= 26  # of 34: the crowded centre-east drops a few, never overlaps
    assert "Qala-i-Naw" in texts and "Kabul" in texts
    # scale bar and north arrow boxes cross no border
    r = fig.canvas.get_renderer()
    inv = ax.transData.inverted()
    outline = shapely.boundary(
        shapely.union_all(afghanistan.provinces.to_crs(ax.geofront_crs).geometry.array)
    )
    for art in [a for a in ax.get_children() if a.get_gid() in ("scalebar", "north-arrow")]:
        e = art.get_window_extent(r)
        (x0, y0), (x1, y1) = inv.transform([[e.x0, e.y0], [e.x1, e.y1]])
        assert shapely.length(shapely.clip_by_rect(outline, x0, y0, x1, y1)) == 0
    # the published spelling of the title place and the credits of what is drawn
    credit = _attribution(fig)
    for source in (
        "geoBoundaries",
        "Natural Earth",
        "GeoNames",
        "news reports",
        "Long War Journal",
    ):
        assert source in credit


def test_events_fanned_at_a_border_town_stay_inside_the_country(world):
    # four events stacked 0.3 km inside the eastern edge of the world (x = 40 km)
    ev = w.events_frame(
        [
            {"x_km": 39.7, "y_km": 20, "event_type": t}
            for t in ("Battles", "Riots", "Protests", "Battles")
        ]
    )
    fig, ax = events_map(ev, boundaries=world, capitals=False, neighbours=False, width_in=6, dpi=40)
    outline = shapely.union_all(world.provinces.to_crs(ax.geofront_crs).geometry.array)
    types = {"Battles", "Riots", "Protests"}
    drawn = np.vstack(
        [
            np.asarray(c.get_offsets())
            for c in ax.collections
            if str(c.get_gid()).startswith("events:") and c.get_gid().split(":")[1] in types
        ]
    )
    assert len(drawn) == 4
    assert shapely.contains_xy(outline, drawn[:, 0], drawn[:, 1]).all()


@pytest.mark.slow
def test_published_spellings_on_maps_and_in_titles(afghanistan):
    from geofront import datasets
    from geofront.display import display_table, tidy_name

    shipped = pd.read_csv(datasets.get_path("afg-display-names"), dtype=str)
    built = display_table()
    pd.testing.assert_frame_equal(shipped, built)
    shown = built.set_index(["level", "id"])["display_name"]
    assert shown[("district", "1901")] == "Qala-i-Naw"  # source "Qala-I- Naw"
    assert shown[("district", "3201")] == "Khost (Matun)"
    assert shown[("province", "20")] == "Herat"  # source "Hirat"
    assert tidy_name("Warduj\n") == "Warduj"
    c = afghanistan.districts.assign(status="government")
    fig, ax = control_map(
        c,
        boundaries=afghanistan,
        province="Hirat",
        capitals=False,
        neighbours=False,
        airports=False,
        dpi=40,
        width_in=6,
    )
    assert (
        next(t for t in fig.texts if t.get_gid() == "title").get_text()
        == "District control, Herat province"
    )
    fig, ax = control_map(
        c,
        boundaries=afghanistan,
        province="Badghis",
        capitals=False,
        neighbours=False,
        airports=False,
        dpi=40,
        width_in=6,
    )
    texts = [t.get_text() for t in ax.texts]
    assert "Qala-i-Naw" in texts and "Qala-I- Naw" not in texts


# --- 4. siege maps -----------------------------------------------------------------------


def _siege_inputs(world, n_core=3):
    from geofront.siege import assess_sieges

    city = w.cities().rename(columns={"name": "city"}).iloc[[0]]  # (10, 10) km, in 201
    control = world.districts.assign(status=["insurgent", "insurgent", "contested", "government"])
    rows = [{"x_km": 10.5, "y_km": 10.2}] * n_core + [{"x_km": 16, "y_km": 4}]
    events = w.events_frame(rows)
    res = assess_sieges(city, events, control, as_of="2021-07-01", radii_m=(2000, 8000, 14000))
    return city, control, events, res


def test_siege_map_fills_are_opaque_legend_swatches_and_shapes_differ(world):
    city, control, events, res = _siege_inputs(world)
    fig, ax = siege_map(
        city,
        sectors=res.sectors,
        status=res.status.iloc[0],
        events=events,
        control=control,
        as_of="2021-07-01",
        window_days=14,
        width_in=6,
        dpi=40,
    )
    (fill,) = _gid(ax, "districts")
    assert fill.get_alpha() is None and all(f[3] == 1 for f in fill.get_facecolors())
    swatches = dict(fu.legend_swatches(_legend(fig)))
    drawn = {tuple(np.round(f, 4)) for f in fill.get_facecolors()}
    for status in ("government", "contested", "insurgent"):
        (label,) = [k for k in swatches if k.startswith(style.STATUS_LABELS[status])]
        assert tuple(np.round(to_rgba(swatches[label].get_facecolor()), 4)) in drawn
    (rings,) = _gid(ax, "rings")
    assert (
        not hasattr(rings, "get_facecolors")
        or len(rings.get_facecolors()) == 0
        or rings.get_facecolors()[0][3] == 0
    )
    (city_marker,) = _gid(ax, "city")
    square = city_marker.get_paths()[0].vertices
    event_markers = [
        c
        for c in ax.collections
        if str(c.get_gid()).startswith("events:") and c.get_gid().count(":") == 2
    ]
    assert event_markers
    for c in event_markers:
        v = c.get_paths()[0].vertices
        assert v.shape != square.shape or not np.allclose(v, square)


def test_siege_map_draws_and_labels_the_open_corridor_and_counts_a_crowded_core(world, monkeypatch):
    from geofront.maps import siege_maps

    monkeypatch.setattr(siege_maps, "CORE_MAX_EVENTS", 2)
    city, control, events, res = _siege_inputs(world, n_core=5)
    row = res.status.iloc[0].copy()
    row["open_corridors"] = "135-225"
    fig, ax = siege_map(
        city,
        sectors=res.sectors,
        status=row,
        events=events,
        control=control,
        as_of="2021-07-01",
        window_days=14,
        width_in=6,
        dpi=40,
    )
    assert len(_gid(ax, "corridor")) == 1
    texts = [t.get_text() for t in ax.texts]
    assert "Open corridor (SE–SW)" in texts
    assert "5 events in the core" in texts  # counted, not drawn one by one
    drawn = sum(
        len(c.get_offsets()) for c in ax.collections if str(c.get_gid()).startswith("events:B")
    )
    assert drawn == 1  # only the event beyond the core
    legend = fu.legend_texts(_legend(fig))
    assert "Open corridor (no hostile sector)" in legend


def test_siege_map_draws_the_border_from_the_control_table_without_boundaries(world):
    city, control, events, res = _siege_inputs(world)
    fig, ax = siege_map(
        city, sectors=res.sectors, control=control, radius_m=40_000, width_in=6, dpi=40
    )
    assert len(_gid(ax, "country")) == 1
    assert "International border" in fu.legend_texts(_legend(fig))


def test_siege_map_is_byte_stable(tmp_path, world):
    city, control, events, res = _siege_inputs(world)
    out = []
    for name in ("a.png", "b.png"):
        fig, _ = siege_map(
            city,
            sectors=res.sectors,
            status=res.status.iloc[0],
            events=events,
            control=control,
            as_of="2021-07-01",
            width_in=6,
            dpi=40,
        )
        save_figure(fig, tmp_path / name, dpi=40)
        out.append((tmp_path / name).read_bytes())
    assert out[0] == out[1]


# --- 5. credits and dates ---------------------------------------------------------------------


def test_api_maps_of_bundled_boundaries_get_context_and_full_credits(afghanistan):
    import geofront as gf

    assess = gf.read_assessments("seed-assessments", afghanistan)
    c = gf.control_from_events(None, afghanistan, as_of="2021-07-07", assessments=assess)
    assert any("Long War Journal" in x for x in c.attrs["credits"])
    fig, ax = control_map(c, boundaries=afghanistan, province="Badghis", dpi=40, width_in=6)
    assert _gid(ax, "capitals") and _gid(ax, "neighbours")
    credit = _attribution(fig)
    assert "Long War Journal" in credit and "GeoNames" in credit and "Natural Earth" in credit
    # the date comes from the table
    assert (
        next(t for t in fig.texts if t.get_gid() == "subtitle").get_text()
        == "Data as of 7 July 2021"
    )


def test_evidence_credits_of_a_table_read_from_a_file(tmp_path, afghanistan):
    import geofront as gf
    from geofront.credits import evidence_credits
    from geofront.io import write_table

    read = gf.read_events("seed-events")
    joined = gf.join_events(read.events, afghanistan).joined
    assess = gf.read_assessments("seed-assessments", afghanistan)
    c = gf.control_from_events(joined, afghanistan, as_of="2021-07-07", assessments=assess)
    write_table(pd.DataFrame(c.drop(columns=c.geometry.name)), tmp_path / "c.csv")
    back = gf.read_control(tmp_path / "c.csv", afghanistan)
    credits = evidence_credits(back)
    assert any("Long War Journal" in x for x in credits)


# --- 8. small things -------------------------------------------------------------------------


def test_evidence_dates_pick_days_with_evidence_in_the_area():
    from geofront.control import evidence_dates

    ev = pd.DataFrame(
        {
            "date": pd.to_datetime(["2021-06-01", "2021-07-06", "2021-07-07", "2021-07-07"]),
            "district_id": ["101", "1901", "1901", "1902"],
        }
    )
    assert evidence_dates(ev, districts=["1901", "1902"]) == [
        pd.Timestamp("2021-07-06"),
        pd.Timestamp("2021-07-07"),
    ]
    days = pd.date_range("2021-05-01", periods=20, freq="D")
    many = pd.DataFrame({"date": days, "district_id": "1"})
    picked = evidence_dates(many, max_dates=4)
    assert len(picked) == 4 and picked[-1] == days[-1] and picked[0] == days[0]
    assert evidence_dates(None) == []


def test_short_scale_bar_labels_only_its_ends():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(500_000, 600_000)
    ax.set_ylim(3_800_000, 3_900_000)
    bar = fu.add_scale_bar(ax, crs="EPSG:32641")
    labels = [a.get_text() for a in bar.artists if hasattr(a, "get_text")]
    assert len(labels) == 2 and labels[-1].endswith(" km")


def test_people_rounded_to_whole_people():
    from geofront.exposure import round_people

    t = pd.DataFrame({"population": [89996.237, np.nan], "share": [0.12345678, 1.0], "n": [1, 2]})
    out = round_people(t)
    assert out["population"].tolist()[0] == 89996 and pd.isna(out["population"].iloc[1])
    assert out["share"].tolist() == [0.123457, 1.0]
    assert t["population"].iloc[0] == 89996.237  # input untouched
    # the timeline's people and the part of them only the baseline assumes, alike
    tl = round_people(pd.DataFrame({"people": [10.6], "assumed_people": [30291233.53]}))
    assert tl.iloc[0].tolist() == [11, 30291234] and str(tl["assumed_people"].dtype) == "Int64"
