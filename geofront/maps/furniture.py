"""Map furniture: scale bar, north arrow, title block, attribution, inset map; the legend
is :mod:`geofront.maps.legend` (its names are kept importable from here).

Everything here is measured, not guessed: the scale bar's length is true at the centre of
the view in the map's projection (the projection's scale factor there is applied), and
the north arrow points to true north at its own position (which differs from grid north
away from the central meridian of a conic projection).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.transforms import Affine2D, Bbox, ScaledTranslation
from pyproj import CRS, Proj, Transformer

from geofront import credits as _credits
from geofront.maps import style
from geofront.maps.layers import line_segments, polygon_paths
from geofront.maps.legend import (
    SIEGE_LABELS,
    LegendEntry,
    LegendSection,
    build_legend,
    class_swatch,
    frontline_section,
    legend_height_in,
    legend_swatches,
    legend_texts,
    siege_section,
    status_section,
)
from geofront.maps.style import Z

# --- attribution ------------------------------------------------------------------------

# Credit lines are defined once, in :mod:`geofront.credits` (re-exported here).
CREDITS = _credits.CREDITS
events_credit = _credits.events_credit


def attribution_text(sources: Iterable[str], *, extra: Sequence[str] = ()) -> str:
    """Join credit lines (keys of :data:`CREDITS` or literal text) with `` · ``.

    The bare key ``"events"`` is a placeholder and is dropped: the events' own credit comes
    from :func:`events_credit`, which the figures that draw events add themselves.
    """
    parts = [_credits.credit_line(s) for s in sources if s != "events"] + list(extra)
    return " · ".join(_credits.unique(parts))


def add_attribution(
    fig: Figure, text: str, *, x_in: float, y_in: float, width_in: float, fontsize: float = 6.0
) -> Any:
    """Write the source line at the foot of the figure, wrapped to ``width_in`` inches.

    Returns the Text (gid ``"attribution"``).
    """
    chars = max(20, int(width_in * 72.0 / (fontsize * 0.56)))
    wrapped = "\n".join(textwrap.wrap(text, chars, break_on_hyphens=False))
    w, h = fig.get_size_inches()
    return fig.text(
        x_in / w,
        y_in / h,
        wrapped,
        fontsize=fontsize,
        color=style.MUTED_TEXT,
        ha="left",
        va="top",
        linespacing=1.35,
        gid="attribution",
    )


def add_title_block(
    fig: Figure,
    title: str,
    subtitle: str | None,
    *,
    x_in: float,
    top_in: float,
    title_size: float = 13.0,
) -> tuple[Any, Any]:
    """Write the title and, below it, the subtitle (``data as of`` stamp).

    A title wider than the page (long place names) is set smaller, down to 8 pt, to fit
    between ``x_in`` and the same margin on the right.

    Returns (title Text gid ``"title"``, subtitle Text gid ``"subtitle"`` or None).
    """
    w, h = fig.get_size_inches()
    t = fig.text(
        x_in / w,
        1.0 - top_in / h,
        title,
        fontsize=title_size,
        fontweight="bold",
        ha="left",
        va="top",
        gid="title",
    )
    avail_px = (w - 2 * x_in) * fig.dpi
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for _ in range(4):  # text width is not quite linear in font size (hinting): iterate
        width_px = t.get_window_extent(renderer).width
        if width_px <= avail_px or title_size <= 8.0:
            break
        title_size = max(8.0, title_size * avail_px / width_px * 0.99)
        t.set_fontsize(title_size)
    t.remove()
    t = fig.text(
        x_in / w,
        1.0 - top_in / h,
        title,
        fontsize=title_size,
        fontweight="bold",
        ha="left",
        va="top",
        gid="title",
    )
    s = None
    if subtitle:
        s = fig.text(
            x_in / w,
            1.0 - (top_in + title_size / 72.0 * 1.5) / h,
            subtitle,
            fontsize=8.5,
            color=style.MUTED_TEXT,
            ha="left",
            va="top",
            gid="subtitle",
        )
    return t, s


def as_of_text(as_of: Any) -> str:
    """Return ``"Data as of 7 July 2021"`` for a date-like value."""
    ts = pd.Timestamp(as_of)
    return f"Data as of {ts.day} {ts.strftime('%B %Y')}"


def window_text(events: pd.DataFrame, start: Any, end: Any) -> str:
    """Return the time window ``"2–5 July 2021"`` of ``start``..``end`` (default: the events'
    first ``date`` and last ``date_end`` or ``date``); ``""`` when there is none."""
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


# --- scale bar and north arrow ----------------------------------------------------------


def scale_factor(crs: Any, lon: float, lat: float) -> float:
    """Return the projection's point scale factor at ``lon``, ``lat`` (1 = true scale).

    For conformal projections it is the same in every direction; otherwise the mean of the
    meridional and parallel scales is returned.
    """
    f = Proj(CRS.from_user_input(crs)).get_factors(lon, lat)
    return float((f.meridional_scale + f.parallel_scale) / 2.0)


def nice_length_km(max_km: float) -> float:
    """Largest 1, 2 or 5 x 10^n km not above ``max_km``."""
    if max_km <= 0:
        return 1.0
    exp = math.floor(math.log10(max_km))
    best = 10.0**exp
    for m in (1.0, 2.0, 5.0):
        if m * 10.0**exp <= max_km:
            best = m * 10.0**exp
    return best


@dataclass
class ScaleBar:
    """What :func:`add_scale_bar` drew: true length, map-unit length and artists."""

    length_km: float
    length_map: float
    artists: list[Any] = field(default_factory=list)

    def window_extent(self, renderer: Any) -> Bbox:
        """Display bbox of the bar and its labels (an obstacle for labels)."""
        return Bbox.union([a.get_window_extent(renderer) for a in self.artists])


#: Corners tried for the scale bar and the north arrow, in order of preference.
BAR_CORNERS = ("lower left", "lower right", "upper left", "upper right")
ARROW_CORNERS = ("upper right", "upper left", "lower right", "lower left")
#: Room (points) right of the bar for the unit after the last number.
_UNIT_PT = 20.0
#: A scale bar shorter than this (inches) labels only its ends, so labels never crowd.
MID_LABEL_MIN_IN = 1.1


@dataclass
class _BarSize:
    km: float
    k: float  # projection scale factor at the view centre
    nseg: int
    bh: float  # bar height, map units
    per_pt: float  # map units per point
    pad: float  # map units

    @property
    def length(self) -> float:
        return self.km * 1000.0 * self.k

    @property
    def box(self) -> tuple[float, float]:
        """Width and height of the bar's white backing box, map units."""
        return (
            self.length + 2 * self.pad + (8.0 + _UNIT_PT) * self.per_pt,
            self.bh * 1.6 + 9.0 * self.per_pt + self.pad * 2,
        )


def _bar_size(ax: Axes, crs: Any, length_km: float | None, max_fraction: float) -> _BarSize:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    inv = Transformer.from_crs(CRS.from_user_input(crs), "EPSG:4326", always_xy=True)
    lon, lat = inv.transform((x0 + x1) / 2, (y0 + y1) / 2)
    k = scale_factor(crs, lon, lat)
    width_km = (x1 - x0) / k / 1000.0
    km = length_km or nice_length_km(width_km * max_fraction)
    lead = int(round(km / 10 ** math.floor(math.log10(km))))
    nseg = {1: 4, 2: 4, 5: 5}.get(lead, 4)
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    ax_h_in = ax.get_position().height * fig.get_size_inches()[1]
    per_pt = (y1 - y0) / (ax_h_in * 72.0)
    return _BarSize(km, k, nseg, 0.011 * (y1 - y0), per_pt, 4.0 * per_pt)


def _bar_origin(
    ax: Axes, size: _BarSize, corner: str, loc: tuple[float, float]
) -> tuple[float, float]:
    """Lower-left corner of the bar itself for a corner of the axes (``loc`` = margins)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    dx, dy = loc[0] * (x1 - x0), loc[1] * (y1 - y0)
    left = x0 + dx
    right = x1 - dx - size.length - (_UNIT_PT - 8.0) * size.per_pt
    bottom = y0 + dy
    top = y1 - dy - size.box[1] + size.pad
    return (right if "right" in corner else left, top if "upper" in corner else bottom)


def _bar_box(size: _BarSize, origin: tuple[float, float]) -> Any:
    bx, by = origin
    w, h = size.box
    return shapely.box(
        bx - size.pad - 8 * size.per_pt,
        by - size.pad,
        bx - size.pad - 8 * size.per_pt + w,
        by - size.pad + h,
    )


def add_scale_bar(
    ax: Axes,
    *,
    crs: Any,
    length_km: float | None = None,
    loc: tuple[float, float] = (0.035, 0.04),
    max_fraction: float = 0.28,
    avoid: Any = None,
    corner: str | None = None,
) -> ScaleBar:
    """Draw an alternating black/white scale bar in kilometres.

    The bar's length in map units is ``length_km * 1000 * k``, with ``k`` the
    projection's scale factor at the centre of the view, so the bar is true at the centre.
    Call it after the axes limits are final. Labels: 0, the middle (on bars at least
    :data:`MID_LABEL_MIN_IN` long) and the length with its unit.

    Parameters
    ----------
    crs : CRS-like
        The map CRS (projected, metres).
    length_km : float, optional
        Default: the largest 1/2/5 x 10^n km under ``max_fraction`` of the view width.
    loc : (x, y)
        Margins of the bar from the axes' edges, in axes fraction.
    avoid : shapely geometry, optional
        What the bar should not hide (e.g. the mapped country, in map units): the bar goes
        to the corner of :data:`BAR_CORNERS` where its box covers the least of it.
    corner : str, optional
        One of :data:`BAR_CORNERS` (default lower left, or the one ``avoid`` picks).
    """
    size = _bar_size(ax, crs, length_km, max_fraction)
    if corner is None:
        corner = BAR_CORNERS[0]
        if avoid is not None and not shapely.is_empty(avoid):
            covered = [
                shapely.area(
                    shapely.intersection(avoid, _bar_box(size, _bar_origin(ax, size, c, loc)))
                )
                for c in BAR_CORNERS[:3]
            ]
            corner = BAR_CORNERS[int(np.argmin(np.round(covered, 6)))]
    bx, by = _bar_origin(ax, size, corner, loc)
    return _draw_bar(ax, size, bx, by)


def _draw_bar(ax: Axes, size: _BarSize, bx: float, by: float) -> ScaleBar:
    km, k, nseg, bh, per_pt, pad = size.km, size.k, size.nseg, size.bh, size.per_pt, size.pad
    seg_map = size.length / nseg
    arts: list[Any] = []
    for i in range(nseg):
        r = Rectangle(
            (bx + i * seg_map, by),
            seg_map,
            bh,
            facecolor=style.TEXT if i % 2 == 0 else "white",
            edgecolor=style.TEXT,
            linewidth=0.6,
            zorder=Z["furniture"],
            gid="scalebar",
        )
        ax.add_patch(r)
        arts.append(r)
    from matplotlib import patheffects as pe

    halo = [pe.withStroke(linewidth=2.0, foreground="white")]
    long_enough = size.length / per_pt / 72.0 >= MID_LABEL_MIN_IN
    ticks = [0.0, km / 2.0, km] if nseg % 2 == 0 and long_enough else [0.0, km]
    for t in ticks:
        label = _fmt_km(t) + (" km" if t == km else "")
        txt = ax.text(
            bx + t * 1000.0 * k,
            by + bh * 1.6,
            label,
            ha="center" if t < km else "left",
            va="bottom",
            fontsize=6.5,
            zorder=Z["furniture"],
            path_effects=halo,
            gid="scalebar",
        )
        if t == km:  # the unit follows the number: centre the number on the tick
            txt.set_position(
                (bx + t * 1000.0 * k - 0.5 * len(_fmt_km(t)) * 3.9 * per_pt, by + bh * 1.6)
            )
        arts.append(txt)
    # A white backing box so the bar reads over any fill.
    top = by + bh * 1.6 + 9.0 * per_pt
    back = FancyBboxPatch(
        (bx - pad - 8.0 * per_pt, by - pad),
        size.box[0],
        top - by + pad,
        boxstyle=f"round,pad=0,rounding_size={2.0 * per_pt}",
        facecolor="white",
        edgecolor="none",
        alpha=0.92,
        zorder=Z["furniture"] - 0.1,
        gid="scalebar",
    )
    ax.add_patch(back)
    arts.append(back)
    bar = ScaleBar(km, size.length, arts)
    bar.corner = ""  # type: ignore[attr-defined]
    return bar


def _fmt_km(v: float) -> str:
    return f"{v:g}"


def true_north_deg(crs: Any, x: float, y: float) -> float:
    """Angle (degrees, counter-clockwise from the map's +y axis) of true north at ``x, y``."""
    c = CRS.from_user_input(crs)
    inv = Transformer.from_crs(c, "EPSG:4326", always_xy=True)
    fwd = Transformer.from_crs("EPSG:4326", c, always_xy=True)
    lon, lat = inv.transform(x, y)
    nx, ny = fwd.transform(lon, min(lat + 0.05, 89.99))
    return math.degrees(math.atan2(-(nx - x), ny - y))


def add_north_arrow(
    ax: Axes, *, crs: Any, loc: tuple[float, float] = (0.955, 0.9), size_in: float = 0.32
) -> list[Any]:
    """Draw a north arrow at ``loc`` (axes fraction) pointing to true north there.

    Returns the artists (gid ``"north-arrow"``); ``rotation_deg`` of the first one is the
    rotation from grid north.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x = x0 + loc[0] * (x1 - x0)
    y = y0 + loc[1] * (y1 - y0)
    angle = true_north_deg(crs, x, y)
    fig = ax.figure
    shift: Any = ax.transAxes
    base = Affine2D().rotate_deg(angle) + fig.dpi_scale_trans + ScaledTranslation(*loc, shift)
    s = size_in
    left = MplPolygon(
        [(0, s * 0.55), (-s * 0.2, -s * 0.45), (0, -s * 0.25)],
        closed=True,
        facecolor=style.TEXT,
        edgecolor=style.TEXT,
        linewidth=0.6,
        transform=base,
        zorder=Z["furniture"],
        gid="north-arrow",
    )
    right = MplPolygon(
        [(0, s * 0.55), (s * 0.2, -s * 0.45), (0, -s * 0.25)],
        closed=True,
        facecolor="white",
        edgecolor=style.TEXT,
        linewidth=0.6,
        transform=base,
        zorder=Z["furniture"],
        gid="north-arrow",
    )
    left.rotation_deg = angle  # type: ignore[attr-defined]
    label = ax.annotate(
        "N",
        xy=(0, s * 0.62),
        xycoords=base,
        fontsize=8.5,
        fontweight="bold",
        ha="center",
        va="bottom",
        rotation=angle,
        rotation_mode="anchor",
        zorder=Z["furniture"],
        gid="north-arrow",
        annotation_clip=False,
    )
    for a in (left, right):
        ax.add_patch(a)
    return [left, right, label]


def _arrow_extent_in(size_in: float) -> tuple[float, float, float, float]:
    """The arrow's box around its anchor, inches: left, right, below, above."""
    return (0.17, 0.17, 0.45 * size_in + 0.03, 0.62 * size_in + 0.17)


def _arrow_loc(
    ax: Axes, corner: str, size_in: float, margin_in: float = 0.14
) -> tuple[float, float]:
    """The arrow's anchor (axes fraction) in a corner of the axes."""
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    w_in = ax.get_position().width * fig.get_size_inches()[0]
    h_in = ax.get_position().height * fig.get_size_inches()[1]
    left, right, below, above = _arrow_extent_in(size_in)
    x = 1 - (right + margin_in) / w_in if "right" in corner else (left + margin_in) / w_in
    y = 1 - (above + margin_in) / h_in if "upper" in corner else (below + margin_in) / h_in
    return (x, y)


def _arrow_box(ax: Axes, loc: tuple[float, float], size_in: float) -> Any:
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w_in = ax.get_position().width * fig.get_size_inches()[0]
    h_in = ax.get_position().height * fig.get_size_inches()[1]
    ux, uy = (x1 - x0) / w_in, (y1 - y0) / h_in
    cx, cy = x0 + loc[0] * (x1 - x0), y0 + loc[1] * (y1 - y0)
    left, right, below, above = _arrow_extent_in(size_in)
    return shapely.box(cx - left * ux, cy - below * uy, cx + right * ux, cy + above * uy)


def add_scale_bar_and_arrow(
    ax: Axes,
    *,
    crs: Any,
    lines: Any = None,
    area: Any = None,
    length_km: float | None = None,
    size_in: float = 0.32,
) -> tuple[ScaleBar, list[Any]]:
    """Draw the scale bar and the north arrow in the two corners clearest of the map.

    Each corner of :data:`BAR_CORNERS` / :data:`ARROW_CORNERS` is scored by the length
    of ``lines`` (borders, frontlines: map units) crossing the furniture's box, relative
    to the box's diagonal, plus the share of the box covering ``area`` (the mapped
    country); the pair of distinct corners with the lowest total wins (ties: the
    preference order). So neither hides a border when a clear corner exists.

    Returns
    -------
    (ScaleBar, list)
        The bar (its ``corner`` attribute says where it went) and the arrow's artists
        (the first one's ``corner`` attribute likewise).
    """
    size = _bar_size(ax, crs, length_km, 0.28)
    loc = (0.035, 0.04)
    lines = None if lines is None or shapely.is_empty(lines) else lines
    area = None if area is None or shapely.is_empty(area) else area

    def cost(box: Any) -> float:
        c = 0.0
        x0, y0, x1, y1 = box.bounds
        if lines is not None:
            c += (
                10.0
                * shapely.length(shapely.clip_by_rect(lines, x0, y0, x1, y1))
                / np.hypot(x1 - x0, y1 - y0)
            )
        if area is not None:
            c += shapely.area(shapely.clip_by_rect(area, x0, y0, x1, y1)) / box.area
        return float(np.round(c, 6))

    bar_boxes = {c: _bar_box(size, _bar_origin(ax, size, c, loc)) for c in BAR_CORNERS}
    arrow_locs = {c: _arrow_loc(ax, c, size_in) for c in ARROW_CORNERS}
    bar_cost = {c: cost(b) for c, b in bar_boxes.items()}
    arrow_cost = {c: cost(_arrow_box(ax, arrow_locs[c], size_in)) for c in ARROW_CORNERS}
    pairs = [
        (bar_cost[b] + arrow_cost[a], i, j, b, a)
        for i, b in enumerate(BAR_CORNERS)
        for j, a in enumerate(ARROW_CORNERS)
        if a != b
    ]
    _, _, _, bar_corner, arrow_corner = min(pairs)
    bx, by = _bar_origin(ax, size, bar_corner, loc)
    bar = _draw_bar(ax, size, bx, by)
    bar.corner = bar_corner  # type: ignore[attr-defined]
    arrow = add_north_arrow(ax, crs=crs, loc=arrow_locs[arrow_corner], size_in=size_in)
    arrow[0].corner = arrow_corner  # type: ignore[attr-defined]
    return bar, arrow


# --- inset locator map ------------------------------------------------------------------


def add_inset_locator(
    ax: Axes,
    context: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    crs: Any,
    view: tuple[float, float, float, float],
    outline: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
) -> Any:
    """Draw a locator map in ``ax``: ``context`` polygons in grey, the view as a box.

    Parameters
    ----------
    ax : Axes
        A small axes for the inset (its frame is styled here).
    context : GeoDataFrame
        The wider area (e.g. all provinces), any CRS; drawn in ``crs``.
    view : (xmin, ymin, xmax, ymax)
        The main map's extent in ``crs``.
    outline : optional
        A heavier outline (e.g. the country).

    Returns
    -------
    Rectangle
        The view box (gid ``"inset-view"``).
    """
    geo = context.geometry if isinstance(context, gpd.GeoDataFrame) else context
    g = geo.to_crs(crs)
    minx, miny, maxx, maxy = g.total_bounds
    span = max(maxx - minx, maxy - miny)
    tol = span / 400.0
    arr = shapely.simplify(np.asarray(g.array, dtype=object), tol, preserve_topology=True)
    from matplotlib.collections import LineCollection, PathCollection

    ax.add_collection(
        PathCollection(
            polygon_paths(arr),
            facecolors="#e3e3e3",
            edgecolors="white",
            linewidths=0.4,
            gid="inset-context",
        ),
        autolim=False,
    )
    if outline is not None:
        og = (outline.geometry if isinstance(outline, gpd.GeoDataFrame) else outline).to_crs(crs)
        segs, _ = line_segments(
            shapely.simplify(np.asarray(og.array, dtype=object), tol, preserve_topology=True)
        )
        ax.add_collection(LineCollection(segs, colors="#6b6b6b", linewidths=0.6), autolim=False)
    # The inset shows the whole view box too (a view reaching beyond the context).
    minx, miny = min(minx, view[0]), min(miny, view[1])
    maxx, maxy = max(maxx, view[2]), max(maxy, view[3])
    span = max(maxx - minx, maxy - miny)
    pad = 0.04 * span
    # Fit the context to the inset's box shape so the aspect stays 1:1.
    pos = ax.get_position()
    fw, fh = ax.get_figure(root=True).get_size_inches()  # type: ignore[union-attr]
    box_aspect = (pos.height * fh) / (pos.width * fw)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w = max((maxx - minx) / 2 + pad, ((maxy - miny) / 2 + pad) / box_aspect)
    half_h = half_w * box_aspect
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for sp in ax.spines.values():
        sp.set_edgecolor("#8c8c8c")
        sp.set_linewidth(0.5)
    ax.set_facecolor("white")
    w, h = view[2] - view[0], view[3] - view[1]
    min_size = 0.04 * span
    cx, cy = (view[0] + view[2]) / 2, (view[1] + view[3]) / 2
    w, h = max(w, min_size), max(h, min_size)
    rect = Rectangle(
        (cx - w / 2, cy - h / 2),
        w,
        h,
        facecolor=(0.84, 0.19, 0.15, 0.18),
        edgecolor="#b2182b",
        linewidth=1.1,
        zorder=5,
        gid="inset-view",
    )
    ax.add_patch(rect)
    return rect


__all__ = [
    "CREDITS",
    "LegendEntry",
    "LegendSection",
    "SIEGE_LABELS",
    "ScaleBar",
    "add_attribution",
    "add_inset_locator",
    "add_north_arrow",
    "add_scale_bar",
    "add_scale_bar_and_arrow",
    "add_title_block",
    "as_of_text",
    "attribution_text",
    "build_legend",
    "class_swatch",
    "events_credit",
    "frontline_section",
    "legend_height_in",
    "legend_swatches",
    "legend_texts",
    "nice_length_km",
    "scale_factor",
    "siege_section",
    "status_section",
    "true_north_deg",
    "window_text",
]
