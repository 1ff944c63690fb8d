"""Writing Arrow tables batch by batch: GeoParquet, CSV and GeoPackage, atomically.

:class:`BatchWriter` appends one :class:`pyarrow.Table` after another to an output file
chosen by its extension, with a point geometry built from ``longitude``/``latitude``
where the format carries geometry, and commits the file by renaming a temporary file
over the destination only when everything was written (as :func:`geofront.io.atomic_path`
does for whole tables). Memory stays that of one batch.

- ``.parquet``: GeoParquet 1.1, the point geometry as WKB (built with numpy: 21 bytes a
  point, no geometry objects), CRS EPSG:4326; row groups of one batch. Without
  geometry, plain Parquet. The fast format for large data.
- ``.csv``: a header, then rows; text quoted only where needed (a delimiter, a quote or
  a line break), dates as ``YYYY-MM-DD``, no geometry (``longitude``/``latitude`` are
  columns). Built in Arrow, written as bytes.
- ``.gpkg``: GeoPackage through GDAL (pyogrio), appended batch by batch.
- ``.geojson``, ``.json``, ``.shp``, ``.fgb``: collected and written at the end (these
  formats are for small results).

``None`` as destination writes CSV to standard output.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geofront.errors import OutputError
from geofront.io import TABLE_EXTENSIONS, atomic_path

#: The GeoParquet ``geo`` metadata of a WKB point column in EPSG:4326.
_CRS4326: dict[str, Any] | None = None


def _crs_json() -> dict[str, Any]:
    global _CRS4326
    if _CRS4326 is None:
        from pyproj import CRS

        _CRS4326 = CRS.from_epsg(4326).to_json_dict()
    return _CRS4326


def point_wkb(lon: np.ndarray, lat: np.ndarray) -> pa.Array:
    """Little-endian WKB points from coordinate arrays, as a ``binary`` Arrow array."""
    n = len(lon)
    buf = np.zeros((n, 21), dtype=np.uint8)
    buf[:, 0] = 1  # little endian
    buf[:, 1] = 1  # type 1: Point
    buf[:, 5:13] = np.ascontiguousarray(lon, dtype="<f8").view(np.uint8).reshape(n, 8)
    buf[:, 13:21] = np.ascontiguousarray(lat, dtype="<f8").view(np.uint8).reshape(n, 8)
    offsets = np.arange(0, 21 * n + 1, 21, dtype=np.int32)
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(buf)])


class BatchWriter:
    """Append Arrow tables to one output file; commit atomically.

    Parameters
    ----------
    dest : path or None
        The output; its extension picks the format (see the module docstring). None:
        CSV on standard output.
    geometry : bool
        Give formats with geometry a point geometry from ``longitude``/``latitude``
        (GeoParquet, GeoPackage, ...). Without it, GeoPackage and friends are refused.
    layer : str, optional
        GeoPackage layer name (default: the file's stem).

    Use as a context manager: the file appears under ``dest`` only when the block ends
    without an error; otherwise nothing is left behind and ``dest`` is untouched.
    """

    def __init__(
        self, dest: str | os.PathLike[str] | None, *, geometry: bool, layer: str | None = None
    ) -> None:
        self.dest = None if dest is None else Path(dest)
        self.geometry = geometry
        self.rows = 0
        suffix = "" if self.dest is None else self.dest.suffix.lower()
        if self.dest is not None and suffix not in (*TABLE_EXTENSIONS, ".fgb"):
            raise OutputError(
                f"cannot write {self.dest}: unsupported extension {suffix or '(none)'}; "
                f"use one of {', '.join(TABLE_EXTENSIONS)}"
            )
        if suffix in (".gpkg", ".geojson", ".json", ".shp", ".fgb") and not geometry:
            raise OutputError(
                f"cannot write {self.dest}: {suffix} needs geometry; use .csv or .parquet"
            )
        self.kind = "csv" if suffix in ("", ".csv") else suffix.lstrip(".")
        self.layer = layer or (self.dest.stem if self.dest is not None else "")
        self._stack = contextlib.ExitStack()
        self._tmp: Path | None = None
        self._sink: Any = None
        self._schema: pa.Schema | None = None
        self._held: list[pa.Table] = []
        self._pool: Any = None
        self._pending: Any = None

    def __enter__(self) -> BatchWriter:
        if self.dest is not None and self.kind in ("csv", "parquet", "gpkg"):
            self._tmp = self._stack.enter_context(atomic_path(self.dest))
        return self

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        try:
            try:
                self._drain()
            except BaseException:
                if kind is None:
                    raise
            if kind is None:
                self._finish()
                self._drain()
            self._close_sink()  # flushes: a write fault here is a write fault like any
        except BaseException:
            with contextlib.suppress(BaseException):
                self._close_sink()
            # the temporary file goes, and a write fault becomes one line naming the file
            if not self._stack.__exit__(*sys.exc_info()):
                raise
            return True
        return bool(self._stack.__exit__(kind, exc, tb))

    # -- writing -------------------------------------------------------------------------

    def write(self, table: pa.Table | Callable[[], pa.Table]) -> None:
        """Append rows (same columns every time; the first table fixes the types).

        The encoding and writing happen in a background thread while the caller
        prepares the next batch (at most one batch waits); an error there is raised by
        the next call. ``table`` may be a function making the table: it then runs in
        that thread too (gathering the rows of a batch is work worth moving off the
        caller's thread).
        """
        if self.kind in ("csv", "parquet", "gpkg"):
            self._submit(table)
        else:
            self._held.append(self._typed(table() if callable(table) else table))

    def _typed(self, table: pa.Table) -> pa.Table:
        if self._schema is None:
            self._schema = table.schema.remove_metadata()
        elif table.schema.remove_metadata() != self._schema:
            table = table.cast(self._schema)
        self.rows += table.num_rows
        return table

    def _submit(self, table: pa.Table | Callable[[], pa.Table]) -> None:
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geofront-writer")
        if self._pending is not None:
            self._result(self._pending)  # one batch in flight at most; re-raises its error
        self._pending = self._pool.submit(self._write_now, table)

    def _result(self, pending: Any) -> None:
        """Wait for a write; a write fault becomes one OutputError line naming this file
        (not whichever output's context it would otherwise pass through first)."""
        from geofront.files import describe_os_error, gdal_message
        from geofront.io import _WRITE_FAULTS

        try:
            pending.result()
        except OutputError:
            raise
        except _WRITE_FAULTS as exc:
            if self.dest is None:
                raise  # standard output: the command says what a shell expects
            cause = describe_os_error(exc) if isinstance(exc, OSError) else gdal_message(exc)
            raise OutputError(f"cannot write {self.dest}: {cause}") from exc

    def _drain(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._result(pending)
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _write_now(self, make: pa.Table | Callable[[], pa.Table]) -> None:
        table = self._typed(make() if callable(make) else make)
        if self.kind == "csv":
            self._write_csv(table)
        elif self.kind == "parquet":
            self._write_parquet(table)
        else:
            self._write_gpkg(table)

    def _with_geometry(self, table: pa.Table) -> pa.Table:
        lon = np.asarray(table.column("longitude").to_numpy(), dtype="float64")
        lat = np.asarray(table.column("latitude").to_numpy(), dtype="float64")
        return table.append_column("geometry", point_wkb(lon, lat))

    def _write_parquet(self, table: pa.Table) -> None:
        import pyarrow.parquet as pq

        if self.geometry:
            table = self._with_geometry(table)
        if self._sink is None:
            schema = table.schema
            if self.geometry:
                geo = {
                    "version": "1.1.0",
                    "primary_column": "geometry",
                    "columns": {
                        "geometry": {
                            "encoding": "WKB",
                            "geometry_types": ["Point"],
                            "crs": _crs_json(),
                        }
                    },
                }
                schema = schema.with_metadata({b"geo": json.dumps(geo).encode()})
            dictionary, stats = _parquet_encodings(table)
            self._sink = pq.ParquetWriter(
                str(self._tmp),
                schema,
                compression="snappy",
                use_dictionary=dictionary,
                write_statistics=stats,
            )
            self._pq_schema = schema
        self._sink.write_table(table.replace_schema_metadata(self._pq_schema.metadata))

    def _write_gpkg(self, table: pa.Table) -> None:
        import pyogrio

        with _ogr_date():
            pyogrio.write_arrow(
                self._with_geometry(table),
                str(self._tmp),
                layer=self.layer,
                driver="GPKG",
                geometry_name="geometry",
                geometry_type="Point",
                crs="EPSG:4326",
                append=self._sink is not None,
            )
        self._sink = True

    def _write_csv(self, table: pa.Table) -> None:
        if self._sink is None:
            self._sink = (
                open(self._tmp, "wb")  # noqa: SIM115 - closed in _close_sink
                if self._tmp is not None
                else _Stdout(sys.stdout)
            )
            self._sink.write(csv_header(table.column_names))
        self._sink.write(csv_rows(table))

    def _finish(self) -> None:
        if self.kind in ("csv", "parquet", "gpkg"):
            if self._sink is None:  # nothing written: still an empty table with a header
                if self._schema is None:
                    raise OutputError(f"nothing to write to {self.dest}")
                self._write_now(self._schema.empty_table())
            return
        import geopandas as gpd

        from geofront.io import write_table

        table = pa.concat_tables(self._held) if self._held else self._schema.empty_table()  # type: ignore[union-attr]
        frame = table.to_pandas()
        out = gpd.GeoDataFrame(
            frame,
            geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
            crs="EPSG:4326",
        )
        assert self.dest is not None
        write_table(out, self.dest, layer=self.layer)

    def _close_sink(self) -> None:
        sink, self._sink = self._sink, None
        if sink is None or sink is True:
            return
        if self.kind == "parquet" or self.kind == "csv":
            sink.close()


def _parquet_encodings(table: pa.Table) -> tuple[list[str], list[str]]:
    """Columns worth dictionary encoding and statistics, judged on the first batch.

    Text with few distinct values (event types, actors, districts) is dictionary
    encoded (smaller and faster); free text (notes, ids) is not, which saves building a
    dictionary that would be thrown away. Statistics (min/max per row group, used by
    readers to skip data) are kept for every column but free text.
    """
    sample = table.slice(0, 20_000)
    dictionary, stats = [], []
    for name, col in zip(sample.column_names, sample.columns, strict=True):
        t = col.type
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
            distinct = pc.count_distinct(col).as_py()
            if distinct <= max(1, len(col) // 20):
                dictionary.append(name)
                stats.append(name)
        elif not pa.types.is_binary(t):
            stats.append(name)
    return dictionary, stats


class _Stdout:
    """Binary writes to a text stream (standard output), flushed, never closed."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        buffer = getattr(self.stream, "buffer", None)
        if buffer is not None:
            self.stream.flush()
            buffer.write(data)
            buffer.flush()
        else:  # a stream without bytes (click's test runner, notebooks)
            self.stream.write(data.decode("utf-8"))

    def close(self) -> None:
        self.stream.flush()


@contextlib.contextmanager
def _ogr_date() -> Any:
    from geofront.io import _OGR_DATE

    previous = os.environ.get("OGR_CURRENT_DATE")
    os.environ["OGR_CURRENT_DATE"] = _OGR_DATE
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("OGR_CURRENT_DATE", None)
        else:
            os.environ["OGR_CURRENT_DATE"] = previous


# --- CSV text ------------------------------------------------------------------------------

_NEEDS_QUOTES = '[,"\r\n]'


def csv_header(names: list[str]) -> bytes:
    """The header line: names quoted only where needed."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(names)
    return buf.getvalue().encode("utf-8")


def csv_rows(table: pa.Table) -> bytes:
    """The rows of ``table`` as CSV bytes, as pandas ``to_csv`` writes them for most values.

    Text is quoted only when it holds a comma, a quote or a line break; missing values
    are empty; dates and timestamps are written as ``YYYY-MM-DD``; floats as Arrow
    writes them (shortest round trip), with ``.0`` on whole numbers as Python does.
    """
    if table.num_rows == 0:
        return b""
    cols = [_csv_text(table.column(i)) for i in range(table.num_columns)]
    if len(cols) == 1:
        lines = cols[0]
    else:
        lines = pc.binary_join_element_wise(*cols, _s(","), null_handling="replace")
    lines = pc.binary_join_element_wise(lines, _s(""), _s("\n"), null_handling="replace")
    arr = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    arr = arr.cast(pa.large_string())
    offsets = np.frombuffer(
        arr.buffers()[1], dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8
    )
    data = arr.buffers()[2]
    return bytes(data.to_pybytes()[int(offsets[0]) : int(offsets[-1])])


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _csv_text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """One column as CSV cell text (nulls stay null: written empty)."""
    t = col.type
    if pa.types.is_dictionary(t):
        col = col.cast(t.value_type)
        t = t.value_type
    if pa.types.is_timestamp(t) or pa.types.is_date64(t):
        return col.cast(pa.date32()).cast(pa.large_string())
    if pa.types.is_date32(t):
        return col.cast(pa.large_string())
    if pa.types.is_floating(t):
        text = col.cast(pa.large_string())
        whole = pc.and_(
            pc.is_finite(col),
            pc.invert(pc.match_substring_regex(text, "[.eEn]")),
        )
        text = pc.if_else(whole, pc.binary_join_element_wise(text, _s(".0"), _s("")), text)
        return pc.if_else(pc.is_nan(col), pa.scalar(None, pa.large_string()), text)
    if pa.types.is_boolean(t):
        return pc.if_else(col, _s("True"), _s("False"))
    if pa.types.is_integer(t):
        return col.cast(pa.large_string())
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return col.cast(pa.large_string())
    col = col.cast(pa.large_string())
    quote = pc.match_substring_regex(col, _NEEDS_QUOTES)
    quoted = pc.binary_join_element_wise(
        _s('"'), pc.replace_substring(col, '"', '""'), _s('"'), _s("")
    )
    return pc.if_else(quote, quoted, col)
