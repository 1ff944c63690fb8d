"""Sieges: rings and sectors around cities in true metres, encirclement metrics, a status.

Geometry
--------
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

Siege assessment
----------------
:func:`assess_sieges` (and its shortcut :func:`siege_status`) judges every city at once
from joined events and a control table (:data:`geofront.schema.CONTROL_COLUMNS`):

* **defender and hostile side.** Each city has a *defender*, the side whose city it is:
  the ``defender`` column of ``cities`` when present, else the ``defender`` keyword
  (default ``government``, the incumbent of provincial capitals). The *hostile side* is
  the opposing side among ``government``/``insurgent``. The *holder* is the control status
  of the city's own district in the control table (``unknown`` if the district is not in
  it); hostility is relative to the defender, not to the holder, so that a city whose
  district the hostile side now holds can be called ``fallen``.
* **events in the window.** An event counts if its period ``[date, date_end]`` overlaps
  the window ``(as_of - window_days, as_of]`` and its ``location_precision`` is one of
  ``location_precisions`` (region-precision events are placed at a provincial centre and
  would fake fighting in the core, so they are left out by default). An event is
  *hostile* if ``side1`` or ``side2`` is the hostile side (a battle, an attack by, or an
  air strike on the hostile side all show the hostile side is there); it is *friendly* if
  it involves the defender and not the hostile side. Bearing and geodesic distance from
  the city come from :class:`pyproj.Geod` (WGS 84), binned with numpy.
* **sectors.** For each ring x sector: hostile and friendly event counts, and the share of
  its area held by the hostile side, contested, and held by the defender (sectors
  intersected with the control polygons in the city's local AEQD). A sector is *hostile*
  if it has at least one hostile event or its hostile-held share is at least
  ``thresholds.held_share``.
* **metrics** on the encirclement ring (``thresholds.encirclement_ring``, default 1, the
  outskirts): ``encirclement_index`` = share of its sectors that are hostile;
  ``max_hostile_arc_deg`` = longest run of contiguous hostile sectors times the sector
  width, circular (a run may cross north); ``open_corridors`` = the runs of non-hostile
  sectors as ``from-to`` bearings, clockwise, ``;``-separated (``0-360`` if the ring is
  entirely open, empty if closed); ``nearest_hostile_m`` = geodesic distance to the
  nearest hostile event of the window, anywhere.
* **status ladder**, first match wins (:data:`SIEGE_STATUSES`, most severe first):

  1. ``fallen``: the city's district is held by the hostile side;
  2. ``under assault``: at least ``thresholds.core_events`` hostile events in the core
     (ring 0);
  3. ``besieged``: ``encirclement_index >= thresholds.encirclement_index`` or
     ``max_hostile_arc_deg >= thresholds.arc_deg``;
  4. ``threatened``: at least ``thresholds.threatened_events`` hostile events beyond the
     core, or a hostile sector beyond the core;
  5. ``secure``: none of the above.

  ``evidence_events`` and ``evidence_districts`` list the event ids and district ids that
  triggered the status (``;``-separated, sorted) and ``reason`` says it in one sentence.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod, Transformer

from geofront.crs import WGS84, local_aeqd, require_crs
from geofront.errors import InputError, SchemaError
from geofront.schema import CONTESTED, GOVERNMENT, INSURGENT, UNKNOWN

log = logging.getLogger(__name__)

#: Default ring radii (outer edges, metres) and names.
DEFAULT_RADII_M: tuple[float, ...] = (5000.0, 20000.0, 50000.0)
RING_NAMES: tuple[str, ...] = ("core", "outskirts", "approaches")

FALLEN = "fallen"
UNDER_ASSAULT = "under assault"
BESIEGED = "besieged"
THREATENED = "threatened"
SECURE = "secure"
#: Siege statuses, most severe first; ``severity`` is 4 for ``fallen`` down to 0.
SIEGE_STATUSES: tuple[str, ...] = (FALLEN, UNDER_ASSAULT, BESIEGED, THREATENED, SECURE)
_SEVERITY = {s: len(SIEGE_STATUSES) - 1 - i for i, s in enumerate(SIEGE_STATUSES)}
_OPPOSITE = {GOVERNMENT: INSURGENT, INSURGENT: GOVERNMENT}

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
#: Columns added to the ring/sector table by :func:`assess_sieges`.
SECTOR_METRIC_COLUMNS = (
    "hostile_events",
    "friendly_events",
    "hostile_held_share",
    "contested_share",
    "defender_held_share",
    "hostile",
    "hostile_event_ids",
    "hostile_districts",
)

_COMPASS16 = (
    "N NNE NE ENE E ESE SE SSE S SSW SW WSW W WNW NW NNW".split()  # noqa: SIM905
)
_GEOD = Geod(ellps="WGS84")
_EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class SiegeThresholds:
    """Parameters of the siege status ladder (see :mod:`geofront.siege`).

    Attributes
    ----------
    held_share : float
        A sector is hostile if at least this share of its area is held by the hostile side.
    core_events : int
        Hostile events in the core (ring 0) that make a city ``under assault``.
    encirclement_index : float
        Encirclement index at or above which a city is ``besieged``.
    arc_deg : float
        Longest contiguous hostile arc (degrees) at or above which a city is ``besieged``.
    threatened_events : int
        Hostile events beyond the core that make a city ``threatened``.
    encirclement_ring : int
        Index of the ring the encirclement metrics are measured on (1: outskirts).
    """

    held_share: float = 0.5
    core_events: int = 1
    encirclement_index: float = 0.75
    arc_deg: float = 270.0
    threatened_events: int = 1
    encirclement_ring: int = 1


@dataclass(frozen=True)
class SiegeAssessment:
    """Result of :func:`assess_sieges`.

    Attributes
    ----------
    status : DataFrame
        One row per city (see :func:`assess_sieges`).
    sectors : GeoDataFrame
        One row per city x ring x sector: :data:`RING_COLUMNS`,
        :data:`SECTOR_METRIC_COLUMNS`, geometry in the cities' CRS.
    """

    status: pd.DataFrame
    sectors: gpd.GeoDataFrame


# --------------------------------------------------------------------------- geometry
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
        isinstance(sectors, bool) or not isinstance(sectors, int | np.integer) or sectors < 1
    ):
        raise InputError(f"sectors must be a whole number of at least 1, got {sectors!r}")
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


def _city_points(cities: gpd.GeoDataFrame, what: str = "cities") -> tuple[np.ndarray, np.ndarray]:
    require_crs(cities, what)
    if "city" not in cities.columns:
        raise SchemaError(f"{what} table has no 'city' column: read it with read_cities")
    if len(cities) == 0:
        raise InputError(f"{what} table is empty: give at least one city")
    geoms = cities.geometry.to_crs(WGS84)
    if not (geoms.geom_type == "Point").all():
        raise SchemaError(f"{what} must be points: give one point per city")
    return np.asarray(geoms.x, dtype=float), np.asarray(geoms.y, dtype=float)


@functools.lru_cache(maxsize=256)
def _transformer(lon: float, lat: float, target_wkt: str) -> Transformer:
    """Transformer from the AEQD centred on (lon, lat) to the target CRS (cached)."""
    return Transformer.from_crs(local_aeqd(lon, lat), CRS.from_wkt(target_wkt), always_xy=True)


def _mover(
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


def outskirt_rings(
    cities: gpd.GeoDataFrame,
    *,
    radii_m: Sequence[float] = DEFAULT_RADII_M,
    ring_names: Sequence[str] | None = None,
    sectors: int | None = 16,
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
    lon, lat = _city_points(cities)
    target = CRS.from_user_input(cities.crs)
    key = (tuple(float(r) for r in radii), sectors, int(segments))
    geoms = [
        _city_geometry(float(x), float(y), target.to_wkt(), key)
        for x, y in zip(lon, lat, strict=True)
    ]
    return _rings_table(cities, names, _frame(*key), geoms, target)


def _rings_table(
    cities: gpd.GeoDataFrame,
    names: tuple[str, ...],
    fr: _Frame,
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


# --------------------------------------------------------------------------- events
def _event_arrays(
    events: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    window_days: int,
    location_precisions: Sequence[str] | None,
) -> pd.DataFrame:
    """The events of the window: id, sides, lon, lat (validated)."""
    need = ["event_id", "date", "side1", "side2"]
    missing = [c for c in need if c not in events.columns]
    if missing:
        raise SchemaError(
            f"events lack column(s) {', '.join(missing)}: give canonical events "
            "(read_events / join_events output)"
        )
    if len(events) == 0:
        raise InputError("events table is empty: give a file with events in it")
    date = pd.to_datetime(events["date"], errors="coerce").to_numpy(dtype="datetime64[ns]")
    if "date_end" in events.columns:
        end = pd.to_datetime(events["date_end"], errors="coerce").to_numpy(dtype="datetime64[ns]")
        end = np.where(np.isnat(end), date, end)
    else:
        end = date
    first, last = np.nanmin(date), np.nanmax(end)
    if np.isnat(first):
        raise InputError("events have no usable date: check the date column")
    day = as_of.normalize().to_datetime64().astype("datetime64[ns]")
    if day < first or day > last:
        raise InputError(
            f"as-of date {as_of.date()} is outside the events' dates "
            f"{pd.Timestamp(first).date()} to {pd.Timestamp(last).date()}: choose a date in that range"
        )
    start = day - np.timedelta64(int(window_days), "D")
    keep = (date <= day) & (end > start)
    if location_precisions is not None and "location_precision" in events.columns:
        keep &= events["location_precision"].isin(list(location_precisions)).to_numpy()
    sub = events.loc[keep]
    if {"longitude", "latitude"} <= set(sub.columns):
        lon = pd.to_numeric(sub["longitude"], errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(sub["latitude"], errors="coerce").to_numpy(dtype=float)
    elif isinstance(sub, gpd.GeoDataFrame):
        pts = sub.geometry if CRS.from_user_input(require_crs(sub, "events")) == WGS84 else None
        pts = sub.geometry.to_crs(WGS84) if pts is None else pts
        lon, lat = np.asarray(pts.x, dtype=float), np.asarray(pts.y, dtype=float)
    else:
        raise SchemaError("events have neither latitude/longitude columns nor point geometry")
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.all():
        log.warning(
            "%d events of the window have no coordinates and are left out", int((~ok).sum())
        )
    return pd.DataFrame(
        {
            "event_id": sub["event_id"].astype(str).to_numpy()[ok],
            "side1": sub["side1"].astype(str).to_numpy()[ok],
            "side2": sub["side2"].astype(str).to_numpy()[ok],
            "lon": lon[ok],
            "lat": lat[ok],
        }
    )


def _sphere_distance_m(lon0: float, lat0: float, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    p0, l0 = math.radians(lat0), math.radians(lon0)
    p, lam = np.radians(lat), np.radians(lon)
    h = np.sin((p - p0) / 2) ** 2 + math.cos(p0) * np.cos(p) * np.sin((lam - l0) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


# --------------------------------------------------------------------------- control
def _control_wgs(control: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    missing = [c for c in ("district_id", "status") if c not in control.columns]
    if missing:
        raise SchemaError(
            f"control table lacks column(s) {', '.join(missing)}: give control_from_events output"
        )
    if not isinstance(control, gpd.GeoDataFrame) or control.geometry.name not in control.columns:
        raise SchemaError("control table has no geometry: give control_from_events output")
    require_crs(control, "control table")
    out = control.to_crs(WGS84)
    cols = ["district_id", "status", *(["evidence"] if "evidence" in out.columns else [])]
    out = out[[*cols, out.geometry.name]].reset_index(drop=True)
    out["district_id"] = out["district_id"].astype(str)
    return out


def _holders(
    cities: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, control: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """District id, control status and control evidence of each city's own district."""
    n = len(cities)
    ids = np.full(n, None, dtype=object)
    if "district_id" in cities.columns:
        declared = cities["district_id"].astype("string").to_numpy(dtype=object, na_value=None)
        known = set(control["district_id"])
        ids = np.array([d if d in known else None for d in declared], dtype=object)
    need = np.array([d is None for d in ids])
    if need.any():
        pts = shapely.points(lon[need], lat[need])
        tree = shapely.STRtree(control.geometry.array)
        pi, ci = tree.query(pts, predicate="intersects")
        found = pd.Series(control["district_id"].to_numpy()[ci], index=pi)
        found = found.sort_values(kind="stable").groupby(level=0).first()
        where = np.flatnonzero(need)
        ids[where[found.index.to_numpy(dtype=int)]] = found.to_numpy()
    lookup = control.drop_duplicates("district_id").set_index("district_id")
    status = np.array(
        [str(lookup.at[d, "status"]) if d is not None else UNKNOWN for d in ids], dtype=object
    )
    if "evidence" in lookup.columns:
        evid = np.array(
            [
                ""
                if d is None or pd.isna(lookup.at[d, "evidence"])
                else str(lookup.at[d, "evidence"])
                for d in ids
            ],
            dtype=object,
        )
    else:
        evid = np.full(n, "", dtype=object)
    return ids, status, evid


# --------------------------------------------------------------------------- assessment
_FrameKey = tuple[tuple[float, ...], int | None, int]


@dataclass(frozen=True)
class _Frame:
    """The ring/sector template shared by all cities of one assessment."""

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
def _frame(radii: tuple[float, ...], sectors: int | None, segments: int) -> _Frame:
    r = np.asarray(radii)
    template, attrs = _template(r, sectors, segments)
    return _Frame(
        r,
        sectors,
        template,
        attrs,
        np.asarray(shapely.area(template)),
        attrs["ring_index"].to_numpy(),
    )


@functools.lru_cache(maxsize=4096)
def _overlaps(
    lon: float, lat: float, frame_key: _FrameKey, pieces: tuple[bytes, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Areas (m²) where sectors meet district pieces, in the AEQD centred on lon/lat.

    ``pieces`` are the WKB of the districts near the city, clipped in lon/lat; the result
    (sector index, piece index, area) depends only on geometry, so it is cached and
    reused when the same city is judged on another day with another control status.
    """
    fr = _frame(*frame_key)
    geoms = shapely.transform(shapely.from_wkb(list(pieces)), _mover(lon, lat, WGS84, inverse=True))
    disk = shapely.Point(0, 0).buffer(float(fr.radii[-1]) * 1.01, 64)
    geoms = shapely.intersection(geoms, disk)
    t_idx, d_idx = shapely.STRtree(geoms).query(fr.template, predicate="intersects")
    area = np.asarray(shapely.area(shapely.intersection(fr.template[t_idx], geoms[d_idx])))
    for arr in (t_idx, d_idx, area):
        arr.flags.writeable = False
    return t_idx, d_idx, area


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Circular runs of True as (start index, length), ordered by start index."""
    n = flags.size
    if n == 0 or not flags.any():
        return []
    if flags.all():
        return [(0, n)]
    shift = int(np.argmin(flags))  # a False position: no run crosses it
    rolled = np.roll(flags, -shift).astype(np.int8)
    d = np.diff(np.concatenate([[0], rolled, [0]]))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    runs = [((int(s) + shift) % n, int(e - s)) for s, e in zip(starts, ends, strict=True)]
    return sorted(runs)


def _corridors(open_flags: np.ndarray, width: float) -> str:
    runs = _runs(open_flags)
    if len(runs) == 1 and runs[0][1] == open_flags.size:
        return "0-360"
    parts = []
    for s, length in runs:
        b0 = (s * width - width / 2) % 360.0
        b1 = (b0 + length * width) % 360.0
        parts.append(f"{b0:g}-{b1:g}")
    return ";".join(parts)


def _ids_per_cell(cells: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    """``;``-joined sorted unique ids per cell 0..n-1 ("" for none)."""
    out = np.full(n, "", dtype=object)
    if cells.size:
        order = np.lexsort((ids.astype(str), cells))
        cells, ids = cells[order], ids[order]
        starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
        for a, b in zip(starts, np.r_[starts[1:], cells.size], strict=True):
            out[cells[a]] = ";".join(dict.fromkeys(map(str, ids[a:b])))
    return out


def _ids(values: np.ndarray | list[str]) -> str:
    return ";".join(sorted(set(map(str, values))))


@dataclass
class _Window:
    """Events of the window as arrays."""

    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    involves: dict[str, np.ndarray]  # side -> events with an actor on that side


@dataclass
class _CityEvents:
    """Window events within the rings of one city, binned."""

    pos: np.ndarray  # positions in the window
    ring: np.ndarray
    cell: np.ndarray  # ring * sectors + sector
    hostile: np.ndarray  # bool, per binned event
    friendly: np.ndarray
    nearest_m: float
    nearest_id: str


def _bin_events(
    x0: float, y0: float, win: _Window, fr: _Frame, hostile_side: str, defender: str
) -> _CityEvents:
    is_hostile = win.involves[hostile_side]
    is_friendly = ~is_hostile & win.involves[defender]
    # spherical prefilter (generous), then exact geodesic distance and azimuth
    approx = _sphere_distance_m(x0, y0, win.lon, win.lat)
    pos = np.flatnonzero(approx <= float(fr.radii[-1]) * 1.01 + 1000.0)
    az, _, dist = _GEOD.inv(
        np.full(pos.size, x0), np.full(pos.size, y0), win.lon[pos], win.lat[pos]
    )
    ring = np.searchsorted(fr.radii, np.asarray(dist, dtype=float), side="right")
    inside = ring < fr.radii.size
    pos, ring = pos[inside], ring[inside]
    bearing = np.mod(np.asarray(az, dtype=float)[inside], 360.0)
    n_sec = int(fr.sectors or 1)
    sector = np.floor((bearing + fr.width / 2) / fr.width).astype(np.int64) % n_sec
    nearest_m, nearest_id = np.nan, ""
    h_all = np.flatnonzero(is_hostile)
    if h_all.size:
        # the spherical distance is within 0.5 % of the geodesic one: check all close calls
        cand = h_all[approx[h_all] <= approx[h_all].min() * 1.01 + 100.0]
        n = cand.size
        _, _, dd = _GEOD.inv(np.full(n, x0), np.full(n, y0), win.lon[cand], win.lat[cand])
        dd = np.asarray(dd, dtype=float)
        best = int(np.lexsort((win.ids[cand], dd))[0])
        nearest_m, nearest_id = float(dd[best]), str(win.ids[cand[best]])
    return _CityEvents(
        pos,
        ring,
        ring * n_sec + sector,
        is_hostile[pos],
        is_friendly[pos],
        nearest_m,
        nearest_id,
    )


def _control_shares(
    x0: float,
    y0: float,
    fr: _Frame,
    frame_key: _FrameKey,
    ctrl: gpd.GeoDataFrame,
    tree: shapely.STRtree,
    sides: tuple[str, str, str],
) -> tuple[np.ndarray, list[list[str]]]:
    """Per template cell: area shares held by each of ``sides``; hostile districts."""
    n_tpl = len(fr.template)
    shares = np.zeros((n_tpl, 3))
    hostile_districts: list[list[str]] = [[] for _ in range(n_tpl)]
    r = float(fr.radii[-1]) * 1.02
    disk_wgs = shapely.transform(shapely.Point(0, 0).buffer(r, 64), _mover(x0, y0, WGS84))
    cand = np.sort(tree.query(disk_wgs, predicate="intersects"))
    if cand.size == 0:
        return shares, hostile_districts
    # cut far parts off in lon/lat first (cheap), so few vertices are projected
    clipped = shapely.clip_by_rect(ctrl.geometry.array[cand], *disk_wgs.bounds)
    t_idx, d_idx, part = _overlaps(x0, y0, frame_key, tuple(shapely.to_wkb(clipped)))
    status = ctrl["status"].to_numpy(dtype=object)[cand[d_idx]]
    frac = part / fr.area[t_idx]
    for j, side in enumerate(sides):
        m = status == side
        shares[:, j] = np.bincount(t_idx[m], weights=frac[m], minlength=n_tpl)
    hm = (status == sides[0]) & (part > 1.0)  # ignore slivers under 1 m²
    ids = ctrl["district_id"].to_numpy(dtype=object)[cand[d_idx[hm]]]
    for t, d in zip(t_idx[hm], ids, strict=True):
        hostile_districts[int(t)].append(str(d))
    return np.clip(shares, 0.0, 1.0), hostile_districts


def _ladder(
    *,
    thresholds: SiegeThresholds,
    fr: _Frame,
    names: tuple[str, ...],
    ev: _CityEvents,
    win: _Window,
    sector_hostile: np.ndarray,
    held_share: np.ndarray,
    hostile_districts: list[list[str]],
    holder: str,
    hostile_side: str,
    district_id: str | None,
    control_evidence: str,
    window_days: int,
    day: pd.Timestamp,
) -> tuple[str, str, str, str]:
    """Status, reason, evidence events and evidence districts of one city."""
    t = thresholds
    er = t.encirclement_ring
    ring_mask = fr.ring_of == er
    flags = sector_hostile[ring_mask]
    index = float(flags.mean())
    arc = float(max((n for _, n in _runs(flags)), default=0) * fr.width)
    core = ev.hostile & (ev.ring == 0)
    outer = ev.hostile & (ev.ring >= 1)
    held_outer = (fr.ring_of >= 1) & (held_share >= t.held_share)
    e_ids: list[str] | np.ndarray
    d_ids: list[str]
    if holder == hostile_side:
        e_ids = [e for e in control_evidence.split(";") if e]
        d_ids = [str(district_id)]
        return (
            FALLEN,
            f"the city's district {district_id} is held by the {hostile_side} side",
            _ids(e_ids),
            _ids(d_ids),
        )
    if core.sum() >= t.core_events:
        return (
            UNDER_ASSAULT,
            f"{int(core.sum())} hostile event(s) within {fr.radii[0]:g} m of the city "
            f"in the {window_days} days to {day.date()}",
            _ids(win.ids[ev.pos[core]]),
            "",
        )
    if index >= t.encirclement_index or arc >= t.arc_deg:
        hot = np.flatnonzero(ring_mask & sector_hostile)
        e_ids = win.ids[ev.pos[ev.hostile & np.isin(ev.cell, hot)]]
        d_ids = [d for k in hot for d in hostile_districts[k]]
        return (
            BESIEGED,
            f"{int(flags.sum())} of {fr.sectors} {names[er]} sectors hostile "
            f"(index {index:.2f}), longest hostile arc {arc:g} deg",
            _ids(e_ids),
            _ids(d_ids),
        )
    if outer.sum() >= t.threatened_events or held_outer.any():
        d_ids = [d for k in np.flatnonzero(held_outer) for d in hostile_districts[k]]
        return (
            THREATENED,
            f"{int(outer.sum())} hostile event(s) and {int(held_outer.sum())} hostile-held "
            f"sector(s) between {fr.radii[0]:g} and {fr.radii[-1]:g} m",
            _ids(win.ids[ev.pos[outer]]),
            _ids(d_ids),
        )
    return SECURE, f"no hostile event or hostile-held sector within {fr.radii[-1]:g} m", "", ""


def check_ring_options(
    radii_m: Sequence[float],
    *,
    ring_names: Sequence[str] | None = None,
    sectors: int | None = 16,
    thresholds: SiegeThresholds | None = None,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Validate ring radii, names and sector count; return radii (array) and ring names.

    With ``thresholds``, also require the core and the encirclement ring a siege
    assessment needs. Raises a one-line :class:`InputError` (use it to fail fast before
    reading large inputs).
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


def _defenders(cities: gpd.GeoDataFrame, defender: str) -> np.ndarray:
    if defender not in _OPPOSITE:
        raise InputError(f"defender must be 'government' or 'insurgent', got {defender!r}")
    out = np.full(len(cities), defender, dtype=object)
    if "defender" in cities.columns:
        col = cities["defender"].astype("string").to_numpy(dtype=object, na_value=None)
        out = np.where(pd.isna(col), out, col)
        bad = sorted({str(d) for d in out if d not in _OPPOSITE})
        if bad:
            raise InputError(
                f"cities column 'defender' has {bad[0]!r}: use 'government' or 'insurgent'"
            )
    return out


def assess_sieges(
    cities: gpd.GeoDataFrame,
    events: pd.DataFrame,
    control: gpd.GeoDataFrame,
    *,
    as_of: str | pd.Timestamp,
    window_days: int = 14,
    radii_m: Sequence[float] = DEFAULT_RADII_M,
    ring_names: Sequence[str] | None = None,
    sectors: int = 16,
    thresholds: SiegeThresholds = SiegeThresholds(),
    defender: str = GOVERNMENT,
    location_precisions: Sequence[str] | None = ("exact", "near"),
    segments: int = 128,
    progress: bool = False,
) -> SiegeAssessment:
    """Judge the siege status of every city at once, with per-sector detail.

    Parameters
    ----------
    cities : GeoDataFrame
        Points with a ``city`` column, any CRS; optional ``province``, ``district_id``
        (else the district is found by point in polygon in ``control``) and ``defender``
        (``government``/``insurgent``, overriding the keyword per city).
    events : DataFrame
        Joined or canonical events (:data:`geofront.schema.EVENT_COLUMNS`): ``event_id``,
        ``date`` (``date_end`` optional), ``side1``, ``side2``, ``latitude``/``longitude``
        or point geometry, ``location_precision`` optional.
    control : GeoDataFrame
        Control table (:data:`geofront.schema.CONTROL_COLUMNS` and district polygons),
        any CRS.
    as_of : str or Timestamp
        The day judged; must lie within the events' dates.
    window_days : int
        Events overlapping ``(as_of - window_days, as_of]`` count.
    radii_m, ring_names, sectors
        The rings and sectors, as in :func:`outskirt_rings`; at least two rings (a core
        and the encirclement ring).
    thresholds : SiegeThresholds
        The status ladder's parameters.
    defender : {"government", "insurgent"}
        Side defending every city without a ``defender`` column value.
    location_precisions : sequence of str or None
        Event location precisions that count (``None``: all).
    segments : int
        Vertices per full circle of the sector polygons.
    progress : bool
        Show a progress bar over cities.

    Returns
    -------
    SiegeAssessment
        ``status``: one row per city, index of ``cities`` kept, sorted by ``severity``
        (descending), then ``city``, with columns ``city``, ``province``, ``district_id``,
        ``as_of``, ``window_days``, ``defender``, ``hostile_side``, ``holder`` (control
        status of the city's district), ``status`` (one of :data:`SIEGE_STATUSES`),
        ``severity`` (4 fallen ... 0 secure), ``hostile_<ring>`` and ``friendly_<ring>``
        (event counts per ring), ``hostile_held_share_<ring>`` (share of the ring's area
        held by the hostile side), ``hostile_sectors``, ``encirclement_index``,
        ``max_hostile_arc_deg``, ``open_corridors``, ``nearest_hostile_m`` (NaN if no
        hostile event in the window), ``nearest_hostile_event``, ``reason``,
        ``evidence_events``, ``evidence_districts``.
        ``sectors``: the :func:`outskirt_rings` table with :data:`SECTOR_METRIC_COLUMNS`,
        geometry in the cities' CRS.

    Raises
    ------
    InputError
        Empty events, ``as_of`` outside the events' dates, bad radii or sectors, fewer
        than two rings, unknown defender side, missing columns.
    """
    radii, names = check_ring_options(
        radii_m, ring_names=ring_names, sectors=sectors, thresholds=thresholds
    )
    if isinstance(window_days, bool) or int(window_days) != window_days or window_days < 1:
        raise InputError(f"window must be a whole number of days >= 1, got {window_days!r}")
    defenders = _defenders(cities, defender)
    day = pd.Timestamp(as_of).normalize()
    lon, lat = _city_points(cities)
    w = _event_arrays(
        events, as_of=day, window_days=int(window_days), location_precisions=location_precisions
    )
    win = _Window(
        w["event_id"].to_numpy(dtype=object),
        w["lon"].to_numpy(dtype=float),
        w["lat"].to_numpy(dtype=float),
        {
            side: ((w["side1"] == side) | (w["side2"] == side)).to_numpy(dtype=bool)
            for side in _OPPOSITE
        },
    )
    ctrl = _control_wgs(control)
    district_ids, holders, control_evidence = _holders(cities, lon, lat, ctrl)
    frame_key = (tuple(float(r) for r in radii), int(sectors), int(segments))
    fr = _frame(*frame_key)
    n_tpl, n_ring = len(fr.template), radii.size
    ring_area = np.bincount(fr.ring_of, weights=fr.area, minlength=n_ring)
    target = CRS.from_user_input(cities.crs)
    tree = shapely.STRtree(ctrl.geometry.array)

    rows: list[dict[str, object]] = []
    sector_parts: list[pd.DataFrame] = []
    geoms: list[np.ndarray] = []
    iterator: Iterable[int] = range(len(cities))
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="sieges", unit="city", delay=0.5)
    for c in iterator:
        x0, y0 = float(lon[c]), float(lat[c])
        defend = str(defenders[c])
        hostile_side = _OPPOSITE[defend]
        ev = _bin_events(x0, y0, win, fr, hostile_side, defend)
        hostile_n = np.bincount(ev.cell[ev.hostile], minlength=n_tpl)
        friendly_n = np.bincount(ev.cell[ev.friendly], minlength=n_tpl)
        shares, hostile_districts = _control_shares(
            x0, y0, fr, frame_key, ctrl, tree, (hostile_side, CONTESTED, defend)
        )
        sector_hostile = (hostile_n > 0) | (shares[:, 0] >= thresholds.held_share)
        status, reason, evidence_e, evidence_d = _ladder(
            thresholds=thresholds,
            fr=fr,
            names=names,
            ev=ev,
            win=win,
            sector_hostile=sector_hostile,
            held_share=shares[:, 0],
            hostile_districts=hostile_districts,
            holder=str(holders[c]),
            hostile_side=hostile_side,
            district_id=district_ids[c],
            control_evidence=str(control_evidence[c]),
            window_days=int(window_days),
            day=day,
        )
        flags = sector_hostile[fr.ring_of == thresholds.encirclement_ring]
        per_ring_h = np.bincount(ev.ring[ev.hostile], minlength=n_ring)
        per_ring_f = np.bincount(ev.ring[ev.friendly], minlength=n_ring)
        held = np.bincount(fr.ring_of, weights=shares[:, 0] * fr.area, minlength=n_ring)
        row: dict[str, object] = {
            "city": str(cities["city"].iloc[c]),
            "province": cities["province"].iloc[c] if "province" in cities.columns else pd.NA,
            "district_id": district_ids[c] if district_ids[c] is not None else pd.NA,
            "as_of": day,
            "window_days": int(window_days),
            "defender": defend,
            "hostile_side": hostile_side,
            "holder": holders[c],
            "status": status,
            "severity": _SEVERITY[status],
        }
        row.update({f"hostile_{nm}": int(per_ring_h[i]) for i, nm in enumerate(names)})
        row.update({f"friendly_{nm}": int(per_ring_f[i]) for i, nm in enumerate(names)})
        row.update(
            {
                f"hostile_held_share_{nm}": float(held[i] / ring_area[i])
                for i, nm in enumerate(names)
            }
        )
        row.update(
            {
                "hostile_sectors": int(flags.sum()),
                "encirclement_index": float(flags.mean()),
                "max_hostile_arc_deg": float(
                    max((n for _, n in _runs(flags)), default=0) * fr.width
                ),
                "open_corridors": _corridors(~flags, fr.width),
                "nearest_hostile_m": ev.nearest_m,
                "nearest_hostile_event": ev.nearest_id,
                "reason": f"{status}: {reason}",
                "evidence_events": evidence_e,
                "evidence_districts": evidence_d,
            }
        )
        rows.append(row)
        cell_ids = _ids_per_cell(ev.cell[ev.hostile], win.ids[ev.pos[ev.hostile]], n_tpl)
        sector_parts.append(
            pd.DataFrame(
                {
                    "hostile_events": hostile_n,
                    "friendly_events": friendly_n,
                    "hostile_held_share": shares[:, 0],
                    "contested_share": shares[:, 1],
                    "defender_held_share": shares[:, 2],
                    "hostile": sector_hostile,
                    "hostile_event_ids": cell_ids,
                    "hostile_districts": [_ids(d) for d in hostile_districts],
                }
            )
        )
        geoms.append(_city_geometry(x0, y0, target.to_wkt(), frame_key))

    status_frame = pd.DataFrame(rows, index=cities.index)
    order = np.lexsort(
        (
            np.arange(len(status_frame)),
            status_frame["city"].to_numpy(),
            -status_frame["severity"].to_numpy(),
        )
    )
    status_frame = status_frame.iloc[order]
    sectors_frame = _sector_frame(cities, names, fr, sector_parts, geoms, target)
    return SiegeAssessment(status_frame, sectors_frame)


@functools.lru_cache(maxsize=1024)
def _city_geometry(lon: float, lat: float, target_wkt: str, frame_key: _FrameKey) -> np.ndarray:
    out = shapely.transform(_frame(*frame_key).template, _mover(lon, lat, CRS.from_wkt(target_wkt)))
    out.flags.writeable = False
    return out


def _sector_frame(
    cities: gpd.GeoDataFrame,
    names: tuple[str, ...],
    fr: _Frame,
    parts: list[pd.DataFrame],
    geoms: list[np.ndarray],
    target: CRS,
) -> gpd.GeoDataFrame:
    table = _rings_table(cities, names, fr, geoms, target)
    metrics = pd.concat(parts, ignore_index=True)
    for col in SECTOR_METRIC_COLUMNS:
        table[col] = metrics[col].to_numpy()
    return table[[*RING_COLUMNS, *SECTOR_METRIC_COLUMNS, table.geometry.name]]


def siege_status(
    cities: gpd.GeoDataFrame,
    events: pd.DataFrame,
    control: gpd.GeoDataFrame,
    *,
    as_of: str | pd.Timestamp,
    window_days: int = 14,
    radii_m: Sequence[float] = DEFAULT_RADII_M,
    ring_names: Sequence[str] | None = None,
    sectors: int = 16,
    thresholds: SiegeThresholds = SiegeThresholds(),
    defender: str = GOVERNMENT,
    location_precisions: Sequence[str] | None = ("exact", "near"),
    progress: bool = False,
) -> pd.DataFrame:
    """Return the siege status of every city: the ``status`` table of :func:`assess_sieges`.

    Parameters and output columns are those of :func:`assess_sieges`; one row per city,
    index of ``cities`` kept, most severe first then by city name.
    """
    return assess_sieges(
        cities,
        events,
        control,
        as_of=as_of,
        window_days=window_days,
        radii_m=radii_m,
        ring_names=ring_names,
        sectors=sectors,
        thresholds=thresholds,
        defender=defender,
        location_precisions=location_precisions,
        progress=progress,
    ).status
