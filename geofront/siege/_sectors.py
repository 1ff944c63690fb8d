"""What lies in each ring x sector around a city: events binned, control shares, arcs.

Package-internal measurements behind :func:`geofront.siege.assess_sieges` (see there for
the definitions): window events are binned by geodesic distance and bearing from the city
(:func:`bin_events`), control polygons are intersected with the sectors in the city's
local AEQD (:func:`control_shares`), and runs of hostile or open sectors around the
circle give the longest hostile arc and the open corridors (:func:`circular_runs`,
:func:`corridor_text`). Geometry of the rings and sectors: :mod:`geofront.siege.rings`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

from geofront.crs import WGS84
from geofront.siege.rings import FrameKey, RingFrame, aeqd_mover, ring_frame

_GEOD = Geod(ellps="WGS84")
_EARTH_RADIUS_M = 6_371_008.8


def _sphere_distance_m(lon0: float, lat0: float, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    p0, l0 = math.radians(lat0), math.radians(lon0)
    p, lam = np.radians(lat), np.radians(lon)
    h = np.sin((p - p0) / 2) ** 2 + math.cos(p0) * np.cos(p) * np.sin((lam - l0) / 2) ** 2
    return np.asarray(2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


@functools.lru_cache(maxsize=4096)
def _overlaps(
    lon: float, lat: float, frame_key: FrameKey, pieces: tuple[bytes, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Areas (m²) where sectors meet district pieces, in the AEQD centred on lon/lat.

    ``pieces`` are the WKB of the districts near the city, clipped in lon/lat; the result
    (sector index, piece index, area) depends only on geometry, so it is cached and
    reused when the same city is judged on another day with another control status.
    """
    fr = ring_frame(*frame_key)
    geoms = shapely.transform(
        shapely.from_wkb(list(pieces)), aeqd_mover(lon, lat, WGS84, inverse=True)
    )
    disk = shapely.Point(0, 0).buffer(float(fr.radii[-1]) * 1.01, 64)
    geoms = shapely.intersection(geoms, disk)
    t_idx, d_idx = shapely.STRtree(geoms).query(fr.template, predicate="intersects")
    area = np.asarray(shapely.area(shapely.intersection(fr.template[t_idx], geoms[d_idx])))
    for arr in (t_idx, d_idx, area):
        arr.flags.writeable = False
    return t_idx, d_idx, area


def circular_runs(flags: np.ndarray) -> list[tuple[int, int]]:
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


def corridor_text(open_flags: np.ndarray, width: float) -> str:
    """Runs of open sectors as ``from-to`` bearings, ``;``-separated (``0-360``: all open)."""
    runs = circular_runs(open_flags)
    if len(runs) == 1 and runs[0][1] == open_flags.size:
        return "0-360"
    parts = []
    for s, length in runs:
        b0 = (s * width - width / 2) % 360.0
        b1 = (b0 + length * width) % 360.0
        parts.append(f"{b0:g}-{b1:g}")
    return ";".join(parts)


def ids_per_cell(cells: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    """``;``-joined sorted unique ids per cell 0..n-1 ("" for none)."""
    out = np.full(n, "", dtype=object)
    if cells.size:
        order = np.lexsort((ids.astype(str), cells))
        cells, ids = cells[order], ids[order]
        starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
        for a, b in zip(starts, np.r_[starts[1:], cells.size], strict=True):
            out[cells[a]] = ";".join(dict.fromkeys(map(str, ids[a:b])))
    return out


@dataclass
class EventWindow:
    """Events of the window as arrays."""

    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    involves: dict[str, np.ndarray]  # side -> events with an actor on that side
    fighting: np.ndarray  # bool: ground fighting (battles, takeovers, UCDP state-based)


@dataclass
class CityEvents:
    """Window events within the rings of one city, binned."""

    pos: np.ndarray  # positions in the window
    ring: np.ndarray
    cell: np.ndarray  # ring * sectors + sector
    hostile: np.ndarray  # bool, per binned event
    friendly: np.ndarray
    fighting: np.ndarray  # bool: ground fighting, per binned event
    nearest_m: float
    nearest_id: str


def bin_events(
    x0: float, y0: float, win: EventWindow, fr: RingFrame, hostile_side: str, defender: str
) -> CityEvents:
    """Bin the window events within the rings of the city at (x0, y0): ring, cell, sides.

    Also finds the nearest hostile event of the window anywhere (geodesic metres, ties
    broken by event id).
    """
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
    return CityEvents(
        pos,
        ring,
        ring * n_sec + sector,
        is_hostile[pos],
        is_friendly[pos],
        win.fighting[pos],
        nearest_m,
        nearest_id,
    )


def control_shares(
    x0: float,
    y0: float,
    fr: RingFrame,
    frame_key: FrameKey,
    ctrl: gpd.GeoDataFrame,
    tree: shapely.STRtree,
    sides: tuple[str, str, str],
) -> tuple[np.ndarray, list[list[str]]]:
    """Per template cell: area shares held by each of ``sides``; hostile districts."""
    n_tpl = len(fr.template)
    shares = np.zeros((n_tpl, 3))
    hostile_districts: list[list[str]] = [[] for _ in range(n_tpl)]
    r = float(fr.radii[-1]) * 1.02
    disk_wgs = shapely.transform(shapely.Point(0, 0).buffer(r, 64), aeqd_mover(x0, y0, WGS84))
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
