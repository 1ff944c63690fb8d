"""Maps on the synthetic world: artists, a few pixel probes, determinism, errors.

The world (tests/world.py): four 20 km squares in UTM 41N; 101 Alpha | 102 Kohistan on
top (province North), 201 Kohistan | 202 Delta below (province South).
"""

from __future__ import annotations

import math

import geopandas as gpd
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


def test_legend_lists_every_status_even_when_empty(world, control, frontlines):
    fig, ax = control_map(control, boundaries=world, frontlines=frontlines, width_in=6, dpi=50)
    legend = next(a for a in fig.axes[1].artists if a.get_gid() == "legend")
    texts = fu.legend_texts(legend)
    # every class in the fixed order, with its count in the view: 1 government,
    # 1 contested, 1 insurgent, 0 unknown (listed although empty), 1 no data (202)
    counts = {"government": 1, "contested": 1, "insurgent": 1, "unknown": 0, "no data": 1}
    labels = [f"{style.STATUS_LABELS[s]} ({counts[s]})" for s in style.STATUS_ORDER]
    assert [t for t in texts if t in labels] == labels
    assert "4 districts" in texts
    assert style.frontline_label("government-insurgent") in texts


def test_title_stamp_and_attribution(world, control):
    fig, ax = control_map(control, boundaries=world, as_of="2021-07-07", width_in=6, dpi=50)
    assert _fig_text(fig, "title") == "District control, synthetic"
    assert _fig_text(fig, "subtitle") == "Data as of 7 July 2021"
    attribution = _fig_text(fig, "attribution").replace("\n", " ")
    assert "geoBoundaries" in attribution and "Lambert conformal conic" in attribution


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
    assert len(coll.get_paths()) == 8
    # sectors with 0 hostile events are left transparent
    coll.update_scalarmappable()
    faces = coll.get_facecolors()
    assert faces[0][3] == 0 and faces[1][3] > 0
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
    assert [p.get_gid() for p in polys] == [f"timeline:{s}" for s in style.STATUS_ORDER[:4]]
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
    assert [a.get_title(loc="left") for a in axes] == ["1 July 2021", "7 July 2021"]
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
