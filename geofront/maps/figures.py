"""Whole figures: control, siege and events maps, timeline, small multiples; saving.

Every ``*_map`` function takes frames that are already computed (a control table,
frontline lines, a siege table, events) and returns ``(fig, ax)`` with ``ax`` the map
axes. Nothing is recomputed here, so maps are cheap and testable on synthetic input.

Maps are drawn in a projection chosen for the view (:func:`map_crs_for`): a Lambert
conformal conic with standard parallels at 1/6 and 5/6 of the view's latitude span
(shapes and angles true, scale error under 0.2 % across a country the size of
Afghanistan), or, for a single city, an azimuthal-equidistant projection centred on it
(distances from the city true). Plain longitude/latitude is never used.

The page layout is computed in inches: the map (its aspect set by the view), a panel on
the right (locator inset, legend), the title block above and the source line below, so
nothing overlaps and the figure has no wasted margin. :func:`save_figure` writes PNG, SVG
or PDF atomically, with metadata fixed so the same figure gives the same bytes.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pyproj import CRS, Transformer

from geofront import __version__
from geofront.boundaries import AdminBoundaries
from geofront.crs import WGS84, local_aeqd
from geofront.errors import InputError, OutputError, SchemaError
from geofront.io import atomic_path
from geofront.maps import furniture as fu
from geofront.maps import layers as ly
from geofront.maps import style
from geofront.schema import CONTROL_STATUSES

log = logging.getLogger(__name__)

#: Output formats of :func:`save_figure`, by extension.
FIGURE_EXTENSIONS = (".png", ".svg", ".pdf")
_METADATA: dict[str, dict[str, Any]] = {
    ".png": {"Software": None},
    ".svg": {"Date": None, "Creator": None},
    ".pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}

BBox = tuple[float, float, float, float]


# --- projection and view ----------------------------------------------------------------


def map_crs_for(lonlat_bounds: BBox) -> CRS:
    """Return the map projection for a view given as ``(west, south, east, north)`` degrees.

    A Lambert conformal conic centred on the view with standard parallels at 1/6 and 5/6
    of its latitude span; for views touching the tropics band (|lat| < 5) or crossing the
    equator, where a conic degenerates, an azimuthal equidistant centred on the view.
    """
    w, s, e, n = (float(v) for v in lonlat_bounds)
    lon0, lat0 = (w + e) / 2.0, (s + n) / 2.0
    if s * n <= 0 or min(abs(s), abs(n)) < 5.0:
        return local_aeqd(lon0, lat0)
    span = max(n - s, 0.5)
    lat1, lat2 = lat0 - span / 3.0, lat0 + span / 3.0
    return CRS.from_proj4(
        f"+proj=lcc +lat_1={lat1:.4f} +lat_2={lat2:.4f} +lat_0={lat0:.4f} +lon_0={lon0:.4f} "
        "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def describe_crs(crs: CRS) -> str:
    """One-line human description of a map CRS, for the source line."""
    op = crs.coordinate_operation
    if op is None:
        return crs.name
    p: dict[str, float] = {par.name: float(par.value) for par in op.params}
    if op.method_name.startswith("Lambert Conic Conformal"):
        lat1 = p.get("Latitude of 1st standard parallel", 0.0)
        lat2 = p.get("Latitude of 2nd standard parallel", lat1)
        lon0 = p.get("Longitude of false origin", 0.0)
        ns = "N" if lat1 >= 0 else "S"
        ew = "E" if lon0 >= 0 else "W"
        return (
            f"Lambert conformal conic, standard parallels {abs(lat1):.1f}° and "
            f"{abs(lat2):.1f}° {ns}, central meridian {abs(lon0):.1f}° {ew}"
        )
    if op.method_name.startswith("Azimuthal Equidistant"):
        lat0 = p.get("Latitude of natural origin", 0.0)
        lon0 = p.get("Longitude of natural origin", 0.0)
        return (
            f"Azimuthal equidistant centred on {abs(lat0):.3f}° {'N' if lat0 >= 0 else 'S'}, "
            f"{abs(lon0):.3f}° {'E' if lon0 >= 0 else 'W'}"
        )
    return crs.name


@dataclass
class _Page:
    fig: Figure
    ax: Axes
    panel: Axes
    inset: Axes | None
    view: BBox
    left_in: float
    bottom_in: float
    width_in: float
    map_w_in: float


def _fit_view(view: BBox, aspect: float) -> BBox:
    """Grow ``view`` (never shrink) to the height/width ratio ``aspect``."""
    x0, y0, x1, y1 = view
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if h / w < aspect:
        h = w * aspect
    else:
        w = h / aspect
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _page(
    view: BBox,
    *,
    width_in: float,
    panel_in: float = 2.45,
    inset: bool,
    inset_aspect: float = 0.75,
    min_height_in: float = 5.6,
    max_aspect: float = 1.3,
) -> _Page:
    left, right, gap, top, bottom = 0.3, 0.3, 0.25, 0.8, 0.62
    map_w = width_in - left - right - gap - panel_in
    aspect = (view[3] - view[1]) / (view[2] - view[0])
    aspect = min(max(aspect, (min_height_in - top - bottom) / map_w), max_aspect)
    view = _fit_view(view, aspect)
    map_h = map_w * aspect
    height = top + map_h + bottom
    fig = Figure(figsize=(width_in, height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((left / width_in, bottom / height, map_w / width_in, map_h / height))
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(style.WATER)
    for sp in ax.spines.values():
        sp.set_edgecolor(style.TEXT)
        sp.set_linewidth(0.8)
        sp.set_zorder(Z_FRAME)
    px = left + map_w + gap
    inset_ax = None
    legend_top = top
    if inset:
        ih = min(panel_in * inset_aspect, 1.9)
        inset_ax = fig.add_axes(
            (px / width_in, 1 - (top + ih) / height, panel_in / width_in, ih / height)
        )
        legend_top = top + ih + 0.25
    panel = fig.add_axes(
        (
            px / width_in,
            bottom / height,
            panel_in / width_in,
            max(0.1, height - legend_top - bottom) / height,
        )
    )
    panel.set_axis_off()
    return _Page(fig, ax, panel, inset_ax, view, left, bottom, width_in, map_w)


Z_FRAME = 10.0


def _pad(bounds: BBox, frac: float) -> BBox:
    w, h = bounds[2] - bounds[0], bounds[3] - bounds[1]
    d = frac * max(w, h)
    return (bounds[0] - d, bounds[1] - d, bounds[2] + d, bounds[3] + d)


def _projected_bounds(geom: Any, src: Any, dst: CRS) -> BBox:
    dense = shapely.segmentize(geom, max_segment_length=0.05) if src == WGS84 else geom
    g = gpd.GeoSeries([dense], crs=src).to_crs(dst)
    b = g.total_bounds
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _lonlat_bounds(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> BBox:
    b = frame.to_crs(WGS84).total_bounds
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _units_per_px(page: _Page, dpi: float) -> float:
    return (page.view[2] - page.view[0]) / (page.map_w_in * dpi)


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def select_province(provinces: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """Return the one-row frame of the province named (or with id) ``name``.

    Matching ignores case, spaces and punctuation. Unknown names raise a one-line
    :class:`~geofront.errors.InputError` listing the closest names.
    """
    key = _normalise(name)
    names = provinces["province"].astype(str)
    ids = provinces["province_id"].astype(str) if "province_id" in provinces else names
    hit = (names.map(_normalise) == key).to_numpy() | (ids.map(_normalise) == key).to_numpy()
    if hit.sum() == 1:
        return provinces[hit]
    choices = sorted(set(names))
    close = difflib.get_close_matches(str(name), choices, n=4, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"choose one of {', '.join(choices)}"
    raise InputError(f"unknown province {name!r}: {hint}")


def _check_bbox(bbox: Sequence[float]) -> BBox:
    if len(bbox) != 4:
        raise InputError(f"bbox needs 4 numbers west,south,east,north; got {len(bbox)}")
    w, s, e, n = (float(v) for v in bbox)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InputError(
            f"bbox {w},{s},{e},{n} is not west,south,east,north in degrees "
            "(west < east, south < north)"
        )
    return (w, s, e, n)


# --- bundled context layers -------------------------------------------------------------


def bundled_context() -> dict[str, gpd.GeoDataFrame]:
    """Return the bundled context layers for Afghanistan maps.

    Returns
    -------
    dict
        ``neighbours``: Natural Earth countries around Afghanistan, Afghanistan itself
        removed (its AIMS outline comes from the districts); ``capitals``: the 34
        provincial capitals (:func:`geofront.places.read_cities`, column ``city``).
        Both EPSG:4326.
    """
    from geofront import datasets
    from geofront.io import read_vector
    from geofront.places import read_cities

    nb = read_vector(datasets.get_path("afg-neighbours"), what="bundled neighbours")
    if "is_afghanistan" in nb.columns:
        nb = nb[~nb["is_afghanistan"].astype(bool)]
    return {"neighbours": nb, "capitals": read_cities()}


# --- control map ------------------------------------------------------------------------


def _control_districts(
    control: gpd.GeoDataFrame, boundaries: AdminBoundaries | None
) -> gpd.GeoDataFrame:
    if "status" not in control.columns or "district_id" not in control.columns:
        raise SchemaError(
            "control table needs columns district_id and status (output of control_from_events)"
        )
    if boundaries is not None:
        base = boundaries.districts
        status = control.drop_duplicates("district_id").set_index("district_id")["status"]
        out = base[["district_id", "district", "province_id", "province", base.geometry.name]]
        out = out.assign(status=base["district_id"].map(status).to_numpy())
        return out
    if not isinstance(control, gpd.GeoDataFrame) or control.geometry.name not in control:
        raise SchemaError(
            "control table has no geometry: pass boundaries= so districts can be drawn"
        )
    return control


def _provinces_of(
    districts: gpd.GeoDataFrame, boundaries: AdminBoundaries | None, tol: float, crs: CRS
) -> gpd.GeoDataFrame:
    if boundaries is not None:
        return boundaries.provinces
    d = districts.to_crs(crs)
    geoms = shapely.simplify(np.asarray(d.geometry.array, dtype=object), tol)
    codes, uniq = pd.factorize(d["province_id"].astype(str), sort=True)
    polys = [shapely.union_all(geoms[codes == i]) for i in range(len(uniq))]
    names = d.groupby(d["province_id"].astype(str))["province"].first()
    return gpd.GeoDataFrame(
        {"province_id": list(uniq), "province": names.loc[list(uniq)].to_numpy()},
        geometry=polys,
        crs=crs,
    )


@dataclass
class _ControlScene:
    districts: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    focus: gpd.GeoDataFrame | None  # selected province (or None)
    bbox: BBox | None
    crs: CRS
    view: BBox
    place: str


def _control_scene(
    control: gpd.GeoDataFrame,
    boundaries: AdminBoundaries | None,
    province: str | None,
    bbox: Sequence[float] | None,
) -> _ControlScene:
    if province is not None and bbox is not None:
        raise InputError("give either a province or a bbox, not both")
    districts = _control_districts(control, boundaries)
    if len(districts) == 0:
        raise InputError("control table is empty: nothing to map")
    provs = boundaries.provinces if boundaries is not None else None
    focus = None
    box = None
    if province is not None:
        if provs is None:
            provs = districts.dissolve(by="province_id", as_index=False)[
                ["province_id", "province", districts.geometry.name]
            ]
        focus = select_province(provs, province)
        ll = _lonlat_bounds(focus)
        place = f"{focus['province'].iloc[0]} province"
    elif bbox is not None:
        box = _check_bbox(bbox)
        inside = districts.to_crs(WGS84).intersects(shapely.box(*box))
        if not inside.any():
            raise InputError(
                f"bbox {','.join(f'{v:g}' for v in box)} contains no district: check it is "
                "west,south,east,north in degrees and overlaps the boundaries"
            )
        ll = box
        place = "selected area"
    else:
        ll = _lonlat_bounds(districts)
        name = boundaries.name if boundaries is not None else ""
        place = "Afghanistan" if name == "afghanistan" else (name or "all districts")
    crs = map_crs_for(ll)
    if focus is not None:
        view = _pad(
            _projected_bounds(shapely.union_all(focus.geometry.array), focus.crs, crs), 0.06
        )
    elif box is not None:
        view = _projected_bounds(shapely.box(*box), WGS84, crs)
    else:
        view = _pad(_projected_bounds(shapely.box(*ll), WGS84, crs), 0.015)
    return _ControlScene(districts, provs, focus, box, crs, view, place)  # type: ignore[arg-type]


def _draw_control(
    ax: Axes,
    scene: _ControlScene,
    view: BBox,
    *,
    frontlines: gpd.GeoDataFrame | None,
    neighbours: gpd.GeoDataFrame | None,
    boundaries: AdminBoundaries | None,
    tol: float,
    graticule: bool,
) -> dict[str, Any]:
    crs = scene.crs
    m = 0.15 * max(view[2] - view[0], view[3] - view[1])
    clip = (view[0] - m, view[1] - m, view[2] + m, view[3] + m)
    drawn: dict[str, Any] = {"region_labels": []}
    if neighbours is not None and len(neighbours):
        _, anchors = ly.plot_neighbours(ax, neighbours, crs=crs, view=view, simplify_m=tol)
        drawn["region_labels"] = anchors
    grat = None
    if graticule:
        grat = ly.plot_graticule(ax, crs=crs, view=view, lonlat_bounds=_view_lonlat(view, crs))
    drawn["graticule"] = grat
    coll = ly.plot_districts(ax, scene.districts, crs=crs, simplify_m=tol, clip=clip)
    coll.geofront_ids = scene.districts["district_id"].astype(str).tolist()  # type: ignore[attr-defined]
    drawn["districts"] = coll
    provinces = _provinces_of(scene.districts, boundaries, tol, crs)
    ly.plot_outlines(ax, provinces, crs=crs, gid="provinces", simplify_m=tol, clip=clip)
    pm = provinces.to_crs(crs)
    outline = shapely.union_all(shapely.simplify(np.asarray(pm.geometry.array, dtype=object), tol))
    ly.plot_outlines(
        ax,
        gpd.GeoSeries([outline], crs=crs),
        crs=crs,
        gid="country",
        color=style.COUNTRY_EDGE,
        linewidth=1.1,
        clip=clip,
    )
    if scene.focus is not None:
        fg = shapely.union_all(scene.focus.to_crs(crs).geometry.array)
        ly.plot_veil(ax, fg, view=view)
        ly.plot_outlines(
            ax,
            gpd.GeoSeries([fg], crs=crs),
            crs=crs,
            gid="focus",
            color=style.TEXT,
            linewidth=1.6,
            zorder=ly.Z["country"] + 0.05,
        )
    drawn["provinces"] = pm
    drawn["frontlines"] = (
        ly.plot_frontlines(ax, frontlines, crs=crs) if frontlines is not None else {}
    )
    return drawn


def _view_lonlat(view: BBox, crs: CRS) -> BBox:
    inv = Transformer.from_crs(crs, WGS84, always_xy=True)
    xs = np.linspace(view[0], view[2], 21)
    ys = np.linspace(view[1], view[3], 21)
    gx, gy = np.meshgrid(xs, ys)
    lon, lat = inv.transform(gx.ravel(), gy.ravel())
    return (float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat)))


def _graticule_labels(ax: Axes, grat: Any) -> None:
    if grat is None:
        return
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for kind, value, pos in grat.geofront_ticks:
        if kind == "lon":
            hemi = "E" if value >= 0 else "W"
            ax.text(
                (pos - x0) / (x1 - x0),
                -0.008,
                f"{abs(value):g}°{hemi}",
                transform=ax.transAxes,
                ha="center",
                va="top",
                fontsize=6,
                color=style.MUTED_TEXT,
                gid="graticule-label",
            )
        else:
            hemi = "N" if value >= 0 else "S"
            ax.text(
                -0.006,
                (pos - y0) / (y1 - y0),
                f"{abs(value):g}°{hemi}",
                transform=ax.transAxes,
                ha="right",
                va="center",
                fontsize=6,
                rotation=90,
                color=style.MUTED_TEXT,
                gid="graticule-label",
            )


def _capital_layer(
    ax: Axes, capitals: gpd.GeoDataFrame | None, crs: CRS, view: BBox
) -> tuple[Any, list[ly.LabelSpec], bool]:
    if capitals is None or len(capitals) == 0:
        return None, [], False
    pts = capitals.to_crs(crs)
    xy = shapely.get_coordinates(pts.geometry.array)
    inside = (
        (xy[:, 0] > view[0]) & (xy[:, 0] < view[2]) & (xy[:, 1] > view[1]) & (xy[:, 1] < view[3])
    )
    caps = capitals[inside]
    if len(caps) == 0:
        return None, [], False
    coll = ly.plot_capitals(ax, caps, crs=crs)
    name_col = next((c for c in ("city", "capital", "name") if c in caps.columns), None)
    pop = (
        pd.to_numeric(caps["population"], errors="coerce").fillna(0).to_numpy()
        if "population" in caps.columns
        else np.zeros(len(caps))
    )
    specs = []
    if name_col is not None:
        cxy = xy[inside]
        for i, name in enumerate(caps[name_col].astype(str)):
            size = 9.0 if pop[i] >= 1e6 else 8.0 if pop[i] >= 2.5e5 else 7.0
            specs.append(
                ly.LabelSpec(cxy[i, 0], cxy[i, 1], name, "point", -float(pop[i]), fontsize=size)
            )
    return coll, specs, "status" in caps.columns


def _sources_line(sources: Sequence[str], crs: CRS, extra: Sequence[str] = ()) -> str:
    return fu.attribution_text(
        sources, extra=[*extra, f"Projection: {describe_crs(crs)}", f"Map: geofront {__version__}"]
    )


def control_map(
    control: gpd.GeoDataFrame,
    *,
    boundaries: AdminBoundaries | None = None,
    frontlines: gpd.GeoDataFrame | None = None,
    capitals: gpd.GeoDataFrame | None = None,
    neighbours: gpd.GeoDataFrame | None = None,
    province: str | None = None,
    bbox: Sequence[float] | None = None,
    as_of: Any = None,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries", "outlines", "places"),
    label_districts: bool | None = None,
    width_in: float = 10.0,
    dpi: float = 200.0,
) -> tuple[Figure, Axes]:
    """Map districts by control status, with frontlines, capitals and full furniture.

    Parameters
    ----------
    control : GeoDataFrame
        Control table (:data:`geofront.schema.CONTROL_COLUMNS` + district polygons), e.g.
        from :func:`geofront.control.control_from_events`. Any CRS. Districts of
        ``boundaries`` missing from it are shown as ``no data``.
    boundaries : AdminBoundaries, optional
        The full district/province set: gives province borders and ``no data``
        districts; without it provinces are dissolved from ``control``.
    frontlines : GeoDataFrame, optional
        Line geometries with a ``frontline_class`` (or ``class``) column
        (:func:`geofront.frontline.frontline_lines`).
    capitals : GeoDataFrame, optional
        City points with a name column (``city``), optionally a siege ``status`` column
        (:func:`geofront.siege.siege_status` values): marked and labelled without overlaps.
    neighbours : GeoDataFrame, optional
        Surrounding countries (``name`` column) drawn in grey with their names
        (:func:`bundled_context` gives Afghanistan's).
    province : str, optional
        Zoom on one province (name or id; the rest is veiled and a locator inset added).
    bbox : (west, south, east, north), optional
        Zoom on a box in degrees.
    as_of : date-like, optional
        Date of the data, stamped under the title (default: ``control.attrs["as_of"]``).
    title : str, optional
        Default ``"District control, <place>"``.
    sources : sequence of str
        Credit keys of :data:`geofront.maps.furniture.CREDITS` or literal credit lines.
    label_districts : bool, optional
        Label district names; default when the view holds at most 40 districts.
    width_in : float
        Figure width in inches; the height follows the view's shape.
    dpi : float
        Output resolution the figure is meant for: geometry is simplified to half a
        pixel at this resolution (invisible) for speed and small files.

    Returns
    -------
    (Figure, Axes)
        The map axes' artists carry gids: ``districts`` (its ``geofront_ids`` attribute
        lists the district id of each path), ``frontline:<class>``, ``capitals``,
        ``provinces``, ``country``, ``neighbours``, ``legend`` (in the panel axes),
        ``title``/``subtitle``/``attribution`` (figure texts). ``ax.geofront_crs`` is the
        map CRS (:func:`map_crs_for` of the view).
    """
    with style.map_style():
        scene = _control_scene(control, boundaries, province, bbox)
        zoomed = scene.focus is not None or scene.bbox is not None
        has_caps = capitals is not None and len(capitals) > 0
        sections = [
            fu.status_section(
                counts=_status_counts(scene),
                title="District control" + (" (districts in selection)" if zoomed else ""),
            )
        ]
        if frontlines is not None:
            col = ly.frontline_class_column(frontlines)
            present = set(frontlines[col].astype(str)) if col in frontlines.columns else set()
            sections.append(fu.frontline_section(sorted(present | set(style.FRONTLINE_STYLES))))
        sections.append(_boundary_section(zoomed=scene.focus is not None))
        if has_caps:
            assert capitals is not None
            sections.append(
                fu.siege_section() if "status" in capitals.columns else _plain_capital_section()
            )
        inset = zoomed and boundaries is not None
        need = fu.legend_height_in(sections) + (2.1 if inset else 0.0) + 1.5
        page = _page(scene.view, width_in=width_in, inset=inset, min_height_in=max(5.6, need))
        view = page.view
        ax = page.ax
        ax.geofront_crs = scene.crs  # type: ignore[attr-defined]
        tol = 0.5 * _units_per_px(page, dpi)
        drawn = _draw_control(
            ax,
            scene,
            view,
            frontlines=frontlines,
            neighbours=neighbours,
            boundaries=boundaries,
            tol=tol,
            graticule=True,
        )
        caps, cap_specs, _ = _capital_layer(ax, capitals, scene.crs, view)
        bar = fu.add_scale_bar(ax, crs=scene.crs)
        arrow = fu.add_north_arrow(ax, crs=scene.crs)
        _graticule_labels(ax, drawn["graticule"])
        specs = list(cap_specs)
        specs += [
            ly.LabelSpec(x, y, n, "region", 1e12 + i)
            for i, (x, y, n) in enumerate(drawn["region_labels"])
        ]
        specs += _area_labels(scene, view, label_districts)
        renderer = page.fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [bar.window_extent(renderer)] + [a.get_window_extent(renderer) for a in arrow]
        markers = ly.marker_boxes(ax, caps, size_pt=6.5) if caps is not None else []
        ly.place_labels(ax, specs, obstacles=obstacles, markers=markers)
        fu.build_legend(page.panel, sections)
        if page.inset is not None and boundaries is not None:
            fu.add_inset_locator(page.inset, boundaries.provinces, crs=scene.crs, view=view)
        stamp = as_of if as_of is not None else control.attrs.get("as_of")
        subtitle = fu.as_of_text(stamp) if stamp is not None else None
        fu.add_title_block(
            page.fig,
            title or f"District control, {scene.place}",
            subtitle,
            x_in=page.left_in,
            top_in=0.2,
        )
        fu.add_attribution(
            page.fig,
            _sources_line(sources, scene.crs),
            x_in=page.left_in,
            y_in=page.bottom_in - 0.2,
            width_in=page.width_in - 2 * page.left_in,
        )
    return page.fig, ax


def _area_labels(scene: _ControlScene, view: BBox, label: bool | None) -> list[ly.LabelSpec]:
    d = scene.districts.to_crs(scene.crs)
    box = shapely.box(*view)
    specs: list[ly.LabelSpec] = []
    if scene.focus is not None:
        sel = d["province_id"].astype(str).isin(scene.focus["province_id"].astype(str))
        focus_d = d[sel.to_numpy()]
    else:
        focus_d = d[shapely.intersects(np.asarray(d.geometry.array, dtype=object), box)]
    if label is None:
        label = len(focus_d) <= 40
    if label:
        pts = [ly.label_point(g) for g in focus_d.geometry.array]
        area = shapely.area(np.asarray(focus_d.geometry.array, dtype=object))
        for i, name in enumerate(focus_d["district"].astype(str)):
            specs.append(ly.LabelSpec(pts[i].x, pts[i].y, name, "area", 1e6 - area[i] / 1e9))
    if scene.focus is not None or scene.bbox is not None:
        pm = scene.provinces.to_crs(scene.crs) if scene.provinces is not None else None
        if pm is not None:
            keep = (
                ~pm["province_id"]
                .astype(str)
                .isin(scene.focus["province_id"].astype(str) if scene.focus is not None else [])
                .to_numpy()
            )
            inner = shapely.intersection(np.asarray(pm.geometry.array, dtype=object), box)
            va = (view[2] - view[0]) * (view[3] - view[1])
            for i in np.flatnonzero(keep).tolist():
                if shapely.area(inner[i]) > 0.04 * va:
                    p = ly.label_point(ly._largest_part(inner[i]))
                    specs.append(
                        ly.LabelSpec(p.x, p.y, str(pm["province"].iloc[i]), "province", 1e9 + i)
                    )
    return specs


def _status_counts(scene: _ControlScene) -> dict[str, int]:
    d = scene.districts
    if scene.focus is not None:
        d = d[d["province_id"].astype(str).isin(scene.focus["province_id"].astype(str)).to_numpy()]
    elif scene.bbox is not None:
        d = d[d.to_crs(WGS84).intersects(shapely.box(*scene.bbox)).to_numpy()]
    st = d["status"].astype("string").fillna(style.NO_DATA)
    st = st.where(st.isin(CONTROL_STATUSES), style.NO_DATA)
    counts = st.value_counts()
    return {s: int(counts.get(s, 0)) for s in style.STATUS_ORDER}


def _boundary_section(*, zoomed: bool) -> fu.LegendSection:
    entries = [
        fu.LegendEntry(
            "International border", "line", {"color": style.COUNTRY_EDGE, "linewidth": 1.1}
        ),
        fu.LegendEntry("Province border", "line", {"color": style.PROVINCE_EDGE, "linewidth": 0.7}),
    ]
    if zoomed:
        entries.insert(
            0, fu.LegendEntry("Selected province", "line", {"color": style.TEXT, "linewidth": 1.6})
        )
    return fu.LegendSection("Boundaries", tuple(entries))


def _plain_capital_section() -> fu.LegendSection:
    return fu.LegendSection(
        "Places",
        (
            fu.LegendEntry(
                "Provincial capital",
                "marker",
                {
                    "marker": "s",
                    "facecolor": style.CAPITAL_NO_STATUS_COLOR,
                    "edgecolor": style.TEXT,
                },
            ),
        ),
    )


# --- saving -----------------------------------------------------------------------------


def check_figure_path(path: str | os.PathLike[str]) -> Path:
    """Raise a one-line :class:`OutputError` unless ``path`` can take a figure.

    Checks the extension (PNG, SVG, PDF), that the folder exists and is writable, and that
    the path is not a folder. Call it before long work so a typo fails at once.
    """
    dest = Path(path)
    ext = dest.suffix.lower()
    if ext not in FIGURE_EXTENSIONS:
        raise OutputError(
            f"cannot write {dest}: unsupported extension {ext or '(none)'}; "
            f"use one of {', '.join(FIGURE_EXTENSIONS)}"
        )
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {dest}: folder {folder} does not exist; create it first")
    if dest.is_dir():
        raise OutputError(f"cannot write {dest}: it is a directory; give a file name")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"cannot write {dest}: folder {folder} is not writable")
    return dest


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: float = 200.0) -> Path:
    """Write ``fig`` to ``path`` atomically as PNG, SVG or PDF (chosen by extension).

    Metadata that would change between runs (software version, dates) is left out and
    the SVG id salt is fixed, so the same figure gives byte-identical files.

    Raises
    ------
    OutputError
        Unsupported extension, missing or unwritable folder (nothing is written).
    """
    dest = check_figure_path(path)
    ext = dest.suffix.lower()
    if not (dpi > 0):
        raise OutputError(f"cannot write {dest}: dpi must be positive, got {dpi}")
    with style.map_style(), atomic_path(dest) as tmp:
        try:
            fig.savefig(tmp, dpi=dpi, format=ext[1:], metadata=_METADATA[ext])
        except OSError as exc:
            raise OutputError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    return dest


# --- siege map --------------------------------------------------------------------------


def _hostility_section(max_events: int) -> fu.LegendSection:
    cmap = ly.hostility_cmap()
    bins = _event_bins(max_events)
    entries = [
        fu.LegendEntry(label, "patch", {"facecolor": cmap(v), "edgecolor": "#4d4d4d"})
        for label, v in bins
    ]
    entries.append(
        fu.LegendEntry(
            "Hostile sectors (hostile events, or\nmostly held by the hostile side)",
            "patch",
            {"facecolor": "none", "edgecolor": "#3f007d", "linewidth": 1.6},
        )
    )
    return fu.LegendSection("Rings and sectors", tuple(entries))


def _event_bins(max_events: int) -> list[tuple[str, float]]:
    del max_events
    return [
        ("No hostile event", 0.0),
        ("1 hostile event", 0.3),
        ("2-4 hostile events", 0.65),
        ("5 or more", 1.0),
    ]


def _sector_level(counts: np.ndarray) -> np.ndarray:
    c = np.nan_to_num(np.asarray(counts, dtype=float))
    return np.select([c <= 0, c < 2, c < 5], [0.0, 0.3, 0.65], 1.0)


def siege_map(
    city: gpd.GeoDataFrame,
    *,
    sectors: gpd.GeoDataFrame | None = None,
    status: Mapping[str, Any] | pd.Series | None = None,
    events: gpd.GeoDataFrame | None = None,
    control: gpd.GeoDataFrame | None = None,
    population: str | os.PathLike[str] | None = None,
    radius_m: float | None = None,
    as_of: Any = None,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries", "population", "places"),
    width_in: float = 10.0,
    dpi: float = 200.0,
) -> tuple[Figure, Axes]:
    """Map the siege of one city: rings and sectors, events, control, population.

    Parameters
    ----------
    city : GeoDataFrame
        One point with a ``city`` column (e.g. a row of :func:`geofront.places.read_cities`).
    sectors : GeoDataFrame, optional
        The city's ring x sector table: :func:`geofront.siege.assess_sieges` ``.sectors``
        (shaded by ``hostile_events``, hostile sectors hatched) or plain
        :func:`geofront.siege.outskirt_rings` (outlines only). Rows of other cities are
        ignored (matched on ``city``).
    status : mapping or Series, optional
        The city's row of :func:`geofront.siege.siege_status`: ``status``,
        ``encirclement_index``, ``max_hostile_arc_deg``, ``open_corridors``,
        ``nearest_hostile_m`` are shown in the legend box.
    events : GeoDataFrame, optional
        Events (canonical columns) coloured by ``event_type``, shaped by ``side1``, sized
        by ``fatalities``.
    control : GeoDataFrame, optional
        Control table with district polygons, shown as light status shading and borders.
    population : path, optional
        Population raster (e.g. ``datasets.get_path("afg-population")``) drawn as a muted
        backdrop, read only over the view.
    radius_m : float, optional
        Half-width of the view; default 8 % beyond the outermost ring (30 km without rings).

    Returns
    -------
    (Figure, Axes)
        Artists with gids ``rings``, ``rings:hostile``, ``population``, ``districts``,
        ``events:<type>``, ``city``; legend in the panel.
    """
    if len(city) != 1:
        raise InputError(f"siege_map needs exactly one city, got {len(city)}: select one row")
    name_col = next((c for c in ("city", "capital", "name") if c in city.columns), None)
    name = str(city[name_col].iloc[0]) if name_col else "city"
    pt = city.to_crs(WGS84).geometry.iloc[0]
    crs = local_aeqd(pt.x, pt.y)
    secs = None
    if sectors is not None and len(sectors):
        secs = (
            sectors[sectors["city"].astype(str) == name] if "city" in sectors.columns else sectors
        )
        if len(secs) == 0:
            raise InputError(f"no ring/sector rows for city {name!r}: pass its sectors")
    if radius_m is None:
        radius_m = float(secs["outer_m"].max()) * 1.08 if secs is not None else 30000.0
    view0: BBox = (-radius_m, -radius_m, radius_m, radius_m)
    with style.map_style():
        page = _page(view0, width_in=width_in, inset=False, min_height_in=6.4, max_aspect=1.0)
        ax, view = page.ax, page.view
        ax.geofront_crs = crs  # type: ignore[attr-defined]
        tol = 0.5 * _units_per_px(page, dpi)
        if population is not None:
            ly.plot_population(ax, population, crs=crs, view=view)
        if control is not None and len(control):
            m = 0.2 * (view[2] - view[0])
            clip = (view[0] - m, view[1] - m, view[2] + m, view[3] + m)
            coll = ly.plot_districts(ax, control, crs=crs, simplify_m=tol, clip=clip, linewidth=0.0)
            coll.set_alpha(0.42)
            ly.plot_outlines(
                ax,
                control,
                crs=crs,
                gid="district_edges",
                color="#7a7a7a",
                linewidth=0.6,
                simplify_m=tol,
                clip=clip,
            )
            dm = control.to_crs(crs)
            box = shapely.box(*view)
            inner = shapely.intersection(np.asarray(dm.geometry.array, dtype=object), box)
            area_specs = [
                ly.LabelSpec(p.x, p.y, str(n), "area", 1e6 + i)
                for i, (n, g) in enumerate(zip(dm["district"].astype(str), inner, strict=True))
                if shapely.area(g) > 0.03 * (view[2] - view[0]) ** 2
                for p in [ly.label_point(ly._largest_part(g))]
            ]
        else:
            area_specs = []
        n_hostile_max = 0
        if secs is not None:
            rings = secs.copy()
            if "hostile_events" in rings.columns:
                counts = pd.to_numeric(rings["hostile_events"], errors="coerce").to_numpy()
                rings["level"] = _sector_level(counts)
                n_hostile_max = int(np.nanmax(counts)) if len(counts) else 0
            coll = ly.plot_rings(ax, rings, crs=crs, value_column="level")
            if "hostile" in rings.columns:
                hostile = rings[rings["hostile"].astype(bool).to_numpy()].to_crs(crs)
                if len(hostile):
                    merged = [
                        shapely.union_all(np.asarray(g.geometry.array, dtype=object))
                        for _, g in hostile.groupby("ring_index", sort=True)
                    ]
                    ly.plot_outlines(
                        ax,
                        gpd.GeoSeries(merged, crs=crs),
                        crs=crs,
                        gid="rings:hostile",
                        color="#3f007d",
                        linewidth=1.6,
                        zorder=ly.Z["rings"] + 0.05,
                    )
            del coll
            _ring_labels(ax, secs)
        if events is not None and len(events):
            ly.plot_events(ax, events, crs=crs, color_by="event_type", marker_by="side1")
        ax.scatter(
            [0.0],
            [0.0],
            s=110,
            marker="s",
            c=style.siege_color(None if status is None else str(status.get("status"))),
            edgecolors=style.TEXT,
            linewidths=1.2,
            zorder=ly.Z["events"] - 0.1,
            gid="city",
        )
        bar = fu.add_scale_bar(ax, crs=crs)
        arrow = fu.add_north_arrow(ax, crs=crs)
        renderer = page.fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [bar.window_extent(renderer)] + [a.get_window_extent(renderer) for a in arrow]
        cx, cy = ax.transData.transform((0.0, 0.0))
        half = 7.0 * page.fig.dpi / 72.0
        from matplotlib.transforms import Bbox

        ly.place_labels(
            ax,
            [ly.LabelSpec(0.0, 0.0, name, "point", 0.0, marker_pt=9.0, fontsize=10.0), *area_specs],
            obstacles=obstacles,
            markers=[Bbox.from_extents(cx - half, cy - half, cx + half, cy + half)],
        )
        sections = []
        if status is not None:
            sections.append(_siege_notes(status))
        if secs is not None:
            sections.append(_hostility_section(n_hostile_max))
        if events is not None and len(events):
            sections.extend(_event_sections(events, color_by="event_type", marker_by="side1"))
        if control is not None and len(control):
            sections.append(
                fu.status_section(include_no_data=False, title="District control (shading)")
            )
        if population is not None:
            sections.append(
                fu.LegendSection(
                    "Population (WorldPop 2020)",
                    (
                        fu.LegendEntry("Few people", "patch", {"facecolor": "#f0f0f0"}),
                        fu.LegendEntry("Many people per km²", "patch", {"facecolor": "#5c5c5c"}),
                    ),
                )
            )
        fu.build_legend(page.panel, sections)
        stamp = (
            as_of if as_of is not None else (status.get("as_of") if status is not None else None)
        )
        fu.add_title_block(
            page.fig,
            title or f"Siege of {name}",
            fu.as_of_text(stamp) if stamp is not None else None,
            x_in=page.left_in,
            top_in=0.2,
        )
        srcs = list(sources) + fu.events_credit(events)
        fu.add_attribution(
            page.fig,
            _sources_line(srcs, crs),
            x_in=page.left_in,
            y_in=page.bottom_in - 0.2,
            width_in=page.width_in - 2 * page.left_in,
        )
    return page.fig, ax


def _ring_labels(ax: Axes, secs: gpd.GeoDataFrame) -> None:
    import matplotlib.patheffects as pe

    for r in sorted(set(pd.to_numeric(secs["outer_m"]).tolist())):
        ax.text(
            r * np.sin(np.radians(45)),
            r * np.cos(np.radians(45)),
            f"{r / 1000:g} km",
            fontsize=6.5,
            color="#4d4d4d",
            ha="left",
            va="bottom",
            zorder=ly.Z["labels"],
            path_effects=[pe.withStroke(linewidth=2.0, foreground="white")],
            gid="ring-label",
        )


def _siege_notes(status: Mapping[str, Any] | pd.Series) -> fu.LegendSection:
    st = str(status.get("status", "unknown"))
    notes = []
    ei = status.get("encirclement_index")
    if ei is not None and pd.notna(ei):
        notes.append(f"Encirclement index: {float(ei):.2f}")
    arc = status.get("max_hostile_arc_deg")
    if arc is not None and pd.notna(arc):
        notes.append(f"Longest hostile arc: {float(arc):.0f}°")
    cor = status.get("open_corridors")
    if cor is not None and pd.notna(cor):
        notes.append(f"Open corridors: {_corridors_text(str(cor))}")
    near = status.get("nearest_hostile_m")
    if near is not None and pd.notna(near):
        notes.append(f"Nearest hostile event: {float(near) / 1000:.1f} km")
    entry = fu.LegendEntry(
        f"Status: {st}",
        "marker",
        {
            "marker": "s",
            "facecolor": style.siege_color(st),
            "edgecolor": style.TEXT,
            "markersize": 8,
        },
    )
    return fu.LegendSection("Siege assessment", (entry,), tuple(notes))


def _corridors_text(text: str) -> str:
    if not text:
        return "none"
    parts = []
    for run in text.split(";"):
        a, _, b = run.partition("-")
        try:
            parts.append(f"{float(a):.0f}°–{float(b):.0f}°")
        except ValueError:
            parts.append(run)
    return ", ".join(parts) + " (bearing)"


def _event_sections(
    events: pd.DataFrame, *, color_by: str, marker_by: str | None
) -> list[fu.LegendSection]:
    classes = sorted(set(events[color_by].astype("string").fillna("unknown")))
    side = color_by.startswith("side")
    colour_entries = tuple(
        fu.LegendEntry(
            c,
            "marker",
            {
                "marker": "o",
                "facecolor": style.side_color(c) if side else style.event_type_color(c),
                "edgecolor": "white",
            },
        )
        for c in classes
    )
    out = [fu.LegendSection("Events by side" if side else "Events by type", colour_entries)]
    if marker_by and marker_by in events.columns:
        sides = sorted(set(events[marker_by].astype("string").fillna("unknown")))
        out.append(
            fu.LegendSection(
                "Initiating side (shape)",
                tuple(
                    fu.LegendEntry(
                        s,
                        "marker",
                        {
                            "marker": ly.SIDE_MARKERS.get(s, "o"),
                            "facecolor": "#bdbdbd",
                            "edgecolor": style.TEXT,
                        },
                    )
                    for s in sides
                ),
            )
        )
    if "fatalities" in events.columns:
        sizes = []
        for f in (0, 10, 50):
            area = float(ly.fatality_marker_area([f])[0])
            sizes.append(
                fu.LegendEntry(
                    f"{f} fatalities",
                    "marker",
                    {
                        "marker": "o",
                        "facecolor": "#bdbdbd",
                        "edgecolor": "white",
                        "markersize": np.sqrt(area),
                    },
                )
            )
        out.append(fu.LegendSection("Size: reported fatalities", tuple(sizes)))
    return out


# --- events map -------------------------------------------------------------------------


def _window_text(events: pd.DataFrame, start: Any, end: Any) -> str:
    if start is None and "date" in events.columns and len(events):
        start = pd.to_datetime(events["date"]).min()
    if end is None and "date" in events.columns and len(events):
        col = "date_end" if "date_end" in events.columns else "date"
        end = pd.to_datetime(events[col]).max()
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return ""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    if a.year != b.year:
        return f"{a.day} {a:%B %Y} – {b.day} {b:%B %Y}"
    if a.month != b.month:
        return f"{a.day} {a:%B} – {b.day} {b:%B %Y}"
    if a.day != b.day:
        return f"{a.day}–{b.day} {b:%B %Y}"
    return f"{b.day} {b:%B %Y}"


def events_map(
    events: gpd.GeoDataFrame,
    *,
    boundaries: AdminBoundaries,
    neighbours: gpd.GeoDataFrame | None = None,
    capitals: gpd.GeoDataFrame | None = None,
    color_by: str = "event_type",
    hexbin: bool = False,
    hex_size_m: float | None = None,
    province: str | None = None,
    bbox: Sequence[float] | None = None,
    start: Any = None,
    end: Any = None,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries", "outlines", "places"),
    width_in: float = 10.0,
    dpi: float = 200.0,
) -> tuple[Figure, Axes]:
    """Map events as points coloured by type or side (optionally a hexbin density).

    Parameters
    ----------
    events : GeoDataFrame
        Events with point geometry (canonical columns), any CRS; filter them to the time
        window first: ``start``/``end`` only label it (default: the events' dates).
    boundaries : AdminBoundaries
        Districts and provinces drawn as a neutral base.
    color_by : {"event_type", "side1", "side2"}
    hexbin : bool
        Draw event counts per hexagon under the points; hexagons ``hex_size_m`` across
        (default 1/30 of the view width, rounded).
    province, bbox
        Zoom as in :func:`control_map`.

    Returns
    -------
    (Figure, Axes)
        Gids ``events:<class>``, ``hexbin``, ``districts``...; title carries the window.
    """
    base = boundaries.districts.assign(status="unknown")
    with style.map_style():
        scene = _control_scene(base, boundaries, province, bbox)
        zoomed = scene.focus is not None or scene.bbox is not None
        page = _page(scene.view, width_in=width_in, inset=zoomed)
        ax, view = page.ax, page.view
        ax.geofront_crs = scene.crs  # type: ignore[attr-defined]
        tol = 0.5 * _units_per_px(page, dpi)
        drawn = _draw_control(
            ax,
            scene,
            view,
            frontlines=None,
            neighbours=neighbours,
            boundaries=boundaries,
            tol=tol,
            graticule=True,
        )
        drawn["districts"].set_facecolor("#fafaf8")
        drawn["districts"].set_edgecolor("#dddddd")
        if hexbin and len(events):
            size = hex_size_m or float(fu.nice_length_km((view[2] - view[0]) / 30000.0) * 1000.0)
            hb = ly.plot_hexbin(ax, events, crs=scene.crs, view=view, hex_size_m=size)
            cax = page.fig.add_axes((0, 0, 0.01, 0.01))
            cax.set_visible(False)
            hb.geofront_size_m = size  # type: ignore[attr-defined]
        ly.plot_events(ax, events, crs=scene.crs, color_by=color_by, alpha=0.6 if hexbin else 0.85)
        caps, cap_specs, _ = _capital_layer(ax, capitals, scene.crs, view)
        if caps is not None:  # events stay visible above the capitals' markers
            caps.set_zorder(ly.Z["events"] - 0.1)
        bar = fu.add_scale_bar(ax, crs=scene.crs)
        arrow = fu.add_north_arrow(ax, crs=scene.crs)
        _graticule_labels(ax, drawn["graticule"])
        renderer = page.fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [bar.window_extent(renderer)] + [a.get_window_extent(renderer) for a in arrow]
        specs = list(cap_specs) + [
            ly.LabelSpec(x, y, n, "region", 1e12 + i)
            for i, (x, y, n) in enumerate(drawn["region_labels"])
        ]
        ly.place_labels(
            ax,
            specs,
            obstacles=obstacles,
            markers=ly.marker_boxes(ax, caps, size_pt=6.5) if caps is not None else [],
        )
        sections = _event_sections(events, color_by=color_by, marker_by=None) if len(events) else []
        if hexbin and len(events):
            sections.append(
                fu.LegendSection(
                    "Density",
                    notes=(
                        f"Hexagons {hb.geofront_size_m / 1000:g} km across;",
                        "darker = more events",
                    ),
                )
            )
        sections.append(fu.LegendSection("Events shown", notes=(f"{len(events):,} events",)))
        fu.build_legend(page.panel, sections)
        if page.inset is not None:
            fu.add_inset_locator(page.inset, boundaries.provinces, crs=scene.crs, view=view)
        window = _window_text(events, start, end)
        fu.add_title_block(
            page.fig,
            title or f"Conflict events, {scene.place}",
            window or None,
            x_in=page.left_in,
            top_in=0.2,
        )
        fu.add_attribution(
            page.fig,
            _sources_line(list(sources) + fu.events_credit(events), scene.crs),
            x_in=page.left_in,
            y_in=page.bottom_in - 0.2,
            width_in=page.width_in - 2 * page.left_in,
        )
    return page.fig, ax


# --- timeline and small multiples -------------------------------------------------------


def timeline_figure(
    timeline: pd.DataFrame,
    *,
    frontline_length: pd.DataFrame | None = None,
    title: str | None = None,
    measure: str = "districts",
    width_in: float = 9.0,
    sources: Sequence[str] = ("boundaries",),
) -> tuple[Figure, Axes]:
    """Stacked area of districts per status over time, and frontline length below.

    Parameters
    ----------
    timeline : DataFrame
        Long table with ``date``, ``status`` and ``measure`` columns, one row per date and
        status (:func:`geofront.control.control_timeline`).
    frontline_length : DataFrame, optional
        ``date`` and ``length_km`` columns: drawn as a line in a second panel.
    measure : {"districts", "area_km2", "people"}
        Column stacked.

    Returns
    -------
    (Figure, Axes)
        The stacked-area axes; its PolyCollections have gid ``timeline:<status>`` in legend
        order (bottom: government).
    """
    for col in ("date", "status", measure):
        if col not in timeline.columns:
            raise SchemaError(f"timeline needs columns date, status, {measure}; missing {col!r}")
    if len(timeline) == 0:
        raise InputError("timeline is empty: give at least one date")
    wide = (
        timeline.assign(date=pd.to_datetime(timeline["date"]))
        .pivot_table(index="date", columns="status", values=measure, aggfunc="sum", fill_value=0)
        .sort_index()
    )
    order = list(CONTROL_STATUSES)
    wide = wide.reindex(columns=order, fill_value=0)
    with style.map_style():
        two = frontline_length is not None and len(frontline_length) > 0
        height = 5.6 if two else 4.0
        fig = Figure(figsize=(width_in, height))
        FigureCanvasAgg(fig)
        if two:
            ax = fig.add_axes((0.08, 0.42, 0.66, 0.44))
            ax2 = fig.add_axes((0.08, 0.12, 0.66, 0.22), sharex=ax)
        else:
            ax = fig.add_axes((0.08, 0.16, 0.66, 0.66))
            ax2 = None
        x = wide.index.to_numpy()
        polys = ax.stackplot(
            x,
            *[wide[s].to_numpy(dtype=float) for s in order],
            colors=[style.STATUS_COLORS[s] for s in order],
            edgecolor="white",
            linewidth=0.4,
        )
        for s, p in zip(order, polys, strict=True):
            p.set_gid(f"timeline:{s}")
        ax.set_xlim(x.min(), x.max()) if len(x) > 1 else None
        ax.set_ylabel(
            {"districts": "Districts", "area_km2": "Area (km²)", "people": "People"}[measure]
            if measure in ("districts", "area_km2", "people")
            else measure
        )
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.5)
        ax.set_axisbelow(True)
        for sp in ("top", "right"):
            ax.spines[sp].set_visible(False)
        if two and ax2 is not None and frontline_length is not None:
            fl = frontline_length.assign(date=pd.to_datetime(frontline_length["date"])).sort_values(
                "date"
            )
            ax2.plot(
                fl["date"],
                fl["length_km"],
                color=style.FRONTLINE_STYLES["government-insurgent"]["color"],
                linewidth=1.4,
                marker="o",
                markersize=2.5,
                gid="frontline-length",
            )
            ax2.set_ylabel("Frontline (km)")
            ax2.grid(axis="y", color="#e0e0e0", linewidth=0.5)
            for sp in ("top", "right"):
                ax2.spines[sp].set_visible(False)
            ax.tick_params(labelbottom=False)
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        loc = AutoDateLocator()
        (ax2 or ax).xaxis.set_major_locator(loc)
        (ax2 or ax).xaxis.set_major_formatter(ConciseDateFormatter(loc))
        panel = fig.add_axes((0.77, 0.16, 0.21, 0.7))
        panel.set_axis_off()
        fu.build_legend(panel, [fu.status_section(include_no_data=False)])
        start, end = wide.index.min(), wide.index.max()
        fu.add_title_block(
            fig,
            title or "Districts by control status",
            _window_text(pd.DataFrame({"date": [start, end]}), None, None) or None,
            x_in=0.3,
            top_in=0.15,
        )
        fu.add_attribution(
            fig,
            fu.attribution_text(sources, extra=[f"Chart: geofront {__version__}"]),
            x_in=0.3,
            y_in=0.3,
            width_in=width_in - 0.6,
        )
    return fig, ax


def control_small_multiples(
    controls: Mapping[Any, gpd.GeoDataFrame],
    *,
    boundaries: AdminBoundaries | None = None,
    frontlines: Mapping[Any, gpd.GeoDataFrame] | None = None,
    neighbours: gpd.GeoDataFrame | None = None,
    province: str | None = None,
    bbox: Sequence[float] | None = None,
    ncols: int = 3,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries", "outlines"),
    width_in: float = 10.0,
    dpi: float = 200.0,
) -> tuple[Figure, list[Axes]]:
    """The control map for several dates, side by side, one legend and scale.

    Parameters
    ----------
    controls : mapping
        date -> control table (as for :func:`control_map`), drawn in sorted date order.
    frontlines : mapping, optional
        date -> frontline lines.

    Returns
    -------
    (Figure, list of Axes)
        One map axes per date; each axes title is the date.
    """
    if not controls:
        raise InputError("no control tables given: pass at least one date")
    keys = sorted(controls, key=lambda k: pd.Timestamp(k))
    with style.map_style():
        first = _control_scene(controls[keys[0]], boundaries, province, bbox)
        n = len(keys)
        ncols = max(1, min(ncols, n))
        nrows = int(np.ceil(n / ncols))
        gap, left, top, bottom, legend_h = 0.15, 0.3, 0.75, 0.55, 1.15
        cell_w = (width_in - 2 * left - (ncols - 1) * gap) / ncols
        aspect = min(
            max((first.view[3] - first.view[1]) / (first.view[2] - first.view[0]), 0.55), 1.3
        )
        view = _fit_view(first.view, aspect)
        cell_h = cell_w * aspect
        height = top + nrows * (cell_h + 0.3) + legend_h + bottom
        fig = Figure(figsize=(width_in, height))
        FigureCanvasAgg(fig)
        axes: list[Axes] = []
        tol = 0.5 * (view[2] - view[0]) / (cell_w * dpi)
        for i, k in enumerate(keys):
            r, c = divmod(i, ncols)
            x = left + c * (cell_w + gap)
            y = height - top - (r + 1) * (cell_h + 0.3) + 0.05
            ax = fig.add_axes((x / width_in, y / height, cell_w / width_in, cell_h / height))
            ax.set_xlim(view[0], view[2])
            ax.set_ylim(view[1], view[3])
            ax.set_aspect("equal", adjustable="box")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_facecolor(style.WATER)
            scene = _control_scene(controls[k], boundaries, province, bbox)
            scene.crs, scene.view = first.crs, view
            _draw_control(
                ax,
                scene,
                view,
                frontlines=(frontlines or {}).get(k),
                neighbours=neighbours,
                boundaries=boundaries,
                tol=tol,
                graticule=False,
            )
            ax.set_title(f"{pd.Timestamp(k).day} {pd.Timestamp(k):%B %Y}", fontsize=9, loc="left")
            axes.append(ax)
        fu.add_scale_bar(axes[0], crs=first.crs)
        legend_ax = fig.add_axes(
            (left / width_in, bottom / height, (width_in - 2 * left) / width_in, legend_h / height)
        )
        legend_ax.set_axis_off()
        sections = [fu.status_section(title="District control")]
        if frontlines:
            classes = {
                str(c)
                for f in frontlines.values()
                if len(f) and ly.frontline_class_column(f) in f.columns
                for c in f[ly.frontline_class_column(f)]
            }
            sections.append(fu.frontline_section(sorted(classes | set(style.FRONTLINE_STYLES))))
        _legend_row(legend_ax, sections)
        fu.add_title_block(
            fig, title or f"District control over time, {first.place}", None, x_in=left, top_in=0.15
        )
        fu.add_attribution(
            fig,
            _sources_line(sources, first.crs),
            x_in=left,
            y_in=bottom - 0.12,
            width_in=width_in - 2 * left,
        )
    return fig, axes


def _legend_row(ax: Axes, sections: Sequence[fu.LegendSection]) -> None:
    """Legend sections side by side (for wide, short panels)."""
    n = len(sections)
    for i, sec in enumerate(sections):
        sub = ax.inset_axes((i / n, 0.0, 1.0 / n, 1.0))
        sub.set_axis_off()
        fu.build_legend(sub, [sec])
