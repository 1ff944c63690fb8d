"""Reading and writing files, with clear errors and atomic writes.

Every writer goes through :func:`atomic_path`: the output is written to a temporary file
in the destination folder and renamed over the destination only when complete, so a
failed or interrupted run never leaves a half-written file under a final name and never
clobbers a good one. Outputs that belong together (a joined table and its rejects) are
written inside :func:`committed_together` and renamed one after the other only once all
are complete. A write fault (disk full, permission denied) is one
:class:`~geofront.errors.OutputError` line naming the file and the cause.

Formats are chosen by extension: ``.csv``, ``.parquet`` (GeoParquet when the frame has
geometry), ``.gpkg``, ``.geojson``/``.json``, ``.shp``; maps use ``.png``, ``.svg``,
``.pdf``. Vector files are read only when their content is what the extension says (see
:mod:`geofront.files`), with GDAL kept off the network.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors

from geofront.errors import DataFileError, OutputError
from geofront.files import (
    check_content,
    check_input_file,
    describe_os_error,
    gdal_config,
    gdal_message,
    remove_stale,
    signals_held,
    temp_name,
)

__all__ = [
    "TABLE_EXTENSIONS",
    "VECTOR_EXTENSIONS",
    "atomic_path",
    "check_input_file",
    "committed_together",
    "read_vector",
    "write_table",
]

TABLE_EXTENSIONS = (".csv", ".parquet", ".gpkg", ".geojson", ".json", ".shp")
VECTOR_EXTENSIONS = (".gpkg", ".geojson", ".json", ".shp", ".parquet", ".geoparquet", ".fgb")
_DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "ESRI Shapefile"}
#: Drivers pinned with a ``DRIVER:path`` prefix (GeoJSON text could also be ESRI JSON or
#: TopoJSON; a GeoPackage is recognised by its SQLite header, and GDAL's ``GPKG:`` prefix
#: would split a path at its colons).
_PINNED = {".geojson": "GeoJSON", ".json": "GeoJSON"}
#: Tables that GIS software adds to a GeoPackage beside the data (QGIS styles, projects).
_AUXILIARY_LAYERS = ("layer_styles", "qgis_projects")
#: Fixed timestamp GDAL writes into GeoPackages, so same inputs give same bytes.
_OGR_DATE = "2000-01-01T00:00:00Z"
#: Errors writers raise when a write fails for a reason outside the program (disk full,
#: permission denied, folder removed): reported as OutputError.
_WRITE_FAULTS = (
    OSError,
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
)


def read_vector(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    what: str = "vector",
    layer_hint: str = "",
) -> gpd.GeoDataFrame:
    """Read a GeoPackage, Shapefile, GeoJSON, FlatGeobuf or GeoParquet file.

    The extension decides the format, and the content must match it (a GDAL VRT or any
    other file under a vector extension is refused before GDAL opens it). GDAL runs
    without network access.

    Parameters
    ----------
    path : path-like
        The file.
    layer : str, optional
        Layer of a multi-layer file. A file with several data layers and no ``layer`` is
        refused (the message lists the layers); QGIS ``layer_styles`` tables don't count.
    what : str
        How to name the file in messages (``"boundaries"``, ``"events"``...).
    layer_hint : str
        How the user chooses a layer, for messages (``"--layer NAME"`` at the command line);
        by default: save that layer on its own with ogr2ogr, or ``layer=`` in Python.

    Raises
    ------
    DataFileError
        One line: missing, empty, unreadable, of another format than its extension says,
        several layers and none chosen, or ``layer`` not in the file.
    """
    p = check_input_file(path, what)
    suffix = p.suffix.lower()
    if suffix not in VECTOR_EXTENSIONS:
        raise DataFileError(
            f"{what} file {p} has extension {suffix or '(none)'}, which geofront does not "
            f"read as vector data: give one of {', '.join(VECTOR_EXTENSIONS)}"
        )
    check_content(p, what=what)
    if suffix == ".shp":
        for part in (".shx", ".dbf"):
            if not any(p.with_suffix(s).is_file() for s in (part, part.upper())):
                raise DataFileError(
                    f"cannot read {what} file {p}: its {part} file is missing (a Shapefile is "
                    f"several files: .shp, .shx, .dbf, .prj); give all of them"
                )
    if suffix in (".parquet", ".geoparquet"):
        try:
            return gpd.read_parquet(p)
        except Exception as exc:  # pyarrow raises many types; report them in one line
            raise DataFileError(f"cannot read {what} file {p}: {gdal_message(exc)}") from exc
    src = f"{_PINNED[suffix]}:{p.resolve()}" if suffix in _PINNED else str(p)
    try:
        with gdal_config():
            layers = [str(name) for name, _ in pyogrio.list_layers(src)]
            data = [n for n in layers if n.lower() not in _AUXILIARY_LAYERS]
            if layer is None and len(data) > 1:
                hint = layer_hint or (
                    f"save the one you want on its own (ogr2ogr one{suffix} {p.name} LAYER) "
                    "and give that file, or pass layer= in Python"
                )
                raise DataFileError(
                    f"{what} file {p} has {len(data)} layers ({_names(data)}): choose one: {hint}"
                )
            if layer is not None and layer not in layers:
                raise DataFileError(
                    f"{what} file {p} has no layer {layer!r}: choose one of {_names(data)}"
                )
            chosen = layer if layer is not None else (data[0] if data else None)
            return gpd.read_file(src, layer=chosen, engine="pyogrio")
    except DataFileError:
        raise
    except Exception as exc:  # pyogrio/GDAL raise many types; report them in one line
        raise DataFileError(f"cannot read {what} file {p}: {gdal_message(exc)}") from exc


def _names(layers: list[str], limit: int = 10) -> str:
    more = f", ... (+{len(layers) - limit})" if len(layers) > limit else ""
    return ", ".join(layers[:limit]) + more


# --- writing ----------------------------------------------------------------------------

#: Temporary files waiting to be renamed together (see committed_together).
_PENDING: contextvars.ContextVar[list[tuple[Path, Path]] | None] = contextvars.ContextVar(
    "geofront_pending_writes", default=None
)


@contextlib.contextmanager
def committed_together() -> Iterator[None]:
    """Rename every file written by :func:`atomic_path` in the block only at its end.

    Outputs that belong together (a joined table and its rejects) are all written to
    temporary files first; if anything fails or the process is interrupted, none of
    them replaces its destination. The renames at the end run with SIGINT and SIGTERM
    held back, so they are not split by Ctrl-C.
    """
    pending: list[tuple[Path, Path]] = []
    token = _PENDING.set(pending)
    try:
        yield
        with signals_held():
            for tmp, dest in pending:
                _replace(tmp, dest)
    finally:
        _PENDING.reset(token)
        for tmp, _ in pending:
            _remove_with_sidecars(tmp)


def _replace(tmp: Path, dest: Path) -> None:
    try:
        os.replace(tmp, dest)
    except OSError as exc:
        raise OutputError(f"cannot write {dest}: {describe_os_error(exc)}") from exc


@contextlib.contextmanager
def atomic_path(dest: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; rename it to ``dest`` if the block succeeds.

    The temporary file keeps ``dest``'s extension so format detection by extension works
    and is named ``.<stem>.geofront-<pid>-<random><ext>``; such files left by a killed
    process are removed (with a warning) the next time ``dest`` is written. On any
    exception the temporary file is removed and ``dest`` is left untouched; a write
    fault (disk full, permission denied...) becomes one :class:`OutputError` line.
    """
    dest = Path(dest)
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {dest}: folder {folder} does not exist; create it first")
    if dest.is_dir():
        raise OutputError(f"cannot write {dest}: it is a directory; give a file name")
    remove_stale(folder, stem=dest.stem)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_name(dest), suffix=dest.suffix, dir=folder)
    except OSError as exc:
        raise OutputError(
            f"cannot write {dest}: {describe_os_error(exc)}; choose a writable folder"
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers such as GDAL want to create the file themselves
    pending = _PENDING.get()
    deferred = False
    try:
        try:
            yield tmp
        except _WRITE_FAULTS as exc:
            if isinstance(exc, OutputError):
                raise
            cause = describe_os_error(exc) if isinstance(exc, OSError) else gdal_message(exc)
            raise OutputError(f"cannot write {dest}: {cause}") from exc
        if pending is not None:
            pending.append((tmp, dest))
            deferred = True
        else:
            _replace(tmp, dest)
    finally:
        if not deferred:
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

    Raises
    ------
    OutputError
        Unsupported extension, missing geometry, missing or unwritable folder, or a
        write fault such as a full disk (one line naming the file and the cause).
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
            tmp,
            driver=driver,
            layer=layer if driver in ("GPKG", "GeoJSON") else None,
            engine="pyogrio",
        )
    finally:
        if previous is None:
            os.environ.pop("OGR_CURRENT_DATE", None)
        else:
            os.environ["OGR_CURRENT_DATE"] = previous


def _write_shapefile(frame: gpd.GeoDataFrame, dest: Path) -> Path:
    # A shapefile is several files: write them all in a temporary folder, then move each
    # part into place (inside committed_together: at its end, with the other outputs).
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {dest}: folder {folder} does not exist; create it first")
    remove_stale(folder, stem=dest.stem)
    pending = _PENDING.get()
    try:
        tmpdir = Path(tempfile.mkdtemp(prefix=temp_name(dest), dir=folder))
        try:
            _write_ogr(frame, tmpdir / dest.name, driver="ESRI Shapefile", layer=dest.stem)
            for part in sorted(tmpdir.iterdir()):
                if pending is None:
                    os.replace(part, folder / part.name)
                    continue
                fd, name = tempfile.mkstemp(prefix=temp_name(dest), suffix=part.suffix, dir=folder)
                os.close(fd)
                staged = Path(name)
                os.replace(part, staged)
                pending.append((staged, folder / part.name))
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    except _WRITE_FAULTS as exc:
        if isinstance(exc, OutputError):
            raise
        cause = describe_os_error(exc) if isinstance(exc, OSError) else gdal_message(exc)
        raise OutputError(f"cannot write {dest}: {cause}") from exc
    return dest
