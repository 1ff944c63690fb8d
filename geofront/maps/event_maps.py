"""The events map: points by event type or side over a neutral base, optional hexbins.

The legend sections for events (colour by type or side, shape by initiating side, size
by fatalities) are built here and shared with the siege map.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from geofront.boundaries import AdminBoundaries
from geofront.maps import furniture as fu
from geofront.maps import labels as lb
from geofront.maps import points as pn
from geofront.maps import style
from geofront.maps.control_maps import (
    _capital_layer,
    _control_scene,
    _draw_control,
    _plain_capital_section,
)
from geofront.maps.style import Z
from geofront.maps.view import (
    _graticule_labels,
    _page,
    _sources_line,
    _units_per_px,
    draw_legend,
    drawn_credits,
)


def _side_order(values: pd.Series) -> list[str]:
    present = set(values.astype("string").fillna("unknown"))
    return [s for s in style.SIDE_ORDER if s in present] + sorted(present - set(style.SIDE_ORDER))


def _event_sections(
    events: pd.DataFrame,
    *,
    color_by: str,
    marker_by: str | None,
    max_spread: int = pn.MAX_SPREAD,
    dense: bool = False,
) -> list[fu.LegendSection]:
    """Legend sections of an event layer drawn by :func:`geofront.maps.points.plot_events`:
    colour classes (in the layer's legend order and colours), shapes, sizes, stacks."""
    events = pn.with_initiator(events, color_by, marker_by)
    side = color_by.startswith("side") or color_by == "initiator"
    if side:
        colours = {c: style.side_color(c) for c in _side_order(events[color_by])}
    else:
        colours = style.event_type_colors(events[color_by].astype("string").fillna("unknown"))
    colour_entries = tuple(
        fu.LegendEntry(c, "marker", {"marker": "o", "facecolor": f, "edgecolor": "white"})
        for c, f in colours.items()
    )
    title = {"initiator": "Events by initiating side", "side1": "Events by side of actor 1"}.get(
        color_by, "Events by side" if side else "Events by type"
    )
    out = [fu.LegendSection(title, colour_entries)]
    if marker_by and marker_by in events.columns:
        out.append(
            fu.LegendSection(
                "Initiating side (shape)",
                tuple(
                    fu.LegendEntry(
                        s,
                        "marker",
                        {
                            "marker": pn.SIDE_MARKERS.get(s, "o"),
                            "facecolor": "#bdbdbd",
                            "edgecolor": style.TEXT,
                        },
                    )
                    for s in _side_order(events[marker_by])
                ),
            )
        )
    if dense:  # plain dots: no sizes, no stacks
        return out
    if "fatalities" in events.columns:
        sizes = []
        for f in (0, 10, 50):
            area = float(pn.fatality_marker_area([f])[0])
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
    if isinstance(events, gpd.GeoDataFrame):
        _, count = pn.event_stacks(events)
        notes = []
        if ((count >= 2) & (count <= max_spread)).any():
            notes.append("Events at the same place are spread")
            notes.append("around a dot that marks the place")
        if (count > max_spread).any():
            notes.append(f"×n: n events at one place (over {max_spread})")
        if notes:
            out.append(fu.LegendSection("Events at one place", notes=tuple(notes)))
    return out


#: Above this many events a map draws them as small plain dots (no sizes, no spread
#: stacks, labels free to sit over them); with ``hexbin`` only the density is drawn.
DENSE_EVENTS: Final = 5000


def lump_event_types(
    events: gpd.GeoDataFrame, *, column: str = "event_type", max_classes: int | None = None
) -> gpd.GeoDataFrame:
    """Return ``events`` with the rarest types of ``column`` lumped into one class.

    When there are more than ``max_classes`` types (default
    :data:`geofront.maps.style.MAX_EVENT_TYPE_CLASSES`, the most colours a reader tells
    apart), the ``max_classes - 1`` most frequent keep their name (ties: legend order) and
    the others become ``"Other types (k)"``, drawn in grey, last in the legend. A new
    frame; the input is not modified. Missing types count as ``"unknown"``.
    """
    limit = style.MAX_EVENT_TYPE_CLASSES if max_classes is None else int(max_classes)
    if column not in events.columns:
        return events
    values = events[column].astype("string").fillna("unknown")
    counts = values.value_counts()
    if len(counts) <= limit:
        return events
    rank = {n: i for i, n in enumerate(style.event_type_order(counts.index))}
    ordered = sorted(counts.index, key=lambda n: (-int(counts[n]), rank[n]))
    keep = set(ordered[: limit - 1])
    other = f"{style.OTHER_EVENT_TYPES} ({len(ordered) - len(keep)})"
    return events.assign(**{column: values.where(values.isin(keep), other).astype(object)})


def _density_section(counts: np.ndarray | None, cmap: Any, size_m: float) -> fu.LegendSection:
    """Hexagon colours for 1 event, the middle and the most (placeholders without counts)."""
    hi = int(counts.max()) if counts is not None and len(counts) else 3
    values = sorted({1, max(1, int(round((1 + hi) / 2))), hi})
    while len(values) < 3:
        values.append(values[-1])

    def norm(v: int) -> float:
        return 0.0 if hi <= 1 else (v - 1) / (hi - 1)

    entries = tuple(
        fu.LegendEntry(
            f"{v:,} event{'s' if v != 1 else ''}",
            "patch",
            {"facecolor": cmap(norm(v)), "edgecolor": "white", "alpha": 0.85},
        )
        for v in values[:3]
    )
    return fu.LegendSection(f"Events per hexagon ({size_m / 1000:g} km across)", entries)


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
        More than nine event types: the rarest are lumped into ``"Other types (k)"``
        (:func:`lump_event_types`). More than :data:`DENSE_EVENTS` events: drawn as small
        plain dots, or with ``hexbin`` as the density alone.
    boundaries : AdminBoundaries
        Districts and provinces drawn as a neutral base.
    color_by : {"event_type", "initiator", "side1", "side2"}
        ``initiator`` is the side that started the event (ACLED ``actor1``); UCDP rows
        have none on record (their ``side_a`` is only the dyad's first party).
    hexbin : bool
        Draw event counts per hexagon under the points; hexagons ``hex_size_m`` across
        (default 1/30 of the view width, rounded), with a colour key of counts.
    province, bbox
        Zoom as in :func:`control_map`.

    Returns
    -------
    (Figure, Axes)
        Gids ``events:<class>``, ``hexbin``, ``districts``...; title carries the window.
    """
    base = boundaries.districts.assign(status="unknown")
    events = pn.with_initiator(events, color_by)
    if color_by == "event_type":
        events = lump_event_types(events)
    dense = len(events) > DENSE_EVENTS
    points = len(events) > 0 and not (dense and hexbin)
    with style.map_style():
        scene = _control_scene(base, boundaries, province, bbox)
        zoomed = scene.focus is not None or scene.bbox is not None
        cmap = matplotlib.colormaps["YlOrBr"]
        size = hex_size_m or float(
            fu.nice_length_km((scene.view[2] - scene.view[0]) / 30000.0) * 1000.0
        )
        has_caps = capitals is not None and len(capitals) > 0

        def sections_for(counts: np.ndarray | None) -> list[fu.LegendSection]:
            out = (
                _event_sections(events, color_by=color_by, marker_by=None, dense=dense)
                if points
                else []
            )
            if hexbin and len(events):
                out.append(_density_section(counts, cmap, size))
            shown = f"{len(events):,} event{'s' if len(events) != 1 else ''}"
            notes = [shown + (" (density only)" if hexbin and not points else "")]
            if dense and points:
                notes.append("one dot per event")
            out.append(fu.LegendSection("Events shown", notes=tuple(notes)))
            if has_caps:
                assert capitals is not None
                out.append(
                    fu.siege_section() if "status" in capitals.columns else _plain_capital_section()
                )
            return out

        page = _page(scene.view, width_in=width_in, inset=zoomed, sections=sections_for(None))
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
        counts = None
        if hexbin and len(events):
            hb = pn.plot_hexbin(ax, events, crs=scene.crs, view=view, hex_size_m=size, cmap=cmap)
            hb.geofront_size_m = size  # type: ignore[attr-defined]
            counts = np.asarray(hb.get_array())
            for art in ax.get_children():  # borders stay readable over the hexagons
                if art.get_gid() in ("country", "provinces", "focus"):
                    art.set_zorder(Z["hexbin"] + art.get_zorder() / 100.0)
        if points:
            pn.plot_events(
                ax,
                events,
                crs=scene.crs,
                color_by=color_by,
                alpha=(0.45 if dense else 0.6 if hexbin else 0.85),
                size_by=None if dense else "fatalities",
                spread_stacks=not dense,
                dot_pt2=3.0 if dense else 18.0,
                edge_pt=0.0 if dense else 0.5,
                stack_clear_pt=5.0 if capitals is not None else 2.5,  # clear a capital's marker
            )
        caps, cap_specs, _ = _capital_layer(ax, capitals, scene.crs, view)
        if caps is not None and not dense:  # few events stay visible above the capitals
            caps.set_zorder(Z["events"] - 0.1)
        bar = fu.add_scale_bar(ax, crs=scene.crs, avoid=drawn.get("outline"))
        arrow = fu.add_north_arrow(ax, crs=scene.crs)
        _graticule_labels(ax, drawn["graticule"])
        renderer = page.fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [bar.window_extent(renderer)] + [a.get_window_extent(renderer) for a in arrow]
        specs = list(cap_specs) + [
            lb.LabelSpec(x, y, n, "region", 1e12 + i)
            for i, (x, y, n) in enumerate(drawn["region_labels"])
        ]
        event_boxes = (
            []
            if dense
            else [
                box
                for c in ax.collections
                if isinstance(c, PathCollection) and str(c.get_gid()).startswith("events:")
                for box in lb.marker_boxes(ax, c)
            ]
        )
        lb.place_labels(
            ax,
            specs,
            obstacles=obstacles,
            markers=(lb.marker_boxes(ax, caps, size_pt=6.5) if caps is not None else [])
            + event_boxes,
        )
        draw_legend(page, sections_for(counts))
        if page.inset is not None:
            fu.add_inset_locator(page.inset, boundaries.provinces, crs=scene.crs, view=view)
        window = fu.window_text(events, start, end)
        fu.add_title_block(
            page.fig,
            title or (f"Conflict events, {scene.place}" if scene.place else "Conflict events"),
            window or None,
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
            _sources_line(credits + fu.events_credit(events), scene.crs),
            x_in=page.left_in,
            y_in=page.bottom_in - 0.2,
            width_in=page.width_in - 2 * page.left_in,
        )
    return page.fig, ax
