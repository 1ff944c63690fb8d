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
from geofront.crs import WGS84, local_aeqd
from geofront.errors import InputError
from geofront.maps import furniture as fu
from geofront.maps import labels as lb
from geofront.maps import layers as ly
from geofront.maps import points as pn
from geofront.maps import style
from geofront.maps.event_maps import _event_sections
from geofront.maps.style import Z
from geofront.maps.view import (
    BBox,
    _map_width_in,
    _page,
    _sources_line,
    _units_per_px,
    draw_legend,
    drawn_credits,
)


def _hostility_section() -> fu.LegendSection:
    cmap = ly.hostility_cmap()
    bins = _event_bins()
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


def _event_bins() -> list[tuple[str, float]]:
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
    boundaries: AdminBoundaries | None = None,
    neighbours: gpd.GeoDataFrame | None = None,
    radius_m: float | None = None,
    as_of: Any = None,
    window_days: int | None = None,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries", "population", "places", "outlines"),
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
        by ``fatalities``. Events at one place are spread around it
        (:func:`geofront.maps.points.plot_events`); so are events under the city's marker.
        Only events within ``radius_m`` east-west and north-south of the city are drawn;
        the legend lists their types and gives how many are shown and their dates.
    control : GeoDataFrame, optional
        Control table with district polygons, shown as light status shading and borders.
    population : path, optional
        Population raster (e.g. ``datasets.get_path("afg-population")``) drawn as a muted
        backdrop, read only over the view; left out (with its legend and credit) when it
        has no populated cell in the view.
    boundaries : AdminBoundaries, optional
        The boundaries the control was computed on: their outer edge is drawn (the
        international border when there are neighbours) and they are credited (the
        bundled source, or the user's file by name).
    neighbours : GeoDataFrame, optional
        Surrounding countries (``name`` column), drawn in grey with their names where the
        view reaches beyond the boundaries (:func:`geofront.maps.bundled_context`).
    radius_m : float, optional
        Half-width of the view; default 8 % beyond the outermost ring (30 km without rings).
    as_of : date-like, optional
        Date of the assessment, stamped under the title (default: ``status["as_of"]``).
    window_days : int, optional
        Draw only the events of the siege window ``(as_of - window_days, as_of]`` (the
        window of :func:`geofront.siege.assess_sieges`); default: every event given.

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
    if not (np.isfinite(radius_m) and radius_m > 0):
        raise InputError(f"siege map radius must be a positive distance, got {radius_m:g} m")
    view0: BBox = (-radius_m, -radius_m, radius_m, radius_m)
    stamp = as_of if as_of is not None else (status.get("as_of") if status is not None else None)
    shown = None
    if events is not None and len(events):
        shown = _window_events(events, as_of=stamp, window_days=window_days)
        # the map is square or taller, so its width spans 2 * radius_m
        m_per_pt = 2.0 * radius_m / (_map_width_in(width_in) * 72.0)
        shown = _snap_to_city(shown, crs=crs, within_m=_CITY_HALF_PT * m_per_pt)
        geo = np.asarray(shown.geometry.array, dtype=object)
        inside = (np.abs(shapely.get_x(geo)) <= radius_m) & (np.abs(shapely.get_y(geo)) <= radius_m)
        shown = shown[inside]
    # the view is square or taller and holds view0: no people in view0, none drawn
    has_pop = population is not None and (
        ly.population_grid(population, crs=crs, view=view0, width_px=100) is not None
    )
    sections = _siege_sections(
        status=status,
        secs=secs,
        events=shown,
        window=(stamp, window_days),
        control=control is not None and len(control) > 0,
        population=_population_title(population) if has_pop else None,
        radius_m=radius_m,
    )
    with style.map_style():
        page = _page(
            view0,
            width_in=width_in,
            inset=False,
            sections=sections,
            min_height_in=6.4,
            max_aspect=1.45,
        )
        ax, view = page.ax, page.view
        ax.geofront_crs = crs  # type: ignore[attr-defined]
        tol = 0.5 * _units_per_px(page, dpi)
        region_specs: list[lb.LabelSpec] = []
        nb_drawn = False
        if neighbours is not None and len(neighbours):
            nb = neighbours.to_crs(crs)
            if shapely.intersects(
                np.asarray(nb.geometry.array, dtype=object), shapely.box(*view)
            ).any():
                _, anchors = ly.plot_neighbours(ax, neighbours, crs=crs, view=view, simplify_m=tol)
                region_specs = [
                    lb.LabelSpec(x, y, n, "region", 1e12 + i) for i, (x, y, n) in enumerate(anchors)
                ]
                nb_drawn = True
        if has_pop:
            assert population is not None
            # no finer grid than the figure has pixels (a small map draws in a blink)
            grid_px = int(min(700, max(50, width_in * dpi)))
            ly.plot_population(ax, population, crs=crs, view=view, width_px=grid_px)
        if boundaries is not None:
            pm = boundaries.provinces.to_crs(crs)
            m = 0.2 * (view[2] - view[0])
            outline = shapely.clip_by_rect(
                shapely.union_all(
                    shapely.simplify(np.asarray(pm.geometry.array, dtype=object), tol)
                ),
                view[0] - m,
                view[1] - m,
                view[2] + m,
                view[3] + m,
            )
            ly.plot_outlines(
                ax,
                gpd.GeoSeries([outline], crs=crs),
                crs=crs,
                gid="country",
                color=style.COUNTRY_EDGE,
                linewidth=1.1,
            )
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
                lb.LabelSpec(p.x, p.y, str(n), "area", 1e6 + i)
                for i, (n, g) in enumerate(zip(dm["district"].astype(str), inner, strict=True))
                if shapely.area(g) > 0.03 * (view[2] - view[0]) ** 2
                for p in [lb.label_point(lb.largest_part(g))]
            ]
        else:
            area_specs = []
        if secs is not None:
            rings = secs.copy()
            if "hostile_events" in rings.columns:
                counts = pd.to_numeric(rings["hostile_events"], errors="coerce").to_numpy()
                rings["level"] = _sector_level(counts)
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
                        zorder=Z["rings"] + 0.05,
                    )
            del coll
            _ring_labels(ax, secs)
        if shown is not None:
            pn.plot_events(
                ax,
                shown,
                crs=crs,
                color_by="event_type",
                marker_by="initiator",
                stack_clear_pt=_CITY_HALF_PT + 0.5,
            )
        ax.scatter(
            [0.0],
            [0.0],
            s=110,
            marker="s",
            c=style.siege_color(None if status is None else str(status.get("status"))),
            edgecolors=style.TEXT,
            linewidths=1.2,
            zorder=Z["events"] - 0.1,
            gid="city",
        )
        bar = fu.add_scale_bar(ax, crs=crs)
        arrow = fu.add_north_arrow(ax, crs=crs)
        renderer = page.fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [bar.window_extent(renderer)] + [a.get_window_extent(renderer) for a in arrow]
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
                *area_specs,
                *region_specs,
            ],
            obstacles=obstacles,
            markers=[Bbox.from_extents(cx - half, cy - half, cx + half, cy + half)],
        )
        draw_legend(page, sections)
        fu.add_title_block(
            page.fig,
            title or f"Siege of {name}",
            fu.as_of_text(stamp) if stamp is not None else None,
            x_in=page.left_in,
            top_in=0.2,
        )
        srcs = drawn_credits(
            sources,
            boundaries=boundaries,
            outlines=nb_drawn,
            population=population if has_pop else None,
        ) + fu.events_credit(shown)
        fu.add_attribution(
            page.fig,
            _sources_line(srcs, crs),
            x_in=page.left_in,
            y_in=page.bottom_in - 0.2,
            width_in=page.width_in - 2 * page.left_in,
        )
    return page.fig, ax


def _siege_sections(
    *,
    status: Mapping[str, Any] | pd.Series | None,
    secs: gpd.GeoDataFrame | None,
    events: gpd.GeoDataFrame | None,
    window: tuple[Any, int | None],
    control: bool,
    population: str | None,
    radius_m: float,
) -> list[fu.LegendSection]:
    sections = []
    if status is not None:
        sections.append(_siege_notes(status))
    if secs is not None:
        sections.append(_hostility_section())
    if events is not None:
        if len(events):
            sections.extend(_event_sections(events, color_by="event_type", marker_by="initiator"))
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
        else:
            notes = (f"None within {radius_m / 1000:.0f} km" + (f", {text}" if text else ""),)
        sections.append(fu.LegendSection("Events shown", notes=notes))
    if control:
        sections.append(
            fu.status_section(include_no_data=False, title="District control (shading)")
        )
    if population:
        sections.append(
            fu.LegendSection(
                population,
                (
                    fu.LegendEntry("Few people", "patch", {"facecolor": "#f0f0f0"}),
                    fu.LegendEntry("Many people per km²", "patch", {"facecolor": "#5c5c5c"}),
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
        # long lists wrap to the legend panel's width
        text = f"Open corridors: {_corridors_text(str(cor))}"
        notes.extend(textwrap.wrap(text, 40, subsequent_indent="  "))
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
            lo, hi = float(a), float(b)
        except ValueError:
            parts.append(run)
            continue
        if (hi - lo) % 360.0 == 0.0 and hi != lo:
            return "all directions"
        parts.append(f"{lo:.0f}°–{hi:.0f}°")
    return ", ".join(parts) + " (bearings)"
