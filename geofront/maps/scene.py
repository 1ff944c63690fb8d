"""The scene of a district map, shared by the control and events maps.

Selection of the view (whole set, a province, a box), the base layers (neighbours,
graticule, districts by class, province and country borders, roads, airports), the
capitals with their labels, the area labels (districts, provinces, neighbours) and the
finishing of a page: scale bar and north arrow in the corners clearest of borders,
labels placed without collisions, legend, title and the credits of what is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from pyproj import CRS

from geofront.boundaries import AdminBoundaries
from geofront.crs import WGS84
from geofront.display import display_name_of, display_names, tidy_name
from geofront.errors import InputError, SchemaError
from geofront.io import VECTOR_EXTENSIONS
from geofront.maps import furniture as fu
from geofront.maps import labels as lb
from geofront.maps import layers as ly
from geofront.maps import legend as lg
from geofront.maps import points as pn
from geofront.maps import style
from geofront.maps.page import Page, renderer_of
from geofront.maps.page import finish_page as finish_page_text
from geofront.maps.style import Z
from geofront.maps.view import (
    BBox,
    _check_bbox,
    _graticule_labels,
    _lonlat_bounds,
    _pad,
    _projected_bounds,
    _view_lonlat,
    bbox_place,
    is_bundled,
    map_crs_for,
    select_province,
)

# --- the districts of a control table ---------------------------------------------------


def control_districts(
    control: gpd.GeoDataFrame, boundaries: AdminBoundaries | None
) -> gpd.GeoDataFrame:
    """The districts to draw: the boundaries' polygons with the table's status, rule and
    zone (``no data`` where the table has no row), and a ``label`` (display name)."""
    if "status" not in control.columns or "district_id" not in control.columns:
        raise SchemaError(
            "control table needs columns district_id and status (output of control_from_events)"
        )
    if boundaries is not None:
        base = boundaries.districts
        ids = control["district_id"].astype(str)
        foreign = ~ids.isin(base["district_id"].astype(str)).to_numpy()
        if foreign.any():
            n = int(foreign.sum())
            raise InputError(
                f"control table has {n} of {len(ids)} district ids not in the boundaries "
                f"{boundaries.name or ''} (e.g. {ids[foreign].iloc[0]!r}): map it with the "
                "boundaries it was made with (--boundaries and its column options)"
            )
        _check_same_districts(control, base, boundaries.name)
        table = control.drop_duplicates("district_id").set_index(
            control.drop_duplicates("district_id")["district_id"].astype(str)
        )
        key = base["district_id"].astype(str)
        out = base[["district_id", "district", "province_id", "province", base.geometry.name]]
        extra = {c: key.map(table[c]).to_numpy() for c in ("status", "rule", "zone") if c in table}
        labels = display_names(boundaries).reindex(key.to_numpy()).to_numpy()
        return out.assign(**extra, label=labels)
    if not isinstance(control, gpd.GeoDataFrame) or control.geometry.name not in control:
        raise SchemaError(
            "control table has no geometry: pass boundaries= so districts can be drawn"
        )
    return control.assign(label=[tidy_name(n, transliteration=False) for n in control["district"]])


def _check_same_districts(control: pd.DataFrame, base: gpd.GeoDataFrame, name: str) -> None:
    """Refuse a control table with polygons that are not the boundaries' districts.

    Ids alone can coincide between unrelated boundary sets (``101`` is Kabul in the
    bundled set and a district of any other numbered set): the point inside each control
    polygon must lie in the boundaries' district of the same id, for most districts.
    """
    if not isinstance(control, gpd.GeoDataFrame) or control.geometry.name not in control:
        return
    ctl = control[control.geometry.notna().to_numpy() & ~control.geometry.is_empty.to_numpy()]
    if len(ctl) == 0 or ctl.crs is None:
        return
    pts = np.asarray(ctl.geometry.to_crs(base.crs).representative_point().array, dtype=object)
    geom = base.drop_duplicates("district_id").set_index(base["district_id"].astype(str))
    own = np.asarray(geom.geometry.loc[ctl["district_id"].astype(str)].array, dtype=object)
    inside = shapely.intersects(own, pts)
    if inside.mean() < 0.5:
        raise InputError(
            f"control table's districts are not those of the boundaries {name or ''}: only "
            f"{int(inside.sum())} of {len(inside)} lie in the district of the same id; map it "
            "with the boundaries it was made with (--boundaries and its column options)"
        )


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


# --- the scene ---------------------------------------------------------------------------


@dataclass
class ControlScene:
    """What a district map shows: districts, provinces, the focus and the view."""

    districts: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame | None
    focus: gpd.GeoDataFrame | None  # selected province (or None)
    bbox: BBox | None
    crs: CRS
    view: BBox
    place: str
    boundaries: AdminBoundaries | None = None

    @property
    def zoomed(self) -> bool:
        """True for a province or box view (not the whole set)."""
        return self.focus is not None or self.bbox is not None

    def in_view(self) -> gpd.GeoDataFrame:
        """The districts counted in the legend: the selected province's, those in the
        box, or all."""
        d = self.districts
        if self.focus is not None:
            keep = d["province_id"].astype(str).isin(self.focus["province_id"].astype(str))
            return d[keep.to_numpy()]
        if self.bbox is not None:
            return d[d.to_crs(WGS84).intersects(shapely.box(*self.bbox)).to_numpy()]
        return d


def control_scene(
    control: gpd.GeoDataFrame,
    boundaries: AdminBoundaries | None,
    province: str | None,
    bbox: Sequence[float] | None,
) -> ControlScene:
    """Select the districts and the view (a province, a box or the whole set)."""
    if province is not None and bbox is not None:
        raise InputError("give either a province or a bbox, not both")
    districts = control_districts(control, boundaries)
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
        name = str(focus["province"].iloc[0])
        shown = display_name_of(boundaries, name) if boundaries is not None else name
        place = province_place(shown)
    elif bbox is not None:
        box = _check_bbox(bbox)
        inside = districts.to_crs(WGS84).intersects(shapely.box(*box))
        if not inside.any():
            raise InputError(
                f"bbox {','.join(f'{v:g}' for v in box)} contains no district: check it is "
                "west,south,east,north in degrees and overlaps the boundaries"
            )
        ll = box
        place = bbox_place(box)
    else:
        ll = _lonlat_bounds(districts)
        place = place_name(boundaries)
    crs = map_crs_for(ll)
    if focus is not None:
        view = _pad(
            _projected_bounds(shapely.union_all(focus.geometry.array), focus.crs, crs), 0.06
        )
    elif box is not None:
        view = _projected_bounds(shapely.box(*box), WGS84, crs)
    else:
        view = _pad(_projected_bounds(shapely.box(*ll), WGS84, crs), 0.015)
    return ControlScene(districts, provs, focus, box, crs, view, place, boundaries)


@dataclass
class Drawn:
    """What :func:`draw_base` drew: artists and what furniture and labels must avoid."""

    districts: Any = None
    graticule: Any = None
    outline: Any = None  # the country outline (map units)
    borders: Any = None  # province and country borders in view (map units), lines
    provinces: gpd.GeoDataFrame | None = None
    frontlines: dict[str, Any] = field(default_factory=dict)
    region_specs: list[lb.LabelSpec] = field(default_factory=list)
    neighbours: bool = False
    airports: Any = None
    roads: bool = False


def draw_base(
    ax: Axes,
    scene: ControlScene,
    view: BBox,
    *,
    frontlines: gpd.GeoDataFrame | None,
    neighbours: gpd.GeoDataFrame | None,
    tol: float,
    graticule: bool,
    graded: bool = False,
    roads: gpd.GeoDataFrame | None = None,
    airports: gpd.GeoDataFrame | None = None,
) -> Drawn:
    """Draw neighbours, graticule, districts by class, borders, roads, frontlines and
    airports on ``ax`` in the scene's CRS."""
    crs = scene.crs
    m = 0.15 * max(view[2] - view[0], view[3] - view[1])
    clip = (view[0] - m, view[1] - m, view[2] + m, view[3] + m)
    drawn = Drawn()
    if neighbours is not None and len(neighbours):
        nb = neighbours.to_crs(crs)
        in_view = shapely.intersects(
            np.asarray(nb.geometry.array, dtype=object), shapely.box(*view)
        )
        if in_view.any():
            _, anchors = ly.plot_neighbours(ax, neighbours, crs=crs, view=view, simplify_m=tol)
            drawn.region_specs = ly.neighbour_label_specs(anchors)
            drawn.neighbours = True
    if graticule:
        drawn.graticule = ly.plot_graticule(
            ax, crs=crs, view=view, lonlat_bounds=_view_lonlat(view, crs)
        )
    coll = ly.plot_districts(ax, scene.districts, crs=crs, graded=graded, simplify_m=tol, clip=clip)
    coll.geofront_ids = scene.districts["district_id"].astype(str).tolist()  # type: ignore[attr-defined]
    drawn.districts = coll
    provinces = _provinces_of(scene.districts, scene.boundaries, tol, crs)
    ly.plot_outlines(ax, provinces, crs=crs, gid="provinces", simplify_m=tol, clip=clip)
    pm = provinces.to_crs(crs)
    parts = shapely.simplify(np.asarray(pm.geometry.array, dtype=object), tol)
    outline = shapely.union_all(parts)
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
            zorder=Z["country"] + 0.05,
        )
    drawn.provinces = pm
    drawn.outline = outline
    drawn.borders = shapely.clip_by_rect(shapely.union_all(shapely.boundary(parts)), *view)
    if roads is not None and len(roads):
        drawn.roads = ly.plot_roads(ax, roads, crs=crs, clip=clip, simplify_m=tol) is not None
    drawn.frontlines = ly.plot_frontlines(ax, frontlines, crs=crs) if frontlines is not None else {}
    if airports is not None and len(airports):
        drawn.airports = pn.plot_airports(ax, airports, crs=crs, view=view)
    return drawn


# --- capitals ----------------------------------------------------------------------------


@dataclass
class Capitals:
    """The capitals drawn: their marker collection, label specs and siege statuses."""

    collection: Any = None
    specs: list[lb.LabelSpec] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


def capital_layer(ax: Axes, capitals: gpd.GeoDataFrame | None, crs: CRS, view: BBox) -> Capitals:
    """Mark the capitals in view (by siege status when given) and make their labels.

    A capital whose siege status is ``no evidence`` is hollow and grey, and so is its
    label (regular weight): nothing is known about it.
    """
    if capitals is None or len(capitals) == 0:
        return Capitals()
    pts = capitals.to_crs(crs)
    xy = shapely.get_coordinates(pts.geometry.array)
    inside = (
        (xy[:, 0] > view[0]) & (xy[:, 0] < view[2]) & (xy[:, 1] > view[1]) & (xy[:, 1] < view[3])
    )
    caps = capitals[inside]
    if len(caps) == 0:
        return Capitals()
    coll = pn.plot_capitals(ax, caps, crs=crs)
    name_col = next((c for c in ("city", "capital", "name") if c in caps.columns), None)
    pop = (
        pd.to_numeric(caps["population"], errors="coerce").fillna(0).to_numpy()
        if "population" in caps.columns
        else np.zeros(len(caps))
    )
    status = (
        caps["status"].astype("string").fillna("").to_numpy()
        if "status" in caps.columns
        else np.full(len(caps), "", dtype=object)
    )
    specs = []
    if name_col is not None:
        cxy = xy[inside]
        for i, name in enumerate(caps[name_col].astype(str)):
            size = 9.0 if pop[i] >= 1e6 else 8.0 if pop[i] >= 2.5e5 else 7.0
            unknown = status[i] == "no evidence"
            # by population, capitals with evidence (a siege status other than "no
            # evidence") counting as ten times bigger
            known = bool(status[i]) and not unknown
            specs.append(
                lb.LabelSpec(
                    cxy[i, 0],
                    cxy[i, 1],
                    name,
                    "point",
                    -float(pop[i]) * (10.0 if known else 1.0),
                    fontsize=size,
                    fontsizes=(6.0,),  # smaller where the map is crowded, never left out first
                    color=style.MUTED_TEXT if unknown else None,
                    fontweight="normal" if unknown else None,
                )
            )
    statuses = sorted({s if s else "none" for s in status}) if "status" in caps.columns else []
    return Capitals(coll, specs, statuses)


def clear_airports(ax: Axes, airports: Any, capitals: Any, *, clearance_pt: float = 7.0) -> Any:
    """Drop the airport markers that would sit on a capital's marker (a capital's airport
    at country scale): the capital is the place the reader needs. Returns the airports
    left (None when none is)."""
    if airports is None or capitals is None:
        return airports
    a = ax.transData.transform(np.asarray(airports.get_offsets()))
    c = ax.transData.transform(np.asarray(capitals.get_offsets()))
    if len(a) == 0 or len(c) == 0:
        return airports
    near = np.hypot(a[:, None, 0] - c[None, :, 0], a[:, None, 1] - c[None, :, 1]).min(axis=1)
    keep = near > clearance_pt * ax.figure.dpi / 72.0
    if keep.all():
        return airports
    if not keep.any():
        airports.remove()
        return None
    airports.set_offsets(np.asarray(airports.get_offsets())[keep])
    return airports


def capitals_section(capitals: gpd.GeoDataFrame | None, drawn: Capitals) -> lg.LegendSection:
    """The legend of the capitals drawn: their siege statuses, or plain markers."""
    if capitals is not None and "status" in capitals.columns:
        return lg.siege_section(drawn.statuses)
    return plain_capital_section()


def plain_capital_section() -> lg.LegendSection:
    """Legend of capitals drawn without a siege status."""
    return lg.LegendSection(
        "Places",
        (
            lg.LegendEntry(
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


# --- labels ------------------------------------------------------------------------------


def area_labels(scene: ControlScene, view: BBox, label: bool | None) -> list[lb.LabelSpec]:
    """District labels (display names) where the view holds few districts, and province
    labels: every province in view on a whole-country map, the provinces around the
    selection on a zoomed one."""
    d = scene.districts.to_crs(scene.crs)
    box = shapely.box(*view)
    specs: list[lb.LabelSpec] = []
    if scene.focus is not None:
        sel = d["province_id"].astype(str).isin(scene.focus["province_id"].astype(str))
        focus_d = d[sel.to_numpy()]
    else:
        focus_d = d[shapely.intersects(np.asarray(d.geometry.array, dtype=object), box)]
    if label is None:
        label = len(focus_d) <= 40
    if label:
        pts = [lb.label_point(g) for g in focus_d.geometry.array]
        area = shapely.area(np.asarray(focus_d.geometry.array, dtype=object))
        names = focus_d["label"] if "label" in focus_d.columns else focus_d["district"]
        for i, name in enumerate(names.astype(str)):
            specs.append(lb.LabelSpec(pts[i].x, pts[i].y, name, "area", 1e6 - area[i] / 1e9))
    pm = scene.provinces.to_crs(scene.crs) if scene.provinces is not None else None
    if pm is None:
        return specs
    shown = (
        display_names(scene.boundaries, level="province").reindex(
            pm["province_id"].astype(str).to_numpy()
        )
        if scene.boundaries is not None
        else pm["province"]
    )
    shown = pd.Series(shown).fillna(pd.Series(pm["province"].to_numpy())).astype(str).to_numpy()
    inner = shapely.intersection(np.asarray(pm.geometry.array, dtype=object), box)
    va = (view[2] - view[0]) * (view[3] - view[1])
    if scene.zoomed:
        focus_ids = scene.focus["province_id"].astype(str) if scene.focus is not None else []
        keep = ~pm["province_id"].astype(str).isin(focus_ids).to_numpy()
        for i in np.flatnonzero(keep).tolist():
            if shapely.area(inner[i]) > 0.04 * va:
                p = lb.label_point(lb.largest_part(inner[i]))
                specs.append(lb.LabelSpec(p.x, p.y, shown[i], "province", 1e9 + i))
        return specs
    # a whole-country map names every province, largest first, after the capitals
    area = shapely.area(inner)
    for rank, i in enumerate(np.argsort(-area, kind="stable").tolist()):
        if area[i] <= 0:
            continue
        anchors = lb.label_anchors(inner[i], n=8)
        (x, y), more = anchors[0], tuple(anchors[1:])
        specs.append(
            lb.LabelSpec(x, y, shown[i], "province", 1e8 + rank, anchors=more, fontsizes=(5.5,))
        )
    return specs


# --- counts and sections -------------------------------------------------------------------


def class_counts(districts: pd.DataFrame, *, graded: bool, assumed: bool) -> dict[str, int]:
    """Districts per drawn class, found by evidence or (``assumed``) by the baseline only."""
    classes = ly.district_classes(districts, graded=graded)
    mask = ly.assumed_mask(districts) == assumed
    values, counts = np.unique(classes[mask].astype(str), return_counts=True)
    return {str(v): int(c) for v, c in zip(values, counts, strict=True)}


def control_section(
    districts: pd.DataFrame, *, graded: bool, zoomed: bool, show_counts: bool = True
) -> lg.LegendSection:
    """The legend of the district classes drawn, with counts."""
    section = lg.status_section(
        counts=class_counts(districts, graded=graded, assumed=False),
        assumed=class_counts(districts, graded=graded, assumed=True),
        graded=graded,
        title="District control" + (", graded" if graded else ""),
        show_counts=show_counts,
    )
    notes = tuple(n + (" in selection" if zoomed else "") for n in section.notes)
    if graded:
        notes += ("Zones after Kalyvas (2006): full or", "dominant control, parity")
    return lg.LegendSection(section.title, section.entries, notes)


def boundary_section(
    *, zoomed: bool, international: bool = True, roads: bool = False, airports: bool = False
) -> lg.LegendSection:
    """Lines and context symbols of the base: borders (and roads, airports when drawn)."""
    # a user's boundaries may cover part of a country: their edge is no border
    outer = "International border" if international else "Edge of the boundaries"
    entries = [
        lg.LegendEntry(outer, "line", {"color": style.COUNTRY_EDGE, "linewidth": 1.1}),
        lg.LegendEntry("Province border", "line", {"color": style.PROVINCE_EDGE, "linewidth": 0.7}),
    ]
    if zoomed:
        entries.insert(
            0, lg.LegendEntry("Selected province", "line", {"color": style.TEXT, "linewidth": 1.6})
        )
    if roads:
        entries.append(lg.LegendEntry("Main road", "line", dict(style.ROAD_STYLE)))
    if airports:
        entries.append(lg.LegendEntry("Airport", "marker", dict(style.AIRPORT_STYLE)))
    return lg.LegendSection("Boundaries and places", tuple(entries))


# --- names -------------------------------------------------------------------------------


def place_name(boundaries: AdminBoundaries | None) -> str:
    """The place a whole-country map is of: the bundled set's country, a name given in
    code (``AdminBoundaries(..., name="Syria")``), never a file name (``adm2.gpkg``)."""
    if boundaries is None:
        return ""
    if is_bundled(boundaries):
        return "Afghanistan"
    name = str(boundaries.name or "")
    from pathlib import PurePath

    return "" if PurePath(name).suffix.lower() in VECTOR_EXTENSIONS else name


#: Words naming a first-level unit: a province called "X Province" or "X Governorate" is
#: not titled "X Province province".
_UNIT_WORDS = (
    "province",
    "region",
    "governorate",
    "state",
    "oblast",
    "county",
    "department",
    "district",
    "prefecture",
    "wilayah",
    "wilaya",
    "velayat",
    "territory",
    "division",
)


def province_place(name: str) -> str:
    """``"Badghis province"``; a name that already says its kind is kept."""
    words = name.lower().replace("-", " ").split()
    return name if any(w in _UNIT_WORDS for w in words) else f"{name} province"


def titled(what: str, place: str) -> str:
    """``"District control, Badghis province"`` (``what`` alone without a place)."""
    return f"{what}, {place}" if place else what


# --- context layers ----------------------------------------------------------------------


def context_layers(
    boundaries: AdminBoundaries | None,
    **layers: gpd.GeoDataFrame | bool | None,
) -> dict[str, gpd.GeoDataFrame | None]:
    """Resolve context layers given as a frame, ``None`` (the default: the bundled layer
    for the bundled boundaries, else nothing) or ``False`` (none)."""
    from geofront.maps.view import bundled_context

    auto = [k for k, v in layers.items() if v is None]
    bundled = bundled_context() if auto and is_bundled(boundaries) else {}
    out: dict[str, gpd.GeoDataFrame | None] = {}
    for key, value in layers.items():
        if value is None:
            out[key] = bundled.get(key)
        elif value is False or value is True:
            out[key] = bundled_context().get(key) if value is True else None
        else:
            out[key] = value  # type: ignore[assignment]
    return out


# --- finishing a page ----------------------------------------------------------------------


def finish_map(
    page: Page,
    *,
    crs: CRS,
    drawn: Drawn,
    specs: Sequence[lb.LabelSpec],
    markers: Sequence[Any],
    sections: Sequence[lg.LegendSection],
    title: str,
    subtitle: str | None,
    credits: Sequence[str],
    inset_context: gpd.GeoDataFrame | None = None,
    avoid_lines: Any = None,
) -> None:
    """Scale bar and north arrow clear of borders, labels placed clear of them, then
    :func:`geofront.maps.page.finish_page` (legend, inset, title, credits)."""
    ax = page.ax
    lines = drawn.borders if avoid_lines is None else avoid_lines
    bar, arrow = fu.add_scale_bar_and_arrow(ax, crs=crs, lines=lines, area=drawn.outline)
    _graticule_labels(ax, drawn.graticule)
    renderer = renderer_of(page.fig)
    obstacles = [bar.window_extent(renderer)] + [a.get_window_extent(renderer) for a in arrow]
    lb.place_labels(ax, specs, obstacles=obstacles, markers=markers)
    finish_page_text(
        page,
        crs=crs,
        title=title,
        subtitle=subtitle,
        credits=credits,
        sections=sections,
        inset_context=inset_context,
    )
