"""Control maps: districts by status with frontlines, capitals and furniture; small multiples.

:func:`control_map` draws one date, :func:`control_small_multiples` several dates side by
side with one legend. Both take frames that are already computed (a control table,
frontline lines) and recompute nothing. The scene helpers here (selection of the view,
the base layers, capitals with their labels) are shared with the events map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pyproj import CRS

from geofront.boundaries import AdminBoundaries
from geofront.crs import WGS84
from geofront.errors import InputError, SchemaError
from geofront.io import VECTOR_EXTENSIONS
from geofront.maps import furniture as fu
from geofront.maps import labels as lb
from geofront.maps import layers as ly
from geofront.maps import points as pn
from geofront.maps import style
from geofront.maps.style import Z
from geofront.maps.view import (
    BBox,
    _check_bbox,
    _fit_view,
    _graticule_labels,
    _lonlat_bounds,
    _pad,
    _page,
    _projected_bounds,
    _sources_line,
    _units_per_px,
    _view_lonlat,
    bbox_place,
    draw_legend,
    drawn_credits,
    is_bundled,
    map_crs_for,
    select_province,
)
from geofront.schema import CONTROL_STATUSES


def _control_districts(
    control: gpd.GeoDataFrame, boundaries: AdminBoundaries | None
) -> gpd.GeoDataFrame:
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
        table = control.drop_duplicates("district_id").set_index("district_id")
        out = base[["district_id", "district", "province_id", "province", base.geometry.name]]
        out = out.assign(status=base["district_id"].map(table["status"]).to_numpy())
        if "rule" in table.columns:
            out = out.assign(rule=base["district_id"].map(table["rule"]).to_numpy())
        return out
    if not isinstance(control, gpd.GeoDataFrame) or control.geometry.name not in control:
        raise SchemaError(
            "control table has no geometry: pass boundaries= so districts can be drawn"
        )
    return control


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
        place = _province_place(str(focus["province"].iloc[0]))
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
        place = _place_name(boundaries)
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
    drawn: dict[str, Any] = {"region_labels": [], "neighbours_drawn": False}
    if neighbours is not None and len(neighbours):
        nb = neighbours.to_crs(crs)
        in_view = shapely.intersects(
            np.asarray(nb.geometry.array, dtype=object), shapely.box(*view)
        )
        if in_view.any():
            _, anchors = ly.plot_neighbours(ax, neighbours, crs=crs, view=view, simplify_m=tol)
            drawn["region_labels"] = anchors
            drawn["neighbours_drawn"] = True
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
            zorder=Z["country"] + 0.05,
        )
    drawn["provinces"] = pm
    drawn["outline"] = outline
    drawn["frontlines"] = (
        ly.plot_frontlines(ax, frontlines, crs=crs) if frontlines is not None else {}
    )
    return drawn


def _capital_layer(
    ax: Axes, capitals: gpd.GeoDataFrame | None, crs: CRS, view: BBox
) -> tuple[Any, list[lb.LabelSpec], bool]:
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
    coll = pn.plot_capitals(ax, caps, crs=crs)
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
                lb.LabelSpec(cxy[i, 0], cxy[i, 1], name, "point", -float(pop[i]), fontsize=size)
            )
    return coll, specs, "status" in caps.columns


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
                counts=_status_counts(scene, assumed=False),
                assumed=_status_counts(scene, assumed=True),
                title="District control" + (" (districts in selection)" if zoomed else ""),
            )
        ]
        if frontlines is not None:
            col = ly.frontline_class_column(frontlines)
            present = set(frontlines[col].astype(str)) if col in frontlines.columns else set()
            sections.append(fu.frontline_section(sorted(present | set(style.FRONTLINE_STYLES))))
        sections.append(
            _boundary_section(
                zoomed=scene.focus is not None,
                international=is_bundled(boundaries) or neighbours is not None,
            )
        )
        if has_caps:
            assert capitals is not None
            sections.append(
                fu.siege_section() if "status" in capitals.columns else _plain_capital_section()
            )
        inset = zoomed and boundaries is not None
        page = _page(scene.view, width_in=width_in, inset=inset, sections=sections)
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
        bar = fu.add_scale_bar(ax, crs=scene.crs, avoid=drawn["outline"])
        arrow = fu.add_north_arrow(ax, crs=scene.crs)
        _graticule_labels(ax, drawn["graticule"])
        specs = list(cap_specs)
        specs += [
            lb.LabelSpec(x, y, n, "region", 1e12 + i)
            for i, (x, y, n) in enumerate(drawn["region_labels"])
        ]
        specs += _area_labels(scene, view, label_districts)
        renderer = page.fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [bar.window_extent(renderer)] + [a.get_window_extent(renderer) for a in arrow]
        markers = lb.marker_boxes(ax, caps, size_pt=6.5) if caps is not None else []
        lb.place_labels(ax, specs, obstacles=obstacles, markers=markers)
        draw_legend(page, sections)
        if page.inset is not None and boundaries is not None:
            fu.add_inset_locator(page.inset, boundaries.provinces, crs=scene.crs, view=view)
        stamp = as_of if as_of is not None else control.attrs.get("as_of")
        subtitle = fu.as_of_text(stamp) if stamp is not None else None
        fu.add_title_block(
            page.fig,
            title or _titled("District control", scene.place),
            subtitle,
            x_in=page.left_in,
            top_in=0.2,
        )
        credits = drawn_credits(
            sources,
            boundaries=boundaries,
            outlines=drawn["neighbours_drawn"],
            places=caps is not None,
        )
        fu.add_attribution(
            page.fig,
            _sources_line(credits, scene.crs),
            x_in=page.left_in,
            y_in=page.bottom_in - 0.2,
            width_in=page.width_in - 2 * page.left_in,
        )
    return page.fig, ax


def _area_labels(scene: _ControlScene, view: BBox, label: bool | None) -> list[lb.LabelSpec]:
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
        for i, name in enumerate(focus_d["district"].astype(str)):
            specs.append(lb.LabelSpec(pts[i].x, pts[i].y, name, "area", 1e6 - area[i] / 1e9))
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
                    p = lb.label_point(lb.largest_part(inner[i]))
                    specs.append(
                        lb.LabelSpec(p.x, p.y, str(pm["province"].iloc[i]), "province", 1e9 + i)
                    )
    return specs


def _status_counts(scene: _ControlScene, *, assumed: bool) -> dict[str, int]:
    """Districts per status in view: found by evidence, or (``assumed``) by the baseline."""
    d = scene.districts
    if scene.focus is not None:
        d = d[d["province_id"].astype(str).isin(scene.focus["province_id"].astype(str)).to_numpy()]
    elif scene.bbox is not None:
        d = d[d.to_crs(WGS84).intersects(shapely.box(*scene.bbox)).to_numpy()]
    is_assumed = (
        d["rule"].astype("string").fillna("").eq("baseline").to_numpy()
        if "rule" in d.columns
        else np.zeros(len(d), dtype=bool)
    )
    d = d[is_assumed == assumed]
    st = d["status"].astype("string").fillna(style.NO_DATA)
    st = st.where(st.isin(CONTROL_STATUSES), style.NO_DATA)
    counts = st.value_counts()
    return {s: int(counts.get(s, 0)) for s in style.STATUS_ORDER}


def _place_name(boundaries: AdminBoundaries | None) -> str:
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


def _province_place(name: str) -> str:
    words = name.lower().replace("-", " ").split()
    return name if any(w in _UNIT_WORDS for w in words) else f"{name} province"


def _titled(what: str, place: str) -> str:
    return f"{what}, {place}" if place else what


def _boundary_section(*, zoomed: bool, international: bool = True) -> fu.LegendSection:
    # a user's boundaries may cover part of a country: their edge is no border
    outer = "International border" if international else "Edge of the boundaries"
    entries = [
        fu.LegendEntry(outer, "line", {"color": style.COUNTRY_EDGE, "linewidth": 1.1}),
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


# --- small multiples ------------------------------------------------------------------


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
        gap, left, top, bottom, legend_h = 0.15, 0.3, 0.62, 0.55, 1.15
        cell_w = (width_in - 2 * left - (ncols - 1) * gap) / ncols
        aspect = min(
            max((first.view[3] - first.view[1]) / (first.view[2] - first.view[0]), 0.55), 1.3
        )
        view = _fit_view(first.view, aspect)
        cell_h = cell_w * aspect
        sections = _multiples_legend(frontlines)
        # The legend goes into the empty cells of the last row when it fits there (side by
        # side, else stacked), so the page has no empty cells; else in a row below the maps.
        empty = nrows * ncols - n
        free_w = empty * (cell_w + gap) - gap
        side_by_side = free_w >= 2.7 * len(sections) and cell_h >= max(
            fu.legend_height_in([s]) for s in sections
        )
        stacked = free_w >= 2.7 and cell_h >= fu.legend_height_in(sections)
        in_cells = empty > 0 and (side_by_side or stacked)
        if in_cells:
            legend_h = 0.0
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
            nb_drawn = _draw_control(
                ax,
                scene,
                view,
                frontlines=(frontlines or {}).get(k),
                neighbours=neighbours,
                boundaries=boundaries,
                tol=tol,
                graticule=False,
            )["neighbours_drawn"]
            ax.set_title(f"{pd.Timestamp(k).day} {pd.Timestamp(k):%B %Y}", fontsize=9, loc="left")
            axes.append(ax)
        fu.add_scale_bar(axes[0], crs=first.crs)
        if in_cells:
            x = left + (ncols - empty) * (cell_w + gap) + 0.1
            y = height - top - nrows * (cell_h + 0.3) + 0.05
            box = (x / width_in, y / height, (free_w - 0.1) / width_in, cell_h / height)
        else:
            w = (width_in - 2 * left) / width_in
            box = (left / width_in, bottom / height, w, legend_h / height)
        legend_ax = fig.add_axes(box)
        legend_ax.set_axis_off()
        legend_ax.set_gid("legend-panel")
        if in_cells and not side_by_side:
            fu.build_legend(legend_ax, sections)
        else:
            _legend_row(legend_ax, sections)
        fu.add_title_block(
            fig,
            title or _titled("District control over time", first.place),
            None,
            x_in=left,
            top_in=0.15,
        )
        fu.add_attribution(
            fig,
            _sources_line(
                drawn_credits(sources, boundaries=boundaries, outlines=nb_drawn, places=False),
                first.crs,
            ),
            x_in=left,
            y_in=bottom - 0.12,
            width_in=width_in - 2 * left,
        )
    return fig, axes


def _multiples_legend(
    frontlines: Mapping[Any, gpd.GeoDataFrame] | None,
) -> list[fu.LegendSection]:
    sections = [fu.status_section(title="District control")]
    if frontlines:
        classes = {
            str(c)
            for f in frontlines.values()
            if len(f) and ly.frontline_class_column(f) in f.columns
            for c in f[ly.frontline_class_column(f)]
        }
        sections.append(fu.frontline_section(sorted(classes | set(style.FRONTLINE_STYLES))))
    return sections


def _legend_row(ax: Axes, sections: Sequence[fu.LegendSection]) -> None:
    """Legend sections side by side (for wide, short panels)."""
    n = len(sections)
    for i, sec in enumerate(sections):
        sub = ax.inset_axes((i / n, 0.0, 1.0 / n, 1.0))
        sub.set_axis_off()
        fu.build_legend(sub, [sec])
