"""The page of a map: its layout in inches, its last touches, and saving it.

A page holds the map axes (its aspect set by the view), a panel on the right (locator
inset, legend) or, for a wide view, the legend in columns under the map, the title block
above and the source line below, so nothing overlaps and the figure has no wasted
margin (:func:`page_for`). Given an existing Axes (``ax=`` of the map functions), the map
is drawn into it instead (:func:`axes_page`): no legend panel or inset, the title on the
axes and the source line under it. :func:`finish_page` adds the legend, the inset, the
title block and the source line to every map page, one way. :func:`save_figure` writes
PNG, SVG or PDF atomically, with metadata fixed so the same figure gives the same bytes.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pyproj import CRS

from geofront import __version__
from geofront.defaults import MAP_DPI
from geofront.errors import OutputError
from geofront.io import atomic_path
from geofront.maps import furniture as fu
from geofront.maps import legend as lg
from geofront.maps import style
from geofront.maps.labels import renderer_of
from geofront.maps.view import BBox, describe_crs

__all__ = [
    "FIGURE_EXTENSIONS",
    "Page",
    "axes_page",
    "check_figure_path",
    "draw_legend",
    "finish_page",
    "page_for",
    "renderer_of",
    "save_figure",
]

#: Output formats of :func:`save_figure`, by extension.
FIGURE_EXTENSIONS = (".png", ".svg", ".pdf")
_METADATA: dict[str, dict[str, Any]] = {
    ".png": {"Software": None},
    ".svg": {"Date": None, "Creator": None},
    ".pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


@dataclass
class Page:
    """A map page: the figure, the map axes, the legend panel and locator inset (``None``
    on a page drawn into a caller's Axes), the view (map CRS units) and the layout in
    inches."""

    fig: Figure
    ax: Axes
    panel: Axes | None
    inset: Axes | None
    view: BBox
    left_in: float
    bottom_in: float
    width_in: float
    map_w_in: float
    legend_row: bool = False


def fit_view(view: BBox, aspect: float) -> BBox:
    """Grow ``view`` (never shrink) to the height/width ratio ``aspect``."""
    x0, y0, x1, y1 = view
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if h / w < aspect:
        h = w * aspect
    else:
        w = h / aspect
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


#: Page margins in inches: left, right, gap map-panel, top (title block), bottom (sources).
_MARGINS_IN = (0.3, 0.3, 0.25, 0.8, 0.62)


def map_width_in(width_in: float, *, panel_in: float = 2.45) -> float:
    """Width of the map on a page ``width_in`` wide with a legend panel ``panel_in`` wide."""
    left, right, gap, _, _ = _MARGINS_IN
    return width_in - left - right - gap - panel_in


def new_page(
    view: BBox,
    *,
    width_in: float,
    panel_in: float = 2.45,
    inset: bool,
    inset_aspect: float = 0.75,
    sections: Sequence[lg.LegendSection] = (),
    min_height_in: float = 5.6,
    max_aspect: float = 1.3,
) -> Page:
    """Lay out a map page for ``view`` (map CRS units) on a page ``width_in`` wide.

    The map keeps the view's shape within limits: a view wider than 2:1 gets the full
    page width with the legend in a row of columns under it (``page.legend_row``); a
    view taller than ``max_aspect`` gets a narrower map (and page) up to 3:1; beyond
    those limits, and to leave room for the legend beside a map, the view is grown
    (never shrunk) around its centre. ``sections`` (the legend) set the page's minimum
    height; ``min_height_in`` is the minimum for a page with the legend beside the map.
    """
    left, right, gap, top, bottom = _MARGINS_IN
    aspect0 = (view[3] - view[1]) / (view[2] - view[0])
    if aspect0 < 0.5:
        return row_page(
            view,
            width_in=width_in,
            panel_in=panel_in,
            inset=inset,
            inset_aspect=inset_aspect,
            sections=sections,
        )
    legend_h = lg.legend_height_in(sections) if sections else 0.0
    need = max(min_height_in, legend_h + (2.1 if inset else 0.0) + 1.5)
    map_w = map_width_in(width_in, panel_in=panel_in)
    aspect = aspect0
    if aspect > max_aspect:
        # a tall view: a narrower map (and page) rather than a wider view
        aspect = min(aspect, 3.0)
        map_w = max(map_w * max_aspect / aspect, (need - top - bottom) / aspect)
        map_w = min(map_w, map_width_in(width_in, panel_in=panel_in))
        width_in = left + map_w + gap + panel_in + right
    aspect = max(aspect, (need - top - bottom) / map_w)
    view = fit_view(view, aspect)
    map_h = map_w * aspect
    height = top + map_h + bottom
    fig = Figure(figsize=(width_in, height))
    FigureCanvasAgg(fig)
    ax = map_axes(fig, (left, bottom, map_w, map_h), view)
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
    return Page(fig, ax, panel, inset_ax, view, left, bottom, width_in, map_w)


def map_axes(fig: Figure, box_in: tuple[float, float, float, float], view: BBox) -> Axes:
    w, h = fig.get_size_inches()
    x, y, bw, bh = box_in
    ax = fig.add_axes((x / w, y / h, bw / w, bh / h))
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
    return ax


def row_page(
    view: BBox,
    *,
    width_in: float,
    panel_in: float,
    inset: bool,
    inset_aspect: float,
    sections: Sequence[lg.LegendSection],
) -> Page:
    """A page for a wide view: the map across the page, the legend in columns below it."""
    left, right, _, top, bottom = _MARGINS_IN
    map_w = width_in - left - right
    aspect = max((view[3] - view[1]) / (view[2] - view[0]), 0.2)
    view = fit_view(view, aspect)
    map_h = map_w * aspect
    cells: list[Any] = (["inset"] if inset else []) + list(sections)
    ncols = max(1, int((map_w + 0.2) // (panel_in + 0.2)))
    rows = [cells[i : i + ncols] for i in range(0, len(cells), ncols)]
    ih = min(panel_in * inset_aspect, 1.9)
    heights = [max(ih if c == "inset" else lg.legend_height_in([c]) for c in row) for row in rows]
    legend_h = sum(heights) + 0.2 * len(rows)
    height = top + map_h + 0.3 + legend_h + bottom
    fig = Figure(figsize=(width_in, height))
    FigureCanvasAgg(fig)
    ax = map_axes(fig, (left, height - top - map_h, map_w, map_h), view)
    panel = fig.add_axes((left / width_in, bottom / height, map_w / width_in, legend_h / height))
    panel.set_axis_off()
    panel.geofront_cells = []  # type: ignore[attr-defined]
    inset_ax = None
    y = height - top - map_h - 0.3
    for row, h in zip(rows, heights, strict=True):
        for j, cell in enumerate(row):
            x = left + j * (panel_in + 0.2)
            if cell == "inset":
                inset_ax = fig.add_axes(
                    (x / width_in, (y - ih) / height, panel_in / width_in, ih / height)
                )
            else:
                sub = fig.add_axes(
                    (x / width_in, (y - h) / height, panel_in / width_in, h / height)
                )
                sub.set_axis_off()
                panel.geofront_cells.append((sub, cell))  # type: ignore[attr-defined]
        y -= h + 0.2
    page = Page(fig, ax, panel, inset_ax, view, left, bottom, width_in, map_w)
    page.legend_row = True
    return page


def draw_legend(page: Page, sections: Sequence[lg.LegendSection]) -> None:
    """Draw the legend of a page made by :func:`new_page`: in the panel beside the map, or,
    below a wide map, each section in its own column (the sections given to ``new_page``).
    A page drawn into a caller's Axes has no panel: its legend is the caller's."""
    panel = page.panel
    if panel is None:
        return
    if not page.legend_row:
        lg.build_legend(panel, sections)
        return
    cells = panel.geofront_cells  # type: ignore[attr-defined]
    for sub, sec in cells:
        lg.build_legend(sub, [sec])


Z_FRAME = 10.0


def page_for(
    view: BBox,
    *,
    ax: Axes | None = None,
    width_in: float,
    inset: bool,
    sections: Sequence[lg.LegendSection] = (),
    **layout: float,
) -> Page:
    """A new page for ``view`` (:func:`new_page`, with ``layout`` options), or, given
    ``ax``, the page of that Axes (:func:`axes_page`)."""
    if ax is not None:
        return axes_page(ax, view)
    return new_page(view, width_in=width_in, inset=inset, sections=sections, **layout)


def axes_page(ax: Axes, view: BBox) -> Page:
    """The page of a map drawn into an existing Axes: the view grown to the Axes' shape,
    the Axes set up as a map (limits, equal aspect, no ticks, water background)."""
    fig = ax.get_figure()
    if not isinstance(fig, Figure):
        raise TypeError("ax must belong to a matplotlib Figure")
    fw, fh = fig.get_size_inches()
    box = ax.get_position()
    w_in, h_in = box.width * fw, box.height * fh
    view = fit_view(view, h_in / w_in)
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
    return Page(fig, ax, None, None, view, box.x0 * fw, box.y0 * fh, fw, w_in)


def finish_page(
    page: Page,
    *,
    crs: CRS,
    title: str,
    subtitle: str | None,
    credits: Sequence[str],
    sections: Sequence[lg.LegendSection] = (),
    inset_context: gpd.GeoDataFrame | None = None,
) -> None:
    """The last touches of every map page: legend, locator inset (``inset_context``: the
    provinces outlined in it), title block and source line (with the projection and the
    geofront version).

    On a page drawn into a caller's Axes: the title (and subtitle) on the Axes and the
    source line under it; legend and inset are the caller's.
    """
    line = sources_line(credits, crs)
    if page.panel is None:
        ax = page.ax
        ax.set_title(title + (f"\n{subtitle}" if subtitle else ""), loc="left", fontsize=9)
        ax.title.set_gid("title")
        size = 5.0
        chars = max(20, int(page.map_w_in * 72.0 / (size * 0.56)))
        ax.annotate(
            "\n".join(textwrap.wrap(line, chars, break_on_hyphens=False)),
            (0.0, 0.0),
            xycoords="axes fraction",
            xytext=(0.0, -10.0),  # below the graticule labels
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=size,
            color=style.MUTED_TEXT,
            gid="attribution",
        )
        return
    draw_legend(page, sections)
    if page.inset is not None and inset_context is not None:
        x0, x1 = page.ax.get_xlim()
        y0, y1 = page.ax.get_ylim()
        fu.add_inset_locator(page.inset, inset_context, crs=crs, view=(x0, y0, x1, y1))
    fu.add_title_block(page.fig, title, subtitle, x_in=page.left_in, top_in=0.2)
    fu.add_attribution(
        page.fig,
        line,
        x_in=page.left_in,
        y_in=page.bottom_in - 0.2,
        width_in=page.width_in - 2 * page.left_in,
    )


def units_per_px(page: Page, dpi: float) -> float:
    return (page.view[2] - page.view[0]) / (page.map_w_in * dpi)


def sources_line(sources: Sequence[str], crs: CRS, extra: Sequence[str] = ()) -> str:
    return fu.attribution_text(
        sources, extra=[*extra, f"Projection: {describe_crs(crs)}", f"Map: geofront {__version__}"]
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


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: float = MAP_DPI) -> Path:
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
