"""Opening population rasters with clear errors, and reading them cell by cell.

:func:`open_raster` resolves a path or a bundled dataset name (``None`` gives the bundled
WorldPop 2020 1 km people-per-cell raster, ``"afg-population"``), opens it with rasterio
and checks what zonal work needs: a readable file, a CRS, the band asked for, no rotation.
Every problem is one :class:`~geofront.errors.InputError` line naming the file.

Rasters are opened only with the GDAL driver their extension implies (``.tif``/``.tiff``
GeoTIFF, ``.vrt`` VRT, ``.img`` Erdas Imagine, ``.asc`` ASCII grid), after checking that a
GeoTIFF is one and that a VRT refers to no network source (:mod:`geofront.files`), and
with GDAL kept off the network. Cells below zero cannot be people: they are treated as
nodata, with a warning that counts them (a raster written without a nodata tag often
holds -3.4e38 or -99999 where there is no data).

:func:`raster_total` sums a band directly with rasterio (nodata and NaN skipped), block by
block; :func:`iter_cells` yields the valid cells of a window (row, column, value), in
blocks of rows so that memory stays bounded on large rasters.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.errors
from affine import Affine
from exactextract.raster import RasterioRasterSource
from pyproj import CRS
from rasterio.windows import Window

from geofront import datasets
from geofront.errors import CRSError, DataFileError, GeofrontWarning, InputError
from geofront.files import GDAL_SAFE_CONFIG, check_content, check_input_file, gdal_message

#: Name of the bundled raster used when none is given: people per cell.
DEFAULT_POPULATION = "afg-population"
#: Rows read at once by :func:`iter_cells` and :func:`raster_total`.
BLOCK_ROWS = 512

RasterLike = str | os.PathLike[str] | None

#: The GDAL driver each raster extension implies; no other driver may open the file.
RASTER_DRIVERS = {
    ".tif": "GTiff",
    ".tiff": "GTiff",
    ".vrt": "VRT",
    ".img": "HFA",
    ".asc": "AAIGrid",
}


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
        The band's nodata value (NaN and negative cells are treated as nodata too).
    negative_cells : int
        Cells below zero (not nodata) in the band: treated as nodata.
    """

    path: Path
    band: int
    crs: CRS
    transform: Affine
    width: int
    height: int
    nodata: float | None
    negative_cells: int = 0

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
    suffix = path.suffix.lower()
    if suffix not in RASTER_DRIVERS:
        raise DataFileError(
            f"{what} {path} has extension {suffix or '(none)'}, which geofront does not read "
            f"as a raster: give a GeoTIFF (.tif) or one of {', '.join(RASTER_DRIVERS)}"
        )
    check_content(path, what=what)
    with rasterio.Env(**GDAL_SAFE_CONFIG):
        try:
            ds = rasterio.open(path, driver=RASTER_DRIVERS[suffix])
        except rasterio.errors.RasterioError as exc:
            raise DataFileError(
                f"cannot read {what} {path}: {gdal_message(exc)}; give a GeoTIFF or another "
                "GDAL raster"
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
    info = RasterInfo(
        path=path,
        band=int(band),
        crs=CRS.from_user_input(ds.crs.to_wkt()),
        transform=t,
        width=ds.width,
        height=ds.height,
        nodata=None if nodata is None else float(nodata),
    )
    negative, lowest = _negative_cells(ds, info)
    if negative:
        warnings.warn(
            f"{what} {path} has {negative:,} cell(s) below zero (lowest {lowest:.6g}) that are "
            f"not its nodata value ({'none set' if nodata is None else f'{nodata:g}'}): "
            "counted as no data (no people); set the raster's nodata value (e.g. "
            f"gdal_edit.py -a_nodata {lowest:.6g} {path.name}) or fix those cells",
            GeofrontWarning,
            stacklevel=4,
        )
        info = RasterInfo(**{**info.__dict__, "negative_cells": negative})
    return info


#: (path, size, mtime, band) -> (negative cells, lowest value): a raster is scanned once.
_SCANNED: dict[tuple[str, int, int, int], tuple[int, float]] = {}


def _negative_cells(ds: rasterio.DatasetReader, info: RasterInfo) -> tuple[int, float]:
    """Count the valid cells below zero (block by block; remembered per file version)."""
    if np.dtype(ds.dtypes[info.band - 1]).kind not in ("i", "f"):
        return 0, 0.0
    try:
        st = info.path.stat()
        key = (str(info.path.resolve()), st.st_size, st.st_mtime_ns, info.band)
    except OSError:
        key = None
    if key is not None and key in _SCANNED:
        return _SCANNED[key]
    count, lowest = 0, 0.0
    for row in range(0, info.height, BLOCK_ROWS):
        win = Window(0, row, info.width, min(BLOCK_ROWS, info.height - row))
        data = ds.read(info.band, window=win, masked=True)
        values = np.ma.masked_invalid(data.astype("float64")).compressed()
        below = values[values < 0]
        if len(below):
            count += len(below)
            lowest = min(lowest, float(below.min()))
    if key is not None:
        _SCANNED[key] = (count, lowest)
    return count, lowest


def read_valid(ds: rasterio.DatasetReader, info: RasterInfo, window: Window) -> np.ma.MaskedArray:
    """Read ``window`` of the band as float64, nodata, NaN and negative cells masked."""
    data = np.ma.masked_invalid(ds.read(info.band, window=window, masked=True).astype("float64"))
    if info.negative_cells:
        data = np.ma.masked_less(data, 0)
    return data


class PeopleSource(RasterioRasterSource):  # type: ignore[misc]
    """An exactextract raster source that, like :func:`read_valid`, treats negative cells
    as nodata (exactextract reads the rasterio dataset itself): they are read as NaN,
    which exactextract skips."""

    def __init__(self, ds: rasterio.DatasetReader, info: RasterInfo) -> None:
        super().__init__(ds, info.band)
        self._mask_negative = bool(info.negative_cells)
        if self._mask_negative:
            self.isfloat = True

    def read_window(self, x0: int, y0: int, nx: int, ny: int) -> np.ndarray:
        arr: np.ndarray = super().read_window(x0, y0, nx, ny)
        if not self._mask_negative:
            return arr
        data = np.ma.filled(np.ma.asarray(arr).astype("float64"), np.nan)
        with np.errstate(invalid="ignore"):
            data[data < 0] = np.nan
        return data


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
