"""People within a distance of points on the raster grid: the ``grid`` method of
:func:`geofront.exposure.event_exposure` (whole cells in, whole cells out, edge cells
sampled), with distances as 3-D chords between Earth-centred coordinates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from pyproj import Transformer

from geofront.crs import WGS84, ecef_m
from geofront.raster import RasterInfo, iter_cells, window_for_bounds

if TYPE_CHECKING:
    import rasterio
    from scipy.spatial import cKDTree

__all__ = ["grid_exposure", "search_bounds"]


def grid_exposure(
    lon: np.ndarray,
    lat: np.ndarray,
    radii: Sequence[float],
    ds: rasterio.DatasetReader,
    info: RasterInfo,
    *,
    oversample: int,
) -> np.ndarray:
    """People within each radius of the events (lon/lat points), on the raster grid.

    ``d`` is the distance from a cell's centre to the nearest event and ``h`` the
    distance from the centre to the cell's farthest corner (both 3-D chords on the
    ellipsoid). By the triangle inequality a cell with ``d + h <= r`` lies wholly within
    ``r`` of an event (counted whole) and one with ``d - h > r`` wholly outside. Edge
    cells in between are sampled at ``oversample`` x ``oversample`` sub-cell centres
    (``oversample=1``: the centre decides).
    """
    out = np.zeros(len(radii))
    if not len(lon):
        return out
    from scipy.spatial import cKDTree  # scipy loads only when the grid method runs

    r_arr = np.asarray(radii, dtype="float64")
    rmax = float(r_arr.max())
    tree = cKDTree(ecef_m(lon, lat))
    window = window_for_bounds(info, search_bounds(lon, lat, rmax, info))
    if window is None:
        return out
    to_lonlat = Transformer.from_crs(info.crs, WGS84, always_xy=True)
    for rows, cols, values in iter_cells(ds, info, window):
        centre = _cell_points(rows + 0.5, cols + 0.5, info, to_lonlat)
        if oversample <= 1:
            dist, _ = tree.query(centre, k=1, distance_upper_bound=rmax * (1 + 1e-12), workers=-1)
            out += np.array([values[dist <= r].sum() for r in r_arr])
            continue
        half = _half_diagonals(rows, cols, centre, info, to_lonlat)
        dist, _ = tree.query(centre, k=1, distance_upper_bound=rmax + float(half.max()), workers=-1)
        inside = dist[:, None] + half[:, None] <= r_arr[None, :]
        edge = (~inside) & (dist[:, None] - half[:, None] <= r_arr[None, :])
        out += (values[:, None] * inside).sum(axis=0)
        refine = np.flatnonzero(edge.any(axis=1))
        if len(refine):
            frac = _edge_fractions(
                rows[refine], cols[refine], r_arr, tree, info, to_lonlat, oversample
            )
            out += (values[refine, None] * frac * edge[refine]).sum(axis=0)
    return out


def _half_diagonals(
    rows: np.ndarray,
    cols: np.ndarray,
    centre: np.ndarray,
    info: RasterInfo,
    to_lonlat: Transformer,
) -> np.ndarray:
    """Distance (m) from each cell's centre to its farthest corner, with a 1 % margin.

    In a geographic raster every cell of a row has the same shape, so it is computed once
    per row; otherwise per cell.
    """
    if info.crs.is_geographic:
        uniq, inverse = np.unique(rows, return_inverse=True)
        zero = np.zeros(len(uniq))
        ref = _cell_points(uniq + 0.5, zero + 0.5, info, to_lonlat)
        per_row = np.zeros(len(uniq))
        for dr, dc in ((0, 0), (0, 1), (1, 0), (1, 1)):
            corner = _cell_points(uniq + dr, zero + dc, info, to_lonlat)
            per_row = np.maximum(per_row, np.linalg.norm(corner - ref, axis=1))
        return 1.01 * per_row[inverse]
    half = np.zeros(len(rows))
    for dr, dc in ((0, 0), (0, 1), (1, 0), (1, 1)):
        corner = _cell_points(rows + dr, cols + dc, info, to_lonlat)
        half = np.maximum(half, np.linalg.norm(corner - centre, axis=1))
    return 1.01 * half  # cell edges are not quite straight chords


def _cell_points(
    rows: np.ndarray, cols: np.ndarray, info: RasterInfo, to_lonlat: Transformer
) -> np.ndarray:
    """ECEF coordinates of fractional (row, col) grid positions."""
    t = info.transform
    lon, lat = to_lonlat.transform(t.c + cols * t.a, t.f + rows * t.e)
    return ecef_m(np.asarray(lon), np.asarray(lat))


def _edge_fractions(
    rows: np.ndarray,
    cols: np.ndarray,
    radii: np.ndarray,
    tree: cKDTree,
    info: RasterInfo,
    to_lonlat: Transformer,
    oversample: int,
) -> np.ndarray:
    """Fraction of each cell's sub-cell centres within each radius: shape (cells, radii)."""
    steps = (np.arange(oversample) + 0.5) / oversample
    dr, dc = (a.ravel() for a in np.meshgrid(steps, steps, indexing="ij"))
    sub_rows = (rows[:, None] + dr[None, :]).ravel()
    sub_cols = (cols[:, None] + dc[None, :]).ravel()
    pts = _cell_points(sub_rows, sub_cols, info, to_lonlat)
    dist, _ = tree.query(
        pts, k=1, distance_upper_bound=float(radii.max()) * (1 + 1e-12), workers=-1
    )
    dist = dist.reshape(len(rows), oversample * oversample)
    return np.stack([(dist <= r).mean(axis=1) for r in radii], axis=1)


def search_bounds(
    lon: np.ndarray, lat: np.ndarray, radius_m: float, info: RasterInfo
) -> tuple[float, float, float, float]:
    """Bounds (raster CRS) of the events' box grown by ``radius_m`` and one cell."""
    dlat = radius_m / 110_000.0 + 1e-6
    south = max(float(lat.min()) - dlat, -90.0)
    north = min(float(lat.max()) + dlat, 90.0)
    coslat = np.cos(np.radians(max(abs(south), abs(north))))
    dlon = 360.0 if coslat < 1e-3 else radius_m / (111_000.0 * coslat) + 1e-6
    west, east = float(lon.min()) - dlon, float(lon.max()) + dlon
    if info.crs.is_geographic:
        b = (west, south, east, north)
    else:
        from rasterio.warp import transform_bounds

        b = transform_bounds(
            WGS84, info.crs, max(west, -180), south, min(east, 180), north, densify_pts=21
        )
    cell = np.sqrt(info.cell_area)
    return b[0] - cell, b[1] - cell, b[2] + cell, b[3] + cell
