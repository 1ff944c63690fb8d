"""The page of a map: projection, view, layout, province/bbox selection, context, saving.

Maps are drawn in a projection chosen for the view (:func:`map_crs_for`): a Lambert
conformal conic with standard parallels at 1/6 and 5/6 of the view's latitude span
(shapes and angles true, scale error under 0.2 % across a country the size of
Afghanistan), or, for a single city, an azimuthal-equidistant projection centred on it
(distances from the city true). Plain longitude/latitude is never used.

The page layout is computed in inches: the map (its aspect set by the view), a panel on
the right (locator inset, legend), the title block above and the source line below, so
nothing overlaps and the figure has no wasted margin. :func:`save_figure` writes PNG, SVG
or PDF atomically, with metadata fixed so the same figure gives the same bytes.
"""

from __future__ import annotations

import difflib
import functools
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pyproj import CRS, Transformer

from geofront import __version__
from geofront.crs import WGS84, local_aeqd
from geofront.errors import InputError, OutputError
from geofront.io import atomic_path
from geofront.maps import furniture as fu
from geofront.maps import style

log = logging.getLogger(__name__)

#: Output formats of :func:`save_figure`, by extension.
FIGURE_EXTENSIONS = (".png", ".svg", ".pdf")
_METADATA: dict[str, dict[str, Any]] = {
    ".png": {"Software": None},
    ".svg": {"Date": None, "Creator": None},
    ".pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}

BBox = tuple[float, float, float, float]


# --- projection and view ----------------------------------------------------------------


def map_crs_for(lonlat_bounds: BBox) -> CRS:
    """Return the map projection for a view given as ``(west, south, east, north)`` degrees.

    A Lambert conformal conic centred on the view with standard parallels at 1/6 and 5/6
    of its latitude span; for views touching the tropics band (|lat| < 5) or crossing the
    equator, where a conic degenerates, an azimuthal equidistant centred on the view.
    """
    w, s, e, n = (float(v) for v in lonlat_bounds)
    lon0, lat0 = (w + e) / 2.0, (s + n) / 2.0
    if s * n <= 0 or min(abs(s), abs(n)) < 5.0:
        return local_aeqd(lon0, lat0)
    span = max(n - s, 0.5)
    lat1, lat2 = lat0 - span / 3.0, lat0 + span / 3.0
    return CRS.from_proj4(
        f"+proj=lcc +lat_1={lat1:.4f} +lat_2={lat2:.4f} +lat_0={lat0:.4f} +lon_0={lon0:.4f} "
        "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def describe_crs(crs: CRS) -> str:
    """One-line human description of a map CRS, for the source line."""
    op = crs.coordinate_operation
    if op is None:
        return crs.name
    p: dict[str, float] = {par.name: float(par.value) for par in op.params}
    if op.method_name.startswith("Lambert Conic Conformal"):
        lat1 = p.get("Latitude of 1st standard parallel", 0.0)
        lat2 = p.get("Latitude of 2nd standard parallel", lat1)
        lon0 = p.get("Longitude of false origin", 0.0)
        ns = "N" if lat1 >= 0 else "S"
        ew = "E" if lon0 >= 0 else "W"
        return (
            f"Lambert conformal conic, standard parallels {abs(lat1):.1f}° and "
            f"{abs(lat2):.1f}° {ns}, central meridian {abs(lon0):.1f}° {ew}"
        )
    if op.method_name.startswith("Azimuthal Equidistant"):
        lat0 = p.get("Latitude of natural origin", 0.0)
        lon0 = p.get("Longitude of natural origin", 0.0)
        return (
            f"Azimuthal equidistant centred on {abs(lat0):.3f}° {'N' if lat0 >= 0 else 'S'}, "
            f"{abs(lon0):.3f}° {'E' if lon0 >= 0 else 'W'}"
        )
    return crs.name


@dataclass
class _Page:
    fig: Figure
    ax: Axes
    panel: Axes
    inset: Axes | None
    view: BBox
    left_in: float
    bottom_in: float
    width_in: float
    map_w_in: float
    legend_row: bool = False


def _fit_view(view: BBox, aspect: float) -> BBox:
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


def _map_width_in(width_in: float, *, panel_in: float = 2.45) -> float:
    """Width of the map on a page ``width_in`` wide with a legend panel ``panel_in`` wide."""
    left, right, gap, _, _ = _MARGINS_IN
    return width_in - left - right - gap - panel_in


def _page(
    view: BBox,
    *,
    width_in: float,
    panel_in: float = 2.45,
    inset: bool,
    inset_aspect: float = 0.75,
    sections: Sequence[fu.LegendSection] = (),
    min_height_in: float = 5.6,
    max_aspect: float = 1.3,
) -> _Page:
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
        return _row_page(
            view,
            width_in=width_in,
            panel_in=panel_in,
            inset=inset,
            inset_aspect=inset_aspect,
            sections=sections,
        )
    legend_h = fu.legend_height_in(sections) if sections else 0.0
    need = max(min_height_in, legend_h + (2.1 if inset else 0.0) + 1.5)
    map_w = _map_width_in(width_in, panel_in=panel_in)
    aspect = aspect0
    if aspect > max_aspect:
        # a tall view: a narrower map (and page) rather than a wider view
        aspect = min(aspect, 3.0)
        map_w = max(map_w * max_aspect / aspect, (need - top - bottom) / aspect)
        map_w = min(map_w, _map_width_in(width_in, panel_in=panel_in))
        width_in = left + map_w + gap + panel_in + right
    aspect = max(aspect, (need - top - bottom) / map_w)
    view = _fit_view(view, aspect)
    map_h = map_w * aspect
    height = top + map_h + bottom
    fig = Figure(figsize=(width_in, height))
    FigureCanvasAgg(fig)
    ax = _map_axes(fig, (left, bottom, map_w, map_h), view)
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
    return _Page(fig, ax, panel, inset_ax, view, left, bottom, width_in, map_w)


def _map_axes(fig: Figure, box_in: tuple[float, float, float, float], view: BBox) -> Axes:
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


def _row_page(
    view: BBox,
    *,
    width_in: float,
    panel_in: float,
    inset: bool,
    inset_aspect: float,
    sections: Sequence[fu.LegendSection],
) -> _Page:
    """A page for a wide view: the map across the page, the legend in columns below it."""
    left, right, _, top, bottom = _MARGINS_IN
    map_w = width_in - left - right
    aspect = max((view[3] - view[1]) / (view[2] - view[0]), 0.2)
    view = _fit_view(view, aspect)
    map_h = map_w * aspect
    cells: list[Any] = (["inset"] if inset else []) + list(sections)
    ncols = max(1, int((map_w + 0.2) // (panel_in + 0.2)))
    rows = [cells[i : i + ncols] for i in range(0, len(cells), ncols)]
    ih = min(panel_in * inset_aspect, 1.9)
    heights = [max(ih if c == "inset" else fu.legend_height_in([c]) for c in row) for row in rows]
    legend_h = sum(heights) + 0.2 * len(rows)
    height = top + map_h + 0.3 + legend_h + bottom
    fig = Figure(figsize=(width_in, height))
    FigureCanvasAgg(fig)
    ax = _map_axes(fig, (left, height - top - map_h, map_w, map_h), view)
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
    page = _Page(fig, ax, panel, inset_ax, view, left, bottom, width_in, map_w)
    page.legend_row = True
    return page


def draw_legend(page: _Page, sections: Sequence[fu.LegendSection]) -> None:
    """Draw the legend of a page made by :func:`_page`: in the panel beside the map, or,
    below a wide map, each section in its own column (the sections given to ``_page``)."""
    if not page.legend_row:
        fu.build_legend(page.panel, sections)
        return
    cells = page.panel.geofront_cells  # type: ignore[attr-defined]
    for sub, sec in cells:
        fu.build_legend(sub, [sec])


Z_FRAME = 10.0


def _pad(bounds: BBox, frac: float) -> BBox:
    w, h = bounds[2] - bounds[0], bounds[3] - bounds[1]
    d = frac * max(w, h)
    return (bounds[0] - d, bounds[1] - d, bounds[2] + d, bounds[3] + d)


def _projected_bounds(geom: Any, src: Any, dst: CRS) -> BBox:
    dense = shapely.segmentize(geom, max_segment_length=0.05) if src == WGS84 else geom
    g = gpd.GeoSeries([dense], crs=src).to_crs(dst)
    b = g.total_bounds
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _lonlat_bounds(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> BBox:
    b = frame.to_crs(WGS84).total_bounds
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _units_per_px(page: _Page, dpi: float) -> float:
    return (page.view[2] - page.view[0]) / (page.map_w_in * dpi)


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def select_province(provinces: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """Return the one-row frame of the province named (or with id) ``name``.

    Matching ignores case, spaces and punctuation. Unknown names raise a one-line
    :class:`~geofront.errors.InputError` listing the closest names.
    """
    key = _normalise(name)
    names = provinces["province"].astype(str)
    ids = provinces["province_id"].astype(str) if "province_id" in provinces else names
    hit = (names.map(_normalise) == key).to_numpy() | (ids.map(_normalise) == key).to_numpy()
    if hit.sum() == 1:
        return provinces[hit]
    choices = sorted(set(names))
    close = difflib.get_close_matches(str(name), choices, n=4, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"choose one of {', '.join(choices)}"
    raise InputError(f"unknown province {name!r}: {hint}")


def _check_bbox(bbox: Sequence[float]) -> BBox:
    if len(bbox) != 4:
        raise InputError(f"bbox needs 4 numbers west,south,east,north; got {len(bbox)}")
    w, s, e, n = (float(v) for v in bbox)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InputError(
            f"bbox {w},{s},{e},{n} is not west,south,east,north in degrees "
            "(west < east, south < north)"
        )
    return (w, s, e, n)


# --- bundled context layers -----------------------------------------------------------


def bundled_context() -> dict[str, gpd.GeoDataFrame]:
    """Return the bundled context layers for Afghanistan maps (new frames each call).

    Returns
    -------
    dict
        ``neighbours``: Natural Earth countries around Afghanistan, Afghanistan itself
        removed (its AIMS outline comes from the districts); ``capitals``: the 34
        provincial capitals (:func:`geofront.places.read_cities`, column ``city``);
        ``airports``: Natural Earth airports of the region (``afg-airports``). All
        EPSG:4326. Maps drawn on the bundled boundaries use them by default.
    """
    return {k: v.copy() for k, v in _bundled_context().items()}


@functools.lru_cache(maxsize=1)
def _bundled_context() -> dict[str, gpd.GeoDataFrame]:
    from geofront import datasets
    from geofront.io import read_vector
    from geofront.places import read_cities

    nb = read_vector(datasets.get_path("afg-neighbours"), what="bundled neighbours")
    if "is_afghanistan" in nb.columns:
        nb = nb[~nb["is_afghanistan"].astype(bool)]
    airports = read_vector(datasets.get_path("afg-airports"), what="bundled airports")
    return {"neighbours": nb, "capitals": read_cities(), "airports": airports}


# --- graticule labels and source line -------------------------------------------------


def _view_lonlat(view: BBox, crs: CRS) -> BBox:
    inv = Transformer.from_crs(crs, WGS84, always_xy=True)
    xs = np.linspace(view[0], view[2], 21)
    ys = np.linspace(view[1], view[3], 21)
    gx, gy = np.meshgrid(xs, ys)
    lon, lat = inv.transform(gx.ravel(), gy.ravel())
    return (float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat)))


def _graticule_labels(ax: Axes, grat: Any) -> None:
    if grat is None:
        return
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for kind, value, pos in grat.geofront_ticks:
        if kind == "lon":
            hemi = "E" if value >= 0 else "W"
            ax.text(
                (pos - x0) / (x1 - x0),
                -0.008,
                f"{abs(value):g}°{hemi}",
                transform=ax.transAxes,
                ha="center",
                va="top",
                fontsize=6,
                color=style.MUTED_TEXT,
                gid="graticule-label",
            )
        else:
            hemi = "N" if value >= 0 else "S"
            ax.text(
                -0.006,
                (pos - y0) / (y1 - y0),
                f"{abs(value):g}°{hemi}",
                transform=ax.transAxes,
                ha="right",
                va="center",
                fontsize=6,
                rotation=90,
                color=style.MUTED_TEXT,
                gid="graticule-label",
            )


def _sources_line(sources: Sequence[str], crs: CRS, extra: Sequence[str] = ()) -> str:
    return fu.attribution_text(
        sources, extra=[*extra, f"Projection: {describe_crs(crs)}", f"Map: geofront {__version__}"]
    )


def is_bundled(boundaries: Any) -> bool:
    """True for the bundled Afghanistan boundaries (credited as geoBoundaries / AIMS)."""
    return getattr(boundaries, "name", None) == "afghanistan"


def drawn_credits(
    sources: Sequence[str],
    *,
    boundaries: Any = None,
    outlines: bool = True,
    places: bool = True,
    population: str | os.PathLike[str] | None | bool = True,
) -> list[str]:
    """Credit lines for what a map actually draws.

    Keys of :data:`geofront.maps.furniture.CREDITS` for layers the map did not draw are
    dropped (``outlines`` without neighbouring countries in view, ``places`` without a
    city marker, ``population`` without raster data in view); ``boundaries`` credits the
    bundled source only for the bundled boundaries, else the user's file by name; a
    population raster other than the bundled one is credited by file name. Literal lines
    are kept as given.
    """
    out: list[str] = []
    for key in sources:
        if key == "boundaries" and boundaries is not None and not is_bundled(boundaries):
            name = getattr(boundaries, "name", "") or "user-supplied"
            out.append(f"Boundaries: {name}")
        elif key == "outlines" and not outlines or key == "places" and not places:
            continue
        elif key == "population":
            if population is None or population is False:
                continue
            if population is not True and not _is_bundled_population(population):
                out.append(f"Population: {Path(str(population)).name}")
            else:
                out.append(key)
        else:
            out.append(key)
    return out


def _is_bundled_population(path: str | os.PathLike[str]) -> bool:
    from geofront import datasets

    try:
        return Path(path).resolve() == Path(datasets.get_path("afg-population")).resolve()
    except Exception:  # an unknown dataset name is simply not bundled
        return False


def bbox_place(bbox: BBox) -> str:
    """``"60°–66° E, 29°–33° N"`` for a view given in degrees."""
    w, s, e, n = bbox

    def span(a: float, b: float, pos: str, neg: str) -> str:
        ha, hb = (pos if a >= 0 else neg), (pos if b >= 0 else neg)
        if ha == hb:
            return f"{abs(a):g}°–{abs(b):g}° {ha}"
        return f"{abs(a):g}° {ha}–{abs(b):g}° {hb}"

    return f"{span(w, e, 'E', 'W')}, {span(s, n, 'N', 'S')}"


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


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: float = 200.0) -> Path:
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
