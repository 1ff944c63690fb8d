"""The view of a map: projection, extent, province/bbox selection, context layers, credits.

Maps are drawn in a projection chosen for the view (:func:`map_crs_for`): a Lambert
conformal conic with standard parallels at 1/6 and 5/6 of the view's latitude span
(shapes and angles true, scale error under 0.2 % across a country the size of
Afghanistan), or, for a single city, an azimuthal-equidistant projection centred on it
(distances from the city true). Plain longitude/latitude is never used.

The page the view is drawn on (layout, last touches, saving) is :mod:`geofront.maps.page`.
"""

from __future__ import annotations

import difflib
import functools
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from pyproj import CRS, Transformer

from geofront.crs import WGS84, local_aeqd
from geofront.errors import InputError
from geofront.maps import style

log = logging.getLogger(__name__)

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
