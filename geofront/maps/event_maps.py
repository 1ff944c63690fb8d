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
from geofront.defaults import MAP_DPI
from geofront.errors import InputError
from geofront.maps import furniture as fu
from geofront.maps import labels as lb
from geofront.maps import legend as lg
from geofront.maps import points as pn
from geofront.maps import scene as sc
from geofront.maps import style
from geofront.maps.page import (
    page_for,
    units_per_px,
)
from geofront.maps.style import Z
from geofront.maps.view import (
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
) -> list[lg.LegendSection]:
    """Legend sections of an event layer drawn by :func:`geofront.maps.points.plot_events`:
    colour classes (in the layer's legend order and colours), shapes, sizes, stacks."""
    events = pn.with_initiator(events, color_by, marker_by)
    side = color_by.startswith("side") or color_by == "initiator"
    if side:
        colours = {c: style.side_color(c) for c in _side_order(events[color_by])}
    else:
        colours = style.event_type_colors(events[color_by].astype("string").fillna("unknown"))
    colour_entries = tuple(
        lg.LegendEntry(c, "marker", {"marker": "o", "facecolor": f, "edgecolor": "white"})
        for c, f in colours.items()
    )
    title = {"initiator": "Events by initiating side", "side1": "Events by side of actor 1"}.get(
        color_by, "Events by side" if side else "Events by type"
    )
    out = [lg.LegendSection(title, colour_entries)]
    if marker_by and marker_by in events.columns:
        out.append(
            lg.LegendSection(
                "Initiating side (shape)",
                tuple(
                    lg.LegendEntry(
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
                lg.LegendEntry(
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
        out.append(lg.LegendSection("Size: reported fatalities", tuple(sizes)))
    if isinstance(events, gpd.GeoDataFrame):
        _, count = pn.event_stacks(events)
        notes = []
        if ((count >= 2) & (count <= max_spread)).any():
            notes.append("Events at the same place are spread")
            notes.append("around a dot that marks the place")
        if (count > max_spread).any():
            notes.append(f"×n: n events at one place (over {max_spread})")
        if notes:
            out.append(lg.LegendSection("Events at one place", notes=tuple(notes)))
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


#: Most colour classes of a density map (a reader tells six steps of one hue apart).
MAX_DENSITY_CLASSES: Final = 6


def density_breaks(counts: Any, *, scheme: str = "log") -> np.ndarray:
    """Class breaks (integers, lower bounds, then one past the largest count) for counts.

    ``log``: a 1-2-5 sequence (1, 2, 5, 10, 20, 50, ...) thinned to at most
    :data:`MAX_DENSITY_CLASSES` classes (1, 3, 10, 30, ... or powers of ten when the
    range is wide), so one very dense cell (a capital) does not wash every other cell
    out as a linear scale does. ``quantile``: breaks at equal shares of the cells, made
    unique. Every count falls in one class: ``breaks[i] <= count < breaks[i + 1]``.
    """
    c = np.asarray(counts, dtype=float)
    c = c[np.isfinite(c) & (c >= 1)]
    hi = int(c.max()) if len(c) else 1
    if scheme == "quantile":
        qs = np.quantile(c, np.linspace(0, 1, MAX_DENSITY_CLASSES + 1)) if len(c) else [1.0]
        edges = sorted({int(np.floor(q)) for q in qs[:-1]} | {1})
    elif scheme == "log":
        edges = []
        for seq in ((1, 2, 5), (1, 3), (1,)):
            edges = [m * 10**e for e in range(0, 12) for m in seq if m * 10**e <= hi]
            if len(edges) <= MAX_DENSITY_CLASSES:
                break
        step = 1
        while len(edges) > MAX_DENSITY_CLASSES:  # powers of ten are still too many
            step += 1
            edges = [10 ** (e * step) for e in range(0, 12) if 10 ** (e * step) <= hi]
    else:
        raise InputError(f"density scheme {scheme!r} is not log or quantile")
    return np.asarray([*edges, hi + 1], dtype=np.int64)


def density_colors(n: int, cmap: Any = "YlOrRd") -> list[Any]:
    """``n`` colours from light to dark (the lightest still visible on white)."""
    cm = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    return [cm(v) for v in np.linspace(0.18, 1.0, n)] if n > 1 else [cm(0.6)]


def _range_label(lo: int, hi: int) -> str:
    return f"{lo:,}" if hi - lo <= 1 else f"{lo:,}–{hi - 1:,}"


def _density_section(
    counts: np.ndarray | None, breaks: np.ndarray, colors: Sequence[Any], size_m: float, scheme: str
) -> lg.LegendSection:
    """One entry per class that has a hexagon (all classes before drawing)."""
    entries = []
    for i in range(len(breaks) - 1):
        lo, hi = int(breaks[i]), int(breaks[i + 1])
        if counts is not None and not ((counts >= lo) & (counts < hi)).any():
            continue
        entries.append(
            lg.LegendEntry(
                _range_label(lo, hi), "patch", {"facecolor": colors[i], "edgecolor": "white"}
            )
        )
    how = "log classes" if scheme == "log" else "quantile classes"
    return lg.LegendSection(
        f"Events per hexagon ({size_m / 1000:g} km across)",
        tuple(entries),
        (f"{how}; the darkest holds the most",),
    )


#: UCDP GED's types of violence shown as the ACLED event type they correspond to when a
#: map shows both sources (one taxonomy per legend): state-based and non-state conflict are
#: armed clashes (ACLED ``Battles``), one-sided violence is violence against civilians.
UCDP_AS_ACLED: Final[dict[str, str]] = {
    "State-based conflict": "Battles",
    "Non-state conflict": "Battles",
    "One-sided violence": "Violence against civilians",
}


def harmonise_event_types(events: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, str | None]:
    """Events with UCDP's types of violence shown as ACLED event types when both sources
    are present (:data:`UCDP_AS_ACLED`), and the legend note saying so (None otherwise).
    A new frame; the input is not modified."""
    if "event_type" not in events.columns or len(events) == 0:
        return events, None
    types = events["event_type"].astype("string")
    ucdp = types.isin(list(UCDP_AS_ACLED)).to_numpy()
    acled = types.isin(list(style.EVENT_TYPE_ORDER[:6])).to_numpy()
    if not (ucdp.any() and acled.any()):
        return events, None
    mapped = types.map(lambda t: UCDP_AS_ACLED.get(t, t) if pd.notna(t) else t)
    note = "UCDP conflict shown as Battles,\none-sided violence as Violence against civilians"
    return events.assign(event_type=mapped.astype(object).to_numpy()), note


def events_map(
    events: gpd.GeoDataFrame,
    *,
    boundaries: AdminBoundaries,
    neighbours: gpd.GeoDataFrame | bool | None = None,
    capitals: gpd.GeoDataFrame | bool | None = None,
    color_by: str = "event_type",
    hexbin: bool = False,
    hex_size_m: float | None = None,
    hex_classes: str = "log",
    province: str | None = None,
    bbox: Sequence[float] | None = None,
    start: Any = None,
    end: Any = None,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries", "outlines", "places"),
    width_in: float = 10.0,
    dpi: float = MAP_DPI,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Map events as points coloured by type or side (optionally a hexbin density).

    Parameters
    ----------
    events : GeoDataFrame
        Events with point geometry (canonical columns), any CRS; filter them to the time
        window first: ``start``/``end`` only label it (default: the events' dates).
        More than nine event types: the rarest are lumped into ``"Other types (k)"``
        (:func:`lump_event_types`). UCDP and ACLED rows together: UCDP's types are shown
        as ACLED's (:func:`harmonise_event_types`). More than :data:`DENSE_EVENTS` events:
        drawn as small plain dots, or with ``hexbin`` as the density alone.
    boundaries : AdminBoundaries
        Districts and provinces drawn as a neutral base.
    neighbours, capitals : GeoDataFrame, bool, optional
        As for :func:`geofront.maps.control_map` (default: the bundled ones on the
        bundled boundaries).
    color_by : {"event_type", "initiator", "side1", "side2"}
        ``initiator`` is the side that started the event (ACLED ``actor1``); UCDP rows
        have none on record (their ``side_a`` is only the dyad's first party).
    hexbin : bool
        Draw event counts per hexagon under the points; hexagons ``hex_size_m`` across
        (default 1/30 of the view width, rounded).
    hex_classes : {"log", "quantile"}
        Colour classes of the counts (:func:`density_breaks`): the key lists each class
        drawn.
    province, bbox
        Zoom as in :func:`geofront.maps.control_map`.

    ax : matplotlib Axes, optional
        Draw the map into this Axes (its view grown to the Axes' shape) instead of a new
        page: title and subtitle on the Axes, the source line under it; the legend panel
        and locator inset are left to the caller.

    Returns
    -------
    (Figure, Axes)
        Gids ``events:<class>``, ``hexbin`` (its ``geofront_breaks`` attribute holds the
        class breaks), ``districts``...; title carries the window.
    """
    ctx = sc.context_layers(boundaries, capitals=capitals, neighbours=neighbours)
    caps_in, nb_in = ctx["capitals"], ctx["neighbours"]
    base = boundaries.districts.assign(status="unknown")
    events = pn.with_initiator(events, color_by)
    note = None
    if color_by == "event_type":
        events, note = harmonise_event_types(events)
        events = lump_event_types(events)
    dense = len(events) > DENSE_EVENTS
    points = len(events) > 0 and not (dense and hexbin)
    with style.map_style():
        scene = sc.control_scene(base, boundaries, province, bbox)
        size = hex_size_m or float(
            fu.nice_length_km((scene.view[2] - scene.view[0]) / 30000.0) * 1000.0
        )
        has_caps = caps_in is not None and len(caps_in) > 0
        breaks: np.ndarray | None = None
        colors: list[Any] = []

        def sections_for(
            counts: np.ndarray | None, caps: sc.Capitals | None
        ) -> list[lg.LegendSection]:
            out = (
                _event_sections(events, color_by=color_by, marker_by=None, dense=dense)
                if points
                else []
            )
            if note and out:
                out[0] = lg.LegendSection(out[0].title, out[0].entries, tuple(note.split("\n")))
            if hexbin and len(events) and breaks is not None:
                out.append(_density_section(counts, breaks, colors, size, hex_classes))
            shown = f"{len(events):,} event{'s' if len(events) != 1 else ''}"
            notes = [shown + (" (density only)" if hexbin and not points else "")]
            if dense and points:
                notes.append("one dot per event")
            out.append(lg.LegendSection("Events shown", notes=tuple(notes)))
            if has_caps and (caps is None or caps.collection is not None):
                out.append(
                    sc.capitals_section(caps_in, caps)
                    if caps is not None
                    else sc.plain_capital_section()
                )
            return out

        if hexbin and len(events):
            # the breaks need the counts: a first, cheap binning over the scene's view
            breaks = density_breaks(_hex_counts(events, scene, size), scheme=hex_classes)
            colors = density_colors(len(breaks) - 1)
        page = page_for(
            scene.view,
            ax=ax,
            width_in=width_in,
            inset=scene.zoomed,
            sections=sections_for(None, None),
        )
        ax, view = page.ax, page.view
        ax.geofront_crs = scene.crs  # type: ignore[attr-defined]
        tol = 0.5 * units_per_px(page, dpi)
        drawn = sc.draw_base(
            ax, scene, view, frontlines=None, neighbours=nb_in, tol=tol, graticule=True
        )
        drawn.districts.set_facecolor("#fafaf8")
        drawn.districts.set_edgecolor("#dddddd")
        counts = None
        if hexbin and len(events) and breaks is not None:
            hb = pn.plot_hexbin(ax, events, crs=scene.crs, view=view, hex_size_m=size)
            counts = np.asarray(hb.get_array())
            breaks = density_breaks(counts, scheme=hex_classes)
            colors = density_colors(len(breaks) - 1)
            _classify(hb, breaks, colors)
            hb.geofront_size_m = size  # type: ignore[attr-defined]
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
                stack_clear_pt=5.0 if caps_in is not None else 2.5,  # clear a capital's marker
                inside=drawn.outline,
            )
        caps = sc.capital_layer(ax, caps_in, scene.crs, view)
        if caps.collection is not None and not dense:  # few events stay visible above
            caps.collection.set_zorder(Z["events"] - 0.1)
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
        markers = (
            lb.marker_boxes(ax, caps.collection, size_pt=6.5) if caps.collection is not None else []
        ) + event_boxes
        specs = list(caps.specs) + drawn.region_specs
        if not scene.zoomed:
            specs += [p for p in sc.area_labels(scene, view, False) if p.kind == "province"]
        window = fu.window_text(events, start, end)
        credits = drawn_credits(
            sources,
            boundaries=boundaries,
            outlines=drawn.neighbours,
            places=caps.collection is not None,
        )
        sc.finish_map(
            page,
            crs=scene.crs,
            drawn=drawn,
            specs=specs,
            markers=markers,
            sections=sections_for(counts, caps),
            title=title
            or (f"Conflict events, {scene.place}" if scene.place else "Conflict events"),
            subtitle=window or None,
            credits=credits + fu.events_credit(events),
            inset_context=boundaries.provinces if scene.zoomed else None,
        )
    return page.fig, ax


def _classify(coll: Any, breaks: np.ndarray, colors: Sequence[Any]) -> None:
    """Colour a hexbin collection by classes: ``breaks[i] <= count < breaks[i + 1]``."""
    from matplotlib.colors import BoundaryNorm, ListedColormap

    coll.set_cmap(ListedColormap(list(colors)))
    coll.set_norm(BoundaryNorm(np.asarray(breaks, dtype=float) - 0.5, len(colors)))
    coll.geofront_breaks = np.asarray(breaks)


def _hex_counts(events: gpd.GeoDataFrame, scene: sc.ControlScene, size_m: float) -> np.ndarray:
    """Events per hexagon over the scene's view (for the class breaks)."""
    from matplotlib.figure import Figure as _F

    fig = _F()
    ax = fig.add_subplot()
    v = scene.view
    hb = pn.plot_hexbin(ax, events, crs=scene.crs, view=v, hex_size_m=size_m)
    return np.asarray(hb.get_array())
