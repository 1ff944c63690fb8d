"""The siege map of one city: rings and sectors, events, control shading, population.

Drawn in an azimuthal-equidistant projection centred on the city, so distances from the
city (the rings) are true.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from geofront.boundaries import AdminBoundaries
from geofront.credits import evidence_credits
from geofront.crs import WGS84, local_aeqd
from geofront.defaults import MAP_DPI
from geofront.errors import InputError
from geofront.maps import furniture as fu
from geofront.maps import labels as lb
from geofront.maps import layers as ly
from geofront.maps import legend as lg
from geofront.maps import points as pn
from geofront.maps import scene as sc
from geofront.maps import style
from geofront.maps.event_maps import _event_sections, harmonise_event_types
from geofront.maps.page import (
    finish_page,
    map_width_in,
    page_for,
    renderer_of,
    units_per_px,
)
from geofront.maps.style import Z
from geofront.maps.view import BBox, drawn_credits

#: Above this many events in the core (0-5 km), the core's events are not drawn one by
#: one (they would be a blob): the core gives their count instead, and every sector its own.
CORE_MAX_EVENTS: Final = 30
#: Above this many events in view, events are drawn as small plain dots.
SIEGE_DENSE_EVENTS: Final = 300
#: A 1 km cell with at least this many people is drawn inside the "densely populated"
#: outline (about a town's density; the bundled raster is people per 30'' cell).
DENSE_PEOPLE_PER_CELL: Final = 500.0
#: Style of the open corridor (its wedge's outline and the arrow along it).
CORRIDOR_STYLE: Final[dict[str, Any]] = {
    "color": "#1a1a1a",
    "linewidth": 1.6,
    "linestyle": (0, (5, 2)),
}
HOSTILE_SECTOR_STYLE: Final[dict[str, Any]] = {"color": "#3f007d", "linewidth": 1.8}


def _rings_section(
    secs: gpd.GeoDataFrame, *, hostile: bool, counts: bool, corridor: bool
) -> lg.LegendSection:
    entries = [
        lg.LegendEntry("Ring and sector edges", "line", {"color": "#4d4d4d", "linewidth": 0.6})
    ]
    if hostile:
        entries.append(
            lg.LegendEntry(
                "Hostile sectors (significant hostile\nfighting, or mostly hostile-held)",
                "line",
                dict(HOSTILE_SECTOR_STYLE),
            )
        )
    if corridor:
        entries.append(
            lg.LegendEntry("Open corridor (no hostile sector)", "line", dict(CORRIDOR_STYLE))
        )
    notes: tuple[str, ...] = ()
    if counts:
        notes = ("Numbers: hostile events in the sector", "in the window")
    radii = sorted({float(r) for r in pd.to_numeric(secs["outer_m"])})
    notes += ("Rings: " + ", ".join(f"{r / 1000:g}" for r in radii) + " km from the city",)
    return lg.LegendSection("Rings and sectors", tuple(entries), notes)


def siege_map(
    city: gpd.GeoDataFrame,
    *,
    sectors: gpd.GeoDataFrame | None = None,
    status: Mapping[str, Any] | pd.Series | None = None,
    events: gpd.GeoDataFrame | None = None,
    control: gpd.GeoDataFrame | None = None,
    population: str | os.PathLike[str] | None = None,
    boundaries: AdminBoundaries | None = None,
    neighbours: gpd.GeoDataFrame | bool | None = None,
    radius_m: float | None = None,
    as_of: Any = None,
    window_days: int | None = None,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries", "population", "places", "outlines"),
    width_in: float = 10.0,
    dpi: float = MAP_DPI,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Map the siege of one city: who holds the ground around it, rings and sectors, the
    hostile sectors and open corridors, events and where people live.

    Every fill is opaque and is a legend swatch: districts in their control colours
    (contested hatched), beyond the rings and under them. The rings and sectors are
    outlines; hostile sectors have a heavy outline, the open corridor on the encirclement
    ring a dashed one with an arrow and a label, and each sector with hostile events its
    count. Where more than :data:`CORE_MAX_EVENTS` events crowd the core, the core gives
    their count instead of a blob of symbols; above :data:`SIEGE_DENSE_EVENTS` events are
    small dots. The city is a square, no event is one.

    Parameters
    ----------
    city : GeoDataFrame
        One point with a ``city`` column (e.g. a row of :func:`geofront.places.read_cities`).
    sectors : GeoDataFrame, optional
        The city's ring x sector table: :func:`geofront.siege.assess_sieges` ``.sectors``
        (or the ``--geometry-out`` file of ``geofront siege``; hostile sectors outlined,
        counts from ``hostile_events``) or plain :func:`geofront.siege.outskirt_rings`
        (outlines only). Rows of other cities are ignored (matched on ``city``).
    status : mapping or Series, optional
        The city's row of :func:`geofront.siege.siege_status`: ``status``,
        ``encirclement_index``, ``max_hostile_arc_deg``, ``open_corridors``,
        ``nearest_hostile_m`` are shown in the legend box; the corridors are drawn.
    events : GeoDataFrame, optional
        Events (canonical columns) coloured by ``event_type`` (UCDP's types shown as
        ACLED's when both are present), shaped by the initiating side, sized by
        ``fatalities``. Events at one place are spread around it
        (:func:`geofront.maps.points.plot_events`); so are events under the city's marker.
        Only events within ``radius_m`` east-west and north-south of the city are drawn;
        the legend lists their types and gives how many are shown and their dates.
    control : GeoDataFrame, optional
        Control table with district polygons: the ground's colours and district borders;
        its outer edge is drawn as the border when ``boundaries`` are not given.
    population : path, optional
        Population raster (e.g. ``datasets.get_path("afg-population")``): the areas with
        at least :data:`DENSE_PEOPLE_PER_CELL` people per cell are outlined; left out
        (with its legend and credit) when it has no populated cell in the view.
    boundaries : AdminBoundaries, optional
        The boundaries the control was computed on: their outer edge is drawn (the
        international border when there are neighbours) and they are credited (the
        bundled source, or the user's file by name).
    neighbours : GeoDataFrame, bool, optional
        Surrounding countries (``name`` column), drawn in grey with their names where the
        view reaches beyond the boundaries. Default: the bundled ones on the bundled
        boundaries (:func:`geofront.maps.bundled_context`); False: none.
    radius_m : float, optional
        Half-width of the view; default 8 % beyond the outermost ring (30 km without rings).
    as_of : date-like, optional
        Date of the assessment, stamped under the title (default: ``status["as_of"]``).
    window_days : int, optional
        Draw only the events of the siege window ``(as_of - window_days, as_of]`` (the
        window of :func:`geofront.siege.assess_sieges`); default: every event given.

    ax : matplotlib Axes, optional
        Draw the map into this Axes (its view grown to the Axes' shape) instead of a new
        page: title and subtitle on the Axes, the source line under it; the legend panel
        and locator inset are left to the caller.

    Returns
    -------
    (Figure, Axes)
        Artists with gids ``rings``, ``rings:hostile``, ``corridor``, ``sector-count``
        (texts), ``population``, ``districts``, ``districts:contested``, ``country``,
        ``neighbours``, ``events:<type>``, ``city``; legend in the panel.
    """
    if len(city) != 1:
        raise InputError(f"siege_map needs exactly one city, got {len(city)}: select one row")
    name_col = next((c for c in ("city", "capital", "name") if c in city.columns), None)
    name = str(city[name_col].iloc[0]) if name_col else "city"
    pt = city.to_crs(WGS84).geometry.iloc[0]
    crs = local_aeqd(pt.x, pt.y)
    nb_in = sc.context_layers(boundaries, neighbours=neighbours)["neighbours"]
    secs = None
    if sectors is not None and len(sectors):
        secs = (
            sectors[sectors["city"].astype(str) == name] if "city" in sectors.columns else sectors
        )
        if len(secs) == 0:
            raise InputError(f"no ring/sector rows for city {name!r}: pass its sectors")
    if radius_m is None:
        radius_m = float(secs["outer_m"].max()) * 1.08 if secs is not None else 30000.0
    if not (np.isfinite(radius_m) and radius_m > 0):
        raise InputError(f"siege map radius must be a positive distance, got {radius_m:g} m")
    view0: BBox = (-radius_m, -radius_m, radius_m, radius_m)
    stamp = as_of if as_of is not None else (status.get("as_of") if status is not None else None)
    shown = None
    note = None
    if events is not None and len(events):
        shown = _window_events(events, as_of=stamp, window_days=window_days)
        shown, note = harmonise_event_types(shown)
        # the map is square or taller, so its width spans 2 * radius_m
        m_per_pt = 2.0 * radius_m / (map_width_in(width_in) * 72.0)
        shown = _snap_to_city(shown, crs=crs, within_m=_CITY_HALF_PT * m_per_pt)
        geo = np.asarray(shown.geometry.array, dtype=object)
        inside = (np.abs(shapely.get_x(geo)) <= radius_m) & (np.abs(shapely.get_y(geo)) <= radius_m)
        shown = shown[inside]
    core_m = float(secs.loc[secs["ring_index"] == 0, "outer_m"].max()) if secs is not None else 0.0
    in_core = np.zeros(0, dtype=bool)
    if shown is not None:
        geo = np.asarray(shown.geometry.array, dtype=object)
        in_core = np.hypot(shapely.get_x(geo), shapely.get_y(geo)) <= core_m
    crowded = int(in_core.sum()) > CORE_MAX_EVENTS
    dense = shown is not None and len(shown) > SIEGE_DENSE_EVENTS
    drawn_events = shown[~in_core] if shown is not None and crowded else shown
    # the view is square or taller and holds view0: no people in view0, none drawn
    has_pop = population is not None and (
        ly.population_grid(population, crs=crs, view=view0, width_px=100) is not None
    )
    districts = None
    if control is not None and len(control):
        districts = sc.control_districts(control, boundaries)
    corridors = _corridor_runs(status) if secs is not None else []
    has_counts = crowded or (
        secs is not None
        and "hostile_events" in secs.columns
        and bool(
            (
                (pd.to_numeric(secs["hostile_events"], errors="coerce").fillna(0) > 0)
                & (secs["ring_index"] > 0)
            ).any()
        )
    )

    def sections_for(
        classes_in_view: pd.DataFrame | None, pop_drawn: bool, border: bool
    ) -> list[lg.LegendSection]:
        return _siege_sections(
            status=status,
            secs=secs,
            events=shown,
            window=(stamp, window_days),
            control=districts is not None,
            population=_population_title(population) if pop_drawn else None,
            radius_m=radius_m,
            districts=classes_in_view,
            corridor=bool(corridors),
            counts=has_counts,
            dense=dense,
            note=note,
            crowded=int(in_core.sum()) if crowded else 0,
            border=border,
        )

    with style.map_style():
        page = page_for(
            view0,
            ax=ax,
            width_in=width_in,
            inset=False,
            sections=sections_for(districts, has_pop, True),
            min_height_in=6.4,
            max_aspect=1.45,
        )
        ax, view = page.ax, page.view
        ax.geofront_crs = crs  # type: ignore[attr-defined]
        tol = 0.5 * units_per_px(page, dpi)
        m = 0.2 * (view[2] - view[0])
        clip = (view[0] - m, view[1] - m, view[2] + m, view[3] + m)
        region_specs: list[lb.LabelSpec] = []
        nb_drawn = False
        if nb_in is not None and len(nb_in):
            nb = nb_in.to_crs(crs)
            if shapely.intersects(
                np.asarray(nb.geometry.array, dtype=object), shapely.box(*view)
            ).any():
                _, anchors = ly.plot_neighbours(ax, nb_in, crs=crs, view=view, simplify_m=tol)
                region_specs = ly.neighbour_label_specs(anchors)
                nb_drawn = True
        area_specs: list[lb.LabelSpec] = []
        in_view = None
        if districts is not None:
            ly.plot_districts(ax, districts, crs=crs, simplify_m=tol, clip=clip, linewidth=0.0)
            ly.plot_outlines(
                ax,
                districts,
                crs=crs,
                gid="district_edges",
                color="#8a8a8a",
                linewidth=0.5,
                simplify_m=tol,
                clip=clip,
            )
            dm = districts.to_crs(crs)
            inner = shapely.intersection(
                np.asarray(dm.geometry.array, dtype=object), shapely.box(*view)
            )
            visible = ~shapely.is_empty(inner)
            in_view = districts[visible]
            area_specs = [
                lb.LabelSpec(p.x, p.y, str(n), "area", 1e6 + i)
                for i, (n, g) in enumerate(zip(dm["label"].astype(str), inner, strict=True))
                if shapely.area(g) > 0.03 * (view[2] - view[0]) ** 2
                for p in [lb.label_point(lb.largest_part(g))]
            ]
        outline = _outline(boundaries, districts, crs, tol, clip)
        border = False
        if outline is not None:
            ly.plot_outlines(
                ax,
                gpd.GeoSeries([outline], crs=crs),
                crs=crs,
                gid="country",
                color=style.COUNTRY_EDGE,
                linewidth=1.2,
            )
            border = bool(shapely.intersects(outline, shapely.box(*view)))
        # no finer grid than the figure has pixels (a small map draws in a blink)
        grid_px = int(min(500, max(50, width_in * dpi)))
        pop_drawn = (
            has_pop
            and population is not None
            and _plot_dense_population(ax, population, crs=crs, view=view, width_px=grid_px)
            is not None
        )
        count_specs: list[lb.LabelSpec] = []
        if secs is not None:
            _plot_sector_grid(ax, secs, crs=crs)
            count_specs = _sector_counts(
                secs, crs=crs, core_total=int(in_core.sum()) if crowded else None
            )
            for run in corridors:
                count_specs += _plot_corridor(ax, secs, run)
        if drawn_events is not None and len(drawn_events):
            pn.plot_events(
                ax,
                drawn_events,
                crs=crs,
                color_by="event_type",
                marker_by=None if dense else "initiator",
                size_by=None if dense else "fatalities",
                spread_stacks=not dense,
                dot_pt2=4.0 if dense else 18.0,
                edge_pt=0.0 if dense else 0.5,
                alpha=0.75 if dense else 0.85,
                stack_clear_pt=_CITY_HALF_PT + 0.5,
            )
        ax.scatter(
            [0.0],
            [0.0],
            s=110,
            marker="s",
            c=style.siege_color(None if status is None else str(status.get("status"))),
            edgecolors=style.siege_edge(None if status is None else str(status.get("status"))),
            linewidths=1.4,
            zorder=Z["capitals"] + 0.5,
            gid="city",
        )
        avoid = [
            g for g in (_ring_circles(secs) if secs is not None else None, outline) if g is not None
        ]
        avoid_lines = (
            shapely.union_all(
                [shapely.boundary(g) if g.geom_type.endswith("Polygon") else g for g in avoid]
            )
            if avoid
            else None
        )
        bar, arrow = fu.add_scale_bar_and_arrow(ax, crs=crs, lines=avoid_lines)
        renderer = renderer_of(page.fig)
        obstacles = [bar.window_extent(renderer)] + [a.get_window_extent(renderer) for a in arrow]
        obstacles += _arrow_boxes(ax)
        cx, cy = ax.transData.transform((0.0, 0.0))
        reach_pt = _city_reach_pt(ax)
        half = reach_pt * page.fig.dpi / 72.0
        from matplotlib.transforms import Bbox

        lb.place_labels(
            ax,
            [
                lb.LabelSpec(
                    0.0, 0.0, name, "point", 0.0, marker_pt=2.0 * reach_pt - 5.0, fontsize=10.0
                ),
                *count_specs,
                *(_ring_label_specs(secs) if secs is not None else []),
                *area_specs,
                *region_specs,
            ],
            obstacles=obstacles,
            markers=[Bbox.from_extents(cx - half, cy - half, cx + half, cy + half)],
        )
        srcs = drawn_credits(
            [*sources, *evidence_credits(control)],
            boundaries=boundaries,
            outlines=nb_drawn,
            population=population if pop_drawn else None,
        ) + fu.events_credit(drawn_events if drawn_events is not None and not crowded else shown)
        finish_page(
            page,
            crs=crs,
            title=title or f"Siege of {name}",
            subtitle=fu.as_of_text(stamp) if stamp is not None else None,
            credits=srcs,
            sections=sections_for(in_view, pop_drawn, border),
        )
    return page.fig, ax


def _outline(
    boundaries: AdminBoundaries | None,
    districts: gpd.GeoDataFrame | None,
    crs: Any,
    tol: float,
    clip: tuple[float, float, float, float],
) -> Any:
    """The outer edge of the boundaries (or of the control table's districts), in view."""
    frame = boundaries.provinces if boundaries is not None else districts
    if frame is None or len(frame) == 0:
        return None
    g = frame.to_crs(crs)
    merged = shapely.union_all(shapely.simplify(np.asarray(g.geometry.array, dtype=object), tol))
    return shapely.clip_by_rect(merged, *clip)


def _plot_dense_population(
    ax: Axes, population: str | os.PathLike[str], *, crs: Any, view: BBox, width_px: int = 500
) -> Any:
    """Outline where at least :data:`DENSE_PEOPLE_PER_CELL` people live per cell."""
    grid = ly.population_grid(population, crs=crs, view=view, width_px=width_px)
    if grid is None:
        return None
    values = np.nan_to_num(grid, nan=0.0)
    if not (values >= DENSE_PEOPLE_PER_CELL).any():
        return None
    cs = ax.contour(
        values,
        levels=[DENSE_PEOPLE_PER_CELL],
        extent=(view[0], view[2], view[1], view[3]),
        origin="upper",
        colors=["#252525"],
        linewidths=0.8,
        linestyles=[(0, (1.0, 1.2))],
        zorder=Z["rings"] - 0.1,
    )
    cs.set_gid("population")
    return cs


def _plot_sector_grid(ax: Axes, secs: gpd.GeoDataFrame, *, crs: Any) -> None:
    """Sector and ring edges, and the hostile sectors' heavy outline (per ring)."""
    coll = ly.plot_outlines(
        ax, secs, crs=crs, gid="rings", color="#4d4d4d", linewidth=0.55, zorder=Z["rings"]
    )
    coll.set_alpha(0.9)
    if "hostile" in secs.columns:
        hostile = secs[secs["hostile"].astype(bool).to_numpy()].to_crs(crs)
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
                color=HOSTILE_SECTOR_STYLE["color"],
                linewidth=HOSTILE_SECTOR_STYLE["linewidth"],
                zorder=Z["rings"] + 0.05,
            )


def _sector_counts(
    secs: gpd.GeoDataFrame, *, crs: Any, core_total: int | None
) -> list[lb.LabelSpec]:
    """A count label in each sector beyond the core with hostile events; the core's
    total when its events are not drawn one by one."""
    if "hostile_events" not in secs.columns:
        return []
    n = pd.to_numeric(secs["hostile_events"], errors="coerce").fillna(0).astype(int).to_numpy()
    ring = secs["ring_index"].to_numpy()
    geo = secs.to_crs(crs)
    specs = []
    for i in np.flatnonzero((n > 0) & (ring > 0)).tolist():
        p = shapely.centroid(geo.geometry.iloc[i])
        specs.append(lb.LabelSpec(p.x, p.y, f"{n[i]:,}", "count", -1e6 + i))
    core_n = int(n[ring == 0].sum()) if core_total is None else core_total
    if core_total is not None and core_n:
        r = float(secs.loc[secs["ring_index"] == 0, "outer_m"].max())
        specs.append(
            lb.LabelSpec(
                r * 0.72,
                -r * 0.72,
                f"{core_n:,} events in the core",
                "count",
                -2e6,
                anchors=((-r * 0.72, -r * 0.72), (r * 0.72, r * 0.72), (-r * 0.72, r * 0.72)),
            )
        )
    return specs


def _corridor_runs(status: Mapping[str, Any] | pd.Series | None) -> list[tuple[float, float]]:
    """The open corridors of a status row as (from, to) bearings (none if the ring is
    closed or entirely open)."""
    if status is None:
        return []
    text = status.get("open_corridors")
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text):
        return []
    runs = []
    for part in str(text).split(";"):
        a, _, b = part.partition("-")
        try:
            lo, hi = float(a), float(b)
        except ValueError:
            continue
        if (hi - lo) % 360.0 == 0.0 and hi != lo:
            return []  # open all around: no corridor to point at
        runs.append((lo, hi))
    return runs


def _plot_corridor(
    ax: Axes, secs: gpd.GeoDataFrame, run: tuple[float, float]
) -> list[lb.LabelSpec]:
    """Outline an open corridor on the encirclement ring and point an arrow along it."""
    from matplotlib.patches import FancyArrow

    ring = 1 if (secs["ring_index"] == 1).any() else int(secs["ring_index"].max())
    rows = secs[secs["ring_index"] == ring]
    inner, outer = float(rows["inner_m"].min()), float(rows["outer_m"].max())
    lo, hi = run
    span = (hi - lo) % 360.0
    bearings = np.radians(lo + np.linspace(0.0, span, 64))
    xo, yo = outer * np.sin(bearings), outer * np.cos(bearings)
    xi, yi = inner * np.sin(bearings[::-1]), inner * np.cos(bearings[::-1])
    wedge = np.column_stack([np.r_[xo, xi, xo[:1]], np.r_[yo, yi, yo[:1]]])
    from matplotlib.collections import LineCollection

    st = CORRIDOR_STYLE
    ax.add_collection(
        LineCollection(
            [wedge],
            colors="white",
            linewidths=st["linewidth"] + 1.8,
            zorder=Z["frontlines"] - 0.02,
            gid="corridor-halo",
        ),
        autolim=False,
    )
    ax.add_collection(
        LineCollection(
            [wedge],
            colors=st["color"],
            linewidths=st["linewidth"],
            linestyles=[st["linestyle"]],
            zorder=Z["frontlines"],
            gid="corridor",
        ),
        autolim=False,
    )
    mid = np.radians(lo + span / 2.0)
    r0, r1 = inner + 0.15 * (outer - inner), outer + 0.12 * (outer - inner)
    ux, uy = np.sin(mid), np.cos(mid)
    arrow = FancyArrow(
        r0 * ux,
        r0 * uy,
        (r1 - r0) * ux,
        (r1 - r0) * uy,
        width=0.05 * (outer - inner),
        head_width=0.16 * (outer - inner),
        head_length=0.14 * (outer - inner),
        length_includes_head=True,
        facecolor="white",
        edgecolor=st["color"],
        linewidth=1.0,
        zorder=Z["frontlines"] + 0.05,
        gid="corridor-arrow",
    )
    ax.add_patch(arrow)
    tip = outer + 0.2 * (outer - inner)
    return [
        lb.LabelSpec(
            tip * ux,
            tip * uy,
            f"Open corridor ({_compass(lo)}–{_compass(hi)})",
            "count",
            -3e6,
            anchors=((0.5 * (inner + outer) * ux, 0.5 * (inner + outer) * uy),),
        )
    ]


def _arrow_boxes(ax: Axes) -> list[Any]:
    """Small display boxes along each corridor arrow (obstacles for labels; the arrow's
    own box would block its whole diagonal)."""
    from matplotlib.transforms import Bbox

    boxes = []
    for patch in ax.patches:
        if patch.get_gid() != "corridor-arrow":
            continue
        path = patch.get_path().transformed(patch.get_patch_transform())
        xy = ax.transData.transform(np.asarray(path.vertices))
        a, b = xy.min(axis=0), xy.max(axis=0)
        steps = max(2, int(np.hypot(*(b - a)) / 6.0))
        verts = np.asarray(path.vertices)
        tip, tail = verts[0], (verts[3] + verts[4]) / 2.0  # FancyArrow: tip first
        for t in np.linspace(0.0, 1.0, steps):
            x, y = ax.transData.transform(tail + t * (tip - tail))
            boxes.append(Bbox.from_extents(x - 4, y - 4, x + 4, y + 4))
    return boxes


def _compass(bearing: float) -> str:
    names = (
        "N",
        "NNE",
        "NE",
        "ENE",
        "E",
        "ESE",
        "SE",
        "SSE",
        "S",
        "SSW",
        "SW",
        "WSW",
        "W",
        "WNW",
        "NW",
        "NNW",
    )
    return names[int(np.round((bearing % 360.0) / 22.5)) % 16]


def _ring_circles(secs: gpd.GeoDataFrame) -> Any:
    t = np.linspace(0, 2 * np.pi, 181)
    radii = sorted({float(r) for r in pd.to_numeric(secs["outer_m"])})
    return shapely.multilinestrings(
        [shapely.linestrings(r * np.cos(t), r * np.sin(t)) for r in radii]
    )


def _ring_label_specs(secs: gpd.GeoDataFrame) -> list[lb.LabelSpec]:
    """Ring labels ("20 km") on each ring, at the first free bearing of NE, NW, SE, SW, E, W."""
    specs = []
    bearings = np.radians([45.0, 315.0, 135.0, 225.0, 90.0, 270.0, 0.0, 180.0])
    for j, r in enumerate(sorted({float(v) for v in pd.to_numeric(secs["outer_m"])})):
        pts = [(r * np.sin(b), r * np.cos(b)) for b in bearings]
        (x, y), more = pts[0], tuple(pts[1:])
        specs.append(lb.LabelSpec(x, y, f"{r / 1000:g} km", "ring", 5e5 + j, anchors=more))
    return specs


def _siege_sections(
    *,
    status: Mapping[str, Any] | pd.Series | None,
    secs: gpd.GeoDataFrame | None,
    events: gpd.GeoDataFrame | None,
    window: tuple[Any, int | None],
    control: bool,
    population: str | None,
    radius_m: float,
    districts: pd.DataFrame | None = None,
    corridor: bool = False,
    counts: bool = False,
    dense: bool = False,
    note: str | None = None,
    crowded: int = 0,
    border: bool = False,
) -> list[lg.LegendSection]:
    sections = []
    if status is not None:
        sections.append(_siege_notes(status))
    if secs is not None:
        hostile = "hostile" in secs.columns and bool(secs["hostile"].astype(bool).any())
        sections.append(_rings_section(secs, hostile=hostile, counts=counts, corridor=corridor))
    if events is not None:
        if len(events):
            ev = _event_sections(
                events, color_by="event_type", marker_by=None if dense else "initiator", dense=dense
            )
            if note and ev:
                ev[0] = lg.LegendSection(ev[0].title, ev[0].entries, tuple(note.split("\n")))
            sections.extend(ev)
        stamp, days = window
        if days is not None and stamp is not None:
            end = pd.Timestamp(stamp).normalize()
            text = fu.window_text(events, end - pd.Timedelta(days=days - 1), end)
        else:
            text = fu.window_text(events, None, None)
        n = len(events)
        if n:
            notes: tuple[str, ...] = (
                f"{n:,} event{'s' if n != 1 else ''}" + (f", {text}" if text else ""),
            )
            if crowded:
                notes += (f"{crowded:,} of them in the core: counted,", "not drawn one by one")
            if dense:
                notes += ("one dot per event",)
        else:
            notes = (f"None within {radius_m / 1000:.0f} km" + (f", {text}" if text else ""),)
        sections.append(lg.LegendSection("Events shown", notes=notes))
    if control:
        if districts is not None:
            sections.append(
                lg.status_section(
                    counts=sc.class_counts(districts, graded=False, assumed=False),
                    assumed=sc.class_counts(districts, graded=False, assumed=True),
                    title="District control",
                    show_counts=False,
                )
            )
        else:
            sections.append(lg.status_section(include_no_data=False, title="District control"))
    if population:
        sections.append(
            lg.LegendSection(
                population,
                (
                    lg.LegendEntry(
                        f"Densely populated (at least {DENSE_PEOPLE_PER_CELL:,.0f}\npeople per 1 km cell)",
                        "line",
                        {"color": "#252525", "linewidth": 0.8, "linestyle": (0, (1.0, 1.2))},
                    ),
                ),
            )
        )
    if border:
        sections.append(
            lg.LegendSection(
                "Boundaries",
                (
                    lg.LegendEntry(
                        "International border",
                        "line",
                        {"color": style.COUNTRY_EDGE, "linewidth": 1.2},
                    ),
                ),
            )
        )
    return sections


def _population_title(population: str | os.PathLike[str] | None) -> str:
    from geofront.maps.view import _is_bundled_population

    if population is None or _is_bundled_population(population):
        return "Population (WorldPop 2020)"
    return "Population"


def _window_events(
    events: gpd.GeoDataFrame, *, as_of: Any, window_days: int | None
) -> gpd.GeoDataFrame:
    """The events overlapping ``(as_of - window_days, as_of]`` (all without a window)."""
    if window_days is None:
        return events
    if as_of is None:
        raise InputError("siege_map: window_days needs as_of (or a status with as_of)")
    if "date" not in events.columns:
        raise InputError("siege_map: events have no date column to select the window")
    day = pd.Timestamp(as_of).normalize()
    start = day - pd.Timedelta(days=int(window_days))
    date = pd.to_datetime(events["date"], errors="coerce")
    end = pd.to_datetime(events["date_end"], errors="coerce") if "date_end" in events else date
    end = end.fillna(date)
    return events[((date <= day) & (end > start)).to_numpy()]


#: Half-diagonal in points of the city's square marker (110 pt² area).
_CITY_HALF_PT: Final = float(np.sqrt(110.0) / 2.0 * np.sqrt(2.0))


def _snap_to_city(events: gpd.GeoDataFrame, *, crs: Any, within_m: float) -> gpd.GeoDataFrame:
    """Events in ``crs`` (centred on the city); those within ``within_m`` of it moved onto it."""
    ev = events.to_crs(crs)
    geo = np.asarray(ev.geometry.array, dtype=object)
    near = np.hypot(shapely.get_x(geo), shapely.get_y(geo)) <= within_m
    if near.any():
        ev = ev.set_geometry(np.where(near, shapely.Point(0.0, 0.0), geo), crs=crs)
    return ev


def _city_reach_pt(ax: Axes) -> float:
    """How far (points) the city's marker, and events spread around it, reach from it."""
    reach = 7.0
    places = next((c for c in ax.collections if c.get_gid() == "events:stack-places"), None)
    if places is not None:
        off = np.asarray(places.get_offsets())
        at_city = np.hypot(off[:, 0], off[:, 1]) < 1.0
        if at_city.any():
            extent = np.asarray(places.geofront_extent_pt)  # type: ignore[attr-defined]
            reach = max(reach, float(extent[at_city].max()))
    return reach


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
            zorder=Z["labels"],
            path_effects=[pe.withStroke(linewidth=2.0, foreground="white")],
            gid="ring-label",
        )


def _siege_notes(status: Mapping[str, Any] | pd.Series) -> lg.LegendSection:
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
        # long lists wrap to the legend panel's width
        text = f"Open corridors: {_corridors_text(str(cor))}"
        notes.extend(textwrap.wrap(text, 40, subsequent_indent="  "))
    near = status.get("nearest_hostile_m")
    if near is not None and pd.notna(near):
        notes.append(f"Nearest hostile event: {float(near) / 1000:.1f} km")
    entry = lg.LegendEntry(
        f"Status: {st}",
        "marker",
        {
            "marker": "s",
            "facecolor": style.siege_color(st),
            "edgecolor": style.TEXT,
            "markersize": 8,
        },
    )
    return lg.LegendSection("Siege assessment", (entry,), tuple(notes))


def _corridors_text(text: str) -> str:
    if not text:
        return "none"
    parts = []
    for run in text.split(";"):
        a, _, b = run.partition("-")
        try:
            lo, hi = float(a), float(b)
        except ValueError:
            parts.append(run)
            continue
        if (hi - lo) % 360.0 == 0.0 and hi != lo:
            return "all directions"
        parts.append(f"{lo:.0f}°–{hi:.0f}°")
    return ", ".join(parts) + " (bearings)"
