"""Map furniture: scale bar, north arrow, title block, attribution, legend, inset map.

Everything here is measured, not guessed: the scale bar's length is true at the centre of
the view in the map's projection (the projection's scale factor there is applied), and
the north arrow points to true north at its own position (which differs from grid north
away from the central meridian of a conic projection).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.offsetbox import (
    AnchoredOffsetbox,
    DrawingArea,
    HPacker,
    TextArea,
    VPacker,
)
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.transforms import Affine2D, Bbox, ScaledTranslation
from pyproj import CRS, Proj, Transformer

from geofront.maps import style
from geofront.maps.layers import line_segments, polygon_paths
from geofront.maps.style import Z

# --- attribution ------------------------------------------------------------------------

#: Credit lines of the bundled sources (data/SOURCES.md), by key.
CREDITS: dict[str, str] = {
    "boundaries": "Boundaries: geoBoundaries (Runfola et al. 2020) / AIMS, public domain",
    "population": "Population: WorldPop (www.worldpop.org), CC BY 4.0",
    "places": "Places: GeoNames (www.geonames.org), CC BY 4.0",
    "outlines": "Country outlines: Natural Earth",
    "ucdp": "Events: UCDP GED 23.1, Uppsala Conflict Data Program, CC BY 4.0",
    "acled": "Events: ACLED (acleddata.com)",
    "seed": "Events: news reports of 2-7 July 2021 compiled by geofront, CC BY 4.0",
    "csv": "Events: user-supplied table",
}


def events_credit(events: pd.DataFrame | None) -> list[str]:
    """Return the credit line(s) for the sources of ``events`` (``source_dataset``).

    The bundled news-report seed (ids ``AFGSEED...``) is credited as such, not as ACLED.
    """
    if events is None or len(events) == 0 or "source_dataset" not in events.columns:
        return []
    src = events["source_dataset"].astype(str)
    if "event_id" in events.columns:
        seed = events["event_id"].astype(str).str.startswith("AFGSEED").to_numpy()
        src = src.where(~seed, "seed")
    return [CREDITS.get(s, f"Events: {s}") for s in sorted(set(src))]


def attribution_text(sources: Iterable[str], *, extra: Sequence[str] = ()) -> str:
    """Join credit lines (keys of :data:`CREDITS` or literal text) with `` · ``.

    The bare key ``"events"`` is a placeholder and is dropped: the events' own credit comes
    from :func:`events_credit`, which the figures that draw events add themselves.
    """
    parts = [CREDITS.get(s, s) for s in sources if s != "events"] + list(extra)
    seen: list[str] = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return " · ".join(seen)


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


def add_scale_bar(
    ax: Axes,
    *,
    crs: Any,
    length_km: float | None = None,
    loc: tuple[float, float] = (0.035, 0.04),
    max_fraction: float = 0.28,
    avoid: Any = None,
) -> ScaleBar:
    """Draw an alternating black/white scale bar in kilometres.

    The bar's length in map units is ``length_km * 1000 * k``, with ``k`` the
    projection's scale factor at the centre of the view, so the bar is true at the centre.
    Call it after the axes limits are final.

    Parameters
    ----------
    crs : CRS-like
        The map CRS (projected, metres).
    length_km : float, optional
        Default: the largest 1/2/5 x 10^n km under ``max_fraction`` of the view width.
    loc : (x, y)
        Lower-left corner of the bar in axes fraction.
    avoid : shapely geometry, optional
        What the bar should not hide (e.g. the mapped country, in map units): the bar goes
        to the lower-left, lower-right or upper-left corner (in that order of preference)
        where its box covers the least of it; ``loc`` then only sets the margins.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    inv = Transformer.from_crs(CRS.from_user_input(crs), "EPSG:4326", always_xy=True)
    lon, lat = inv.transform((x0 + x1) / 2, (y0 + y1) / 2)
    k = scale_factor(crs, lon, lat)
    width_km = (x1 - x0) / k / 1000.0
    km = length_km or nice_length_km(width_km * max_fraction)
    lead = int(round(km / 10 ** math.floor(math.log10(km))))
    nseg = {1: 4, 2: 4, 5: 5}.get(lead, 4)
    seg_map = km * 1000.0 * k / nseg
    bx = x0 + loc[0] * (x1 - x0)
    by = y0 + loc[1] * (y1 - y0)
    bh = 0.011 * (y1 - y0)
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    ax_h_in = ax.get_position().height * fig.get_size_inches()[1]
    per_pt = (y1 - y0) / (ax_h_in * 72.0)
    pad = 4.0 * per_pt
    if avoid is not None and not shapely.is_empty(avoid):
        box_w = km * 1000.0 * k + 2 * pad + 16.0 * per_pt
        box_h = bh * 1.6 + 9.0 * per_pt + pad
        dx, dy = bx - x0, by - y0
        corners = [
            (bx, by),
            (x1 - dx - km * 1000.0 * k, by),
            (bx, y1 - dy - box_h + pad),
        ]
        covered = [
            shapely.area(
                shapely.intersection(
                    avoid,
                    shapely.box(
                        cx - pad - 8 * per_pt,
                        cy - pad,
                        cx - pad - 8 * per_pt + box_w,
                        cy - pad + box_h,
                    ),
                )
            )
            for cx, cy in corners
        ]
        bx, by = corners[int(np.argmin(np.round(covered, 6)))]
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
    ticks = [0.0, km / 2.0, km] if nseg % 2 == 0 else [0.0, km]
    for t in ticks:
        label = _fmt_km(t) + (" km" if t == km else "")
        txt = ax.text(
            bx + t * 1000.0 * k,
            by + bh * 1.6,
            label,
            ha="center",
            va="bottom",
            fontsize=6.5,
            zorder=Z["furniture"],
            path_effects=halo,
            gid="scalebar",
        )
        arts.append(txt)
    # A white backing box so the bar reads over any fill.
    top = by + bh * 1.6 + 9.0 * per_pt
    back = FancyBboxPatch(
        (bx - pad - 8.0 * per_pt, by - pad),
        km * 1000.0 * k + 2 * pad + 16.0 * per_pt,
        top - by + pad,
        boxstyle=f"round,pad=0,rounding_size={2.0 * per_pt}",
        facecolor="white",
        edgecolor="none",
        alpha=0.8,
        zorder=Z["furniture"] - 0.1,
        gid="scalebar",
    )
    ax.add_patch(back)
    arts.append(back)
    return ScaleBar(km, km * 1000.0 * k, arts)


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


# --- legend -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a swatch kind (``patch``, ``line``, ``marker``) and its style."""

    label: str
    kind: str
    style: dict[str, Any]


@dataclass(frozen=True)
class LegendSection:
    """A titled group of legend rows, or free text lines (``notes``)."""

    title: str
    entries: tuple[LegendEntry, ...] = ()
    notes: tuple[str, ...] = ()


def status_section(
    *,
    include_no_data: bool = True,
    title: str = "District control",
    counts: Mapping[str, int] | None = None,
    assumed: Mapping[str, int] | None = None,
) -> LegendSection:
    """Every control status (plus ``no data``), in fixed order, whether present or not.

    With ``counts`` (status -> number of districts) each label ends with its count,
    e.g. ``"Insurgent control (6)"``, zeros included, and a total line is added.
    ``assumed`` (status -> districts whose status only the baseline assumes, counted
    apart from ``counts``) adds a pale entry after each status that has any.
    """
    entries = []
    for s in style.STATUS_ORDER:
        if s == style.NO_DATA and not include_no_data:
            continue
        st: dict[str, Any] = {"facecolor": style.STATUS_COLORS[s], "edgecolor": "#8c8c8c"}
        if s == style.NO_DATA:
            st["hatch"] = style.NO_DATA_HATCH
        label = style.STATUS_LABELS[s]
        if counts is not None:
            label = f"{label} ({int(counts.get(s, 0))})"
        entries.append(LegendEntry(label, "patch", st))
        n_assumed = int((assumed or {}).get(s, 0))
        if n_assumed:
            entries.append(
                LegendEntry(
                    f"{style.STATUS_LABELS[s]}, {style.ASSUMED_LABEL} ({n_assumed})",
                    "patch",
                    {"facecolor": style.assumed_color(s), "edgecolor": "#8c8c8c"},
                )
            )
    total = sum(int(v) for v in (counts or {}).values()) + sum(
        int(v) for v in (assumed or {}).values()
    )
    notes = () if counts is None else (f"{total} districts",)
    return LegendSection(title, tuple(entries), notes)


def legend_height_in(sections: Sequence[LegendSection], *, fontsize: float = 7.0) -> float:
    """Height in inches that :func:`build_legend` will take (for page layout)."""
    pt = 0.0
    for sec in sections:
        pt += (fontsize + 0.8) * 1.25 + 3.2
        for e in sec.entries:
            pt += max(9.0, fontsize * 1.25 * (1 + e.label.count("\n"))) + 3.2
        pt += len(sec.notes) * (fontsize * 1.25 + 3.2)
    pt += 11.0 * max(len(sections) - 1, 0) + 8.0
    return pt / 72.0


def frontline_section(classes: Iterable[str], *, title: str = "Lines") -> LegendSection:
    """One row per frontline class (given order of :data:`style.FRONTLINE_STYLES` first)."""
    known = [c for c in style.FRONTLINE_STYLES if c in set(classes)]
    other = sorted(set(classes) - set(known))
    return LegendSection(
        title,
        tuple(
            LegendEntry(style.frontline_label(c), "line", style.frontline_style(c))
            for c in [*known, *other]
        ),
    )


def siege_section(*, title: str = "Provincial capitals") -> LegendSection:
    """Every siege status marker, in order from no evidence and secure to fallen."""
    return LegendSection(
        title,
        tuple(
            LegendEntry(
                s.capitalize(),
                "marker",
                {
                    "marker": "s",
                    "facecolor": style.SIEGE_COLORS[s],
                    "edgecolor": style.siege_edge(s),
                },
            )
            for s in style.SIEGE_STATUSES
        ),
    )


def _swatch(entry: LegendEntry) -> DrawingArea:
    w, h = 20.0, 9.0
    da = DrawingArea(w, h, 0, 0)
    st = entry.style
    if entry.kind == "patch":
        da.add_artist(
            Rectangle(
                (1, 0.5),
                w - 2,
                h - 1,
                facecolor=st.get("facecolor", "white"),
                edgecolor=st.get("edgecolor", "#8c8c8c"),
                linewidth=st.get("linewidth", 0.5),
                hatch=st.get("hatch"),
                alpha=st.get("alpha"),
            )
        )
    elif entry.kind == "line":
        da.add_artist(
            Line2D(
                [1, w - 1],
                [h / 2, h / 2],
                color=st.get("color", style.TEXT),
                linewidth=st.get("linewidth", 1.0),
                linestyle=st.get("linestyle", "-"),
            )
        )
    else:
        da.add_artist(
            Line2D(
                [w / 2],
                [h / 2],
                marker=st.get("marker", "o"),
                markersize=st.get("markersize", 6.0),
                markerfacecolor=st.get("facecolor", "white"),
                markeredgecolor=st.get("edgecolor", style.TEXT),
                markeredgewidth=st.get("edgewidth", 0.8),
                linestyle="none",
            )
        )
    return da


def build_legend(
    ax: Axes,
    sections: Sequence[LegendSection],
    *,
    loc: str = "upper left",
    fontsize: float = 7.0,
    frame: bool = False,
) -> AnchoredOffsetbox:
    """Draw stacked legend sections (bold title, then rows) in ``ax``.

    ``ax`` is usually a bare panel axes beside the map. Returns the AnchoredOffsetbox
    (gid ``"legend"``); :func:`legend_texts` lists its strings in order.
    """
    blocks: list[Any] = []
    for sec in sections:
        rows: list[Any] = [
            TextArea(sec.title, textprops={"fontsize": fontsize + 0.8, "fontweight": "bold"})
        ]
        for e in sec.entries:
            rows.append(
                HPacker(
                    children=[_swatch(e), TextArea(e.label, textprops={"fontsize": fontsize})],
                    align="center",
                    pad=0,
                    sep=5,
                )
            )
        for note in sec.notes:
            rows.append(TextArea(note, textprops={"fontsize": fontsize, "color": style.TEXT}))
        blocks.append(VPacker(children=rows, align="left", pad=0, sep=3.2))
    box = VPacker(children=blocks, align="left", pad=0, sep=11)
    anchored = AnchoredOffsetbox(
        loc=loc,
        child=box,
        pad=0.3,
        borderpad=0.0,
        frameon=frame,
        bbox_to_anchor=(0, 1) if loc == "upper left" else None,
        bbox_transform=ax.transAxes,
    )
    anchored.set_gid("legend")
    anchored.set_zorder(Z["furniture"])
    ax.add_artist(anchored)
    return anchored


def legend_texts(artist: Any) -> list[str]:
    """All strings in a legend built by :func:`build_legend`, in reading order."""
    out: list[str] = []

    def walk(a: Any) -> None:
        if isinstance(a, TextArea):
            out.append(a.get_text())
            return
        for c in a.get_children():
            walk(c)

    walk(artist)
    return out


def legend_swatches(artist: Any) -> list[tuple[str, Any]]:
    """``(label, swatch artist)`` of each row of a legend built by :func:`build_legend`.

    The swatch is the Rectangle (patches), or Line2D (lines and markers) drawn beside the
    label: tests read its colours.
    """
    out: list[tuple[str, Any]] = []

    def walk(a: Any) -> None:
        kids = a.get_children()
        if (
            isinstance(a, HPacker)
            and len(kids) == 2
            and isinstance(kids[0], DrawingArea)
            and isinstance(kids[1], TextArea)
        ):
            out.append((kids[1].get_text(), kids[0].get_children()[0]))
            return
        for c in kids:
            walk(c)

    walk(artist)
    return out


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
