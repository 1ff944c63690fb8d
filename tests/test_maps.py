"""Maps on the synthetic world: artists, a few pixel probes, determinism, errors.

The world (tests/world.py): four 20 km squares in UTM 41N; 101 Alpha | 102 Kohistan on
top (province North), 201 Kohistan | 202 Delta below (province South).
"""

from __future__ import annotations

import math

import geopandas as gpd
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_rgba
from pyproj import CRS, Transformer

import world as w
from geofront.errors import InputError, OutputError
from geofront.maps import (
    control_map,
    control_small_multiples,
    events_map,
    map_crs_for,
    save_figure,
    siege_map,
    style,
    timeline_figure,
)
from geofront.maps import furniture as fu
from geofront.maps import labels as lb

STATUS = {"101": "government", "102": "insurgent", "201": "contested"}  # 202 missing


@pytest.fixture()
def control(world):
    d = world.districts
    sel = d[d["district_id"].isin(list(STATUS))].copy()
    sel["status"] = sel["district_id"].map(STATUS)
    return sel


@pytest.fixture()
def frontlines():
    """The 101|102 edge (x = 20 km, y 20..40 km): government | insurgent."""
    line = shapely.LineString([w.xy(20, 20), w.xy(20, 40)])
    return gpd.GeoDataFrame(
        {"frontline_class": ["government-insurgent"]}, geometry=[line], crs=w.UTM
    )


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def _fig_text(fig, gid):
    return next(t for t in fig.texts if t.get_gid() == gid).get_text()


def test_district_faces_follow_status_palette(world, control):
    fig, ax = control_map(control, boundaries=world, width_in=6, dpi=50)
    (coll,) = _by_gid(ax, "districts")
    faces = dict(zip(coll.geofront_ids, coll.get_facecolors(), strict=True))
    for did, status in STATUS.items():
        assert tuple(faces[did]) == pytest.approx(to_rgba(style.STATUS_COLORS[status]))
    # 202 is in the boundaries but not in the control table: "no data", hatched
    assert tuple(faces["202"]) == pytest.approx(to_rgba(style.STATUS_COLORS[style.NO_DATA]))
    (hatch,) = _by_gid(ax, "districts:no-data")
    assert len(hatch.get_paths()) == 1 and hatch.get_hatch() == style.NO_DATA_HATCH


def test_palette_is_fixed_by_name_and_distinct():
    colours = [style.STATUS_COLORS[s] for s in style.STATUS_ORDER]
    assert len(set(colours)) == len(colours)
    assert style.status_color("insurgent") == style.STATUS_COLORS["insurgent"]
    assert style.event_type_color("Made-up type") == style.event_type_color("Made-up type")


def test_frontline_vertices_equal_the_lines(world, control, frontlines):
    fig, ax = control_map(control, boundaries=world, frontlines=frontlines, width_in=6, dpi=50)
    (coll,) = _by_gid(ax, "frontline:government-insurgent")
    to_map = Transformer.from_crs(w.UTM, ax.geofront_crs, always_xy=True)
    expected = np.column_stack(to_map.transform([w.X0 + 20e3] * 2, [w.Y0 + 20e3, w.Y0 + 40e3]))
    (seg,) = coll.get_segments()
    np.testing.assert_allclose(seg, expected, rtol=0, atol=1e-6)


def test_legend_lists_exactly_the_classes_drawn(world, control, frontlines):
    fig, ax = control_map(control, boundaries=world, frontlines=frontlines, width_in=6, dpi=50)
    legend = next(a for a in fig.axes[1].artists if a.get_gid() == "legend")
    texts = fu.legend_texts(legend)
    # the classes drawn with their counts: 1 government, 1 contested, 1 insurgent,
    # 1 no data (202); unknown is not drawn, so not listed
    counts = {"government": 1, "contested": 1, "insurgent": 1, "no data": 1}
    labels = [f"{style.STATUS_LABELS[s]} ({counts[s]})" for s in counts]
    assert [
        t for t in texts if t.endswith(")") and t.split(" (")[0] in style.STATUS_LABELS.values()
    ] == labels
    assert not [t for t in texts if t.startswith("Unknown")]
    assert "4 districts" in texts
    # the frontline section lists the one class drawn, not the three known classes
    lines = [t for t in texts if t in style.FRONTLINE_LABELS.values()]
    assert lines == [style.FRONTLINE_LABELS["government-insurgent"]]
    drawn = {
        c.get_gid().split(":", 1)[1]
        for c in ax.collections
        if str(c.get_gid()).startswith("frontline:")
    }
    assert drawn == {"government-insurgent"}


def test_title_stamp_and_attribution(world, control):
    fig, ax = control_map(control, boundaries=world, as_of="2021-07-07", width_in=6, dpi=50)
    assert _fig_text(fig, "title") == "District control, synthetic"
    assert _fig_text(fig, "subtitle") == "Data as of 7 July 2021"
    attribution = _fig_text(fig, "attribution").replace("\n", " ")
    # user boundaries, no neighbours, no capitals drawn: credit only what is drawn
    assert attribution.startswith("Boundaries: synthetic · ")
    assert "Lambert conformal conic" in attribution
    for absent in ("geoBoundaries", "Natural Earth", "GeoNames", "WorldPop"):
        assert absent not in attribution


@pytest.mark.slow
def test_bundled_credits_and_title(afghanistan):
    from geofront.maps import bundled_context

    control = afghanistan.districts.assign(status="unknown")
    ctx = bundled_context()
    fig, _ = control_map(
        control,
        boundaries=afghanistan,
        capitals=ctx["capitals"],
        neighbours=ctx["neighbours"],
        width_in=6,
        dpi=30,
    )
    attribution = _fig_text(fig, "attribution").replace("\n", " ")
    for credit in ("geoBoundaries", "Natural Earth", "GeoNames"):
        assert credit in attribution
    assert _fig_text(fig, "title") == "District control, Afghanistan"


def test_user_file_boundaries_titled_without_file_name_and_bbox_by_degrees(world, control):
    from geofront.boundaries import AdminBoundaries

    named = AdminBoundaries(world.districts, world.provinces, "adm2_districts.gpkg")
    fig, _ = control_map(control, boundaries=named, width_in=6, dpi=30)
    assert _fig_text(fig, "title") == "District control"
    assert "Boundaries: adm2_districts.gpkg" in _fig_text(fig, "attribution")
    # the outer edge of user boundaries is not called an international border
    texts = fu.legend_texts(_legend(fig))
    assert "Edge of the boundaries" in texts and "International border" not in texts
    w0, s0 = w.lonlat(5, 5)
    e0, n0 = w.lonlat(15, 15)
    box = (round(w0, 2), round(s0, 2), round(e0, 2), round(n0, 2))
    fig, _ = control_map(control, boundaries=world, bbox=box, width_in=6, dpi=30)
    assert _fig_text(fig, "title") == (
        f"District control, {box[0]:g}°–{box[2]:g}° E, {box[1]:g}°–{box[3]:g}° N"
    )


def test_extent_covers_the_world_with_true_aspect(world, control):
    fig, ax = control_map(control, boundaries=world, width_in=6, dpi=50)
    b = world.districts.to_crs(ax.geofront_crs).total_bounds
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < b[0] and x1 > b[2] and y0 < b[1] and y1 > b[3]
    box = ax.get_window_extent()
    # 1 map unit is the same length on screen in x and y (no distortion of the frame)
    assert (box.width / (x1 - x0)) == pytest.approx(box.height / (y1 - y0), rel=1e-3)


def test_map_crs_is_conformal_conic_centred_on_view():
    crs = map_crs_for((60.0, 29.0, 75.0, 38.5))
    op = crs.coordinate_operation
    assert op.method_name.startswith("Lambert Conic Conformal")
    params = {p.name: p.value for p in op.params}
    assert params["Longitude of false origin"] == pytest.approx(67.5)
    # near the equator a conic degenerates: azimuthal equidistant instead
    assert map_crs_for((30.0, -2.0, 32.0, 2.0)).coordinate_operation.method_name.startswith(
        "Azimuthal"
    )


def test_pixel_probe_centre_of_district(world, control):
    fig, ax = control_map(control, boundaries=world, width_in=6, dpi=50, label_districts=False)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    to_map = Transformer.from_crs(w.UTM, ax.geofront_crs, always_xy=True)
    for did, (cx, cy) in {"102": (30, 30), "101": (10, 30)}.items():
        x, y = ax.transData.transform(to_map.transform(*w.xy(cx + 3, cy - 3)))
        px = rgba[int(round(rgba.shape[0] - y)), int(round(x))]
        want = np.array(to_rgba(style.STATUS_COLORS[STATUS[did]])) * 255
        np.testing.assert_allclose(px, want, atol=3)


def test_scale_bar_is_true_length_at_centre_of_aeqd():
    # In an azimuthal equidistant projection the scale factor at the centre is exactly 1,
    # so the bar's map length equals its length in metres.
    from matplotlib.figure import Figure

    from geofront.crs import local_aeqd

    crs = local_aeqd(63.0, 35.0)
    fig = Figure(figsize=(4, 4))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-50e3, 50e3)
    ax.set_ylim(-50e3, 50e3)
    bar = fu.add_scale_bar(ax, crs=crs)
    assert bar.length_km == 20.0  # largest 1/2/5 x 10^n under 28 % of 100 km
    assert bar.length_map == pytest.approx(20_000.0, rel=1e-9)
    widths = [a.get_width() for a in bar.artists if type(a).__name__ == "Rectangle"]
    assert sum(widths) == pytest.approx(20_000.0)


def test_true_north_follows_meridian_convergence():
    # LCC: convergence angle = n * (lon - lon0), n = cone constant of the projection.
    crs = CRS.from_proj4(
        "+proj=lcc +lat_1=31 +lat_2=37 +lat_0=34 +lon_0=67 +datum=WGS84 +units=m +no_defs"
    )
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    p1, p2 = math.radians(31), math.radians(37)
    n = math.log(math.cos(p1) / math.cos(p2)) / math.log(
        math.tan(math.pi / 4 + p2 / 2) / math.tan(math.pi / 4 + p1 / 2)
    )
    x, y = fwd.transform(72.0, 34.0)
    assert fu.true_north_deg(crs, x, y) == pytest.approx(n * 5.0, abs=0.05)
    x0, y0 = fwd.transform(67.0, 34.0)
    assert fu.true_north_deg(crs, x0, y0) == pytest.approx(0.0, abs=1e-6)


def test_labels_do_not_overlap():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 3))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    specs = [
        lb.LabelSpec(50, 50, "Alpha"),
        lb.LabelSpec(50, 50, "Beta"),
        lb.LabelSpec(52, 50, "Gamma"),
    ]
    placed = lb.place_labels(ax, specs)
    r = fig.canvas.get_renderer()
    boxes = [a.get_window_extent(r) for a in placed]
    assert [a.get_text() for a in placed] == ["Alpha", "Beta", "Gamma"]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j])
    # a label that cannot fit inside the frame is left out rather than clipped
    assert lb.place_labels(ax, [lb.LabelSpec(50, 50, "X" * 200)]) == []


def test_capitals_marked_by_siege_status(world, control):
    caps = w.cities().assign(city=["Capital", "Border Town"], status=["besieged", "secure"])
    fig, ax = control_map(control, boundaries=world, capitals=caps, width_in=6, dpi=50)
    (coll,) = _by_gid(ax, "capitals")
    faces = coll.get_facecolors()
    assert tuple(faces[0]) == pytest.approx(to_rgba(style.SIEGE_COLORS["besieged"]))
    assert tuple(faces[1]) == pytest.approx(to_rgba(style.SIEGE_COLORS["secure"]))
    labels = {t.get_text() for t in ax.texts if t.get_gid() == "label:point"}
    assert labels == {"Capital", "Border Town"}


def test_province_zoom_veils_the_rest_and_adds_inset(world, control):
    fig, ax = control_map(control, boundaries=world, province="north", width_in=6, dpi=50)
    assert _by_gid(ax, "veil") and _by_gid(ax, "focus")
    assert any(a.get_gid() == "inset-view" for a in fig.axes[1].patches)
    to_map = Transformer.from_crs(w.UTM, ax.geofront_crs, always_xy=True)
    # the view is centred on North (y 20..40 km), not on the whole world
    cy = (ax.get_ylim()[0] + ax.get_ylim()[1]) / 2
    assert cy == pytest.approx(to_map.transform(*w.xy(20, 30))[1], abs=300)


def test_unknown_province_lists_close_names(world, control):
    with pytest.raises(InputError, match=r"unknown province 'Nort'.*North"):
        control_map(control, boundaries=world, province="Nort")


def test_empty_bbox_selection(world, control):
    with pytest.raises(InputError, match="contains no district"):
        control_map(control, boundaries=world, bbox=(10, 10, 11, 11))


def test_same_map_same_bytes_png_and_svg(tmp_path, world, control, frontlines):
    for ext in ("png", "svg"):
        outs = []
        for i in range(2):
            fig, _ = control_map(
                control, boundaries=world, frontlines=frontlines, width_in=5, dpi=40
            )
            outs.append(save_figure(fig, tmp_path / f"m{i}.{ext}", dpi=40).read_bytes())
        assert outs[0] == outs[1]


def test_save_refuses_bad_extension_and_keeps_old_file(tmp_path, world, control):
    fig, _ = control_map(control, boundaries=world, width_in=5, dpi=40)
    with pytest.raises(OutputError, match="unsupported extension .jpg"):
        save_figure(fig, tmp_path / "m.jpg")
    with pytest.raises(OutputError, match="does not exist"):
        save_figure(fig, tmp_path / "missing" / "m.png")
    old = tmp_path / "m.png"
    old.write_bytes(b"old")
    with pytest.raises(OutputError):
        save_figure(fig, old, dpi=-1)
    assert old.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.png"]


def test_siege_map_rings_events_and_status_box(world, control):
    from geofront.siege import outskirt_rings

    city = w.cities().rename(columns={"name": "city"}).iloc[[0]]
    rings = outskirt_rings(city, radii_m=(5000.0, 15000.0), sectors=4)
    rings["hostile_events"] = [0, 1, 0, 0, 5, 0, 0, 0]
    rings["hostile"] = rings["hostile_events"] > 0
    events = w.events_frame([{"x_km": 12, "y_km": 10, "fatalities": 10}])
    status = {"status": "besieged", "encirclement_index": 0.5, "max_hostile_arc_deg": 90.0}
    fig, ax = siege_map(
        city.to_crs("EPSG:4326"),
        sectors=rings,
        status=status,
        events=events,
        control=control,
        as_of="2021-07-01",
        width_in=6,
        dpi=40,
    )
    (coll,) = _by_gid(ax, "rings")
    assert len(coll.get_segments()) == 8  # one ring of edges per sector: outlines, no fill
    # the two hostile sectors have the heavy outline; counts label the ring-1 sector
    assert len(_by_gid(ax, "rings:hostile")) == 1
    counts = [t.get_text() for t in ax.texts if t.get_gid() == "label:count"]
    assert "5" in counts  # ring 1 (5-15 km), sector 0
    (pts,) = [a for a in ax.collections if a.get_gid() == "events:Battles:insurgent"]
    assert tuple(pts.get_facecolors()[0][:3]) == pytest.approx(
        to_rgba(style.EVENT_TYPE_COLORS["Battles"])[:3]
    )
    # the view is centred on the city (AEQD origin) and reaches beyond the outer ring
    assert ax.get_xlim()[0] < -15000 < 15000 < ax.get_xlim()[1]
    texts = fu.legend_texts(next(a for a in fig.axes[1].artists if a.get_gid() == "legend"))
    assert "Status: besieged" in texts and "Encirclement index: 0.50" in texts


def test_events_map_colours_and_window(world):
    events = w.events_frame(
        [
            {"x_km": 10, "y_km": 10, "date": pd.Timestamp("2021-07-02")},
            {"x_km": 30, "y_km": 30, "event_type": "Riots", "date": pd.Timestamp("2021-07-05")},
        ]
    )
    fig, ax = events_map(events, boundaries=world, hexbin=True, hex_size_m=5000, width_in=6, dpi=40)
    riots = next(a for a in ax.collections if a.get_gid() == "events:Riots")
    assert tuple(riots.get_facecolors()[0][:3]) == pytest.approx(to_rgba("#56B4E9")[:3])
    assert _fig_text(fig, "subtitle") == "2–5 July 2021"
    (hb,) = _by_gid(ax, "hexbin")
    assert hb.get_array().sum() == 2


def test_timeline_stacks_statuses_in_legend_order():
    rows = [
        (d, s, n)
        for d in ("2021-07-01", "2021-07-02")
        for s, n in zip(
            ("government", "contested", "insurgent", "unknown"), (2, 1, 1, 0), strict=True
        )
    ]
    tl = pd.DataFrame(rows, columns=["date", "status", "districts"])
    fl = pd.DataFrame({"date": ["2021-07-01", "2021-07-02"], "length_km": [20.0, 40.0]})
    fig, ax = timeline_figure(tl, frontline_length=fl)
    polys = [c for c in ax.collections if str(c.get_gid()).startswith("timeline:")]
    # unknown has no district at any date: not drawn
    assert [p.get_gid() for p in polys] == [f"timeline:{s}" for s in style.STATUS_ORDER[:3]]
    assert tuple(polys[0].get_facecolor()[0]) == pytest.approx(
        to_rgba(style.STATUS_COLORS["government"])
    )
    # top of the stack = 4 districts
    assert ax.get_ylim()[1] >= 4


def test_small_multiples_one_panel_per_date(world, control):
    later = control.assign(status="insurgent")
    fig, axes = control_small_multiples(
        {"2021-07-07": later, "2021-07-01": control}, boundaries=world, width_in=6, dpi=40
    )
    assert [a.get_title(loc="left").split("\n")[0] for a in axes] == ["1 July 2021", "7 July 2021"]
    # each panel says how many districts in view rest on evidence (none are assumed here)
    assert axes[0].get_title(loc="left").split("\n")[1] == "4 of 4 districts on evidence"
    faces = _by_gid(axes[1], "districts")[0].get_facecolors()
    assert all(
        tuple(f) == pytest.approx(to_rgba(style.STATUS_COLORS["insurgent"])) for f in faces[:3]
    )


def test_public_api_exports_every_figure():
    import geofront.maps
    import geofront.maps.figures

    figures = {
        "control_map",
        "control_small_multiples",
        "siege_map",
        "events_map",
        "timeline_figure",
        "save_figure",
    }
    assert figures <= set(geofront.maps.__all__)
    for name in geofront.maps.__all__:
        assert callable(getattr(geofront.maps, name)), name
    # the old module path keeps working, with the same objects
    for name in figures:
        assert getattr(geofront.maps.figures, name) is getattr(geofront.maps, name)


# --- event colours, stacked events, timeline axis, small-multiples layout --------------

#: Machado, Oliveira & Fernandes (2009) full-severity colour-vision-deficiency matrices, on
#: linear RGB; with the identity, the four ways a reader may see the palette.
_CVD = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}


def _lab(hexes, matrix):
    """CIELAB (D65) of sRGB colours seen through a CVD matrix."""
    c = np.array([to_rgba(h)[:3] for h in hexes])
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lin = np.clip(lin @ matrix.T, 0, 1)
    xyz = (
        lin
        @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    )
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.column_stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]
    )


def test_event_types_have_distinct_colour_blind_safe_colours():
    acled = [
        "Battles",
        "Violence against civilians",
        "Explosions/Remote violence",
        "Riots",
        "Protests",
        "Strategic developments",
    ]
    ucdp = ["State-based conflict", "Non-state conflict", "One-sided violence"]
    assert list(style.EVENT_TYPE_ORDER) == acled + ucdp
    colours = [style.event_type_color(t) for t in acled + ucdp]
    assert len(set(colours)) == 9
    # any two of the nine stay apart (CIELAB distance >= 15, well above the ~2.3 of a
    # just-noticeable difference) for normal vision and the three dichromacies
    for kind, matrix in _CVD.items():
        lab = _lab(colours, matrix)
        d = np.linalg.norm(lab[:, None] - lab[None], axis=-1) + np.eye(9) * 1e9
        assert d.min() >= 15, kind
    # unknown types never take a known type's colour, and two of them on one map differ
    made_up = style.event_type_colors(["Battles", "Type A", "Type B", "Type C"])
    assert made_up["Battles"] == style.EVENT_TYPE_COLORS["Battles"]
    others = [made_up[n] for n in ("Type A", "Type B", "Type C")]
    assert len(set(others)) == 3 and not set(others) & set(colours)
    assert list(made_up) == ["Battles", "Type A", "Type B", "Type C"]


def _legend(fig, ax_index=1):
    return next(a for a in fig.axes[ax_index].artists if a.get_gid() == "legend")


def _city_and_rings():
    from geofront.siege import outskirt_rings

    city = w.cities().rename(columns={"name": "city"}).iloc[[0]]
    rings = outskirt_rings(city, radii_m=(5000.0, 15000.0), sectors=4)
    return city, rings


def test_siege_legend_maps_ucdp_types_onto_acled_types():
    city, rings = _city_and_rings()
    types = ["Battles", "State-based conflict", "One-sided violence", "Explosions/Remote violence"]
    events = w.events_frame(
        [{"x_km": 12 + i, "y_km": 14, "event_type": t} for i, t in enumerate(types)]
    )
    fig, ax = siege_map(city, sectors=rings, events=events, width_in=6, dpi=40)
    swatches = dict(fu.legend_swatches(_legend(fig)))
    # one taxonomy: UCDP's state-based conflict drawn as Battles, one-sided violence as
    # Violence against civilians; the legend says so
    shown = ["Battles", "Violence against civilians", "Explosions/Remote violence"]
    texts = fu.legend_texts(_legend(fig))
    assert [x for x in texts if x in set(types) | set(shown)] == shown
    for t in shown:
        face = to_rgba(swatches[t].get_markerfacecolor())
        assert face == pytest.approx(to_rgba(style.EVENT_TYPE_COLORS[t]))
        (coll,) = [c for c in ax.collections if c.get_gid() == f"events:{t}:insurgent"]
        assert tuple(coll.get_facecolors()[0]) == pytest.approx(face[:3] + (0.85,))
    (battles,) = [c for c in ax.collections if c.get_gid() == "events:Battles:insurgent"]
    assert len(battles.get_offsets()) == 2  # ACLED's battle and UCDP's state-based conflict
    assert any(t.startswith("UCDP conflict shown as Battles") for t in texts)
    # without ACLED rows, UCDP's own types are kept
    only = events[events["event_type"].isin(types[1:3])]
    fig, ax = siege_map(city, sectors=rings, events=only, width_in=6, dpi=40)
    texts = fu.legend_texts(_legend(fig))
    assert "State-based conflict" in texts and "One-sided violence" in texts


def _point_axes():
    """A 4 x 4 inch axes whose UTM metres are typographic points (288 pt = 288 m)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(w.X0, w.X0 + 288)
    ax.set_ylim(w.Y0, w.Y0 + 288)
    return fig, ax


def _events_at(xy_list, **cols):
    n = len(xy_list)
    data = {"event_type": ["Battles"] * n, "fatalities": [0] * n, **cols}
    return gpd.GeoDataFrame(
        data, geometry=[shapely.Point(w.X0 + x, w.Y0 + y) for x, y in xy_list], crs=w.UTM
    )


def test_stacked_events_are_spread_on_a_ring_around_their_place():
    from geofront.maps import points as pn

    fig, ax = _point_axes()
    types = ["Riots", "Explosions/Remote violence", "Battles", "Violence against civilians"]
    events = _events_at([(144, 144)] * 4 + [(40, 40)], event_type=types + ["Battles"])
    pn.plot_events(ax, events, crs=w.UTM)
    # 0-fatality markers are 14 pt² (radius 1.87 pt); 4 on a ring of radius
    # max(0.9 * 1.87 / sin(45°), 1.87 + 2.5) = 4.37 pt, clockwise from north in legend
    # order: Battles north, Violence against civilians east, Explosions south, Riots west
    r = math.sqrt(14.0) / 2 + 2.5
    want = {
        "Battles": [(144, 144 + r), (40, 40)],
        "Violence against civilians": [(144 + r, 144)],
        "Explosions/Remote violence": [(144, 144 - r)],
        "Riots": [(144 - r, 144)],
    }
    for t, pts in want.items():
        (coll,) = _by_gid(ax, f"events:{t}")
        got = sorted(map(tuple, np.asarray(coll.get_offsets()) - [w.X0, w.Y0]))
        np.testing.assert_allclose(got, sorted(pts), atol=1e-6)
    (dot,) = _by_gid(ax, "events:stack-places")
    np.testing.assert_allclose(np.asarray(dot.get_offsets()) - [w.X0, w.Y0], [[144, 144]])
    (lines,) = _by_gid(ax, "events:stack-lines")
    assert len(lines.get_segments()) == 4
    assert not [t for t in ax.texts if t.get_gid() == "events:stack-count"]
    # the input is not modified, and the same call draws the same ring
    assert events.geometry.iloc[0].equals(shapely.Point(w.X0 + 144, w.Y0 + 144))


def test_a_big_stack_stays_in_place_with_a_count_label():
    from geofront.maps import points as pn

    fig, ax = _point_axes()
    events = _events_at([(100, 100)] * 10 + [(200, 200)] * 3)
    pn.plot_events(ax, events, crs=w.UTM, max_spread=8)
    counts = [t.get_text() for t in ax.texts if t.get_gid() == "events:stack-count"]
    assert counts == ["×10"]
    offsets = np.asarray(_by_gid(ax, "events:Battles")[0].get_offsets()) - [w.X0, w.Y0]
    assert int((np.hypot(*(offsets - 100).T) < 1e-9).sum()) == 10  # in place
    d200 = np.hypot(*(offsets - 200).T)
    assert int(((d200 > 1) & (d200 < 10)).sum()) == 3  # spread around (200, 200)
    fig2, ax2 = _point_axes()
    pn.plot_events(ax2, events, crs=w.UTM, spread_stacks=False)
    assert not [t for t in ax2.texts if t.get_gid() == "events:stack-count"]


def test_siege_map_spreads_events_at_the_city_around_its_marker():
    city, rings = _city_and_rings()  # city at (10, 10) km
    events = w.events_frame(
        [
            {"x_km": 10, "y_km": 10, "date": pd.Timestamp("2021-07-01")},
            {"x_km": 10, "y_km": 10, "date": pd.Timestamp("2021-07-02")},
            {"x_km": 10, "y_km": 10, "event_type": "Riots", "date": pd.Timestamp("2021-07-03")},
            {"x_km": 14, "y_km": 10, "date": pd.Timestamp("2021-06-01")},  # outside the window
        ]
    )
    fig, ax = siege_map(
        city, sectors=rings, events=events, as_of="2021-07-03", window_days=7, width_in=6, dpi=40
    )
    (dot,) = _by_gid(ax, "events:stack-places")
    np.testing.assert_allclose(np.asarray(dot.get_offsets()), [[0.0, 0.0]], atol=1e-6)
    xy = np.vstack(
        [np.asarray(c.get_offsets()) for c in ax.collections if c.get_gid().startswith("events:B")]
        + [np.asarray(_by_gid(ax, "events:Riots:insurgent")[0].get_offsets())]
    )
    assert len(xy) == 3  # the June event is outside the 7-day window
    # each marker clears the city's square (half-diagonal 7.4 pt): ring radius >= 7.9 pt
    m_per_pt = (ax.get_xlim()[1] - ax.get_xlim()[0]) / (ax.get_window_extent().width * 72 / fig.dpi)
    assert np.hypot(xy[:, 0], xy[:, 1]).min() / m_per_pt > 7.9
    texts = fu.legend_texts(_legend(fig))
    assert "Events at one place" in texts
    assert "3 events, 27 June – 3 July 2021" in texts


def test_events_map_legend_explains_capital_markers(world):
    events = w.events_frame([{"x_km": 12, "y_km": 12}])
    caps = w.cities().rename(columns={"name": "city"})
    fig, ax = events_map(events, boundaries=world, capitals=caps, width_in=6, dpi=40)
    texts = fu.legend_texts(_legend(fig))
    assert "Provincial capital" in texts


def test_timeline_dates_without_offset_and_unknown_left_out_when_it_dominates():
    dates = pd.date_range("2021-05-01", "2021-08-28", freq="7D")
    rows = [
        (d, s, n)
        for d in dates
        for s, n in zip(
            ("government", "contested", "insurgent", "unknown"), (1, 2, 3, 390), strict=True
        )
    ]
    tl = pd.DataFrame(rows, columns=["date", "status", "districts"])
    fig, ax = timeline_figure(tl)
    gids = [c.get_gid() for c in ax.collections if str(c.get_gid()).startswith("timeline:")]
    assert gids == ["timeline:government", "timeline:contested", "timeline:insurgent"]
    assert 6 <= ax.get_ylim()[1] < 10  # 1 + 2 + 3 districts stacked, not 396
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.xaxis.get_ticklabels() if t.get_text()]
    assert ax.xaxis.get_offset_text().get_text() == ""
    assert labels[0].endswith("\n2021") and "Jun" in labels and "Aug" in labels
    assert not any("2021-" in s for s in labels)
    legend = next(a for a in fig.axes[-1].artists if a.get_gid() == "legend")
    assert "390 districts" in fu.legend_texts(legend)
    # asked for, unknown is stacked on top
    fig, ax = timeline_figure(tl, stack_unknown=True)
    assert ax.get_ylim()[1] >= 396


def test_small_multiples_put_the_legend_in_the_empty_cells(world, control):
    controls = {f"2021-07-0{d}": control for d in (1, 2, 3, 4)}
    fig, axes = control_small_multiples(controls, boundaries=world, width_in=10, dpi=30)
    (panel,) = [a for a in fig.axes if a.get_gid() == "legend-panel"]
    last = axes[3].get_position()
    box = panel.get_position()
    # beside the fourth map, on its row, not in a row of its own below the maps
    assert box.x0 > last.x1 and box.y0 == pytest.approx(last.y0, abs=0.02)


# --- stress: any country, any view, many events ------------------------------------


def _map_box_in(fig, ax):
    pos = ax.get_position()
    fw, fh = fig.get_size_inches()
    return pos.width * fw, pos.height * fh


def test_wide_bbox_keeps_its_shape_with_the_legend_in_a_row_below(world, control):
    # a strip 36 km x 4 km: 9:1, the map keeps the most elongated shape allowed (5:1)
    w0, s0 = w.lonlat(2, 18)
    e0, n0 = w.lonlat(38, 22)
    fig, ax = control_map(control, boundaries=world, bbox=(w0, s0, e0, n0), width_in=8, dpi=30)
    mw, mh = _map_box_in(fig, ax)
    assert mw == pytest.approx(8 - 0.6) and mh / mw == pytest.approx(0.2, rel=1e-6)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(0.2, rel=1e-6)
    # the legend sections sit in columns under the map, none beside it
    legends = [a for a in fig.axes if any(c.get_gid() == "legend" for c in a.artists)]
    assert len(legends) == 2  # control and boundaries
    for lg in legends:
        assert lg.get_position().y1 < ax.get_position().y0


def test_tall_bbox_narrows_the_map_instead_of_widening_the_view(world, control):
    # 4 km wide, 36 km tall: 9:1 is shown at the tallest allowed shape, 3:1
    w0, s0 = w.lonlat(18, 2)
    e0, n0 = w.lonlat(22, 38)
    fig, ax = control_map(control, boundaries=world, bbox=(w0, s0, e0, n0), width_in=10, dpi=30)
    mw, mh = _map_box_in(fig, ax)
    assert mh / mw == pytest.approx(3.0, rel=1e-6)
    assert fig.get_size_inches()[0] < 10  # the page narrows with the map
    x0, x1 = ax.get_xlim()
    assert (x1 - x0) == pytest.approx((ax.get_ylim()[1] - ax.get_ylim()[0]) / 3.0)


def test_inset_shows_the_whole_view_box(world, control):
    w0, s0 = w.lonlat(30, 30)
    e0, n0 = w.lonlat(60, 60)  # reaches far beyond the world
    fig, ax = control_map(control, boundaries=world, bbox=(w0, s0, e0, n0), width_in=6, dpi=30)
    inset = next(a for a in fig.axes if any(p.get_gid() == "inset-view" for p in a.patches))
    (box,) = [p for p in inset.patches if p.get_gid() == "inset-view"]
    bx0, by0 = box.get_xy()
    ix0, ix1 = inset.get_xlim()
    iy0, iy1 = inset.get_ylim()
    assert ix0 <= bx0 and bx0 + box.get_width() <= ix1
    assert iy0 <= by0 and by0 + box.get_height() <= iy1


def test_scale_bar_goes_to_the_corner_clear_of_the_country():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 4))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-50_000, 50_000)
    ax.set_ylim(-50_000, 50_000)
    crs = "+proj=aeqd +lat_0=35 +lon_0=63 +datum=WGS84 +units=m"
    # land fills the left half: the bar leaves the lower-left corner for the lower-right
    land = shapely.box(-50_000, -50_000, 0, 50_000)
    bar = fu.add_scale_bar(ax, crs=crs, avoid=land)
    rects = [a for a in bar.artists if a.get_gid() == "scalebar" and hasattr(a, "get_x")]
    assert min(r.get_x() for r in rects) > 0
    # land in the lower half: the upper-left corner
    land = shapely.box(-50_000, -50_000, 50_000, 0)
    bar = fu.add_scale_bar(ax, crs=crs, avoid=land)
    rects = [a for a in bar.artists if a.get_gid() == "scalebar" and hasattr(a, "get_y")]
    assert min(r.get_y() for r in rects) > 0 and min(r.get_x() for r in rects) < 0


def test_more_than_nine_event_types_lump_the_rarest_into_other():
    from geofront.maps.event_maps import lump_event_types

    # 11 types: A has 11 events, B 10, ... K 1
    names = [chr(ord("A") + i) for i in range(11)]
    rows = [
        {"x_km": 1, "y_km": 1, "event_type": n} for i, n in enumerate(names) for _ in range(11 - i)
    ]
    ev = w.events_frame(rows)
    out = lump_event_types(ev)
    kept = set(out["event_type"])
    assert kept == set(names[:8]) | {"Other types (3)"}  # 8 most frequent + I, J, K lumped
    assert (out["event_type"] == "Other types (3)").sum() == 3 + 2 + 1
    assert set(ev["event_type"]) == set(names)  # input untouched
    colours = style.event_type_colors(out["event_type"])
    assert list(colours)[-1] == "Other types (3)"
    assert colours["Other types (3)"] == style.OTHER_EVENT_TYPES_COLOR
    assert len(set(colours.values())) == 9


def test_dense_events_drawn_as_dots_or_density_only(world, monkeypatch):
    from geofront.maps import event_maps

    monkeypatch.setattr(event_maps, "DENSE_EVENTS", 3)
    rows = [{"x_km": 5 + i, "y_km": 5 + i, "fatalities": 40} for i in range(5)]
    ev = w.events_frame(rows)
    fig, ax = events_map(ev, boundaries=world, width_in=6, dpi=30)
    (dots,) = [c for c in ax.collections if c.get_gid() == "events:Battles"]
    assert np.allclose(dots.get_sizes(), 3.0)  # not sized by the 40 fatalities
    texts = fu.legend_texts(_legend(fig))
    assert "one dot per event" in texts and "Size: reported fatalities" not in texts
    fig, ax = events_map(ev, boundaries=world, hexbin=True, hex_size_m=5000, width_in=6, dpi=30)
    assert not [c for c in ax.collections if str(c.get_gid()).startswith("events:")]
    (hb,) = _by_gid(ax, "hexbin")
    assert hb.get_array().sum() == 5
    texts = fu.legend_texts(_legend(fig))
    assert "5 events (density only)" in texts
    assert "Events per hexagon (5 km across)" in texts
    # the key lists the classes with a hexagon, in the log classes 1, 2-3 (five events in
    # hexagons of 2 and 3): no empty class
    breaks = hb.geofront_breaks
    shown = [t for t in texts if t[0].isdigit() and "event" not in t]
    present = {
        int(i) for i in np.searchsorted(breaks, np.asarray(hb.get_array()), side="right") - 1
    }
    assert len(shown) == len(present)


def test_siege_map_beyond_the_population_raster_has_no_population_legend_or_credit(world):
    from geofront import datasets
    from geofront.boundaries import AdminBoundaries
    from geofront.siege import outskirt_rings

    # the synthetic world moved to UTM 37N (39 E, Syria): outside the Afghan raster
    d = world.districts.set_crs("EPSG:32637", allow_override=True)
    p = world.provinces.set_crs("EPSG:32637", allow_override=True)
    moved = AdminBoundaries(d, p, "syria.gpkg")
    city = w.cities().rename(columns={"name": "city"}).iloc[[0]]
    city = city.set_crs("EPSG:32637", allow_override=True)
    rings = outskirt_rings(city, radii_m=(5000.0, 15000.0), sectors=4)
    raster = datasets.get_path("afg-population")
    fig, ax = siege_map(
        city, sectors=rings, population=raster, boundaries=moved, width_in=6, dpi=30
    )
    assert not _by_gid(ax, "population")
    texts = fu.legend_texts(_legend(fig))
    assert not [t for t in texts if t.startswith("Population")]
    attribution = _fig_text(fig, "attribution").replace("\n", " ")
    assert "WorldPop" not in attribution and "geoBoundaries" not in attribution
    assert "Boundaries: syria.gpkg" in attribution
    # the same city in Afghanistan (the world's own UTM 41N) has people around it
    city41 = w.cities().rename(columns={"name": "city"}).iloc[[0]]
    rings41 = outskirt_rings(city41, radii_m=(5000.0, 15000.0), sectors=4)
    fig, ax = siege_map(city41, sectors=rings41, population=raster, width_in=6, dpi=30)
    assert len(_by_gid(ax, "population")) == 1
    assert "Population (WorldPop 2020)" in fu.legend_texts(_legend(fig))
    assert "WorldPop" in _fig_text(fig, "attribution")


def test_siege_notes_corridors_and_no_events():
    from geofront.maps.siege_maps import _corridors_text, _siege_notes, _siege_sections

    assert _corridors_text("0-360") == "all directions"
    assert _corridors_text("") == "none"
    assert _corridors_text("146.25-168.75;258.75-326.25") == "146°–169°, 259°–326° (bearings)"
    long = ";".join(f"{a}-{a + 10}" for a in range(0, 300, 40))
    notes = _siege_notes({"status": "besieged", "open_corridors": long}).notes
    assert all(len(n) <= 40 for n in notes) and notes[0].startswith("Open corridors: ")
    empty = w.events_frame([{"x_km": 1, "y_km": 1}]).iloc[:0]
    secs = _siege_sections(
        status=None,
        secs=None,
        events=empty,
        window=(pd.Timestamp("2021-07-07"), 14),
        control=False,
        population=None,
        radius_m=54_000.0,
    )
    assert secs[-1].notes == ("None within 54 km, 24 June – 7 July 2021",)


def test_siege_map_rejects_a_non_positive_radius():
    city = w.cities().rename(columns={"name": "city"}).iloc[[0]]
    with pytest.raises(InputError, match="positive"):
        siege_map(city, radius_m=0.0, width_in=6, dpi=30)


def test_siege_map_draws_neighbours_named_beyond_the_border(world):
    # a neighbour east of the world (x > 40 km), the city 10 km from the border
    neighbour = gpd.GeoDataFrame(
        {"name": ["Eastland"]},
        geometry=[shapely.box(*w.xy(40, -40), *w.xy(120, 80))],
        crs=w.UTM,
    )
    city = gpd.GeoDataFrame(
        {"city": ["Border Town"]}, geometry=[shapely.Point(w.xy(30, 30))], crs=w.UTM
    )
    fig, ax = siege_map(
        city, boundaries=world, neighbours=neighbour, radius_m=30_000.0, width_in=6, dpi=30
    )
    assert len(_by_gid(ax, "neighbours")) == 1 and len(_by_gid(ax, "country")) == 1
    assert "E A S T L A N D" in [t.get_text() for t in ax.texts]
    assert "Natural Earth" in _fig_text(fig, "attribution").replace("\n", " ")


def test_control_from_other_boundaries_is_refused(world, afghanistan):
    control = world.districts.assign(status="contested")
    # ids 101..202 exist in the bundled set too (101 is Kabul): the polygons tell them apart
    with pytest.raises(InputError, match="only 0 of 4 lie in the district of the same id"):
        control_map(control, boundaries=afghanistan, width_in=6, dpi=30)
    renamed = control.assign(district_id=["X1", "X2", "X3", "X4"])
    with pytest.raises(InputError, match="4 of 4 district ids not in the boundaries"):
        control_map(renamed, boundaries=afghanistan, width_in=6, dpi=30)


def test_timeline_of_a_week_labels_days_and_a_missing_frontline_in_words():
    dates = pd.date_range("2021-07-01", "2021-07-07", freq="2D")
    tl = pd.DataFrame(
        [(d, s, 1) for d in dates for s in ("government", "contested", "insurgent", "unknown")],
        columns=["date", "status", "districts"],
    )
    lengths = pd.DataFrame({"date": dates, "length_km": 0.0})
    fig, ax = timeline_figure(tl, frontline_length=lengths)
    fig.canvas.draw()
    ax2 = fig.axes[1]
    labels = [t.get_text() for t in ax2.xaxis.get_ticklabels() if t.get_text()]
    assert labels[0] == "1 Jul\n2021"  # a day, not the month alone
    assert ax2.get_ylim() == (0.0, 1.0)  # no negative lengths around a flat zero
    assert [t.get_text() for t in ax2.texts] == ["No government–insurgent frontline at any date"]
    lengths = pd.DataFrame({"date": dates, "length_km": [0.0, 10.0, 20.0, 40.0]})
    fig, ax = timeline_figure(tl, frontline_length=lengths)
    assert fig.axes[1].get_ylim() == pytest.approx((0.0, 44.0))


def test_long_province_name_titled_once_and_fitted_to_the_page(world, control):
    from geofront.boundaries import AdminBoundaries

    long = "Northern Highlands and Mountain Valleys Administrative Province"
    d = world.districts.assign(province=world.districts["province"].replace({"North": long}))
    p = world.provinces.assign(province=world.provinces["province"].replace({"North": long}))
    fig, _ = control_map(
        control, boundaries=AdminBoundaries(d, p, "x.gpkg"), province=long, width_in=6, dpi=50
    )
    title = next(t for t in fig.texts if t.get_gid() == "title")
    assert title.get_text() == f"District control, {long}"  # not "... Province province"
    assert 8.0 <= title.get_fontsize() < 13.0
    fig.canvas.draw()
    box = title.get_window_extent()
    assert box.x1 <= fig.bbox.x1 - 0.3 * fig.dpi + 1
    fig, _ = control_map(control, boundaries=world, province="North", width_in=6, dpi=50)
    assert _fig_text(fig, "title") == "District control, North province"


def test_small_multiples_credit_no_places_they_do_not_draw(world, control):
    controls = {"2021-07-01": control, "2021-07-02": control}
    fig, _ = control_small_multiples(
        controls, boundaries=world, sources=("boundaries", "outlines", "places"), width_in=6, dpi=30
    )
    attribution = _fig_text(fig, "attribution").replace("\n", " ")
    assert attribution.startswith("Boundaries: synthetic · Projection")


def test_timeline_steps_and_shades_the_time_after_the_last_evidence():
    # statuses hold from their date to the next; evidence ends on 7 July, the chart on 31
    dates = pd.to_datetime(["2021-07-01", "2021-07-07", "2021-07-31"])
    counts = {"government": (3, 1, 1), "contested": (0, 1, 1), "insurgent": (1, 2, 2)}
    rows = [
        (d, s, counts.get(s, (0, 0, 0))[i], pd.Timestamp("2021-07-07"))
        for i, d in enumerate(dates)
        for s in ("government", "contested", "insurgent", "unknown")
    ]
    tl = pd.DataFrame(rows, columns=["date", "status", "districts", "last_evidence"])
    fig, ax = timeline_figure(tl)
    gov = next(c for c in ax.collections if c.get_gid() == "timeline:government")
    top = gov.get_paths()[0].vertices
    # a step: the government's 3 districts of 1 July hold until the 7th, then drop to 1
    x6 = mdates.date2num(pd.Timestamp("2021-07-06 12:00"))
    before_7 = top[(top[:, 0] > mdates.date2num(dates[0])) & (top[:, 0] < x6)]
    assert before_7.size == 0 or set(before_7[:, 1]) <= {0.0, 3.0}
    assert {3.0, 1.0} <= set(np.round(top[:, 1], 6))
    shade = [p for p in ax.patches if p.get_gid() == "timeline:after-evidence"]
    assert len(shade) == 1
    x0, x1 = shade[0].get_x(), shade[0].get_x() + shade[0].get_width()
    # the last date's state is drawn for one more step, the median spacing of the dates
    # (6 and 24 days: 15), so the chart runs to 15 August and the shade with it
    end = mdates.date2num(pd.Timestamp("2021-08-15"))
    assert (x0, x1) == pytest.approx((mdates.date2num(pd.Timestamp("2021-07-07")), end))
    ins = next(c for c in ax.collections if c.get_gid() == "timeline:insurgent")
    xy = ins.get_paths()[0].vertices
    assert xy[:, 0].max() == pytest.approx(end)
    # over the last step, the insurgents' 2 districts sit on the government's 1 and the
    # contested 1: from 2 to 4
    last = xy[xy[:, 0] > mdates.date2num(dates[-1]) + 1]
    assert set(np.round(last[:, 1], 6)) <= {2.0, 4.0} and len(last) > 0
    assert ax.get_xlim()[1] == pytest.approx(end)
    label = next(t for t in ax.texts if t.get_gid() == "timeline:after-evidence-label")
    assert label.get_text().startswith("No evidence after 7 Jul")
    # evidence up to the end: nothing shaded
    fig, ax = timeline_figure(tl.assign(last_evidence=pd.Timestamp("2021-07-31")))
    assert not [p for p in ax.patches if p.get_gid() == "timeline:after-evidence"]


def test_statuses_only_the_baseline_assumes_are_drawn_pale_and_counted_apart(world):
    from geofront.control import control_from_events
    from geofront.maps import control_map

    c = control_from_events(None, world, as_of="2021-07-01", baseline="government")
    c.loc["101", ["status", "rule"]] = ["insurgent", "territory_transfer"]
    fig, ax = control_map(c, boundaries=world, graded=False)
    coll = next(x for x in ax.collections if x.get_gid() == "districts")
    faces = coll.get_facecolor()
    ids = list(coll.geofront_ids)
    pale = to_rgba(style.assumed_color("government"))
    for i, d in enumerate(ids):
        want = to_rgba(style.STATUS_COLORS["insurgent"]) if d == "101" else pale
        assert tuple(faces[i]) == pytest.approx(want)
    legend = next(a for a in fig.axes[-1].artists if a.get_gid() == "legend")
    texts = fu.legend_texts(legend)
    assert not [t for t in texts if t.startswith("Government control (0")]  # not drawn
    assert f"Government control ({style.ASSUMED_LABEL}, 3)" in texts
    assert "Insurgent control (1)" in texts and "4 districts" in texts
    assert style.ASSUMED_NOTE[0] in texts


def test_ucdp_events_have_no_initiator_on_the_map(world):
    from geofront.maps import events_map
    from geofront.sides import NO_INITIATOR, initiator_side

    ev = w.events_frame(
        [
            {"x_km": 10, "y_km": 30, "source_dataset": "acled"},
            {"x_km": 30, "y_km": 30, "source_dataset": "ucdp", "side1": "government"},
        ]
    )
    assert initiator_side(ev).tolist() == ["insurgent", NO_INITIATOR]
    fig, ax = events_map(ev, boundaries=world, color_by="initiator", sources=())
    gids = {c.get_gid() for c in ax.collections}
    assert f"events:{NO_INITIATOR}" in gids and "events:insurgent" in gids
    assert "events:government" not in gids  # UCDP's side_a is not an initiator
    legend = next(a for a in fig.axes[-1].artists if a.get_gid() == "legend")
    texts = fu.legend_texts(legend)
    assert "Events by initiating side" in texts and NO_INITIATOR in texts


def test_timeline_draws_what_the_baseline_assumes_pale():
    rows = [
        ("2021-07-01", "government", 4, 3),
        ("2021-07-01", "insurgent", 0, 0),
        ("2021-07-07", "government", 3, 2),
        ("2021-07-07", "insurgent", 1, 0),
    ]
    tl = pd.DataFrame(rows, columns=["date", "status", "districts", "assumed_districts"])
    fig, ax = timeline_figure(tl)
    gids = [c.get_gid() for c in ax.collections if str(c.get_gid()).startswith("timeline:")]
    assert gids == ["timeline:government", "timeline:government:assumed", "timeline:insurgent"]
    pale = next(c for c in ax.collections if c.get_gid() == "timeline:government:assumed")
    assert tuple(pale.get_facecolor()[0]) == pytest.approx(
        to_rgba(style.assumed_color("government"))
    )
    # the legend lists what is drawn: no contested, no unknown
    legend = next(a for a in fig.axes[-1].artists if a.get_gid() == "legend")
    texts = " ".join(fu.legend_texts(legend))
    assert "Contested" not in texts and style.ASSUMED_LABEL in texts


# --- drawing into a caller's Axes (ax=) -------------------------------------------------


def test_maps_draw_into_a_given_axes(world, control, frontlines):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 5))
    left, right = fig.subplots(1, 2)
    got_fig, got_ax = control_map(
        control, boundaries=world, frontlines=frontlines, capitals=False, ax=left
    )
    assert got_fig is fig and got_ax is left
    assert len(fig.axes) == 2  # no legend panel, no inset: the caller's layout is kept
    coll = _by_gid(left, "districts")[0]
    faces = dict(zip(coll.geofront_ids, coll.get_facecolors(), strict=True))
    assert tuple(faces["101"][:3]) == pytest.approx(to_rgba(style.STATUS_COLORS["government"])[:3])
    assert _by_gid(left, "frontline:government-insurgent")
    # the title on the Axes, the sources under it, nothing written on the figure
    assert left.get_title(loc="left").startswith("District control")
    credit = _by_gid(left, "attribution")[0].get_text()
    assert "Projection: " in credit and "geofront" in credit
    assert not fig.texts
    # the map keeps true shapes: equal aspect, the view grown to the Axes' shape
    assert left.get_aspect() == 1.0
    x0, x1 = left.get_xlim()
    y0, y1 = left.get_ylim()
    box = left.get_position()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(box.height * 5 / (box.width * 12), rel=1e-6)
    # the events map draws into an Axes too
    events = _events_at([(10_000, 30_000), (30_000, 30_000)])  # in 101 and 102
    assert events_map(events, boundaries=world, capitals=False, ax=right)[1] is right
    assert _by_gid(right, "districts") and right.get_title(loc="left")
    assert len(fig.axes) == 2 and not fig.texts
