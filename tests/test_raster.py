"""Opening and reading population rasters (geofront.raster), on small rasters built here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from geofront import datasets
from geofront.errors import CRSError, DataFileError, GeofrontWarning, InputError
from geofront.raster import (
    DEFAULT_POPULATION,
    iter_cells,
    open_raster,
    raster_total,
    resolve_raster,
    window_for_bounds,
)


def tif(
    path: Path,
    values: np.ndarray,
    *,
    crs: str | None = "EPSG:32642",
    nodata: float | None = -1.0,
    transform: Affine | None = None,
    count: int = 1,
) -> Path:
    """A float32 GeoTIFF: 1 km cells, top-left corner at (500 km, 3,800 km) in UTM 42N."""
    profile = {
        "driver": "GTiff",
        "width": values.shape[1],
        "height": values.shape[0],
        "count": count,
        "dtype": "float32",
        "transform": transform or Affine(1000.0, 0.0, 500_000.0, 0.0, -1000.0, 3_800_000.0),
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        for band in range(1, count + 1):
            dst.write(values.astype("float32") * band, band)
    return path


#: 3 x 4 cells, values 1..12 row by row, the last cell nodata (-1).
GRID = np.arange(1.0, 13.0).reshape(3, 4)
GRID[2, 3] = -1.0


def test_info_describes_the_grid(tmp_path):
    with open_raster(tif(tmp_path / "a.tif", GRID)) as (ds, info):
        assert (info.width, info.height, info.band, info.nodata) == (4, 3, 1, -1.0)
        assert info.bounds == (500_000.0, 3_797_000.0, 504_000.0, 3_800_000.0)
        assert info.cell_area == 1e6 and info.crs.to_epsg() == 32642
        assert ds.count == 1


def test_total_skips_nodata_and_reads_the_band_asked_for(tmp_path):
    assert raster_total(tif(tmp_path / "a.tif", GRID)) == sum(range(1, 12))  # 12 is nodata
    full = np.arange(1.0, 13.0).reshape(3, 4)
    path = tif(tmp_path / "b.tif", full, count=2, nodata=None)  # band 2 = 2 x band 1
    assert (raster_total(path), raster_total(path, band=2)) == (78.0, 156.0)


def test_cells_of_a_window_are_absolute_and_skip_nodata_and_zeros(tmp_path):
    values = GRID.copy()
    values[0, 1] = 0.0
    with open_raster(tif(tmp_path / "a.tif", values)) as (ds, info):
        window = window_for_bounds(info, (501_500.0, 3_797_500.0, 504_000.0, 3_799_500.0))
        assert window is not None
        assert (window.col_off, window.row_off, window.width, window.height) == (1, 0, 3, 3)
        rows, cols, vals = (
            np.concatenate(a) for a in zip(*iter_cells(ds, info, window), strict=True)
        )
    got = sorted(zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True))
    # the window holds columns 1-3 of every row; (0, 1) is zero and (2, 3) nodata
    assert got == [(0, 2, 3), (0, 3, 4), (1, 1, 6), (1, 2, 7), (1, 3, 8), (2, 1, 10), (2, 2, 11)]
    with open_raster(tif(tmp_path / "b.tif", GRID)) as (_, info):
        assert window_for_bounds(info, (0.0, 0.0, 10.0, 10.0)) is None  # far outside


def test_negative_cells_are_nodata_with_a_warning(tmp_path):
    values = GRID.copy()
    values[0, 0] = -3.4e38  # a typical fill value of a raster written without nodata
    path = tif(tmp_path / "neg.tif", values, nodata=None)
    with pytest.warns(GeofrontWarning, match=r"2 cell\(s\) below zero"):
        total = raster_total(path)
    assert total == sum(range(2, 12))


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda p: tif(p / "x.tif", GRID, crs=None), CRSError, "has no CRS"),
        (
            lambda p: tif(
                p / "x.tif", GRID, transform=Affine(1000.0, 10.0, 5e5, 10.0, -1000.0, 3.8e6)
            ),
            InputError,
            "rotated grid",
        ),
        (lambda p: _write(p / "x.tif", b"not a tiff at all"), DataFileError, "not a GeoTIFF"),
        (lambda p: _write(p / "x.png", b"\x89PNG...."), DataFileError, "extension .png"),
        (lambda p: p / "missing.tif", DataFileError, "does not exist"),
    ],
)
def test_bad_rasters_fail_in_one_line(tmp_path, make, error, match):
    with pytest.raises(error, match=match) as err, open_raster(make(tmp_path)):
        pass
    assert "\n" not in str(err.value)


def test_a_band_that_is_not_there(tmp_path):
    with pytest.raises(InputError, match="has 1 band.*band 3 does not exist"):
        raster_total(tif(tmp_path / "a.tif", GRID), band=3)


def test_none_is_the_bundled_population_raster():
    assert resolve_raster(None) == datasets.get_path(DEFAULT_POPULATION)
    assert resolve_raster(DEFAULT_POPULATION) == datasets.get_path(DEFAULT_POPULATION)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
