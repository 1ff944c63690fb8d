"""Opening population rasters with clear errors, and reading them cell by cell.

:func:`open_raster` resolves a path or a bundled dataset name (``None`` gives the bundled
WorldPop 2020 1 km people-per-cell raster, ``"afg-population"``), opens it with rasterio
and checks what zonal work needs: a readable file, a CRS, the band asked for, no rotation.
Every problem is one :class:`~geofront.errors.InputError` line naming the file.

:func:`raster_total` sums a band directly with rasterio (nodata and NaN skipped), block by
block; :func:`iter_cells` yields the valid cells of a window (row, column, value), in
blocks of rows so that memory stays bounded on large rasters.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.errors
from affine import Affine
from pyproj import CRS
from rasterio.windows import Window

from geofront import datasets
from geofront.errors import CRSError, DataFileError, InputError
from geofront.io import check_input_file

#: Name of the bundled raster used when none is given: people per cell.
DEFAULT_POPULATION = "afg-population"
#: Rows read at once by :func:`iter_cells` and :func:`raster_total`.
BLOCK_ROWS = 512

RasterLike = str | os.PathLike[str] | None


@dataclass(frozen=True)
class RasterInfo:
    """What zonal code needs to know about one band of a raster.

    Attributes
    ----------
    path : Path
        The file.
    band : int
        1-based band index.
    crs : pyproj.CRS
        The raster's CRS.
    transform : affine.Affine
        Pixel -> CRS coordinates (north-up, no rotation).
    width, height : int
        Size in cells.
    nodata : float or None
        The band's nodata value (NaN cells are treated as nodata too).
    """

    path: Path
    band: int
    crs: CRS
    transform: Affine
    width: int
    height: int
    nodata: float | None

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(left, bottom, right, top)`` in the raster's CRS."""
        t = self.transform
        xs = (t.c, t.c + t.a * self.width)
        ys = (t.f, t.f + t.e * self.height)
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def cell_area(self) -> float:
        """Area of one cell in squared CRS units (degrees² for a geographic raster)."""
        return abs(self.transform.a * self.transform.e)


def resolve_raster(raster: RasterLike, what: str = "population raster") -> Path:
    """Return the raster's path: ``None`` is the bundled raster, a dataset name its file."""
    path = (
        datasets.get_path(DEFAULT_POPULATION)
        if raster is None
        else datasets.resolve(os.fspath(raster))
    )
    return check_input_file(path, what)


@contextlib.contextmanager
def open_raster(
    raster: RasterLike = None, *, band: int = 1, what: str = "population raster"
) -> Iterator[tuple[rasterio.DatasetReader, RasterInfo]]:
    """Open and check a raster; yield the open dataset and its :class:`RasterInfo`.

    Parameters
    ----------
    raster : path, dataset name or None
        A GeoTIFF (or any raster GDAL reads). ``None``: the bundled ``afg-population``.
    band : int
        1-based band to use.
    what : str
        How to name the file in error messages.

    Raises
    ------
    DataFileError
        Missing, empty or unreadable (corrupt, not a raster) file.
    CRSError
        The raster has no CRS.
    InputError
        ``band`` is not in the file, or the grid is rotated.
    """
    path = resolve_raster(raster, what)
    try:
        ds = rasterio.open(path)
    except rasterio.errors.RasterioError as exc:
        msg = " ".join(str(exc).split()) or type(exc).__name__
        raise DataFileError(
            f"cannot read {what} {path}: {msg}; give a GeoTIFF or another GDAL raster"
        ) from exc
    with ds:
        info = _check(ds, path, band=band, what=what)
        yield ds, info


def _check(ds: rasterio.DatasetReader, path: Path, *, band: int, what: str) -> RasterInfo:
    if ds.crs is None:
        raise CRSError(
            f"{what} {path} has no CRS: add one (e.g. gdal_edit.py -a_srs EPSG:4326 {path.name})"
        )
    if (
        isinstance(band, bool)
        or not isinstance(band, int | np.integer)
        or not 1 <= band <= ds.count
    ):
        raise InputError(
            f"{what} {path} has {ds.count} band(s); band {band} does not exist: "
            f"choose 1..{ds.count}"
        )
    t = ds.transform
    if t.b != 0 or t.d != 0:
        raise InputError(f"{what} {path} has a rotated grid: warp it north-up first (gdalwarp)")
    nodata = ds.nodatavals[band - 1]
    return RasterInfo(
        path=path,
        band=int(band),
        crs=CRS.from_user_input(ds.crs.to_wkt()),
        transform=t,
        width=ds.width,
        height=ds.height,
        nodata=None if nodata is None else float(nodata),
    )


def read_valid(ds: rasterio.DatasetReader, info: RasterInfo, window: Window) -> np.ma.MaskedArray:
    """Read ``window`` of the band as float64, nodata and NaN masked."""
    data = ds.read(info.band, window=window, masked=True).astype("float64")
    return np.ma.masked_invalid(data)


def raster_total(raster: RasterLike = None, *, band: int = 1) -> float:
    """Return the sum of all valid cells of a band, read directly with rasterio.

    Nodata and NaN cells are skipped. Summed in float64, block by block.
    """
    with open_raster(raster, band=band) as (ds, info):
        total = 0.0
        for row in range(0, info.height, BLOCK_ROWS):
            win = Window(0, row, info.width, min(BLOCK_ROWS, info.height - row))
            total += float(read_valid(ds, info, win).sum(dtype="float64") or 0.0)
        return total


def iter_cells(
    ds: rasterio.DatasetReader, info: RasterInfo, window: Window
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Yield ``(rows, cols, values)`` of the valid, non-zero cells of ``window``.

    Rows and columns are absolute (in the whole raster); blocks of :data:`BLOCK_ROWS`
    rows are read one at a time.
    """
    col0, row0 = int(window.col_off), int(window.row_off)
    width, height = int(window.width), int(window.height)
    for r in range(row0, row0 + height, BLOCK_ROWS):
        win = Window(col0, r, width, min(BLOCK_ROWS, row0 + height - r))
        block = read_valid(ds, info, win)
        keep = ~np.ma.getmaskarray(block) & (block.data != 0)
        rr, cc = np.nonzero(keep)
        if len(rr):
            yield rr + r, cc + col0, block.data[rr, cc]


def window_for_bounds(info: RasterInfo, bounds: tuple[float, float, float, float]) -> Window | None:
    """Return the window of whole cells covering ``bounds`` (raster CRS), or None if outside."""
    left, bottom, right, top = bounds
    t = info.transform  # north-up, no rotation (checked when opened)
    cols = ((left - t.c) / t.a, (right - t.c) / t.a)
    rows = ((bottom - t.f) / t.e, (top - t.f) / t.e)
    c0 = max(int(np.floor(min(cols))), 0)
    c1 = min(int(np.ceil(max(cols))), info.width)
    r0 = max(int(np.floor(min(rows))), 0)
    r1 = min(int(np.ceil(max(rows))), info.height)
    if c0 >= c1 or r0 >= r1:
        return None
    return Window(c0, r0, c1 - c0, r1 - r0)
