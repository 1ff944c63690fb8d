"""Rings and sectors around cities, drawn in true metres.

:func:`outskirt_rings` builds, around each city, concentric rings (default core 0-5 km,
outskirts 5-20 km, approaches 20-50 km) split into ``sectors`` equal angular sectors. They
are drawn once, as a template, in an azimuthal-equidistant projection centred on the city
(:func:`geofront.crs.local_aeqd`), where distance and bearing from the centre are true
(geodesic) everywhere; the template is then transformed to the caller's CRS city by city.
No buffer is ever drawn in degrees.

Sectors are numbered clockwise from north, **sector 0 centred on north**: with ``N``
sectors of width ``w = 360/N`` degrees, sector ``k`` covers the bearings
``[k*w - w/2, k*w + w/2)`` (mod 360). With 16 sectors these are the compass points
N, NNE, NE, ... NNW (column ``compass``). A ring ``i`` covers distances
``[radii_m[i-1], radii_m[i])`` from the city (``[0, radii_m[0])`` for the core).

:func:`check_ring_options` validates radii, ring names and the sector count on their own,
so that a command can fail fast before reading large inputs. The siege assessment
(:mod:`geofront.siege.assess`) reuses the template (:func:`ring_frame`), the per-city geometry
(:func:`city_ring_geometry`) and the AEQD transforms (:func:`aeqd_mover`) defined here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from geofront.crs import WGS84, local_aeqd, require_crs
from geofront.defaults import MAX_SECTORS, SIEGE_RADII_M, SIEGE_SECTORS
from geofront.errors import InputError, SchemaError

if TYPE_CHECKING:
    from geofront.siege._ladder import SiegeThresholds

__all__ = [
    "DEFAULT_RADII_M",
    "RING_COLUMNS",
    "RING_NAMES",
    "check_ring_options",
    "outskirt_rings",
]

#: Default ring radii (outer edges, metres): :data:`geofront.defaults.SIEGE_RADII_M`.
DEFAULT_RADII_M: tuple[float, ...] = SIEGE_RADII_M
#: Default ring names.
RING_NAMES: tuple[str, ...] = ("core", "outskirts", "approaches")

#: Columns of :func:`outskirt_rings` output, in order (then ``geometry``).
RING_COLUMNS = (
    "city_index",
    "city",
    "ring",
    "ring_index",
    "inner_m",
    "outer_m",
    "sector",
    "compass",
    "bearing_from",
    "bearing_to",
    "area_km2",
)

_COMPASS16 = (
    "N NNE NE ENE E ESE SE SSE S SSW SW WSW W WNW NW NNW".split()  # noqa: SIM905
)


def outskirt_rings(
    cities: gpd.GeoDataFrame,
    *,
    radii_m: Sequence[float] = DEFAULT_RADII_M,
    ring_names: Sequence[str] | None = None,
    sectors: int | None = SIEGE_SECTORS,
    segments: int = 360,
) -> gpd.GeoDataFrame:
    """Concentric rings, split into angular sectors, around each city, in true metres.

    Parameters
    ----------
    cities : GeoDataFrame
        Points with a ``city`` column (e.g. from :func:`geofront.places.read_cities`), any
        CRS.
    radii_m : sequence of float
        Outer radius of each ring in metres, strictly increasing. Ring ``i`` covers
        ``[radii_m[i-1], radii_m[i])``; the first ring starts at the city.
    ring_names : sequence of str, optional
        One name per ring; default ``core``, ``outskirts``, ``approaches``, ``ring3``...
    sectors : int or None
        Number of equal angular sectors per ring, numbered clockwise from north with
        sector 0 centred on north. ``None``: whole rings (one row per city x ring,
        ``sector`` ``<NA>``).
    segments : int
        Vertices per full circle (rounded up to a multiple of ``sectors``); 360 keeps the
        polygon area within 0.01 % of the circle's.

    Returns
    -------
    GeoDataFrame
        One row per city x ring x sector, ordered by city (input order), ring, sector,
        with a fresh 0..n-1 index and :data:`RING_COLUMNS`: ``city_index`` (the city's
        label in ``cities``), ``city``, ``ring`` (name), ``ring_index``, ``inner_m``,
        ``outer_m``, ``sector``, ``compass`` (N, NNE... when 16 is a multiple of the
        sector count, else ""), ``bearing_from``/``bearing_to`` (degrees clockwise from
        north; ``bearing_to < bearing_from`` for the sector crossing north),
        ``area_km2`` (true area, from the local AEQD polygon). Geometry in the CRS of
        ``cities``.

    Raises
    ------
    InputError
        Radii not positive and strictly increasing, sectors < 1, no ``city`` column.
    """
    radii, names = _check_geometry_options(radii_m, ring_names, sectors)
    lon, lat = city_lonlat(cities)
    target = CRS.from_user_input(cities.crs)
    key = (tuple(float(r) for r in radii), sectors, int(segments))
    geoms = [
        city_ring_geometry(float(x), float(y), target.to_wkt(), key)
        for x, y in zip(lon, lat, strict=True)
    ]
    return rings_table(cities, names, ring_frame(*key), geoms, target)


def check_ring_options(
    radii_m: Sequence[float],
    *,
    ring_names: Sequence[str] | None = None,
    sectors: int | None = SIEGE_SECTORS,
    thresholds: SiegeThresholds | None = None,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Validate ring radii, names and sector count; return radii (array) and ring names.

    Use it to fail fast before reading large inputs: it checks what
    :func:`outskirt_rings` and :func:`geofront.siege.assess_sieges` check, nothing more.

    Parameters
    ----------
    radii_m : sequence of float
        Outer radius of each ring in metres: positive, strictly increasing.
    ring_names : sequence of str, optional
        One unique, non-empty name per ring (default ``core``, ``outskirts``, ...).
    sectors : int or None
        Sectors per ring, a whole number from 1 to
        :data:`~geofront.defaults.MAX_SECTORS` (``None``: whole rings).
    thresholds : SiegeThresholds, optional
        With it, also require the core and the encirclement ring
        (``thresholds.encirclement_ring``) that a siege assessment needs.

    Returns
    -------
    radii : ndarray of float
        The radii in metres.
    names : tuple of str
        One name per ring.

    Raises
    ------
    InputError
        With a one-line message naming the bad value and what to give instead.
    """
    radii, names = _check_geometry_options(radii_m, ring_names, sectors)
    if thresholds is not None and (
        radii.size < 2 or not 0 < thresholds.encirclement_ring < radii.size
    ):
        raise InputError(
            f"need a core and an encirclement ring (ring {thresholds.encirclement_ring}): "
            f"give at least two radii, e.g. 5km,20km; got {_fmt_radii(radii)}"
        )
    return radii, names


# --------------------------------------------------------------------------- shared
# Package-internal helpers, also used by geofront.siege.assess (not public API).
#: Cache key of a template: (radii in metres, sectors or None, segments per circle).
FrameKey = tuple[tuple[float, ...], int | None, int]


@dataclass(frozen=True)
class RingFrame:
    """The ring/sector template shared by all cities of one call, in a city-centred AEQD.

    ``template`` holds one polygon per ring x sector (metres, centre at 0, 0), ``attrs``
    their ring/sector attributes, ``area`` their true areas (m²) and ``ring_of`` the ring
    index of each; ``width`` is the sector width in degrees.
    """

    radii: np.ndarray
    sectors: int | None
    template: np.ndarray
    attrs: pd.DataFrame
    area: np.ndarray
    ring_of: np.ndarray

    @property
    def width(self) -> float:
        return 360.0 / (self.sectors or 1)


@functools.lru_cache(maxsize=32)
def ring_frame(radii: tuple[float, ...], sectors: int | None, segments: int) -> RingFrame:
    """The template for these (already validated) radii, sectors and segments (cached)."""
    r = np.asarray(radii)
    template, attrs = _template(r, sectors, segments)
    return RingFrame(
        r,
        sectors,
        template,
        attrs,
        np.asarray(shapely.area(template)),
        attrs["ring_index"].to_numpy(),
    )


@functools.lru_cache(maxsize=1024)
def city_ring_geometry(lon: float, lat: float, target_wkt: str, frame_key: FrameKey) -> np.ndarray:
    """The template moved to the city at (lon, lat), in the target CRS (cached, read-only)."""
    out: np.ndarray = shapely.transform(
        ring_frame(*frame_key).template, aeqd_mover(lon, lat, CRS.from_wkt(target_wkt))
    )
    out.flags.writeable = False
    return out


def rings_table(
    cities: gpd.GeoDataFrame,
    names: tuple[str, ...],
    fr: RingFrame,
    geoms: list[np.ndarray],
    target: CRS,
) -> gpd.GeoDataFrame:
    """The :data:`RING_COLUMNS` table of all cities, template repeated per city."""
    n_tpl, n_city = len(fr.attrs), len(cities)
    frame = fr.attrs.iloc[np.tile(np.arange(n_tpl), n_city)].reset_index(drop=True)
    frame.insert(0, "city_index", np.repeat(np.asarray(cities.index, dtype=object), n_tpl))
    frame.insert(1, "city", np.repeat(cities["city"].astype(str).to_numpy(), n_tpl))
    frame.insert(2, "ring", np.asarray(names, dtype=object)[frame["ring_index"].to_numpy()])
    frame["sector"] = frame["sector"].astype("Int64")
    frame["area_km2"] = np.tile(fr.area / 1e6, n_city)
    return gpd.GeoDataFrame(frame[list(RING_COLUMNS)], geometry=np.concatenate(geoms), crs=target)


def city_lonlat(cities: gpd.GeoDataFrame, what: str = "cities") -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 longitude and latitude of each city point; one-line errors for bad tables."""
    require_crs(cities, what)
    if "city" not in cities.columns:
        raise SchemaError(f"{what} table has no 'city' column: read it with read_cities")
    if len(cities) == 0:
        raise InputError(f"{what} table is empty: give at least one city")
    geoms = cities.geometry.to_crs(WGS84)
    if not (geoms.geom_type == "Point").all():
        raise SchemaError(f"{what} must be points: give one point per city")
    return np.asarray(geoms.x, dtype=float), np.asarray(geoms.y, dtype=float)


def aeqd_mover(
    lon: float, lat: float, target: CRS, *, inverse: bool = False
) -> Callable[[np.ndarray], np.ndarray]:
    """A coordinate function for :func:`shapely.transform`: AEQD(lon, lat) -> target.

    With ``inverse=True``, target -> AEQD.
    """
    tr = _transformer(lon, lat, target.to_wkt())
    direction = "INVERSE" if inverse else "FORWARD"

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1], direction=direction)
        return np.column_stack([x, y])

    return fn


# --------------------------------------------------------------------------- private
def _check_geometry_options(
    radii_m: Sequence[float], ring_names: Sequence[str] | None, sectors: int | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    try:
        radii = np.asarray([float(r) for r in radii_m], dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"radii {radii_m!r} are not numbers: give metres, e.g. 5000,20000"
        ) from None
    if radii.size == 0:
        raise InputError("no ring radii given: give at least one, e.g. 5km,20km,50km")
    if not (np.isfinite(radii).all() and (radii > 0).all()):
        raise InputError(f"ring radii must be positive distances, got {_fmt_radii(radii)}")
    if (np.diff(radii) <= 0).any():
        raise InputError(
            f"ring radii must increase strictly, got {_fmt_radii(radii)}: e.g. 5km,20km,50km"
        )
    if ring_names is None:
        names = tuple(
            RING_NAMES[i] if i < len(RING_NAMES) else f"ring{i}" for i in range(radii.size)
        )
    else:
        names = tuple(str(n) for n in ring_names)
        if len(names) != radii.size:
            raise InputError(
                f"{len(names)} ring names for {radii.size} radii: give one name per radius"
            )
        if len(set(names)) != len(names) or any(not n.strip() for n in names):
            raise InputError(f"ring names must be unique and non-empty, got {', '.join(names)}")
    if sectors is not None and (
        isinstance(sectors, bool)
        or not isinstance(sectors, int | np.integer)
        or not 1 <= sectors <= MAX_SECTORS
    ):
        raise InputError(
            f"sectors must be a whole number of at least 1 and at most {MAX_SECTORS}, "
            f"got {sectors!r}"
        )
    return radii, names


def _fmt_radii(radii: np.ndarray) -> str:
    return ",".join(f"{r:g}m" for r in radii)


def _compass(n: int) -> list[str]:
    if 16 % n == 0:
        return [_COMPASS16[k * (16 // n)] for k in range(n)]
    return [""] * n


def _template(
    radii: np.ndarray, sectors: int | None, segments: int
) -> tuple[np.ndarray, pd.DataFrame]:
    """Ring/sector polygons in a city-centred AEQD (metres), and their attributes."""
    inner = np.concatenate([[0.0], radii[:-1]])
    geoms: list[shapely.Geometry] = []
    rows: list[dict[str, object]] = []
    if sectors is None:
        n = max(int(segments), 8)
        ang = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
        unit = np.column_stack([np.sin(ang), np.cos(ang)])
        for i, (r0, r1) in enumerate(zip(inner, radii, strict=True)):
            shell = unit * r1
            holes = [unit[::-1] * r0] if r0 > 0 else None
            geoms.append(shapely.Polygon(shell, holes))
            rows.append(
                {
                    "ring_index": i,
                    "inner_m": r0,
                    "outer_m": r1,
                    "sector": pd.NA,
                    "compass": "",
                    "bearing_from": np.nan,
                    "bearing_to": np.nan,
                }
            )
        return np.array(geoms, dtype=object), pd.DataFrame(rows)
    width = 360.0 / sectors
    per = max(2, math.ceil(segments / sectors))
    compass = _compass(sectors)
    for i, (r0, r1) in enumerate(zip(inner, radii, strict=True)):
        for k in range(sectors):
            a = np.radians(np.linspace(k * width - width / 2, k * width + width / 2, per + 1))
            arc = np.column_stack([np.sin(a), np.cos(a)])
            if sectors == 1:  # a whole annulus: no radial edge
                shell = arc[:-1] * r1
                holes = [arc[:-1][::-1] * r0] if r0 > 0 else None
                geoms.append(shapely.Polygon(shell, holes))
            else:
                back = arc[::-1] * r0 if r0 > 0 else np.zeros((1, 2))
                geoms.append(shapely.Polygon(np.vstack([arc * r1, back])))
            rows.append(
                {
                    "ring_index": i,
                    "inner_m": r0,
                    "outer_m": r1,
                    "sector": k,
                    "compass": compass[k],
                    "bearing_from": (k * width - width / 2) % 360.0,
                    "bearing_to": (k * width + width / 2) % 360.0,
                }
            )
    return np.array(geoms, dtype=object), pd.DataFrame(rows)


@functools.lru_cache(maxsize=256)
def _transformer(lon: float, lat: float, target_wkt: str) -> Transformer:
    """Transformer from the AEQD centred on (lon, lat) to the target CRS (cached)."""
    return Transformer.from_crs(local_aeqd(lon, lat), CRS.from_wkt(target_wkt), always_xy=True)
