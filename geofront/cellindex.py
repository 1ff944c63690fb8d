"""A grid index over a set of polygons for exact point-in-polygon joins at millions of points.

Why hand-written: an R-tree (shapely's STRtree, what ``geopandas.sjoin`` uses) answers
"which polygons may cover this point" one point at a time through per-point geometry
objects; a district map is a fixed tiling queried by millions of points, where a plain
grid answers almost every point with one array lookup and no geometry object at all.

:func:`cell_index` lays a regular grid over the polygons (in their CRS) and classifies
every cell once:

- **inside**: wholly inside exactly one polygon -- a point there belongs to it, no test;
- **outside**: inside no polygon;
- **boundary**: within one cell of a polygon edge, or covered by several overlapping
  polygons -- it keeps the list of polygons that intersect it, and a point there is
  tested exactly (``shapely.intersects_xy`` on prepared polygons, so a point on an edge
  is covered by both sides, exactly as an STRtree ``intersects`` query says).

Cells are marked *boundary* conservatively: every polygon edge is densified to vertices
at most half a cell apart, the cells of those vertices are marked and the marks are
widened by one cell, so any cell an edge passes through (or touches) is a boundary cell,
whatever the floating-point rounding of the cell arithmetic. Inside cells are then
labelled by rasterising the polygons at cell centres (GDAL, through rasterio), which is
unambiguous for a cell no edge comes near. The answers are therefore the exact
point-in-polygon answers, only faster.

The index is cached on disk (see :func:`cache_dir`), keyed by a hash of the polygons,
their order and CRS and the index layout version, so a repeated run on the same
boundaries loads it instead of building it (a few seconds for 398 districts).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS

log = logging.getLogger(__name__)

#: Bump when the layout of a cached index changes (old cache files are then ignored).
INDEX_VERSION = 1
#: Cells in the grid (about); 2**22 cells of int32 codes take 16 MB.
DEFAULT_CELLS = 1 << 22
#: Environment variable naming the cache folder (overrides the user cache directory).
CACHE_ENV = "GEOFRONT_CACHE_DIR"
#: Grid code of a cell inside no polygon (codes >= 0 are polygon positions, <= -2 boundary).
OUTSIDE = -1
_CHUNK = 1 << 20  # points per lookup chunk: keeps temporaries small and in cache


@dataclass(frozen=True, eq=False)
class CellIndex:
    """A grid over polygons answering "which polygons cover this point" exactly.

    Build with :func:`cell_index`. Coordinates are in the CRS of the polygons.

    Attributes
    ----------
    x0, y0 : float
        Lower-left corner of the grid.
    cell : float
        Cell size (CRS units).
    nx, ny : int
        Columns and rows.
    codes : ndarray of int32, shape (ny * nx,)
        Per cell: the polygon position (>= 0) of an inside cell, :data:`OUTSIDE`, or
        ``-2 - k`` for the k-th boundary cell.
    offsets, candidates : ndarray
        Candidates of boundary cell k: ``candidates[offsets[k]:offsets[k + 1]]``
        (polygon positions, ascending).
    reach : ndarray of uint8, shape (ny * nx,)
        Chessboard distance in cells from each cell to the nearest cell that is not
        outside (0 for those), capped at 255: a point in a cell of reach r lies at
        least ``(r - 1) * cell`` from every polygon.
    geoms : ndarray of shapely geometries
        The polygons, prepared.
    key : str
        Hash of the polygons (their WKB, order and CRS) and of the layout.
    """

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    codes: np.ndarray
    offsets: np.ndarray
    candidates: np.ndarray
    reach: np.ndarray
    geoms: np.ndarray
    key: str
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def covering(
        self, x: np.ndarray, y: np.ndarray, *, cells: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return, per point, the first covering polygon (-1 if none) and a border flag.

        "First" is the smallest position; the flag says several polygons cover the
        point (it lies on a shared edge, or where polygons overlap). A point on an edge
        is covered (closed polygons), as with ``shapely.intersects``. ``cells``: the
        points' :meth:`cells`, when the caller has them already.
        """
        x = np.asarray(x, dtype="float64")
        y = np.asarray(y, dtype="float64")
        n = len(x)
        unit = np.full(n, -1, dtype=np.int64)
        border = np.zeros(n, dtype=bool)
        for s in range(0, n, _CHUNK):
            e = min(s + _CHUNK, n)
            c = None if cells is None else cells[s:e]
            unit[s:e], border[s:e] = self._covering_chunk(x[s:e], y[s:e], c)
        return unit, border

    def cells(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat cell number of each point, -1 off the grid (or not finite)."""
        return self._cells(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))

    def _cells(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat cell number of each point, -1 off the grid (or not finite)."""
        inv = 1.0 / self.cell
        with np.errstate(invalid="ignore", over="ignore"):
            fx = x - self.x0
            fx *= inv
            fy = y - self.y0
            fy *= inv
            ok = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)
            cell = fy.astype(np.int64)
            cell *= self.nx
            cell += fx.astype(np.int64)
        cell[~ok] = -1
        return cell

    def _covering_chunk(
        self, x: np.ndarray, y: np.ndarray, cells: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        cell = self._cells(x, y) if cells is None else cells.copy()
        off = cell < 0
        cell[off] = 0
        code = self.codes[cell]
        code[off] = OUTSIDE
        unit = code.astype(np.int64)
        border = np.zeros(len(x), dtype=bool)
        todo = np.flatnonzero(code <= -2)
        if len(todo) == 0:
            return unit, border
        unit[todo] = -1
        k = -code[todo].astype(np.int64) - 2
        start, count = self.offsets[k], self.offsets[k + 1] - self.offsets[k]
        pt = np.repeat(todo, count)
        first = np.repeat(start - np.cumsum(count) + count, count)
        cand = self.candidates[first + np.arange(len(pt))]
        hits = np.zeros(len(x), dtype=np.int64)
        order = np.argsort(cand, kind="stable")
        pt, cand = pt[order], cand[order]
        bounds = np.flatnonzero(np.diff(cand)) + 1
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(cand)], strict=True):
            if lo == hi:
                continue
            p = pt[lo:hi]
            hit = p[shapely.intersects_xy(self.geoms[cand[lo]], x[p], y[p])]
            # polygons in ascending position: the first to cover a point is the smallest
            new = hit[unit[hit] < 0]
            unit[new] = cand[lo]
            hits[hit] += 1
        border[hits > 1] = True
        return unit, border

    def maybe_near(
        self, x: np.ndarray, y: np.ndarray, distance: float, *, cells: np.ndarray | None = None
    ) -> np.ndarray:
        """Whether each point may lie within ``distance`` (CRS units) of some polygon.

        False is certain (the point is farther from every polygon); True means "test
        it". Meant for points outside every polygon. ``cells`` as in :meth:`covering`.
        """
        x = np.asarray(x, dtype="float64")
        y = np.asarray(y, dtype="float64")
        if not np.isfinite(distance):
            return np.ones(len(x), dtype=bool)
        cell = self._cells(x, y) if cells is None else cells
        limit = distance / self.cell + 1
        on = cell >= 0
        near = np.zeros(len(x), dtype=bool)
        r = self.reach[cell[on]].astype(np.float64)
        near[on] = r <= limit  # a capped reach (255) is near only when limit >= 255
        # off the grid: compare with the distance to the grid's box
        off = ~on
        x1, y1 = self.x0 + self.nx * self.cell, self.y0 + self.ny * self.cell
        with np.errstate(invalid="ignore"):
            dx = np.maximum(np.maximum(self.x0 - x[off], x[off] - x1), 0)
            dy = np.maximum(np.maximum(self.y0 - y[off], y[off] - y1), 0)
            near[off] = ~(np.hypot(dx, dy) > distance)
        return near

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_memo"] = {}  # derived data (projections, trees) is rebuilt where needed
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        shapely.prepare(self.geoms)

    def memo(self, key: Any, make: Any) -> Any:
        """Return ``make()`` computed once per index (for derived data such as projections)."""
        with _LOCK:
            if key not in self._memo:
                self._memo[key] = make()
            return self._memo[key]


# --- building -----------------------------------------------------------------------


def cell_index(
    geoms: Any, crs: Any, *, cells: int = DEFAULT_CELLS, cache: bool = True
) -> CellIndex:
    """Return the grid index of ``geoms`` (polygons in ``crs``), from the cache if built.

    Parameters
    ----------
    geoms : array-like of shapely polygons
        The polygons, in the order whose positions the index answers with.
    crs : CRS-like
        Their CRS (part of the cache key).
    cells : int, default :data:`DEFAULT_CELLS`
        About how many grid cells (more: fewer exact tests, more memory).
    cache : bool, default True
        Read and write the on-disk cache (:func:`cache_dir`). An index is also kept in
        memory for the life of the process.
    """
    arr = np.asarray(geoms, dtype=object)
    key = _key(arr, crs, cells)
    with _LOCK:
        hit = _LOADED.get(key)
    if hit is not None:
        return hit
    arr = shapely.from_wkb(shapely.to_wkb(arr))  # own copies: preparing them is our business
    index = _load(key, arr) if cache else None
    if index is None:
        index = _build(arr, cells, key)
        if cache:
            _save(index)
    with _LOCK:
        _LOADED[key] = index
    return index


_LOCK = threading.RLock()
_LOADED: dict[str, CellIndex] = {}


def _key(geoms: np.ndarray, crs: Any, cells: int) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(f"geofront-cellindex-{INDEX_VERSION}-{cells}\n".encode())
    wkt = CRS.from_user_input(crs).to_wkt() if crs is not None else ""
    h.update(wkt.encode())
    for w in shapely.to_wkb(geoms, hex=False, include_srid=False):
        h.update(len(w).to_bytes(8, "little"))
        h.update(w)
    return h.hexdigest()


def _build(geoms: np.ndarray, cells: int, key: str) -> CellIndex:
    from rasterio import features
    from rasterio.transform import Affine
    from scipy import ndimage

    if len(geoms) == 0 or bool(shapely.is_empty(geoms).all()):
        raise ValueError("cannot index an empty set of polygons")
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    w, h = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
    cell = float(np.sqrt(w * h / cells))
    cell = max(cell, w / 16384, h / 16384)  # keep the grid at most 16384 cells wide or high
    nx = int(np.ceil(w / cell)) + 2  # one cell of margin all round
    ny = int(np.ceil(h / cell)) + 2
    x0, y0 = float(minx - cell), float(miny - cell)

    # Boundary cells: edges densified to <= cell/2, their cells marked, then widened by 1.
    edges = shapely.segmentize(shapely.boundary(geoms), cell / 2)
    xy = shapely.get_coordinates(edges)
    ix = np.clip(np.floor((xy[:, 0] - x0) / cell).astype(np.int64), 0, nx - 1)
    iy = np.clip(np.floor((xy[:, 1] - y0) / cell).astype(np.int64), 0, ny - 1)
    edge = np.zeros((ny, nx), dtype=bool)
    edge[iy, ix] = True
    edge = ndimage.binary_dilation(edge, structure=np.ones((3, 3), dtype=bool))

    # Inside cells: label and coverage count at cell centres (rows from the top for GDAL).
    transform = Affine(cell, 0.0, x0, 0.0, -cell, y0 + ny * cell)
    valid = [(g, i + 1) for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    label = features.rasterize(
        valid, out_shape=(ny, nx), transform=transform, fill=0, dtype="int32"
    )[::-1]
    count = features.rasterize(
        ((g, 1) for g, _ in valid),
        out_shape=(ny, nx),
        transform=transform,
        fill=0,
        dtype="int32",
        merge_alg=features.MergeAlg.add,
    )[::-1]
    boundary = edge | (count > 1)
    codes = np.where(count == 1, label - 1, OUTSIDE).astype(np.int32)

    # Candidates of boundary cells: polygons intersecting the cell (grown by a hair).
    bcell = np.flatnonzero(boundary.ravel())
    by, bx = np.divmod(bcell, nx)
    eps = cell * 1e-6
    boxes = shapely.box(
        x0 + bx * cell - eps, y0 + by * cell - eps, x0 + (bx + 1) * cell + eps,
        y0 + (by + 1) * cell + eps,
    )  # fmt: skip
    # (polygons query a tree of boxes: each polygon is prepared once, not each box)
    poly_i, box_i = shapely.STRtree(boxes).query(geoms, predicate="intersects")
    order = np.lexsort((poly_i, box_i))
    box_i, poly_i = box_i[order], poly_i[order]
    offsets = np.zeros(len(bcell) + 1, dtype=np.int64)
    np.cumsum(np.bincount(box_i, minlength=len(bcell)), out=offsets[1:])
    flat = codes.ravel()
    flat[bcell] = -2 - np.arange(len(bcell), dtype=np.int32)

    # Reach: cells from the nearest cell that is not outside (for the snapping filter).
    outside = flat == OUTSIDE
    if outside.all():
        reach = np.full(flat.shape, 255, dtype=np.uint8)
    else:
        dist = ndimage.distance_transform_cdt(outside.reshape(ny, nx), metric="chessboard")
        reach = np.minimum(dist, 255).astype(np.uint8).ravel()
    shapely.prepare(geoms)
    log.info(
        "built a %d x %d cell index over %d polygons (%d boundary cells)",
        nx,
        ny,
        len(geoms),
        len(bcell),
    )
    return CellIndex(
        x0=x0,
        y0=y0,
        cell=cell,
        nx=nx,
        ny=ny,
        codes=flat,
        offsets=offsets,
        candidates=poly_i.astype(np.int32),
        reach=reach,
        geoms=geoms,
        key=key,
    )


# --- the on-disk cache ----------------------------------------------------------------


def cache_dir() -> Path:
    """The folder of cached indexes: ``$GEOFRONT_CACHE_DIR``, else the user cache folder.

    The user cache folder is the platform's (``~/.cache/geofront`` on Linux,
    ``~/Library/Caches/geofront`` on macOS, ``%LOCALAPPDATA%\\geofront\\Cache`` on
    Windows). Deleting it is always safe.
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("geofront", appauthor=False))


def _cache_file(key: str) -> Path:
    return cache_dir() / f"cellindex-{key}.npz"


def _load(key: str, geoms: np.ndarray) -> CellIndex | None:
    path = _cache_file(key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = z["meta"]
            nx, ny = int(z["shape"][1]), int(z["shape"][0])
            index = CellIndex(
                x0=float(meta[0]),
                y0=float(meta[1]),
                cell=float(meta[2]),
                nx=nx,
                ny=ny,
                codes=z["codes"],
                offsets=z["offsets"],
                candidates=z["candidates"],
                reach=z["reach"],
                geoms=geoms,
                key=key,
            )
        if index.codes.shape != (nx * ny,) or index.reach.shape != (nx * ny,):
            raise ValueError("shape mismatch")
    except Exception as exc:  # a damaged cache file is rebuilt, never trusted
        log.warning("ignoring damaged index cache %s (%s); rebuilding it", path, exc)
        return None
    shapely.prepare(geoms)
    log.debug("loaded cell index %s", path)
    return index


def _save(index: CellIndex) -> None:
    path = _cache_file(index.key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cellindex.", suffix=".npz", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            np.savez(
                fh,
                meta=np.array([index.x0, index.y0, index.cell]),
                shape=np.array([index.ny, index.nx]),
                codes=index.codes,
                offsets=index.offsets,
                candidates=index.candidates,
                reach=index.reach,
            )
        os.replace(tmp, path)
    except OSError as exc:  # a cache that cannot be written only costs time
        log.warning("cannot cache the cell index in %s (%s); set %s", path.parent, exc, CACHE_ENV)
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
