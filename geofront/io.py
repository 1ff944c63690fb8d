"""Reading and writing files, with clear errors and atomic writes.

Every writer goes through :func:`atomic_path`: the output is written to a temporary file
in the destination folder and renamed over the destination only when complete, so a
failed run never leaves a half-written file and never clobbers a good one.

Formats are chosen by extension: ``.csv``, ``.parquet`` (GeoParquet when the frame has
geometry), ``.gpkg``, ``.geojson``/``.json``, ``.shp``; maps use ``.png``, ``.svg``,
``.pdf``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geofront.errors import DataFileError, OutputError

TABLE_EXTENSIONS = (".csv", ".parquet", ".gpkg", ".geojson", ".json", ".shp")
VECTOR_EXTENSIONS = (".gpkg", ".geojson", ".json", ".shp", ".parquet", ".geoparquet", ".fgb")
_DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "ESRI Shapefile"}
#: Fixed timestamp GDAL writes into GeoPackages, so same inputs give same bytes.
_OGR_DATE = "2000-01-01T00:00:00Z"


def check_input_file(path: str | os.PathLike[str], what: str = "input") -> Path:
    """Return ``path`` as a Path, or raise a one-line :class:`DataFileError`.

    Checks that it exists, is a regular file (not a folder) and is not empty.
    """
    p = Path(path)
    if not p.exists():
        raise DataFileError(f"{what} file {p} does not exist: check the path")
    if p.is_dir():
        raise DataFileError(f"{what} {p} is a directory, not a file: give the file inside it")
    if p.stat().st_size == 0:
        raise DataFileError(f"{what} file {p} is empty (0 bytes): give a file with data")
    return p


def read_vector(
    path: str | os.PathLike[str], *, layer: str | None = None, what: str = "vector"
) -> gpd.GeoDataFrame:
    """Read a GeoPackage, Shapefile, GeoJSON, FlatGeobuf or GeoParquet file.

    Raises :class:`DataFileError` (one line) if the file is missing, empty, a folder, or
    cannot be read, or if ``layer`` is not in it.
    """
    p = check_input_file(path, what)
    suffix = p.suffix.lower()
    try:
        if suffix in (".parquet", ".geoparquet"):
            return gpd.read_parquet(p)
        if layer is not None:
            layers = [str(name) for name, _ in pyogrio.list_layers(p)]
            if layer not in layers:
                raise DataFileError(
                    f"{what} file {p} has no layer {layer!r}: choose one of {', '.join(layers)}"
                )
        return gpd.read_file(p, layer=layer, engine="pyogrio")
    except DataFileError:
        raise
    except Exception as exc:  # pyogrio/pyarrow raise many types; report them in one line
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataFileError(f"cannot read {what} file {p}: {msg}") from exc


@contextlib.contextmanager
def atomic_path(dest: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; rename it to ``dest`` if the block succeeds.

    The temporary file keeps ``dest``'s extension so format detection by extension works.
    On any exception the temporary file is removed and ``dest`` is left untouched.
    """
    dest = Path(dest)
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {dest}: folder {folder} does not exist; create it first")
    if dest.is_dir():
        raise OutputError(f"cannot write {dest}: it is a directory; give a file name")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=dest.suffix, dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {dest}: {exc.strerror}; choose a writable folder") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers such as GDAL want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        _remove_with_sidecars(tmp)


def _remove_with_sidecars(tmp: Path) -> None:
    for p in tmp.parent.glob(tmp.stem + ".*"):
        if p.name.startswith(tmp.stem):
            with contextlib.suppress(OSError):
                p.unlink()


def write_table(
    frame: pd.DataFrame, dest: str | os.PathLike[str], *, layer: str | None = None
) -> Path:
    """Write ``frame`` atomically to ``dest``, the format chosen by its extension.

    ``.csv`` writes attributes only (geometry as WKT if present); ``.parquet`` writes
    GeoParquet for a GeoDataFrame; ``.gpkg``, ``.geojson``, ``.shp`` need geometry.
    Output is deterministic: same frame, same bytes.
    """
    dest = Path(dest)
    suffix = dest.suffix.lower()
    if suffix not in TABLE_EXTENSIONS:
        raise OutputError(
            f"cannot write {dest}: unsupported extension {suffix or '(none)'}; "
            f"use one of {', '.join(TABLE_EXTENSIONS)}"
        )
    is_geo = isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns
    if suffix in _DRIVERS and not is_geo:
        raise OutputError(f"cannot write {dest}: {suffix} needs geometry; use .csv or .parquet")
    if suffix == ".shp":
        return _write_shapefile(frame, dest)
    with atomic_path(dest) as tmp:
        if suffix == ".csv":
            out = pd.DataFrame(frame)
            if is_geo:
                out[frame.geometry.name] = frame.geometry.to_wkt(rounding_precision=6).to_numpy()
            out.to_csv(tmp, index=False, lineterminator="\n", date_format="%Y-%m-%d")
        elif suffix == ".parquet":
            if is_geo:
                frame.to_parquet(tmp, index=False)
            else:
                pd.DataFrame(frame).to_parquet(tmp, index=False)
        else:
            _write_ogr(frame, tmp, driver=_DRIVERS[suffix], layer=layer or dest.stem)
    return dest


def _write_ogr(frame: gpd.GeoDataFrame, tmp: Path, *, driver: str, layer: str) -> None:
    previous = os.environ.get("OGR_CURRENT_DATE")
    os.environ["OGR_CURRENT_DATE"] = _OGR_DATE
    try:
        frame.to_file(
            tmp, driver=driver, layer=layer if driver == "GPKG" else None, engine="pyogrio"
        )
    finally:
        if previous is None:
            os.environ.pop("OGR_CURRENT_DATE", None)
        else:
            os.environ["OGR_CURRENT_DATE"] = previous


def _write_shapefile(frame: gpd.GeoDataFrame, dest: Path) -> Path:
    # A shapefile is several files: write them all under a temporary stem, then rename each.
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {dest}: folder {folder} does not exist; create it first")
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{dest.stem}.", dir=folder))
    try:
        _write_ogr(frame, tmpdir / dest.name, driver="ESRI Shapefile", layer=dest.stem)
        for part in sorted(tmpdir.iterdir()):
            os.replace(part, folder / part.name)
    finally:
        for part in tmpdir.iterdir():
            part.unlink()
        tmpdir.rmdir()
    return dest
