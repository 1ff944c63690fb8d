"""Control maps: districts by status (or graded zone) with frontlines, capitals and
furniture; small multiples.

:func:`control_map` draws one date, :func:`control_small_multiples` several dates side by
side with one legend. Both take frames that are already computed (a control table,
frontline lines) and recompute nothing; the scene (view, base layers, capitals, labels)
is built by :mod:`geofront.maps.scene`, shared with the events map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geofront.boundaries import AdminBoundaries
from geofront.credits import evidence_credits
from geofront.defaults import MAP_DPI
from geofront.errors import InputError
from geofront.maps import furniture as fu
from geofront.maps import labels as lb
from geofront.maps import layers as ly
from geofront.maps import legend as lg
from geofront.maps import scene as sc
from geofront.maps import style
from geofront.maps.page import (
    fit_view,
    page_for,
    sources_line,
    units_per_px,
)
from geofront.maps.view import (
    drawn_credits,
    is_bundled,
)


def control_map(
    control: gpd.GeoDataFrame,
    *,
    boundaries: AdminBoundaries | None = None,
    frontlines: gpd.GeoDataFrame | None = None,
    capitals: gpd.GeoDataFrame | bool | None = None,
    neighbours: gpd.GeoDataFrame | bool | None = None,
    airports: gpd.GeoDataFrame | bool | None = None,
    roads: gpd.GeoDataFrame | None = None,
    province: str | None = None,
    bbox: Sequence[float] | None = None,
    as_of: Any = None,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries", "outlines", "places"),
    graded: bool | None = None,
    label_districts: bool | None = None,
    width_in: float = 10.0,
    dpi: float = MAP_DPI,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Map districts by control status, with frontlines, capitals and full furniture.

    Parameters
    ----------
    control : GeoDataFrame
        Control table (:data:`geofront.schema.CONTROL_COLUMNS` + district polygons), e.g.
        from :func:`geofront.control.control_from_events` or
        :func:`geofront.control.read_control`. Any CRS. Districts of ``boundaries``
        missing from it are shown as ``no data``.
    boundaries : AdminBoundaries, optional
        The full district/province set: gives province borders, ``no data`` districts
        and the display names of places; without it provinces are dissolved from
        ``control``.
    frontlines : GeoDataFrame, optional
        Line geometries with a ``frontline_class`` (or ``class``) column
        (:func:`geofront.frontline.frontline_lines`).
    capitals : GeoDataFrame, bool, optional
        City points with a name column (``city``), optionally a siege ``status`` column
        (:func:`geofront.siege.siege_status` values): marked and labelled without
        overlaps. Default: the bundled capitals on the bundled boundaries; False: none.
    neighbours : GeoDataFrame, bool, optional
        Surrounding countries (``name`` column) drawn in grey, every one named. Default:
        the bundled ones on the bundled boundaries (:func:`bundled_context`); False: none.
    airports : GeoDataFrame, bool, optional
        Airport points. Default: the bundled Natural Earth airports on the bundled
        boundaries; False: none.
    roads : GeoDataFrame, optional
        Main roads (lines) drawn as context, credited by their ``attrs["credit"]``.
    province : str, optional
        Zoom on one province (name or id; the rest is veiled and a locator inset added).
    bbox : (west, south, east, north), optional
        Zoom on a box in degrees.
    as_of : date-like, optional
        Date of the data, stamped under the title (default: the table's ``as_of``).
    title : str, optional
        Default ``"District control, <place>"`` (the place's published spelling).
    sources : sequence of str
        Credit keys of :data:`geofront.credits.CREDITS` or literal credit lines. The
        credits of the table's evidence (:func:`geofront.credits.evidence_credits`) are
        added, and keys of layers not drawn are dropped.
    graded : bool, optional
        Colour by Kalyvas's five zones (``zone`` column) instead of the four statuses.
        Default: when the table has zones.
    label_districts : bool, optional
        Label district names; default when the view holds at most 40 districts.
    width_in : float
        Figure width in inches; the height follows the view's shape.
    dpi : float
        Output resolution the figure is meant for: geometry is simplified to half a
        pixel at this resolution (invisible) for speed and small files.

    ax : matplotlib Axes, optional
        Draw the map into this Axes (its view grown to the Axes' shape) instead of a new
        page: title and subtitle on the Axes, the source line under it; the legend panel
        and locator inset are left to the caller.

    Returns
    -------
    (Figure, Axes)
        The map axes' artists carry gids: ``districts`` (its ``geofront_ids`` attribute
        lists the district id of each path), ``districts:contested`` (hatch),
        ``frontline:<class>``, ``capitals``, ``airports``, ``roads``, ``provinces``,
        ``country``, ``neighbours``, ``label:<kind>`` (labels), ``legend`` (in the panel
        axes), ``title``/``subtitle``/``attribution`` (figure texts).
        ``ax.geofront_crs`` is the map CRS (:func:`map_crs_for` of the view).
    """
    ctx = sc.context_layers(boundaries, capitals=capitals, neighbours=neighbours, airports=airports)
    caps_in, nb_in, air_in = ctx["capitals"], ctx["neighbours"], ctx["airports"]
    with style.map_style():
        scene = sc.control_scene(control, boundaries, province, bbox)
        graded = ly.has_zones(scene.districts) if graded is None else bool(graded)
        has_caps = caps_in is not None and len(caps_in) > 0
        present = frontline_classes(frontlines)
        # the legend's sections are known before drawing except which capitals and
        # context layers fall in view: lay the page out with every candidate section
        sections = _control_sections(
            scene,
            graded=graded,
            frontlines=present,
            capitals=None,
            roads=roads is not None,
            airports=air_in is not None,
            zoomed=scene.focus is not None,
            international=is_bundled(boundaries) or nb_in is not None,
        )
        if has_caps and caps_in is not None:
            sections.append(
                lg.siege_section() if "status" in caps_in.columns else sc.plain_capital_section()
            )
        inset = scene.zoomed and boundaries is not None
        page = page_for(scene.view, ax=ax, width_in=width_in, inset=inset, sections=sections)
        view = page.view
        ax = page.ax
        ax.geofront_crs = scene.crs  # type: ignore[attr-defined]
        tol = 0.5 * units_per_px(page, dpi)
        drawn = sc.draw_base(
            ax,
            scene,
            view,
            frontlines=frontlines,
            neighbours=nb_in,
            tol=tol,
            graticule=True,
            graded=graded,
            roads=roads,
            airports=air_in,
        )
        caps = sc.capital_layer(ax, caps_in, scene.crs, view)
        drawn.airports = sc.clear_airports(ax, drawn.airports, caps.collection)
        specs = list(caps.specs) + drawn.region_specs + sc.area_labels(scene, view, label_districts)
        markers = (
            lb.marker_boxes(ax, caps.collection, size_pt=6.5) if caps.collection is not None else []
        )
        sections = _control_sections(
            scene,
            graded=graded,
            frontlines=present,
            capitals=caps if has_caps else None,
            caps_frame=caps_in,
            roads=drawn.roads,
            airports=drawn.airports is not None,
            zoomed=scene.focus is not None,
            international=is_bundled(boundaries) or nb_in is not None,
        )
        stamp = as_of if as_of is not None else table_as_of(control)
        credits = drawn_credits(
            [*sources, *evidence_credits(control)],
            boundaries=boundaries,
            outlines=drawn.neighbours,
            places=caps.collection is not None,
        )
        credits += _context_credits(drawn, roads)
        avoid = drawn.borders
        lines = [c for c in ax.collections if str(c.get_gid()).startswith("frontline:")]
        if lines:
            parts = [g for g in (avoid, *(_collection_lines(c) for c in lines)) if g is not None]
            avoid = shapely.union_all(parts)
        sc.finish_map(
            page,
            crs=scene.crs,
            drawn=drawn,
            specs=specs,
            markers=markers,
            sections=sections,
            title=title or sc.titled("District control", scene.place),
            subtitle=fu.as_of_text(stamp) if stamp is not None else None,
            credits=credits,
            inset_context=boundaries.provinces if inset and boundaries is not None else None,
            avoid_lines=avoid,
        )
    return page.fig, ax


def _control_sections(
    scene: sc.ControlScene,
    *,
    graded: bool,
    frontlines: list[str],
    capitals: sc.Capitals | None,
    roads: bool,
    airports: bool,
    zoomed: bool,
    international: bool,
    caps_frame: gpd.GeoDataFrame | None = None,
) -> list[lg.LegendSection]:
    sections = [sc.control_section(scene.in_view(), graded=graded, zoomed=scene.zoomed)]
    if frontlines:
        sections.append(lg.frontline_section(frontlines))
    sections.append(
        sc.boundary_section(
            zoomed=zoomed, international=international, roads=roads, airports=airports
        )
    )
    if capitals is not None and capitals.collection is not None:
        sections.append(sc.capitals_section(caps_frame, capitals))
    return sections


def frontline_classes(frontlines: gpd.GeoDataFrame | None) -> list[str]:
    """The frontline classes present in ``frontlines`` (the legend lists only those)."""
    if frontlines is None or len(frontlines) == 0:
        return []
    col = ly.frontline_class_column(frontlines)
    return sorted(set(frontlines[col].astype(str))) if col in frontlines.columns else ["frontline"]


def table_as_of(table: pd.DataFrame) -> Any:
    """The date a table is as of: ``attrs["as_of"]``, else its single ``as_of`` value."""
    if table.attrs.get("as_of") is not None:
        return table.attrs["as_of"]
    if "as_of" in table.columns:
        days = pd.to_datetime(table["as_of"], errors="coerce").dropna().unique()
        if len(days) == 1:
            return pd.Timestamp(str(days[0]))
    return None


def _context_credits(drawn: sc.Drawn, roads: gpd.GeoDataFrame | None) -> list[str]:
    out = []
    if drawn.airports is not None:
        out.append("airports")
    if drawn.roads and roads is not None:
        out.append(str(roads.attrs.get("credit", "Roads: user-supplied")))
    return out


def _collection_lines(coll: Any) -> Any:
    segs = [s for s in coll.get_segments() if len(s) >= 2]
    return shapely.multilinestrings([shapely.linestrings(s) for s in segs]) if segs else None


# --- small multiples ------------------------------------------------------------------


def control_small_multiples(
    controls: Mapping[Any, gpd.GeoDataFrame],
    *,
    boundaries: AdminBoundaries | None = None,
    frontlines: Mapping[Any, gpd.GeoDataFrame] | None = None,
    neighbours: gpd.GeoDataFrame | bool | None = None,
    province: str | None = None,
    bbox: Sequence[float] | None = None,
    ncols: int = 3,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries", "outlines"),
    graded: bool | None = None,
    width_in: float = 10.0,
    dpi: float = MAP_DPI,
) -> tuple[Figure, list[Axes]]:
    """The control map for several dates, side by side, one legend and scale.

    Each panel is titled with its date and says how many of the districts in view rest
    on evidence on that date (the others only on the baseline's assumption, drawn pale):
    a panel with none says so. Pick dates with evidence with
    :func:`geofront.control.evidence_dates`.

    Parameters
    ----------
    controls : mapping
        date -> control table (as for :func:`control_map`), drawn in sorted date order.
    frontlines : mapping, optional
        date -> frontline lines.
    neighbours, graded
        As for :func:`control_map`.

    Returns
    -------
    (Figure, list of Axes)
        One map axes per date; each axes title is the date and its evidence.
    """
    if not controls:
        raise InputError("no control tables given: pass at least one date")
    keys = sorted(controls, key=lambda k: pd.Timestamp(k))
    nb_in = sc.context_layers(boundaries, neighbours=neighbours)["neighbours"]
    with style.map_style():
        first = sc.control_scene(controls[keys[0]], boundaries, province, bbox)
        scenes = [sc.control_scene(controls[k], boundaries, province, bbox) for k in keys]
        graded = any(ly.has_zones(s.districts) for s in scenes) if graded is None else graded
        n = len(keys)
        ncols = max(1, min(ncols, n))
        nrows = int(np.ceil(n / ncols))
        gap, left, top, bottom, legend_h = 0.15, 0.3, 0.62, 0.55, 1.15
        cell_w = (width_in - 2 * left - (ncols - 1) * gap) / ncols
        aspect = min(
            max((first.view[3] - first.view[1]) / (first.view[2] - first.view[0]), 0.55), 1.3
        )
        view = fit_view(first.view, aspect)
        cell_h = cell_w * aspect
        sections = _multiples_legend(scenes, frontlines, graded=graded)
        # The legend goes into the empty cells of the last row when it fits there (side by
        # side, else stacked), so the page has no empty cells; else in a row below the maps.
        empty = nrows * ncols - n
        free_w = empty * (cell_w + gap) - gap
        side_by_side = free_w >= 2.7 * len(sections) and cell_h >= max(
            lg.legend_height_in([s]) for s in sections
        )
        stacked = free_w >= 2.7 and cell_h >= lg.legend_height_in(sections)
        in_cells = empty > 0 and (side_by_side or stacked)
        if in_cells:
            legend_h = 0.0
        height = top + nrows * (cell_h + 0.45) + legend_h + bottom
        fig = Figure(figsize=(width_in, height))
        FigureCanvasAgg(fig)
        axes: list[Axes] = []
        tol = 0.5 * (view[2] - view[0]) / (cell_w * dpi)
        nb_drawn = False
        for i, (k, scene) in enumerate(zip(keys, scenes, strict=True)):
            r, c = divmod(i, ncols)
            x = left + c * (cell_w + gap)
            y = height - top - (r + 1) * (cell_h + 0.45) + 0.05
            ax = fig.add_axes((x / width_in, y / height, cell_w / width_in, cell_h / height))
            ax.set_xlim(view[0], view[2])
            ax.set_ylim(view[1], view[3])
            ax.set_aspect("equal", adjustable="box")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_facecolor(style.WATER)
            scene.crs, scene.view = first.crs, view
            drawn = sc.draw_base(
                ax,
                scene,
                view,
                frontlines=(frontlines or {}).get(k),
                neighbours=nb_in,
                tol=tol,
                graticule=False,
                graded=graded,
            )
            nb_drawn = nb_drawn or drawn.neighbours
            day = pd.Timestamp(k)
            ax.set_title(
                f"{day.day} {day:%B %Y}\n{evidence_note(scene.in_view())}",
                fontsize=8.5,
                loc="left",
                linespacing=1.3,
            )
            axes.append(ax)
        fu.add_scale_bar(axes[0], crs=first.crs)
        if in_cells:
            x = left + (ncols - empty) * (cell_w + gap) + 0.1
            y = height - top - nrows * (cell_h + 0.45) + 0.05
            box = (x / width_in, y / height, (free_w - 0.1) / width_in, cell_h / height)
        else:
            w = (width_in - 2 * left) / width_in
            box = (left / width_in, bottom / height, w, legend_h / height)
        legend_ax = fig.add_axes(box)
        legend_ax.set_axis_off()
        legend_ax.set_gid("legend-panel")
        if in_cells and not side_by_side:
            lg.build_legend(legend_ax, sections)
        else:
            _legend_row(legend_ax, sections)
        fu.add_title_block(
            fig,
            title or sc.titled("District control over time", first.place),
            None,
            x_in=left,
            top_in=0.15,
        )
        credits = [*sources, *(c for k in keys for c in evidence_credits(controls[k]))]
        fu.add_attribution(
            fig,
            sources_line(
                drawn_credits(credits, boundaries=boundaries, outlines=nb_drawn, places=False),
                first.crs,
            ),
            x_in=left,
            y_in=bottom - 0.12,
            width_in=width_in - 2 * left,
        )
    return fig, axes


def evidence_note(districts: pd.DataFrame) -> str:
    """``"6 of 7 districts on evidence"``, or that only the baseline is assumed."""
    n = len(districts)
    assumed = int(ly.assumed_mask(districts).sum())
    unknown = int((ly.district_classes(districts) == "unknown").sum())
    found = n - assumed - unknown
    if found == 0 and assumed:
        return "no evidence yet: baseline assumed"
    if found == 0:
        return "no evidence"
    return f"{found} of {n} district{'s' if n != 1 else ''} on evidence"


def _multiples_legend(
    scenes: Sequence[sc.ControlScene],
    frontlines: Mapping[Any, gpd.GeoDataFrame] | None,
    *,
    graded: bool,
) -> list[lg.LegendSection]:
    counts: dict[str, int] = {}
    assumed: dict[str, int] = {}
    for s in scenes:
        d = s.in_view()
        for k, v in sc.class_counts(d, graded=graded, assumed=False).items():
            counts[k] = counts.get(k, 0) + v
        for k, v in sc.class_counts(d, graded=graded, assumed=True).items():
            assumed[k] = assumed.get(k, 0) + v
    title = "District control" + (", graded (Kalyvas)" if graded else "")
    sections = [
        lg.status_section(
            counts=counts, assumed=assumed, graded=graded, title=title, show_counts=False
        )
    ]
    classes = sorted({c for f in (frontlines or {}).values() for c in frontline_classes(f)})
    if classes:
        sections.append(lg.frontline_section(classes))
    return sections


def _legend_row(ax: Axes, sections: Sequence[lg.LegendSection]) -> None:
    """Legend sections side by side (for wide, short panels)."""
    n = len(sections)
    for i, sec in enumerate(sections):
        sub = ax.inset_axes((i / n, 0.0, 1.0 / n, 1.0))
        sub.set_axis_off()
        lg.build_legend(sub, [sec])
